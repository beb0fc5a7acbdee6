/* pm-dispatch-request.c: the visit request form, fast enough for a phone call
 *
 * One page, in the order a caller answers: who, where, what, when, how
 * urgent.  As the name, date of birth and address are typed, persons
 * already known that may be the same are listed to choose from (core's
 * pm_visit_request_find_duplicates).  Saving checks every field in core
 * (pm_visit_request_build) and stores the new person and the request in
 * one batch with the store's _async call; a wrong field is named in the
 * message at the top and nothing is saved.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pm-dispatch-request"

#include "config.h"

#include <glib/gi18n.h>
#include <stdlib.h>

#include "pm-catalogue.h"
#include "pm-dispatch-request.h"
#include "pm-form-util.h"
#include "pm-model.h"
#include "pm-ui-labels.h"
#include "pm-visit-request.h"

struct _PmDispatchRequest
{
  GtkWidget             parent_instance;

  PmStore              *store;
  GCancellable         *cancellable;
  GPtrArray            *citizens;
  GPtrArray            *duplicates;     /* PmDuplicate */
  GPtrArray            *duplicate_rows;
  PmRecord             *chosen;         /* a known person, or NULL: a new one */
  GPtrArray            *service_checks; /* GtkCheckButton, "code" data */
  char                 *error;
  gboolean              saving;

  GtkLabel             *error_label;
  AdwEntryRow          *family_row;
  AdwEntryRow          *given_row;
  AdwEntryRow          *birth_row;
  AdwEntryRow          *phone_row;
  AdwPreferencesGroup  *duplicates_group;
  AdwComboRow          *location_row;
  AdwEntryRow          *facility_row;
  AdwEntryRow          *street_row;
  AdwEntryRow          *number_row;
  AdwEntryRow          *postcode_row;
  AdwExpanderRow       *pin_row;
  AdwEntryRow          *lat_row;
  AdwEntryRow          *lon_row;
  AdwPreferencesGroup  *services_group;
  AdwEntryRow          *window1_row;
  AdwEntryRow          *window2_row;
  AdwEntryRow          *window3_row;
  AdwComboRow          *priority_row;
  AdwEntryRow          *reason_row;
  AdwComboRow          *source_row;
  AdwEntryRow          *notes_row;
};

G_DEFINE_FINAL_TYPE (PmDispatchRequest, pm_dispatch_request, GTK_TYPE_WIDGET)

enum {
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const PmChoice location_choices[] = {
  { "home", N_("At home") },
  { "care_home", N_("Care home") },
  { "hospital", N_("Hospital") },
  { NULL, NULL },
};

static const PmChoice priority_choices[] = {
  { "1", N_("Normal") },
  { "2", N_("Soon") },
  { "3", N_("Urgent") },
  { NULL, NULL },
};

static const PmChoice source_choices[] = {
  { "phone", N_("Phone call") },
  { "care_home", N_("Care home") },
  { "hospital", N_("Hospital social service") },
  { "internal", N_("Internal") },
  { NULL, NULL },
};

static char *
text_of (AdwEntryRow *row)
{
  g_autofree char *text = pm_form_get_text (row);

  return text && *text ? g_steal_pointer (&text) : NULL;
}

/* What the form says, as core's request. */
static PmVisitRequest *
read_request (PmDispatchRequest *self)
{
  PmVisitRequest *request = pm_visit_request_new ();
  g_autoptr(GStrvBuilder) services = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) windows = g_strv_builder_new ();
  AdwEntryRow *window_rows[] = { self->window1_row, self->window2_row, self->window3_row };
  g_autofree char *lat = NULL;
  g_autofree char *lon = NULL;

