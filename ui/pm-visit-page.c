/* pm-visit-page.c: everything the van needs to know about one visit
 *
 * The persons are read from the store off the main thread; a newer visit
 * cancels the reads of the one shown before.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "pm-catalogue.h"
#include "pm-citizen.h"
#include "pm-city.h"
#include "pm-status.h"
#include "pm-ui-labels.h"
#include "pm-visit-page.h"

struct _PmVisitPage
{
  GtkWidget             parent_instance;

  GCancellable         *cancellable;
  PmStore              *store;
  PmVisit              *visit;
  GtkGrid              *actions_box;
  GPtrArray            *added_rows;  /* (group, row) pairs to remove on the next visit */

  GtkWidget            *back_button;
  AdwWindowTitle       *window_title;
  AdwActionRow         *time_row;
  AdwActionRow         *status_row;
  AdwActionRow         *priority_row;
  AdwPreferencesGroup  *persons_group;
  AdwActionRow         *address_row;
  AdwActionRow         *location_row;
  AdwActionRow         *facility_row;
  AdwPreferencesGroup  *services_group;
  AdwPreferencesGroup  *documents_group;
  AdwPreferencesGroup  *history_group;
};

G_DEFINE_FINAL_TYPE (PmVisitPage, pm_visit_page, GTK_TYPE_WIDGET)

enum {
  VISIT_CHANGED,
  FAILED,
  OPEN_FORM,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  const char *from;
  const char *to;
  const char *label;
  gboolean    needs_reason;
  gboolean    suggested;
} VisitAction;

/* What the van does at a stop, in the order the buttons appear. */
static const VisitAction visit_actions[] = {
  { "scheduled", "on_the_way", NC_("visit action", "Set off"), FALSE, TRUE },
  { "confirmed", "on_the_way", NC_("visit action", "Set off"), FALSE, TRUE },
  { "on_the_way", "arrived", NC_("visit action", "Arrived"), FALSE, TRUE },
  { "arrived", "done", NC_("visit action", "Finished"), FALSE, TRUE },
  { "arrived", "partly_done", NC_("visit action", "Partly done"), TRUE, FALSE },
  { "on_the_way", "not_met", NC_("visit action", "Not met"), FALSE, FALSE },
  { "arrived", "not_met", NC_("visit action", "Not met"), FALSE, FALSE },
  { "on_the_way", "cancelled", NC_("visit action", "Cancel…"), TRUE, FALSE },
  { "arrived", "cancelled", NC_("visit action", "Cancel…"), TRUE, FALSE },
};

static GtkWidget *
add_row (PmVisitPage         *self,
         AdwPreferencesGroup *group,
         const char          *title,
         const char          *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle && *subtitle)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_preferences_group_add (group, row);
  g_ptr_array_add (self->added_rows, group);
  g_ptr_array_add (self->added_rows, row);
  return row;
}

static void
form_clicked_cb (GtkButton   *button,
                 PmVisitPage *self)
{
  if (self->visit == NULL)
    return;
  g_signal_emit (self, signals[OPEN_FORM], 0, g_object_get_data (G_OBJECT (button), "kind"),
                 self->visit, g_object_get_data (G_OBJECT (button), "citizen"));
}

/* The record the acting person makes for someone: counselling for Soziales,
 * a case for Einwohnerwesen; only once the van is there. */
static void
add_form_button (PmVisitPage *self,
                 GtkWidget   *row,
                 PmRecord    *citizen)
{
  g_autofree char *department = self->store ? pm_store_dup_actor_department (self->store) : NULL;
  const char *status = pm_record_get_string (PM_RECORD (self->visit), "status");
  const char *kind = g_strcmp0 (department, "soziales") == 0 ? "counselling" :
                     g_strcmp0 (department, "einwohnerwesen") == 0 ? "case" : NULL;
  GtkWidget *button;

  if (kind == NULL || g_strcmp0 (status, "arrived") != 0 || pm_store_get_actor_role (self->store) != PM_ROLE_FIELD)
    return;
  button = gtk_button_new_with_label (g_str_equal (kind, "counselling") ? _("Record counselling")
                                                                         : _("Capture a case"));
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "suggested-action");
  g_object_set_data_full (G_OBJECT (button), "citizen", g_object_ref (citizen), g_object_unref);
  g_object_set_data (G_OBJECT (button), "kind", (gpointer) kind);
  g_signal_connect (button, "clicked", G_CALLBACK (form_clicked_cb), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
}

