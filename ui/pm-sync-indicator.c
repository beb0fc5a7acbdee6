/* pm-sync-indicator.c: what is not yet at the server, at a glance
 *
 * A button in the header: its first line says the state, a smaller second
 * line how many changes wait and when the last sync was. Two short lines
 * instead of one long one leave the day's title room at 1024 px. A press opens the sync page ("win.show-sync"), which has "Sync now"; with
 * no such page around, a press asks for a sync now.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "pm-sync-indicator.h"

struct _PmSyncIndicator
{
  GtkButton         parent_instance;

  PmSyncStatus     *status;
  GtkImage         *icon;
  GtkLabel         *state_label;
  GtkLabel         *detail_label;
};

G_DEFINE_FINAL_TYPE (PmSyncIndicator, pm_sync_indicator, GTK_TYPE_BUTTON)

static void
update (PmSyncIndicator *self)
{
  g_autofree char *state = self->status ? pm_sync_status_dup_state (self->status) : NULL;
  guint pending = self->status ? pm_sync_status_get_pending (self->status) : 0;
  g_autofree char *last_sync = self->status ? pm_sync_status_dup_last_sync (self->status) : NULL;
  g_autoptr(GPtrArray) details = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *description = NULL;
  g_autofree char *full_tooltip = NULL;
  const char *label = _("Offline");
  const char *icon = "network-offline-symbolic";
  const char *tooltip = _("Not connected to the city's server yet: everything is kept on this device");

  if (g_strcmp0 (state, PM_SYNC_STATE_OFFLINE) == 0)
    tooltip = _("No network: changes are kept on this device and sent later");
  else if (g_strcmp0 (state, PM_SYNC_STATE_ONLINE) == 0)
    {
      label = _("Online");
      icon = "emblem-ok-symbolic";
      tooltip = _("Connected to the city's server");
    }
  else if (g_strcmp0 (state, PM_SYNC_STATE_SYNCING) == 0)
    {
      label = _("Syncing…");
      icon = "emblem-synchronizing-symbolic";
      tooltip = _("Sending and receiving changes");
    }
  else if (g_strcmp0 (state, PM_SYNC_STATE_ERROR) == 0)
    {
      label = _("Sync failed");
      icon = "dialog-warning-symbolic";
      tooltip = _("The last sync failed; it is tried again automatically");
    }

  details = g_ptr_array_new_with_free_func (g_free);
  if (pending > 0)
    g_ptr_array_add (details, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u not sent", "%u not sent", pending),
                                               pending));
  if (last_sync)
    {
      /* Translators: in the header bar, under the sync state; %s is HH:MM */
      g_ptr_array_add (details, g_strdup_printf (_("last sync %s"), last_sync));
      full_tooltip = g_strdup_printf (_("%s. Last successful sync at %s."), tooltip, last_sync);
    }
  else
    full_tooltip = g_strdup (tooltip);
  g_ptr_array_add (details, NULL);
  detail = g_strjoinv (" · ", (char **) details->pdata);
  description = *detail ? g_strdup_printf ("%s, %s. %s", label, detail, full_tooltip)
                        : g_strdup_printf ("%s. %s", label, full_tooltip);

  gtk_label_set_label (self->state_label, label);
  gtk_label_set_label (self->detail_label, detail);
  gtk_widget_set_visible (GTK_WIDGET (self->detail_label), *detail != '\0');
  gtk_image_set_from_icon_name (self->icon, icon);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), full_tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Sync status"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description, -1);
}

static void
clicked_cb (PmSyncIndicator *self)
{
  if (gtk_widget_activate_action (GTK_WIDGET (self), "win.show-sync", NULL))
    return;
  if (self->status)
    pm_sync_status_sync_now (self->status);
}

static void
pm_sync_indicator_dispose (GObject *object)
{
  PmSyncIndicator *self = PM_SYNC_INDICATOR (object);

  g_clear_object (&self->status);
  G_OBJECT_CLASS (pm_sync_indicator_parent_class)->dispose (object);
}

static void
pm_sync_indicator_class_init (PmSyncIndicatorClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = pm_sync_indicator_dispose;
}

static void
pm_sync_indicator_init (PmSyncIndicator *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *lines = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  self->icon = GTK_IMAGE (gtk_image_new ());
  self->state_label = GTK_LABEL (gtk_label_new (NULL));
  self->detail_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->state_label, 0);
  gtk_label_set_xalign (self->detail_label, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->state_label), "heading");
  gtk_widget_add_css_class (GTK_WIDGET (self->detail_label), "caption");
  gtk_widget_add_css_class (GTK_WIDGET (self->detail_label), "dim-label");
  gtk_box_append (GTK_BOX (lines), GTK_WIDGET (self->state_label));
  gtk_box_append (GTK_BOX (lines), GTK_WIDGET (self->detail_label));
  gtk_widget_set_valign (lines, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->icon));
  gtk_box_append (GTK_BOX (box), lines);
  gtk_button_set_child (GTK_BUTTON (self), box);
  g_signal_connect (self, "clicked", G_CALLBACK (clicked_cb), NULL);
  update (self);
}

void
pm_sync_indicator_set_status (PmSyncIndicator *self,
                              PmSyncStatus    *status)
{
  g_return_if_fail (PM_IS_SYNC_INDICATOR (self));

  if (self->status)
    g_signal_handlers_disconnect_by_data (self->status, self);
  g_set_object (&self->status, status);
  if (status)
    {
      g_signal_connect_object (status, "notify::state", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (status, "notify::pending", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (status, "notify::last-sync", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
    }
  update (self);
}
