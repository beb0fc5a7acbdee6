/* pm-social-desk.c: the Soziales office desk
 *
 * What a counsellor in the office works through: the follow-ups
 * (Wiedervorlagen) due this week and overdue, by counsellor, each with a
 * button that orders the follow-up visit from dispatch; the referrals with
 * the state of their consent; the persons counselled and, for one of them,
 * the counselling history. Everything comes from core's Soziales queries,
 * which refuse anyone outside Soziales; the history is audited there. The
 * MUVIS figures are a page of their own, the only one the planning sees.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pm-social-desk"

#include "config.h"

#include <glib/gi18n.h>

#include "pm-clock.h"
#include "pm-json-util.h"
#include "pm-model.h"
#include "pm-social-desk.h"
#include "pm-social-muvis-page.h"
#include "pm-store-social.h"
#include "pm-ui-labels.h"

struct _PmSocialDesk
{
  GtkWidget         parent_instance;

  PmStore          *store;
  GCancellable     *cancellable;
  guint             pending;
  guint             n_follow_ups;
  guint             n_referrals;
  gboolean          planning;     /* figures only: no record at all */

  AdwToastOverlay  *toast_overlay;
  GtkWidget        *back_button;
  GtkMenuButton    *person_button;
  AdwButtonContent *person_content;
  AdwViewStack     *view_stack;
  GtkStack         *follow_ups_stack;
  AdwStatusPage    *follow_ups_status;
  GtkBox           *follow_ups_box;
  GtkStack         *referrals_stack;
  AdwStatusPage    *referrals_status;
  GtkBox           *referrals_box;
  GtkStack         *persons_stack;
  GtkSearchEntry   *person_search;
  GtkListBox       *persons_list;
  GtkBox           *history_box;
  AdwViewStackPage *follow_ups_stack_page;
  AdwViewStackPage *referrals_stack_page;
  AdwViewStackPage *persons_stack_page;
  PmSocialMuvisPage *muvis_page;
};

G_DEFINE_FINAL_TYPE (PmSocialDesk, pm_social_desk, GTK_TYPE_WIDGET)

static void
clear_box (GtkBox *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (box))))
    gtk_box_remove (box, child);
}

static void
clear_persons (PmSocialDesk *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->persons_list))))
    gtk_list_box_remove (self->persons_list, child);
}

static void
toast (PmSocialDesk *self,
       const char   *message)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

/* A list could not be read: the page says why, in German. */
static void
show_failure (PmSocialDesk  *self,
              GtkStack      *stack,
              AdwStatusPage *status,
              const GError  *error)
{
  g_warning ("Loading the desk failed: %s", error->message);
  adw_status_page_set_icon_name (status, "dialog-error-symbolic");
  adw_status_page_set_title (status, _("Could Not Be Loaded"));
  adw_status_page_set_description (status, error->message);
  gtk_stack_set_visible_child_name (stack, "empty");
}

static void
loaded_one (PmSocialDesk *self)
{
  if (self->pending > 0)
    self->pending--;
}

static char *
format_date (const char *date)
{
  return date ? pm_ui_format_day (date) : g_strdup ("");
}

static GtkWidget *
new_group (GtkBox     *box,
           const char *title)
{
  GtkWidget *group = adw_preferences_group_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  gtk_box_append (box, group);
  return group;
}

static void show_history (PmSocialDesk *self,
                          const char   *citizen_id,
                          const char   *person);

static void
person_row_activated_cb (AdwActionRow *row,
                         PmSocialDesk *self)
{
  show_history (self, g_object_get_data (G_OBJECT (row), "citizen-id"),
                adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)));
}

/* A row naming a person; activating it opens the person's history. */
static GtkWidget *
new_person_row (PmSocialDesk *self,
                JsonObject   *item,
                const char   *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), pm_json_get_string (item, "person"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_widget_set_size_request (row, -1, 56);
  g_object_set_data_full (G_OBJECT (row), "citizen-id", g_strdup (pm_json_get_string (item, "citizen_id")), g_free);
  g_signal_connect_object (row, "activated", G_CALLBACK (person_row_activated_cb), self, 0);
  return row;
}

/* Ordering a follow-up visit: the person's address from the store, then a
 * visit request through the ordinary write path (queued for the server). */

typedef struct
{
  PmSocialDesk *desk;
  GtkWidget    *button;
  char         *follow_up_date;
  char         *person;
} OrderData;

static void
order_data_free (OrderData *order)
{
  g_object_unref (order->desk);
  g_object_unref (order->button);
  g_free (order->follow_up_date);
  g_free (order->person);
  g_free (order);
}

