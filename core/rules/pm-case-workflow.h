/* pm-case-workflow.h: the registration office's steps of a case
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "pm-record.h"

G_BEGIN_DECLS

/**
 * PmCaseStep:
 * @status: the status to move to (wire id)
 * @reason: for "query", what is missing, in plain words; for "rejected", why
 * @registration_number: for "booked", the registration system's case number
 * @handover_mode: for "handover_planned": "visit" (a visit request for
 *   dispatch), "proxy" or "direct_mail"
 */
typedef struct
{
  const char *status;
  const char *reason;
  const char *registration_number;
  const char *handover_mode;
} PmCaseStep;

typedef enum
{
  PM_CASE_FOLLOW_UP_NONE,
  PM_CASE_FOLLOW_UP_TASK,     /* a task on the next visit, or a new visit request */
  PM_CASE_FOLLOW_UP_HANDOVER, /* a hand-over visit request */
} PmCaseFollowUp;

gboolean        pm_case_step_apply           (PmRecord          *kase,
                                              const PmCaseStep  *step,
                                              const char        *actor_id,
                                              GError           **error);
PmCaseFollowUp  pm_case_step_get_follow_up   (const PmCaseStep  *step);
char           *pm_case_step_task_text       (PmRecord          *kase,
                                              const PmCaseStep  *step);
PmRecord       *pm_case_visit_request_new    (PmRecord          *kase,
                                              PmRecord          *citizen,
                                              PmRecord          *origin,
                                              const PmCaseStep  *step);
void            pm_case_add_task_to_visit    (PmRecord          *visit,
                                              const char        *task);

G_END_DECLS
