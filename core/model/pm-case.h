/* pm-case.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "pm-record.h"

G_BEGIN_DECLS

#define PM_TYPE_CASE (pm_case_get_type ())
G_DECLARE_FINAL_TYPE (PmCase, pm_case, PM, CASE, PmRecord)

PmCase     *pm_case_new         (void);
const char *pm_case_value_label (const char *field,
                                 const char *value);

G_END_DECLS
