/* test-plan-board.c: the planning board re-times, reports, undoes, optimises
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <locale.h>
#include <string.h>

#include "pm-clock.h"
#include "pm-demo.h"
#include "pm-error.h"
#include "pm-plan-board.h"
#include "pm-test-utils.h"

#define FROM "2026-11-23"

static PmRecord *
make_visit (const char *street,
            double      lat,
            double      lon,
            const char *date,
            int         order,
            int         duration,
            const char *window)
{
  PmRecord *visit = pm_record_new (PM_TYPE_VISIT);
  const char *windows[] = { window, NULL };
  const char *services[] = { "PB", NULL };
  const char *citizens[] = { "11111111-2222-4333-8444-555555555555", NULL };

  pm_record_set_strv (visit, "citizen_ids", citizens);
  pm_record_set_string (visit, "location_type", "home");
  pm_record_set_string (visit, "street", street);
  pm_record_set_string (visit, "house_number", "1");
  pm_record_set_string (visit, "postcode", "06108");
  pm_record_set_string (visit, "stadtteil", "altstadt");
  pm_record_set_double (visit, "lat", lat);
  pm_record_set_double (visit, "lon", lon);
  pm_record_set_strv (visit, "services", services);
  pm_record_set_int (visit, "duration_min", duration);
  pm_record_set_string (visit, "persons", street);
  if (window)
    pm_record_set_strv (visit, "windows", windows);
  if (order > 0)
    {
      pm_record_set_string (visit, "status", "scheduled");
      pm_record_set_string (visit, "date", date);
      pm_record_set_int (visit, "route_order", order);
    }
  return visit;
}

/* Two vans; Monday: A, B; Tuesday: C; one request D. */
typedef struct
{
  GPtrArray   *visits;
  GPtrArray   *vans;
  PmPlanBoard *board;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->vans = g_ptr_array_new_with_free_func (g_object_unref);
  for (int v = 0; v < 2; v++)
    {
      PmRecord *van = pm_record_new (PM_TYPE_VAN);

      pm_record_set_string (van, "name", v ? "Mobil 2" : "Mobil 1");
      g_ptr_array_add (f->vans, van);
    }
  f->visits = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (f->visits, make_visit ("Reilstraße", 51.4950, 11.9640, FROM, 1, 60,
                                          FROM "T09:00/" FROM "T10:00"));
  g_ptr_array_add (f->visits, make_visit ("Franckestraße", 51.4783, 11.9760, FROM, 2, 45, NULL));
  g_ptr_array_add (f->visits, make_visit ("Nordstraße", 51.5190, 11.9110, "2026-11-24", 1, 30, NULL));
  g_ptr_array_add (f->visits, make_visit ("Karlsruher Allee", 51.4420, 11.9700, NULL, 0, 30,
                                          "2026-11-25T10:00/2026-11-25T12:00"));
  for (guint i = 0; i < f->visits->len; i++)
    pm_record_set_string (g_ptr_array_index (f->visits, i), "van_id",
                          pm_record_get_int (g_ptr_array_index (f->visits, i), "route_order") > 0
                          ? pm_record_get_id (g_ptr_array_index (f->vans, 0)) : NULL);
  f->board = pm_plan_board_new (f->visits, f->vans, FROM, 5, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_assert_finalize_object (f->board);
  g_ptr_array_unref (f->visits);
  g_ptr_array_unref (f->vans);
}

static const char *
id_of (Fixture *f,
       guint    i)
{
  return pm_record_get_id (g_ptr_array_index (f->visits, i));
}

/* Each stop starts after the last one ended plus the drive; the times the
 * board shows add up. */
static void
assert_route_consistent (PmPlanBoard *board,
                         int          van,
                         int          day)
{
  const PmBoardRoute *route = pm_plan_board_get_route (board, van, day);
  int travel = 0;

  for (int k = 0; k < route->n_stops; k++)
    {
      const PmBoardStop *stop = pm_plan_board_get_stop (board, van, day, k);

      g_assert_cmpint (stop->start, >=, stop->arrival);
      g_assert_cmpint (stop->waiting, ==, stop->start - stop->arrival);
      g_assert_cmpint (stop->end - stop->start, ==, pm_record_get_int (stop->visit, "duration_min") * 60);
      g_assert_cmpint (pm_record_get_int (stop->visit, "route_order"), ==, k + 1);
      if (k > 0)
        {
          const PmBoardStop *before = pm_plan_board_get_stop (board, van, day, k - 1);
          int gap = route->break_after == k ? 30 * 60 : 0;

          g_assert_cmpint (stop->arrival, >=, before->end + stop->travel + gap - 1);
        }
      travel += stop->travel;
    }
  g_assert_cmpint (route->travel, >=, travel);
}

static void
test_load (Fixture       *f,
           gconstpointer  data)
{
  const PmBoardStop *first = pm_plan_board_get_stop (f->board, 0, 0, 0);
  g_autoptr(GPtrArray) changes = NULL;

  g_assert_cmpint (pm_plan_board_get_route (f->board, 0, 0)->n_stops, ==, 2);
  g_assert_cmpint (pm_plan_board_get_route (f->board, 0, 1)->n_stops, ==, 1);
  g_assert_cmpint (pm_plan_board_get_route (f->board, 1, 0)->n_stops, ==, 0);
  g_assert_cmpuint (pm_plan_board_get_n_unplanned (f->board), ==, 1);
  /* The window opens at 09:00: the van leaves so as to arrive then. */
  g_assert_cmpint (first->start, ==, 9 * 3600);
  g_assert_cmpint (first->waiting, ==, 0);
  g_assert_cmpstr (pm_record_get_string (first->visit, "planned_start"), ==, "09:00");
  assert_route_consistent (f->board, 0, 0);
  /* The request fits on Wednesday; the board says so. */
  g_assert_cmpstr (pm_plan_board_get_unplanned_reason (f->board, 0), ==,
                   "Not planned yet: it still fits on 25.11.2026");
  changes = pm_plan_board_get_changes (f->board);
  g_assert_cmpuint (changes->len, ==, 0);
}

static void
test_move_retimes (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) changes = NULL;
  int before_end = pm_plan_board_get_route (f->board, 0, 0)->arrive;
  int before_travel = pm_plan_board_get_route (f->board, 0, 0)->travel;
  const PmBoardStop *moved;
  int van, day, position;

  /* Nordstraße from Tuesday into Monday, between the two stops. */
  g_assert_true (pm_plan_board_move (f->board, id_of (f, 2), 0, 0, 1, &error));
  g_assert_no_error (error);
  g_assert_cmpint (pm_plan_board_get_route (f->board, 0, 0)->n_stops, ==, 3);
  g_assert_cmpint (pm_plan_board_get_route (f->board, 0, 1)->n_stops, ==, 0);
  moved = pm_plan_board_get_stop (f->board, 0, 0, 1);
  g_assert_cmpstr (pm_record_get_id (moved->visit), ==, id_of (f, 2));
  g_assert_cmpstr (pm_record_get_string (moved->visit, "date"), ==, FROM);
  g_assert_cmpint (pm_record_get_int (moved->visit, "route_order"), ==, 2);
  /* Heide-Nord is a detour: more driving, a later return. */
  g_assert_cmpint (pm_plan_board_get_route (f->board, 0, 0)->travel, >, before_travel);
  g_assert_cmpint (pm_plan_board_get_route (f->board, 0, 0)->arrive, >, before_end);
  assert_route_consistent (f->board, 0, 0);
  g_assert_cmpint (pm_plan_board_get_route (f->board, 0, 0)->violations, ==, 0);

  /* A reorder within the route, then the request onto the second van. */
  g_assert_true (pm_plan_board_move (f->board, id_of (f, 0), 0, 0, -1, &error));
  g_assert_true (pm_plan_board_find (f->board, id_of (f, 0), &van, &day, &position));
  g_assert_cmpint (position, ==, 2);
  g_assert_true (pm_plan_board_move (f->board, id_of (f, 3), 1, 2, 0, &error));
  g_assert_cmpint (pm_plan_board_get_stop (f->board, 1, 2, 0)->start, ==, 10 * 3600);
  g_assert_cmpstr (pm_record_get_string (pm_plan_board_get_stop (f->board, 1, 2, 0)->visit, "status"), ==,
                   "scheduled");
  changes = pm_plan_board_get_changes (f->board);
  g_assert_cmpuint (changes->len, ==, 4);
}

