/* pm-sync-service.c: the client side of sync, as the UI sees it
 *
 * Once the unlocked store is enrolled with a server, the service syncs it:
 * when the network comes back, on demand, and on a timer whose interval
 * grows with each failure (with jitter, so vans do not all retry at once)
 * and does not wait for new local writes. One sync runs at a time, in a
 * worker thread (PmSyncClient's blocking calls; libsoup ≥ 3.2 allows sending
 * from a thread other than the session's). Unsent entries are counted from
 * the store's outbox every few seconds.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pm-sync"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pm-report-source.h"
#include "pm-store-sync.h"
#include "pm-sync-client.h"
#include "pm-sync-service.h"

#define FIRST_INTERVAL_SECONDS   60
#define MAX_INTERVAL_SECONDS     (30 * 60)
#define PENDING_REFRESH_SECONDS  5
#define MAX_CLOCK_SKEW_SECONDS   120

struct _PmSyncService
{
  GObject          parent_instance;

  GNetworkMonitor *monitor;
  PmStore         *store;
  PmSyncClient    *client;
  const char      *state;
  guint            pending;
  char            *last_sync;
  gboolean         running;
  gboolean         reachable;     /* the server, not just any network */
  guint            interval;      /* seconds until the next timed sync */
  guint            timer_id;
  guint            pending_id;
};

static void pm_sync_service_status_init (PmSyncStatusInterface *iface);
static void pm_sync_service_report_source_init (PmReportSourceInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PmSyncService, pm_sync_service, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (PM_TYPE_SYNC_STATUS, pm_sync_service_status_init)
                               G_IMPLEMENT_INTERFACE (PM_TYPE_REPORT_SOURCE, pm_sync_service_report_source_init))

enum {
  DEVICE_REVOKED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

enum {
  PROP_0,
  PROP_STATE,
  PROP_PENDING,
  PROP_LAST_SYNC,
  N_PROPS
};

static void
set_state (PmSyncService *self,
           const char    *state)
{
  if (g_strcmp0 (state, self->state) == 0)
    return;
  self->state = state;
  g_object_notify (G_OBJECT (self), "state");
}

static void
update_state (PmSyncService *self)
{
  if (self->client == NULL)
    set_state (self, PM_SYNC_STATE_NOT_ENROLLED);
  else if (self->running)
    set_state (self, PM_SYNC_STATE_SYNCING);
  else if (!self->reachable)
    set_state (self, PM_SYNC_STATE_OFFLINE);
  else if (g_strcmp0 (self->state, PM_SYNC_STATE_ERROR) != 0)
    set_state (self, PM_SYNC_STATE_ONLINE);
}

static void
set_pending (PmSyncService *self,
             guint          pending)
{
  if (pending == self->pending)
    return;
  self->pending = pending;
  g_object_notify (G_OBJECT (self), "pending");
}

static void
pending_counted_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(PmSyncService) self = user_data;
  gint64 count = pm_store_outbox_count_finish (PM_STORE (object), result, NULL);

  /* A count from a store that was locked meanwhile is stale. */
  if (count >= 0 && PM_STORE (object) == self->store)
    set_pending (self, (guint) count);
}

/* Asked of the store's thread, which may be busy with a sync: the UI
 * thread does not wait for it. */
static void
refresh_pending (PmSyncService *self)
{
  if (self->store == NULL)
    {
      set_pending (self, 0);
      return;
    }
  pm_store_outbox_count_async (self->store, NULL, pending_counted_cb, g_object_ref (self));
}

static gboolean
pending_tick_cb (gpointer data)
{
  refresh_pending (data);
  return G_SOURCE_CONTINUE;
}

static void start_sync (PmSyncService *self);

static gboolean
timer_cb (gpointer data)
{
  PmSyncService *self = data;

  self->timer_id = 0;
  start_sync (self);
  return G_SOURCE_REMOVE;
}

static void
schedule (PmSyncService *self)
{
  /* ±20 % jitter: vans that lost the network together do not return together. */
  guint jitter = self->interval / 5;
  guint seconds = self->interval - jitter + g_random_int_range (0, 2 * jitter + 1);

  g_clear_handle_id (&self->timer_id, g_source_remove);
  if (self->client)
    self->timer_id = g_timeout_add_seconds (MAX (seconds, 1), timer_cb, self);
}

