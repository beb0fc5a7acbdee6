/* pm-sync-page.c: what has not reached the server, and what it refused
 *
 * Opened from the header's sync indicator. It shows the state in one line,
 * the conflicts and rejections the server answered (each stays until a
 * person taps "Acknowledged") and the changes still waiting in the outbox.
 * Everything is read through the store's _async calls.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pm-sync-page"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "pm-store-sync.h"
#include "pm-sync-page.h"

/* The outbox shown at most; the state line still counts all of them. */
#define MAX_SHOWN 500

struct _PmSyncPage
{
  GtkWidget     parent_instance;

  PmStore      *store;
  PmSyncStatus *status;
  GCancellable *cancellable;
  JsonArray    *unsent;
  JsonArray    *issues;
  guint         pending_loads;
  char         *load_error;

  GtkWidget    *header_bar;
  GtkWidget    *scroller;
  GtkWidget    *back_button;
  GtkSpinner   *spinner;
  GtkLabel     *state_label;
  GtkWidget    *sync_button;
  GtkListBox   *issue_list;
  GtkListBox   *unsent_list;
};

G_DEFINE_FINAL_TYPE (PmSyncPage, pm_sync_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *
kind_label (const char *kind)
{
  if (g_strcmp0 (kind, "visit") == 0)
    return C_("record kind", "Visit");
  if (g_strcmp0 (kind, "case") == 0)
    return C_("record kind", "Case");
  if (g_strcmp0 (kind, "counselling") == 0)
    return C_("record kind", "Counselling");
  if (g_strcmp0 (kind, "citizen") == 0)
    return C_("record kind", "Person");
  if (g_strcmp0 (kind, "consent") == 0)
    return C_("record kind", "Consent");
  if (g_strcmp0 (kind, "signature") == 0)
    return C_("record kind", "Signature");
  if (g_strcmp0 (kind, "staff") == 0)
    return C_("record kind", "Staff member");
  if (g_strcmp0 (kind, "van") == 0)
    return C_("record kind", "Van");
  return kind ? kind : C_("record kind", "Record");
}

static const char *
intent_label (const char *intent)
{
  if (g_strcmp0 (intent, "schedule_visit") == 0)
    return _("Visit scheduled");
  if (g_strcmp0 (intent, "record_counselling") == 0)
    return _("Counselling recorded");
  if (g_strcmp0 (intent, "capture_case") == 0)
    return _("Case captured");
  if (intent && g_str_has_prefix (intent, "add_"))
    return _("Added");
  if (intent && g_str_has_prefix (intent, "set_") && g_str_has_suffix (intent, "_status"))
    return _("Status changed");
  return _("Changed");
}

/* "HH:MM" today, else with the day; @iso is an ISO 8601 timestamp. */
static char *
format_time (const char *iso)
{
  g_autoptr(GDateTime) utc = iso ? g_date_time_new_from_iso8601 (iso, NULL) : NULL;
  g_autoptr(GDateTime) local = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  if (utc == NULL)
    return g_strdup (iso ? iso : "");
  local = g_date_time_to_local (utc);
  if (g_date_time_get_year (local) == g_date_time_get_year (now) &&
      g_date_time_get_day_of_year (local) == g_date_time_get_day_of_year (now))
    return g_date_time_format (local, "%H:%M");
  /* Translators: a strftime format for a past time of the outbox or a sync
   * issue; German: "%-d.%-m. %H:%M" */
  return g_date_time_format (local, _("%b %-d, %H:%M"));
}

/* The last 8 digits of a UUID are enough to tell records apart on screen
 * (the demo's ids differ only at the end). */
static char *
short_id (const char *id)
{
  gsize len = id ? strlen (id) : 0;

  return g_strdup (len > 8 ? id + len - 8 : (id ? id : ""));
}

static char *
record_title (JsonObject *entry)
{
  const char *kind = entry ? json_object_get_string_member_with_default (entry, "kind", NULL) : NULL;
  const char *id = entry ? json_object_get_string_member_with_default (entry, "record_id", NULL) : NULL;
  g_autofree char *shortened = short_id (id);

  /* Translators: record kind and the start of its id, e.g. "Visit 1a2b3c4d" */
  return g_strdup_printf (_("%s %s"), kind_label (kind), shortened);
}

static void
remove_rows (GtkListBox *list)
{
  GtkWidget *child;

  /* GTK 4.8 has no gtk_list_box_remove_all (); the placeholder is no row. */
  while ((child = GTK_WIDGET (gtk_list_box_get_row_at_index (list, 0))))
    gtk_list_box_remove (list, child);
}

static GtkWidget *
unsent_row (JsonObject *entry)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *title = record_title (entry);
  g_autofree char *time = format_time (json_object_get_string_member_with_default (entry, "device_time", NULL));
  g_autofree char *subtitle = NULL;

  /* Translators: what was done and when, e.g. "Visit scheduled · 11:58" */
  subtitle = g_strdup_printf (_("%s · %s"),
                              intent_label (json_object_get_string_member_with_default (entry, "intent", NULL)),
                              time);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_icon_name (ADW_ACTION_ROW (row), "mail-send-symbolic");
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  return row;
}

