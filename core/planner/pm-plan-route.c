/* pm-plan-route.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Route evaluation.  Arriving earlier never hurts (waiting is allowed), so
 * the earliest departure at each stop and the latest start that keeps the
 * rest feasible are single numbers, even with several windows per visit.
 * The break adds one bit of state (still to take / taken), so every array
 * exists twice.  That makes an insertion check O(1) and a full evaluation
 * O(n).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pm-plan-private.h"

#define FINITE(x) ((x) < PM_PLAN_INF / 2 && (x) > -PM_PLAN_INF / 2)
#define PM_PLAN_DP_MAX 10

void
pm_plan_tour_init (PmPlanTour *tour,
                   int         capacity)
{
  memset (tour, 0, sizeof *tour);
  tour->v = calloc ((size_t) capacity + 1, sizeof *tour->v);
  tour->d0 = calloc ((size_t) capacity + 2, sizeof (double));
  tour->d1 = calloc ((size_t) capacity + 2, sizeof (double));
  tour->l0 = calloc ((size_t) capacity + 2, sizeof (double));
  tour->l1 = calloc ((size_t) capacity + 2, sizeof (double));
}

void
pm_plan_tour_clear (PmPlanTour *tour)
{
  free (tour->v);
  free (tour->d0);
  free (tour->d1);
  free (tour->l0);
  free (tour->l1);
  memset (tour, 0, sizeof *tour);
}

void
pm_plan_tour_copy (PmPlanTour       *dst,
                   const PmPlanTour *src)
{
  size_t nd = sizeof (double) * ((size_t) src->n + 2);

  memcpy (dst->v, src->v, sizeof (int) * (size_t) src->n);
  memcpy (dst->d0, src->d0, nd);
  memcpy (dst->d1, src->d1, nd);
  memcpy (dst->l0, src->l0, nd);
  memcpy (dst->l1, src->l1, nd);
  dst->n = src->n;
  dst->load = src->load;
  dst->n_head = src->n_head;
  dst->n_locked = src->n_locked;
  dst->feasible = src->feasible;
  dst->cost = src->cost;
  dst->slack = src->slack;
  dst->travel = src->travel;
  dst->service = src->service;
  dst->pref_miss = src->pref_miss;
  dst->moved = src->moved;
}

int
pm_plan_tour_find (const PmPlanTour *tour,
                   int               job)
{
  for (int k = 0; k < tour->n; k++)
    if (tour->v[k] == job)
      return k;
  return -1;
}

static double
break_latest_finish (const PmPlanShift *s,
                     double             x)
{
  double limit = x - s->b_dur < s->b_close ? x - s->b_dur : s->b_close;

  return s->b_open <= limit + PM_PLAN_EPS ? limit : -PM_PLAN_INF;
}

/* One stop forward: from the earliest departures at the previous stop
 * (break to take / taken) to those at this one, the break possibly taken
 * right after it.
 */
static bool
step (const PmPlanShift *s,
      const PmPlanJob   *j,
      double             t,
      double            *e0,
      double            *e1)
{
  double f0 = PM_PLAN_INF, f1 = PM_PLAN_INF, b;
  bool took = false;

  if (FINITE (*e0))
    f0 = pm_plan_job_earliest (j, *e0 + t) + j->service;
  if (FINITE (*e1))
    f1 = pm_plan_job_earliest (j, *e1 + t) + j->service;
  b = s->has_break && FINITE (f0) ? pm_plan_shift_take_break (s, f0) : PM_PLAN_INF;
  if (b < f1)
    {
      f1 = b;
      took = true;
    }
  *e0 = FINITE (f0) ? f0 : PM_PLAN_INF;
  *e1 = FINITE (f1) ? f1 : PM_PLAN_INF;
  return took;
}

/* From the last departures and the route's sums to the return time and
 * every cost component.  `bpos` is where the break-taken path took it.
 */