static void
remove_added_rows (PmVisitPage *self)
{
  for (guint i = 0; i + 1 < self->added_rows->len; i += 2)
    adw_preferences_group_remove (g_ptr_array_index (self->added_rows, i),
                                  g_ptr_array_index (self->added_rows, i + 1));
  g_ptr_array_set_size (self->added_rows, 0);
}

static char *
format_birth_date (const char *iso)
{
  g_autofree char *full = g_strconcat (iso, "T12:00:00Z", NULL);
  g_autoptr(GDateTime) date = g_date_time_new_from_iso8601 (full, NULL);

  /* Translators: date of birth, strftime format; German: "%d.%m.%Y" */
  return date ? g_date_time_format (date, _("%m/%d/%Y")) : g_strdup (iso);
}

static char *
access_summary (PmRecord *citizen)
{
  g_autoptr(GString) text = g_string_new (pm_record_get_string (citizen, "access_notes"));

  if (pm_record_get_string (citizen, "mobility_notes"))
    g_string_append_printf (text, "%s%s", text->len ? " · " : "", pm_record_get_string (citizen, "mobility_notes"));
  if (pm_record_get_boolean (citizen, "hearing_impaired"))
    g_string_append_printf (text, "%s%s", text->len ? " · " : "", _("hard of hearing"));
  g_string_append_printf (text, "%s%s", text->len ? " · " : "",
                          pm_record_get_boolean (citizen, "has_lift") ? _("lift") : _("no lift"));
  g_string_append_printf (text, "%s%s", text->len ? " · " : "",
                          pm_record_get_boolean (citizen, "socket_and_table")
                            ? _("socket and table available")
                            : _("no socket or table: bring the battery kit"));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
citizen_loaded_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  PmVisitPage *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(PmRecord) citizen = pm_store_get_finish (PM_STORE (source), result, &error);
  g_autofree char *name = NULL;
  g_autofree char *born = NULL;
  g_autofree char *details = NULL;
  g_autofree char *access = NULL;

  if (citizen == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_warning ("Cannot load a person of the visit: %s", error->message);
          add_row (self, self->persons_group, _("This person could not be loaded"), error->message);
        }
      g_object_unref (self);
      return;
    }

  name = g_strdup_printf ("%s %s", pm_record_get_string (citizen, "given_names"),
                          pm_record_get_string (citizen, "family_name"));
  born = format_birth_date (pm_record_get_string (citizen, "birth_date"));
  /* Translators: born DATE · phone NUMBER */
  details = g_strdup_printf (_("born %s · phone %s"), born,
                             pm_record_get_string (citizen, "phone") ? pm_record_get_string (citizen, "phone") : "–");
  add_form_button (self, add_row (self, self->persons_group, name, details), citizen);
  if (pm_record_get_string (citizen, "contact_name"))
    {
      g_autofree char *contact = g_strdup_printf ("%s · %s", pm_record_get_string (citizen, "contact_name"),
                                                  pm_record_get_string (citizen, "contact_phone") ? pm_record_get_string (citizen, "contact_phone") : "–");

      add_row (self, self->persons_group, _("Contact person"), contact);
    }
  access = access_summary (citizen);
  add_row (self, self->persons_group, _("Access"), access);
  g_object_unref (self);
}

static char *
services_of (PmRecord *visit)
{
  const char * const *codes = pm_record_get_strv (visit, "services");

  return codes ? g_strjoinv (", ", (char **) codes) : g_strdup ("");
}