static const char *
rejection_text (const char *code)
{
  if (g_strcmp0 (code, "forbidden") == 0)
    return _("This device may not change this kind of record.");
  if (g_strcmp0 (code, "denied") == 0)
    return _("The change is not allowed for this person or in this state.");
  if (g_strcmp0 (code, "invalid") == 0)
    return _("The server found the record incomplete or invalid.");
  return _("The server did not accept the change.");
}

/* Who pushed a change the server reported to this office, as in "a change
 * by ..." */
static const char *
reporter_label (const char *role)
{
  if (g_strcmp0 (role, "field") == 0)
    return _("a van");
  if (g_strcmp0 (role, "dispatch") == 0)
    return _("dispatch");
  if (g_strcmp0 (role, "einwohnerwesen") == 0)
    return _("the registration office");
  if (g_strcmp0 (role, "soziales") == 0)
    return _("social services");
  return _("another device");
}

/* What a conflict or refusal means, for the device that pushed the change
 * or for the office the server reported it to. */
static char *
issue_text (gboolean    conflict,
            const char *code,
            const char *reported_by)
{
  gboolean addendum = g_strcmp0 (code, "case_locked") == 0;

  if (reported_by && conflict)
    /* Translators: %s is who sent the change, e.g. "a van" */
    return g_strdup_printf (_("A change by %s reached the server after another change of the same fields: "
                              "the first one was kept. Check the record and talk to them if their change is needed."),
                            reporter_label (reported_by));
  if (reported_by && addendum)
    /* Translators: %s is who sent the change, e.g. "a van" */
    return g_strdup_printf (_("A change by %s arrived after this case was booked. It was not applied; "
                              "it is kept here as an addendum for the case."),
                            reporter_label (reported_by));
  if (reported_by)
    /* Translators: %s is who sent the change, e.g. "a van" */
    return g_strdup_printf (_("The server refused a change by %s to this record."), reporter_label (reported_by));
  if (conflict)
    return g_strdup (_("Someone changed this record at the server first. The server's version is now on this device; "
                       "check the record and enter your change again if it is still needed."));
  if (addendum)
    return g_strdup (_("The registration office had already booked this case. Your change was not applied; "
                       "it is kept at the server as an addendum the office sees."));
  return g_strdup (rejection_text (code));
}

/* The fields a change touched, and those of them that did not stand */
static char *
fields_text (JsonObject *entry,
             JsonObject *result)
{
  /* A new record's entry names no changes. */
  JsonObject *changes = entry && json_object_has_member (entry, "changes")
                        ? json_object_get_object_member (entry, "changes") : NULL;
  JsonArray *conflicts = result && json_object_has_member (result, "conflicts")
                         ? json_object_get_array_member (result, "conflicts") : NULL;
  g_autoptr(GString) names = g_string_new (NULL);
  g_autoptr(GList) members = changes ? json_object_get_members (changes) : NULL;

  for (GList *l = members; l; l = l->next)
    g_string_append_printf (names, "%s%s", names->len ? ", " : "", (const char *) l->data);
  /* A protocol 1 edit names no changes, only the fields that conflicted. */
  if (changes == NULL && conflicts)
    for (guint i = 0; i < json_array_get_length (conflicts); i++)
      g_string_append_printf (names, "%s%s", names->len ? ", " : "", json_array_get_string_element (conflicts, i));
  if (names->len == 0)
    return NULL;
  /* Translators: the record's fields a change touched, as the record names them */
  return g_strdup_printf (_("Fields: %s"), names->str);
}

static void dismiss_clicked_cb (PmSyncPage *self,
                                GtkButton  *button);

static GtkWidget *
add_label (GtkWidget  *box,
           const char *text,
           const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (label), FALSE);
  if (css_class)
    gtk_widget_add_css_class (label, css_class);
  gtk_box_append (GTK_BOX (box), label);
  return label;
}