static void
finish (const PmPlanProblem *P,
        int                  shift,
        double               e0,
        double               e1,
        double               t_home,
        int                  bpos,
        double               service,
        PmPlanEval          *e)
{
  const PmPlanShift *s = &P->shifts[shift];
  double a0 = s->has_break && e0 + t_home <= s->b_open + PM_PLAN_EPS ? e0 + t_home : PM_PLAN_INF;
  double a1 = FINITE (e1) ? e1 + t_home : PM_PLAN_INF;

  e->break_after = -1;
  if (a0 <= a1)
    e->arrive = a0;
  else
    {
      e->arrive = a1;
      e->break_after = s->has_break ? bpos : -1;
    }
  e->feasible = e->arrive <= s->t_deadline + PM_PLAN_EPS;
  e->overtime = e->arrive > s->t_end ? e->arrive - s->t_end : 0;
  e->waiting = e->arrive - s->t_start - e->travel - service
               - (e->break_after >= 0 ? s->b_dur : 0);
  if (e->waiting < 0)
    e->waiting = 0;
  e->cost = P->w.vehicle + P->w.travel * e->travel + P->w.overtime * e->overtime
            + P->w.waiting * e->waiting + P->w.preferred_staff * e->pref_miss
            + P->w.moved * e->moved;
  if (!e->feasible)
    e->cost += PM_PLAN_INF;
}

static void
start_times (const PmPlanShift *s,
             double            *e0,
             double            *e1)
{
  *e0 = s->has_break ? s->t_start : PM_PLAN_INF;
  *e1 = s->has_break ? pm_plan_shift_take_break (s, s->t_start) : s->t_start;
}

static void
count_job (const PmPlanProblem *P,
           int                  shift,
           const PmPlanJob     *j,
           int                  sign,
           PmPlanEval          *e)
{
  if (j->pref_staff >= 0 && j->pref_staff != P->shifts[shift].staff)
    e->pref_miss += sign;
  if (j->prev_shift >= 0 && j->prev_shift != shift)
    e->moved += sign;
}

/* Forward pass over a sequence: the chosen break and every cost. */
static void
forward (const PmPlanProblem *P,
         int                  shift,
         const int           *seq,
         int                  n,
         PmPlanEval          *e)
{
  const PmPlanShift *s = &P->shifts[shift];
  double e0, e1, service = 0;
  int prev = s->start_loc, bpos;

  memset (e, 0, sizeof *e);
  start_times (s, &e0, &e1);
  bpos = s->has_break && FINITE (e1) ? 0 : -1;

  for (int p = 1; p <= n; p++)
    {
      const PmPlanJob *j = &P->jobs[seq[p - 1]];
      double t = pm_plan_travel (P, prev, j->loc);

      if (step (s, j, t, &e0, &e1))
        bpos = p;
      e->travel += t;
      service += j->service;
      count_job (P, shift, j, 1, e);
      prev = j->loc;
    }

  if (n == 0)
    {
      e->feasible = true;
      e->arrive = s->t_start;
      e->break_after = -1;
      return;
    }
  e->travel += pm_plan_travel (P, prev, s->end_loc);
  finish (P, shift, e0, e1, pm_plan_travel (P, prev, s->end_loc), bpos, service, e);
}

/* Earliest departures at positions from..n, from those at from - 1. */
static void
tour_forward (const PmPlanProblem *P,
              int                  shift,
              PmPlanTour          *tour,
              int                  from)
{
  const PmPlanShift *s = &P->shifts[shift];
  double e0 = tour->d0[from - 1], e1 = tour->d1[from - 1];
  int prev = pm_plan_tour_loc (P, shift, tour, from - 2);

  for (int p = from; p <= tour->n; p++)
    {
      const PmPlanJob *j = &P->jobs[tour->v[p - 1]];

      step (s, j, pm_plan_travel (P, prev, j->loc), &e0, &e1);
      tour->d0[p] = e0;
      tour->d1[p] = e1;
      prev = j->loc;
    }
}