static void
order_failed (OrderData    *order,
              const GError *error)
{
  g_autofree char *message = NULL;

  g_warning ("Ordering a follow-up visit failed: %s", error->message);
  /* Translators: %s says why */
  message = g_strdup_printf (_("The visit could not be ordered: %s"), error->message);
  toast (order->desk, message);
  gtk_widget_set_sensitive (order->button, TRUE);
}

static void
request_saved_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  OrderData *order = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) saved = pm_store_save_all_finish (PM_STORE (source), result, &error);
  g_autofree char *message = NULL;

  if (saved == NULL)
    order_failed (order, error);
  else
    {
      /* Translators: %s is a person's name */
      message = g_strdup_printf (_("Dispatch has a visit request for %s."), order->person);
      toast (order->desk, message);
      pm_social_desk_reload (order->desk);
    }
  order_data_free (order);
}

static void
citizen_loaded_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  OrderData *order = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(PmRecord) citizen = pm_store_get_finish (PM_STORE (source), result, &error);
  g_autoptr(GPtrArray) records = NULL;

  if (citizen == NULL || order->desk->store == NULL)
    {
      if (citizen == NULL)
        order_failed (order, error);
      order_data_free (order);
      return;
    }
  records = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (records, pm_visit_new_follow_up_request (citizen, order->follow_up_date));
  pm_store_save_all_async (order->desk->store, records, NULL, request_saved_cb, order);
}

static void
order_clicked_cb (GtkButton    *button,
                  PmSocialDesk *self)
{
  OrderData *order;

  if (self->store == NULL)
    return;
  order = g_new0 (OrderData, 1);
  order->desk = g_object_ref (self);
  order->button = g_object_ref (GTK_WIDGET (button));
  order->follow_up_date = g_strdup (g_object_get_data (G_OBJECT (button), "follow-up-date"));
  order->person = g_strdup (g_object_get_data (G_OBJECT (button), "person"));
  gtk_widget_set_sensitive (GTK_WIDGET (button), FALSE);
  pm_store_get_async (self->store, PM_TYPE_CITIZEN, g_object_get_data (G_OBJECT (button), "citizen-id"), NULL,
                      citizen_loaded_cb, order);
}

static GtkWidget *
new_follow_up_row (PmSocialDesk *self,
                   JsonObject   *item)
{
  g_autofree char *day = format_date (pm_json_get_string (item, "follow_up_date"));
  gboolean overdue = json_object_get_boolean_member_with_default (item, "overdue", FALSE);
  gboolean requested = json_object_get_boolean_member_with_default (item, "visit_requested", FALSE);
  /* Translators: a follow-up's date; %s is a day */
  g_autofree char *subtitle = g_strdup_printf (overdue ? _("Overdue since %s") : _("Due on %s"), day);
  GtkWidget *row = new_person_row (self, item, subtitle);
  GtkWidget *button;
  g_autofree char *accessible = NULL;

  if (overdue)
    gtk_widget_add_css_class (row, "overdue");
  if (requested)
    {
      button = gtk_label_new (_("Visit ordered or planned"));
      gtk_widget_add_css_class (button, "dim-label");
    }
  else
    {
      button = gtk_button_new_with_label (_("Order Visit"));
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_set_size_request (button, -1, 44);
      /* Translators: accessible name of the button; %s is a person's name */
      accessible = g_strdup_printf (_("Order a follow-up visit for %s"), pm_json_get_string (item, "person"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
      g_object_set_data_full (G_OBJECT (button), "citizen-id", g_strdup (pm_json_get_string (item, "citizen_id")), g_free);
      g_object_set_data_full (G_OBJECT (button), "person", g_strdup (pm_json_get_string (item, "person")), g_free);
      g_object_set_data_full (G_OBJECT (button), "follow-up-date",
                              g_strdup (pm_json_get_string (item, "follow_up_date")), g_free);
      g_signal_connect_object (button, "clicked", G_CALLBACK (order_clicked_cb), self, 0);
    }
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  return row;
}

static void
follow_ups_loaded_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(PmSocialDesk) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) items = pm_store_list_follow_ups_finish (PM_STORE (source), result, &error);
  GtkWidget *group = NULL;
  const char *counsellor = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  loaded_one (self);
  clear_box (self->follow_ups_box);
  if (items == NULL)
    {
      show_failure (self, self->follow_ups_stack, self->follow_ups_status, error);
      return;
    }
  self->n_follow_ups = json_array_get_length (items);
  /* One group per counsellor, in the order core sorted them. */
  for (guint i = 0; i < self->n_follow_ups; i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);

      if (group == NULL || g_strcmp0 (counsellor, pm_json_get_string (item, "counsellor")) != 0)
        {
          counsellor = pm_json_get_string (item, "counsellor");
          group = new_group (self->follow_ups_box, counsellor);
        }
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), new_follow_up_row (self, item));
    }
  gtk_stack_set_visible_child_name (self->follow_ups_stack, self->n_follow_ups ? "list" : "empty");
}

