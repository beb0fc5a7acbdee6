/* test-planner-solomon.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The planner on the 25-customer Solomon instances and two TSPLIB tours,
 * with an iteration budget (never a time budget, so it cannot flake).
 * Every result goes through the independent checker; the quality floor
 * is loose on purpose.  PM_PLANNER_TEST_ITERATIONS sizes the budget.
 */

#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "pm-test-bench.h"

static const char *bench_dir;

static long
iterations (void)
{
  const char *env = g_getenv ("PM_PLANNER_TEST_ITERATIONS");

  return env != NULL ? atol (env) : 4000;
}

static gboolean
check_solution (const PmPlanInstance *inst,
                const PmPlanSolution *sol,
                const char           *path,
                gboolean              dimacs,
                double               *distance)
{
  char why[256] = "";

  if (pm_test_check_solomon (inst, sol, path, 25, dimacs, distance, why, sizeof why))
    return TRUE;
  g_test_message ("%s: checker says: %s", inst->name, why);
  return FALSE;
}

static void
test_solomon_25 (void)
{
  g_autoptr(GPtrArray) names = pm_test_solomon_names (bench_dir, NULL);
  g_autofree char *csv = g_build_filename (bench_dir, "solomon_bks.csv", NULL);
  int at_best = 0;
  double gap_sum = 0;

  if (names->len == 0)
    {
      g_test_skip ("no Solomon instances in the bench folder");
      return;
    }

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *file = g_strconcat (names->pdata[i], ".txt", NULL);
      g_autofree char *path = g_build_filename (bench_dir, "solomon", file, NULL);
      char error[256] = "";
      PmPlanInstance *inst = pm_plan_instance_read_solomon (path, 25, PM_PLAN_OBJECTIVE_DIMACS,
                                                            error, sizeof error);
      PmPlanSolution *sol;
      double distance = 0, bks, gap;

      g_assert_nonnull (inst);
      sol = pm_test_solve (&inst->model, iterations (), 1);
      g_assert_cmpint (sol->n_unassigned, ==, 0);
      g_assert_true (check_solution (inst, sol, path, TRUE, &distance));
      g_assert_cmpfloat_with_epsilon (distance, sol->cost.travel / 10, 1e-9);

      bks = pm_check_bks (csv, inst->name, "d25");
      g_assert_cmpfloat (bks, >, 0);
      gap = 100 * (distance - bks) / bks;
      g_test_message ("%s.25: %.1f (best known %.1f, gap %.2f %%)", inst->name, distance, bks, gap);
      g_assert_cmpfloat (gap, >=, -1e-9);
      g_assert_cmpfloat (gap, <=, 5.0);
      at_best += gap < 1e-9;
      gap_sum += gap;

      pm_plan_solution_free (sol);
      pm_plan_instance_free (inst);
    }
  g_test_message ("25 customers: average gap %.3f %%, %d of %u at the best known value",
                  gap_sum / names->len, at_best, names->len);
}

static void
test_solomon_hierarchical (void)
{
  const char *names[] = { "C101", "R201", "RC105" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *file = g_strconcat (names[i], ".txt", NULL);
      g_autofree char *path = g_build_filename (bench_dir, "solomon", file, NULL);
      char error[256] = "";
      PmPlanInstance *inst;
      PmPlanSolution *sol;
      double distance = 0;

      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        {
          g_test_skip ("instance missing from the bench folder");
          return;
        }
      inst = pm_plan_instance_read_solomon (path, 25, PM_PLAN_OBJECTIVE_HIERARCHICAL,
                                            error, sizeof error);
      sol = pm_test_solve (&inst->model, iterations () / 2, 1);
      g_assert_true (check_solution (inst, sol, path, FALSE, &distance));
      g_assert_cmpfloat_with_epsilon (distance, sol->cost.travel, 1e-6);
      pm_plan_solution_free (sol);
      pm_plan_instance_free (inst);
    }
}

static void
test_tsplib (void)
{
  const char *names[] = { "berlin52", "eil51" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *file = g_strconcat (names[i], ".tsp", NULL);
      g_autofree char *opt = g_strconcat (names[i], ".opt.tour", NULL);
      g_autofree char *path = g_build_filename (bench_dir, "tsplib", file, NULL);
      g_autofree char *opt_path = g_build_filename (bench_dir, "tsplib", opt, NULL);
      PmCheckTsp *check = pm_check_tsp_load (path);
      char error[256] = "";
      PmPlanInstance *inst;
      PmPlanSolution *sol;
      long length = 0, best;

      if (check == NULL)
        {
          g_test_skip ("TSPLIB instance missing from the bench folder");
          return;
        }
      best = pm_test_tsp_optimum (check, opt_path);
      inst = pm_plan_instance_read_tsplib (path, error, sizeof error);
      g_assert_nonnull (inst);
      sol = pm_test_solve (&inst->model, iterations (), 1);

      g_assert_true (pm_test_check_tsp (inst, sol, check, &length, error, sizeof error));
      g_test_message ("%s: %ld (optimal %ld)", names[i], length, best);
      g_assert_cmpint (length, ==, (long) sol->cost.travel);
      g_assert_cmpint (best, >, 0);
      g_assert_cmpfloat (100.0 * (length - best) / best, <=, 5.0);

      pm_plan_solution_free (sol);
      pm_plan_instance_free (inst);
      pm_check_tsp_free (check);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  bench_dir = argc > 1 ? argv[1] : g_getenv ("PM_BENCH_DIR");
  if (bench_dir == NULL || !g_file_test (bench_dir, G_FILE_TEST_IS_DIR))
    {
      g_print ("1..0 # SKIP benchmark folder not found (%s)\n",
               bench_dir != NULL ? bench_dir : "unset");
      return 77;
    }
  g_test_add_func ("/planner/solomon/dimacs-25", test_solomon_25);
  g_test_add_func ("/planner/solomon/hierarchical-25", test_solomon_hierarchical);
  g_test_add_func ("/planner/tsplib/small", test_tsplib);
  return g_test_run ();
}
