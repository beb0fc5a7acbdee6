/* pm-check.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pm-check.h"

#define TOL 1e-6

struct PmCheckSolomon
{
  int     n;          /* customers */
  int     vehicles;
  long    capacity;
  long   (*row)[7];   /* id x y demand ready due service; row 0 = depot */
};

struct PmCheckTsp
{
  int     n;
  double *x;
  double *y;
};

static bool
complain (char       *why,
          int         why_size,
          const char *format,
          ...)
{
  va_list args;

  if (why != NULL && why_size > 0)
    {
      va_start (args, format);
      vsnprintf (why, (size_t) why_size, format, args);
      va_end (args);
    }
  return false;
}

PmCheckSolomon *
pm_check_solomon_load (const char *path,
                       int         customers)
{
  FILE *f = fopen (path, "r");
  PmCheckSolomon *inst;
  char line[512];
  int rows = 0, header = 0;

  if (f == NULL)
    return NULL;
  inst = calloc (1, sizeof *inst);
  inst->row = calloc (1001, sizeof *inst->row);

  /* Line based: the vehicle line follows "NUMBER", customer rows are the
   * lines with exactly seven integers.
   */
  while (fgets (line, sizeof line, f) != NULL)
    {
      long v[7];
      int got;

      if (strstr (line, "NUMBER") != NULL)
        header = 1;
      else if (header == 1 && sscanf (line, "%d %ld", &inst->vehicles, &inst->capacity) == 2)
        header = 2;
      got = sscanf (line, "%ld %ld %ld %ld %ld %ld %ld",
                    &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6]);
      if (got == 7 && rows < 1001)
        memcpy (inst->row[rows++], v, sizeof v);
    }
  fclose (f);

  if (header != 2 || rows < 2 || inst->row[0][0] != 0)
    {
      pm_check_solomon_free (inst);
      return NULL;
    }
  inst->n = customers > 0 && customers < rows - 1 ? customers : rows - 1;
  return inst;
}

int
pm_check_solomon_customers (const PmCheckSolomon *inst)
{
  return inst->n;
}

void
pm_check_solomon_free (PmCheckSolomon *inst)
{
  if (inst == NULL)
    return;
  free (inst->row);
  free (inst);
}

static double
arc (const PmCheckSolomon *inst,
     int                   a,
     int                   b,
     bool                  dimacs)
{
  double dx = (double) (inst->row[a][1] - inst->row[b][1]);
  double dy = (double) (inst->row[a][2] - inst->row[b][2]);
  double d = sqrt (dx * dx + dy * dy);

  return dimacs ? (double) (long) (d * 10.0) : d;
}

bool
pm_check_solomon_routes (const PmCheckSolomon *inst,
                         bool                  dimacs,
                         int                   n_routes,
                         const int            *lengths,
                         const int *const     *routes,
                         double               *distance,
                         char                 *why,
                         int                   why_size)
{
  double scale = dimacs ? 10.0 : 1.0;
  int *seen = calloc ((size_t) inst->n + 1, sizeof *seen);
  double total = 0;
  int used = 0;
  bool ok = true;

  for (int r = 0; r < n_routes && ok; r++)
    {
      double t = inst->row[0][4] * scale;
      long load = 0;
      int prev = 0;

      if (lengths[r] == 0)
        continue;
      used++;
      for (int k = 0; k <= lengths[r] && ok; k++)
        {
          int c = k < lengths[r] ? routes[r][k] : 0;

          if (c < 0 || c > inst->n || (k < lengths[r] && c == 0))
            ok = complain (why, why_size, "route %d: unknown customer %d", r, c);
          else if (k < lengths[r] && seen[c]++)
            ok = complain (why, why_size, "route %d: customer %d served twice", r, c);
          if (!ok)
            break;
          total += arc (inst, prev, c, dimacs);
          t += arc (inst, prev, c, dimacs);
          if (t > inst->row[c][5] * scale + TOL)
            ok = complain (why, why_size, "route %d: late at customer %d", r, c);
          if (t < inst->row[c][4] * scale)
            t = inst->row[c][4] * scale;
          t += inst->row[c][6] * scale;
          load += inst->row[c][3];
          prev = c;
        }
      if (ok && load > inst->capacity)
        ok = complain (why, why_size, "route %d: load %d over capacity", r, (int) load);
    }

  for (int c = 1; c <= inst->n && ok; c++)
    if (!seen[c])
      ok = complain (why, why_size, "customer %d not served", c);
  if (ok && used > inst->vehicles)
    ok = complain (why, why_size, "%d routes, only %d vehicles", used, inst->vehicles);

  free (seen);
  if (ok && distance != NULL)
    *distance = total / scale;
  return ok;
}

