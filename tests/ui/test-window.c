/* test-window.c: the first screen on the demo store, through the real widgets
 *
 * Runs under a display (Xvfb in CI).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <adwaita.h>

#include "pm-clock.h"
#include "pm-form-page.h"
#include "pm-signature-pad.h"
#include "pm-demo.h"
#include "pm-sync-service.h"
#include "pm-unlock-page.h"
#include "pm-test-utils.h"
#include "pm-ui-test-util.h"
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
  g_autoptr(PmSyncService) sync = pm_sync_service_new ();

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
  GtkWidget *page = pm_ui_test_find_by_type (GTK_WIDGET (f->window), PM_TYPE_VISIT_PAGE);
  g_autoptr(PmRecord) first = g_list_model_get_item (pm_window_get_visits (f->window), 0);

  return page && gtk_widget_get_mapped (page) &&
         has_row_titled (page, pm_record_get_string (first, "persons"));
}

/* The route's list, not the one inside the unlock page's staff chooser. */
static GtkWidget *
find_route_list (GtkWidget *widget)
{
  if (GTK_IS_LIST_VIEW (widget) && gtk_list_view_get_model (GTK_LIST_VIEW (widget)))
    {
      g_autoptr(GObject) first = g_list_model_get_item (G_LIST_MODEL (gtk_list_view_get_model (GTK_LIST_VIEW (widget))), 0);

      if (PM_IS_VISIT (first))
        return widget;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_route_list (child);

      if (found)
        return found;
    }
  return NULL;
}

static void
test_open_visit (Fixture       *f,
                 gconstpointer  data)
{
  GtkWidget *list = find_route_list (GTK_WIDGET (f->window));

  g_assert_nonnull (list);
  g_autoptr(PmRecord) first = g_list_model_get_item (pm_window_get_visits (f->window), 0);
  GtkWidget *page;

  g_assert_true (gtk_widget_activate_action (list, "list.activate-item", "u", 0));
  wait_for (detail_shown, f, "the visit's detail page");
  page = pm_ui_test_find_by_type (GTK_WIDGET (f->window), PM_TYPE_VISIT_PAGE);
  g_assert_cmpstr (adw_window_title_get_title (ADW_WINDOW_TITLE (pm_ui_test_find_by_type (page, ADW_TYPE_WINDOW_TITLE))),
                   ==, pm_record_get_string (first, "persons"));
}

/* A task the registration office put on a visit reaches the van's page. */
static void
test_visit_notes_shown (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(PmRecord) first = g_list_model_get_item (pm_window_get_visits (f->window), 0);
  g_autoptr(PmRecord) stored = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *page;

  pm_store_set_actor (f->store, PM_TEST_STAFF_ID, PM_ROLE_ADMIN, "it");
  stored = pm_store_get (f->store, PM_TYPE_VISIT, pm_record_get_id (first), &error);
  g_assert_no_error (error);
  pm_record_set_string (stored, "notes", "Rückfrage des Einwohnerwesens (Personalausweis): Geburtsurkunde fehlt");
  pm_store_save (f->store, stored, &error);
  g_assert_no_error (error);
  pm_window_set_store (f->window, f->store);
  wait_for (visits_loaded, f, "loading the day again");

  g_assert_true (gtk_widget_activate_action (find_route_list (GTK_WIDGET (f->window)), "list.activate-item", "u", 0));
  wait_for (detail_shown, f, "the visit's detail page");
  page = pm_ui_test_find_by_type (GTK_WIDGET (f->window), PM_TYPE_VISIT_PAGE);
  g_assert_true (has_row_titled (page, "Notes and tasks"));
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
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (pm_ui_test_find_by_type (GTK_WIDGET (f->window), GTK_TYPE_STACK))),
                   !=, "list");
}