static void
test_violations (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) problems = NULL;
  const PmBoardStop *late;

  /* Reilstraße (09:00–10:00) after Franckestraße and Nordstraße: late. */
  g_assert_true (pm_plan_board_move (f->board, id_of (f, 2), 0, 0, 0, &error));
  g_assert_true (pm_plan_board_move (f->board, id_of (f, 1), 0, 0, 0, &error));
  g_assert_true (pm_plan_board_move (f->board, id_of (f, 0), 0, 0, -1, &error));
  late = pm_plan_board_get_stop (f->board, 0, 0, 2);
  g_assert_cmpstr (pm_record_get_id (late->visit), ==, id_of (f, 0));
  g_assert_true (late->violations & PM_PLAN_VIOLATION_WINDOW);
  g_assert_cmpint (late->start, >, 10 * 3600);
  g_assert_true (pm_plan_board_get_route (f->board, 0, 0)->violations & PM_PLAN_VIOLATION_WINDOW);
  problems = pm_plan_board_describe_violations (f->board, 0, 0);
  g_assert_cmpuint (g_strv_length (problems), ==, 1);
  g_assert_true (g_str_has_prefix (problems[0], "Reilstraße: the visit would start at "));
  /* Still timed in order, just late. */
  assert_route_consistent (f->board, 0, 0);
}

