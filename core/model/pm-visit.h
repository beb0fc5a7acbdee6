/* pm-visit.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "pm-record.h"

G_BEGIN_DECLS

#define PM_TYPE_VISIT (pm_visit_get_type ())
G_DECLARE_FINAL_TYPE (PmVisit, pm_visit, PM, VISIT, PmRecord)

PmVisit *pm_visit_new                      (void);
PmVisit *pm_visit_new_follow_up_request    (PmRecord   *citizen,
                                            const char *follow_up_date);

G_END_DECLS