static GtkWidget *
issue_row (PmSyncPage *self,
           JsonObject *issue)
{
  JsonObject *entry = json_object_get_object_member (issue, "entry");
  JsonObject *result = json_object_get_object_member (issue, "result");
  const char *outcome = json_object_get_string_member_with_default (issue, "outcome", "");
  gboolean conflict = g_str_equal (outcome, "conflict");
  const char *uuid = entry ? json_object_get_string_member_with_default (entry, "uuid", NULL) : NULL;
  const char *message = result ? json_object_get_string_member_with_default (result, "message", NULL) : NULL;
  const char *code = result ? json_object_get_string_member_with_default (result, "code", NULL) : NULL;
  const char *reported_by = result ? json_object_get_string_member_with_default (result, "reported_by", NULL) : NULL;
  g_autofree char *what = record_title (entry);
  g_autofree char *text = issue_text (conflict, code, reported_by);
  g_autofree char *fields = fields_text (entry, result);
  g_autofree char *heading = NULL;
  g_autofree char *when = format_time (json_object_get_string_member_with_default (issue, "at", NULL));
  g_autofree char *details = NULL;
  g_autofree char *accessible = NULL;
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *button;

  if (uuid == NULL && result)
    uuid = json_object_get_string_member_with_default (result, "uuid", NULL);

  /* Translators: "Conflict: Visit 1a2b3c4d" */
  heading = g_strdup_printf (conflict ? _("Conflict: %s")
                             : g_strcmp0 (code, "case_locked") == 0 ? _("Addendum: %s") : _("Rejected: %s"), what);
  gtk_widget_set_margin_top (box, 10);
  gtk_widget_set_margin_bottom (box, 10);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  add_label (box, heading, "heading");
  add_label (box, text, NULL);
  if (fields)
    add_label (box, fields, "dim-label");
  if (message && *message)
    {
      /* Translators: the server's own message, as it sent it */
      g_autofree char *server = g_strdup_printf (_("Server: %s"), message);

      add_label (box, server, "dim-label");
    }
  /* Translators: what the change was and when the server answered: "Visit scheduled · answered 11:58" */
  details = g_strdup_printf (_("%s · answered %s"),
                             intent_label (entry ? json_object_get_string_member_with_default (entry, "intent", NULL) : NULL),
                             when);
  add_label (box, details, "dim-label");

  button = gtk_button_new_with_label (_("Acknowledged"));
  gtk_widget_set_halign (button, GTK_ALIGN_END);
  gtk_widget_set_margin_top (button, 4);
  /* Translators: accessible name of the button, e.g. "Acknowledge: Conflict: Visit 1a2b3c4d" */
  accessible = g_strdup_printf (_("Acknowledge: %s"), heading);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  gtk_widget_set_tooltip_text (button, _("Remove this notice: a person has seen it and acted"));
  g_object_set_data_full (G_OBJECT (button), "pm-issue-uuid", g_strdup (uuid), g_free);
  gtk_widget_set_sensitive (button, uuid != NULL);
  g_signal_connect_object (button, "clicked", G_CALLBACK (dismiss_clicked_cb), self, G_CONNECT_SWAPPED);
  gtk_box_append (GTK_BOX (box), button);

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, heading, -1);
  return row;
}

static const char *
state_word (PmSyncPage *self)
{
  g_autofree char *state = self->status ? pm_sync_status_dup_state (self->status) : NULL;

  if (g_strcmp0 (state, PM_SYNC_STATE_ONLINE) == 0)
    return _("Online");
  if (g_strcmp0 (state, PM_SYNC_STATE_SYNCING) == 0)
    return _("Syncing…");
  if (g_strcmp0 (state, PM_SYNC_STATE_ERROR) == 0)
    return _("Sync failed");
  return _("Offline");
}

