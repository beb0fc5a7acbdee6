/* pm-test-bench.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <stdlib.h>
#include <string.h>

#include "pm-test-bench.h"

/* g_ptr_array_sort hands over pointers to the elements. */
static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

PmPlanSolution *
pm_test_solve (const PmPlanModel *model,
               long               iterations,
               uint64_t           seed)
{
  PmPlanSolution *sol = NULL;
  PmPlanParams params;
  char error[256] = "";

  pm_plan_params_init (&params);
  params.iterations = iterations;
  params.seed = seed;
  g_assert_cmpint (pm_plan_solve (model, &params, &sol, error, sizeof error), ==, PM_PLAN_OK);
  return sol;
}

GPtrArray *
pm_test_solomon_names (const char *bench_dir,
                       const char *prefix)
{
  g_autofree char *dir_path = g_build_filename (bench_dir, "solomon", NULL);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".txt") && (prefix == NULL || g_str_has_prefix (name, prefix)))
      g_ptr_array_add (names, g_strndup (name, strlen (name) - 4));
  g_ptr_array_sort (names, compare_names);
  return names;
}

gboolean
pm_test_check_solomon (const PmPlanInstance *inst,
                       const PmPlanSolution *sol,
                       const char           *path,
                       int                   customers,
                       gboolean              dimacs,
                       double               *distance,
                       char                 *why,
                       int                   why_size)
{
  g_autoptr(GPtrArray) routes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) lengths = g_array_new (FALSE, FALSE, sizeof (int));
  PmCheckSolomon *check = pm_check_solomon_load (path, customers);
  gboolean ok;

  if (check == NULL)
    {
      g_strlcpy (why, "checker cannot read the instance", why_size);
      return FALSE;
    }
  for (int r = 0; r < sol->n_routes; r++)
    {
      int *ids = g_new (int, sol->routes[r].n_stops + 1);

      for (int k = 0; k < sol->routes[r].n_stops; k++)
        ids[k] = inst->ids[sol->routes[r].visits[k]];
      g_ptr_array_add (routes, ids);
      g_array_append_val (lengths, sol->routes[r].n_stops);
    }
  ok = pm_check_solomon_routes (check, dimacs, sol->n_routes, (const int *) lengths->data,
                                (const int *const *) routes->pdata, distance, why, why_size);
  pm_check_solomon_free (check);
  return ok;
}

long
pm_test_tsp_optimum (const PmCheckTsp *check,
                     const char       *opt_path)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GArray) tour = g_array_new (FALSE, FALSE, sizeof (int));
  gboolean in_tour = FALSE;
  long length = -1;

  if (!g_file_get_contents (opt_path, &text, NULL, NULL))
    return -1;
  lines = g_strsplit (text, "\n", -1);
  for (int i = 0; lines[i] != NULL; i++)
    {
      int id = atoi (lines[i]);

      if (g_str_has_prefix (lines[i], "TOUR_SECTION"))
        in_tour = TRUE;
      else if (in_tour && id > 0)
        g_array_append_val (tour, id);
      else if (in_tour && id < 0)
        break;
    }
  if (!pm_check_tsp_tour (check, (int) tour->len, (const int *) tour->data, &length, NULL, 0))
    return -1;
  return length;
}

gboolean
pm_test_check_tsp (const PmPlanInstance *inst,
                   const PmPlanSolution *sol,
                   const PmCheckTsp     *check,
                   long                 *length,
                   char                 *why,
                   int                   why_size)
{
  g_autofree int *tour = g_new (int, inst->model.n_visits + 1);
  int n = 0;

  tour[n++] = 1;
  for (int r = 0; r < sol->n_routes; r++)
    for (int k = 0; k < sol->routes[r].n_stops && n <= inst->model.n_visits; k++)
      tour[n++] = inst->ids[sol->routes[r].visits[k]];
  return pm_check_tsp_tour (check, n, tour, length, why, why_size);
}
