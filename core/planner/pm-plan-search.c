/* pm-plan-search.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The search: locked visits first, then the previous plan, then regret
 * insertion; then ruin-and-recreate (adjacent string removal, greedy
 * insertion with blinks, as in SISR by Christiaens and Vanden Berghe):
 * first, when van-days have a price, a fleet phase that drops a van-day
 * and tries to place its visits elsewhere, then simulated annealing on the
 * full cost, with a local search and exact reordering of short routes on
 * every new best.
 */

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pm-plan-private.h"
#include "pm-plan-search-private.h"

#define SISR_AVG_REMOVED 10.0
#define SISR_MAX_STRING  10.0
#define SISR_BLINK       0.01
#define SISR_SPLIT_DEPTH 0.01
#define SA_START         5.0   /* × mean neighbour arc */
#define SA_END           0.005
#define FLEET_SHARE      0.3   /* of the budget, when van-days have a price */

static double
now_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static bool
state_init (PmPlanState         *st,
            const PmPlanProblem *P)
{
  st->t = calloc ((size_t) P->n_shifts, sizeof *st->t);
  st->where = malloc (sizeof (int) * ((size_t) P->n_jobs + 1));
  if (st->t == NULL || st->where == NULL)
    return false;
  for (int s = 0; s < P->n_shifts; s++)
    {
      pm_plan_tour_init (&st->t[s], P->n_jobs);
      if (st->t[s].v == NULL || st->t[s].l1 == NULL)
        return false;
      pm_plan_tour_update (P, s, &st->t[s]);
    }
  for (int j = 0; j < P->n_jobs; j++)
    st->where[j] = -1;
  return true;
}

static void
state_clear (PmPlanState         *st,
             const PmPlanProblem *P)
{
  if (st->t != NULL)
    for (int s = 0; s < P->n_shifts; s++)
      pm_plan_tour_clear (&st->t[s]);
  free (st->t);
  free (st->where);
}

double
pm_plan_state_cost (const PmPlanProblem *P,
                    const PmPlanState   *st)
{
  double c = 0;

  for (int s = 0; s < P->n_shifts; s++)
    c += st->t[s].cost;
  for (int j = 0; j < P->n_jobs; j++)
    if (st->where[j] < 0)
      c += P->jobs[j].penalty;
  return c;
}

void
pm_plan_state_insert (PmPlanSearch *S,
                      PmPlanState  *st,
                      int           shift,
                      int           pos,
                      int           job)
{
  PmPlanTour *t = &st->t[shift];

  memmove (&t->v[pos + 1], &t->v[pos], sizeof (int) * (size_t) (t->n - pos));
  t->v[pos] = job;
  t->n++;
  st->where[job] = shift;
  S->touched[shift] = true;
  pm_plan_tour_inserted (S->P, shift, t, pos);
}

/* Removes without updating the tour: the caller updates once per batch. */
static void
state_remove_at (PmPlanSearch *S,
                 PmPlanState  *st,
                 int           shift,
                 int           pos)
{
  PmPlanTour *t = &st->t[shift];

  st->where[t->v[pos]] = -1;
  memmove (&t->v[pos], &t->v[pos + 1], sizeof (int) * (size_t) (t->n - pos - 1));
  t->n--;
  S->touched[shift] = true;
}

/* Makes `dst` equal to `src` on the touched tours. */
static void
state_sync (PmPlanSearch      *S,
            PmPlanState       *dst,
            const PmPlanState *src)
{
  const PmPlanProblem *P = S->P;

  for (int s = 0; s < P->n_shifts; s++)
    if (S->touched[s])
      {
        for (int k = 0; k < dst->t[s].n; k++)
          dst->where[dst->t[s].v[k]] = -1;
        pm_plan_tour_copy (&dst->t[s], &src->t[s]);
      }
  for (int s = 0; s < P->n_shifts; s++)
    if (S->touched[s])
      for (int k = 0; k < src->t[s].n; k++)
        dst->where[src->t[s].v[k]] = s;
  dst->cost = src->cost;
}