  request->citizen_id = self->chosen ? g_strdup (pm_record_get_id (self->chosen)) : NULL;
  request->family_name = text_of (self->family_row);
  request->given_names = text_of (self->given_row);
  request->birth_date = text_of (self->birth_row);
  request->phone = text_of (self->phone_row);
  g_free (request->location_type);
  request->location_type = g_strdup (pm_form_combo_get_id (self->location_row, location_choices));
  request->facility_name = text_of (self->facility_row);
  request->street = text_of (self->street_row);
  request->house_number = text_of (self->number_row);
  request->postcode = text_of (self->postcode_row);
  request->manual_pin = adw_expander_row_get_enable_expansion (self->pin_row);
  lat = text_of (self->lat_row);
  lon = text_of (self->lon_row);
  /* Unreadable numbers become 0, which is outside the city. */
  request->lat = lat ? g_ascii_strtod (g_strdelimit (lat, ",", '.'), NULL) : 0;
  request->lon = lon ? g_ascii_strtod (g_strdelimit (lon, ",", '.'), NULL) : 0;
  for (guint i = 0; i < self->service_checks->len; i++)
    if (gtk_check_button_get_active (g_ptr_array_index (self->service_checks, i)))
      g_strv_builder_add (services, g_object_get_data (g_ptr_array_index (self->service_checks, i), "code"));
  request->services = g_strv_builder_end (services);
  for (guint i = 0; i < G_N_ELEMENTS (window_rows); i++)
    {
      g_autofree char *window = text_of (window_rows[i]);

      if (window)
        g_strv_builder_add (windows, window);
    }
  request->windows = g_strv_builder_end (windows);
  request->priority = atoi (pm_form_combo_get_id (self->priority_row, priority_choices));
  request->priority_reason = text_of (self->reason_row);
  g_free (request->source);
  request->source = g_strdup (pm_form_combo_get_id (self->source_row, source_choices));
  request->notes = text_of (self->notes_row);
  return request;
}

static void
show_error (PmDispatchRequest *self,
            const char        *message)
{
  g_free (self->error);
  self->error = g_strdup (message);
  gtk_label_set_label (self->error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

/* Known persons that may be the caller */

static void
chosen_toggled_cb (GtkCheckButton    *button,
                   PmDispatchRequest *self)
{
  PmRecord *citizen = g_object_get_data (G_OBJECT (button), "citizen");

  if (gtk_check_button_get_active (button))
    g_set_object (&self->chosen, citizen);
  else if (self->chosen == citizen)
    g_clear_object (&self->chosen);
}

static void
update_duplicates (PmDispatchRequest *self)
{
  g_autoptr(PmVisitRequest) request = NULL;
  GtkCheckButton *group = NULL;

  for (guint i = 0; i < self->duplicate_rows->len; i++)
    adw_preferences_group_remove (self->duplicates_group, g_ptr_array_index (self->duplicate_rows, i));
  g_ptr_array_set_size (self->duplicate_rows, 0);
  g_clear_pointer (&self->duplicates, g_ptr_array_unref);
  if (self->citizens == NULL)
    return;
  request = read_request (self);
  g_clear_pointer (&request->citizen_id, g_free);
  self->duplicates = pm_visit_request_find_duplicates (request, self->citizens);
  for (guint i = 0; i < self->duplicates->len; i++)
    {
      PmDuplicate *duplicate = g_ptr_array_index (self->duplicates, i);
      g_autofree char *title = g_strdup_printf ("%s %s", pm_record_get_string (duplicate->citizen, "given_names"),
                                                pm_record_get_string (duplicate->citizen, "family_name"));
      g_autofree char *birth = pm_form_format_date (pm_record_get_string (duplicate->citizen, "birth_date"));
      /* Translators: date of birth, street and number of a known person, and why it may be the same */
      g_autofree char *subtitle = g_strdup_printf (_("born %s, %s %s – %s"), birth,
                                                   pm_record_get_string (duplicate->citizen, "street"),
                                                   pm_record_get_string (duplicate->citizen, "house_number"),
                                                   duplicate->kind == PM_DUPLICATE_SAME_BIRTH
                                                   ? _("same name and date of birth")
                                                   : _("similar name at the same address"));
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *check = gtk_check_button_new ();

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      g_object_set_data_full (G_OBJECT (check), "citizen", g_object_ref (duplicate->citizen), g_object_unref);
      if (group)
        gtk_check_button_set_group (GTK_CHECK_BUTTON (check), group);
      group = GTK_CHECK_BUTTON (check);
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check), self->chosen == duplicate->citizen);
      g_signal_connect_object (check, "toggled", G_CALLBACK (chosen_toggled_cb), self, 0);
      gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
      {
        /* Translators: accessible name of the choice of a known person */
        g_autofree char *name = g_strdup_printf (_("Take %s"), title);

        gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
      }
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      adw_preferences_group_add (self->duplicates_group, row);
      g_ptr_array_add (self->duplicate_rows, row);
    }
  if (self->chosen && (self->duplicates->len == 0))
    g_clear_object (&self->chosen);
  gtk_widget_set_visible (GTK_WIDGET (self->duplicates_group), self->duplicates->len > 0);
}