static void
update_state (PmSyncPage *self)
{
  g_autofree char *last_sync = self->status ? pm_sync_status_dup_last_sync (self->status) : NULL;
  g_autofree char *state = self->status ? pm_sync_status_dup_state (self->status) : NULL;
  g_autofree char *text = NULL;
  guint unsent = self->unsent ? json_array_get_length (self->unsent) : 0;

  /* The list stops at MAX_SHOWN; the service counts beyond it. */
  if (unsent >= MAX_SHOWN && self->status)
    unsent = MAX (unsent, pm_sync_status_get_pending (self->status));
  if (self->load_error)
    /* Translators: %s says why */
    text = g_strdup_printf (_("The list could not be read: %s"), self->load_error);
  else if (last_sync)
    /* Translators: "N not sent · last sync HH:MM · Online"; German "%u nicht gesendet · zuletzt %s · %s" */
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u not sent · last sync %s · %s",
                                         "%u not sent · last sync %s · %s", unsent),
                            unsent, last_sync, state_word (self));
  else
    /* Translators: "N not sent · not synced yet · Offline" */
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u not sent · not synced yet · %s",
                                         "%u not sent · not synced yet · %s", unsent),
                            unsent, state_word (self));
  gtk_label_set_label (self->state_label, text);
  gtk_widget_set_sensitive (self->sync_button,
                            self->status != NULL && g_strcmp0 (state, PM_SYNC_STATE_SYNCING) != 0);
}

static void
show_lists (PmSyncPage *self)
{
  remove_rows (self->unsent_list);
  remove_rows (self->issue_list);
  for (guint i = 0; self->unsent && i < json_array_get_length (self->unsent); i++)
    {
      JsonObject *entry = json_array_get_object_element (self->unsent, i);

      if (entry)
        gtk_list_box_append (self->unsent_list, unsent_row (entry));
    }
  /* Newest answers first: the one just received is on top. */
  for (guint i = self->issues ? json_array_get_length (self->issues) : 0; i > 0; i--)
    {
      JsonObject *issue = json_array_get_object_element (self->issues, i - 1);

      if (issue)
        gtk_list_box_append (self->issue_list, issue_row (self, issue));
    }
  update_state (self);
}

static void
set_loading (PmSyncPage *self,
             guint       pending_loads)
{
  gboolean was_loading = self->pending_loads > 0;

  self->pending_loads = pending_loads;
  gtk_spinner_set_spinning (self->spinner, pending_loads > 0);
  if (was_loading != (pending_loads > 0))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
load_done (PmSyncPage *self,
           JsonArray  *array,
           JsonArray **slot,
           GError     *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (array)
    {
      g_clear_pointer (slot, json_array_unref);
      *slot = json_array_ref (array);
    }
  else
    {
      g_warning ("Reading the sync lists failed: %s", error->message);
      g_free (self->load_error);
      self->load_error = g_strdup (error->message);
    }
  if (self->pending_loads == 1)
    show_lists (self);
  set_loading (self, self->pending_loads - 1);
}

static void
unsent_loaded_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(PmSyncPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) unsent = pm_store_outbox_peek_finish (PM_STORE (source), result, &error);

  load_done (self, unsent, &self->unsent, error);
}

static void
issues_loaded_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(PmSyncPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) issues = pm_store_list_sync_issues_finish (PM_STORE (source), result, &error);

  load_done (self, issues, &self->issues, error);
}

/**
 * pm_sync_page_reload:
 *
 * Reads the outbox and the sync issues again, off the main thread; a reload
 * asked for meanwhile replaces this one.
 */
void
pm_sync_page_reload (PmSyncPage *self)
{
  g_return_if_fail (PM_IS_SYNC_PAGE (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->load_error, g_free);
  if (self->store == NULL)
    {
      g_clear_pointer (&self->unsent, json_array_unref);
      g_clear_pointer (&self->issues, json_array_unref);
      set_loading (self, 0);
      show_lists (self);
      return;
    }
  self->cancellable = g_cancellable_new ();
  set_loading (self, 2);
  pm_store_outbox_peek_async (self->store, MAX_SHOWN, self->cancellable, unsent_loaded_cb, g_object_ref (self));
  pm_store_list_sync_issues_async (self->store, self->cancellable, issues_loaded_cb, g_object_ref (self));
}

static void
dismissed_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(PmSyncPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!pm_store_dismiss_sync_issue_finish (PM_STORE (source), result, &error))
    g_warning ("Dismissing a sync issue failed: %s", error->message);
  /* Only a page still showing this store reads it again. */
  if (self->store == PM_STORE (source))
    pm_sync_page_reload (self);
}

static void
dismiss_clicked_cb (PmSyncPage *self,
                    GtkButton  *button)
{
  const char *uuid = g_object_get_data (G_OBJECT (button), "pm-issue-uuid");

  if (self->store == NULL || uuid == NULL)
    return;
  gtk_widget_set_sensitive (GTK_WIDGET (button), FALSE);
  pm_store_dismiss_sync_issue_async (self->store, uuid, NULL, dismissed_cb, g_object_ref (self));
}

