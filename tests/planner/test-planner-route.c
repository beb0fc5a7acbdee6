/* test-planner-route.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Route evaluation, the O(1) insertion check and the exact DP ordering,
 * each against brute force on random small instances with several
 * windows per visit and a break.
 */

#include <math.h>

#include <glib.h>

#include "pm-plan-private.h"

#define MAX_VISITS 9

typedef struct
{
  int          n;
  double       travel[(MAX_VISITS + 1) * (MAX_VISITS + 1)];
  PmPlanVisit  visits[MAX_VISITS];
  PmPlanWindow windows[MAX_VISITS][3];
  PmPlanVan    van;
  PmPlanModel  model;
} Instance;

/* Loose or tight windows and an optional break, from the test's seed. */
static void
instance_random (Instance *in,
                 GRand    *rand,
                 int       n,
                 double    tightness)
{
  double x[MAX_VISITS + 1], y[MAX_VISITS + 1];

  memset (in, 0, sizeof *in);
  in->n = n;
  for (int i = 0; i <= n; i++)
    {
      x[i] = g_rand_int_range (rand, 0, 60);
      y[i] = g_rand_int_range (rand, 0, 60);
    }
  for (int i = 0; i <= n; i++)
    for (int j = 0; j <= n; j++)
      in->travel[i * (n + 1) + j] = round (hypot (x[i] - x[j], y[i] - y[j]));

  for (int i = 0; i < n; i++)
    {
      PmPlanVisit *v = &in->visits[i];
      int n_win = g_rand_int_range (rand, 0, 4);
      double t = g_rand_int_range (rand, 0, 60);

      for (int k = 0; k < n_win; k++)
        {
          double len = g_rand_int_range (rand, 5, 20 + (int) (200 * (1 - tightness)));

          in->windows[i][k] = (PmPlanWindow) { t, t + len };
          t += len + g_rand_int_range (rand, 5, 80);
        }
      *v = (PmPlanVisit) {
        .location = i + 1, .service = g_rand_int_range (rand, 0, 15),
        .windows = in->windows[i], .n_windows = n_win, .priority = 1, .preferred_staff = -1,
      };
    }

  in->van = (PmPlanVan) { .work_end = 200 + g_rand_int_range (rand, 0, 400), .staff = -1 };
  if (g_rand_boolean (rand))
    {
      in->van.break_open = g_rand_int_range (rand, 0, 150);
      in->van.break_close = in->van.break_open + g_rand_int_range (rand, 0, 60);
      in->van.break_duration = g_rand_int_range (rand, 5, 30);
    }
  in->model = (PmPlanModel) {
    .n_locations = n + 1, .travel = in->travel, .n_visits = n, .visits = in->visits,
    .n_vans = 1, .vans = &in->van, .n_days = 1, .day_length = 1e6,
  };
  pm_plan_weights_init_default (&in->model.weights);
}

static double
window_start (const PmPlanVisit *v,
              double             a)
{
  for (int k = 0; k < v->n_windows; k++)
    if (a <= v->windows[k].close)
      return MAX (a, v->windows[k].open);
  return v->n_windows == 0 ? a : -1;
}

/* Tries every break position (and none): the earliest return, or -1. */
static double
brute_arrival (const Instance *in,
               const int      *seq,
               int             n)
{
  const PmPlanVan *van = &in->van;
  double best = -1;

  for (int bpos = -1; bpos <= n; bpos++)
    {
      double t = van->work_start;
      int loc = 0;
      gboolean ok = TRUE;

      if (bpos >= 0 && van->break_duration <= 0)
        continue;
      for (int p = 0; p <= n && ok; p++)
        {
          if (p == bpos)
            {
              double b = MAX (t, van->break_open);

              ok = b <= van->break_close;
              t = b + van->break_duration;
            }
          if (p == n || !ok)
            break;
          {
            const PmPlanVisit *v = &in->visits[seq[p]];

            t = window_start (v, t + in->travel[loc * (in->n + 1) + v->location]);
            ok = t >= 0;
            t += v->service;
            loc = v->location;
          }
        }
      t += in->travel[loc * (in->n + 1)];
      ok = ok && t <= van->work_end + van->max_overtime;
      if (ok && van->break_duration > 0 && bpos < 0 && n > 0)
        ok = t <= van->break_open;
      if (ok && (best < 0 || t < best))
        best = t;
    }
  return best;
}

