/* pm-plan-bench.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pm-plan-bench.h"

typedef struct
{
  char  *text;
  char  *cursor;
} Tokens;

static bool
tokens_open (Tokens     *tk,
             const char *path,
             char       *error,
             int         error_size)
{
  FILE *f = fopen (path, "rb");
  long size;

  tk->text = NULL;
  if (f == NULL)
    {
      snprintf (error, (size_t) error_size, "cannot open %s", path);
      return false;
    }
  if (fseek (f, 0, SEEK_END) == 0 && (size = ftell (f)) >= 0 && fseek (f, 0, SEEK_SET) == 0)
    {
      tk->text = malloc ((size_t) size + 1);
      if (tk->text != NULL && fread (tk->text, 1, (size_t) size, f) == (size_t) size)
        tk->text[size] = '\0';
      else
        {
          free (tk->text);
          tk->text = NULL;
        }
    }
  fclose (f);
  if (tk->text == NULL)
    {
      snprintf (error, (size_t) error_size, "cannot read %s", path);
      return false;
    }
  tk->cursor = tk->text;
  return true;
}

/* Next whitespace-separated token (CRLF and trailing blanks included), or
 * NULL at the end.  ':' separates too, for TSPLIB's "KEY : VALUE".
 */
static const char *
tokens_next (Tokens *tk)
{
  char *start;

  while (*tk->cursor != '\0' && (isspace ((unsigned char) *tk->cursor) || *tk->cursor == ':'))
    tk->cursor++;
  if (*tk->cursor == '\0')
    return NULL;
  start = tk->cursor;
  while (*tk->cursor != '\0' && !isspace ((unsigned char) *tk->cursor) && *tk->cursor != ':')
    tk->cursor++;
  if (*tk->cursor != '\0')
    *tk->cursor++ = '\0';
  return start;
}

static bool
tokens_number (Tokens *tk,
               double *out)
{
  const char *t = tokens_next (tk);
  char *end;

  if (t == NULL)
    return false;
  *out = strtod (t, &end);
  return *end == '\0';
}

static bool
tokens_skip_to (Tokens     *tk,
                const char *word)
{
  const char *t;

  while ((t = tokens_next (tk)) != NULL)
    if (strcmp (t, word) == 0)
      return true;
  return false;
}

static PmPlanInstance *
instance_alloc (int n_loc,
                int n_visits)
{
  PmPlanInstance *inst = calloc (1, sizeof *inst);

  if (inst == NULL)
    return NULL;
  inst->ids = calloc ((size_t) n_visits + 1, sizeof *inst->ids);
  inst->travel = calloc ((size_t) n_loc * n_loc, sizeof *inst->travel);
  inst->visits = calloc ((size_t) n_visits + 1, sizeof *inst->visits);
  inst->windows = calloc ((size_t) n_visits + 1, sizeof *inst->windows);
  inst->vans = calloc (1, sizeof *inst->vans);
  if (inst->ids == NULL || inst->travel == NULL || inst->visits == NULL
      || inst->windows == NULL || inst->vans == NULL)
    {
      pm_plan_instance_free (inst);
      return NULL;
    }
  inst->model.n_locations = n_loc;
  inst->model.travel = inst->travel;
  inst->model.n_visits = n_visits;
  inst->model.visits = inst->visits;
  inst->model.vans = inst->vans;
  inst->model.n_vans = 1;
  inst->model.n_days = 1;
  memset (&inst->model.weights, 0, sizeof inst->model.weights);
  inst->model.weights.travel = 1;
  inst->scale = 1;
  return inst;
}

static void
set_name (PmPlanInstance *inst,
          const char     *path)
{
  const char *base = strrchr (path, '/');
  char *dot;

  snprintf (inst->name, sizeof inst->name, "%s", base != NULL ? base + 1 : path);
  dot = strchr (inst->name, '.');
  if (dot != NULL)
    *dot = '\0';
}

/* Frees the reader's scratch; on failure also the instance, with a message. */
static PmPlanInstance *
read_done (PmPlanInstance *inst,
           bool            ok,
           Tokens         *tk,
           void           *scratch,
           const char     *path,
           const char     *kind,
           char           *error,
           int             error_size)
{
  free (scratch);
  free (tk->text);
  if (ok)
    return inst;
  snprintf (error, (size_t) error_size, "%s: not a %s instance", path, kind);
  pm_plan_instance_free (inst);
  return NULL;
}

