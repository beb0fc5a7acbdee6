/* pm-registration-desk.c: the registration office's inbox and case detail
 *
 * Shown instead of the van's route when the acting person works in the
 * registration office (role einwohnerwesen). The inbox lists every case,
 * newest first, with counts per status; it filters by status, service,
 * district, clerk and the day captured, and searches names and case
 * numbers. Core refuses the inbox to anyone outside Einwohnerwesen and
 * hands it no health data: the person's name and district are all it has.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pm-registration"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "pm-catalogue.h"
#include "pm-city.h"
#include "pm-form-util.h"
#include "pm-model.h"
#include "pm-registration-desk.h"
#include "pm-sync-indicator.h"

struct _PmRegistrationDesk
{
  AdwBin              parent_instance;

  PmStore            *store;
  PmSyncStatus       *sync_status;
  GPtrArray          *cases;
  GCancellable       *cancellable;
  gboolean            loading;
  gboolean            rebuilding;
  GPtrArray          *service_keys;
  GPtrArray          *district_keys;
  GPtrArray          *staff_keys;
  guint               n_shown;

  AdwToastOverlay    *toast_overlay;
  AdwLeaflet         *leaflet;
  GtkWidget          *inbox_pane;
  AdwWindowTitle     *inbox_title;
  PmSyncIndicator    *sync_indicator;
  GtkMenuButton      *person_button;
  AdwButtonContent   *person_content;
  GtkSearchEntry     *search_entry;
  GtkDropDown        *status_filter;
  GtkDropDown        *service_filter;
  GtkDropDown        *district_filter;
  GtkDropDown        *staff_filter;
  GtkEntry           *date_filter;
  GtkLabel           *counts_label;
  GtkStack           *list_stack;
  GtkListBox         *case_list;
  AdwStatusPage      *error_page;
  PmRegistrationCase *case_page;
};

G_DEFINE_FINAL_TYPE (PmRegistrationDesk, pm_registration_desk, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The status filter's keys; "received" is what the van sent and nobody has
 * taken up yet (captured or submitted). */
static const char * const status_keys[] = {
  "received", "in_progress", "query", "booked", "document_ready",
  "handover_planned", "handed_over", "closed", "rejected", NULL
};

static const char *
status_key_of (PmRecord *kase)
{
  const char *status = pm_record_get_string (kase, "status");

  return g_strcmp0 (status, "captured") == 0 || g_strcmp0 (status, "submitted") == 0 ? "received" : status;
}

static const char *
status_key_label (const char *key)
{
  return g_str_equal (key, "received") ? _("Received") : pm_case_status_get_label (key);
}

static const char *
selected_key (GtkDropDown *filter,
              GPtrArray   *keys)
{
  guint selected = gtk_drop_down_get_selected (filter);

  /* Item 0 is "all". */
  return selected > 0 && selected <= keys->len ? g_ptr_array_index (keys, selected - 1) : NULL;
}

/* A filter's items: "all" first, then @labels; the previous choice stays
 * chosen if it is still there. */
static void
fill_filter (PmRegistrationDesk *self,
             GtkDropDown        *filter,
             GPtrArray          *keys,
             GPtrArray          *new_keys,
             GPtrArray          *labels,
             const char         *all)
{
  g_autofree char *previous = g_strdup (selected_key (filter, keys));
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);
  guint selected = 0;

  g_ptr_array_set_size (keys, 0);
  gtk_string_list_append (model, all);
  for (guint i = 0; i < new_keys->len; i++)
    {
      g_ptr_array_add (keys, g_strdup (g_ptr_array_index (new_keys, i)));
      gtk_string_list_append (model, g_ptr_array_index (labels, i));
      if (g_strcmp0 (previous, g_ptr_array_index (new_keys, i)) == 0)
        selected = i + 1;
    }
  self->rebuilding = TRUE;
  gtk_drop_down_set_model (filter, G_LIST_MODEL (model));
  gtk_drop_down_set_selected (filter, selected);
  self->rebuilding = FALSE;
}

static void
fill_status_filter (PmRegistrationDesk *self)
{
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);

  gtk_string_list_append (model, _("All statuses"));
  for (guint i = 0; status_keys[i]; i++)
    gtk_string_list_append (model, status_key_label (status_keys[i]));
  gtk_drop_down_set_model (self->status_filter, G_LIST_MODEL (model));
}

