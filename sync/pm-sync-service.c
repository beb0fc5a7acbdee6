/* pm-sync-service.c: the client side of sync, as the UI sees it
 *
 * The protocol itself is a later step (see sync/README.md). Until a store is
 * enrolled with a server there is nothing to sync with, and the service says
 * so: the state is "not_enrolled" and nothing is pending. It already follows
 * the network monitor, so the indicator shows offline/online truthfully once
 * a server is set.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pm-sync"

#include "config.h"

#include "pm-sync-service.h"

struct _PmSyncService
{
  GObject          parent_instance;

  char            *server_url;
  GNetworkMonitor *monitor;
  const char      *state;
};

static void pm_sync_service_status_init (PmSyncStatusInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PmSyncService, pm_sync_service, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (PM_TYPE_SYNC_STATUS, pm_sync_service_status_init))

enum {
  PROP_0,
  PROP_STATE,
  PROP_PENDING,
  PROP_LAST_SYNC,
  N_PROPS
};

static void
update_state (PmSyncService *self)
{
  const char *state;

  if (self->server_url == NULL)
    state = PM_SYNC_STATE_NOT_ENROLLED;
  else if (!g_network_monitor_get_network_available (self->monitor))
    state = PM_SYNC_STATE_OFFLINE;
  else
    state = PM_SYNC_STATE_ONLINE;

  if (g_strcmp0 (state, self->state) == 0)
    return;
  self->state = state;
  g_object_notify (G_OBJECT (self), "state");
}

static void
network_changed_cb (PmSyncService *self,
                    gboolean       available)
{
  update_state (self);
}

static void
pm_sync_service_sync_now (PmSyncStatus *status)
{
  /* Nothing to send before enrolment; the protocol comes with sync/PROTOCOL.md. */
  update_state (PM_SYNC_SERVICE (status));
}

static void
pm_sync_service_status_init (PmSyncStatusInterface *iface)
{
  iface->sync_now = pm_sync_service_sync_now;
}

static void
pm_sync_service_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  PmSyncService *self = PM_SYNC_SERVICE (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_string (value, self->state);
      break;
    case PROP_PENDING:
      g_value_set_uint (value, 0);
      break;
    case PROP_LAST_SYNC:
      g_value_set_string (value, NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pm_sync_service_finalize (GObject *object)
{
  PmSyncService *self = PM_SYNC_SERVICE (object);

  g_free (self->server_url);
  G_OBJECT_CLASS (pm_sync_service_parent_class)->finalize (object);
}

static void
pm_sync_service_class_init (PmSyncServiceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = pm_sync_service_get_property;
  object_class->finalize = pm_sync_service_finalize;
  g_object_class_override_property (object_class, PROP_STATE, "state");
  g_object_class_override_property (object_class, PROP_PENDING, "pending");
  g_object_class_override_property (object_class, PROP_LAST_SYNC, "last-sync");
}

static void
pm_sync_service_init (PmSyncService *self)
{
  self->monitor = g_network_monitor_get_default ();
}

PmSyncService *
pm_sync_service_new (const char *server_url)
{
  PmSyncService *self = g_object_new (PM_TYPE_SYNC_SERVICE, NULL);

  self->server_url = g_strdup (server_url);
  g_signal_connect_object (self->monitor, "network-changed",
                           G_CALLBACK (network_changed_cb), self, G_CONNECT_SWAPPED);
  update_state (self);
  return self;
}