static void
citizens_loaded_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *citizens = pm_store_list_finish (PM_STORE (source), result, &error);
  PmDispatchRequest *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = PM_DISPATCH_REQUEST (user_data);
  if (citizens == NULL)
    g_warning ("Listing the persons for duplicates failed: %s", error->message);
  self->citizens = citizens;
  update_duplicates (self);
}

/* Saving */

static void
saved_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(PmDispatchRequest) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) saved = pm_store_save_all_finish (PM_STORE (source), result, &error);

  self->saving = FALSE;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "request.save", TRUE);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (saved == NULL)
    {
      g_warning ("Saving a visit request failed: %s", error->message);
      show_error (self, error->message);
      return;
    }
  g_signal_emit (self, signals[SAVED], 0, g_ptr_array_index (saved, saved->len - 1));
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  PmDispatchRequest *self = PM_DISPATCH_REQUEST (widget);
  g_autoptr(PmVisitRequest) request = read_request (self);
  g_autoptr(PmRecord) citizen = NULL;
  g_autoptr(PmRecord) visit = NULL;
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;

  if (self->saving)
    return;
  if (!pm_visit_request_build (request, self->chosen, &citizen, &visit, &error))
    {
      show_error (self, error->message);
      return;
    }
  show_error (self, NULL);
  if (citizen)
    g_ptr_array_add (records, g_steal_pointer (&citizen));
  g_ptr_array_add (records, g_steal_pointer (&visit));
  self->saving = TRUE;
  gtk_widget_action_set_enabled (widget, "request.save", FALSE);
  pm_store_save_all_async (self->store, records, self->cancellable, saved_cb, g_object_ref (self));
}

static void
build_services (PmDispatchRequest *self)
{
  GPtrArray *services = pm_catalogue_get_services (pm_catalogue_get_default ());

  for (guint i = 0; i < services->len; i++)
    {
      const PmService *service = g_ptr_array_index (services, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *check = gtk_check_button_new ();

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), service->name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), service->code);
      g_object_set_data_full (G_OBJECT (check), "code", g_strdup (service->code), g_free);
      gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL, service->name, -1);
      gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      adw_preferences_group_add (self->services_group, row);
      g_ptr_array_add (self->service_checks, check);
    }
}

static void
pm_dispatch_request_dispose (GObject *object)
{
  PmDispatchRequest *self = PM_DISPATCH_REQUEST (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  g_clear_object (&self->chosen);
  g_clear_pointer (&self->citizens, g_ptr_array_unref);
  g_clear_pointer (&self->duplicates, g_ptr_array_unref);
  g_clear_pointer (&self->duplicate_rows, g_ptr_array_unref);
  g_clear_pointer (&self->service_checks, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), PM_TYPE_DISPATCH_REQUEST);
  /* The header bar and the page are not bound, so not cleared above. */
  pm_ui_unparent_children (GTK_WIDGET (self));
  G_OBJECT_CLASS (pm_dispatch_request_parent_class)->dispose (object);
}

static void
pm_dispatch_request_finalize (GObject *object)
{
  g_free (PM_DISPATCH_REQUEST (object)->error);
  G_OBJECT_CLASS (pm_dispatch_request_parent_class)->finalize (object);
}