static void
state_copy_all (const PmPlanProblem *P,
                PmPlanState         *dst,
                const PmPlanState   *src)
{
  for (int s = 0; s < P->n_shifts; s++)
    pm_plan_tour_copy (&dst->t[s], &src->t[s]);
  memcpy (dst->where, src->where, sizeof (int) * (size_t) P->n_jobs);
  dst->cost = src->cost;
}

static double
job_fixed_cost (const PmPlanProblem *P,
                int                  job,
                int                  shift)
{
  const PmPlanJob *j = &P->jobs[job];
  double c = 0;

  if (j->pref_staff >= 0 && j->pref_staff != P->shifts[shift].staff)
    c += P->w.preferred_staff;
  if (j->prev_shift >= 0 && j->prev_shift != shift)
    c += P->w.moved;
  return c;
}

bool
pm_plan_best_insertion (PmPlanSearch      *S,
                        const PmPlanState *st,
                        int                job,
                        double             blink,
                        int                only_shift,
                        int               *shift_out,
                        int               *pos_out,
                        double            *cost_out)
{
  const PmPlanProblem *P = S->P;
  const PmPlanJob *c = &P->jobs[job];
  double latest = c->n_win > 0 ? c->win[c->n_win - 1].close : PM_PLAN_INF;
  double best = PM_PLAN_INF;
  int best_shift = -1, best_pos = -1;

  S->stamp++;
  for (int s = only_shift >= 0 ? only_shift : 0; s < P->n_shifts; s++)
    {
      const PmPlanShift *sh = &P->shifts[s];
      const PmPlanTour *t = &st->t[s];
      double fixed;
      int prev;

      if (only_shift >= 0 && s != only_shift)
        break;
      if (!P->compat[(long) job * P->n_shifts + s] || t->load + c->load > sh->cap + PM_PLAN_EPS)
        continue;
      if (t->n == 0)
        {
          /* Empty van-days of one class are interchangeable. */
          if (S->no_new_routes || S->cls_stamp[sh->cls] == S->stamp)
            continue;
          S->cls_stamp[sh->cls] = S->stamp;
        }

      fixed = job_fixed_cost (P, job, s) + (t->n == 0 ? P->w.vehicle : 0);
      if (fixed >= best)
        continue;
      prev = pm_plan_tour_loc (P, s, t, t->n_head - 1);
      for (int pos = t->n_head; pos <= t->n; pos++)
        {
          int next;
          double d;

          /* Departures only grow along a route: past the last window, stop. */
          if ((t->d0[pos] < t->d1[pos] ? t->d0[pos] : t->d1[pos]) > latest + PM_PLAN_EPS)
            break;
          next = pm_plan_tour_loc (P, s, t, pos);
          d = fixed + P->w.travel * (pm_plan_travel (P, prev, c->loc)
                                            + pm_plan_travel (P, c->loc, next)
                                            - pm_plan_travel (P, prev, next));

          if (d < best - PM_PLAN_EPS
              && (blink <= 0 || pm_plan_rng_double (&S->rng) >= blink)
              && pm_plan_tour_can_insert (P, s, t, job, pos))
            {
              best = d;
              best_shift = s;
              best_pos = pos;
            }
          prev = next;
        }
    }

  *shift_out = best_shift;
  *pos_out = best_pos;
  if (cost_out != NULL)
    *cost_out = best;
  return best_shift >= 0;
}

static int
compare_keys (const void *a,
              const void *b)
{
  const double *x = a, *y = b;

  if (x[0] != y[0])
    return x[0] < y[0] ? -1 : 1;
  return x[1] < y[1] ? -1 : x[1] > y[1];
}

/* Greedy insertion with blinks of every unassigned visit, in an order
 * drawn as in SISR: random 4, largest load 4, farthest 2, closest 1.
 */