static void
test_shift_end_and_break (void)
{
  g_autoptr(GPtrArray) visits = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) vans = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(PmPlanBoard) board = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) problems = NULL;
  const PmBoardRoute *route;

  g_ptr_array_add (vans, pm_record_new (PM_TYPE_VAN));
  pm_record_set_string (g_ptr_array_index (vans, 0), "name", "Mobil 1");
  /* Three hours, then four from 11:00 sharp: the break cannot be had in
   * 11:30–13:30 without making that one late.  Three more of four hours
   * bring the van back long after 17:00. */
  for (int k = 1; k <= 5; k++)
    {
      PmRecord *visit = make_visit ("Hansering", 51.4818 + k * 0.001, 11.9742, FROM, k,
                                    k == 1 ? 180 : 240, k == 2 ? FROM "T11:00/" FROM "T11:20" : NULL);

      pm_record_set_string (visit, "van_id", pm_record_get_id (g_ptr_array_index (vans, 0)));
      g_ptr_array_add (visits, visit);
    }
  board = pm_plan_board_new (visits, vans, FROM, 1, &error);
  g_assert_no_error (error);
  route = pm_plan_board_get_route (board, 0, 0);
  g_assert_cmpint (route->n_stops, ==, 5);
  g_assert_true (route->violations & PM_PLAN_VIOLATION_SHIFT_END);
  g_assert_true (route->violations & PM_PLAN_VIOLATION_BREAK);
  problems = pm_plan_board_describe_violations (board, 0, 0);
  g_assert_cmpuint (g_strv_length (problems), ==, 2);
  g_assert_nonnull (strstr (problems[0], "break"));
  g_assert_true (g_str_has_prefix (problems[1], "Back at the depot at "));

  /* The middle three unplanned again: a plain day with its break, a
   * little overtime (allowed, and said). */
  for (int k = 1; k < 4; k++)
    g_assert_true (pm_plan_board_unplan (board, pm_record_get_id (g_ptr_array_index (visits, k)), &error));
  route = pm_plan_board_get_route (board, 0, 0);
  g_assert_cmpint (route->violations, ==, 0);
  g_assert_cmpint (route->break_after, ==, 1);
  g_assert_cmpint (route->break_start, >=, 11 * 3600 + 30 * 60);
  g_assert_cmpint (route->break_start, <=, 13 * 3600 + 30 * 60);
  g_assert_cmpuint (pm_plan_board_get_n_unplanned (board), ==, 3);
  g_strfreev (problems);
  problems = pm_plan_board_describe_violations (board, 0, 0);
  g_assert_cmpuint (g_strv_length (problems), ==, 1);
  g_assert_nonnull (strstr (problems[0], "min overtime"));
  g_assert_cmpstr (pm_plan_board_get_unplanned_reason (board, 0), ==,
                   "Fits nowhere: its time windows fall where the routes are full");
}

