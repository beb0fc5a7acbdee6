/* test-sync-page.c: the sync page on a real, enrolled store
 *
 * Local saves are listed as unsent; a rejection answered for one of them is
 * listed until "Acknowledged" is tapped, and stays gone after the store is
 * opened again. Runs under a display (Xvfb in CI). With
 * PEPAMO_TEST_SCREENSHOT=FILE it also saves the screen (ImageMagick's import)
 * while the page shows entries and the issue.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <adwaita.h>

#include "pm-clock.h"
#include "pm-demo.h"
#include "pm-store-sync.h"
#include "pm-sync-indicator.h"
#include "pm-sync-page.h"
#include "pm-sync-service.h"
#include "pm-test-utils.h"
#include "pm-ui-test-util.h"
#include "pm-window.h"

typedef struct
{
  char          *dir;
  PmStore       *store;
  PmSyncService *sync;
  PmWindow      *window;
  PmSyncPage    *page;
  gint64         expected_unsent;
  guint          expected_issues;
} Fixture;

static void
wait_for (gboolean  (*done) (Fixture *),
          Fixture    *f,
          const char *what)
{
  pm_test_wait_until ((gboolean (*) (gpointer)) done, f, what);
}

static gboolean
visits_loaded (Fixture *f)
{
  return pm_window_get_visits (f->window) != NULL;
}

static gboolean
page_shows_expected (Fixture *f)
{
  return !pm_sync_page_get_loading (f->page) &&
         pm_sync_page_get_n_unsent (f->page) == (guint) f->expected_unsent &&
         pm_sync_page_get_n_issues (f->page) == f->expected_issues;
}

static void
collect (GtkWidget *widget,
         GType      type,
         GPtrArray *found)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type) && gtk_widget_get_mapped (widget))
    g_ptr_array_add (found, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    collect (child, type, found);
}

static guint
count_rows (Fixture *f)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  collect (GTK_WIDGET (f->page), ADW_TYPE_ACTION_ROW, rows);
  return rows->len;
}

/* What the header's sync indicator shows, its lines joined by "|". */
static char *
indicator_text (Fixture *f)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  g_autoptr(GStrvBuilder) lines = g_strv_builder_new ();
  g_auto(GStrv) text = NULL;

  collect (pm_ui_test_find_by_type (GTK_WIDGET (f->window), PM_TYPE_SYNC_INDICATOR), GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    g_strv_builder_add (lines, gtk_label_get_label (labels->pdata[i]));
  text = g_strv_builder_end (lines);
  return g_strjoinv ("|", text);
}

static gboolean
indicator_counts_unsent (Fixture *f)
{
  g_autofree char *text = indicator_text (f);
  g_autofree char *unsent = g_strdup_printf ("|%" G_GINT64_FORMAT " not sent", f->expected_unsent);

  return g_str_has_suffix (text, unsent);
}

static GtkWidget *
find_button (Fixture    *f,
             const char *label)
{
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();

  collect (GTK_WIDGET (f->page), GTK_TYPE_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    if (g_strcmp0 (gtk_button_get_label (buttons->pdata[i]), label) == 0)
      return buttons->pdata[i];
  return NULL;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *today = pm_clock_today ();

  f->dir = pm_test_make_dir ();
  f->store = pm_test_open_store (f->dir);
  /* Enrolled first: every save of the demo day queues an outbox entry. */
  g_assert_true (pm_store_enrol (f->store, "https://127.0.0.1:1", "token", "field", &error));
  g_assert_no_error (error);
  g_assert_true (pm_demo_fill (f->store, today, 3, &error));
  g_assert_no_error (error);
  f->expected_unsent = pm_store_outbox_count (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpint (f->expected_unsent, >, 1);
  g_assert_cmpint (f->expected_unsent, <=, 500);

  /* A service without a store: it never dials the dummy URL. */
  f->sync = pm_sync_service_new ();
  f->window = pm_window_new (NULL, PM_SYNC_STATUS (f->sync));
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1024, 600);
  gtk_window_present (GTK_WINDOW (f->window));
  pm_window_set_store (f->window, f->store);
  wait_for (visits_loaded, f, "loading the day");
  f->page = PM_SYNC_PAGE (pm_ui_test_find_by_type (GTK_WIDGET (f->window), PM_TYPE_SYNC_PAGE));
  g_assert_nonnull (f->page);
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

static void
test_unsent_issue_dismiss (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) oldest = NULL;
  g_autoptr(JsonArray) results = json_array_new ();
  g_autoptr(JsonArray) issues = NULL;
  JsonObject *rejection = json_object_new ();
  GtkWidget *indicator = pm_ui_test_find_by_type (GTK_WIDGET (f->window), PM_TYPE_SYNC_INDICATOR);
  GtkWidget *button;
  int minimum = 0;

  /* The header's indicator opens the page. */
  g_assert_nonnull (indicator);
  g_signal_emit_by_name (indicator, "clicked");
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (f->page)));
  wait_for (page_shows_expected, f, "listing the unsent entries");
  g_assert_cmpuint (count_rows (f), ==, (guint) f->expected_unsent);
  button = find_button (f, "Sync now");
  g_assert_nonnull (button);

  /* The server rejects the oldest entry. */
  oldest = pm_store_outbox_peek (f->store, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (oldest), ==, 1);
  json_object_set_string_member (rejection, "uuid",
                                 json_object_get_string_member (json_array_get_object_element (oldest, 0), "uuid"));
  json_object_set_string_member (rejection, "outcome", "rejected");
  json_object_set_string_member (rejection, "code", "forbidden");
  json_object_set_string_member (rejection, "message", "this device's role may not change this kind of record");
  json_array_add_object_element (results, rejection);
  g_assert_true (pm_store_outbox_settle (f->store, results, &error));
  g_assert_no_error (error);

  f->expected_unsent--;
  f->expected_issues = 1;
  pm_sync_page_reload (f->page);
  wait_for (page_shows_expected, f, "listing the rejection");
  g_assert_cmpuint (count_rows (f), ==, (guint) f->expected_unsent);
  pm_test_screenshot (NULL);

  /* A person acts: the notice goes, in the store too. */
  button = find_button (f, "Acknowledged");
  g_assert_nonnull (button);
  /* Several such buttons can be on screen: each names its issue. */
  g_assert_true (gtk_test_accessible_has_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL));
  gtk_widget_measure (button, GTK_ORIENTATION_VERTICAL, -1, &minimum, NULL, NULL, NULL);
  g_assert_cmpint (minimum, >=, 44);
  g_signal_emit_by_name (button, "clicked");
  f->expected_issues = 0;
  wait_for (page_shows_expected, f, "dismissing the rejection");
  g_assert_null (find_button (f, "Acknowledged"));

  /* And it stays gone with the store opened again. */
  pm_window_lock (f->window);
  g_clear_object (&f->store);
  f->store = pm_test_open_store (f->dir);
  issues = pm_store_list_sync_issues (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (issues), ==, 0);
  pm_window_set_store (f->window, f->store);
  wait_for (visits_loaded, f, "loading the day again");
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-sync", NULL);
  wait_for (page_shows_expected, f, "listing after reopening");
  g_assert_null (find_button (f, "Acknowledged"));
}