static void
recreate (PmPlanSearch *S,
          PmPlanState  *st)
{
  const PmPlanProblem *P = S->P;
  int r = pm_plan_rng_int (&S->rng, 11);
  int n = 0;

  for (int j = 0; j < P->n_jobs; j++)
    if (st->where[j] < 0)
      {
        double far = pm_plan_travel (P, P->shifts[0].start_loc, P->jobs[j].loc);

        S->keys[2 * n] = r < 4 ? pm_plan_rng_double (&S->rng)
                         : r < 8 ? -P->jobs[j].load
                         : r < 10 ? -far : far;
        S->keys[2 * n + 1] = j;
        n++;
      }
  qsort (S->keys, (size_t) n, 2 * sizeof (double), compare_keys);

  for (int k = 0; k < n; k++)
    {
      int job = (int) S->keys[2 * k + 1];
      int shift, pos;

      if (pm_plan_best_insertion (S, st, job, SISR_BLINK, -1, &shift, &pos, NULL))
        pm_plan_state_insert (S, st, shift, pos, job);
    }
}

/* SISR's adjacent string removal around a random seed visit. */
static void
ruin (PmPlanSearch *S,
      PmPlanState  *st)
{
  const PmPlanProblem *P = S->P;
  int assigned = 0, used = 0, seed, ruined = 0;
  double ls_max, ks_max;
  int ks;

  for (int s = 0; s < P->n_shifts; s++)
    if (st->t[s].n > 0)
      {
        used++;
        assigned += st->t[s].n;
      }
  if (assigned == 0)
    return;

  ls_max = fmin (SISR_MAX_STRING, (double) assigned / used);
  ks_max = 4.0 * SISR_AVG_REMOVED / (1.0 + ls_max) - 1.0;
  ks = (int) (pm_plan_rng_double (&S->rng) * ks_max) + 1;
  seed = pm_plan_rng_int (&S->rng, P->n_jobs);
  memset (S->ruined, 0, sizeof (bool) * (size_t) P->n_shifts);

  for (int k = -1; k < P->n_neigh && ruined < ks; k++)
    {
      int c = k < 0 ? seed : P->neigh[(long) seed * P->n_neigh + k];
      int s = st->where[c];
      PmPlanTour *t;
      int l, m, keep, pos, start;

      /* With fewer routes than strings (a TSP), a route gives several. */
      if (s < 0 || (S->ruined[s] && used >= ks))
        continue;
      t = &st->t[s];
      l = (int) (pm_plan_rng_double (&S->rng) * fmin (t->n, ls_max)) + 1;

      /* Half the time a split string: a run of m visits inside it stays. */
      m = 0;
      if (pm_plan_rng_double (&S->rng) < 0.5)
        while (l + m < t->n && pm_plan_rng_double (&S->rng) > SISR_SPLIT_DEPTH)
          m++;
      keep = m > 0 ? pm_plan_rng_int (&S->rng, l) + 1 : 0;

      pos = pm_plan_tour_find (t, c);
      start = pos - pm_plan_rng_int (&S->rng, l + m);
      if (start + l + m > t->n)
        start = t->n - l - m;
      if (start < 0)
        start = 0;

      for (int i = start + l + m - 1; i >= start; i--)
        if ((i < start + keep || i >= start + keep + m) && P->jobs[t->v[i]].lock == PM_PLAN_FREE)
          state_remove_at (S, st, s, i);
      S->ruined[s] = true;
      ruined++;
      pm_plan_tour_update (P, s, t);
    }
}

static void
place_locked (PmPlanSearch *S,
              PmPlanState  *st)
{
  const PmPlanProblem *P = S->P;
  int n = 0;

  /* Started visits head their van-day; pinned ones follow in their order. */
  for (int j = 0; j < P->n_jobs; j++)
    if (P->jobs[j].lock != PM_PLAN_FREE)
      {
        S->keys[2 * n] = P->jobs[j].lock_shift * 4.0 + (P->jobs[j].lock == PM_PLAN_STARTED ? 0 : 2)
                         + S->lock_order[j] / (double) (P->n_jobs + 1);
        S->keys[2 * n + 1] = j;
        n++;
      }
  qsort (S->keys, (size_t) n, 2 * sizeof (double), compare_keys);

  for (int k = 0; k < n; k++)
    {
      int job = (int) S->keys[2 * k + 1];
      int s = P->jobs[job].lock_shift;
      PmPlanTour *t = &st->t[s];

      if (!P->compat[(long) job * P->n_shifts + s])
        continue;
      pm_plan_state_insert (S, st, s, t->n, job);
      if (!t->feasible)
        {
          state_remove_at (S, st, s, t->n - 1);
          pm_plan_tour_update (P, s, t);
        }
    }
}