/* Everything a person sees on the board, as text. */
static char *
snapshot (PmPlanBoard *board)
{
  GString *text = g_string_new (NULL);

  for (int d = 0; d < pm_plan_board_get_n_days (board); d++)
    for (int v = 0; v < pm_plan_board_get_n_vans (board); v++)
      {
        const PmBoardRoute *route = pm_plan_board_get_route (board, v, d);

        g_string_append_printf (text, "%d/%d %d-%d %d %d:", d, v, route->depart, route->arrive,
                                route->travel, route->break_start);
        for (int k = 0; k < route->n_stops; k++)
          {
            const PmBoardStop *stop = pm_plan_board_get_stop (board, v, d, k);

            g_string_append_printf (text, " %s@%d%s", pm_record_get_id (stop->visit), stop->start,
                                    stop->pinned ? "P" : "");
          }
        g_string_append_c (text, '\n');
      }
  for (guint u = 0; u < pm_plan_board_get_n_unplanned (board); u++)
    g_string_append_printf (text, "- %s %s\n", pm_record_get_id (pm_plan_board_get_unplanned (board, u)),
                            pm_record_get_string (pm_plan_board_get_unplanned (board, u), "status"));
  return g_string_free (text, FALSE);
}

static void
test_undo_redo (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *start = snapshot (f->board);
  g_autofree char *after = NULL;
  g_autofree char *redone = NULL;
  g_autofree char *undone = NULL;
  g_autoptr(GPtrArray) changes = NULL;

  g_assert_false (pm_plan_board_can_undo (f->board));
  g_assert_true (pm_plan_board_move (f->board, id_of (f, 2), 0, 0, 1, &error));
  g_assert_true (pm_plan_board_set_pinned (f->board, id_of (f, 2), TRUE, &error));
  g_assert_true (pm_plan_board_move (f->board, id_of (f, 3), 1, 2, 0, &error));
  g_assert_true (pm_plan_board_unplan (f->board, id_of (f, 0), &error));
  g_assert_no_error (error);
  after = snapshot (f->board);
  g_assert_cmpstr (after, !=, start);

  for (int i = 0; i < 4; i++)
    g_assert_true (pm_plan_board_undo (f->board));
  g_assert_false (pm_plan_board_undo (f->board));
  undone = snapshot (f->board);
  g_assert_cmpstr (undone, ==, start);
  changes = pm_plan_board_get_changes (f->board);
  g_assert_cmpuint (changes->len, ==, 0);

  for (int i = 0; i < 4; i++)
    g_assert_true (pm_plan_board_redo (f->board));
  g_assert_false (pm_plan_board_can_redo (f->board));
  redone = snapshot (f->board);
  g_assert_cmpstr (redone, ==, after);

  /* A new change after an undo drops what could be redone. */
  g_assert_true (pm_plan_board_undo (f->board));
  g_assert_true (pm_plan_board_set_pinned (f->board, id_of (f, 1), TRUE, &error));
  g_assert_false (pm_plan_board_can_redo (f->board));
  /* Pinning needs a route. */
  g_assert_true (pm_plan_board_unplan (f->board, id_of (f, 3), &error));
  g_assert_false (pm_plan_board_set_pinned (f->board, id_of (f, 3), TRUE, &error));
  g_assert_error (error, PM_ERROR, PM_ERROR_INVALID);
}

