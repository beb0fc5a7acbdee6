/* pm-plan-search-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The search state, shared by the ruin-and-recreate loop and the local
 * search.
 */

#pragma once

#include "pm-plan-private.h"

typedef struct
{
  PmPlanTour *t;      /* one per van-day */
  int        *where;  /* van-day of each visit, -1 unassigned */
  double      cost;
} PmPlanState;

typedef struct
{
  const PmPlanProblem *P;
  uint64_t             rng;
  PmPlanState          cur;
  PmPlanState          cand;
  PmPlanState          best;
  bool                *touched;    /* van-days changed since the last sync */
  bool                *ruined;
  long                *cls_stamp;
  long                 stamp;
  double              *keys;
  int                 *buf_a;
  int                 *buf_b;
  int                 *lock_order;
  bool                 no_new_routes;  /* fleet phase: empty van-days stay empty */
  long                *absence;        /* fleet phase: iterations each visit was out */
} PmPlanSearch;

double pm_plan_state_cost      (const PmPlanProblem *P,
                                const PmPlanState   *st);
void   pm_plan_state_insert    (PmPlanSearch        *S,
                                PmPlanState         *st,
                                int                  shift,
                                int                  pos,
                                int                  job);
bool   pm_plan_best_insertion  (PmPlanSearch        *S,
                                const PmPlanState   *st,
                                int                  job,
                                double               blink,
                                int                  only_shift,
                                int                 *shift_out,
                                int                 *pos_out,
                                double              *cost_out);
void   pm_plan_local_search    (PmPlanSearch        *S,
                                PmPlanState         *st);