static void
place_previous (PmPlanSearch      *S,
                PmPlanState       *st,
                const PmPlanModel *model)
{
  const PmPlanProblem *P = S->P;

  for (int r = 0; r < model->previous->n_routes; r++)
    for (int k = 0; k < model->previous->routes[r].n_stops; k++)
      {
        int job = model->previous->routes[r].visits[k];
        PmPlanTour *t = &st->t[r];

        if (job < 0 || job >= P->n_jobs || st->where[job] >= 0
            || !P->compat[(long) job * P->n_shifts + r]
            || t->load + P->jobs[job].load > P->shifts[r].cap + PM_PLAN_EPS
            || !pm_plan_tour_can_insert (P, r, t, job, t->n))
          continue;
        pm_plan_state_insert (S, st, r, t->n, job);
      }
}

/* Regret-2 insertion, the best insertion per (visit, van-day) cached and
 * refreshed only for the van-day that changed.
 */
static void
regret_insert (PmPlanSearch *S,
               PmPlanState  *st)
{
  const PmPlanProblem *P = S->P;
  int ns = P->n_shifts;
  double *cost = malloc (sizeof (double) * (size_t) P->n_jobs * ns + 1);
  int *pos = malloc (sizeof (int) * (size_t) P->n_jobs * ns + 1);
  int changed = -1;

  if (cost == NULL || pos == NULL)
    {
      free (cost);
      free (pos);
      recreate (S, st);
      return;
    }

  for (;;)
    {
      int pick = -1;
      double pick_regret = -1;

      for (int j = 0; j < P->n_jobs; j++)
        {
          double b1 = PM_PLAN_INF, b2 = PM_PLAN_INF, regret;

          if (st->where[j] >= 0)
            continue;
          for (int s = 0; s < ns; s++)
            {
              double *c = &cost[(long) j * ns + s];

              if (changed < 0 || changed == s)
                {
                  int sh, p;

                  *c = PM_PLAN_INF;
                  if (pm_plan_best_insertion (S, st, j, 0, s, &sh, &p, c))
                    pos[(long) j * ns + s] = p;
                  else
                    *c = PM_PLAN_INF;
                }
              if (*c < b1)
                {
                  b2 = b1;
                  b1 = *c;
                }
              else if (*c < b2)
                b2 = *c;
            }
          if (b1 >= PM_PLAN_INF)
            continue;
          /* Visits with one option left go first; priority breaks ties. */
          regret = b2 >= PM_PLAN_INF ? PM_PLAN_INF / 4 : b2 - b1;
          if (regret > pick_regret
              || (regret == pick_regret && P->jobs[j].penalty > P->jobs[pick].penalty))
            {
              pick_regret = regret;
              pick = j;
            }
        }

      if (pick < 0)
        break;

      {
        int best_s = 0;

        for (int s = 1; s < ns; s++)
          if (cost[(long) pick * ns + s] < cost[(long) pick * ns + best_s])
            best_s = s;
        pm_plan_state_insert (S, st, best_s, pos[(long) pick * ns + best_s], pick);
        changed = best_s;
      }
    }

  free (cost);
  free (pos);
}

static void
reorder_short_tours (PmPlanSearch *S,
                     PmPlanState  *st)
{
  const PmPlanProblem *P = S->P;

  for (int s = 0; s < P->n_shifts; s++)
    {
      PmPlanTour *t = &st->t[s];
      PmPlanEval e;

      if (t->n < 3 || t->n_locked > 0
          || !pm_plan_dp_order (P, s, t->v, t->n, S->buf_a))
        continue;
      pm_plan_evaluate (P, s, S->buf_a, t->n, NULL, &e);
      if (e.feasible && e.cost < t->cost - PM_PLAN_EPS)
        {
          memcpy (t->v, S->buf_a, sizeof (int) * (size_t) t->n);
          S->touched[s] = true;
          pm_plan_tour_update (P, s, t);
        }
    }
}