static void
fill_service_filter (PmRegistrationDesk *self)
{
  GPtrArray *services = pm_catalogue_get_services (pm_catalogue_get_default ());
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();

  for (guint i = 0; i < services->len; i++)
    {
      const PmService *service = g_ptr_array_index (services, i);

      if (g_strcmp0 (service->domain, "einwohnerwesen") != 0)
        continue;
      g_ptr_array_add (keys, service->code);
      g_ptr_array_add (labels, service->name);
    }
  fill_filter (self, self->service_filter, self->service_keys, keys, labels, _("All services"));
}

/* The districts and clerks that occur, in the order first seen. */
static void
fill_found_filters (PmRegistrationDesk *self)
{
  g_autoptr(GPtrArray) districts = g_ptr_array_new ();
  g_autoptr(GPtrArray) district_labels = g_ptr_array_new ();
  g_autoptr(GPtrArray) staff = g_ptr_array_new ();
  PmCity *city = pm_city_get_default ();

  for (guint i = 0; i < self->cases->len; i++)
    {
      PmRecord *kase = g_ptr_array_index (self->cases, i);
      const char *district = pm_record_get_string (kase, "stadtteil");
      const char *clerk = pm_record_get_string (kase, "staff_name");

      if (district && !g_ptr_array_find_with_equal_func (districts, district, g_str_equal, NULL))
        {
          const PmArea *area = pm_city_lookup_area (city, district);

          g_ptr_array_add (districts, (gpointer) district);
          g_ptr_array_add (district_labels, (gpointer) (area ? area->name : district));
        }
      if (clerk && !g_ptr_array_find_with_equal_func (staff, clerk, g_str_equal, NULL))
        g_ptr_array_add (staff, (gpointer) clerk);
    }
  fill_filter (self, self->district_filter, self->district_keys, districts, district_labels, _("All districts"));
  fill_filter (self, self->staff_filter, self->staff_keys, staff, staff, _("All clerks"));
}

static gboolean
contains_folded (const char *text,
                 const char *needle)
{
  g_autofree char *folded = text ? g_utf8_casefold (text, -1) : NULL;

  return folded && strstr (folded, needle) != NULL;
}

static gboolean
matches (PmRegistrationDesk *self,
         PmRecord           *kase,
         const char         *needle,
         const char         *day)
{
  guint selected = gtk_drop_down_get_selected (self->status_filter);
  const char *status = selected > 0 && selected <= g_strv_length ((char **) status_keys) ? status_keys[selected - 1] : NULL;
  const char *service = selected_key (self->service_filter, self->service_keys);
  const char *district = selected_key (self->district_filter, self->district_keys);
  const char *clerk = selected_key (self->staff_filter, self->staff_keys);

  if (status && g_strcmp0 (status_key_of (kase), status) != 0)
    return FALSE;
  if (service && g_strcmp0 (pm_record_get_string (kase, "service"), service) != 0)
    return FALSE;
  if (district && g_strcmp0 (pm_record_get_string (kase, "stadtteil"), district) != 0)
    return FALSE;
  if (clerk && g_strcmp0 (pm_record_get_string (kase, "staff_name"), clerk) != 0)
    return FALSE;
  if (day && g_strcmp0 (pm_record_get_string (kase, "captured_on"), day) != 0)
    return FALSE;
  return needle == NULL ||
         contains_folded (pm_record_get_string (kase, "person_name"), needle) ||
         contains_folded (pm_record_get_string (kase, "registration_number"), needle) ||
         contains_folded (pm_record_get_string (kase, "receipt_no"), needle) ||
         g_str_has_prefix (pm_record_get_id (kase), needle);
}

