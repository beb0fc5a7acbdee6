/* pm-erasure.h: what an erasure under Art. 17 DSGVO deletes, and what it keeps
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "pm-record.h"

G_BEGIN_DECLS

/**
 * PmErasurePlan:
 * @erase: the records to delete
 * @unlink: copies of visits that name other people too, without the person
 * @keep: the records the law requires to keep
 * @reasons: why, one string per record of @keep
 */
typedef struct
{
  GPtrArray *erase;
  GPtrArray *unlink;
  GPtrArray *keep;
  GPtrArray *reasons;
} PmErasurePlan;

PmErasurePlan *pm_erasure_plan_new  (GPtrArray     *records,
                                     const char    *citizen_id);
void           pm_erasure_plan_free (PmErasurePlan *plan);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PmErasurePlan, pm_erasure_plan_free)

G_END_DECLS