static void
history_loaded_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(PmVisitPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) visits = pm_store_list_visits_of_citizen_finish (PM_STORE (source), result, &error);
  guint shown = 0;

  if (visits == NULL || self->visit == NULL)
    {
      if (visits == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Cannot load the earlier visits: %s", error->message);
      return;
    }
  for (guint i = 0; i < visits->len; i++)
    {
      PmRecord *earlier = g_ptr_array_index (visits, i);
      const char *date = pm_record_get_string (earlier, "date");
      g_autofree char *day = NULL;
      g_autofree char *what = NULL;

      /* Only what happened before this visit, and no request without a date. */
      if (date == NULL || g_strcmp0 (date, pm_record_get_string (PM_RECORD (self->visit), "date")) >= 0)
        continue;
      day = pm_ui_format_day (date);
      what = services_of (earlier);
      /* Translators: services · status of an earlier visit */
      {
        g_autofree char *subtitle = g_strdup_printf (_("%s · %s"), what,
                                                     pm_visit_status_get_label (pm_record_get_string (earlier, "status")));

        add_row (self, self->history_group, day, subtitle);
      }
      shown++;
    }
  if (shown == 0)
    add_row (self, self->history_group, _("No earlier visits"), NULL);
}

static void
show_services (PmVisitPage *self,
               PmRecord    *visit)
{
  PmCatalogue *catalogue = pm_catalogue_get_default ();
  const char * const *codes = pm_record_get_strv (visit, "services");
  g_autoptr(GHashTable) documents = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; codes && codes[i]; i++)
    {
      const PmService *service = pm_catalogue_lookup_service (catalogue, codes[i]);
      g_autofree char *subtitle = NULL;

      if (service == NULL)
        continue;
      /* Translators: service code · about N minutes */
      subtitle = g_strdup_printf (_("%s · about %d minutes"), service->code, service->duration_min);
      add_row (self, self->services_group, service->name, subtitle);
      for (char **d = service->documents; d && *d; d++)
        if (g_hash_table_add (documents, *d))
          add_row (self, self->documents_group, pm_catalogue_get_document_name (catalogue, *d), NULL);
    }
}

static void show_actions (PmVisitPage *self);

static void
saved_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(PmVisitPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) saved = pm_store_save_all_finish (PM_STORE (source), result, &error);

  if (saved == NULL)
    {
      g_warning ("Changing the visit failed: %s", error->message);
      g_signal_emit (self, signals[FAILED], 0, error->message);
      show_actions (self);
      return;
    }
  /* The visit comes last when a person was added with it. */
  g_signal_emit (self, signals[VISIT_CHANGED], 0, g_ptr_array_index (saved, saved->len - 1));
}

