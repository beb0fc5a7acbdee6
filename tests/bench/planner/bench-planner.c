/* bench-planner.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Prints, per instance, the planner's result, the gap to the best-known
 * value, the wall time and the independent checker's verdict.  It never
 * fails on numbers; it fails only if the checker rejects a plan.
 *
 * Environment:
 *   PM_BENCH_SETS        comma list of solomon25, solomon50, solomon100,
 *                        hierarchical (100 customers), tsplib, week
 *                        (default: solomon25, solomon50, tsplib, week)
 *   PM_BENCH_ONLY        instance name prefix, e.g. "RC2"
 *   PM_BENCH_MS_25, PM_BENCH_MS_50, PM_BENCH_MS_TSP
 *                        time limit per run (default 100, 500, 1000)
 *   PM_BENCH_MS_100      comma list of limits (default "2000,10000")
 *   PM_BENCH_MS_HIER     limit for the hierarchical set (default 2000)
 *   PM_BENCH_WEEK_MS     comma list of limits (default "1000,3000")
 *   PM_BENCH_WEEK_REF_MS reference run for the week, e.g. 60000 (default off)
 *   PM_BENCH_ITERATIONS  use this iteration budget instead of time limits
 *   PM_BENCH_SEED        (default 1)
 */

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "pm-test-bench.h"
#include "pm-test-week.h"

typedef struct
{
  const char *bench_dir;
  char       *csv;
  const char *only;
  long        iterations;
  guint64     seed;
  int         failures;
} Bench;

static long
env_long (const char *name,
          long        fallback)
{
  const char *v = g_getenv (name);

  return v != NULL && *v ? atol (v) : fallback;
}

static GArray *
env_list (const char *name,
          const char *fallback)
{
  const char *v = g_getenv (name);
  g_auto(GStrv) parts = g_strsplit (v != NULL && *v ? v : fallback, ",", -1);
  GArray *list = g_array_new (FALSE, FALSE, sizeof (long));

  for (int i = 0; parts[i] != NULL; i++)
    {
      long x = atol (parts[i]);

      if (x > 0)
        g_array_append_val (list, x);
    }
  return list;
}

static gboolean
set_enabled (const char *set)
{
  const char *v = g_getenv ("PM_BENCH_SETS");
  g_auto(GStrv) parts = g_strsplit (v != NULL && *v ? v : "solomon25,solomon50,tsplib,week",
                                    ",", -1);

  return g_strv_contains ((const char *const *) parts, set);
}

static PmPlanSolution *
run (Bench             *b,
     const PmPlanModel *model,
     long               limit_ms,
     double            *ms)
{
  PmPlanSolution *sol = NULL;
  PmPlanParams params;
  char error[256] = "";
  gint64 t0 = g_get_monotonic_time ();

  pm_plan_params_init (&params);
  params.seed = b->seed;
  params.iterations = b->iterations;
  params.time_limit_ms = b->iterations > 0 ? 0 : limit_ms;
  if (pm_plan_solve (model, &params, &sol, error, sizeof error) != PM_PLAN_OK)
    g_printerr ("planner failed: %s\n", error);
  *ms = (g_get_monotonic_time () - t0) / 1000.0;
  return sol;
}

/* DIMACS: gap on truncated distance.  Hierarchical (100 customers): routes
 * against the best-known count, gap on exact distance where they match.
 */
