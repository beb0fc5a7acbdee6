/* pm-window.c: the main window of the van: the day's route and a visit
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pm-window"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "pm-case-page.h"
#include "pm-clock.h"
#include "pm-counselling-page.h"
#include "pm-dispatch-desk.h"
#include "pm-form-page.h"
#include "pm-model.h"
#include "pm-pdf-records.h"
#include "pm-registration-desk.h"
#include "pm-social-desk.h"
#include "pm-sync-indicator.h"
#include "pm-sync-page.h"
#include "pm-ui-labels.h"
#include "pm-visit-page.h"
#include "pm-visit-row.h"
#include "pm-window.h"

struct _PmWindow
{
  AdwApplicationWindow  parent_instance;

  PmStore              *store;
  char                 *date;
  GListModel           *visits;
  GCancellable         *load_cancellable;
  gint64                last_activity;

  GtkStack             *lock_stack;
  PmUnlockPage         *unlock_page;

  AdwLeaflet           *leaflet;
  AdwWindowTitle       *day_title;
  PmSyncIndicator      *sync_indicator;
  GtkStack             *content_stack;
  GtkListView          *visit_list;
  AdwStatusPage        *message_page;
  GtkStack             *detail_stack;
  PmVisitPage          *visit_page;
  PmSyncPage           *sync_page;
  GtkWidget            *route_pane;
  AdwToastOverlay      *toast_overlay;
  GtkMenuButton        *person_button;
  GtkWidget            *next_visit_button;
  GtkLabel             *next_title;
  GtkLabel             *next_place;
  guint                 next_position;
  AdwButtonContent     *person_content;
  PmDispatchDesk       *dispatch_desk;
  PmRegistrationDesk   *registration_desk; /* made when first needed */
  PmSyncStatus         *sync_status;
  PmSocialDesk         *social_desk;
};

G_DEFINE_FINAL_TYPE (PmWindow, pm_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_DATE,
  PROP_VISITS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update_day_title (PmWindow *self)
{
  g_autofree char *day = pm_ui_format_day_short (self->date);
  g_autofree char *full_day = pm_ui_format_day (self->date);
  g_autofree char *count = NULL;

  adw_window_title_set_title (self->day_title, day);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->day_title), full_day);
  if (self->visits)
    {
      guint n = g_list_model_get_n_items (self->visits);

      count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u visit", "%u visits", n), n);
    }
  adw_window_title_set_subtitle (self->day_title, count ? count : "");
}

static void
set_visits (PmWindow   *self,
            GListModel *visits)
{
  g_autoptr(GtkNoSelection) selection = NULL;

  if (!g_set_object (&self->visits, visits))
    return;
  selection = gtk_no_selection_new (visits ? g_object_ref (visits) : NULL);
  gtk_list_view_set_model (self->visit_list, GTK_SELECTION_MODEL (selection));
  update_day_title (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VISITS]);
}

static void visit_activated_cb (PmWindow    *self,
                                guint        position,
                                GtkListView *list);

/* The stop the van is heading for: the first one not yet over. */
static void
show_next_visit (PmWindow *self)
{
  guint n = self->visits ? g_list_model_get_n_items (self->visits) : 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PmRecord) visit = g_list_model_get_item (self->visits, i);
      const char *status = pm_record_get_string (visit, "status");
      g_autofree char *title = NULL;
      g_autofree char *place = NULL;

      if (!g_strv_contains ((const char * const[]) { "scheduled", "confirmed", "on_the_way", "arrived", NULL }, status))
        continue;
      /* Translators: time and persons of the next visit */
      title = g_strdup_printf (_("%s  %s"), pm_record_get_string (visit, "planned_start"),
                               pm_record_get_string (visit, "persons"));
      place = pm_ui_visit_place (visit);
      gtk_label_set_label (self->next_title, title);
      gtk_label_set_label (self->next_place, place);
      {
        /* Translators: accessible name of the next-visit card: time and persons, place */
        g_autofree char *accessible = g_strdup_printf (_("Next visit: %s, %s"), title, place);

        gtk_accessible_update_property (GTK_ACCESSIBLE (self->next_visit_button),
                                        GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
      }
      self->next_position = i;
      gtk_widget_set_visible (self->next_visit_button, TRUE);
      return;
    }
  gtk_widget_set_visible (self->next_visit_button, FALSE);
}

