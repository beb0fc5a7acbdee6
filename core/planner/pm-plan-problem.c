/* pm-plan-problem.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * From the public model to the search's problem: van-days in absolute
 * time, compatibility of visits and van-days, neighbour lists.
 */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pm-plan-private.h"

#define PM_PLAN_NEIGHBOURS 50

void
pm_plan_weights_init_default (PmPlanWeights *weights)
{
  weights->unassigned = 1e13;
  weights->overtime = 1e8;
  weights->vehicle = 1e6;
  weights->travel = 1.0;
  weights->preferred_staff = 1800.0;
  weights->waiting = 0.01;
  weights->moved = 600.0;
}

void
pm_plan_params_init (PmPlanParams *params)
{
  memset (params, 0, sizeof *params);
  params->seed = 1;
  params->iterations = 20000;
  params->progress_every = 1000;
}

double *
pm_plan_matrix_haversine (const double *lat,
                          const double *lon,
                          int           n,
                          double        detour,
                          double        speed_kmh,
                          double        stop_overhead)
{
  const double rad = M_PI / 180.0;
  double *m = malloc (sizeof (double) * (size_t) n * (size_t) n);

  if (m == NULL)
    return NULL;

  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++)
      {
        double dlat = (lat[j] - lat[i]) * rad;
        double dlon = (lon[j] - lon[i]) * rad;
        double h = sin (dlat / 2) * sin (dlat / 2)
                   + cos (lat[i] * rad) * cos (lat[j] * rad) * sin (dlon / 2) * sin (dlon / 2);
        double km = 2 * 6371.0088 * asin (fmin (1.0, sqrt (h)));

        m[(size_t) i * n + j] = i == j ? 0 : km * detour / speed_kmh * 3600.0 + stop_overhead;
      }

  return m;
}

static bool
fail (char       *error,
      int         error_size,
      const char *message,
      int         index)
{
  if (error != NULL && error_size > 0)
    snprintf (error, (size_t) error_size, message, index);
  return false;
}

bool
pm_plan_model_validate (const PmPlanModel *model,
                        char              *error,
                        int                error_size)
{
  if (model->n_locations <= 0 || model->travel == NULL)
    return fail (error, error_size, "no travel matrix (%d locations)", model->n_locations);
  if (model->n_vans <= 0 || model->n_days <= 0)
    return fail (error, error_size, "no vans or no days (%d vans)", model->n_vans);
  if (model->n_days > 1 && model->day_length <= 0)
    return fail (error, error_size, "day_length must be positive for %d days", model->n_days);
  if (model->n_visits < 0 || (model->n_visits > 0 && model->visits == NULL))
    return fail (error, error_size, "bad visit count %d", model->n_visits);

  for (int i = 0; i < model->n_vans; i++)
    {
      const PmPlanVan *v = &model->vans[i];

      if (v->start_location < 0 || v->start_location >= model->n_locations
          || v->end_location < 0 || v->end_location >= model->n_locations)
        return fail (error, error_size, "van %d: location out of range", i);
      if (v->work_end < v->work_start || v->max_overtime < 0 || v->break_duration < 0)
        return fail (error, error_size, "van %d: bad working hours or break", i);
    }

  for (int i = 0; i < model->n_visits; i++)
    {
      const PmPlanVisit *v = &model->visits[i];

      if (v->location < 0 || v->location >= model->n_locations)
        return fail (error, error_size, "visit %d: location out of range", i);
      if (v->n_windows < 0 || (v->n_windows > 0 && v->windows == NULL))
        return fail (error, error_size, "visit %d: bad windows", i);
      for (int k = 0; k < v->n_windows; k++)
        if (v->windows[k].close < v->windows[k].open
            || (k > 0 && v->windows[k].open <= v->windows[k - 1].close))
          return fail (error, error_size, "visit %d: windows not sorted and disjoint", i);
      if (v->lock != PM_PLAN_FREE
          && (v->lock_van < 0 || v->lock_van >= model->n_vans
              || v->lock_day < 0 || v->lock_day >= model->n_days))
        return fail (error, error_size, "visit %d: locked to an unknown van-day", i);
    }

  if (model->previous != NULL
      && model->previous->n_routes != model->n_vans * model->n_days)
    return fail (error, error_size, "previous plan has %d routes", model->previous->n_routes);

  return true;
}

static bool
window_meets_shift (const PmPlanJob   *j,
                    const PmPlanShift *s)
{
  if (j->n_win == 0)
    return true;
  for (int k = 0; k < j->n_win; k++)
    if (j->win[k].open <= s->t_deadline && j->win[k].close >= s->t_start)
      return true;
  return false;
}

static void
build_shifts (PmPlanProblem     *P,
              const PmPlanModel *model)
{
  for (int d = 0; d < model->n_days; d++)
    for (int v = 0; v < model->n_vans; v++)
      {
        const PmPlanVan *van = &model->vans[v];
        PmPlanShift *s = &P->shifts[d * model->n_vans + v];
        double base = d * model->day_length;

        s->van = v;
        s->day = d;
        s->cls = d * model->n_vans + v;
        for (int u = 0; u < v; u++)
          if (memcmp (&model->vans[u], van, sizeof *van) == 0)
            {
              s->cls = d * model->n_vans + u;
              break;
            }
        s->start_loc = van->start_location;
        s->end_loc = van->end_location;
        s->cap = van->capacity > 0 ? van->capacity : PM_PLAN_INF;
        s->staff = van->staff;
        s->t_start = base + van->work_start;
        s->t_end = base + van->work_end;
        s->t_deadline = s->t_end + van->max_overtime;
        s->has_break = van->break_duration > 0;
        s->b_open = base + van->break_open;
        s->b_close = base + van->break_close;
        s->b_dur = van->break_duration;
      }
}