static void
bench_solomon (Bench           *b,
               int              customers,
               long             limit_ms,
               PmPlanObjective  objective)
{
  gboolean dimacs = objective == PM_PLAN_OBJECTIVE_DIMACS;
  g_autofree char *dir_path = g_build_filename (b->bench_dir, "solomon", NULL);
  g_autoptr(GPtrArray) names = pm_test_solomon_names (b->bench_dir, b->only);
  g_autofree char *column = dimacs ? g_strdup_printf ("d%d", customers) : g_strdup ("hd");
  g_autofree char *column_routes = g_strdup_printf ("v%d", customers);
  const char *classes[] = { "C1", "C2", "R1", "R2", "RC1", "RC2" };
  double class_sum[6] = { 0 }, gap_sum = 0, max_gap = 0, max_ms = 0;
  int class_n[6] = { 0 }, at_best = 0, n = 0, bad = 0, extra_routes = 0;

  g_print ("\nSolomon %d customers, %s, %s\n", customers,
           dimacs ? "DIMACS distance" : "hierarchical (routes, then exact distance)",
           b->iterations > 0 ? "iteration budget" : "time limit");
  g_print ("%-8s %6s %6s %10s %10s %8s %9s  %s\n",
           "instance", "routes", "best", "distance", "best", "gap %", "ms", "checker");

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *file = g_strconcat (names->pdata[i], ".txt", NULL);
      g_autofree char *path = g_build_filename (dir_path, file, NULL);
      char error[256] = "", why[256] = "";
      PmPlanInstance *inst = pm_plan_instance_read_solomon (path, customers, objective,
                                                            error, sizeof error);
      PmPlanSolution *sol;
      double ms, distance = 0, best, gap;
      int routes, best_routes, cls;
      gboolean ok;

      if (inst == NULL)
        {
          g_print ("%-8s %s\n", (char *) names->pdata[i], error);
          b->failures++;
          continue;
        }
      sol = run (b, &inst->model, limit_ms, &ms);
      ok = sol != NULL && pm_test_check_solomon (inst, sol, path, customers, dimacs,
                                                 &distance, why, sizeof why);
      if (!dimacs)
        distance = round (distance * 100) / 100;  /* the convention's two decimals */
      routes = sol != NULL ? (int) sol->cost.vehicles : 0;
      best = pm_check_bks (b->csv, inst->name, column);
      best_routes = (int) pm_check_bks (b->csv, inst->name, dimacs ? column_routes : "hv");
      gap = ok && best > 0 ? 100 * (distance - best) / best : 0;
      g_print ("%-8s %6d %6d %10.*f %10.*f %8.2f %9.1f  %s\n", inst->name, routes, best_routes,
               dimacs ? 1 : 2, distance, dimacs ? 1 : 2, best, gap, ms, ok ? "feasible" : why);

      if (!ok)
        {
          bad++;
          b->failures++;
        }
      else if (dimacs || routes == best_routes)
        {
          cls = g_str_has_prefix (inst->name, "RC") ? 4
                : g_str_has_prefix (inst->name, "R") ? 2 : 0;
          cls += inst->name[cls == 4 ? 2 : 1] == '2';
          class_sum[cls] += gap;
          class_n[cls]++;
          gap_sum += gap;
          max_gap = MAX (max_gap, gap);
          at_best += gap < 1e-9;
          n++;
        }
      else
        extra_routes += routes - best_routes;
      max_ms = MAX (max_ms, ms);
      pm_plan_solution_free (sol);
      pm_plan_instance_free (inst);
    }

  if (!dimacs)
    g_print ("hierarchical: %d instances at the best-known route count, %d routes more "
             "than best known on the others; the figures below are for the former\n",
             n, extra_routes);
  if (n == 0)
    return;
  g_print ("summary %d customers, %ld ms: average gap %.3f %%, worst %.2f %%, "
           "%d of %d at best known, "
           "slowest %.0f ms, checker rejected %d\n",
           customers, limit_ms, gap_sum / n, max_gap, at_best, n, max_ms, bad);
  g_print ("class averages:");
  for (int c = 0; c < 6; c++)
    if (class_n[c] > 0)
      g_print (" %s %.2f %%", classes[c], class_sum[c] / class_n[c]);
  g_print ("\n");
}

static void
bench_tsplib (Bench *b,
              long   limit_ms)
{
  const char *names[] = { "berlin52", "eil51", "st70", "kroA100" };

  g_print ("\nTSPLIB (optimal value recomputed from the .opt.tour files)\n");
  g_print ("%-8s %10s %10s %8s %9s  %s\n",
           "instance", "length", "optimal", "gap %", "ms", "checker");
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *file = g_strconcat (names[i], ".tsp", NULL);
      g_autofree char *opt = g_strconcat (names[i], ".opt.tour", NULL);
      g_autofree char *path = g_build_filename (b->bench_dir, "tsplib", file, NULL);
      g_autofree char *opt_path = g_build_filename (b->bench_dir, "tsplib", opt, NULL);
      PmCheckTsp *check = pm_check_tsp_load (path);
      char error[256] = "";
      PmPlanInstance *inst = pm_plan_instance_read_tsplib (path, error, sizeof error);
      PmPlanSolution *sol;
      long length = 0, best;
      double ms;
      gboolean ok;

      if (check == NULL || inst == NULL)
        {
          g_print ("%-8s missing or unreadable\n", names[i]);
          pm_check_tsp_free (check);
          pm_plan_instance_free (inst);
          continue;
        }
      best = pm_test_tsp_optimum (check, opt_path);
      sol = run (b, &inst->model, limit_ms, &ms);
      ok = sol != NULL && pm_test_check_tsp (inst, sol, check, &length, error, sizeof error);
      b->failures += !ok;
      g_print ("%-8s %10ld %10ld %8.2f %9.1f  %s\n", names[i], length, best,
               best > 0 ? 100.0 * (length - best) / best : 0, ms, ok ? "feasible" : error);
      pm_plan_solution_free (sol);
      pm_plan_instance_free (inst);
      pm_check_tsp_free (check);
    }
}

static void
print_week (const char           *label,
            const PmPlanSolution *sol,
            double                ms,
            const char           *verdict)
{
  g_print ("%-10s %10.0f %8d %9.0f %8.0f %9.0f %6.0f %9.1f  %s\n", label,
           sol->cost.unassigned, (int) sol->cost.vehicles, sol->cost.overtime, sol->cost.travel,
           sol->cost.preferred_staff, sol->cost.waiting / 60, ms, verdict);
}