static void
progress_cb (double   fraction,
             gpointer user_data)
{
  GArray *seen = user_data;

  g_array_append_val (seen, fraction);
}

static char *
route_ids (PmPlanBoard *board,
           int          van,
           int          day)
{
  GString *text = g_string_new (NULL);

  for (int k = 0; k < pm_plan_board_get_route (board, van, day)->n_stops; k++)
    g_string_append (text, pm_record_get_id (pm_plan_board_get_stop (board, van, day, k)->visit));
  return g_string_free (text, FALSE);
}

/* A clumsy order on Wednesday: every second stop moved to the end (a
 * plain reversal would drive the same distance). */
static void
shuffle_wednesday (PmPlanBoard *board)
{
  g_autoptr(GError) error = NULL;

  for (int v = 0; v < pm_plan_board_get_n_vans (board); v++)
    {
      int n = pm_plan_board_get_route (board, v, 2)->n_stops;

      g_assert_cmpint (n, >=, 4);
      for (int k = 0; k < n / 2; k++)
        g_assert_true (pm_plan_board_move (board, pm_record_get_id (pm_plan_board_get_stop (board, v, 2, k)->visit),
                                           v, 2, -1, &error));
    }
}

static void
test_optimise (void)
{
  g_autofree char *dir = pm_test_make_dir ();
  g_autoptr(PmStore) store = pm_test_open_store (dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) visits = NULL;
  g_autoptr(GPtrArray) vans = NULL;
  g_autoptr(PmPlanBoard) board = NULL;
  g_autoptr(GArray) seen = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *tuesday = NULL;
  g_autofree char *tuesday_after = NULL;
  g_autofree char *before = NULL;
  g_autofree char *before_undo = NULL;
  gboolean days[5] = { TRUE, FALSE, TRUE, TRUE, TRUE };
  PmBoardOptimiseOptions options = { .iterations = 1500, .seed = 7 };
  PmBoardSummary first, summary;
  double measured = 0;
  int placed = 0;

  g_assert_true (pm_demo_fill (store, "2026-11-24", 3, &error));
  g_assert_no_error (error);
  pm_store_set_actor (store, PM_TEST_STAFF_ID, PM_ROLE_DISPATCH, "dispatch");
  visits = pm_store_list (store, PM_TYPE_VISIT, &error);
  vans = pm_store_list (store, PM_TYPE_VAN, &error);
  board = pm_plan_board_new (visits, vans, FROM, 5, &error);
  g_assert_no_error (error);

  /* A first pass places what fits (the objective puts placing visits
   * before driving time). */
  g_assert_true (pm_plan_board_optimise (board, days, &options, NULL, NULL, &first, &error));
  g_assert_no_error (error);
  g_assert_cmpint (first.placed_after, >=, first.placed_before);
  g_assert_true (first.placed_after > first.placed_before || first.travel_after <= first.travel_before);

  shuffle_wednesday (board);
  tuesday = route_ids (board, 0, 1);

  before = snapshot (board);
  g_assert_true (pm_plan_board_optimise (board, days, &options, progress_cb, seen, &summary, &error));
  g_assert_no_error (error);

  g_test_message ("placed %d -> %d, travel %.0f -> %.0f", summary.placed_before, summary.placed_after, summary.travel_before, summary.travel_after);
  /* The summary is what the board now shows, not a constant. */
  for (int d = 0; d < 5; d++)
    for (int v = 0; v < pm_plan_board_get_n_vans (board); v++)
      {
        placed += pm_plan_board_get_route (board, v, d)->n_stops;
        if (days[d])
          measured += pm_plan_board_get_route (board, v, d)->travel;
      }
  g_assert_cmpint (summary.placed_after, ==, placed);
  g_assert_cmpfloat_with_epsilon (summary.travel_after, measured, 1.0);
  g_assert_cmpint (summary.placed_before, ==, first.placed_after);
  g_assert_cmpint (summary.placed_after, >=, summary.placed_before);
  g_assert_true (summary.placed_after > summary.placed_before || summary.travel_after < summary.travel_before);
  g_assert_cmpint (summary.iterations, >, 0);
  g_assert_cmpuint (seen->len, >, 1);
  g_assert_cmpfloat (g_array_index (seen, double, seen->len - 1), <=, 1.0);
  g_assert_cmpfloat (g_array_index (seen, double, seen->len - 1), >, g_array_index (seen, double, 0));

  /* Tuesday was not selected: untouched. */
  tuesday_after = route_ids (board, 0, 1);
  g_assert_cmpstr (tuesday_after, ==, tuesday);
  for (int d = 0; d < 5; d++)
    g_assert_cmpint (pm_plan_board_get_route (board, 0, d)->violations, ==, 0);

  /* One undo step takes the whole optimisation back. */
  g_assert_true (pm_plan_board_undo (board));
  before_undo = snapshot (board);
  g_assert_cmpstr (before_undo, ==, before);
  pm_test_remove_dir (dir);
}

