/* pm-counselling-record.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "pm-choice.h"
#include "pm-record.h"

G_BEGIN_DECLS

#define PM_TYPE_COUNSELLING_RECORD (pm_counselling_record_get_type ())
G_DECLARE_FINAL_TYPE (PmCounsellingRecord, pm_counselling_record, PM, COUNSELLING_RECORD, PmRecord)

PmCounsellingRecord *pm_counselling_record_new         (void);
const PmChoice      *pm_counselling_topics             (void);
const PmChoice      *pm_counselling_unmet_needs        (void);

G_END_DECLS