/* The cost below van-days (travel, staff preference, waiting, moves). */
static double
lower_cost (const PmPlanWeights  *w,
            const PmPlanSolution *sol)
{
  return sol->cost.total - w->unassigned * sol->cost.unassigned
         - w->overtime * sol->cost.overtime - w->vehicle * sol->cost.vehicles;
}

/* Gaps when the higher objective levels are equal. */
static void
print_week_gap (const PmPlanWeights  *w,
                const PmPlanSolution *sol,
                const PmPlanSolution *ref)
{
  if (sol->cost.unassigned != ref->cost.unassigned || sol->cost.overtime > ref->cost.overtime + 1
      || sol->cost.vehicles != ref->cost.vehicles)
    g_print ("           differs from the reference at a higher level"
             " (unassigned/overtime/van-days)\n");
  else
    g_print ("           gap to the reference: travel %.2f %%, cost below van-days %.2f %%\n",
             100 * (sol->cost.travel - ref->cost.travel) / ref->cost.travel,
             100 * (lower_cost (w, sol) - lower_cost (w, ref)) / lower_cost (w, ref));
}

static void
bench_week (Bench *b)
{
  g_autoptr(GArray) limits = env_list ("PM_BENCH_WEEK_MS", "1000,3000");
  long ref_ms = env_long ("PM_BENCH_WEEK_REF_MS", 0);
  PmTestWeek *week = pm_test_week_new (1, 60, 10);
  g_autoptr(GPtrArray) sols =
    g_ptr_array_new_with_free_func ((GDestroyNotify) pm_plan_solution_free);
  PmPlanSolution *ref = NULL;

  g_print ("\nSynthetic week: 60 visits in Halle, 2 vans x 5 days, breaks, 10 pinned, "
           "1-3 windows\n");
  g_print ("%-10s %10s %8s %9s %8s %9s %6s %9s  %s\n",
           "limit", "unassigned", "van-days", "overtime",
           "travel s", "pref miss", "wait m", "ms", "checker");
  for (guint i = 0; i <= limits->len; i++)
    {
      long ms_limit = i < limits->len ? g_array_index (limits, long, i) : ref_ms;
      g_autofree char *label = g_strdup_printf (i < limits->len ? "%ld ms" : "ref %ld", ms_limit);
      char why[256] = "feasible";
      PmPlanSolution *sol;
      double ms;

      if (ms_limit <= 0)
        continue;
      sol = run (b, &week->model, ms_limit, &ms);
      if (sol == NULL)
        continue;
      if (!pm_check_plan (&week->model, sol, why, sizeof why))
        b->failures++;
      print_week (label, sol, ms, why);
      if (i < limits->len)
        g_ptr_array_add (sols, sol);
      else
        ref = sol;
    }
  for (guint i = 0; ref != NULL && i < sols->len; i++)
    {
      g_print ("%ld ms vs reference:\n", g_array_index (limits, long, i));
      print_week_gap (&week->model.weights, sols->pdata[i], ref);
    }
  pm_plan_solution_free (ref);
  pm_test_week_free (week);
}

int
main (int   argc,
      char *argv[])
{
  Bench b = { 0 };

  b.bench_dir = argc > 1 ? argv[1] : g_getenv ("PM_BENCH_DIR");
  if (b.bench_dir == NULL || !g_file_test (b.bench_dir, G_FILE_TEST_IS_DIR))
    {
      g_print ("benchmark folder not found (%s): skipped\n",
               b.bench_dir != NULL ? b.bench_dir : "unset");
      return 77;
    }
  b.csv = g_build_filename (b.bench_dir, "solomon_bks.csv", NULL);
  b.only = g_getenv ("PM_BENCH_ONLY");
  b.iterations = env_long ("PM_BENCH_ITERATIONS", 0);
  b.seed = (guint64) env_long ("PM_BENCH_SEED", 1);

  if (set_enabled ("solomon25"))
    bench_solomon (&b, 25, env_long ("PM_BENCH_MS_25", 100), PM_PLAN_OBJECTIVE_DIMACS);
  if (set_enabled ("solomon50"))
    bench_solomon (&b, 50, env_long ("PM_BENCH_MS_50", 500), PM_PLAN_OBJECTIVE_DIMACS);
  if (set_enabled ("solomon100"))
    {
      g_autoptr(GArray) limits = env_list ("PM_BENCH_MS_100", "2000,10000");

      for (guint i = 0; i < limits->len; i++)
        bench_solomon (&b, 100, g_array_index (limits, long, i), PM_PLAN_OBJECTIVE_DIMACS);
    }
  if (set_enabled ("hierarchical"))
    bench_solomon (&b, 100, env_long ("PM_BENCH_MS_HIER", 2000), PM_PLAN_OBJECTIVE_HIERARCHICAL);
  if (set_enabled ("tsplib"))
    bench_tsplib (&b, env_long ("PM_BENCH_MS_TSP", 1000));
  if (set_enabled ("week"))
    bench_week (&b);

  g_free (b.csv);
  if (b.failures > 0)
    g_print ("\n%d results rejected by the checker\n", b.failures);
  return b.failures > 0 ? 1 : 0;
}