static void
change_status (PmVisitPage *self,
               const char  *status,
               const char  *reason)
{
  g_autoptr(JsonObject) json = pm_record_to_json (PM_RECORD (self->visit));
  g_autoptr(PmRecord) changed = pm_record_new_from_json (PM_TYPE_VISIT, json, NULL);
  g_autoptr(GPtrArray) records = g_ptr_array_new ();

  pm_record_set_string (changed, "status", status);
  if (reason)
    pm_record_set_string (changed, "status_reason", reason);
  g_ptr_array_add (records, changed);
  /* No second tap while the store works. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->actions_box), FALSE);
  pm_store_save_all_async (self->store, records, NULL, saved_cb, g_object_ref (self));
}

static void
reason_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    PmVisitPage      *self)
{
  GtkEditable *entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));
  const char *status = g_object_get_data (G_OBJECT (dialog), "status");

  if (g_strcmp0 (response, "apply") == 0)
    change_status (self, status, gtk_editable_get_text (entry));
}

static void
reason_changed_cb (GtkEditable      *entry,
                   AdwMessageDialog *dialog)
{
  const char *text = gtk_editable_get_text (entry);

  while (g_ascii_isspace (*text))
    text++;
  adw_message_dialog_set_response_enabled (dialog, "apply", *text != '\0');
}

static void
ask_reason (PmVisitPage       *self,
            const VisitAction *action)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                              g_dpgettext2 (GETTEXT_PACKAGE, "visit action", action->label),
                                              _("Please give the reason; the office sees it."));
  GtkWidget *entry = gtk_entry_new ();

  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Reason"), -1);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "close", _("_Back"),
                                    "apply", _("_Save"),
                                    NULL);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "apply", FALSE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "apply");
  g_object_set_data (G_OBJECT (dialog), "status", (gpointer) action->to);
  g_signal_connect (entry, "changed", G_CALLBACK (reason_changed_cb), dialog);
  g_signal_connect_object (dialog, "response", G_CALLBACK (reason_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
action_clicked_cb (GtkButton   *button,
                   PmVisitPage *self)
{
  const VisitAction *action = g_object_get_data (G_OBJECT (button), "action");

  if (action->needs_reason)
    ask_reason (self, action);
  else
    change_status (self, action->to, NULL);
}

/* A service asked for on the spot joins the visit, with its time. */
static void
add_service_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  PmVisitPage *self = PM_VISIT_PAGE (widget);
  const char *code = g_variant_get_string (parameter, NULL);
  const PmService *service = pm_catalogue_lookup_service (pm_catalogue_get_default (), code);
  g_autoptr(JsonObject) json = NULL;
  g_autoptr(PmRecord) changed = NULL;
  g_autoptr(GPtrArray) records = g_ptr_array_new ();
  g_autoptr(GStrvBuilder) services = g_strv_builder_new ();
  g_auto(GStrv) list = NULL;

  if (self->visit == NULL || service == NULL)
    return;
  json = pm_record_to_json (PM_RECORD (self->visit));
  changed = pm_record_new_from_json (PM_TYPE_VISIT, json, NULL);
  g_strv_builder_addv (services, (const char **) pm_record_get_strv (changed, "services"));
  g_strv_builder_add (services, code);
  list = g_strv_builder_end (services);
  pm_record_set_strv (changed, "services", (const char * const *) list);
  pm_record_set_int (changed, "duration_min", pm_record_get_int (changed, "duration_min") + service->duration_min);
  g_ptr_array_add (records, changed);
  gtk_widget_set_sensitive (GTK_WIDGET (self->actions_box), FALSE);
  pm_store_save_all_async (self->store, records, NULL, saved_cb, g_object_ref (self));
}

/* "12.03.1941" or "1941-03-12" → "1941-03-12"; anything else stays as
 * typed, so validation names the field. */
static char *
iso_date (const char *typed)
{
  int d, m, y;

  if (sscanf (typed, "%d.%d.%d", &d, &m, &y) == 3 && y > 999)
    return g_strdup_printf ("%04d-%02d-%02d", y, m, d);
  return g_strstrip (g_strdup (typed));
}

static GtkWidget *
add_entry (GtkWidget  *box,
           const char *label)
{
  GtkWidget *entry = gtk_entry_new ();

  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  gtk_box_append (GTK_BOX (box), entry);
  return entry;
}