static GtkWidget *
find_button_labelled (GtkWidget  *widget,
                      const char *label)
{
  /* Mapped and sensitive: a button the person could tap now. */
  const char *text = GTK_IS_BUTTON (widget) ? gtk_button_get_label (GTK_BUTTON (widget)) :
                     GTK_IS_MENU_BUTTON (widget) ? gtk_menu_button_get_label (GTK_MENU_BUTTON (widget)) : NULL;

  if (g_strcmp0 (text, label) == 0 && gtk_widget_get_mapped (widget) && gtk_widget_is_sensitive (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button_labelled (child, label);

      if (found)
        return found;
    }
  return NULL;
}

typedef struct
{
  Fixture    *f;
  const char *visit_id;
  const char *status;
} StatusWait;

static gboolean
stored_status_is (StatusWait *wait)
{
  g_autoptr(PmRecord) visit = pm_store_get (wait->f->store, PM_TYPE_VISIT, wait->visit_id, NULL);

  return g_strcmp0 (pm_record_get_string (visit, "status"), wait->status) == 0;
}

static gboolean
button_shown (Fixture *f)
{
  return find_button_labelled (GTK_WIDGET (f->window), g_object_get_data (G_OBJECT (f->window), "want")) != NULL;
}

static void
click_when_shown (Fixture    *f,
                  const char *label)
{
  g_object_set_data (G_OBJECT (f->window), "want", (gpointer) label);
  wait_for (button_shown, f, label);
  g_signal_emit_by_name (find_button_labelled (GTK_WIDGET (f->window), label), "clicked");
}

static void
wait_status (Fixture    *f,
             const char *visit_id,
             const char *status)
{
  StatusWait wait = { f, visit_id, status };

  pm_test_wait_until ((gboolean (*) (gpointer)) stored_status_is, &wait, status);
}

static gboolean
service_added (Fixture *f)
{
  g_autoptr(PmRecord) visit = pm_store_get (f->store, PM_TYPE_VISIT,
                                            g_object_get_data (G_OBJECT (f->window), "visit-id"), NULL);

  return g_strv_contains (pm_record_get_strv (visit, "services"), "LB");
}

static gboolean
person_added (Fixture *f)
{
  g_autoptr(PmRecord) visit = pm_store_get (f->store, PM_TYPE_VISIT,
                                            g_object_get_data (G_OBJECT (f->window), "visit-id"), NULL);
  const char * const *ids = pm_record_get_strv (visit, "citizen_ids");
  g_autoptr(PmRecord) added = NULL;

  if (g_strv_length ((char **) ids) < 2)
    return FALSE;
  added = pm_store_get (f->store, PM_TYPE_CITIZEN, ids[1], NULL);
  return added && g_str_equal (pm_record_get_string (added, "birth_date"), "1938-04-03") &&
         g_str_equal (pm_record_get_string (added, "street"), pm_record_get_string (visit, "street"));
}

static AdwMessageDialog *
find_dialog_headed (const char *heading)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      /* Answered dialogs may linger in the list until they are freed. */
      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)) &&
          g_strcmp0 (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (window)), heading) == 0)
        return ADW_MESSAGE_DIALOG (window);
    }
  return NULL;
}

static gboolean
dialog_shown (Fixture *f)
{
  return find_dialog_headed (g_object_get_data (G_OBJECT (f->window), "dialog")) != NULL;
}

/* The van's steps through the real buttons: set off, arrive, cancel with a
 * reason; the store follows each tap. */
