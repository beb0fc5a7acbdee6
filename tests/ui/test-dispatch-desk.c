/* test-dispatch-desk.c: the dispatch desk on a real store, as a dispatcher uses it
 *
 * A dispatch staff member acting: the window shows the desk, the week's
 * board and the map; a stop moved to the next day and undone, the week
 * optimised and published (the visits are in the store as the board
 * shows them); a visit request refused with a message and nothing saved,
 * a known person flagged, then a request saved.  Runs under a display.
 * With PEPAMO_TEST_SCREENSHOT=FILE it saves the screen with the board and
 * the map (and FILE with "-request" before the extension: the form).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <adwaita.h>
#include <string.h>

#include "pm-clock.h"
#include "pm-demo.h"
#include "pm-dispatch-desk.h"
#include "pm-dispatch-map.h"
#include "pm-dispatch-request.h"
#include "pm-sync-service.h"
#include "pm-test-utils.h"
#include "pm-window.h"

#define DISPATCHER "d0000000-0000-4000-8000-000000000003"

typedef struct
{
  char           *dir;
  PmStore        *store;
  PmSyncService  *sync;
  PmWindow       *window;
  PmDispatchDesk *desk;
} Fixture;

static gboolean
desk_ready (gpointer data)
{
  Fixture *f = data;

  return !pm_dispatch_desk_get_busy (f->desk) && pm_dispatch_desk_get_board (f->desk) != NULL;
}

static void
wait_ready (Fixture    *f,
            const char *what)
{
  pm_test_wait_until (desk_ready, f, what);
}

static void
collect (GtkWidget *widget,
         GType      type,
         GPtrArray *found)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    g_ptr_array_add (found, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    collect (child, type, found);
}

static GtkWidget *
find_by_type (GtkWidget *root,
              GType      type)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new ();

  collect (root, type, found);
  return found->len ? found->pdata[0] : NULL;
}

/* The button a person would press for `action`. */
static GtkWidget *
find_action_button (GtkWidget  *root,
                    const char *action)
{
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();

  collect (root, GTK_TYPE_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    if (g_strcmp0 (gtk_actionable_get_action_name (buttons->pdata[i]), action) == 0)
      return buttons->pdata[i];
  return NULL;
}

static void
press (GtkWidget  *root,
       const char *action)
{
  GtkWidget *button = find_action_button (root, action);

  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

/* Under Xvfb the window's crossfade from the unlock page may not have run
 * to its end: the desk is shown as it stands, then the screen saved. */
static void
screenshot (Fixture    *f,
            const char *suffix)
{
  gtk_stack_set_visible_child_full (GTK_STACK (find_by_type (GTK_WIDGET (f->window), GTK_TYPE_STACK)), "dispatch",
                                    GTK_STACK_TRANSITION_TYPE_NONE);
  pm_test_screenshot (suffix);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *today = pm_clock_today ();

  f->dir = pm_test_make_dir ();
  f->store = pm_test_open_store (f->dir);
  g_assert_true (pm_demo_fill (f->store, today, 3, &error));
  g_assert_no_error (error);
  pm_store_set_actor (f->store, DISPATCHER, PM_ROLE_DISPATCH, "dispatch");

  f->sync = pm_sync_service_new ();
  f->window = pm_window_new (NULL, PM_SYNC_STATUS (f->sync));
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1280, 800);
  gtk_window_present (GTK_WINDOW (f->window));
  pm_window_set_store (f->window, f->store);
  f->desk = PM_DISPATCH_DESK (find_by_type (GTK_WIDGET (f->window), PM_TYPE_DISPATCH_DESK));
  g_assert_nonnull (f->desk);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (f->desk)));
  wait_ready (f, "loading the week");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  g_clear_object (&f->sync);
  g_clear_object (&f->store);
  pm_test_remove_dir (f->dir);
  g_free (f->dir);
}

/* A day of the first van whose second stop is not under way yet. */
static int
busy_day (PmPlanBoard *board)
{
  for (int day = 0; day < pm_plan_board_get_n_days (board) - 1; day++)
    if (pm_plan_board_get_route (board, 0, day)->n_stops >= 2 &&
        g_strv_contains ((const char * const[]) { "scheduled", "confirmed", NULL },
                         pm_record_get_string (pm_plan_board_get_stop (board, 0, day, 1)->visit, "status")))
      return day;
  return -1;
}

