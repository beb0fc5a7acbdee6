/* test-social-desk.c: the Soziales desk in the window, on a real store
 *
 * A counsellor of the Soziales office sees the desk instead of a route:
 * follow-ups by counsellor, ordering a follow-up visit writes a visit
 * request, a person's history opens; when someone else acts, the desk is
 * gone. Runs under a display (Xvfb in CI); PEPAMO_TEST_SCREENSHOT=FILE saves
 * the screen while the follow-ups show.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <adwaita.h>

#include "pm-clock.h"
#include "pm-demo.h"
#include "pm-social-chart.h"
#include "pm-social-desk.h"
#include "pm-social-muvis-page.h"
#include "pm-sync-service.h"
#include "pm-test-utils.h"
#include "pm-window.h"

typedef struct
{
  char          *dir;
  PmStore       *store;
  PmSyncService *sync;
  PmWindow      *window;
  PmSocialDesk  *desk;
  guint          order_buttons;
} Fixture;

static const PmDemoStaff *staff;

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

static GPtrArray *
order_buttons (Fixture *f)
{
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();
  GPtrArray *found = g_ptr_array_new ();

  collect (GTK_WIDGET (f->desk), GTK_TYPE_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    if (g_strcmp0 (gtk_button_get_label (buttons->pdata[i]), "Order Visit") == 0)
      g_ptr_array_add (found, buttons->pdata[i]);
  return found;
}

static gboolean
desk_loaded (gpointer data)
{
  Fixture *f = data;

  return gtk_widget_get_mapped (GTK_WIDGET (f->desk)) && !pm_social_desk_get_loading (f->desk) &&
         pm_social_desk_get_n_follow_ups (f->desk) > 0;
}

static gboolean
one_button_fewer (gpointer data)
{
  Fixture *f = data;
  g_autoptr(GPtrArray) buttons = NULL;

  if (pm_social_desk_get_loading (f->desk))
    return FALSE;
  buttons = order_buttons (f);
  return buttons->len + 1 == f->order_buttons;
}

static gboolean
history_shown (gpointer data)
{
  Fixture *f = data;
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  collect (GTK_WIDGET (f->desk), ADW_TYPE_EXPANDER_ROW, rows);
  return rows->len > 0;
}

static gboolean
route_shown (gpointer data)
{
  Fixture *f = data;

  return !gtk_widget_get_mapped (GTK_WIDGET (f->desk)) && pm_window_get_visits (f->window) != NULL;
}

static guint
count_requests (Fixture *f)
{
  g_autoptr(GPtrArray) visits = pm_store_list (f->store, PM_TYPE_VISIT, NULL);
  guint n = 0;

  for (guint i = 0; i < visits->len; i++)
    n += g_strcmp0 (pm_record_get_string (g_ptr_array_index (visits, i), "status"), "requested") == 0 &&
         g_strcmp0 (pm_record_get_string (g_ptr_array_index (visits, i), "source"), "internal") == 0;
  return n;
}

static GtkWidget *
find_by_type (GtkWidget *widget,
              GType      type)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new ();

  collect (widget, type, found);
  return found->len ? found->pdata[0] : NULL;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *today = pm_clock_today ();
  guint n_staff;

  staff = pm_demo_get_staff (&n_staff);
  f->dir = pm_test_make_dir ();
  f->store = pm_test_open_store (f->dir);
  g_assert_true (pm_demo_fill (f->store, today, 3, &error));
  g_assert_no_error (error);
  /* Anja Demo-Brandt, a counsellor in the office. */
  pm_store_set_actor (f->store, staff[4].id, PM_ROLE_SOZIALES, staff[4].department);

  f->sync = pm_sync_service_new ();
  f->window = pm_window_new (NULL, PM_SYNC_STATUS (f->sync));
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1024, 700);
  gtk_window_present (GTK_WINDOW (f->window));
  pm_window_set_people (f->window, NULL, staff[4].display_name);
  pm_window_set_store (f->window, f->store);
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
test_desk (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GPtrArray) buttons = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  g_autoptr(GPtrArray) persons = g_ptr_array_new ();
  GtkListBox *persons_list = NULL;
  guint requests_before;

  f->desk = PM_SOCIAL_DESK (find_by_type (GTK_WIDGET (f->window), PM_TYPE_SOCIAL_DESK));
  g_assert_nonnull (f->desk);
  pm_test_wait_until (desk_loaded, f, "the desk's lists");
  g_assert_cmpuint (pm_social_desk_get_n_referrals (f->desk), >, 0);
  /* Rows per follow-up, in groups per counsellor. */
  collect (GTK_WIDGET (f->desk), ADW_TYPE_ACTION_ROW, rows);
  g_assert_cmpuint (rows->len, >=, pm_social_desk_get_n_follow_ups (f->desk));
  pm_test_screenshot ("-follow-ups");

  buttons = order_buttons (f);
  g_assert_cmpuint (buttons->len, >, 0);
  f->order_buttons = buttons->len;
  requests_before = count_requests (f);
  g_signal_emit_by_name (buttons->pdata[0], "clicked");
  pm_test_wait_until (one_button_fewer, f, "ordering the visit");
  g_assert_cmpuint (count_requests (f), ==, requests_before + 1);
  pm_test_screenshot ("-ordered");
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (find_by_type (GTK_WIDGET (f->desk), ADW_TYPE_VIEW_STACK)),
                                         "referrals");
  pm_test_screenshot ("-referrals");

  /* A person's history, from the persons list. */
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (find_by_type (GTK_WIDGET (f->desk), ADW_TYPE_VIEW_STACK)),
                                         "persons");
  collect (GTK_WIDGET (f->desk), GTK_TYPE_LIST_BOX, persons);
  for (guint i = 0; i < persons->len && persons_list == NULL; i++)
    if (gtk_list_box_get_row_at_index (persons->pdata[i], 0) &&
        ADW_IS_ACTION_ROW (gtk_list_box_get_row_at_index (persons->pdata[i], 0)))
      persons_list = persons->pdata[i];
  g_assert_nonnull (persons_list);
  g_signal_emit_by_name (persons_list, "row-activated", gtk_list_box_get_row_at_index (persons_list, 0));
  pm_test_wait_until (history_shown, f, "the history");
  {
    g_autoptr(GPtrArray) expanders = g_ptr_array_new ();

    collect (GTK_WIDGET (f->desk), ADW_TYPE_EXPANDER_ROW, expanders);
    adw_expander_row_set_expanded (expanders->pdata[0], TRUE);
  }
  pm_test_screenshot ("-history");

  /* The registration clerk acts: the desk goes, the route comes. */
  pm_store_set_actor (f->store, staff[1].id, PM_ROLE_FIELD, staff[1].department);
  pm_window_set_people (f->window, NULL, staff[1].display_name);
  pm_test_wait_until (route_shown, f, "the route");
  g_assert_cmpuint (pm_social_desk_get_n_follow_ups (f->desk), ==, 0);
}

