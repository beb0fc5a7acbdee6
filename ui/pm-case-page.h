/* pm-case-page.h: a passport, ID or registration case of one person
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "pm-form-page.h"

G_BEGIN_DECLS

#define PM_TYPE_CASE_PAGE (pm_case_page_get_type ())
G_DECLARE_FINAL_TYPE (PmCasePage, pm_case_page, PM, CASE_PAGE, PmFormPage)

GtkWidget  *pm_case_page_new         (void);
void        pm_case_page_edit        (PmCasePage *self,
                                      PmStore    *store,
                                      PmRecord   *visit,
                                      PmRecord   *citizen,
                                      const char *staff_id);

G_END_DECLS
