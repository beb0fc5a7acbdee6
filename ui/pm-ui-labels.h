/* pm-ui-labels.h: how records read on screen, and small widget helpers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "pm-record.h"

G_BEGIN_DECLS

char       *pm_ui_visit_place      (PmRecord   *visit);
char       *pm_ui_format_day       (const char *date);
char       *pm_ui_format_day_short (const char *date);
const char *pm_ui_location_label   (const char *location_type);

void        pm_ui_unparent_children (GtkWidget  *widget);
void        pm_ui_show_person       (GtkMenuButton *button,
                                     GtkWidget     *content,
                                     GMenuModel    *menu,
                                     const char    *acting_name);

G_END_DECLS