static gboolean
report_shown (gpointer data)
{
  PmSocialMuvisPage *page = data;

  return !pm_social_muvis_page_get_loading (page) && pm_social_muvis_page_get_report (page) != NULL;
}

static gboolean
load_failed (gpointer data)
{
  PmSocialMuvisPage *page = data;

  return !pm_social_muvis_page_get_loading (page) && pm_social_muvis_page_get_report (page) == NULL;
}

static void
exported_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static gboolean
has_result (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

static void
show_muvis (Fixture *f)
{
  f->desk = PM_SOCIAL_DESK (find_by_type (GTK_WIDGET (f->window), PM_TYPE_SOCIAL_DESK));
  g_assert_nonnull (f->desk);
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (find_by_type (GTK_WIDGET (f->desk), ADW_TYPE_VIEW_STACK)),
                                         "muvis");
}

/* On a store without a server, core counts the month from the records:
 * table, chart with its text alternative, and the CSV as core writes it. */
static void
test_muvis (Fixture       *f,
            gconstpointer  data)
{
  PmSocialMuvisPage *page;
  PmSocialChart *chart;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->dir, "muvis.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *written = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();

  show_muvis (f);
  page = PM_SOCIAL_MUVIS_PAGE (find_by_type (GTK_WIDGET (f->desk), PM_TYPE_SOCIAL_MUVIS_PAGE));
  g_assert_nonnull (page);
  pm_test_wait_until (report_shown, page, "the month's figures");
  chart = PM_SOCIAL_CHART (find_by_type (GTK_WIDGET (page), PM_TYPE_SOCIAL_CHART));
  g_assert_cmpuint (pm_social_chart_get_n_bars (chart), >, 0);
  g_assert_nonnull (strchr (pm_social_chart_get_text (chart), ':'));
  collect (GTK_WIDGET (page), GTK_TYPE_LABEL, labels);
  g_assert_cmpuint (labels->len, >, 10);
  pm_test_screenshot ("-muvis");

  pm_social_muvis_page_export_async (page, file, "csv", exported_cb, &result);
  pm_test_wait_until (has_result, &result, "the CSV file");
  g_assert_true (pm_social_muvis_page_export_finish (page, result, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &written, NULL, &error));
  expected = pm_muvis_report_to_csv (pm_social_muvis_page_get_report (page));
  g_assert_cmpstr (written, ==, expected);
  g_assert_true (g_str_has_prefix (written, "stadtteil,name,visits_held,"));
}

/* The planning sees the figures only; on a device without a server core
 * will not count the records for it, and the page says so. */
static void
test_muvis_planning (Fixture       *f,
                     gconstpointer  data)
{
  PmSocialMuvisPage *page;
  g_autoptr(GPtrArray) buttons = NULL;

  pm_store_set_actor (f->store, staff[2].id, PM_ROLE_PLANNING, NULL);
  pm_window_set_people (f->window, NULL, "Planung");
  f->desk = PM_SOCIAL_DESK (find_by_type (GTK_WIDGET (f->window), PM_TYPE_SOCIAL_DESK));
  g_assert_nonnull (f->desk);
  page = PM_SOCIAL_MUVIS_PAGE (find_by_type (GTK_WIDGET (f->desk), PM_TYPE_SOCIAL_MUVIS_PAGE));
  g_assert_nonnull (page);
  pm_test_wait_until (load_failed, page, "the refusal");
  g_assert_null (pm_social_muvis_page_get_report (page));
  buttons = order_buttons (f);
  g_assert_cmpuint (buttons->len, ==, 0);
  g_assert_cmpuint (pm_social_desk_get_n_follow_ups (f->desk), ==, 0);
  pm_test_screenshot ("-planning");
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GtkCssProvider) css = NULL;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  /* What AdwApplication loads for the app: the 44 px touch targets. */
  css = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (css, "/de/halle/PePaMo/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  g_test_add ("/social-desk/desk", Fixture, NULL, fixture_set_up, test_desk, fixture_tear_down);
  g_test_add ("/social-desk/muvis", Fixture, NULL, fixture_set_up, test_muvis, fixture_tear_down);
  g_test_add ("/social-desk/muvis-planning", Fixture, NULL, fixture_set_up, test_muvis_planning, fixture_tear_down);
  return g_test_run ();
}