static void
person_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    PmVisitPage      *self)
{
  GtkEditable **entries = g_object_get_data (G_OBJECT (dialog), "entries");
  PmRecord *visit = PM_RECORD (self->visit);
  g_autoptr(PmRecord) citizen = NULL;
  g_autoptr(PmRecord) changed = NULL;
  g_autoptr(JsonObject) json = NULL;
  g_autoptr(GPtrArray) records = g_ptr_array_new ();
  g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) list = NULL;
  g_autofree char *birth = NULL;

  if (g_strcmp0 (response, "add") != 0 || visit == NULL)
    return;
  birth = iso_date (gtk_editable_get_text (entries[2]));
  citizen = PM_RECORD (pm_citizen_new ());
  /* Someone met at the stop lives (or stays) where the visit is. */
  g_object_set (citizen,
                "given-names", gtk_editable_get_text (entries[0]),
                "family-name", gtk_editable_get_text (entries[1]),
                "birth-date", birth,
                "street", pm_record_get_string (visit, "street"),
                "house-number", pm_record_get_string (visit, "house_number"),
                "postcode", pm_record_get_string (visit, "postcode"),
                "city", pm_city_get_name (pm_city_get_default ()),
                "stadtteil", pm_record_get_string (visit, "stadtteil"),
                "lat", pm_record_get_double (visit, "lat"),
                "lon", pm_record_get_double (visit, "lon"),
                NULL);
  if (!pm_record_validate (citizen, &error))
    {
      g_signal_emit (self, signals[FAILED], 0, error->message);
      return;
    }
  json = pm_record_to_json (visit);
  changed = pm_record_new_from_json (PM_TYPE_VISIT, json, NULL);
  g_strv_builder_addv (ids, (const char **) pm_record_get_strv (changed, "citizen_ids"));
  g_strv_builder_add (ids, pm_record_get_id (citizen));
  list = g_strv_builder_end (ids);
  pm_record_set_strv (changed, "citizen_ids", (const char * const *) list);
  /* The person first, then the visit that names them: one transaction. */
  g_ptr_array_add (records, citizen);
  g_ptr_array_add (records, changed);
  gtk_widget_set_sensitive (GTK_WIDGET (self->actions_box), FALSE);
  pm_store_save_all_async (self->store, records, NULL, saved_cb, g_object_ref (self));
}

static void
add_person_clicked_cb (GtkButton   *button,
                       PmVisitPage *self)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                              _("Add a Person"),
                                              _("Someone at this address who also needs a service. "
                                                "The address is the visit's."));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkEditable **entries = g_new0 (GtkEditable *, 3);

  entries[0] = GTK_EDITABLE (add_entry (box, _("Given names")));
  entries[1] = GTK_EDITABLE (add_entry (box, _("Family name")));
  entries[2] = GTK_EDITABLE (add_entry (box, _("Date of birth (DD.MM.YYYY)")));
  g_object_set_data_full (G_OBJECT (dialog), "entries", entries, g_free);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "close", _("_Back"),
                                    "add", _("_Add"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "add", ADW_RESPONSE_SUGGESTED);
  g_signal_connect_object (dialog, "response", G_CALLBACK (person_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static GtkWidget *
make_add_service_button (PmVisitPage *self)
{
  GPtrArray *catalogue = pm_catalogue_get_services (pm_catalogue_get_default ());
  const char * const *booked = pm_record_get_strv (PM_RECORD (self->visit), "services");
  g_autoptr(GMenu) menu = g_menu_new ();
  GtkWidget *button = gtk_menu_button_new ();

  for (guint i = 0; i < catalogue->len; i++)
    {
      const PmService *service = g_ptr_array_index (catalogue, i);
      g_autoptr(GMenuItem) item = NULL;

      if (booked && g_strv_contains (booked, service->code))
        continue;
      item = g_menu_item_new (service->name, NULL);
      g_menu_item_set_action_and_target (item, "visit.add-service", "s", service->code);
      g_menu_append_item (menu, item);
    }
  gtk_menu_button_set_label (GTK_MENU_BUTTON (button), _("Add a service…"));
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (button), G_MENU_MODEL (menu));
  gtk_widget_add_css_class (button, "pill");
  return button;
}

/* Only the van's own steps, and only those the status allows now. */
static void
show_actions (PmVisitPage *self)
{
  const char *status = self->visit ? pm_record_get_string (PM_RECORD (self->visit), "status") : NULL;
  guint shown = 0;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->actions_box))))
    gtk_grid_remove (self->actions_box, child);
  gtk_widget_set_sensitive (GTK_WIDGET (self->actions_box), TRUE);
  if (self->store == NULL || pm_store_get_actor_role (self->store) != PM_ROLE_FIELD)
    status = NULL;
  for (guint i = 0; status && i < G_N_ELEMENTS (visit_actions); i++)
    {
      GtkWidget *button;

      if (!g_str_equal (visit_actions[i].from, status))
        continue;
      button = gtk_button_new_with_label (g_dpgettext2 (GETTEXT_PACKAGE, "visit action", visit_actions[i].label));
      gtk_widget_add_css_class (button, "pill");
      if (visit_actions[i].suggested)
        gtk_widget_add_css_class (button, "suggested-action");
      g_object_set_data (G_OBJECT (button), "action", (gpointer) &visit_actions[i]);
      g_signal_connect (button, "clicked", G_CALLBACK (action_clicked_cb), self);
      /* Two to a row: big enough for a finger, and all in view at 1024×600. */
      gtk_grid_attach (self->actions_box, button, shown % 2, shown / 2, 1, 1);
      shown++;
    }
  /* Once the van is there, people ask for more than was booked. */
  if (g_strcmp0 (status, "arrived") == 0)
    {
      GtkWidget *add_person = gtk_button_new_with_label (_("Add a person…"));

      gtk_widget_add_css_class (add_person, "pill");
      g_signal_connect (add_person, "clicked", G_CALLBACK (add_person_clicked_cb), self);
      gtk_grid_attach (self->actions_box, make_add_service_button (self), shown % 2, shown / 2, 1, 1);
      shown++;
      gtk_grid_attach (self->actions_box, add_person, shown % 2, shown / 2, 1, 1);
      shown++;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->actions_box), shown > 0);
}