static gboolean
page_has_label (Fixture    *f,
                const char *text)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();

  collect (GTK_WIDGET (f->page), GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    if (strstr (gtk_label_get_label (labels->pdata[i]), text))
      return TRUE;
  return FALSE;
}

/* A van's late edit of a booked case, reported by the server to the office
 * with a pull: shown as an addendum, who sent it and what it changed, until
 * a person acknowledges it. */
static void
test_office_addendum (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) page = json_from_string (
    "[{\"seq\": 1, \"kind\": \"sync_issue\", \"record\": {"
    "\"id\": \"5e000000-0000-4000-8000-00000000a11d\", \"outcome\": \"rejected\", \"at\": \"2026-11-20T09:15:00Z\","
    "\"entry\": {\"uuid\": \"5e000000-0000-4000-8000-00000000a11d\", \"kind\": \"case\","
    "  \"record_id\": \"7a000000-0000-4000-8000-000000000003\", \"intent\": \"update_case\","
    "  \"changes\": {\"waiver_reason\": {\"from\": \"Härtefall\", \"to\": \"Bescheid gesehen\"}}},"
    "\"result\": {\"uuid\": \"5e000000-0000-4000-8000-00000000a11d\", \"outcome\": \"rejected\","
    "  \"code\": \"case_locked\", \"message\": \"the registration office has booked this case\","
    "  \"reported_by\": \"field\"}}}]", &error);

  g_assert_no_error (error);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-sync", NULL);
  g_assert_true (pm_store_apply_pull_page (f->store, json_node_get_array (page), 1, "epoch", &error));
  g_assert_no_error (error);
  f->expected_issues = 1;
  pm_sync_page_reload (f->page);
  wait_for (page_shows_expected, f, "listing the office's addendum");
  g_assert_true (page_has_label (f, "Addendum: Case"));
  g_assert_true (page_has_label (f, "A change by a van arrived after this case was booked"));
  g_assert_true (page_has_label (f, "Fields: waiver_reason"));
  pm_test_screenshot ("-addendum");
  g_signal_emit_by_name (find_button (f, "Acknowledged"), "clicked");
  f->expected_issues = 0;
  wait_for (page_shows_expected, f, "acknowledging the addendum");
}

/* Tapping "Acknowledged" twice, or after another window did, is no failure. */
static void
test_dismiss_twice (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (pm_store_dismiss_sync_issue (f->store, "00000000-0000-4000-8000-000000000000", &error));
  g_assert_no_error (error);
}

/* The header says how many changes wait, on the line under the state. The
 * service gets the store now, so it counts (and tries the unreachable
 * loopback port, which fails at once and changes nothing). */
static void
test_header_counts_unsent (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *text = NULL;

  pm_sync_service_set_store (f->sync, f->store);
  wait_for (indicator_counts_unsent, f, "the header counting the unsent entries");
  text = indicator_text (f);
  g_assert_false (g_str_has_prefix (text, "Online"));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GtkCssProvider) css = NULL;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  /* What AdwApplication loads for the app: the 44 px touch targets. */
  css = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (css, "/de/halle/PePaMo/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);

  g_test_add ("/ui/sync-page/unsent-issue-dismiss", Fixture, NULL, fixture_set_up, test_unsent_issue_dismiss,
              fixture_tear_down);
  g_test_add ("/ui/sync-page/office-addendum", Fixture, NULL, fixture_set_up, test_office_addendum,
              fixture_tear_down);
  g_test_add ("/ui/sync-page/dismiss-twice", Fixture, NULL, fixture_set_up, test_dismiss_twice, fixture_tear_down);
  g_test_add ("/ui/sync-page/header-counts-unsent", Fixture, NULL, fixture_set_up, test_header_counts_unsent,
              fixture_tear_down);
  return g_test_run ();
}