/* Latest starts at positions from..1, from those at from + 1. */
static void
tour_backward (const PmPlanProblem *P,
               int                  shift,
               PmPlanTour          *tour,
               int                  from)
{
  const PmPlanShift *s = &P->shifts[shift];
  int next = pm_plan_tour_loc (P, shift, tour, from);

  for (int p = from; p >= 1; p--)
    {
      const PmPlanJob *j = &P->jobs[tour->v[p - 1]];
      double t = pm_plan_travel (P, j->loc, next);
      double x1 = tour->l1[p + 1] - t;
      double x0 = -PM_PLAN_INF;

      if (s->has_break)
        {
          x0 = break_latest_finish (s, x1);
          if (tour->l0[p + 1] - t > x0)
            x0 = tour->l0[p + 1] - t;
        }
      tour->l1[p] = FINITE (x1) ? pm_plan_job_latest (j, x1 - j->service) : -PM_PLAN_INF;
      tour->l0[p] = FINITE (x0) ? pm_plan_job_latest (j, x0 - j->service) : -PM_PLAN_INF;
      next = j->loc;
    }
}

/* Cost and feasibility from the arrays and the sums kept in the tour. */
static void
tour_finish (const PmPlanProblem *P,
             int                  shift,
             PmPlanTour          *tour)
{
  int n = tour->n;
  PmPlanEval e = { .travel = tour->travel, .pref_miss = tour->pref_miss, .moved = tour->moved };

  if (n == 0)
    {
      tour->feasible = true;
      tour->cost = 0;
      tour->slack = 0;
      return;
    }
  finish (P, shift, tour->d0[n], tour->d1[n],
          pm_plan_travel (P, pm_plan_tour_loc (P, shift, tour, n - 1),
                          P->shifts[shift].end_loc),
          0, tour->service, &e);
  tour->feasible = e.feasible;
  tour->cost = e.cost;
  tour->slack = P->w.overtime * e.overtime + P->w.waiting * e.waiting
                + P->w.preferred_staff * e.pref_miss + P->w.moved * e.moved;
}

void
pm_plan_tour_update (const PmPlanProblem *P,
                     int                  shift,
                     PmPlanTour          *tour)
{
  const PmPlanShift *s = &P->shifts[shift];
  int n = tour->n;
  PmPlanEval sums = { 0 };

  tour->load = 0;
  tour->service = 0;
  tour->travel = 0;
  tour->n_head = 0;
  tour->n_locked = 0;
  for (int p = 1; p <= n + 1; p++)
    tour->travel += pm_plan_travel (P, pm_plan_tour_loc (P, shift, tour, p - 2),
                                    pm_plan_tour_loc (P, shift, tour, p - 1));
  for (int p = 0; p < n; p++)
    {
      const PmPlanJob *j = &P->jobs[tour->v[p]];

      tour->load += j->load;
      tour->service += j->service;
      count_job (P, shift, j, 1, &sums);
      if (j->lock == PM_PLAN_STARTED && tour->n_head == p)
        tour->n_head = p + 1;
      if (j->lock != PM_PLAN_FREE)
        tour->n_locked++;
    }
  if (n == 0)
    tour->travel = 0;
  tour->pref_miss = sums.pref_miss;
  tour->moved = sums.moved;

  start_times (s, &tour->d0[0], &tour->d1[0]);
  tour_forward (P, shift, tour, 1);
  tour->l1[n + 1] = s->t_deadline;
  tour->l0[n + 1] = !s->has_break ? -PM_PLAN_INF
                    : s->b_open < s->t_deadline ? s->b_open : s->t_deadline;
  tour_backward (P, shift, tour, n);
  tour_finish (P, shift, tour);
}

void
pm_plan_tour_inserted (const PmPlanProblem *P,
                       int                  shift,
                       PmPlanTour          *tour,
                       int                  pos)
{
  const PmPlanJob *j = &P->jobs[tour->v[pos]];
  int prev = pm_plan_tour_loc (P, shift, tour, pos - 1);
  int next = pm_plan_tour_loc (P, shift, tour, pos + 1);
  PmPlanEval sums = { .pref_miss = tour->pref_miss, .moved = tour->moved };

  if (j->lock != PM_PLAN_FREE || tour->n == 1)
    {
      pm_plan_tour_update (P, shift, tour);
      return;
    }

  tour->load += j->load;
  tour->service += j->service;
  tour->travel += pm_plan_travel (P, prev, j->loc) + pm_plan_travel (P, j->loc, next)
                  - pm_plan_travel (P, prev, next);
  count_job (P, shift, j, 1, &sums);
  tour->pref_miss = sums.pref_miss;
  tour->moved = sums.moved;

  /* Departures before the new stop and latest starts after it stand. */
  tour_forward (P, shift, tour, pos + 1);
  memmove (&tour->l0[pos + 2], &tour->l0[pos + 1], sizeof (double) * (size_t) (tour->n - pos));
  memmove (&tour->l1[pos + 2], &tour->l1[pos + 1], sizeof (double) * (size_t) (tour->n - pos));
  tour_backward (P, shift, tour, pos + 1);
  tour_finish (P, shift, tour);
}