static void
test_visit_actions (Fixture       *f,
                    gconstpointer  data)
{
  GListModel *visits = pm_window_get_visits (f->window);
  g_autofree char *visit_id = NULL;
  guint position = 0;
  AdwMessageDialog *dialog;
  g_autoptr(PmRecord) cancelled = NULL;
  guint n_staff;
  const PmDemoStaff *staff = pm_demo_get_staff (&n_staff);

  pm_store_set_actor (f->store, staff[1].id, PM_ROLE_FIELD, staff[1].department);
  for (guint i = 0; i < g_list_model_get_n_items (visits) && visit_id == NULL; i++)
    {
      g_autoptr(PmRecord) visit = g_list_model_get_item (visits, i);

      if (g_str_equal (pm_record_get_string (visit, "status"), "confirmed"))
        {
          visit_id = g_strdup (pm_record_get_id (visit));
          position = i;
        }
    }
  g_assert_nonnull (visit_id);
  g_assert_true (gtk_widget_activate_action (find_route_list (GTK_WIDGET (f->window)), "list.activate-item", "u", position));

  click_when_shown (f, "Set off");
  wait_status (f, visit_id, "on_the_way");
  click_when_shown (f, "Arrived");
  wait_status (f, visit_id, "arrived");

  /* Asked for on the spot: a life certificate joins the visit. */
  g_object_set_data (G_OBJECT (f->window), "want", (gpointer) "Add a service…");
  wait_for (button_shown, f, "the add-service button");
  g_assert_true (gtk_widget_activate_action (pm_ui_test_find_by_type (GTK_WIDGET (f->window), PM_TYPE_VISIT_PAGE),
                                             "visit.add-service", "s", "LB"));
  g_object_set_data (G_OBJECT (f->window), "visit-id", visit_id);
  wait_for (service_added, f, "the added service");

  /* A spouse met at the door joins the visit. */
  click_when_shown (f, "Add a person…");
  g_object_set_data (G_OBJECT (f->window), "dialog", (gpointer) "Add a Person");
  wait_for (dialog_shown, f, "the person dialog");
  dialog = find_dialog_headed ("Add a Person");
  {
    GtkWidget *box = adw_message_dialog_get_extra_child (dialog);
    GtkWidget *given = gtk_widget_get_first_child (box);
    GtkWidget *family = gtk_widget_get_next_sibling (given);
    GtkWidget *born = gtk_widget_get_next_sibling (family);

    gtk_editable_set_text (GTK_EDITABLE (given), "Waltraud");
    gtk_editable_set_text (GTK_EDITABLE (family), "Beispiel");
    gtk_editable_set_text (GTK_EDITABLE (born), "03.04.1938");
    adw_message_dialog_response (dialog, "add");
  }
  wait_for (person_added, f, "the added person");

  click_when_shown (f, "Cancel…");
  g_object_set_data (G_OBJECT (f->window), "dialog", (gpointer) "Cancel…");
  wait_for (dialog_shown, f, "the reason dialog");
  dialog = find_dialog_headed ("Cancel…");
  /* No reason, no cancelling. */
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "apply"));
  gtk_editable_set_text (GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog)), "Person im Krankenhaus");
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "apply"));
  adw_message_dialog_response (dialog, "apply");
  wait_status (f, visit_id, "cancelled");
  cancelled = pm_store_get (f->store, PM_TYPE_VISIT, visit_id, NULL);
  g_assert_cmpstr (pm_record_get_string (cancelled, "status_reason"), ==, "Person im Krankenhaus");
}

static GtkWidget *
find_by_css_class (GtkWidget  *widget,
                   const char *css_class)
{
  if (gtk_widget_has_css_class (widget, css_class))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_by_css_class (child, css_class);

      if (found)
        return found;
    }
  return NULL;
}

static gboolean
next_visit_shown (Fixture *f)
{
  GtkWidget *page = pm_ui_test_find_by_type (GTK_WIDGET (f->window), PM_TYPE_VISIT_PAGE);
  const char *want = g_object_get_data (G_OBJECT (f->window), "want");

  return page && gtk_widget_get_mapped (page) && has_row_titled (page, want);
}

/* The next stop stands out above the route, and one tap opens it. */
static void
test_next_visit (Fixture       *f,
                 gconstpointer  data)
{
  GListModel *visits = pm_window_get_visits (f->window);
  GtkWidget *card = find_by_css_class (GTK_WIDGET (f->window), "next-visit");
  g_autoptr(PmRecord) next = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (visits) && next == NULL; i++)
    {
      g_autoptr(PmRecord) visit = g_list_model_get_item (visits, i);

      if (g_strv_contains ((const char * const[]) { "scheduled", "confirmed", "on_the_way", "arrived", NULL },
                           pm_record_get_string (visit, "status")))
        next = g_steal_pointer (&visit);
    }
  g_assert_nonnull (next);
  g_assert_nonnull (card);
  g_assert_true (gtk_widget_get_visible (card));
  g_signal_emit_by_name (card, "clicked");
  g_object_set_data (G_OBJECT (f->window), "want", (gpointer) pm_record_get_string (next, "persons"));
  wait_for (next_visit_shown, f, "the next visit's page");
}

