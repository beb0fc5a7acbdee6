/* test-registration-desk.c: the registration office's desk in the window
 *
 * A clerk of the office (role einwohnerwesen) gets the desk instead of the
 * route; opening a case and taking it into work moves it in the inbox's
 * counts; a step without what it needs is refused on screen; a van's clerk
 * or a counsellor never gets the desk. Runs under a display (Xvfb in CI).
 * With PEPAMO_TEST_SCREENSHOT=FILE it saves the screen (ImageMagick's
 * import) with a case open.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <locale.h>

#include "pm-clock.h"
#include "pm-demo.h"
#include "pm-registration-desk.h"
#include "pm-sync-indicator.h"
#include "pm-sync-service.h"
#include "pm-test-utils.h"
#include "pm-ui-test-util.h"
#include "pm-window.h"

#define OFFICE_CLERK "d0000000-0000-4000-8000-000000000004"

typedef struct
{
  char               *dir;
  PmStore            *store;
  PmSyncService      *sync;
  PmWindow           *window;
  PmRegistrationDesk *desk;
  char               *case_id;
  guint               received;
  guint               in_progress;
  const char         *number;
  guint               expected;
} Fixture;

static void
wait_for (gboolean  (*done) (Fixture *),
          Fixture    *f,
          const char *what)
{
  pm_test_wait_until ((gboolean (*) (gpointer)) done, f, what);
}

static GtkWidget *
find_by_name (GtkWidget  *widget,
              const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (widget), name) == 0 && gtk_widget_get_mapped (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_by_name (child, name);

      if (found)
        return found;
    }
  return NULL;
}

static void
collect_titles (GtkWidget *widget,
                GPtrArray *titles)
{
  if (ADW_IS_PREFERENCES_ROW (widget) && gtk_widget_get_mapped (widget))
    g_ptr_array_add (titles, (gpointer) adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    collect_titles (child, titles);
}

static gboolean
desk_shown (Fixture *f)
{
  GtkWidget *stack = gtk_widget_get_parent (GTK_WIDGET (f->desk));

  return gtk_stack_get_visible_child (GTK_STACK (stack)) == GTK_WIDGET (f->desk);
}

static gboolean
inbox_loaded (Fixture *f)
{
  return f->desk && !pm_registration_desk_get_loading (f->desk) && pm_registration_desk_get_n_shown (f->desk) > 0;
}

static gboolean
case_shown (Fixture *f)
{
  PmRegistrationCase *page = pm_registration_desk_get_case_page (f->desk);
  PmRecord *kase = pm_registration_case_get_case (page);

  return !pm_registration_case_get_busy (page) && kase &&
         g_strcmp0 (pm_record_get_id (kase), f->case_id) == 0;
}

static gboolean
counts_moved (Fixture *f)
{
  return !pm_registration_desk_get_loading (f->desk) && case_shown (f) &&
         pm_registration_desk_get_count (f->desk, "received") == f->received - 1 &&
         pm_registration_desk_get_count (f->desk, "in_progress") == f->in_progress + 1;
}

static gboolean
step_refused (Fixture *f)
{
  PmRegistrationCase *page = pm_registration_desk_get_case_page (f->desk);
  GtkWidget *label = find_by_name (GTK_WIDGET (page), "step-error");

  return !pm_registration_case_get_busy (page) && label && gtk_widget_get_visible (label);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *today = pm_clock_today ();
  g_autoptr(GPtrArray) cases = NULL;

  f->dir = pm_test_make_dir ();
  f->store = pm_test_open_store (f->dir);
  g_assert_true (pm_demo_fill (f->store, today, 3, &error));
  g_assert_no_error (error);
  pm_store_set_actor (f->store, OFFICE_CLERK, PM_ROLE_EINWOHNERWESEN, "einwohnerwesen");
  cases = pm_store_list (f->store, PM_TYPE_CASE, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < cases->len && f->case_id == NULL; i++)
    if (g_strcmp0 (pm_record_get_string (g_ptr_array_index (cases, i), "status"), "captured") == 0)
      f->case_id = g_strdup (pm_record_get_id (g_ptr_array_index (cases, i)));
  g_assert_nonnull (f->case_id);

  f->sync = pm_sync_service_new ();
  f->window = pm_window_new (NULL, PM_SYNC_STATUS (f->sync));
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1280, 800);
  gtk_window_present (GTK_WINDOW (f->window));
  pm_window_set_store (f->window, f->store);
  f->desk = PM_REGISTRATION_DESK (pm_ui_test_find_by_type (GTK_WIDGET (f->window), PM_TYPE_REGISTRATION_DESK));
  g_assert_nonnull (f->desk);
  wait_for (inbox_loaded, f, "loading the inbox");
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
  g_free (f->case_id);
}

static void
test_open_and_take_into_work (Fixture       *f,
                              gconstpointer  data)
{
  PmRegistrationCase *page = pm_registration_desk_get_case_page (f->desk);
  g_autoptr(GPtrArray) titles = g_ptr_array_new ();
  GtkWidget *button;
  int minimum = 0;

  g_assert_true (desk_shown (f));
  f->received = pm_registration_desk_get_count (f->desk, "received");
  f->in_progress = pm_registration_desk_get_count (f->desk, "in_progress");
  g_assert_cmpuint (f->received, >, 0);

  pm_registration_desk_open_case (f->desk, f->case_id);
  wait_for (case_shown, f, "opening the case");
  pm_test_screenshot (NULL);
  /* The case's own data is there; health data never is. */
  collect_titles (GTK_WIDGET (page), titles);
  g_assert_true (g_ptr_array_find_with_equal_func (titles, "Family name", g_str_equal, NULL));
  g_assert_true (g_ptr_array_find_with_equal_func (titles, "Presented", g_str_equal, NULL));
  g_assert_false (g_ptr_array_find_with_equal_func (titles, "Care grade", g_str_equal, NULL));

  /* A new case is taken into work or rejected; a query comes later. */
  g_assert_null (find_by_name (GTK_WIDGET (page), "step-query"));
  g_assert_nonnull (find_by_name (GTK_WIDGET (page), "step-rejected"));
  button = find_by_name (GTK_WIDGET (page), "step-in_progress");
  g_assert_nonnull (button);
  gtk_widget_measure (button, GTK_ORIENTATION_VERTICAL, -1, &minimum, NULL, NULL, NULL);
  g_assert_cmpint (minimum, >=, 44);
  g_signal_emit_by_name (button, "clicked");
  wait_for (counts_moved, f, "moving the case into work");
  g_assert_cmpstr (pm_record_get_string (pm_registration_case_get_case (page), "status"), ==, "in_progress");
  /* From in progress, booking is offered; taking it into work is not. */
  g_assert_null (find_by_name (GTK_WIDGET (page), "step-in_progress"));
  g_assert_nonnull (find_by_name (GTK_WIDGET (page), "step-booked"));

  /* A query needs what is missing: refused on screen, nothing moves. */
  button = find_by_name (GTK_WIDGET (page), "step-query");
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  wait_for (step_refused, f, "refusing the query without a reason");
  g_assert_cmpuint (pm_registration_desk_get_count (f->desk, "in_progress"), ==, f->in_progress + 1);
  g_assert_cmpstr (pm_record_get_string (pm_registration_case_get_case (page), "status"), ==, "in_progress");
}

