/* test-window.c: the first screen on the demo store, through the real widgets
 *
 * Runs under a display (Xvfb in CI).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <adwaita.h>

#include "pm-clock.h"
#include "pm-demo.h"
#include "pm-sync-service.h"
#include "pm-test-utils.h"
#include "pm-visit-page.h"
#include "pm-visit-row.h"
#include "pm-window.h"

typedef struct
{
  char     *dir;
  PmStore  *store;
  PmWindow *window;
  char     *today;
} Fixture;

static gboolean
give_up_cb (gpointer data)
{
  g_error ("%s did not happen within 20 s", (const char *) data);
  return G_SOURCE_REMOVE;
}

/* Iterates the main loop until @done says so; bounded in time. */
static void
wait_for (gboolean  (*done) (Fixture *),
          Fixture   *f,
          const char *what)
{
  guint timeout = g_timeout_add_seconds (20, give_up_cb, (gpointer) what);

  while (!done (f))
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timeout);
}

static gboolean
visits_loaded (Fixture *f)
{
  return pm_window_get_visits (f->window) != NULL;
}

static void
collect_rows (GtkWidget *widget,
              GPtrArray *rows)
{
  if (PM_IS_VISIT_ROW (widget) && pm_visit_row_get_visit (PM_VISIT_ROW (widget)))
    g_ptr_array_add (rows, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    collect_rows (child, rows);
}

static gboolean
rows_shown (Fixture *f)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  collect_rows (GTK_WIDGET (f->window), rows);
  return rows->len >= 3;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PmSyncService) sync = pm_sync_service_new (NULL);

  f->dir = pm_test_make_dir ();
  f->store = pm_test_open_store (f->dir);
  f->today = pm_clock_today ();
  g_assert_true (pm_demo_fill (f->store, f->today, 3, &error));
  g_assert_no_error (error);

  f->window = pm_window_new (NULL, PM_SYNC_STATUS (sync));
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1024, 600);
  gtk_window_present (GTK_WINDOW (f->window));
  pm_window_set_store (f->window, f->store);
  wait_for (visits_loaded, f, "loading the day");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  g_clear_object (&f->store);
  pm_test_remove_dir (f->dir);
  g_free (f->dir);
  g_free (f->today);
}

static GtkWidget *
find_by_type (GtkWidget *widget,
              GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_by_type (child, type);

      if (found)
        return found;
    }
  return NULL;
}

/* The list shows the day's visits, in route order, as the store holds them. */
static void
test_route_of_today (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GPtrArray) expected = pm_store_list_visits_for_day (f->store, f->today, NULL);
  GListModel *shown = pm_window_get_visits (f->window);
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  g_assert_cmpint (expected->len, >=, 10);
  g_assert_cmpint (g_list_model_get_n_items (shown), ==, expected->len);
  for (guint i = 0; i < expected->len; i++)
    {
      g_autoptr(PmRecord) visit = g_list_model_get_item (shown, i);

      g_assert_cmpstr (pm_record_get_id (visit), ==, pm_record_get_id (g_ptr_array_index (expected, i)));
    }

  wait_for (rows_shown, f, "rows on screen");
  collect_rows (GTK_WIDGET (f->window), rows);
  /* The first rows on screen are the first stops of the route. */
  for (guint i = 0; i < 3; i++)
    {
      PmVisit *visit = pm_visit_row_get_visit (g_ptr_array_index (rows, i));

      g_assert_cmpint (pm_record_get_int (PM_RECORD (visit), "route_order"), ==, i + 1);
    }
}

static gboolean
has_row_titled (GtkWidget  *widget,
                const char *title)
{
  if (ADW_IS_ACTION_ROW (widget) &&
      g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    if (has_row_titled (child, title))
      return TRUE;
  return FALSE;
}

/* Shown, and the person read from the store off the main thread is listed. */
static gboolean
detail_shown (Fixture *f)
{
  GtkWidget *page = find_by_type (GTK_WIDGET (f->window), PM_TYPE_VISIT_PAGE);
  g_autoptr(PmRecord) first = g_list_model_get_item (pm_window_get_visits (f->window), 0);

  return page && gtk_widget_get_mapped (page) &&
         has_row_titled (page, pm_record_get_string (first, "persons"));
}

static void
test_open_visit (Fixture       *f,
                 gconstpointer  data)
{
  GtkWidget *list = find_by_type (GTK_WIDGET (f->window), GTK_TYPE_LIST_VIEW);
  g_autoptr(PmRecord) first = g_list_model_get_item (pm_window_get_visits (f->window), 0);
  GtkWidget *page;

  g_assert_true (gtk_widget_activate_action (list, "list.activate-item", "u", 0));
  wait_for (detail_shown, f, "the visit's detail page");
  page = find_by_type (GTK_WIDGET (f->window), PM_TYPE_VISIT_PAGE);
  g_assert_cmpstr (adw_window_title_get_title (ADW_WINDOW_TITLE (find_by_type (page, ADW_TYPE_WINDOW_TITLE))),
                   ==, pm_record_get_string (first, "persons"));
}

static void
test_day_navigation (Fixture       *f,
                     gconstpointer  data)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.next-day", NULL));
  g_assert_cmpstr (pm_window_get_date (f->window), >, f->today);
  wait_for (visits_loaded, f, "loading the next day");
  g_assert_cmpint (g_list_model_get_n_items (pm_window_get_visits (f->window)), >=, 10);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.today", NULL));
  g_assert_cmpstr (pm_window_get_date (f->window), ==, f->today);
  wait_for (visits_loaded, f, "loading today again");

  /* A day without visits says so instead of showing an empty list. */
  pm_window_set_date (f->window, "2001-01-01");
  wait_for (visits_loaded, f, "loading an empty day");
  g_assert_cmpint (g_list_model_get_n_items (pm_window_get_visits (f->window)), ==, 0);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (find_by_type (GTK_WIDGET (f->window), GTK_TYPE_STACK))),
                   !=, "list");
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/ui/route-of-today", Fixture, NULL, fixture_set_up, test_route_of_today, fixture_tear_down);
  g_test_add ("/ui/open-visit", Fixture, NULL, fixture_set_up, test_open_visit, fixture_tear_down);
  g_test_add ("/ui/day-navigation", Fixture, NULL, fixture_set_up, test_day_navigation, fixture_tear_down);
  return g_test_run ();
}