static void
improve_best (PmPlanSearch *S,
              PmPlanState  *st)
{
  pm_plan_local_search (S, st);
  reorder_short_tours (S, st);
  st->cost = pm_plan_state_cost (S->P, st);
  state_copy_all (S->P, &S->best, st);
}

static double
absent (const PmPlanSearch *S,
        const PmPlanState  *st,
        double             *count)
{
  double sum = 0;

  *count = 0;
  for (int j = 0; j < S->P->n_jobs; j++)
    if (st->where[j] < 0)
      {
        sum += (double) S->absence[j];
        *count += 1;
      }
  return sum;
}

/* Fleet phase, start of a round: the current plan is the best one less its
 * shortest van-day without locked visits; no van-day may open.  False if
 * no van-day can go.
 */
static bool
fleet_drop_route (PmPlanSearch *S)
{
  const PmPlanProblem *P = S->P;
  int drop = -1;

  state_copy_all (P, &S->cur, &S->best);
  for (int s = 0; s < P->n_shifts; s++)
    if (S->cur.t[s].n > 0 && S->cur.t[s].n_locked == 0
        && (drop < 0 || S->cur.t[s].n < S->cur.t[drop].n))
      drop = s;
  if (drop < 0)
    return false;

  while (S->cur.t[drop].n > 0)
    state_remove_at (S, &S->cur, drop, S->cur.t[drop].n - 1);
  pm_plan_tour_update (P, drop, &S->cur.t[drop]);
  S->cur.cost = pm_plan_state_cost (P, &S->cur);
  state_copy_all (P, &S->cand, &S->cur);
  memset (S->absence, 0, sizeof (long) * (size_t) P->n_jobs);
  S->no_new_routes = true;
  return true;
}

/* One fleet-phase iteration, as SISR's fleet minimisation: accept fewer
 * visits left out, or ones left out less often so far.  When the plan is
 * whole again and better, it is the new best and the next round starts.
 * False when the phase is over.
 */
static bool
fleet_step (PmPlanSearch *S)
{
  const PmPlanProblem *P = S->P;
  double n_cand, n_cur, a_cand, a_cur;

  memset (S->touched, 0, sizeof (bool) * (size_t) P->n_shifts);
  ruin (S, &S->cand);
  recreate (S, &S->cand);
  S->cand.cost = pm_plan_state_cost (P, &S->cand);
  a_cand = absent (S, &S->cand, &n_cand);
  a_cur = absent (S, &S->cur, &n_cur);

  if (n_cand < n_cur || a_cand < a_cur)
    state_sync (S, &S->cur, &S->cand);
  else
    state_sync (S, &S->cand, &S->cur);
  for (int j = 0; j < P->n_jobs; j++)
    if (S->cur.where[j] < 0)
      S->absence[j]++;

  if (S->cur.cost >= S->best.cost - PM_PLAN_EPS)
    return true;

  S->no_new_routes = false;
  improve_best (S, &S->cur);
  return fleet_drop_route (S);
}