/* The incremental update after an insertion equals a full one. */
static void
check_incremental (const PmPlanProblem *P,
                   const PmPlanTour    *before,
                   const int           *with,
                   int                  n,
                   int                  pos)
{
  PmPlanTour inc, full;

  pm_plan_tour_init (&inc, n);
  pm_plan_tour_init (&full, n);
  pm_plan_tour_copy (&inc, before);
  memcpy (inc.v, with, sizeof (int) * n);
  inc.n = n;
  pm_plan_tour_inserted (P, 0, &inc, pos);
  memcpy (full.v, with, sizeof (int) * n);
  full.n = n;
  pm_plan_tour_update (P, 0, &full);

  g_assert_cmpint (inc.feasible, ==, full.feasible);
  if (full.feasible)
    g_assert_cmpfloat_with_epsilon (inc.cost, full.cost, 1e-6);
  g_assert_cmpmem (inc.d0, sizeof (double) * (n + 1), full.d0, sizeof (double) * (n + 1));
  g_assert_cmpmem (inc.d1, sizeof (double) * (n + 1), full.d1, sizeof (double) * (n + 1));
  g_assert_cmpmem (inc.l0 + 1, sizeof (double) * (n + 1), full.l0 + 1, sizeof (double) * (n + 1));
  g_assert_cmpmem (inc.l1 + 1, sizeof (double) * (n + 1), full.l1 + 1, sizeof (double) * (n + 1));
  pm_plan_tour_clear (&inc);
  pm_plan_tour_clear (&full);
}

static void
test_evaluate_brute_force (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  int feasible = 0, total = 0;

  for (int round_ = 0; round_ < 400; round_++)
    {
      Instance in;
      PmPlanProblem *P;
      int n = g_rand_int_range (rand, 1, 7);
      int seq[MAX_VISITS];

      instance_random (&in, rand, n, g_rand_double (rand));
      P = pm_plan_problem_new (&in.model, NULL, 0);
      g_assert_nonnull (P);

      for (int i = 0; i < n; i++)
        seq[i] = i;
      for (int i = n - 1; i > 0; i--)
        {
          int j = g_rand_int_range (rand, 0, i + 1), tmp = seq[i];

          seq[i] = seq[j];
          seq[j] = tmp;
        }

      /* Every prefix as a route, and each left-out visit at every position. */
      for (int len = 0; len < n; len++)
        {
          PmPlanTour tour;
          PmPlanEval e;
          double expect = brute_arrival (&in, seq, len);

          pm_plan_evaluate (P, 0, seq, len, NULL, &e);
          g_assert_cmpint (e.feasible, ==, expect >= 0 || len == 0);
          if (len > 0 && expect >= 0)
            g_assert_cmpfloat_with_epsilon (e.arrive, expect, 1e-9);
          feasible += e.feasible;
          total++;

          pm_plan_tour_init (&tour, n);
          memcpy (tour.v, seq, sizeof (int) * len);
          tour.n = len;
          pm_plan_tour_update (P, 0, &tour);
          for (int pos = 0; pos <= len; pos++)
            {
              int with[MAX_VISITS];

              memcpy (with, seq, sizeof (int) * pos);
              with[pos] = seq[len];
              memcpy (with + pos + 1, seq + pos, sizeof (int) * (len - pos));
              g_assert_cmpint (pm_plan_tour_can_insert (P, 0, &tour, seq[len], pos), ==,
                               brute_arrival (&in, with, len + 1) >= 0);
              check_incremental (P, &tour, with, len + 1, pos);
            }
          pm_plan_tour_clear (&tour);
        }
      pm_plan_problem_free (P);
    }

  /* The instances must exercise both outcomes. */
  g_assert_cmpint (feasible, >, total / 5);
  g_assert_cmpint (feasible, <, total - total / 20);
}