PmCheckTsp *
pm_check_tsp_load (const char *path)
{
  FILE *f = fopen (path, "r");
  PmCheckTsp *inst;
  char line[512];
  bool coords = false;

  if (f == NULL)
    return NULL;
  inst = calloc (1, sizeof *inst);
  while (fgets (line, sizeof line, f) != NULL)
    {
      int id;
      double x, y;

      if (strncmp (line, "DIMENSION", 9) == 0)
        {
          const char *colon = strchr (line, ':');

          inst->n = atoi (colon != NULL ? colon + 1 : line + 9);
          inst->x = calloc ((size_t) inst->n + 1, sizeof (double));
          inst->y = calloc ((size_t) inst->n + 1, sizeof (double));
        }
      else if (strncmp (line, "NODE_COORD_SECTION", 18) == 0)
        coords = true;
      else if (coords && inst->x != NULL && sscanf (line, "%d %lf %lf", &id, &x, &y) == 3
               && id >= 1 && id <= inst->n)
        {
          inst->x[id] = x;
          inst->y[id] = y;
        }
    }
  fclose (f);
  if (inst->n < 2 || inst->x == NULL)
    {
      pm_check_tsp_free (inst);
      return NULL;
    }
  return inst;
}

void
pm_check_tsp_free (PmCheckTsp *inst)
{
  if (inst == NULL)
    return;
  free (inst->x);
  free (inst->y);
  free (inst);
}

bool
pm_check_tsp_tour (const PmCheckTsp *inst,
                   int               n,
                   const int        *tour,
                   long             *length,
                   char             *why,
                   int               why_size)
{
  int *seen;
  long total = 0;

  if (n != inst->n)
    return complain (why, why_size, "tour has %d nodes, instance %d", n, inst->n);
  seen = calloc ((size_t) n + 1, sizeof *seen);
  for (int k = 0; k < n; k++)
    {
      int a = tour[k], b = tour[(k + 1) % n];

      if (a < 1 || a > n || seen[a]++)
        {
          free (seen);
          return complain (why, why_size, "node %d at %d repeated or unknown", a, k);
        }
      total += (long) (sqrt ((inst->x[a] - inst->x[b]) * (inst->x[a] - inst->x[b])
                             + (inst->y[a] - inst->y[b]) * (inst->y[a] - inst->y[b])) + 0.5);
    }
  free (seen);
  *length = total;
  return true;
}

double
pm_check_bks (const char *csv_path,
              const char *instance,
              const char *column)
{
  FILE *f = fopen (csv_path, "r");
  char line[1024];
  int col = -1;
  double value = -1;

  if (f == NULL)
    return -1;
  while (fgets (line, sizeof line, f) != NULL)
    {
      char *save = NULL, *field;
      int i = 0;

      if (line[0] == '#')
        continue;
      line[strcspn (line, "\r\n")] = '\0';
      field = strtok_r (line, ",", &save);
      if (col < 0)
        {
          for (; field != NULL; field = strtok_r (NULL, ",", &save), i++)
            if (strcmp (field, column) == 0)
              col = i;
          if (col < 0)
            break;
          continue;
        }
      if (field == NULL || strcmp (field, instance) != 0)
        continue;
      for (; field != NULL && i < col; i++)
        field = strtok_r (NULL, ",", &save);
      if (field != NULL)
        value = atof (field);
      break;
    }
  fclose (f);
  return value;
}

static double
window_start (const PmPlanVisit *v,
              double             arrival)
{
  if (v->n_windows == 0)
    return arrival;
  for (int k = 0; k < v->n_windows; k++)
    if (arrival <= v->windows[k].close + TOL)
      return fmax (arrival, v->windows[k].open);
  return -1;
}