static gboolean
case_page_shown (Fixture *f)
{
  GtkWidget *form = pm_ui_test_find_by_type (GTK_WIDGET (f->window), g_type_from_name ("PmCasePage"));

  return form && gtk_widget_get_mapped (form);
}

static gboolean
visit_page_back (Fixture *f)
{
  return pm_ui_test_find_by_type (GTK_WIDGET (f->window), g_type_from_name ("PmCasePage")) == NULL &&
         gtk_widget_get_mapped (pm_ui_test_find_by_type (GTK_WIDGET (f->window), PM_TYPE_VISIT_PAGE));
}

/* At a stop, the clerk captures a case from the person's row; cancelling
 * returns to the visit. */
static void
test_capture_case_from_visit (Fixture       *f,
                              gconstpointer  data)
{
  GListModel *visits = pm_window_get_visits (f->window);
  guint n_staff;
  const PmDemoStaff *staff = pm_demo_get_staff (&n_staff);
  guint position = G_MAXUINT;

  pm_store_set_actor (f->store, staff[1].id, PM_ROLE_FIELD, staff[1].department);
  for (guint i = 0; i < g_list_model_get_n_items (visits) && position == G_MAXUINT; i++)
    {
      g_autoptr(PmRecord) visit = g_list_model_get_item (visits, i);

      if (g_str_equal (pm_record_get_string (visit, "status"), "arrived"))
        position = i;
    }
  g_assert_cmpuint (position, !=, G_MAXUINT);
  g_assert_true (gtk_widget_activate_action (find_route_list (GTK_WIDGET (f->window)), "list.activate-item", "u", position));
  click_when_shown (f, "Capture a case");
  wait_for (case_page_shown, f, "the case page");
  pm_form_page_cancel (PM_FORM_PAGE (pm_ui_test_find_by_type (GTK_WIDGET (f->window), g_type_from_name ("PmCasePage"))));
  wait_for (visit_page_back, f, "the visit page again");
}

typedef struct
{
  Fixture *f;
  GType    type;
  gint64   count;
} CountWait;

static gboolean
count_reached (CountWait *wait)
{
  return pm_store_count (wait->f->store, wait->type, NULL) >= wait->count;
}

static void
wait_count (Fixture *f,
            GType    type,
            gint64   count)
{
  CountWait wait = { f, type, count };

  pm_store_set_actor (f->store, PM_TEST_STAFF_ID, PM_ROLE_ADMIN, "it");
  pm_test_wait_until ((gboolean (*) (gpointer)) count_reached, &wait, g_type_name (type));
}

static gboolean
form_shown (Fixture *f)
{
  GtkWidget *form = pm_ui_test_find_by_type (GTK_WIDGET (f->window), PM_TYPE_FORM_PAGE);

  return form && gtk_widget_get_mapped (form) && pm_form_page_get_ready (PM_FORM_PAGE (form));
}

static void
open_visit_at (Fixture    *f,
               guint       position,
               const char *staff_id,
               const char *department)
{
  pm_store_set_actor (f->store, staff_id, PM_ROLE_FIELD, department);
  g_assert_true (gtk_widget_activate_action (find_route_list (GTK_WIDGET (f->window)), "list.activate-item", "u", position));
}

/* A whole stop through the real widgets: the counsellor sets off and
 * arrives, records counselling; the clerk captures an ID case; the visit
 * is finished. */