static void
pm_dispatch_request_class_init (PmDispatchRequestClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pm_dispatch_request_dispose;
  object_class->finalize = pm_dispatch_request_finalize;

  /**
   * PmDispatchRequest::saved:
   * @visit: the request as stored
   *
   * The person (if new) and the request were saved.
   */
  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                 NULL, G_TYPE_NONE, 1, PM_TYPE_RECORD);

  gtk_widget_class_install_action (widget_class, "request.save", NULL, save_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "request.save", NULL);

  gtk_widget_class_set_template_from_resource (widget_class, "/de/halle/PePaMo/ui/pm-dispatch-request.ui");
  gtk_widget_class_bind_template_child (widget_class, PmDispatchRequest, error_label);
  gtk_widget_class_bind_template_child (widget_class, PmDispatchRequest, family_row);
  gtk_widget_class_bind_template_child (widget_class, PmDispatchRequest, given_row);
  gtk_widget_class_bind_template_child (widget_class, PmDispatchRequest, birth_row);
  gtk_widget_class_bind_template_child (widget_class, PmDispatchRequest, phone_row);
  gtk_widget_class_bind_template_child (widget_class, PmDispatchRequest, duplicates_group);
  gtk_widget_class_bind_template_child (widget_class, PmDispatchRequest, location_row);
  gtk_widget_class_bind_template_child (widget_class, PmDispatchRequest, facility_row);
  gtk_widget_class_bind_template_child (widget_class, PmDispatchRequest, street_row);
  gtk_widget_class_bind_template_child (widget_class, PmDispatchRequest, number_row);
  gtk_widget_class_bind_template_child (widget_class, PmDispatchRequest, postcode_row);
  gtk_widget_class_bind_template_child (widget_class, PmDispatchRequest, pin_row);
  gtk_widget_class_bind_template_child (widget_class, PmDispatchRequest, lat_row);
  gtk_widget_class_bind_template_child (widget_class, PmDispatchRequest, lon_row);
  gtk_widget_class_bind_template_child (widget_class, PmDispatchRequest, services_group);
  gtk_widget_class_bind_template_child (widget_class, PmDispatchRequest, window1_row);
  gtk_widget_class_bind_template_child (widget_class, PmDispatchRequest, window2_row);
  gtk_widget_class_bind_template_child (widget_class, PmDispatchRequest, window3_row);
  gtk_widget_class_bind_template_child (widget_class, PmDispatchRequest, priority_row);
  gtk_widget_class_bind_template_child (widget_class, PmDispatchRequest, reason_row);
  gtk_widget_class_bind_template_child (widget_class, PmDispatchRequest, source_row);
  gtk_widget_class_bind_template_child (widget_class, PmDispatchRequest, notes_row);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
pm_dispatch_request_init (PmDispatchRequest *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->duplicate_rows = g_ptr_array_new ();
  self->service_checks = g_ptr_array_new ();
  pm_form_combo_set_choices (self->location_row, location_choices);
  pm_form_combo_set_choices (self->priority_row, priority_choices);
  pm_form_combo_set_choices (self->source_row, source_choices);
  build_services (self);
  {
    AdwEntryRow *watched[] = { self->family_row, self->given_row, self->birth_row, self->street_row,
                               self->number_row };

    for (guint i = 0; i < G_N_ELEMENTS (watched); i++)
      g_signal_connect_object (watched[i], "changed", G_CALLBACK (update_duplicates), self, G_CONNECT_SWAPPED);
  }
}

PmDispatchRequest *
pm_dispatch_request_new (PmStore *store)
{
  PmDispatchRequest *self = g_object_new (PM_TYPE_DISPATCH_REQUEST, NULL);

  self->store = g_object_ref (store);
  self->cancellable = g_cancellable_new ();
  pm_store_list_async (store, PM_TYPE_CITIZEN, self->cancellable, citizens_loaded_cb, self);
  return self;
}

guint
pm_dispatch_request_get_n_duplicates (PmDispatchRequest *self)
{
  g_return_val_if_fail (PM_IS_DISPATCH_REQUEST (self), 0);
  return self->duplicates ? self->duplicates->len : 0;
}

const char *
pm_dispatch_request_get_error (PmDispatchRequest *self)
{
  g_return_val_if_fail (PM_IS_DISPATCH_REQUEST (self), NULL);
  return self->error;
}

gboolean
pm_dispatch_request_get_saving (PmDispatchRequest *self)
{
  g_return_val_if_fail (PM_IS_DISPATCH_REQUEST (self), FALSE);
  return self->saving;
}