static void
test_board (Fixture       *f,
            gconstpointer  data)
{
  PmPlanBoard *board = pm_dispatch_desk_get_board (f->desk);
  PmDispatchMap *map = PM_DISPATCH_MAP (find_by_type (GTK_WIDGET (f->desk), PM_TYPE_DISPATCH_MAP));
  g_autoptr(GPtrArray) published = NULL;
  g_autofree char *id = NULL;
  int day = busy_day (board), van, moved_day, position, before;

  /* The board and the map show the week; no tiles in tests. */
  g_assert_cmpint (day, >=, 0);
  g_assert_nonnull (map);
  g_assert_null (pm_dispatch_map_get_tile_url (map));
  g_assert_cmpuint (pm_dispatch_map_get_n_areas (map), >=, 10);
  g_assert_cmpuint (pm_dispatch_map_get_n_stops (map), ==, pm_plan_board_get_route (board, 0, 0)->n_stops);
  gtk_widget_activate_action (GTK_WIDGET (f->desk), "desk.show-day", "i", day);
  g_assert_cmpuint (pm_dispatch_map_get_n_stops (map), ==, pm_plan_board_get_route (board, 0, day)->n_stops);
  /* A tile server that cannot be reached (nothing listens on port 9):
   * the stops, the route and the Stadtteile still show. */
  pm_dispatch_map_set_tile_url (map, "http://127.0.0.1:9/{z}/{x}/{y}.png");
  pm_test_settle (500);
  g_assert_cmpstr (pm_dispatch_map_get_tile_url (map), ==, "http://127.0.0.1:9/{z}/{x}/{y}.png");
  g_assert_cmpuint (pm_dispatch_map_get_n_stops (map), ==, pm_plan_board_get_route (board, 0, day)->n_stops);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (map)));
  screenshot (f, NULL);

  /* The second stop to the next day, from its menu; undo brings it back. */
  id = g_strdup (pm_record_get_id (pm_plan_board_get_stop (board, 0, day, 1)->visit));
  before = pm_plan_board_get_route (board, 0, day)->n_stops;
  g_assert_false (gtk_widget_is_sensitive (find_action_button (GTK_WIDGET (f->desk), "desk.undo")));
  gtk_widget_activate_action (GTK_WIDGET (f->desk), "desk.stop-later", "s", id);
  g_assert_true (pm_plan_board_find (board, id, &van, &moved_day, &position));
  g_assert_cmpint (moved_day, ==, day + 1);
  g_assert_cmpint (pm_plan_board_get_route (board, 0, day)->n_stops, ==, before - 1);
  press (GTK_WIDGET (f->desk), "desk.undo");
  g_assert_true (pm_plan_board_find (board, id, &van, &moved_day, &position));
  g_assert_cmpint (moved_day, ==, day);
  g_assert_cmpint (position, ==, 1);
  press (GTK_WIDGET (f->desk), "desk.redo");

  /* Optimise: a progress bar, then a measured summary. */
  press (GTK_WIDGET (f->desk), "desk.optimise");
  g_assert_true (pm_dispatch_desk_get_busy (f->desk));
  g_assert_false (gtk_widget_is_sensitive (find_action_button (GTK_WIDGET (f->desk), "desk.publish")));
  wait_ready (f, "optimising the week");
  g_assert_true (g_str_has_prefix (pm_dispatch_desk_get_summary (f->desk), "Optimised: "));

  /* Publish: the store holds what the board changed. */
  published = pm_plan_board_get_changes (board);
  g_assert_cmpuint (published->len, >, 0);
  press (GTK_WIDGET (f->desk), "desk.publish");
  wait_ready (f, "publishing the week");
  g_assert_nonnull (strstr (pm_dispatch_desk_get_summary (f->desk), "published to the vans"));
  board = pm_dispatch_desk_get_board (f->desk);
  for (guint i = 0; i < published->len; i++)
    {
      PmRecord *shown = published->pdata[i];
      g_autoptr(PmRecord) visit = pm_store_get (f->store, PM_TYPE_VISIT, pm_record_get_id (shown), NULL);
      static const char * const fields[] = { "date", "planned_start", "van_id", "status", NULL };

      for (guint k = 0; fields[k]; k++)
        g_assert_cmpstr (pm_record_get_string (visit, fields[k]), ==, pm_record_get_string (shown, fields[k]));
      g_assert_cmpint (pm_record_get_int (visit, "route_order"), ==, pm_record_get_int (shown, "route_order"));
    }
  /* Reloaded from the store: nothing left to publish. */
  {
    g_autoptr(GPtrArray) changes = pm_plan_board_get_changes (board);

    g_assert_cmpuint (changes->len, ==, 0);
  }
  screenshot (f, "-optimised");
}

static void
set_row (GtkWidget  *form,
         const char *title,
         const char *text)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  collect (form, ADW_TYPE_ENTRY_ROW, rows);
  for (guint i = 0; i < rows->len; i++)
    if (g_strcmp0 (adw_preferences_row_get_title (rows->pdata[i]), title) == 0)
      {
        gtk_editable_set_text (GTK_EDITABLE (rows->pdata[i]), text);
        return;
      }
  g_error ("no entry row “%s”", title);
}

static void
tick_service (GtkWidget  *form,
              const char *code)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  collect (form, ADW_TYPE_ACTION_ROW, rows);
  for (guint i = 0; i < rows->len; i++)
    if (g_strcmp0 (adw_action_row_get_subtitle (rows->pdata[i]), code) == 0)
      {
        GtkWidget *check = find_by_type (rows->pdata[i], GTK_TYPE_CHECK_BUTTON);

        gtk_check_button_set_active (GTK_CHECK_BUTTON (check), TRUE);
        return;
      }
  g_error ("no service %s", code);
}