/* The van's clerk and a counsellor get the route, not the desk. */
static void
test_other_roles_get_the_route (Fixture       *f,
                                gconstpointer  data)
{
  GtkWidget *indicator;

  pm_store_set_actor (f->store, "d0000000-0000-4000-8000-000000000002", PM_ROLE_FIELD, "einwohnerwesen");
  pm_window_set_people (f->window, NULL, "Thomas Demo-Kaiser");
  g_assert_false (desk_shown (f));
  pm_store_set_actor (f->store, "d0000000-0000-4000-8000-000000000005", PM_ROLE_SOZIALES, "soziales");
  pm_window_set_people (f->window, NULL, "Anja Demo-Brandt");
  g_assert_false (desk_shown (f));
  pm_store_set_actor (f->store, OFFICE_CLERK, PM_ROLE_EINWOHNERWESEN, "einwohnerwesen");
  pm_window_set_people (f->window, NULL, "Jens Demo-Winter");
  g_assert_true (desk_shown (f));
  wait_for (inbox_loaded, f, "loading the inbox again");
  /* The desk's sync indicator syncs; it does not lead back to the route. */
  indicator = pm_ui_test_find_by_type (GTK_WIDGET (f->desk), PM_TYPE_SYNC_INDICATOR);
  g_assert_nonnull (indicator);
  g_signal_emit_by_name (indicator, "clicked");
  g_assert_true (desk_shown (f));
  /* Locking drops the desk's cases. */
  pm_window_lock (f->window);
  g_assert_false (desk_shown (f));
  g_assert_cmpuint (pm_registration_desk_get_n_shown (f->desk), ==, 0);
}