PmPlanInstance *
pm_plan_instance_read_solomon (const char      *path,
                               int              customers,
                               PmPlanObjective  objective,
                               char            *error,
                               int              error_size)
{
  enum { MAX_ROWS = 1001 };
  double (*row)[7] = NULL;
  double k, q, value;
  int n = 0;
  Tokens tk;
  PmPlanInstance *inst = NULL;
  double scale = objective == PM_PLAN_OBJECTIVE_DIMACS ? 10 : 1;
  bool ok = false;

  if (!tokens_open (&tk, path, error, error_size))
    return NULL;
  row = malloc (sizeof *row * MAX_ROWS);
  if (row == NULL || !tokens_skip_to (&tk, "CAPACITY")
      || !tokens_number (&tk, &k) || !tokens_number (&tk, &q)
      || !tokens_skip_to (&tk, "TIME") || !tokens_skip_to (&tk, "TIME"))
    goto bad;

  while (n < MAX_ROWS && tokens_number (&tk, &value))
    {
      row[n][0] = value;
      for (int c = 1; c < 7; c++)
        if (!tokens_number (&tk, &row[n][c]))
          goto bad;
      n++;
    }
  if (n < 2 || row[0][0] != 0)
    goto bad;
  if (customers <= 0 || customers > n - 1)
    customers = n - 1;

  inst = instance_alloc (customers + 1, customers);
  if (inst == NULL)
    goto bad;
  set_name (inst, path);
  inst->scale = scale;
  inst->max_vehicles = (int) k;

  for (int i = 0; i <= customers; i++)
    for (int j = 0; j <= customers; j++)
      {
        double d = hypot (row[i][1] - row[j][1], row[i][2] - row[j][2]);

        inst->travel[i * (customers + 1) + j] =
          objective == PM_PLAN_OBJECTIVE_DIMACS ? floor (10 * d) : d;
      }

  for (int i = 0; i < customers; i++)
    {
      const double *r = row[i + 1];
      PmPlanVisit *v = &inst->visits[i];

      inst->ids[i] = (int) r[0];
      inst->windows[i] = (PmPlanWindow) { r[4] * scale, r[5] * scale };
      v->location = i + 1;
      v->service = r[6] * scale;
      v->load = r[3];
      v->windows = &inst->windows[i];
      v->n_windows = 1;
      v->priority = 1;
      v->preferred_staff = -1;
    }

  /* K identical vans: one van-day each, the depot's window as hours. */
  free (inst->vans);
  inst->vans = calloc ((size_t) k, sizeof *inst->vans);
  if (inst->vans == NULL)
    goto bad;
  for (int i = 0; i < (int) k; i++)
    inst->vans[i] = (PmPlanVan) {
      .capacity = q,
      .work_start = row[0][4] * scale,
      .work_end = row[0][5] * scale,
      .staff = -1,
    };
  inst->model.vans = inst->vans;
  inst->model.n_vans = (int) k;
  inst->model.day_length = row[0][5] * scale + 1;
  inst->model.weights.unassigned = 1e9;
  if (objective == PM_PLAN_OBJECTIVE_HIERARCHICAL)
    inst->model.weights.vehicle = 1e5;

  ok = true;

bad:
  return read_done (inst, ok, &tk, row, path, "Solomon", error, error_size);
}

PmPlanInstance *
pm_plan_instance_read_tsplib (const char *path,
                              char       *error,
                              int         error_size)
{
  double dim = 0, *xy = NULL;
  const char *t;
  Tokens tk;
  PmPlanInstance *inst = NULL;
  bool ok = false;
  int n;

  if (!tokens_open (&tk, path, error, error_size))
    return NULL;
  while ((t = tokens_next (&tk)) != NULL && strcmp (t, "NODE_COORD_SECTION") != 0)
    {
      if (strcmp (t, "DIMENSION") == 0 && !tokens_number (&tk, &dim))
        goto bad;
      if (strcmp (t, "EDGE_WEIGHT_TYPE") == 0
          && ((t = tokens_next (&tk)) == NULL || strcmp (t, "EUC_2D") != 0))
        goto bad;
    }
  n = (int) dim;
  if (t == NULL || n < 2)
    goto bad;
  xy = malloc (sizeof (double) * 2 * (size_t) n);
  if (xy == NULL)
    goto bad;
  for (int i = 0; i < n; i++)
    {
      double id;

      if (!tokens_number (&tk, &id) || (int) id != i + 1
          || !tokens_number (&tk, &xy[2 * i]) || !tokens_number (&tk, &xy[2 * i + 1]))
        goto bad;
    }

  /* Node 1 is the depot of a single van without limits. */
  inst = instance_alloc (n, n - 1);
  if (inst == NULL)
    goto bad;
  set_name (inst, path);
  inst->max_vehicles = 1;
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++)
      inst->travel[i * n + j] =
        (int) (hypot (xy[2 * i] - xy[2 * j], xy[2 * i + 1] - xy[2 * j + 1]) + 0.5);
  for (int i = 0; i < n - 1; i++)
    {
      inst->ids[i] = i + 2;
      inst->visits[i] = (PmPlanVisit) { .location = i + 1, .priority = 1, .preferred_staff = -1 };
    }
  inst->vans[0] = (PmPlanVan) { .work_end = 1e15, .staff = -1 };
  inst->model.day_length = 2e15;
  inst->model.weights.unassigned = 1e12;

  ok = true;

bad:
  return read_done (inst, ok, &tk, xy, path, "TSPLIB EUC_2D", error, error_size);
}

void
pm_plan_instance_free (PmPlanInstance *instance)
{
  if (instance == NULL)
    return;
  free (instance->ids);
  free (instance->travel);
  free (instance->visits);
  free (instance->windows);
  free (instance->vans);
  free (instance);
}
