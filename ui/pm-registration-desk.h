/* pm-registration-desk.h: the registration office's inbox and case detail
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "pm-registration-case.h"
#include "pm-store.h"
#include "pm-sync-status.h"

G_BEGIN_DECLS

#define PM_TYPE_REGISTRATION_DESK (pm_registration_desk_get_type ())
G_DECLARE_FINAL_TYPE (PmRegistrationDesk, pm_registration_desk, PM, REGISTRATION_DESK, AdwBin)

void                pm_registration_desk_set_store    (PmRegistrationDesk *self,
                                                       PmStore            *store);
void                pm_registration_desk_set_sync_status (PmRegistrationDesk *self,
                                                          PmSyncStatus       *status);
void                pm_registration_desk_set_people   (PmRegistrationDesk *self,
                                                       GMenuModel         *menu,
                                                       const char         *acting_name);
void                pm_registration_desk_reload       (PmRegistrationDesk *self);
void                pm_registration_desk_open_case    (PmRegistrationDesk *self,
                                                       const char         *case_id);
gboolean            pm_registration_desk_get_loading  (PmRegistrationDesk *self);
guint               pm_registration_desk_get_count    (PmRegistrationDesk *self,
                                                       const char         *status);
guint               pm_registration_desk_get_n_shown  (PmRegistrationDesk *self);
PmRegistrationCase *pm_registration_desk_get_case_page (PmRegistrationDesk *self);

G_END_DECLS