static const char *
consent_label (const char *state)
{
  if (g_strcmp0 (state, "given") == 0)
    return _("Consent given");
  if (g_strcmp0 (state, "withdrawn") == 0)
    return _("Consent withdrawn");
  return _("No consent on record");
}

static void
referrals_loaded_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(PmSocialDesk) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) items = pm_store_list_referrals_finish (PM_STORE (source), result, &error);
  GtkWidget *group;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  loaded_one (self);
  clear_box (self->referrals_box);
  if (items == NULL)
    {
      show_failure (self, self->referrals_stack, self->referrals_status, error);
      return;
    }
  self->n_referrals = json_array_get_length (items);
  group = new_group (self->referrals_box, _("Referrals, newest first"));
  for (guint i = 0; i < self->n_referrals; i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);
      g_autofree char *day = format_date (pm_json_get_string (item, "date"));
      const char *state = pm_json_get_string (item, "consent");
      /* Translators: a referral: to whom, on which day */
      g_autofree char *subtitle = g_strdup_printf (_("To %s, %s"), pm_json_get_string (item, "to"), day);
      GtkWidget *row = new_person_row (self, item, subtitle);
      GtkWidget *label = gtk_label_new (consent_label (state));

      if (g_strcmp0 (state, "given") != 0)
        gtk_widget_add_css_class (label, "error");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
  gtk_stack_set_visible_child_name (self->referrals_stack, self->n_referrals ? "list" : "empty");
}

static gboolean
filter_person (GtkListBoxRow *row,
               gpointer       user_data)
{
  PmSocialDesk *self = user_data;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->person_search));
  g_autofree char *needle = g_utf8_casefold (text, -1);
  g_autofree char *name = NULL;

  if (!ADW_IS_PREFERENCES_ROW (row) || *needle == '\0')
    return TRUE;
  name = g_utf8_casefold (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), -1);
  return strstr (name, needle) != NULL;
}

static void
search_changed_cb (PmSocialDesk *self)
{
  gtk_list_box_invalidate_filter (self->persons_list);
}

static void
persons_loaded_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(PmSocialDesk) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) items = pm_store_list_counselled_persons_finish (PM_STORE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  loaded_one (self);
  clear_persons (self);
  if (items == NULL)
    {
      g_warning ("Loading the persons failed: %s", error->message);
      toast (self, error->message);
      return;
    }
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);
      g_autofree char *day = format_date (pm_json_get_string (item, "last_contact"));
      gint64 n = pm_json_get_int (item, "sessions", 0);
      /* Translators: %d sessions, last on %s (a day) */
      g_autofree char *subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d session, last on %s",
                                                                "%d sessions, last on %s", n), (int) n, day);

      gtk_list_box_append (self->persons_list, new_person_row (self, item, subtitle));
    }
}

static void
person_activated_cb (PmSocialDesk  *self,
                     GtkListBoxRow *row)
{
  person_row_activated_cb (ADW_ACTION_ROW (row), self);
}

static void
add_history_line (GtkWidget  *expander,
                  const char *title,
                  const char *text)
{
  GtkWidget *row;

  if (text == NULL || *text == '\0')
    return;
  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), text);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  gtk_widget_add_css_class (row, "property");
  adw_expander_row_add_row (ADW_EXPANDER_ROW (expander), row);
}

/* The labels of a record's list field, joined for one line. */
static char *
join_labels (JsonObject     *record,
             const char     *member,
             const PmChoice *choices)
{
  g_auto(GStrv) ids = pm_json_get_strv (record, member);
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; ids && ids[i]; i++)
    {
      const PmChoice *choice = pm_choice_find (choices, ids[i]);

      if (text->len)
        g_string_append (text, ", ");
      g_string_append (text, choice ? _(choice->label) : ids[i]);
    }
  return g_strdup (text->str);
}