static void
build_neighbours (PmPlanProblem *P)
{
  int n = P->n_jobs;
  double sum = 0;
  long count = 0;

  P->n_neigh = n - 1 < PM_PLAN_NEIGHBOURS ? n - 1 : PM_PLAN_NEIGHBOURS;
  if (P->n_neigh <= 0)
    return;

  for (int i = 0; i < n; i++)
    {
      int *row = &P->neigh[(long) i * P->n_neigh];
      double best_d[PM_PLAN_NEIGHBOURS];
      int filled = 0;

      /* Insertion into a short sorted list: n × 50, no qsort state needed. */
      for (int j = 0; j < n; j++)
        {
          double d;
          int k;

          if (j == i)
            continue;
          d = pm_plan_travel (P, P->jobs[i].loc, P->jobs[j].loc)
              + pm_plan_travel (P, P->jobs[j].loc, P->jobs[i].loc);
          if (filled == P->n_neigh && d >= best_d[filled - 1])
            continue;
          k = filled < P->n_neigh ? filled++ : filled - 1;
          while (k > 0 && best_d[k - 1] > d)
            {
              best_d[k] = best_d[k - 1];
              row[k] = row[k - 1];
              k--;
            }
          best_d[k] = d;
          row[k] = j;
        }

      for (int k = 0; k < filled && k < 10; k++, count++)
        sum += best_d[k] / 2;
    }

  /* A floor keeps the annealing temperature positive on degenerate data. */
  P->mean_arc = count > 0 && sum > 0 && P->w.travel > 0 ? P->w.travel * sum / count : 1.0;
}

PmPlanProblem *
pm_plan_problem_new (const PmPlanModel *model,
                     char              *error,
                     int                error_size)
{
  PmPlanProblem *P;
  int n_shifts;

  if (!pm_plan_model_validate (model, error, error_size))
    return NULL;

  n_shifts = model->n_vans * model->n_days;
  P = calloc (1, sizeof *P);
  if (P == NULL)
    return NULL;
  P->n_loc = model->n_locations;
  P->T = model->travel;
  P->n_jobs = model->n_visits;
  P->n_shifts = n_shifts;
  P->w = model->weights;
  P->jobs = calloc ((size_t) P->n_jobs + 1, sizeof *P->jobs);
  P->shifts = calloc ((size_t) n_shifts, sizeof *P->shifts);
  P->compat = calloc ((size_t) P->n_jobs * n_shifts + 1, 1);
  P->neigh = calloc ((size_t) P->n_jobs * PM_PLAN_NEIGHBOURS + 1, sizeof *P->neigh);
  if (P->jobs == NULL || P->shifts == NULL || P->compat == NULL || P->neigh == NULL)
    {
      pm_plan_problem_free (P);
      return NULL;
    }

  build_shifts (P, model);

  for (int i = 0; i < P->n_jobs; i++)
    {
      const PmPlanVisit *v = &model->visits[i];
      PmPlanJob *j = &P->jobs[i];

      j->loc = v->location;
      j->service = v->service;
      j->load = v->load;
      j->win = v->windows;
      j->n_win = v->n_windows;
      j->penalty = P->w.unassigned * (v->priority > 0 ? v->priority : 1);
      j->pref_staff = v->preferred_staff;
      j->lock = v->lock;
      j->lock_shift = v->lock == PM_PLAN_FREE ? -1 : v->lock_day * model->n_vans + v->lock_van;
      j->prev_shift = -1;

      for (int s = 0; s < n_shifts; s++)
        {
          const PmPlanShift *sh = &P->shifts[s];
          const PmPlanVan *van = &model->vans[sh->van];

          P->compat[(long) i * n_shifts + s] =
            (v->skills & ~van->skills) == 0
            && v->load <= sh->cap
            && (j->lock_shift < 0 || j->lock_shift == s)
            && window_meets_shift (j, sh);
        }
    }

  if (model->previous != NULL)
    for (int r = 0; r < model->previous->n_routes; r++)
      for (int k = 0; k < model->previous->routes[r].n_stops; k++)
        {
          int v = model->previous->routes[r].visits[k];

          if (v >= 0 && v < P->n_jobs)
            P->jobs[v].prev_shift = r;
        }

  P->symmetric = true;
  for (int a = 0; a < P->n_loc && P->symmetric; a++)
    for (int b = 0; b < a; b++)
      if (pm_plan_travel (P, a, b) != pm_plan_travel (P, b, a))
        {
          P->symmetric = false;
          break;
        }

  build_neighbours (P);
  return P;
}

void
pm_plan_problem_free (PmPlanProblem *problem)
{
  if (problem == NULL)
    return;
  free (problem->jobs);
  free (problem->shifts);
  free (problem->compat);
  free (problem->neigh);
  free (problem);
}

void
pm_plan_solution_free (PmPlanSolution *solution)
{
  if (solution == NULL)
    return;
  for (int r = 0; r < solution->n_routes; r++)
    {
      free (solution->routes[r].visits);
      free (solution->routes[r].starts);
    }
  free (solution->routes);
  free (solution->unassigned);
  free (solution);
}