/* Forgets the visit shown: its texts leave the widgets. */
void
pm_visit_page_clear (PmVisitPage *self)
{
  g_return_if_fail (PM_IS_VISIT_PAGE (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->visit);
  g_clear_object (&self->store);
  show_actions (self);
  remove_added_rows (self);
  adw_window_title_set_title (self->window_title, "");
  adw_window_title_set_subtitle (self->window_title, "");
  for (AdwActionRow **row = (AdwActionRow *[]) { self->time_row, self->status_row, self->priority_row,
                                                 self->address_row, self->location_row, self->facility_row, NULL };
       *row; row++)
    adw_action_row_set_subtitle (*row, "");
}

void
pm_visit_page_show_visit (PmVisitPage *self,
                          PmStore     *store,
                          PmVisit     *visit)
{
  PmRecord *record = PM_RECORD (visit);
  const char * const *ids;
  g_autofree char *day = NULL;
  g_autofree char *when = NULL;
  g_autofree char *address = NULL;

  g_return_if_fail (PM_IS_VISIT_PAGE (self));
  g_return_if_fail (PM_IS_VISIT (visit));

  pm_visit_page_clear (self);
  self->cancellable = g_cancellable_new ();
  self->store = g_object_ref (store);
  self->visit = g_object_ref (visit);
  show_actions (self);

  day = pm_ui_format_day (pm_record_get_string (record, "date"));
  /* Translators: DAY, TIME */
  when = g_strdup_printf (_("%s, %s"), day, pm_record_get_string (record, "planned_start"));
  adw_window_title_set_title (self->window_title, pm_record_get_string (record, "persons"));
  adw_window_title_set_subtitle (self->window_title, when);
  adw_action_row_set_subtitle (self->time_row, when);
  adw_action_row_set_subtitle (self->status_row,
                               pm_visit_status_get_label (pm_record_get_string (record, "status")));
  if (pm_record_get_int (record, "priority") > 1)
    adw_action_row_set_subtitle (self->priority_row, pm_record_get_string (record, "priority_reason"));
  else
    adw_action_row_set_subtitle (self->priority_row, _("Normal"));

  address = pm_ui_visit_place (record);
  adw_action_row_set_subtitle (self->address_row, address);
  adw_action_row_set_subtitle (self->location_row,
                               pm_ui_location_label (pm_record_get_string (record, "location_type")));
  gtk_widget_set_visible (GTK_WIDGET (self->facility_row),
                          pm_record_get_string (record, "facility_contact") != NULL);
  adw_action_row_set_subtitle (self->facility_row, pm_record_get_string (record, "facility_contact"));

  show_services (self, record);
  /* Dispatch's notes and the registration office's tasks (a query, a hand-over). */
  if (pm_record_get_string (record, "notes"))
    add_row (self, self->services_group, _("Notes and tasks"), pm_record_get_string (record, "notes"));

  ids = pm_record_get_strv (record, "citizen_ids");
  for (guint i = 0; ids && ids[i]; i++)
    pm_store_get_async (store, PM_TYPE_CITIZEN, ids[i], self->cancellable,
                        citizen_loaded_cb, g_object_ref (self));
  if (ids && ids[0])
    pm_store_list_visits_of_citizen_async (store, ids[0], self->cancellable,
                                           history_loaded_cb, g_object_ref (self));
}

void
pm_visit_page_set_back_visible (PmVisitPage *self,
                                gboolean     visible)
{
  g_return_if_fail (PM_IS_VISIT_PAGE (self));
  gtk_widget_set_visible (self->back_button, visible);
}

static void
pm_visit_page_dispose (GObject *object)
{
  PmVisitPage *self = PM_VISIT_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->visit);
  g_clear_object (&self->store);
  gtk_widget_dispose_template (GTK_WIDGET (self), PM_TYPE_VISIT_PAGE);
  pm_ui_unparent_children (GTK_WIDGET (self));
  g_clear_pointer (&self->added_rows, g_ptr_array_unref);
  G_OBJECT_CLASS (pm_visit_page_parent_class)->dispose (object);
}