bool
pm_plan_tour_can_insert (const PmPlanProblem *P,
                         int                  shift,
                         const PmPlanTour    *tour,
                         int                  job,
                         int                  pos)
{
  const PmPlanShift *s = &P->shifts[shift];
  const PmPlanJob *c = &P->jobs[job];
  int prev = pm_plan_tour_loc (P, shift, tour, pos - 1);
  int next = pm_plan_tour_loc (P, shift, tour, pos);
  double tin = pm_plan_travel (P, prev, c->loc);
  double tout = pm_plan_travel (P, c->loc, next);
  double f;

  if (FINITE (tour->d1[pos]))
    {
      f = pm_plan_job_earliest (c, tour->d1[pos] + tin) + c->service;
      if (FINITE (f) && f + tout <= tour->l1[pos + 1] + PM_PLAN_EPS)
        return true;
    }

  if (FINITE (tour->d0[pos]))
    {
      f = pm_plan_job_earliest (c, tour->d0[pos] + tin) + c->service;
      if (!FINITE (f))
        return false;
      if (f + tout <= tour->l0[pos + 1] + PM_PLAN_EPS)
        return true;
      f = pm_plan_shift_take_break (s, f);
      if (FINITE (f) && f + tout <= tour->l1[pos + 1] + PM_PLAN_EPS)
        return true;
    }

  return false;
}

/* The earliest schedule of `seq`, the break taken before stop
 * `*break_after` (-1: none; n: after the last stop).  With `diagnose` the
 * route need not be feasible: the break goes where it is due, a missed
 * window is served late, and the violations are returned.  `stops` and
 * `starts` may be NULL; `*home` is the time back at the end location.
 */
static unsigned int
replay (const PmPlanProblem *P,
        int                  shift,
        const int           *seq,
        int                  n,
        bool                 diagnose,
        int                 *break_after,
        double              *break_start,
        PmPlanStopTimes     *stops,
        double              *starts,
        double              *home)
{
  const PmPlanShift *s = &P->shifts[shift];
  bool pending = diagnose && s->has_break;
  unsigned int violations = 0;
  int prev = s->start_loc;
  double t = s->t_start;

  if (diagnose)
    *break_after = -1;
  *break_start = -1;
  for (int p = 0; p <= n; p++)
    {
      const PmPlanJob *j = p < n ? &P->jobs[seq[p]] : NULL;
      double leg = pm_plan_travel (P, prev, j ? j->loc : s->end_loc);
      double arrival, start;

      /* Due once its window opens, or before a stop that would end after
       * the window closes; a van back before it opens needs none.  A
       * break that would make the next stop miss its window waits: the
       * stop keeps its time and the break is what is violated. */
      if (pending && (t + PM_PLAN_EPS >= s->b_open
                      || (j ? t + leg + j->service > s->b_close : t + leg > s->b_open))
          && !(j && t <= s->b_close + PM_PLAN_EPS
               && pm_plan_job_earliest (j, t + leg) < PM_PLAN_INF
               && pm_plan_job_earliest (j, pm_plan_shift_take_break (s, t) + leg) >= PM_PLAN_INF))
        {
          *break_after = p;
          pending = false;
          if (t > s->b_close + PM_PLAN_EPS)
            violations |= PM_PLAN_VIOLATION_BREAK;
        }
      if (p == *break_after)
        {
          *break_start = t > s->b_open ? t : s->b_open;
          t = *break_start + s->b_dur;
        }
      if (j == NULL)
        {
          t += leg;
          break;
        }
      arrival = t + leg;
      start = pm_plan_job_earliest (j, arrival);
      if (stops)
        stops[p] = (PmPlanStopTimes) { arrival, start, leg, 0 };
      if (start >= PM_PLAN_INF)
        {
          start = arrival;
          violations |= PM_PLAN_VIOLATION_WINDOW;
          if (stops)
            {
              stops[p].start = arrival;
              stops[p].violations |= PM_PLAN_VIOLATION_WINDOW;
            }
        }
      if (starts)
        starts[p] = start;
      t = start + j->service;
      prev = j->loc;
    }
  *home = t;
  return violations;
}