static void
test_whole_visit (Fixture       *f,
                  gconstpointer  data)
{
  GListModel *visits = pm_window_get_visits (f->window);
  guint n_staff;
  const PmDemoStaff *staff = pm_demo_get_staff (&n_staff);
  g_autofree char *visit_id = NULL;
  guint position = 0;
  gint64 counselling, cases;

  for (guint i = 0; i < g_list_model_get_n_items (visits) && visit_id == NULL; i++)
    {
      g_autoptr(PmRecord) visit = g_list_model_get_item (visits, i);

      if (g_str_equal (pm_record_get_string (visit, "status"), "confirmed"))
        {
          visit_id = g_strdup (pm_record_get_id (visit));
          position = i;
        }
    }
  pm_store_set_actor (f->store, PM_TEST_STAFF_ID, PM_ROLE_ADMIN, "it");
  counselling = pm_store_count (f->store, PM_TYPE_COUNSELLING_RECORD, NULL);
  cases = pm_store_count (f->store, PM_TYPE_CASE, NULL);

  open_visit_at (f, position, staff[0].id, staff[0].department);
  click_when_shown (f, "Set off");
  wait_status (f, visit_id, "on_the_way");
  open_visit_at (f, position, staff[0].id, staff[0].department);
  click_when_shown (f, "Arrived");
  wait_status (f, visit_id, "arrived");

  open_visit_at (f, position, staff[0].id, staff[0].department);
  click_when_shown (f, "Record counselling");
  wait_for (form_shown, f, "the counselling form");
  pm_form_page_finish (PM_FORM_PAGE (pm_ui_test_find_by_type (GTK_WIDGET (f->window), PM_TYPE_FORM_PAGE)));
  wait_count (f, PM_TYPE_COUNSELLING_RECORD, counselling + 1);

  open_visit_at (f, position, staff[1].id, staff[1].department);
  click_when_shown (f, "Capture a case");
  wait_for (form_shown, f, "the case form");
  /* The citizen signs. */
  pm_signature_pad_add_stroke (PM_SIGNATURE_PAD (pm_ui_test_find_by_type (GTK_WIDGET (f->window), PM_TYPE_SIGNATURE_PAD)),
                               (const double[]) { 0.1, 0.5, 0.3, 0.7, 0.6, 0.4, 0.9, 0.6 }, 4);
  pm_form_page_finish (PM_FORM_PAGE (pm_ui_test_find_by_type (GTK_WIDGET (f->window), PM_TYPE_FORM_PAGE)));
  wait_count (f, PM_TYPE_CASE, cases + 1);

  open_visit_at (f, position, staff[1].id, staff[1].department);
  click_when_shown (f, "Finished");
  wait_status (f, visit_id, "done");
}

static gboolean
window_is_locked (PmWindow *window)
{
  GtkWidget *stack = gtk_widget_get_first_child (gtk_widget_get_first_child (GTK_WIDGET (window)));

  while (stack && !GTK_IS_STACK (stack))
    stack = gtk_widget_get_next_sibling (stack);
  return stack && g_strcmp0 (gtk_stack_get_visible_child_name (GTK_STACK (stack)), "unlock") == 0;
}

/* Locking drops every decrypted record the window holds. */
static void
test_lock_drops_data (Fixture       *f,
                      gconstpointer  data)
{
  GListModel *visits = pm_window_get_visits (f->window);
  GtkWidget *page = pm_ui_test_find_by_type (GTK_WIDGET (f->window), PM_TYPE_VISIT_PAGE);
  GWeakRef first;

  {
    g_autoptr(GObject) item = g_list_model_get_item (visits, 0);

    g_weak_ref_init (&first, item);
  }
  g_assert_true (gtk_widget_activate_action (find_route_list (GTK_WIDGET (f->window)), "list.activate-item", "u", 0));
  wait_for (detail_shown, f, "the visit's detail page");
  g_assert_false (window_is_locked (f->window));

  pm_window_lock (f->window);
  g_assert_true (window_is_locked (f->window));
  g_assert_null (pm_window_get_visits (f->window));
  {
    g_autoptr(GPtrArray) visits_of_today = pm_store_list_visits_for_day (f->store, f->today, NULL);

    g_assert_false (has_row_titled (page, pm_record_get_string (g_ptr_array_index (visits_of_today, 0), "persons")));
  }
  /* No one holds the records any more, so they are finalized (and wiped). */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_null (g_weak_ref_get (&first));
  g_weak_ref_clear (&first);
}

/* The page's own button: entry rows hide an apply button of the same style. */
static GtkWidget *
find_suggested_button (GtkWidget *widget)
{
  if (GTK_IS_BUTTON (widget) && gtk_widget_has_css_class (widget, "suggested-action") &&
      gtk_widget_get_ancestor (widget, ADW_TYPE_ENTRY_ROW) == NULL)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_suggested_button (child);

      if (found)
        return found;
    }
  return NULL;
}

