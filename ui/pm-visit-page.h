/* pm-visit-page.h: everything the van needs to know about one visit
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "pm-store.h"
#include "pm-visit.h"

G_BEGIN_DECLS

#define PM_TYPE_VISIT_PAGE (pm_visit_page_get_type ())
G_DECLARE_FINAL_TYPE (PmVisitPage, pm_visit_page, PM, VISIT_PAGE, GtkWidget)

void pm_visit_page_set_back_visible (PmVisitPage *self,
                                     gboolean     visible);
void pm_visit_page_clear      (PmVisitPage *self);
void pm_visit_page_show_visit (PmVisitPage *self,
                               PmStore     *store,
                               PmVisit     *visit);

G_END_DECLS