static void
next_clicked_cb (PmWindow *self)
{
  visit_activated_cb (self, self->next_position, self->visit_list);
}

static void
visits_loaded_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(PmWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) visits = pm_store_list_visits_for_day_finish (PM_STORE (source), result, &error);

  if (visits == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_warning ("Loading the visits of %s failed: %s", self->date, error->message);
      pm_window_show_message (self, "dialog-error-symbolic", _("The Route Could Not Be Loaded"), error->message);
      return;
    }
  set_visits (self, visits);
  show_next_visit (self);
  gtk_stack_set_visible_child_name (self->content_stack,
                                    g_list_model_get_n_items (visits) > 0 ? "list" : "empty");
}

static void
load_visits (PmWindow *self)
{
  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();
  pm_store_list_visits_for_day_async (self->store, self->date, self->load_cancellable,
                                      visits_loaded_cb, g_object_ref (self));
}

/* The offices work at their desks instead of the van's route (dispatch plans
 * the week, the registration office works through its cases, Soziales
 * keeps its follow-ups and the social planning sees its figures); the desk
 * follows the acting person. Returns whether a desk shows. */
static gboolean
show_role_desk (PmWindow *self)
{
  PmRole role = self->store ? pm_store_get_actor_role (self->store) : PM_ROLE_INVALID;
  GMenuModel *people = gtk_menu_button_get_menu_model (self->person_button);
  const char *acting = adw_button_content_get_label (self->person_content);
  const char *page = "main";

  if (role == PM_ROLE_DISPATCH && self->dispatch_desk == NULL)
    {
      self->dispatch_desk = pm_dispatch_desk_new ();
      gtk_stack_add_named (self->lock_stack, GTK_WIDGET (self->dispatch_desk), "dispatch");
    }
  if (role == PM_ROLE_EINWOHNERWESEN && self->registration_desk == NULL)
    {
      self->registration_desk = g_object_new (PM_TYPE_REGISTRATION_DESK, NULL);
      pm_registration_desk_set_sync_status (self->registration_desk, self->sync_status);
      gtk_stack_add_named (self->lock_stack, GTK_WIDGET (self->registration_desk), "registration-desk");
    }
  if (self->dispatch_desk)
    {
      pm_dispatch_desk_set_people (self->dispatch_desk, people, acting);
      pm_dispatch_desk_set_store (self->dispatch_desk, role == PM_ROLE_DISPATCH ? self->store : NULL);
    }
  if (self->registration_desk)
    {
      pm_registration_desk_set_people (self->registration_desk, people, acting);
      pm_registration_desk_set_store (self->registration_desk,
                                      role == PM_ROLE_EINWOHNERWESEN ? self->store : NULL);
    }
  pm_social_desk_set_people (self->social_desk, people, acting);
  pm_social_desk_set_store (self->social_desk,
                            role == PM_ROLE_SOZIALES || role == PM_ROLE_PLANNING ? self->store : NULL);
  if (role == PM_ROLE_DISPATCH)
    page = "dispatch";
  else if (role == PM_ROLE_EINWOHNERWESEN)
    page = "registration-desk";
  else if (role == PM_ROLE_SOZIALES || role == PM_ROLE_PLANNING)
    page = "social";
  if (self->store)
    gtk_stack_set_visible_child_name (self->lock_stack, page);
  return self->store && !g_str_equal (page, "main");
}

static void
reload (PmWindow *self)
{
  update_day_title (self);
  if (show_role_desk (self) || self->store == NULL)
    return;

  set_visits (self, NULL);
  gtk_stack_set_visible_child_name (self->content_stack, "loading");
  gtk_stack_set_visible_child_name (self->detail_stack, "none");
  load_visits (self);
}

static void
visit_changed_cb (PmWindow    *self,
                  PmVisit     *visit,
                  PmVisitPage *page)
{
  /* The list row follows; the detail page stays with this visit. */
  pm_visit_page_show_visit (page, self->store, visit);
  load_visits (self);
}

static void
close_form (PmWindow *self)
{
  GtkWidget *form = gtk_stack_get_child_by_name (self->detail_stack, "form");

  gtk_stack_set_visible_child_name (self->detail_stack, "visit");
  if (form)
    gtk_stack_remove (self->detail_stack, form);
}