static void
sync_clicked_cb (PmSyncPage *self)
{
  if (self->status)
    pm_sync_status_sync_now (self->status);
}

static void
status_changed_cb (PmSyncPage *self)
{
  update_state (self);
  /* A push or a local save changed the outbox; a push may have brought issues. */
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    pm_sync_page_reload (self);
}

void
pm_sync_page_set_status (PmSyncPage   *self,
                         PmSyncStatus *status)
{
  g_return_if_fail (PM_IS_SYNC_PAGE (self));

  if (self->status)
    g_signal_handlers_disconnect_by_data (self->status, self);
  g_set_object (&self->status, status);
  if (status)
    {
      g_signal_connect_object (status, "notify::state", G_CALLBACK (status_changed_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (status, "notify::pending", G_CALLBACK (status_changed_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (status, "notify::last-sync", G_CALLBACK (update_state), self, G_CONNECT_SWAPPED);
    }
  update_state (self);
}

/* What was read of the previous store is dropped (with %NULL, when
 * locking); the new one is read when the page is on screen. */
void
pm_sync_page_set_store (PmSyncPage *self,
                        PmStore    *store)
{
  g_return_if_fail (PM_IS_SYNC_PAGE (self));

  g_set_object (&self->store, store);
  g_cancellable_cancel (self->cancellable);
  g_clear_pointer (&self->unsent, json_array_unref);
  g_clear_pointer (&self->issues, json_array_unref);
  set_loading (self, 0);
  show_lists (self);
  if (store && gtk_widget_get_mapped (GTK_WIDGET (self)))
    pm_sync_page_reload (self);
}

gboolean
pm_sync_page_get_loading (PmSyncPage *self)
{
  g_return_val_if_fail (PM_IS_SYNC_PAGE (self), FALSE);
  return self->pending_loads > 0;
}

guint
pm_sync_page_get_n_unsent (PmSyncPage *self)
{
  g_return_val_if_fail (PM_IS_SYNC_PAGE (self), 0);
  return self->unsent ? json_array_get_length (self->unsent) : 0;
}

guint
pm_sync_page_get_n_issues (PmSyncPage *self)
{
  g_return_val_if_fail (PM_IS_SYNC_PAGE (self), 0);
  return self->issues ? json_array_get_length (self->issues) : 0;
}

void
pm_sync_page_set_back_visible (PmSyncPage *self,
                               gboolean    visible)
{
  g_return_if_fail (PM_IS_SYNC_PAGE (self));
  gtk_widget_set_visible (self->back_button, visible);
}

static void
pm_sync_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (pm_sync_page_parent_class)->map (widget);
  /* Shown again: what is on screen is read fresh. */
  pm_sync_page_reload (PM_SYNC_PAGE (widget));
}

static void
pm_sync_page_dispose (GObject *object)
{
  PmSyncPage *self = PM_SYNC_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->status)
    g_signal_handlers_disconnect_by_data (self->status, self);
  g_clear_object (&self->status);
  g_clear_object (&self->store);
  g_clear_pointer (&self->unsent, json_array_unref);
  g_clear_pointer (&self->issues, json_array_unref);
  g_clear_pointer (&self->load_error, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), PM_TYPE_SYNC_PAGE);
  G_OBJECT_CLASS (pm_sync_page_parent_class)->dispose (object);
}

static void
pm_sync_page_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  PmSyncPage *self = PM_SYNC_PAGE (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, self->pending_loads > 0);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pm_sync_page_class_init (PmSyncPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pm_sync_page_dispose;
  object_class->get_property = pm_sync_page_get_property;
  widget_class->map = pm_sync_page_map;

  /* Whether the outbox and the issues are being read. */
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/de/halle/PePaMo/ui/pm-sync-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PmSyncPage, header_bar);
  gtk_widget_class_bind_template_child (widget_class, PmSyncPage, scroller);
  gtk_widget_class_bind_template_child (widget_class, PmSyncPage, back_button);
  gtk_widget_class_bind_template_child (widget_class, PmSyncPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, PmSyncPage, state_label);
  gtk_widget_class_bind_template_child (widget_class, PmSyncPage, sync_button);
  gtk_widget_class_bind_template_child (widget_class, PmSyncPage, issue_list);
  gtk_widget_class_bind_template_child (widget_class, PmSyncPage, unsent_list);
  gtk_widget_class_bind_template_callback (widget_class, sync_clicked_cb);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
pm_sync_page_init (PmSyncPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  update_state (self);
}