static void
unlock_requested_cb (PmUnlockPage *page,
                     const char   *staff_id,
                     const char   *passphrase,
                     GStrv        *out)
{
  g_strfreev (*out);
  *out = g_strdupv ((char *[]) { (char *) staff_id, (char *) passphrase, NULL });
}

static void
test_unlock_page (void)
{
  GtkWidget *window = gtk_window_new ();
  PmUnlockPage *page = g_object_new (PM_TYPE_UNLOCK_PAGE, NULL);
  g_autoptr(GPtrArray) slots = g_ptr_array_new ();
  PmCryptSlotInfo sabine = { PM_CRYPT_SLOT_PASSPHRASE, "d0000000-0000-4000-8000-000000000001", "Sabine", "soziales" };
  PmCryptSlotInfo recovery = { PM_CRYPT_SLOT_RECOVERY, "recovery", "IT recovery key", "it" };
  PmCryptSlotInfo thomas = { PM_CRYPT_SLOT_PASSPHRASE, "d0000000-0000-4000-8000-000000000002", "Thomas", "einwohnerwesen" };
  g_auto(GStrv) request = NULL;
  GtkWidget *button;
  GtkWidget *entry;

  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (page));
  gtk_window_present (GTK_WINDOW (window));
  g_ptr_array_add (slots, &sabine);
  g_ptr_array_add (slots, &recovery);
  g_ptr_array_add (slots, &thomas);
  pm_unlock_page_set_staff (page, slots);
  g_signal_connect (page, "unlock-requested", G_CALLBACK (unlock_requested_cb), &request);
  button = find_suggested_button (GTK_WIDGET (page));
  entry = pm_ui_test_find_by_type (GTK_WIDGET (page), ADW_TYPE_PASSWORD_ENTRY_ROW);

  /* Only people are offered, not the recovery key. */
  g_assert_cmpint (g_list_model_get_n_items (adw_combo_row_get_model (ADW_COMBO_ROW (pm_ui_test_find_by_type (GTK_WIDGET (page), ADW_TYPE_COMBO_ROW)))), ==, 2);

  /* An empty passphrase is not even tried. */
  g_signal_emit_by_name (button, "clicked");
  g_assert_null (request);

  gtk_editable_set_text (GTK_EDITABLE (entry), "geheim");
  g_signal_emit_by_name (button, "clicked");
  g_assert_nonnull (request);
  g_assert_cmpstr (request[0], ==, sabine.staff_id);
  g_assert_cmpstr (request[1], ==, "geheim");

  /* A refusal with a wait switches unlocking off and forgets the input. */
  pm_unlock_page_refuse (page, "The passphrase is wrong.", 30);
  g_assert_false (gtk_widget_get_sensitive (button));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "");
  g_clear_pointer (&request, g_strfreev);
  gtk_editable_set_text (GTK_EDITABLE (entry), "again");
  g_signal_emit_by_name (button, "clicked");
  g_assert_null (request);

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/ui/route-of-today", Fixture, NULL, fixture_set_up, test_route_of_today, fixture_tear_down);
  g_test_add ("/ui/open-visit", Fixture, NULL, fixture_set_up, test_open_visit, fixture_tear_down);
  g_test_add ("/ui/visit-notes-shown", Fixture, NULL, fixture_set_up, test_visit_notes_shown, fixture_tear_down);
  g_test_add ("/ui/day-navigation", Fixture, NULL, fixture_set_up, test_day_navigation, fixture_tear_down);
  g_test_add ("/ui/lock-drops-data", Fixture, NULL, fixture_set_up, test_lock_drops_data, fixture_tear_down);
  g_test_add ("/ui/visit-actions", Fixture, NULL, fixture_set_up, test_visit_actions, fixture_tear_down);
  g_test_add ("/ui/next-visit", Fixture, NULL, fixture_set_up, test_next_visit, fixture_tear_down);
  g_test_add ("/ui/capture-case-from-visit", Fixture, NULL, fixture_set_up, test_capture_case_from_visit, fixture_tear_down);
  g_test_add ("/ui/whole-visit", Fixture, NULL, fixture_set_up, test_whole_visit, fixture_tear_down);
  g_test_add_func ("/ui/unlock-page", test_unlock_page);
  return g_test_run ();
}