static GtkWidget *
case_row (PmRecord *kase)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *status = gtk_label_new (status_key_label (status_key_of (kase)));
  const PmService *service = pm_catalogue_lookup_service (pm_catalogue_get_default (),
                                                          pm_record_get_string (kase, "service"));
  const PmArea *area = pm_city_lookup_area (pm_city_get_default (), pm_record_get_string (kase, "stadtteil"));
  g_autofree char *day = pm_form_format_date (pm_record_get_string (kase, "captured_on"));
  const char *number = pm_record_get_string (kase, "registration_number");
  g_autofree char *subtitle = g_strdup_printf ("%s · %s · %s%s%s", service ? service->name : "", day ?: "",
                                               area ? area->name : "", number ? " · " : "", number ?: "");

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), pm_record_get_string (kase, "person_name") ?: "");
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_widget_set_size_request (row, -1, 56);
  gtk_widget_add_css_class (status, "dim-label");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), status);
  g_object_set_data_full (G_OBJECT (row), "case-id", g_strdup (pm_record_get_id (kase)), g_free);
  return row;
}

static void
show_counts (PmRegistrationDesk *self)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *subtitle = NULL;

  for (guint i = 0; status_keys[i]; i++)
    {
      guint n = pm_registration_desk_get_count (self, status_keys[i]);

      if (n > 0)
        g_string_append_printf (text, "%s%s %u", text->len ? " · " : "", status_key_label (status_keys[i]), n);
    }
  gtk_label_set_label (self->counts_label, text->str);
  subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u case", "%u cases", self->n_shown), self->n_shown);
  adw_window_title_set_subtitle (self->inbox_title, subtitle);
}

static void
show_cases (PmRegistrationDesk *self)
{
  g_autofree char *search = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->search_entry))));
  g_autofree char *needle = *search ? g_utf8_casefold (search, -1) : NULL;
  const char *day_text = gtk_editable_get_text (GTK_EDITABLE (self->date_filter));
  g_autofree char *day = pm_form_parse_date (day_text);
  GtkWidget *child;

  /* A day that cannot be read (the parser hands it back as typed) filters
   * nothing, and says so. */
  if (day && g_strcmp0 (day, day_text) == 0 && !(strlen (day) == 10 && day[4] == '-' && day[7] == '-'))
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->date_filter), "error");
      g_clear_pointer (&day, g_free);
    }
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->date_filter), "error");

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->case_list))) != NULL)
    gtk_list_box_remove (self->case_list, child);
  self->n_shown = 0;
  for (guint i = 0; self->cases && i < self->cases->len; i++)
    {
      PmRecord *kase = g_ptr_array_index (self->cases, i);

      if (!matches (self, kase, needle, day))
        continue;
      gtk_list_box_append (self->case_list, case_row (kase));
      self->n_shown++;
    }
  show_counts (self);
  gtk_stack_set_visible_child_name (self->list_stack, self->n_shown > 0 ? "list" : "empty");
}

static void
set_loading (PmRegistrationDesk *self,
             gboolean            loading)
{
  if (self->loading == loading)
    return;
  self->loading = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
inbox_loaded_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(PmRegistrationDesk) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) cases = pm_store_list_case_inbox_finish (PM_STORE (source), result, &error);

  if (cases == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_warning ("Loading the inbox failed: %s", error->message);
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->list_stack, "error");
      set_loading (self, FALSE);
      return;
    }
  g_clear_pointer (&self->cases, g_ptr_array_unref);
  self->cases = g_steal_pointer (&cases);
  fill_found_filters (self);
  show_cases (self);
  set_loading (self, FALSE);
}

static void
filter_changed_cb (PmRegistrationDesk *self)
{
  if (!self->rebuilding)
    show_cases (self);
}

static void
reload_clicked_cb (PmRegistrationDesk *self)
{
  pm_registration_desk_reload (self);
}

static void
row_activated_cb (PmRegistrationDesk *self,
                  GtkListBoxRow      *row)
{
  pm_registration_desk_open_case (self, g_object_get_data (G_OBJECT (row), "case-id"));
}

static void
case_changed_cb (PmRegistrationDesk *self,
                 PmRecord           *kase)
{
  pm_registration_desk_reload (self);
}

static void
back_cb (PmRegistrationDesk *self)
{
  adw_leaflet_set_visible_child (self->leaflet, self->inbox_pane);
}

static void
message_cb (PmRegistrationDesk *self,
            const char         *text)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
}

static void
folded_changed_cb (PmRegistrationDesk *self)
{
  pm_registration_case_set_back_visible (self->case_page, adw_leaflet_get_folded (self->leaflet));
}