static void
form_cancelled_cb (PmWindow   *self,
                   PmFormPage *form)
{
  close_form (self);
}

static void
form_finished_cb (PmWindow   *self,
                  PmRecord   *saved,
                  PmFormPage *form)
{
  g_autofree char *target = g_strdup_printf ("%s/%s", pm_record_get_kind (saved), pm_record_get_id (saved));

  close_form (self);
  /* The person takes a paper copy: the care plan or the receipt. */
  pm_window_notify (self, PM_IS_CASE (saved) ? _("The case is saved.") : _("The counselling is saved."),
                    PM_IS_CASE (saved) ? _("Receipt (PDF)") : _("Care plan (PDF)"),
                    "win.document", g_variant_new_string (target));
}

typedef struct
{
  PmStore *store;
  char    *kind;
  char    *id;
} DocumentJob;

static void
document_job_free (DocumentJob *job)
{
  g_object_unref (job->store);
  g_free (job->kind);
  g_free (job->id);
  g_free (job);
}

static void
document_thread (GTask        *task,
                 gpointer      source,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  DocumentJob *job = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(PmRecord) record = pm_store_get (job->store, pm_model_type_for (job->kind), job->id, &error);
  g_autoptr(PmRecord) citizen = NULL;
  g_autofree char *path = NULL;
  g_autofree char *dir = NULL;

  if (record)
    citizen = pm_store_get (job->store, PM_TYPE_CITIZEN, pm_record_get_string (record, "citizen_id"), &error);
  if (citizen)
    {
      path = pm_pdf_default_path (record, citizen);
      dir = g_path_get_dirname (path);
      if (g_mkdir_with_parents (dir, 0700) != 0)
        g_set_error (&error, G_IO_ERROR, g_io_error_from_errno (errno), "Cannot create %s: %s", dir, g_strerror (errno));
      else if (pm_pdf_write_for_record (job->store, record, path, &error))
        {
          g_task_return_pointer (task, g_steal_pointer (&path), g_free);
          return;
        }
    }
  g_task_return_error (task, g_steal_pointer (&error));
}

static void
document_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  PmWindow *self = PM_WINDOW (source);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_task_propagate_pointer (G_TASK (result), &error);
  g_autofree char *message = NULL;
  g_autofree char *uri = NULL;

  if (path == NULL)
    {
      g_warning ("Writing the document failed: %s", error->message);
      /* Translators: %s says why */
      message = g_strdup_printf (_("The document could not be written: %s"), error->message);
      pm_window_notify (self, message, NULL, NULL, NULL);
      return;
    }
  uri = g_filename_to_uri (path, NULL, NULL);
  /* Translators: %s is a file name */
  message = g_strdup_printf (_("Saved as %s"), path);
  pm_window_notify (self, message, NULL, NULL, NULL);
  gtk_show_uri (GTK_WINDOW (self), uri, GDK_CURRENT_TIME);
}

/* "win.document" with "kind/id": the record's PDF, written off the main
 * thread into the documents folder, then shown. */
static void
document_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  PmWindow *self = PM_WINDOW (widget);
  g_auto(GStrv) parts = g_strsplit (g_variant_get_string (parameter, NULL), "/", 2);
  g_autoptr(GTask) task = NULL;
  DocumentJob *job;

  if (self->store == NULL || g_strv_length (parts) != 2)
    return;
  job = g_new0 (DocumentJob, 1);
  job->store = g_object_ref (self->store);
  job->kind = g_strdup (parts[0]);
  job->id = g_strdup (parts[1]);
  task = g_task_new (self, NULL, document_done_cb, NULL);
  g_task_set_task_data (task, job, (GDestroyNotify) document_job_free);
  g_task_run_in_thread (task, document_thread);
}

