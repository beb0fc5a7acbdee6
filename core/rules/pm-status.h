/* pm-status.h: roles and the status machines of visits and cases
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  PM_ROLE_INVALID = -1,
  PM_ROLE_FIELD,
  PM_ROLE_DISPATCH,
  PM_ROLE_EINWOHNERWESEN,
  PM_ROLE_SOZIALES,
  PM_ROLE_PLANNING,
  PM_ROLE_ADMIN,
} PmRole;

const char  *pm_role_to_wire                 (PmRole       role);
PmRole       pm_role_from_wire               (const char  *wire);

const char * const *pm_departments           (void);
const char  *pm_department_get_label         (const char  *department);

const char * const *pm_visit_statuses        (void);
const char  *pm_visit_status_get_label       (const char  *status);
gboolean     pm_visit_status_is_final        (const char  *status);
gboolean     pm_visit_status_check_transition (const char  *from,
                                              const char  *to,
                                              PmRole       actor,
                                              GError     **error);

const char * const *pm_case_statuses         (void);
const char  *pm_case_status_get_label        (const char  *status);
gboolean     pm_case_status_is_locked        (const char  *status);
gboolean     pm_case_status_is_closed        (const char  *status);
gboolean     pm_case_status_check_transition (const char  *from,
                                              const char  *to,
                                              PmRole       actor,
                                              GError     **error);

G_END_DECLS