static void
test_schedule_replay (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);

  for (int round_ = 0; round_ < 200; round_++)
    {
      Instance in;
      PmPlanProblem *P;
      PmPlanEval e;
      int n = g_rand_int_range (rand, 1, 8), seq[MAX_VISITS];
      double starts[MAX_VISITS];

      instance_random (&in, rand, n, 0);
      P = pm_plan_problem_new (&in.model, NULL, 0);
      for (int i = 0; i < n; i++)
        seq[i] = i;
      pm_plan_evaluate (P, 0, seq, n, starts, &e);
      if (e.feasible)
        for (int i = 0; i < n; i++)
          {
            const PmPlanVisit *v = &in.visits[i];
            gboolean inside = v->n_windows == 0;

            for (int k = 0; k < v->n_windows; k++)
              inside |= starts[i] >= v->windows[k].open && starts[i] <= v->windows[k].close;
            g_assert_true (inside);
          }
      if (e.feasible && e.break_after >= 0)
        {
          g_assert_cmpfloat (e.break_start, >=, in.van.break_open);
          g_assert_cmpfloat (e.break_start, <=, in.van.break_close);
        }
      pm_plan_problem_free (P);
    }
}

static double
route_travel (const Instance *in,
              const int      *seq,
              int             n)
{
  double d = 0;
  int loc = 0;

  for (int i = 0; i < n; i++)
    {
      d += in->travel[loc * (in->n + 1) + in->visits[seq[i]].location];
      loc = in->visits[seq[i]].location;
    }
  return d + in->travel[loc * (in->n + 1)];
}

/* Heap's algorithm over all orders: the least travel of a feasible one. */
static double
brute_best_order (const Instance *in,
                  int            *a,
                  int             n)
{
  int c[MAX_VISITS] = { 0 };
  double best = brute_arrival (in, a, n) >= 0 ? route_travel (in, a, n) : -1;
  int i = 1;

  while (i < n)
    {
      if (c[i] < i)
        {
          int j = i % 2 == 0 ? 0 : c[i], tmp = a[j];

          a[j] = a[i];
          a[i] = tmp;
          if (brute_arrival (in, a, n) >= 0 && (best < 0 || route_travel (in, a, n) < best))
            best = route_travel (in, a, n);
          c[i]++;
          i = 1;
        }
      else
        c[i++] = 0;
    }
  return best;
}

static void
test_dp_order_brute_force (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (3);
  int rounds = g_test_slow () ? 60 : 25;
  int found = 0;

  for (int round_ = 0; round_ < rounds; round_++)
    {
      Instance in;
      PmPlanProblem *P;
      int n = round_ % 3 == 0 ? 8 : g_rand_int_range (rand, 2, 8);
      int seq[MAX_VISITS], order[MAX_VISITS];
      double expect;
      gboolean ok;

      instance_random (&in, rand, n, 0.3 * g_rand_double (rand));
      in.van.work_end += 400;
      P = pm_plan_problem_new (&in.model, NULL, 0);
      for (int i = 0; i < n; i++)
        seq[i] = i;
      ok = pm_plan_dp_order (P, 0, seq, n, order);
      expect = brute_best_order (&in, seq, n);

      g_assert_cmpint (ok, ==, expect >= 0);
      if (ok)
        {
          g_assert_cmpfloat (brute_arrival (&in, order, n), >=, 0);
          g_assert_cmpfloat_with_epsilon (route_travel (&in, order, n), expect, 1e-9);
          found++;
        }
      pm_plan_problem_free (P);
    }
  g_assert_cmpint (found, >, rounds / 4);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/planner/route/evaluate-brute-force", test_evaluate_brute_force);
  g_test_add_func ("/planner/route/schedule-replay", test_schedule_replay);
  g_test_add_func ("/planner/route/dp-order-brute-force", test_dp_order_brute_force);
  return g_test_run ();
}
