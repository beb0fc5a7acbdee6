/* test-planner-model.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The city side of the planner: locks, re-planning, windows over several
 * days, skills, breaks, priorities, determinism and cancellation.  Every
 * plan goes through the independent checker.
 */

#include <stdlib.h>

#include <glib.h>

#include "pm-test-bench.h"
#include "pm-test-week.h"

#define DAY  86400.0
#define HOUR 3600.0

static PmPlanSolution *
plan (const PmPlanModel *model,
      long               iterations,
      uint64_t           seed)
{
  PmPlanSolution *sol = pm_test_solve (model, iterations, seed);
  char why[256] = "";

  if (!pm_check_plan (model, sol, why, sizeof why))
    g_error ("checker: %s", why);
  return sol;
}

static int
route_of (const PmPlanSolution *sol,
          int                   visit,
          int                  *position)
{
  for (int r = 0; r < sol->n_routes; r++)
    for (int k = 0; k < sol->routes[r].n_stops; k++)
      if (sol->routes[r].visits[k] == visit)
        {
          if (position != NULL)
            *position = k;
          return r;
        }
  return -1;
}

static void
test_week_feasible (void)
{
  PmTestWeek *week = pm_test_week_new (1, 60, 10);
  PmPlanSolution *sol = plan (&week->model, 1500, 1);
  int breaks = 0;

  g_test_message ("week: %d van-days, %d unassigned, travel %.0f s",
                  (int) sol->cost.vehicles, sol->n_unassigned, sol->cost.travel);
  g_assert_cmpint (sol->n_unassigned, <=, 3);

  /* Pinned visits are planned, on their van-day, in their order. */
  for (int v = 0; v < 10; v++)
    {
      const PmPlanVisit *visit = &week->visits[v];
      int r = route_of (sol, v, NULL);

      g_assert_cmpint (r, ==, visit->lock_day * 2 + visit->lock_van);
    }
  for (int v = 0; v < 10; v++)
    for (int u = 0; u < v; u++)
      if (route_of (sol, u, NULL) == route_of (sol, v, NULL)
          && week->visits[u].lock_position < week->visits[v].lock_position)
        {
          int pu = -1, pv = -1;

          route_of (sol, u, &pu);
          route_of (sol, v, &pv);
          g_assert_cmpint (pu, <, pv);
        }

  /* Skills: ID capture only on van 0. */
  for (int r = 0; r < sol->n_routes; r++)
    for (int k = 0; k < sol->routes[r].n_stops; k++)
      if (week->visits[sol->routes[r].visits[k]].skills & PM_TEST_SKILL_ID_CAPTURE)
        g_assert_cmpint (r % 2, ==, 0);

  for (int r = 0; r < sol->n_routes; r++)
    breaks += sol->routes[r].break_after >= 0;
  g_assert_cmpint (breaks, >, 0);

  pm_plan_solution_free (sol);
  pm_test_week_free (week);
}

static void
test_started_stays (void)
{
  PmTestWeek *week = pm_test_week_new (2, 30, 0);
  PmPlanSolution *sol;
  int pos = -1;

  /* Visit 5 is under way on van 1, day 3, since 10:00. */
  week->visits[5].lock = PM_PLAN_STARTED;
  week->visits[5].lock_van = 1;
  week->visits[5].lock_day = 3;
  week->visits[5].skills = PM_TEST_SKILL_COUNSELLING;
  week->windows[15] = (PmPlanWindow) { 3 * DAY + 10 * HOUR, 3 * DAY + 10 * HOUR };
  week->visits[5].n_windows = 1;

  sol = plan (&week->model, 1000, 4);
  g_assert_cmpint (route_of (sol, 5, &pos), ==, 3 * 2 + 1);
  g_assert_cmpint (pos, ==, 0);
  g_assert_cmpfloat (sol->routes[7].starts[0], ==, 3 * DAY + 10 * HOUR);
  pm_plan_solution_free (sol);
  pm_test_week_free (week);
}

static void
test_replan_is_stable (void)
{
  PmTestWeek *week = pm_test_week_new (3, 40, 4);
  PmPlanSolution *before, *after;
  int moved = 0;

  /* Plan 39 visits, then add the 40th and re-plan from that plan. */
  week->model.n_visits = 39;
  before = plan (&week->model, 1500, 1);
  week->model.n_visits = 40;
  week->model.previous = before;
  after = plan (&week->model, 1500, 2);

  for (int v = 0; v < 39; v++)
    moved += route_of (before, v, NULL) != route_of (after, v, NULL);
  g_test_message ("re-plan moved %d of 39 visits", moved);
  g_assert_cmpint (moved, <=, 3);
  g_assert_cmpint (route_of (after, 39, NULL), >=, 0);

  pm_plan_solution_free (after);
  pm_plan_solution_free (before);
  pm_test_week_free (week);
}