static void
history_loaded_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(PmSocialDesk) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) items = pm_store_list_counselling_history_finish (PM_STORE (source), result, &error);
  GtkWidget *group = gtk_widget_get_first_child (GTK_WIDGET (self->history_box));

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || group == NULL)
    return;
  if (items == NULL)
    {
      g_warning ("Loading a counselling history failed: %s", error->message);
      toast (self, error->message);
      return;
    }
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);
      JsonObject *record = pm_json_get_object (item, "record");
      g_autofree char *day = format_date (pm_json_get_string (item, "date"));
      g_autofree char *topics = join_labels (record, "topics", pm_counselling_topics ());
      g_autofree char *needs = join_labels (record, "unmet_needs", pm_counselling_unmet_needs ());
      g_autofree char *follow_up = format_date (pm_json_get_string (record, "follow_up_date"));
      GtkWidget *expander = adw_expander_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (expander), day);
      adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (expander), pm_json_get_string (item, "counsellor"));
      add_history_line (expander, _("Topics"), topics);
      add_history_line (expander, _("Results"), pm_json_get_string (record, "results"));
      add_history_line (expander, _("Unmet needs"), needs);
      add_history_line (expander, _("Follow-up date"), follow_up);
      if (g_strcmp0 (pm_json_get_string (record, "status"), "final") != 0)
        add_history_line (expander, _("Status"), _("Draft"));
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), expander);
    }
  if (json_array_get_length (items) == 0)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), _("No counselling recorded"));
}

static void
show_history (PmSocialDesk *self,
              const char   *citizen_id,
              const char   *person)
{
  g_autofree char *title = NULL;

  if (self->store == NULL || citizen_id == NULL)
    return;
  clear_box (self->history_box);
  /* Translators: title of a person's counselling history; %s is the name */
  title = g_strdup_printf (_("Counselling of %s"), person);
  /* The sessions go into this group once loaded. */
  new_group (self->history_box, title);
  adw_view_stack_set_visible_child_name (self->view_stack, "persons");
  gtk_stack_set_visible_child_name (self->persons_stack, "history");
  gtk_widget_set_visible (self->back_button, TRUE);
  pm_store_list_counselling_history_async (self->store, citizen_id, self->cancellable, history_loaded_cb,
                                           g_object_ref (self));
}

static void
back_clicked_cb (PmSocialDesk *self)
{
  gtk_stack_set_visible_child_name (self->persons_stack, "list");
  gtk_widget_set_visible (self->back_button, FALSE);
  clear_box (self->history_box);
}

static void
reload_clicked_cb (PmSocialDesk *self)
{
  pm_social_desk_reload (self);
}

/* The figures are counted when someone looks at them. */
static void
page_changed_cb (PmSocialDesk *self)
{
  if (self->store && g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack), "muvis") == 0)
    pm_social_muvis_page_reload (self->muvis_page);
}