void
pm_plan_evaluate (const PmPlanProblem *P,
                  int                  shift,
                  const int           *seq,
                  int                  n,
                  double              *starts,
                  PmPlanEval          *eval)
{
  double home;

  forward (P, shift, seq, n, eval);
  if (n == 0)
    eval->cost = 0;
  eval->break_start = -1;
  if (starts == NULL || !eval->feasible)
    return;
  /* Replay the earliest schedule with the break where the pass put it. */
  replay (P, shift, seq, n, false, &eval->break_after, &eval->break_start, NULL, starts, &home);
}

PmPlanStatus
pm_plan_route_times (const PmPlanModel *model,
                     int                van,
                     int                day,
                     const int         *visits,
                     int                n,
                     PmPlanStopTimes   *stops,
                     PmPlanRouteTimes  *times,
                     char              *error,
                     int                error_size)
{
  PmPlanProblem *P;
  const PmPlanShift *s;
  PmPlanEval eval;
  double home;
  int shift;

  if (error != NULL && error_size > 0)
    error[0] = '\0';
  memset (times, 0, sizeof *times);
  P = pm_plan_problem_new (model, error, error_size);
  if (P == NULL)
    return error != NULL && error_size > 0 && error[0] ? PM_PLAN_ERROR_INVALID : PM_PLAN_ERROR_NO_MEMORY;
  if (van < 0 || van >= model->n_vans || day < 0 || day >= model->n_days || n < 0)
    {
      if (error != NULL && error_size > 0)
        snprintf (error, (size_t) error_size, "no van %d on day %d", van, day);
      pm_plan_problem_free (P);
      return PM_PLAN_ERROR_INVALID;
    }
  for (int p = 0; p < n; p++)
    if (visits[p] < 0 || visits[p] >= model->n_visits)
      {
        if (error != NULL && error_size > 0)
          snprintf (error, (size_t) error_size, "stop %d: no visit %d", p, visits[p]);
        pm_plan_problem_free (P);
        return PM_PLAN_ERROR_INVALID;
      }

  shift = day * model->n_vans + van;
  s = &P->shifts[shift];
  pm_plan_evaluate (P, shift, visits, n, NULL, &eval);
  times->feasible = eval.feasible;
  times->break_after = eval.break_after;
  times->violations = replay (P, shift, visits, n, !eval.feasible, &times->break_after,
                              &times->break_start, stops, NULL, &home);
  times->depart = s->t_start;
  times->arrive = home;
  if (home > s->t_deadline + PM_PLAN_EPS)
    times->violations |= PM_PLAN_VIOLATION_SHIFT_END;
  times->overtime = home > s->t_end ? home - s->t_end : 0;
  for (int p = 0; p < n; p++)
    {
      times->travel += stops[p].travel;
      times->service += P->jobs[visits[p]].service;
      times->waiting += stops[p].start - stops[p].arrival;
      if (model->visits[visits[p]].skills & ~model->vans[van].skills)
        {
          stops[p].violations |= PM_PLAN_VIOLATION_SKILLS;
          times->violations |= PM_PLAN_VIOLATION_SKILLS;
          times->feasible = false;
        }
    }
  times->travel += n > 0 ? pm_plan_travel (P, P->jobs[visits[n - 1]].loc, s->end_loc)
                         : 0;
  /* The van leaves as late as the first stop allows, as in a plan. */
  if (n > 0 && times->break_after != 0)
    {
      times->waiting -= stops[0].start - stops[0].arrival;
      times->depart = stops[0].start - stops[0].travel;
      stops[0].arrival = stops[0].start;
    }
  pm_plan_problem_free (P);
  return PM_PLAN_OK;
}

/* Exact ordering of a short route: labels (travel, time) per (set of
 * visits done incl. the break bit, last visit), Pareto-pruned.
 */