static void
sync_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  PmSyncClient *client = task_data;
  PmStore *store = g_object_get_data (G_OBJECT (task), "store");
  PmSyncStats stats = { 0 };
  GError *error = NULL;

  if (pm_sync_client_sync (client, store, &stats, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
sync_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  PmSyncService *self = PM_SYNC_SERVICE (object);
  g_autoptr(GError) error = NULL;
  gboolean revoked = FALSE;

  self->running = FALSE;
  if (g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();

      g_free (self->last_sync);
      self->last_sync = g_date_time_format (now, "%H:%M");
      g_object_notify (G_OBJECT (self), "last-sync");
      self->interval = FIRST_INTERVAL_SECONDS;
      self->state = NULL;
      if (self->client && ABS (pm_sync_client_get_clock_skew (self->client)) >= MAX_CLOCK_SKEW_SECONDS)
        g_message ("This device's clock is %" G_GINT64_FORMAT " s off the server's",
                   pm_sync_client_get_clock_skew (self->client));
    }
  else
    {
      self->interval = MIN (self->interval * 2, MAX_INTERVAL_SECONDS);
      /* Routine in a van: a message, not a warning. */
      g_message ("Sync failed, next try in about %u s: %s", self->interval, error->message);
      set_state (self, PM_SYNC_STATE_ERROR);
      revoked = g_error_matches (error, PM_SYNC_CLIENT_ERROR, PM_SYNC_CLIENT_ERROR_DEVICE_REVOKED);
    }
  update_state (self);
  refresh_pending (self);
  schedule (self);
  /* Last: the handler closes the store and sets it to NULL here. */
  if (revoked)
    g_signal_emit (self, signals[DEVICE_REVOKED], 0);
}

static void
reach_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(PmSyncService) self = user_data;
  g_autoptr(GTask) task = NULL;

  self->reachable = g_network_monitor_can_reach_finish (G_NETWORK_MONITOR (object), result, NULL);
  if (!self->reachable || self->client == NULL || self->store == NULL)
    {
      self->running = FALSE;
      update_state (self);
      schedule (self);
      return;
    }
  task = g_task_new (self, NULL, sync_done_cb, NULL);
  g_task_set_task_data (task, g_object_ref (self->client), g_object_unref);
  g_object_set_data_full (G_OBJECT (task), "store", g_object_ref (self->store), g_object_unref);
  g_task_run_in_thread (task, sync_thread);
}

static void
start_sync (PmSyncService *self)
{
  g_autoptr(GSocketConnectable) server = NULL;

  if (self->client == NULL || self->store == NULL || self->running)
    return;
  server = g_network_address_parse_uri (pm_sync_client_get_server_url (self->client), 443, NULL);
  if (server == NULL)
    return;
  self->running = TRUE;
  update_state (self);
  /* Asks for a route to the server itself: a city intranet or the
   * loopback needs no default route, and "network available" lies
   * behind captive portals anyway. */
  g_network_monitor_can_reach_async (self->monitor, server, NULL, reach_done_cb, g_object_ref (self));
}

static void
network_changed_cb (PmSyncService *self,
                    gboolean       available)
{
  if (available)
    start_sync (self);
  else
    {
      self->reachable = FALSE;
      update_state (self);
    }
}

static void
pm_sync_service_sync_now (PmSyncStatus *status)
{
  start_sync (PM_SYNC_SERVICE (status));
}

static void
pm_sync_service_status_init (PmSyncStatusInterface *iface)
{
  iface->sync_now = pm_sync_service_sync_now;
}

static void
fetch_muvis_thread (GTask        *task,
                    gpointer      source,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  PmSyncClient *client = g_object_get_data (G_OBJECT (task), "client");
  GError *error = NULL;
  PmMuvisReport *report = pm_sync_client_fetch_muvis_report (client, task_data, &error);

  if (report)
    g_task_return_pointer (task, report, g_object_unref);
  else
    g_task_return_error (task, error);
}

/* The report from the server, with the client's blocking call in a worker
 * thread, as a sync runs. */