static bool
search_init (PmPlanSearch        *S,
             const PmPlanProblem *P,
             const PmPlanModel   *model,
             const PmPlanParams  *params)
{
  memset (S, 0, sizeof *S);
  S->P = P;
  S->rng = params->seed;
  S->touched = calloc ((size_t) P->n_shifts, sizeof (bool));
  S->ruined = calloc ((size_t) P->n_shifts, sizeof (bool));
  S->cls_stamp = calloc ((size_t) P->n_shifts, sizeof (long));
  S->keys = malloc (sizeof (double) * 2 * ((size_t) P->n_jobs + 1));
  S->buf_a = malloc (sizeof (int) * ((size_t) P->n_jobs + 1));
  S->buf_b = malloc (sizeof (int) * ((size_t) P->n_jobs + 1));
  S->lock_order = calloc ((size_t) P->n_jobs + 1, sizeof (int));
  S->absence = calloc ((size_t) P->n_jobs + 1, sizeof (long));
  if (S->touched == NULL || S->ruined == NULL || S->cls_stamp == NULL || S->keys == NULL
      || S->buf_a == NULL || S->buf_b == NULL || S->lock_order == NULL || S->absence == NULL)
    return false;

  for (int j = 0; j < P->n_jobs; j++)
    S->lock_order[j] = model->visits[j].lock_position;
  if (model->previous != NULL)
    for (int r = 0; r < model->previous->n_routes; r++)
      for (int k = 0; k < model->previous->routes[r].n_stops; k++)
        if (model->previous->routes[r].visits[k] >= 0
            && model->previous->routes[r].visits[k] < P->n_jobs)
          S->lock_order[model->previous->routes[r].visits[k]] = k;

  return state_init (&S->cur, P) && state_init (&S->cand, P) && state_init (&S->best, P);
}

static void
search_clear (PmPlanSearch *S)
{
  state_clear (&S->cur, S->P);
  state_clear (&S->cand, S->P);
  state_clear (&S->best, S->P);
  free (S->touched);
  free (S->ruined);
  free (S->cls_stamp);
  free (S->keys);
  free (S->buf_a);
  free (S->buf_b);
  free (S->lock_order);
  free (S->absence);
}

static PmPlanSolution *
build_solution (const PmPlanProblem *P,
                const PmPlanState   *st)
{
  PmPlanSolution *sol = calloc (1, sizeof *sol);

  if (sol == NULL)
    return NULL;
  sol->n_routes = P->n_shifts;
  sol->routes = calloc ((size_t) P->n_shifts, sizeof *sol->routes);
  sol->unassigned = malloc (sizeof (int) * ((size_t) P->n_jobs + 1));
  if (sol->routes == NULL || sol->unassigned == NULL)
    {
      pm_plan_solution_free (sol);
      return NULL;
    }

  for (int s = 0; s < P->n_shifts; s++)
    {
      const PmPlanTour *t = &st->t[s];
      PmPlanRoute *r = &sol->routes[s];
      PmPlanEval e;

      r->visits = malloc (sizeof (int) * ((size_t) t->n + 1));
      r->starts = malloc (sizeof (double) * ((size_t) t->n + 1));
      if (r->visits == NULL || r->starts == NULL)
        {
          pm_plan_solution_free (sol);
          return NULL;
        }
      r->n_stops = t->n;
      memcpy (r->visits, t->v, sizeof (int) * (size_t) t->n);
      pm_plan_evaluate (P, s, t->v, t->n, r->starts, &e);
      r->break_after = e.break_after;
      r->break_start = e.break_start;
      /* Leave as late as the first stop allows rather than wait there. */
      r->depart = P->shifts[s].t_start;
      if (t->n > 0 && e.break_after != 0)
        r->depart = fmax (r->depart, r->starts[0] - pm_plan_travel (P, P->shifts[s].start_loc,
                                                                   P->jobs[t->v[0]].loc));
      r->arrive = e.arrive;
      r->travel = e.travel;
      if (t->n == 0)
        continue;
      sol->cost.vehicles += 1;
      sol->cost.travel += e.travel;
      sol->cost.overtime += e.overtime;
      sol->cost.waiting += e.waiting;
      sol->cost.preferred_staff += e.pref_miss;
      sol->cost.moved += e.moved;
    }

  for (int j = 0; j < P->n_jobs; j++)
    if (st->where[j] < 0)
      {
        sol->unassigned[sol->n_unassigned++] = j;
        sol->cost.unassigned += P->jobs[j].penalty / P->w.unassigned;
      }
  sol->cost.total = pm_plan_state_cost (P, st);
  return sol;
}