typedef struct
{
  double cost;
  double time;
  int    parent;
  int    node;    /* index into seq, -1 depot, -2 break */
  int    next;
} DpLabel;

typedef struct
{
  DpLabel *pool;
  int      n_pool;
  int      cap_pool;
  int     *head;
} Dp;

static void
dp_add (Dp     *dp,
        int     state,
        double  cost,
        double  time,
        int     parent,
        int     node)
{
  int *link = &dp->head[state];

  while (*link >= 0)
    {
      DpLabel *l = &dp->pool[*link];

      if (l->cost <= cost + PM_PLAN_EPS && l->time <= time + PM_PLAN_EPS)
        return;
      if (cost <= l->cost + PM_PLAN_EPS && time <= l->time + PM_PLAN_EPS)
        *link = l->next;
      else
        link = &l->next;
    }

  if (dp->n_pool == dp->cap_pool)
    {
      int cap = dp->cap_pool * 2 + 256;
      DpLabel *pool = realloc (dp->pool, sizeof *pool * (size_t) cap);

      if (pool == NULL)
        return;
      dp->pool = pool;
      dp->cap_pool = cap;
    }
  dp->pool[dp->n_pool] = (DpLabel) { cost, time, parent, node, dp->head[state] };
  dp->head[state] = dp->n_pool++;
}

bool
pm_plan_dp_order (const PmPlanProblem *P,
                  int                  shift,
                  const int           *seq,
                  int                  n,
                  int                 *order)
{
  const PmPlanShift *s = &P->shifts[shift];
  int bits = n + (s->has_break ? 1 : 0);
  int width = n + 1;
  int full_jobs, n_states;
  int best = -1;
  double best_cost = PM_PLAN_INF;
  Dp dp = { 0 };

  if (n > PM_PLAN_DP_MAX)
    return false;

  full_jobs = (1 << n) - 1;
  n_states = (1 << bits) * width;
  dp.head = malloc (sizeof (int) * (size_t) n_states);
  if (dp.head == NULL)
    return false;
  for (int i = 0; i < n_states; i++)
    dp.head[i] = -1;
  dp_add (&dp, n, 0, s->t_start, -1, -1);

  for (int mask = 0; mask < (1 << bits); mask++)
    for (int last = 0; last < width; last++)
      {
        int loc = last == n ? s->start_loc : P->jobs[seq[last]].loc;

        for (int li = dp.head[mask * width + last]; li >= 0; li = dp.pool[li].next)
          {
            DpLabel l = dp.pool[li];

            if (s->has_break && !(mask & (1 << n)))
              {
                double t = pm_plan_shift_take_break (s, l.time);

                if (FINITE (t))
                  dp_add (&dp, (mask | (1 << n)) * width + last, l.cost, t, li, -2);
              }

            if ((mask & full_jobs) == full_jobs)
              {
                double a = l.time + pm_plan_travel (P, loc, s->end_loc);
                bool ok = a <= s->t_deadline + PM_PLAN_EPS
                          && (!s->has_break || (mask & (1 << n)) || a <= s->b_open + PM_PLAN_EPS);

                if (ok && l.cost + pm_plan_travel (P, loc, s->end_loc) < best_cost - PM_PLAN_EPS)
                  {
                    best_cost = l.cost + pm_plan_travel (P, loc, s->end_loc);
                    best = li;
                  }
                continue;
              }

            for (int j = 0; j < n; j++)
              {
                const PmPlanJob *job = &P->jobs[seq[j]];
                double t, st;

                if (mask & (1 << j))
                  continue;
                t = pm_plan_travel (P, loc, job->loc);
                st = pm_plan_job_earliest (job, l.time + t);
                if (FINITE (st))
                  dp_add (&dp, (mask | (1 << j)) * width + j, l.cost + t, st + job->service, li, j);
              }
          }
      }

  if (best >= 0)
    {
      int k = n;

      for (int li = best; li >= 0; li = dp.pool[li].parent)
        if (dp.pool[li].node >= 0)
          order[--k] = seq[dp.pool[li].node];
    }

  free (dp.pool);
  free (dp.head);
  return best >= 0;
}