static void
pm_social_desk_dispose (GObject *object)
{
  PmSocialDesk *self = PM_SOCIAL_DESK (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  gtk_widget_dispose_template (GTK_WIDGET (self), PM_TYPE_SOCIAL_DESK);
  G_OBJECT_CLASS (pm_social_desk_parent_class)->dispose (object);
}

static void
pm_social_desk_class_init (PmSocialDeskClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pm_social_desk_dispose;

  g_type_ensure (PM_TYPE_SOCIAL_MUVIS_PAGE);
  gtk_widget_class_set_template_from_resource (widget_class, "/de/halle/PePaMo/ui/pm-social-desk.ui");
  gtk_widget_class_bind_template_child (widget_class, PmSocialDesk, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, PmSocialDesk, back_button);
  gtk_widget_class_bind_template_child (widget_class, PmSocialDesk, person_button);
  gtk_widget_class_bind_template_child (widget_class, PmSocialDesk, person_content);
  gtk_widget_class_bind_template_child (widget_class, PmSocialDesk, view_stack);
  gtk_widget_class_bind_template_child (widget_class, PmSocialDesk, follow_ups_stack);
  gtk_widget_class_bind_template_child (widget_class, PmSocialDesk, follow_ups_status);
  gtk_widget_class_bind_template_child (widget_class, PmSocialDesk, follow_ups_box);
  gtk_widget_class_bind_template_child (widget_class, PmSocialDesk, referrals_stack);
  gtk_widget_class_bind_template_child (widget_class, PmSocialDesk, referrals_status);
  gtk_widget_class_bind_template_child (widget_class, PmSocialDesk, referrals_box);
  gtk_widget_class_bind_template_child (widget_class, PmSocialDesk, persons_stack);
  gtk_widget_class_bind_template_child (widget_class, PmSocialDesk, person_search);
  gtk_widget_class_bind_template_child (widget_class, PmSocialDesk, persons_list);
  gtk_widget_class_bind_template_child (widget_class, PmSocialDesk, history_box);
  gtk_widget_class_bind_template_child (widget_class, PmSocialDesk, follow_ups_stack_page);
  gtk_widget_class_bind_template_child (widget_class, PmSocialDesk, referrals_stack_page);
  gtk_widget_class_bind_template_child (widget_class, PmSocialDesk, persons_stack_page);
  gtk_widget_class_bind_template_child (widget_class, PmSocialDesk, muvis_page);
  gtk_widget_class_bind_template_callback (widget_class, page_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, back_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, reload_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, person_activated_cb);
}

static void
pm_social_desk_init (PmSocialDesk *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_list_box_set_filter_func (self->persons_list, filter_person, self, NULL);
  gtk_list_box_set_placeholder (self->persons_list, gtk_label_new (_("No person counselled yet")));
}

/* Drops every record shown: on lock, and before someone else's view. */
static void
clear_lists (PmSocialDesk *self)
{
  g_cancellable_cancel (self->cancellable);
  clear_box (self->follow_ups_box);
  clear_box (self->referrals_box);
  back_clicked_cb (self);
  clear_persons (self);
  gtk_editable_set_text (GTK_EDITABLE (self->person_search), "");
  self->pending = 0;
  self->n_follow_ups = self->n_referrals = 0;
}

/* The store to read (NULL drops everything shown: on lock, or when someone
 * outside Soziales and the planning acts). The planning sees the figures
 * only. */
void
pm_social_desk_set_store (PmSocialDesk *self,
                          PmStore      *store)
{
  g_return_if_fail (PM_IS_SOCIAL_DESK (self));
  g_set_object (&self->store, store);
  pm_social_muvis_page_set_store (self->muvis_page, store);
  clear_lists (self);
  if (store == NULL)
    return;
  self->planning = pm_store_get_actor_role (store) == PM_ROLE_PLANNING;
  adw_view_stack_page_set_visible (self->follow_ups_stack_page, !self->planning);
  adw_view_stack_page_set_visible (self->referrals_stack_page, !self->planning);
  adw_view_stack_page_set_visible (self->persons_stack_page, !self->planning);
  if (self->planning)
    adw_view_stack_set_visible_child_name (self->view_stack, "muvis");
  pm_social_desk_reload (self);
}

/* The person menu of the window: switching who acts, locking. */
void
pm_social_desk_set_people (PmSocialDesk *self,
                           GMenuModel   *menu,
                           const char   *acting_name)
{
  g_autofree char *accessible = NULL;

  g_return_if_fail (PM_IS_SOCIAL_DESK (self));
  gtk_menu_button_set_menu_model (self->person_button, menu);
  adw_button_content_set_label (self->person_content, acting_name ? acting_name : "");
  /* Translators: accessible name of the person button; %s is a name */
  accessible = g_strdup_printf (_("Acting person: %s"), acting_name ? acting_name : "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->person_button), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
}

void
pm_social_desk_reload (PmSocialDesk *self)
{
  g_autofree char *today = pm_clock_today ();

  g_return_if_fail (PM_IS_SOCIAL_DESK (self));
  if (self->store == NULL)
    return;
  page_changed_cb (self);
  if (self->planning)
    return;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->pending = 3;
  gtk_stack_set_visible_child_name (self->follow_ups_stack, "loading");
  gtk_stack_set_visible_child_name (self->referrals_stack, "loading");
  pm_store_list_follow_ups_async (self->store, today, self->cancellable, follow_ups_loaded_cb, g_object_ref (self));
  pm_store_list_referrals_async (self->store, self->cancellable, referrals_loaded_cb, g_object_ref (self));
  pm_store_list_counselled_persons_async (self->store, self->cancellable, persons_loaded_cb, g_object_ref (self));
}

/* Where the MUVIS figures come from on an enrolled device. */
void
pm_social_desk_set_report_source (PmSocialDesk   *self,
                                  PmReportSource *source)
{
  g_return_if_fail (PM_IS_SOCIAL_DESK (self));
  pm_social_muvis_page_set_source (self->muvis_page, source);
}

gboolean
pm_social_desk_get_loading (PmSocialDesk *self)
{
  g_return_val_if_fail (PM_IS_SOCIAL_DESK (self), FALSE);
  return self->pending > 0;
}

guint
pm_social_desk_get_n_follow_ups (PmSocialDesk *self)
{
  g_return_val_if_fail (PM_IS_SOCIAL_DESK (self), 0);
  return self->n_follow_ups;
}

guint
pm_social_desk_get_n_referrals (PmSocialDesk *self)
{
  g_return_val_if_fail (PM_IS_SOCIAL_DESK (self), 0);
  return self->n_referrals;
}