static void
open_form_cb (PmWindow    *self,
              const char  *kind,
              PmVisit     *visit,
              PmRecord    *citizen,
              PmVisitPage *page)
{
  GtkWidget *form = g_str_equal (kind, "counselling") ? pm_counselling_page_new () : pm_case_page_new ();

  close_form (self);
  if (PM_IS_COUNSELLING_PAGE (form))
    pm_counselling_page_edit (PM_COUNSELLING_PAGE (form), self->store, PM_RECORD (visit), citizen,
                              pm_store_get_actor_id (self->store));
  else
    pm_case_page_edit (PM_CASE_PAGE (form), self->store, PM_RECORD (visit), citizen,
                       pm_store_get_actor_id (self->store));
  g_signal_connect_object (form, "finished", G_CALLBACK (form_finished_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (form, "cancelled", G_CALLBACK (form_cancelled_cb), self, G_CONNECT_SWAPPED);
  gtk_stack_add_named (self->detail_stack, form, "form");
  gtk_stack_set_visible_child (self->detail_stack, form);
  adw_leaflet_set_visible_child (self->leaflet, GTK_WIDGET (self->detail_stack));
}

static void
visit_change_failed_cb (PmWindow    *self,
                        const char  *message,
                        PmVisitPage *page)
{
  pm_window_notify (self, message, NULL, NULL, NULL);
}


static void
move_day (PmWindow *self,
          int       days)
{
  g_autofree char *iso = g_strconcat (self->date, "T12:00:00Z", NULL);
  g_autoptr(GDateTime) current = g_date_time_new_from_iso8601 (iso, NULL);
  g_autoptr(GDateTime) moved = g_date_time_add_days (current, days);
  g_autofree char *date = g_date_time_format (moved, "%Y-%m-%d");

  pm_window_set_date (self, date);
}

static void
previous_day_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  move_day (PM_WINDOW (widget), -1);
}

static void
next_day_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  move_day (PM_WINDOW (widget), 1);
}

static void
today_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  g_autofree char *today = pm_clock_today ();

  pm_window_set_date (PM_WINDOW (widget), today);
}

static void
show_route_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  PmWindow *self = PM_WINDOW (widget);

  adw_leaflet_set_visible_child (self->leaflet, self->route_pane);
}

/* "win.show-sync", from the header's sync indicator: what has not reached
 * the server and what it refused, in the detail pane. */
static void
show_sync_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  PmWindow *self = PM_WINDOW (widget);

  if (self->store == NULL)
    return;
  close_form (self);
  gtk_stack_set_visible_child_name (self->detail_stack, "sync");
  adw_leaflet_set_visible_child (self->leaflet, GTK_WIDGET (self->detail_stack));
  pm_sync_page_reload (self->sync_page);
}

static void
visit_activated_cb (PmWindow    *self,
                    guint        position,
                    GtkListView *list)
{
  g_autoptr(PmVisit) visit = g_list_model_get_item (self->visits, position);

  if (visit == NULL)
    return;
  pm_visit_page_show_visit (self->visit_page, self->store, visit);
  gtk_stack_set_visible_child_name (self->detail_stack, "visit");
  adw_leaflet_set_visible_child (self->leaflet, GTK_WIDGET (self->detail_stack));
}

static void
folded_changed_cb (PmWindow *self)
{
  pm_visit_page_set_back_visible (self->visit_page, adw_leaflet_get_folded (self->leaflet));
  pm_sync_page_set_back_visible (self->sync_page, adw_leaflet_get_folded (self->leaflet));
}

static void
activity_cb (PmWindow *self)
{
  self->last_activity = g_get_monotonic_time ();
}

/* Any key, click or pointer movement counts as someone at the laptop. */
static void
watch_activity (PmWindow *self)
{
  GtkEventController *key = gtk_event_controller_key_new ();
  GtkEventController *motion = gtk_event_controller_motion_new ();
  GtkGesture *click = gtk_gesture_click_new ();

  gtk_event_controller_set_propagation_phase (key, GTK_PHASE_CAPTURE);
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (click), GTK_PHASE_CAPTURE);
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), 0);
  g_signal_connect_swapped (key, "key-pressed", G_CALLBACK (activity_cb), self);
  g_signal_connect_swapped (motion, "motion", G_CALLBACK (activity_cb), self);
  g_signal_connect_swapped (click, "pressed", G_CALLBACK (activity_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), key);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  activity_cb (self);
}

static void
pm_window_dispose (GObject *object)
{
  PmWindow *self = PM_WINDOW (object);

  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  g_clear_object (&self->visits);
  g_clear_object (&self->store);
  g_clear_object (&self->sync_status);
  G_OBJECT_CLASS (pm_window_parent_class)->dispose (object);
}