static bool
check_route (const PmPlanModel *model,
             const PmPlanRoute *route,
             int                index,
             char              *why,
             int                why_size)
{
  const PmPlanVan *van = &model->vans[index % model->n_vans];
  int day = index / model->n_vans;
  double base = day * model->day_length;
  double t = base + van->work_start, load = 0, end;
  int loc = van->start_location;
  bool took_break = false;

  for (int k = 0; k <= route->n_stops; k++)
    {
      if (route->break_after == k && van->break_duration > 0)
        {
          double b = fmax (t, base + van->break_open);

          if (b > base + van->break_close + TOL)
            return complain (why, why_size, "route %d: break too late after stop %d", index, k);
          t = b + van->break_duration;
          took_break = true;
        }
      if (k == route->n_stops)
        break;
      {
        const PmPlanVisit *v = &model->visits[route->visits[k]];
        double arrival = t + model->travel[(long) loc * model->n_locations + v->location];
        double s = window_start (v, arrival);

        if (s < 0)
          return complain (why, why_size, "route %d: stop %d misses its windows", index, k);
        if (fabs (s - route->starts[k]) > TOL)
          return complain (why, why_size, "route %d: stop %d start differs", index, k);
        if ((v->skills & ~van->skills) != 0)
          return complain (why, why_size, "route %d: stop %d lacks a skill", index, k);
        if (v->lock != PM_PLAN_FREE
            && (v->lock_van != index % model->n_vans || v->lock_day != day))
          return complain (why, why_size, "route %d: locked visit %d moved",
                           index, route->visits[k]);
        if (v->lock == PM_PLAN_STARTED && k > 0
            && model->visits[route->visits[k - 1]].lock != PM_PLAN_STARTED)
          return complain (why, why_size, "route %d: started visit %d not at the head",
                           index, route->visits[k]);
        t = s + v->service;
        load += v->load;
        loc = v->location;
      }
    }

  if (route->n_stops == 0)
    return true;
  if (route->depart < base + van->work_start - TOL
      || route->depart + model->travel[(long) van->start_location * model->n_locations
                                       + model->visits[route->visits[0]].location]
         > route->starts[0] + TOL)
    return complain (why, why_size, "route %d: departure does not fit", index);
  end = t + model->travel[(long) loc * model->n_locations + van->end_location];
  if (end > base + van->work_end + van->max_overtime + TOL)
    return complain (why, why_size, "route %d: back too late", index);
  if (van->break_duration > 0 && !took_break && end > base + van->break_open + TOL)
    return complain (why, why_size, "route %d: no break", index);
  if (van->capacity > 0 && load > van->capacity + TOL)
    return complain (why, why_size, "route %d: over capacity", index);
  return true;
}

bool
pm_check_plan (const PmPlanModel    *model,
               const PmPlanSolution *plan,
               char                 *why,
               int                   why_size)
{
  int *count = calloc ((size_t) model->n_visits + 1, sizeof *count);
  bool ok = plan->n_routes == model->n_vans * model->n_days;

  if (!ok)
    complain (why, why_size, "%d routes for %d van-days",
              plan->n_routes, model->n_vans * model->n_days);
  for (int r = 0; r < plan->n_routes && ok; r++)
    {
      for (int k = 0; k < plan->routes[r].n_stops && ok; k++)
        {
          int v = plan->routes[r].visits[k];

          if (v < 0 || v >= model->n_visits || count[v]++)
            ok = complain (why, why_size, "visit %d twice or unknown (route %d)", v, r);
        }
      ok = ok && check_route (model, &plan->routes[r], r, why, why_size);
    }
  for (int u = 0; u < plan->n_unassigned && ok; u++)
    if (count[plan->unassigned[u]]++)
      ok = complain (why, why_size, "visit %d both planned and unassigned", plan->unassigned[u]);
  for (int v = 0; v < model->n_visits && ok; v++)
    if (count[v] == 0)
      ok = complain (why, why_size, "visit %d neither planned nor unassigned", v);
  free (count);
  return ok;
}