static void
pm_visit_page_class_init (PmVisitPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pm_visit_page_dispose;

  /**
   * PmVisitPage::visit-changed:
   * @visit: the visit as the store now holds it
   */
  signals[VISIT_CHANGED] =
    g_signal_new ("visit-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, PM_TYPE_VISIT);
  /**
   * PmVisitPage::failed:
   * @message: why a change was refused, for the person
   */
  signals[FAILED] =
    g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * PmVisitPage::open-form:
   * @kind: "counselling" or "case"
   * @visit: the visit
   * @citizen: the person the record is for
   */
  signals[OPEN_FORM] =
    g_signal_new ("open-form", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_STRING, PM_TYPE_VISIT, PM_TYPE_RECORD);

  gtk_widget_class_install_action (widget_class, "visit.add-service", "s", add_service_action);
  gtk_widget_class_set_template_from_resource (widget_class, "/de/halle/PePaMo/ui/pm-visit-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PmVisitPage, actions_box);
  gtk_widget_class_bind_template_child (widget_class, PmVisitPage, back_button);
  gtk_widget_class_bind_template_child (widget_class, PmVisitPage, window_title);
  gtk_widget_class_bind_template_child (widget_class, PmVisitPage, time_row);
  gtk_widget_class_bind_template_child (widget_class, PmVisitPage, status_row);
  gtk_widget_class_bind_template_child (widget_class, PmVisitPage, priority_row);
  gtk_widget_class_bind_template_child (widget_class, PmVisitPage, persons_group);
  gtk_widget_class_bind_template_child (widget_class, PmVisitPage, address_row);
  gtk_widget_class_bind_template_child (widget_class, PmVisitPage, location_row);
  gtk_widget_class_bind_template_child (widget_class, PmVisitPage, facility_row);
  gtk_widget_class_bind_template_child (widget_class, PmVisitPage, services_group);
  gtk_widget_class_bind_template_child (widget_class, PmVisitPage, documents_group);
  gtk_widget_class_bind_template_child (widget_class, PmVisitPage, history_group);
}

static void
pm_visit_page_init (PmVisitPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->added_rows = g_ptr_array_new ();
}