static gboolean
shows_expected (Fixture *f)
{
  return pm_registration_desk_get_n_shown (f->desk) == f->expected;
}

static guint
count_cases (Fixture    *f,
             const char *field,
             const char *value)
{
  g_autoptr(GPtrArray) cases = pm_store_list (f->store, PM_TYPE_CASE, NULL);
  guint n = 0;

  for (guint i = 0; i < cases->len; i++)
    if (g_strcmp0 (pm_record_get_string (g_ptr_array_index (cases, i), field), value) == 0)
      n++;
  return n;
}

/* Search, status and day narrow the inbox; an unreadable day is marked. */
static void
test_filters (Fixture       *f,
              gconstpointer  data)
{
  GtkWidget *date = pm_ui_test_find_by_type (GTK_WIDGET (f->desk), GTK_TYPE_ENTRY);
  GtkWidget *status = pm_ui_test_find_by_type (GTK_WIDGET (f->desk), GTK_TYPE_DROP_DOWN);
  GtkWidget *search = pm_ui_test_find_by_type (GTK_WIDGET (f->desk), GTK_TYPE_SEARCH_ENTRY);
  g_autoptr(PmRecord) kase = pm_store_get (f->store, PM_TYPE_CASE, f->case_id, NULL);
  const char *captured_on = pm_record_get_string (kase, "captured_on");
  g_autofree char *german = g_strdup_printf ("%.2s.%.2s.%.4s", captured_on + 8, captured_on + 5, captured_on);
  guint total = pm_registration_desk_get_n_shown (f->desk);

  g_autoptr(GPtrArray) all = pm_store_list (f->store, PM_TYPE_CASE, NULL);

  g_assert_cmpuint (total, ==, all->len);
  gtk_editable_set_text (GTK_EDITABLE (date), german);
  g_assert_cmpuint (pm_registration_desk_get_n_shown (f->desk), ==, count_cases (f, "captured_on", captured_on));
  g_assert_cmpuint (pm_registration_desk_get_n_shown (f->desk), <, total);
  gtk_editable_set_text (GTK_EDITABLE (date), "gestern");
  g_assert_true (gtk_widget_has_css_class (date, "error"));
  g_assert_cmpuint (pm_registration_desk_get_n_shown (f->desk), ==, total);
  gtk_editable_set_text (GTK_EDITABLE (date), "");

  /* Item 2 of the status filter is "in progress" (after "all" and "received"). */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (status), 2);
  g_assert_cmpuint (pm_registration_desk_get_n_shown (f->desk), ==, count_cases (f, "status", "in_progress"));
  gtk_drop_down_set_selected (GTK_DROP_DOWN (status), 0);

  /* A case number finds its case (the search waits for typing to pause). */
  for (guint i = 0; i < all->len && f->number == NULL; i++)
    f->number = pm_record_get_string (g_ptr_array_index (all, i), "registration_number");
  g_assert_nonnull (f->number);
  f->expected = count_cases (f, "registration_number", f->number);
  gtk_editable_set_text (GTK_EDITABLE (search), f->number);
  wait_for (shows_expected, f, "searching a case number");
  f->expected = 0;
  gtk_editable_set_text (GTK_EDITABLE (search), "Niemand Sonst");
  wait_for (shows_expected, f, "searching a name nobody has");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GtkCssProvider) css = NULL;

  gtk_test_init (&argc, &argv, NULL);
  /* The catalogue of the build, so a run under a German locale looks like
   * the app (gtk_test_init chose the C locale). */
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("PEPAMO_LOCALEDIR"));
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  adw_init ();
  css = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (css, "/de/halle/PePaMo/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);

  g_test_add ("/ui/registration-desk/open-and-take-into-work", Fixture, NULL, fixture_set_up,
              test_open_and_take_into_work, fixture_tear_down);
  g_test_add ("/ui/registration-desk/filters", Fixture, NULL, fixture_set_up, test_filters, fixture_tear_down);
  g_test_add ("/ui/registration-desk/other-roles-get-the-route", Fixture, NULL, fixture_set_up,
              test_other_roles_get_the_route, fixture_tear_down);
  return g_test_run ();
}