static void
pm_window_finalize (GObject *object)
{
  PmWindow *self = PM_WINDOW (object);

  g_free (self->date);
  G_OBJECT_CLASS (pm_window_parent_class)->finalize (object);
}

static void
pm_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  PmWindow *self = PM_WINDOW (object);

  switch (prop_id)
    {
    case PROP_DATE:
      g_value_set_string (value, self->date);
      break;
    case PROP_VISITS:
      g_value_set_object (value, self->visits);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pm_window_class_init (PmWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pm_window_dispose;
  object_class->finalize = pm_window_finalize;
  object_class->get_property = pm_window_get_property;

  /* The day shown, YYYY-MM-DD. */
  properties[PROP_DATE] =
    g_param_spec_string ("date", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /* The visits of that day once loaded, in route order. */
  properties[PROP_VISITS] =
    g_param_spec_object ("visits", NULL, NULL, G_TYPE_LIST_MODEL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (PM_TYPE_SOCIAL_DESK);
  g_type_ensure (PM_TYPE_SYNC_INDICATOR);
  g_type_ensure (PM_TYPE_SYNC_PAGE);
  g_type_ensure (PM_TYPE_UNLOCK_PAGE);
  g_type_ensure (PM_TYPE_VISIT_PAGE);
  g_type_ensure (PM_TYPE_VISIT_ROW);
  gtk_widget_class_set_template_from_resource (widget_class, "/de/halle/PePaMo/ui/pm-window.ui");
  gtk_widget_class_bind_template_child (widget_class, PmWindow, lock_stack);
  gtk_widget_class_bind_template_child (widget_class, PmWindow, unlock_page);
  gtk_widget_class_bind_template_child (widget_class, PmWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, PmWindow, day_title);
  gtk_widget_class_bind_template_child (widget_class, PmWindow, sync_indicator);
  gtk_widget_class_bind_template_child (widget_class, PmWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, PmWindow, visit_list);
  gtk_widget_class_bind_template_child (widget_class, PmWindow, message_page);
  gtk_widget_class_bind_template_child (widget_class, PmWindow, detail_stack);
  gtk_widget_class_bind_template_child (widget_class, PmWindow, visit_page);
  gtk_widget_class_bind_template_child (widget_class, PmWindow, sync_page);
  gtk_widget_class_bind_template_child (widget_class, PmWindow, route_pane);
  gtk_widget_class_bind_template_child (widget_class, PmWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, PmWindow, person_button);
  gtk_widget_class_bind_template_child (widget_class, PmWindow, next_visit_button);
  gtk_widget_class_bind_template_child (widget_class, PmWindow, next_title);
  gtk_widget_class_bind_template_child (widget_class, PmWindow, next_place);
  gtk_widget_class_bind_template_callback (widget_class, next_clicked_cb);
  gtk_widget_class_bind_template_child (widget_class, PmWindow, person_content);
  gtk_widget_class_bind_template_child (widget_class, PmWindow, social_desk);
  gtk_widget_class_bind_template_callback (widget_class, visit_activated_cb);

  gtk_widget_class_install_action (widget_class, "win.previous-day", NULL, previous_day_action);
  gtk_widget_class_install_action (widget_class, "win.next-day", NULL, next_day_action);
  gtk_widget_class_install_action (widget_class, "win.today", NULL, today_action);
  gtk_widget_class_install_action (widget_class, "win.show-route", NULL, show_route_action);
  gtk_widget_class_install_action (widget_class, "win.show-sync", NULL, show_sync_action);
  gtk_widget_class_install_action (widget_class, "win.document", "s", document_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "win.previous-day", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, GDK_ALT_MASK, "win.next-day", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Home, GDK_ALT_MASK, "win.today", NULL);
}

static void
pm_window_init (PmWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  watch_activity (self);
  self->date = pm_clock_today ();
  g_signal_connect_object (self->leaflet, "notify::folded", G_CALLBACK (folded_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->visit_page, "visit-changed", G_CALLBACK (visit_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->visit_page, "failed", G_CALLBACK (visit_change_failed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->visit_page, "open-form", G_CALLBACK (open_form_cb), self, G_CONNECT_SWAPPED);
  folded_changed_cb (self);
  update_day_title (self);
}

PmWindow *
pm_window_new (GtkApplication *application,
               PmSyncStatus   *sync_status)
{
  PmWindow *self = g_object_new (PM_TYPE_WINDOW, "application", application, NULL);

  pm_sync_indicator_set_status (self->sync_indicator, sync_status);
  g_set_object (&self->sync_status, sync_status);
  pm_sync_page_set_status (self->sync_page, sync_status);
  if (PM_IS_REPORT_SOURCE (sync_status))
    pm_social_desk_set_report_source (self->social_desk, PM_REPORT_SOURCE (sync_status));
  return self;
}

/* With a store, the route shows; without one, the unlock page. */
void
pm_window_set_store (PmWindow *self,
                     PmStore  *store)
{
  g_return_if_fail (PM_IS_WINDOW (self));
  g_set_object (&self->store, store);
  if (store == NULL)
    {
      pm_window_lock (self);
      return;
    }
  pm_sync_page_set_store (self->sync_page, store);
  reload (self);
}

/* Drops everything decrypted that the window holds and shows the unlock
 * page; the caller closes the store. */
void
pm_window_lock (PmWindow *self)
{
  g_return_if_fail (PM_IS_WINDOW (self));

  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  g_clear_object (&self->store);
  set_visits (self, NULL);
  pm_visit_page_clear (self->visit_page);
  pm_sync_page_set_store (self->sync_page, NULL);
  show_role_desk (self);
  gtk_stack_set_visible_child_name (self->detail_stack, "none");
  adw_leaflet_set_visible_child (self->leaflet, self->route_pane);
  gtk_stack_set_visible_child_name (self->content_stack, "loading");
  pm_unlock_page_reset (self->unlock_page);
  gtk_stack_set_visible_child_name (self->lock_stack, "unlock");
}

/* A short message at the bottom, with an optional button (e.g. "Open"). */
void
pm_window_notify (PmWindow   *self,
                  const char *message,
                  const char *button_label,
                  const char *action_name,
                  GVariant   *target)
{
  AdwToast *toast;

  g_return_if_fail (PM_IS_WINDOW (self));
  toast = adw_toast_new (message);
  if (button_label && action_name)
    {
      adw_toast_set_button_label (toast, button_label);
      adw_toast_set_action_name (toast, action_name);
      if (target)
        adw_toast_set_action_target_value (toast, target);
    }
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* The people signed in on this laptop: the header names who acts now; the
 * menu switches with one tap or signs in the second person. */
void
pm_window_set_people (PmWindow   *self,
                      GMenuModel *menu,
                      const char *acting_name)
{
  g_return_if_fail (PM_IS_WINDOW (self));
  pm_ui_show_person (self->person_button, GTK_WIDGET (self->person_content), menu, acting_name);
  if (self->store)
    reload (self);
  else
    show_role_desk (self);
}

PmUnlockPage *
pm_window_get_unlock_page (PmWindow *self)
{
  g_return_val_if_fail (PM_IS_WINDOW (self), NULL);
  return self->unlock_page;
}

gint64
pm_window_get_idle_seconds (PmWindow *self)
{
  g_return_val_if_fail (PM_IS_WINDOW (self), 0);
  return (g_get_monotonic_time () - self->last_activity) / G_USEC_PER_SEC;
}

void
pm_window_show_message (PmWindow   *self,
                        const char *icon_name,
                        const char *title,
                        const char *description)
{
  g_return_if_fail (PM_IS_WINDOW (self));
  adw_status_page_set_icon_name (self->message_page, icon_name);
  adw_status_page_set_title (self->message_page, title);
  adw_status_page_set_description (self->message_page, description);
  gtk_stack_set_visible_child_name (self->content_stack, "message");
  gtk_stack_set_visible_child_name (self->lock_stack, "main");
}

void
pm_window_set_date (PmWindow   *self,
                    const char *date)
{
  g_return_if_fail (PM_IS_WINDOW (self));
  g_return_if_fail (date != NULL);
  if (g_strcmp0 (self->date, date) == 0)
    return;
  g_free (self->date);
  self->date = g_strdup (date);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DATE]);
  reload (self);
}

const char *
pm_window_get_date (PmWindow *self)
{
  g_return_val_if_fail (PM_IS_WINDOW (self), NULL);
  return self->date;
}

GListModel *
pm_window_get_visits (PmWindow *self)
{
  g_return_val_if_fail (PM_IS_WINDOW (self), NULL);
  return self->visits;
}
