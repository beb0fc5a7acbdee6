/* pm-registration-case.h: one case on the registration office's desk
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "pm-store.h"

G_BEGIN_DECLS

#define PM_TYPE_REGISTRATION_CASE (pm_registration_case_get_type ())
G_DECLARE_FINAL_TYPE (PmRegistrationCase, pm_registration_case, PM, REGISTRATION_CASE, AdwBin)

void      pm_registration_case_show             (PmRegistrationCase *self,
                                                 PmStore            *store,
                                                 const char         *case_id);
void      pm_registration_case_clear            (PmRegistrationCase *self);
PmRecord *pm_registration_case_get_case         (PmRegistrationCase *self);
gboolean  pm_registration_case_get_busy         (PmRegistrationCase *self);
void      pm_registration_case_set_back_visible (PmRegistrationCase *self,
                                                 gboolean            visible);

G_END_DECLS