/* One van, three days; visit 0 can only be served on day 2, visit 1 only on
 * day 1 (its day-0 window is before the van starts).
 */
static void
test_windows_over_days (void)
{
  double travel[3 * 3] = { 0, 600, 600, 600, 0, 600, 600, 600, 0 };
  PmPlanWindow w0[] = { { 2 * DAY + 9 * HOUR, 2 * DAY + 10 * HOUR } };
  PmPlanWindow w1[] = { { 6 * HOUR, 7 * HOUR }, { 1 * DAY + 14 * HOUR, 1 * DAY + 15 * HOUR } };
  PmPlanVisit visits[] = {
    { .location = 1, .service = 1800, .windows = w0, .n_windows = 1,
      .priority = 1, .preferred_staff = -1 },
    { .location = 2, .service = 1800, .windows = w1, .n_windows = 2,
      .priority = 1, .preferred_staff = -1 },
  };
  PmPlanVan van = { .work_start = 8 * HOUR, .work_end = 16 * HOUR, .staff = -1,
                    .break_open = 12 * HOUR, .break_close = 13 * HOUR, .break_duration = 1800 };
  PmPlanModel model = { .n_locations = 3, .travel = travel, .n_visits = 2, .visits = visits,
                        .n_vans = 1, .vans = &van, .n_days = 3, .day_length = DAY };
  PmPlanSolution *sol;

  pm_plan_weights_init_default (&model.weights);
  sol = plan (&model, 200, 1);
  g_assert_cmpint (sol->n_unassigned, ==, 0);
  g_assert_cmpint (route_of (sol, 0, NULL), ==, 2);
  g_assert_cmpint (route_of (sol, 1, NULL), ==, 1);
  g_assert_cmpfloat (sol->routes[1].starts[0], ==, 1 * DAY + 14 * HOUR);

  /* Day 1's route runs past 12:00, so it takes its break in the window. */
  g_assert_cmpint (sol->routes[1].break_after, >=, 0);
  g_assert_cmpfloat (sol->routes[1].break_start, >=, 1 * DAY + 12 * HOUR);
  g_assert_cmpfloat (sol->routes[1].break_start, <=, 1 * DAY + 13 * HOUR);
  pm_plan_solution_free (sol);
}

/* Three long visits, room for one: the highest priority wins; a visit
 * needing a skill no van has stays out.
 */
static void
test_priority_and_skills (void)
{
  double travel[4 * 4] = { 0 };
  PmPlanVisit visits[4];
  PmPlanVan van = { .work_start = 8 * HOUR, .work_end = 11 * HOUR,
                    .skills = PM_TEST_SKILL_COUNSELLING, .staff = -1 };
  PmPlanModel model = { .n_locations = 4, .travel = travel, .n_visits = 4, .visits = visits,
                        .n_vans = 1, .vans = &van, .n_days = 1, .day_length = DAY };
  PmPlanSolution *sol;

  for (int i = 0; i < 4; i++)
    visits[i] = (PmPlanVisit) {
      .location = i % 3 + 1, .service = 2 * HOUR, .priority = i == 1 ? 3 : 1,
      .skills = i == 3 ? PM_TEST_SKILL_ID_CAPTURE : 0, .preferred_staff = -1,
    };
  pm_plan_weights_init_default (&model.weights);
  sol = plan (&model, 300, 1);
  g_assert_cmpint (sol->n_unassigned, ==, 3);
  g_assert_cmpint (sol->routes[0].n_stops, ==, 1);
  g_assert_cmpint (sol->routes[0].visits[0], ==, 1);
  g_assert_cmpfloat (sol->cost.unassigned, ==, 3);
  pm_plan_solution_free (sol);
}

static void
test_deterministic (void)
{
  PmTestWeek *week = pm_test_week_new (5, 40, 5);
  PmPlanSolution *a = plan (&week->model, 800, 9);
  PmPlanSolution *b = plan (&week->model, 800, 9);

  g_assert_cmpfloat (a->cost.total, ==, b->cost.total);
  for (int r = 0; r < a->n_routes; r++)
    {
      g_assert_cmpint (a->routes[r].n_stops, ==, b->routes[r].n_stops);
      g_assert_cmpmem (a->routes[r].visits, a->routes[r].n_stops * sizeof (int),
                       b->routes[r].visits, b->routes[r].n_stops * sizeof (int));
    }
  pm_plan_solution_free (a);
  pm_plan_solution_free (b);
  pm_test_week_free (week);
}