PmPlanStatus
pm_plan_solve (const PmPlanModel   *model,
               const PmPlanParams  *params,
               PmPlanSolution     **solution,
               char                *error,
               int                  error_size)
{
  PmPlanProblem *P;
  PmPlanSearch S;
  PmPlanParams defaults;
  double t0 = now_ms (), temp0, temp1, fleet_end = 0;
  long it, budget;
  bool stopped = false, fleet;
  PmPlanStatus status = PM_PLAN_OK;

  *solution = NULL;
  if (error != NULL && error_size > 0)
    error[0] = '\0';
  if (params == NULL)
    {
      pm_plan_params_init (&defaults);
      params = &defaults;
    }
  if (!pm_plan_model_validate (model, error, error_size))
    return PM_PLAN_ERROR_INVALID;
  P = pm_plan_problem_new (model, NULL, 0);
  if (P == NULL)
    return PM_PLAN_ERROR_NO_MEMORY;

  if (!search_init (&S, P, model, params))
    {
      search_clear (&S);
      pm_plan_problem_free (P);
      return PM_PLAN_ERROR_NO_MEMORY;
    }

  place_locked (&S, &S.cur);
  if (model->previous != NULL)
    place_previous (&S, &S.cur, model);
  regret_insert (&S, &S.cur);
  S.cur.cost = pm_plan_state_cost (P, &S.cur);
  pm_plan_local_search (&S, &S.cur);
  reorder_short_tours (&S, &S.cur);
  S.cur.cost = pm_plan_state_cost (P, &S.cur);
  state_copy_all (P, &S.cand, &S.cur);
  state_copy_all (P, &S.best, &S.cur);

  budget = params->iterations > 0 ? params->iterations : -1;
  temp0 = SA_START * P->mean_arc;
  temp1 = SA_END * P->mean_arc;

  /* Van-days cost more than any travel: spend a share on using fewer. */
  fleet = P->w.vehicle > 0 && fleet_drop_route (&S);

  for (it = 0; budget < 0 || it < budget; it++)
    {
      double frac, temp, elapsed = now_ms () - t0;

      if (params->cancel != NULL && atomic_load (params->cancel))
        {
          stopped = true;
          break;
        }
      if ((params->time_limit_ms > 0 && elapsed >= params->time_limit_ms)
          || (budget < 0 && params->time_limit_ms <= 0))
        {
          stopped = budget >= 0;
          break;
        }
      if (params->progress != NULL && params->progress_every > 0 && it % params->progress_every == 0
          && !params->progress (params->progress_data, it, S.best.cost))
        {
          stopped = true;
          break;
        }

      frac = budget > 0 ? (double) it / budget : elapsed / params->time_limit_ms;
      if (fleet)
        {
          if (frac < FLEET_SHARE && fleet_step (&S))
            continue;
          /* Back to the best whole plan; the annealing gets the rest. */
          fleet = false;
          fleet_end = frac;
          S.no_new_routes = false;
          state_copy_all (P, &S.cur, &S.best);
          state_copy_all (P, &S.cand, &S.best);
        }
      frac = (frac - fleet_end) / (1 - fleet_end);
      temp = temp0 * pow (temp1 / temp0, frac);

      memset (S.touched, 0, sizeof (bool) * (size_t) P->n_shifts);
      ruin (&S, &S.cand);
      recreate (&S, &S.cand);
      S.cand.cost = pm_plan_state_cost (P, &S.cand);

      if (S.cand.cost < S.cur.cost - temp * log (1.0 - pm_plan_rng_double (&S.rng)))
        {
          if (S.cand.cost < S.best.cost - PM_PLAN_EPS)
            improve_best (&S, &S.cand);
          state_sync (&S, &S.cur, &S.cand);
        }
      else
        state_sync (&S, &S.cand, &S.cur);
    }

  *solution = build_solution (P, &S.best);
  if (*solution == NULL)
    status = PM_PLAN_ERROR_NO_MEMORY;
  else
    {
      (*solution)->iterations = it;
      (*solution)->elapsed_ms = now_ms () - t0;
      (*solution)->stopped = stopped;
    }

  search_clear (&S);
  pm_plan_problem_free (P);
  return status;
}
