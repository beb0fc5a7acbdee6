/* pm-sync-indicator.c: what is not yet at the server, at a glance
 *
 * A button in the header: its label says the state and how many changes wait,
 * a press opens the sync page ("win.show-sync"), which has "Sync now"; with
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
  AdwButtonContent *content;
};

G_DEFINE_FINAL_TYPE (PmSyncIndicator, pm_sync_indicator, GTK_TYPE_BUTTON)

static void
update (PmSyncIndicator *self)
{
  g_autofree char *state = self->status ? pm_sync_status_dup_state (self->status) : NULL;
  guint pending = self->status ? pm_sync_status_get_pending (self->status) : 0;
  g_autofree char *last_sync = self->status ? pm_sync_status_dup_last_sync (self->status) : NULL;
  g_autofree char *state_text = NULL;
  g_autofree char *full_tooltip = NULL;
  const char *label = _("Offline");
  const char *icon = "network-offline-symbolic";
  const char *tooltip = _("Not connected to the city's server yet: everything is kept on this device");
  g_autofree char *text = NULL;

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

  if (last_sync)
    {
      /* Translators: "STATE · last sync HH:MM", in the header bar */
      state_text = g_strdup_printf (_("%s · last sync %s"), label, last_sync);
      full_tooltip = g_strdup_printf (_("%s. Last successful sync at %s."), tooltip, last_sync);
    }
  else
    {
      state_text = g_strdup (label);
      full_tooltip = g_strdup (tooltip);
    }
  if (pending > 0)
    /* Translators: "N not sent · STATE" */
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u not sent · %s", "%u not sent · %s", pending),
                            pending, state_text);
  else
    text = g_strdup (state_text);

  tooltip = full_tooltip;
  adw_button_content_set_label (self->content, text);
  adw_button_content_set_icon_name (self->content, icon);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), tooltip);
  /* The screen reader adds the visible label: "Sync status Offline". */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Sync status"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, tooltip, -1);
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
  self->content = ADW_BUTTON_CONTENT (adw_button_content_new ());
  gtk_button_set_child (GTK_BUTTON (self), GTK_WIDGET (self->content));
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
