/* pm-dispatch-map.h: a day's route on the map, with or without map tiles
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "pm-plan-board.h"

G_BEGIN_DECLS

#define PM_TYPE_DISPATCH_MAP (pm_dispatch_map_get_type ())
G_DECLARE_FINAL_TYPE (PmDispatchMap, pm_dispatch_map, PM, DISPATCH_MAP, GtkWidget)

PmDispatchMap *pm_dispatch_map_new           (void);
void           pm_dispatch_map_set_tile_url  (PmDispatchMap *self,
                                              const char    *url);
const char    *pm_dispatch_map_get_tile_url  (PmDispatchMap *self);
void           pm_dispatch_map_set_route     (PmDispatchMap *self,
                                              PmPlanBoard   *board,
                                              int            van,
                                              int            day);
guint          pm_dispatch_map_get_n_stops   (PmDispatchMap *self);
guint          pm_dispatch_map_get_n_areas   (PmDispatchMap *self);

G_END_DECLS
