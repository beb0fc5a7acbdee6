/* pm-counselling-page.h: the care counselling record of one person at a visit
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "pm-form-page.h"

G_BEGIN_DECLS

#define PM_TYPE_COUNSELLING_PAGE (pm_counselling_page_get_type ())
G_DECLARE_FINAL_TYPE (PmCounsellingPage, pm_counselling_page, PM, COUNSELLING_PAGE, PmFormPage)

GtkWidget *pm_counselling_page_new  (void);
void       pm_counselling_page_edit (PmCounsellingPage *self,
                                     PmStore           *store,
                                     PmRecord          *visit,
                                     PmRecord          *citizen,
                                     const char        *staff_id);

G_END_DECLS