typedef struct
{
  atomic_int cancel;
  int        calls;
} Progress;

static bool
cancel_on_second_call (void   *data,
                       long    iteration,
                       double  best_cost)
{
  Progress *p = data;

  if (++p->calls == 2)
    atomic_store (&p->cancel, 1);
  return true;
}

static void
test_cancel (void)
{
  PmTestWeek *week = pm_test_week_new (6, 40, 0);
  Progress progress = { 0 };
  PmPlanSolution *sol = NULL;
  PmPlanParams params;
  char why[256] = "";

  pm_plan_params_init (&params);
  params.iterations = 1000000;
  params.cancel = &progress.cancel;
  params.progress = cancel_on_second_call;
  params.progress_data = &progress;
  params.progress_every = 10;
  g_assert_cmpint (pm_plan_solve (&week->model, &params, &sol, why, sizeof why), ==, PM_PLAN_OK);
  g_assert_true (sol->stopped);
  g_assert_cmpint (sol->iterations, <=, 11);
  g_assert_true (pm_check_plan (&week->model, sol, why, sizeof why));
  pm_plan_solution_free (sol);
  pm_test_week_free (week);
}

static void
test_invalid_model (void)
{
  PmTestWeek *week = pm_test_week_new (7, 10, 0);
  PmPlanSolution *sol = NULL;
  char why[256] = "";

  week->visits[3].location = 99;
  g_assert_cmpint (pm_plan_solve (&week->model, NULL, &sol, why, sizeof why),
                   ==, PM_PLAN_ERROR_INVALID);
  g_assert_null (sol);
  g_assert_nonnull (strstr (why, "visit 3"));
  pm_test_week_free (week);
}

static gpointer
plan_in_thread (gpointer data)
{
  return plan (data, 600, 3);
}

/* No shared state: two plans at once on worker threads agree. */
static void
test_threads (void)
{
  PmTestWeek *week = pm_test_week_new (9, 40, 4);
  GThread *a = g_thread_new ("plan-a", plan_in_thread, &week->model);
  GThread *b = g_thread_new ("plan-b", plan_in_thread, &week->model);
  PmPlanSolution *sa = g_thread_join (a);
  PmPlanSolution *sb = g_thread_join (b);

  g_assert_cmpfloat (sa->cost.total, ==, sb->cost.total);
  g_assert_cmpint (sa->iterations, ==, sb->iterations);
  pm_plan_solution_free (sa);
  pm_plan_solution_free (sb);
  pm_test_week_free (week);
}

/* One degree of latitude is 111.2 km: at 30 km/h with detour 1.5 and
 * 60 s per stop that is 20 016 s + 60 s.
 */
static void
test_haversine (void)
{
  double lat[] = { 51.0, 52.0 }, lon[] = { 11.97, 11.97 };
  double *m = pm_plan_matrix_haversine (lat, lon, 2, 1.5, 30.0, 60.0);

  g_assert_cmpfloat (m[0], ==, 0);
  g_assert_cmpfloat (m[3], ==, 0);
  g_assert_cmpfloat_with_epsilon (m[1], 111.195 * 1.5 / 30.0 * 3600 + 60, 5.0);
  g_assert_cmpfloat (m[1], ==, m[2]);
  free (m);
}

static void
test_empty_model (void)
{
  PmTestWeek *week = pm_test_week_new (8, 5, 0);
  PmPlanSolution *sol;

  week->model.n_visits = 0;
  sol = plan (&week->model, 50, 1);
  g_assert_cmpint (sol->n_unassigned, ==, 0);
  g_assert_cmpfloat (sol->cost.total, ==, 0);
  for (int r = 0; r < sol->n_routes; r++)
    g_assert_cmpint (sol->routes[r].n_stops, ==, 0);
  pm_plan_solution_free (sol);
  pm_test_week_free (week);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/planner/model/week-feasible", test_week_feasible);
  g_test_add_func ("/planner/model/started-stays", test_started_stays);
  g_test_add_func ("/planner/model/replan-is-stable", test_replan_is_stable);
  g_test_add_func ("/planner/model/windows-over-days", test_windows_over_days);
  g_test_add_func ("/planner/model/priority-and-skills", test_priority_and_skills);
  g_test_add_func ("/planner/model/deterministic", test_deterministic);
  g_test_add_func ("/planner/model/cancel", test_cancel);
  g_test_add_func ("/planner/model/invalid", test_invalid_model);
  g_test_add_func ("/planner/model/empty", test_empty_model);
  g_test_add_func ("/planner/model/threads", test_threads);
  g_test_add_func ("/planner/model/haversine", test_haversine);
  return g_test_run ();
}
