/* pm-plan-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Internals shared by the planner's files and its tests.
 */

#pragma once

#include "pm-planner.h"

#define PM_PLAN_INF 1e30
#define PM_PLAN_EPS 1e-7

/* A visit as the search sees it. */
typedef struct
{
  int                 loc;
  double              service;
  double              load;
  const PmPlanWindow *win;
  int                 n_win;
  double              penalty;     /* weighted cost of leaving it out */
  int                 pref_staff;
  PmPlanLock          lock;
  int                 lock_shift;
  int                 prev_shift;  /* van-day in the previous plan, or -1 */
} PmPlanJob;

/* One van on one day, in absolute times. */
typedef struct
{
  int      van;
  int      day;
  int      cls;           /* shifts with equal data share a class */
  int      start_loc;
  int      end_loc;
  double   cap;
  int      staff;
  double   t_start;
  double   t_end;         /* regular end */
  double   t_deadline;    /* end + allowed overtime */
  bool     has_break;
  double   b_open;
  double   b_close;
  double   b_dur;
} PmPlanShift;

typedef struct
{
  int            n_loc;
  const double  *T;
  int            n_jobs;
  PmPlanJob     *jobs;
  int            n_shifts;
  PmPlanShift   *shifts;
  unsigned char *compat;      /* n_jobs × n_shifts */
  PmPlanWeights  w;
  int            n_neigh;
  int           *neigh;       /* n_jobs × n_neigh, nearest first */
  double         mean_arc;    /* typical weighted travel between neighbours */
  bool           symmetric;
} PmPlanProblem;

/* A route under search, with the arrays that make an insertion check O(1):
 * d0/d1 earliest departure from position p (0 = start depot) with the break
 * still to take / taken, l0/l1 latest service start at p (n + 1 = end depot)
 * that keeps the rest feasible.
 */
typedef struct
{
  int     n;
  int    *v;
  double  load;
  double *d0;
  double *d1;
  double *l0;
  double *l1;
  int     n_head;     /* started visits at the head */
  int     n_locked;
  bool    feasible;
  double  cost;
  double  slack;      /* the part of cost a move could save besides travel */
  double  travel;     /* sums kept for incremental updates */
  double  service;
  int     pref_miss;
  int     moved;
} PmPlanTour;

/* Full evaluation of a sequence on a shift. */
typedef struct
{
  bool   feasible;
  double travel;
  double arrive;
  double overtime;
  double waiting;
  int    break_after;
  double break_start;
  int    pref_miss;
  int    moved;
  double cost;
} PmPlanEval;

bool           pm_plan_model_validate       (const PmPlanModel   *model,
                                             char                *error,
                                             int                  error_size);
/* NULL if the model is invalid or memory runs out. */
PmPlanProblem *pm_plan_problem_new          (const PmPlanModel   *model,
                                             char                *error,
                                             int                  error_size);
void           pm_plan_problem_free         (PmPlanProblem       *problem);

static inline double
pm_plan_travel (const PmPlanProblem *P,
                int                  a,
                int                  b)
{
  return P->T[(long) a * P->n_loc + b];
}

/* Location at index k of a tour; k < 0 is its start, k >= n its end. */
static inline int
pm_plan_tour_loc (const PmPlanProblem *P,
                  int                  shift,
                  const PmPlanTour    *t,
                  int                  k)
{
  if (k < 0)
    return P->shifts[shift].start_loc;
  if (k >= t->n)
    return P->shifts[shift].end_loc;
  return P->jobs[t->v[k]].loc;
}

/* Earliest start at or after arrival `a`, or PM_PLAN_INF. */
static inline double
pm_plan_job_earliest (const PmPlanJob *j,
                      double           a)
{
  if (j->n_win == 0)
    return a;
  for (int k = 0; k < j->n_win; k++)
    if (a <= j->win[k].close + PM_PLAN_EPS)
      return a > j->win[k].open ? a : j->win[k].open;
  return PM_PLAN_INF;
}

/* Latest start at or before `x`, or -PM_PLAN_INF. */
static inline double
pm_plan_job_latest (const PmPlanJob *j,
                    double           x)
{
  if (j->n_win == 0)
    return x;
  for (int k = j->n_win - 1; k >= 0; k--)
    if (j->win[k].open <= x + PM_PLAN_EPS)
      return x < j->win[k].close ? x : j->win[k].close;
  return -PM_PLAN_INF;
}

/* Time after taking the break no earlier than `t`, or PM_PLAN_INF. */
static inline double
pm_plan_shift_take_break (const PmPlanShift *s,
                          double             t)
{
  double b = t > s->b_open ? t : s->b_open;

  return b <= s->b_close + PM_PLAN_EPS ? b + s->b_dur : PM_PLAN_INF;
}

void   pm_plan_tour_init        (PmPlanTour          *tour,
                                 int                  capacity);
void   pm_plan_tour_clear       (PmPlanTour          *tour);
void   pm_plan_tour_copy        (PmPlanTour          *dst,
                                 const PmPlanTour    *src);
int    pm_plan_tour_find        (const PmPlanTour    *tour,
                                 int                  job);
void   pm_plan_tour_update      (const PmPlanProblem *P,
                                 int                  shift,
                                 PmPlanTour          *tour);
/* After a visit was put at index pos: O(n) but only the changed parts. */
void   pm_plan_tour_inserted    (const PmPlanProblem *P,
                                 int                  shift,
                                 PmPlanTour          *tour,
                                 int                  pos);
bool   pm_plan_tour_can_insert  (const PmPlanProblem *P,
                                 int                  shift,
                                 const PmPlanTour    *tour,
                                 int                  job,
                                 int                  pos);

void   pm_plan_evaluate         (const PmPlanProblem *P,
                                 int                  shift,
                                 const int           *seq,
                                 int                  n,
                                 double              *starts,
                                 PmPlanEval          *eval);

bool   pm_plan_dp_order         (const PmPlanProblem *P,
                                 int                  shift,
                                 const int           *seq,
                                 int                  n,
                                 int                 *order);

/* splitmix64: small, fast, and the same on every platform. */
static inline uint64_t
pm_plan_rng_next (uint64_t *state)
{
  uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

static inline int
pm_plan_rng_int (uint64_t *state,
                 int       n)
{
  return (int) (pm_plan_rng_next (state) % (uint64_t) n);
}

static inline double
pm_plan_rng_double (uint64_t *state)
{
  return (pm_plan_rng_next (state) >> 11) * (1.0 / 9007199254740992.0);
}
