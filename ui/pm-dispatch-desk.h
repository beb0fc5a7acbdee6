/* pm-dispatch-desk.h: the dispatch office's desk: requests, the week's board, the map
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "pm-plan-board.h"
#include "pm-store.h"

G_BEGIN_DECLS

#define PM_TYPE_DISPATCH_DESK (pm_dispatch_desk_get_type ())
G_DECLARE_FINAL_TYPE (PmDispatchDesk, pm_dispatch_desk, PM, DISPATCH_DESK, GtkWidget)

PmDispatchDesk *pm_dispatch_desk_new           (void);
void            pm_dispatch_desk_set_store     (PmDispatchDesk *self,
                                                PmStore        *store);
void            pm_dispatch_desk_set_people    (PmDispatchDesk *self,
                                                GMenuModel     *menu,
                                                const char     *acting_name);
void            pm_dispatch_desk_set_week      (PmDispatchDesk *self,
                                                const char     *monday);
gboolean        pm_dispatch_desk_get_busy      (PmDispatchDesk *self);
PmPlanBoard    *pm_dispatch_desk_get_board     (PmDispatchDesk *self);
const char     *pm_dispatch_desk_get_summary   (PmDispatchDesk *self);
GtkWidget      *pm_dispatch_desk_get_request   (PmDispatchDesk *self);

G_END_DECLS
