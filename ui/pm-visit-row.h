/* pm-visit-row.h: one visit in the day's route
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "pm-visit.h"

G_BEGIN_DECLS

#define PM_TYPE_VISIT_ROW (pm_visit_row_get_type ())
G_DECLARE_FINAL_TYPE (PmVisitRow, pm_visit_row, PM, VISIT_ROW, GtkWidget)

PmVisit *pm_visit_row_get_visit (PmVisitRow *self);
void     pm_visit_row_set_visit (PmVisitRow *self,
                                 PmVisit    *visit);

G_END_DECLS