/* The desk has no sync page: its sync indicator (which asks for
 * "win.show-sync") syncs at once; the inbox follows when the sync is done. */
static void
sync_now_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  PmRegistrationDesk *self = PM_REGISTRATION_DESK (widget);

  if (self->sync_status)
    pm_sync_status_sync_now (self->sync_status);
}

static void
synced_cb (PmRegistrationDesk *self)
{
  pm_registration_desk_reload (self);
}

static void
pm_registration_desk_dispose (GObject *object)
{
  PmRegistrationDesk *self = PM_REGISTRATION_DESK (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->cases, g_ptr_array_unref);
  g_clear_object (&self->store);
  g_clear_object (&self->sync_status);
  G_OBJECT_CLASS (pm_registration_desk_parent_class)->dispose (object);
}

static void
pm_registration_desk_finalize (GObject *object)
{
  PmRegistrationDesk *self = PM_REGISTRATION_DESK (object);

  g_ptr_array_unref (self->service_keys);
  g_ptr_array_unref (self->district_keys);
  g_ptr_array_unref (self->staff_keys);
  G_OBJECT_CLASS (pm_registration_desk_parent_class)->finalize (object);
}

static void
pm_registration_desk_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  PmRegistrationDesk *self = PM_REGISTRATION_DESK (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pm_registration_desk_class_init (PmRegistrationDeskClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pm_registration_desk_dispose;
  object_class->finalize = pm_registration_desk_finalize;
  object_class->get_property = pm_registration_desk_get_property;

  /* The inbox is being read. */
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (PM_TYPE_REGISTRATION_CASE);
  g_type_ensure (PM_TYPE_SYNC_INDICATOR);
  gtk_widget_class_set_template_from_resource (widget_class, "/de/halle/PePaMo/ui/pm-registration-desk.ui");
  gtk_widget_class_bind_template_child (widget_class, PmRegistrationDesk, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, PmRegistrationDesk, leaflet);
  gtk_widget_class_bind_template_child (widget_class, PmRegistrationDesk, inbox_pane);
  gtk_widget_class_bind_template_child (widget_class, PmRegistrationDesk, inbox_title);
  gtk_widget_class_bind_template_child (widget_class, PmRegistrationDesk, sync_indicator);
  gtk_widget_class_bind_template_child (widget_class, PmRegistrationDesk, person_button);
  gtk_widget_class_bind_template_child (widget_class, PmRegistrationDesk, person_content);
  gtk_widget_class_bind_template_child (widget_class, PmRegistrationDesk, search_entry);
  gtk_widget_class_bind_template_child (widget_class, PmRegistrationDesk, status_filter);
  gtk_widget_class_bind_template_child (widget_class, PmRegistrationDesk, service_filter);
  gtk_widget_class_bind_template_child (widget_class, PmRegistrationDesk, district_filter);
  gtk_widget_class_bind_template_child (widget_class, PmRegistrationDesk, staff_filter);
  gtk_widget_class_bind_template_child (widget_class, PmRegistrationDesk, date_filter);
  gtk_widget_class_bind_template_child (widget_class, PmRegistrationDesk, counts_label);
  gtk_widget_class_bind_template_child (widget_class, PmRegistrationDesk, list_stack);
  gtk_widget_class_bind_template_child (widget_class, PmRegistrationDesk, case_list);
  gtk_widget_class_bind_template_child (widget_class, PmRegistrationDesk, error_page);
  gtk_widget_class_bind_template_child (widget_class, PmRegistrationDesk, case_page);
  gtk_widget_class_bind_template_callback (widget_class, filter_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, reload_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);
  gtk_widget_class_install_action (widget_class, "win.show-sync", NULL, sync_now_action);
}

static void
pm_registration_desk_init (PmRegistrationDesk *self)
{
  self->service_keys = g_ptr_array_new_with_free_func (g_free);
  self->district_keys = g_ptr_array_new_with_free_func (g_free);
  self->staff_keys = g_ptr_array_new_with_free_func (g_free);
  gtk_widget_init_template (GTK_WIDGET (self));
  self->rebuilding = TRUE;
  fill_status_filter (self);
  self->rebuilding = FALSE;
  fill_service_filter (self);
  g_signal_connect_object (self->case_page, "case-changed", G_CALLBACK (case_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->case_page, "back", G_CALLBACK (back_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->case_page, "message", G_CALLBACK (message_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->leaflet, "notify::folded", G_CALLBACK (folded_changed_cb), self, G_CONNECT_SWAPPED);
  folded_changed_cb (self);
}

/* With a store, the inbox loads; NULL drops every decrypted case (lock). */
void
pm_registration_desk_set_store (PmRegistrationDesk *self,
                                PmStore            *store)
{
  g_return_if_fail (PM_IS_REGISTRATION_DESK (self));

  g_set_object (&self->store, store);
  if (store)
    {
      pm_registration_desk_reload (self);
      return;
    }
  g_cancellable_cancel (self->cancellable);
  g_clear_pointer (&self->cases, g_ptr_array_unref);
  show_cases (self);
  gtk_stack_set_visible_child_name (self->list_stack, "loading");
  pm_registration_case_clear (self->case_page);
  adw_leaflet_set_visible_child (self->leaflet, self->inbox_pane);
  set_loading (self, FALSE);
}

void
pm_registration_desk_set_sync_status (PmRegistrationDesk *self,
                                      PmSyncStatus       *status)
{
  g_return_if_fail (PM_IS_REGISTRATION_DESK (self));

  if (self->sync_status)
    g_signal_handlers_disconnect_by_func (self->sync_status, synced_cb, self);
  g_set_object (&self->sync_status, status);
  pm_sync_indicator_set_status (self->sync_indicator, status);
  if (status)
    g_signal_connect_object (status, "notify::last-sync", G_CALLBACK (synced_cb), self, G_CONNECT_SWAPPED);
}

void
pm_registration_desk_set_people (PmRegistrationDesk *self,
                                 GMenuModel         *menu,
                                 const char         *acting_name)
{
  g_return_if_fail (PM_IS_REGISTRATION_DESK (self));
  gtk_menu_button_set_menu_model (self->person_button, menu);
  adw_button_content_set_label (self->person_content, acting_name ? acting_name : "");
}

void
pm_registration_desk_reload (PmRegistrationDesk *self)
{
  g_return_if_fail (PM_IS_REGISTRATION_DESK (self));
  if (self->store == NULL)
    return;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  if (self->cases == NULL)
    gtk_stack_set_visible_child_name (self->list_stack, "loading");
  set_loading (self, TRUE);
  pm_store_list_case_inbox_async (self->store, self->cancellable, inbox_loaded_cb, g_object_ref (self));
}

void
pm_registration_desk_open_case (PmRegistrationDesk *self,
                                const char         *case_id)
{
  g_return_if_fail (PM_IS_REGISTRATION_DESK (self));
  if (self->store == NULL || case_id == NULL)
    return;
  pm_registration_case_show (self->case_page, self->store, case_id);
  adw_leaflet_set_visible_child (self->leaflet, GTK_WIDGET (self->case_page));
}

gboolean
pm_registration_desk_get_loading (PmRegistrationDesk *self)
{
  g_return_val_if_fail (PM_IS_REGISTRATION_DESK (self), FALSE);
  return self->loading;
}

/* How many loaded cases stand at @status ("received" for captured and
 * submitted), whatever the filters. */
guint
pm_registration_desk_get_count (PmRegistrationDesk *self,
                                const char         *status)
{
  guint n = 0;

  g_return_val_if_fail (PM_IS_REGISTRATION_DESK (self), 0);
  for (guint i = 0; self->cases && i < self->cases->len; i++)
    if (g_strcmp0 (status_key_of (g_ptr_array_index (self->cases, i)), status) == 0)
      n++;
  return n;
}

guint
pm_registration_desk_get_n_shown (PmRegistrationDesk *self)
{
  g_return_val_if_fail (PM_IS_REGISTRATION_DESK (self), 0);
  return self->n_shown;
}

PmRegistrationCase *
pm_registration_desk_get_case_page (PmRegistrationDesk *self)
{
  g_return_val_if_fail (PM_IS_REGISTRATION_DESK (self), NULL);
  return self->case_page;
}