static void
pm_sync_service_fetch_muvis_async (PmReportSource      *source,
                                   const char          *month,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  PmSyncService *self = PM_SYNC_SERVICE (source);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, pm_sync_service_fetch_muvis_async);
  if (self->client == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED, "%s",
                               _("This device is not connected to the city's server"));
      return;
    }
  g_task_set_task_data (task, g_strdup (month), g_free);
  g_object_set_data_full (G_OBJECT (task), "client", g_object_ref (self->client), g_object_unref);
  g_task_run_in_thread (task, fetch_muvis_thread);
}

static PmMuvisReport *
pm_sync_service_fetch_muvis_finish (PmReportSource  *source,
                                    GAsyncResult    *result,
                                    GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, source), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
pm_sync_service_report_source_init (PmReportSourceInterface *iface)
{
  iface->fetch_muvis_async = pm_sync_service_fetch_muvis_async;
  iface->fetch_muvis_finish = pm_sync_service_fetch_muvis_finish;
}

/**
 * pm_sync_service_set_store:
 * @store: (nullable): the unlocked store, or %NULL when it is locked
 *
 * Follows the store's enrolment: an enrolled store is synced from now on;
 * a locked or unenrolled one is not.
 */
void
pm_sync_service_set_store (PmSyncService *self,
                           PmStore       *store)
{
  g_autofree char *url = NULL;
  g_autofree char *token = NULL;
  g_autofree char *ca_file = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (PM_IS_SYNC_SERVICE (self));
  g_set_object (&self->store, store);
  g_clear_object (&self->client);
  g_clear_handle_id (&self->timer_id, g_source_remove);
  g_clear_handle_id (&self->pending_id, g_source_remove);
  if (store)
    {
      url = pm_store_dup_meta (store, "sync.server_url", NULL);
      token = pm_store_dup_meta (store, "sync.token", NULL);
      ca_file = pm_store_dup_meta (store, "sync.ca_file", NULL);
    }
  if (url && token)
    {
      self->client = pm_sync_client_new (url, token, ca_file, &error);
      if (self->client == NULL)
        g_warning ("Cannot sync with %s: %s", url, error->message);
    }
  if (store)
    self->pending_id = g_timeout_add_seconds (PENDING_REFRESH_SECONDS, pending_tick_cb, self);
  self->interval = FIRST_INTERVAL_SECONDS;
  self->state = NULL;
  update_state (self);
  refresh_pending (self);
  start_sync (self);
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
      g_value_set_uint (value, self->pending);
      break;
    case PROP_LAST_SYNC:
      g_value_set_string (value, self->last_sync);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pm_sync_service_dispose (GObject *object)
{
  PmSyncService *self = PM_SYNC_SERVICE (object);

  g_clear_handle_id (&self->timer_id, g_source_remove);
  g_clear_handle_id (&self->pending_id, g_source_remove);
  g_clear_object (&self->client);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (pm_sync_service_parent_class)->dispose (object);
}

static void
pm_sync_service_finalize (GObject *object)
{
  PmSyncService *self = PM_SYNC_SERVICE (object);

  g_free (self->last_sync);
  G_OBJECT_CLASS (pm_sync_service_parent_class)->finalize (object);
}

static void
pm_sync_service_class_init (PmSyncServiceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = pm_sync_service_get_property;
  object_class->dispose = pm_sync_service_dispose;
  object_class->finalize = pm_sync_service_finalize;
  g_object_class_override_property (object_class, PROP_STATE, "state");
  g_object_class_override_property (object_class, PROP_PENDING, "pending");
  g_object_class_override_property (object_class, PROP_LAST_SYNC, "last-sync");

  /**
   * PmSyncService::device-revoked:
   *
   * The server refused this device as revoked: the application must close
   * the store and delete it (pm_store_delete_files()).
   */
  signals[DEVICE_REVOKED] = g_signal_new ("device-revoked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
pm_sync_service_init (PmSyncService *self)
{
  self->monitor = g_network_monitor_get_default ();
  self->interval = FIRST_INTERVAL_SECONDS;
  self->reachable = TRUE;
}

PmSyncService *
pm_sync_service_new (void)
{
  PmSyncService *self = g_object_new (PM_TYPE_SYNC_SERVICE, NULL);

  g_signal_connect_object (self->monitor, "network-changed",
                           G_CALLBACK (network_changed_cb), self, G_CONNECT_SWAPPED);
  update_state (self);
  return self;
}