static gboolean
duplicates_shown (gpointer data)
{
  return pm_dispatch_request_get_n_duplicates (data) > 0;
}

static gboolean
request_gone (gpointer data)
{
  Fixture *f = data;

  return pm_dispatch_desk_get_request (f->desk) == NULL && desk_ready (f);
}

static void
test_request (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GPtrArray) citizens = pm_store_list (f->store, PM_TYPE_CITIZEN, NULL);
  gint64 n_visits = pm_store_count (f->store, PM_TYPE_VISIT, NULL);
  gint64 n_citizens = citizens->len;
  PmRecord *known = citizens->pdata[0];
  g_autoptr(GDateTime) now = pm_clock_now ();
  g_autoptr(GDateTime) later = g_date_time_add_days (now, 2);
  g_autofree char *day = g_date_time_format (later, "%d.%m.%Y");
  g_autofree char *window = g_strdup_printf ("%s 09:00-12:00", day);
  g_autofree char *birth = NULL;
  GtkWidget *form;

  press (GTK_WIDGET (f->desk), "desk.new-request");
  form = pm_dispatch_desk_get_request (f->desk);
  g_assert_nonnull (form);

  /* Nothing filled in: a message naming the field; nothing saved. */
  gtk_widget_activate_action (form, "request.save", NULL);
  g_assert_true (g_str_has_prefix (pm_dispatch_request_get_error (PM_DISPATCH_REQUEST (form)), "Street: "));
  g_assert_cmpint (pm_store_count (f->store, PM_TYPE_VISIT, NULL), ==, n_visits);

  /* A person already known is offered. */
  birth = g_strdup (pm_record_get_string (known, "birth_date"));
  set_row (form, "Family name", pm_record_get_string (known, "family_name"));
  set_row (form, "Given names", pm_record_get_string (known, "given_names"));
  set_row (form, "Date of birth (DD.MM.YYYY)", birth);
  pm_test_wait_until (duplicates_shown, form, "flagging the known person");

  /* Someone new, at a street of the list, counselling, in two days. */
  set_row (form, "Family name", "Beispiel-Neumann");
  set_row (form, "Given names", "Hildegard");
  set_row (form, "Date of birth (DD.MM.YYYY)", "12.03.1936");
  set_row (form, "Street", "Hansering");
  set_row (form, "House number", "zwölf");
  tick_service (form, "PB");
  set_row (form, "Time window", window);
  gtk_widget_activate_action (form, "request.save", NULL);
  g_assert_true (g_str_has_prefix (pm_dispatch_request_get_error (PM_DISPATCH_REQUEST (form)), "House number: "));
  set_row (form, "House number", "12");
  screenshot (f, "-request");
  gtk_widget_activate_action (form, "request.save", NULL);
  g_assert_cmpstr (pm_dispatch_request_get_error (PM_DISPATCH_REQUEST (form)), ==, NULL);
  pm_test_wait_until (request_gone, f, "saving the request");
  g_assert_cmpint (pm_store_count (f->store, PM_TYPE_VISIT, NULL), ==, n_visits + 1);
  g_assert_cmpint (pm_store_count (f->store, PM_TYPE_CITIZEN, NULL), ==, n_citizens + 1);
  /* On the board, unplanned, with the reason. */
  {
    PmPlanBoard *board = pm_dispatch_desk_get_board (f->desk);
    gboolean found = FALSE;

    for (guint i = 0; i < pm_plan_board_get_n_unplanned (board); i++)
      if (g_strcmp0 (pm_record_get_string (pm_plan_board_get_unplanned (board, i), "persons"),
                     "Hildegard Beispiel-Neumann") == 0)
        found = strlen (pm_plan_board_get_unplanned_reason (board, i)) > 0;
    g_assert_true (found);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GtkCssProvider) css = NULL;
  /* A Wednesday: the week has days done, today and days to come. */
  g_autoptr(GDateTime) now = g_date_time_new_utc (2026, 11, 25, 9, 30, 0);

  g_autofree char *cache = pm_test_make_dir ();
  int status;

  /* Tiles libshumate would cache go to a throwaway folder. */
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  gtk_test_init (&argc, &argv, NULL);
  pm_clock_set_override (now);
  adw_init ();
  /* What AdwApplication loads for the app. */
  css = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (css, "/de/halle/PePaMo/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);

  g_test_add ("/dispatch-desk/board", Fixture, NULL, fixture_set_up, test_board, fixture_tear_down);
  g_test_add ("/dispatch-desk/request", Fixture, NULL, fixture_set_up, test_request, fixture_tear_down);
  status = g_test_run ();
  pm_test_remove_dir (cache);
  return status;
}
