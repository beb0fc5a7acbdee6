/* pm-week-plan.h: the planner run on the store's visits
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "pm-store.h"

G_BEGIN_DECLS

typedef struct
{
  char       *from;          /* first day, YYYY-MM-DD */
  int         days;
  guint64     seed;
  long        iterations;    /* 0: until time_limit_ms */
  double      time_limit_ms;
} PmWeekPlanOptions;

/* The visits of the plan, with date, van, planned start and route order set
 * (copies; nothing is saved), and those that do not fit. */
typedef struct
{
  GPtrArray *planned;
  GPtrArray *unplanned;
  double     travel_seconds;
  int        van_days;
} PmWeekPlan;

PmWeekPlan *pm_week_plan_compute (PmStore                  *store,
                                  const PmWeekPlanOptions  *options,
                                  GError                  **error);
void        pm_week_plan_free    (PmWeekPlan               *plan);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PmWeekPlan, pm_week_plan_free)

G_END_DECLS