/* Wednesday morning: Monday and Tuesday are over, today is the van's. */
static void
test_past_days (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GDateTime) wednesday = g_date_time_new_utc (2026, 11, 25, 9, 0, 0);
  g_autoptr(GDateTime) friday = g_date_time_new_utc (2026, 11, 20, 9, 0, 0);
  g_autoptr(PmPlanBoard) board = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *monday = NULL;
  g_autofree char *today = NULL;
  PmBoardOptimiseOptions options = { .iterations = 300, .seed = 1 };
  PmBoardSummary summary;

  pm_clock_set_override (wednesday);
  board = pm_plan_board_new (f->visits, f->vans, FROM, 5, &error);
  pm_clock_set_override (friday);
  g_assert_no_error (error);
  g_assert_cmpint (pm_plan_board_get_today (board), ==, 2);
  g_assert_false (pm_plan_board_move (board, id_of (f, 3), 0, 1, -1, &error));
  g_assert_error (error, PM_ERROR, PM_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (pm_plan_board_get_route (board, 0, 1)->n_stops, ==, 1);
  /* Moving onto today is the dispatcher's call; optimising leaves it. */
  g_assert_true (pm_plan_board_move (board, id_of (f, 3), 0, 2, -1, NULL));
  monday = route_ids (board, 0, 0);
  today = route_ids (board, 0, 2);
  g_assert_true (pm_plan_board_optimise (board, NULL, &options, NULL, NULL, &summary, &error));
  g_assert_no_error (error);
  {
    g_autofree char *monday_after = route_ids (board, 0, 0);
    g_autofree char *today_after = route_ids (board, 0, 2);

    g_assert_cmpstr (monday_after, ==, monday);
    g_assert_cmpstr (today_after, ==, today);
  }
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_autoptr(GDateTime) now = g_date_time_new_utc (2026, 11, 20, 9, 0, 0);

  g_setenv ("TZ", "Europe/Berlin", TRUE);
  g_test_init (&argc, &argv, NULL);
  /* The Friday before the week: every day of it is still to come. */
  pm_clock_set_override (now);

  g_test_add ("/plan-board/load", Fixture, NULL, fixture_set_up, test_load, fixture_tear_down);
  g_test_add ("/plan-board/move-retimes", Fixture, NULL, fixture_set_up, test_move_retimes, fixture_tear_down);
  g_test_add ("/plan-board/violations", Fixture, NULL, fixture_set_up, test_violations, fixture_tear_down);
  g_test_add ("/plan-board/undo-redo", Fixture, NULL, fixture_set_up, test_undo_redo, fixture_tear_down);
  g_test_add ("/plan-board/past-days", Fixture, NULL, fixture_set_up, test_past_days, fixture_tear_down);
  g_test_add_func ("/plan-board/shift-end-and-break", test_shift_end_and_break);
  g_test_add_func ("/plan-board/optimise", test_optimise);
  return g_test_run ();
}
