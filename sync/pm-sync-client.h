/* pm-sync-client.h: one device's conversation with pepamo-server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "pm-muvis-report.h"
#include "pm-store.h"

G_BEGIN_DECLS

#define PM_SYNC_CLIENT_ERROR (pm_sync_client_error_quark ())

/* Answers a client must act on, not just report. */
typedef enum
{
  PM_SYNC_CLIENT_ERROR_CURSOR_GONE,    /* 410: the pull must start again from 0 */
  PM_SYNC_CLIENT_ERROR_DEVICE_REVOKED, /* 401 device_revoked: the store must go */
} PmSyncClientError;

/* What one pm_sync_client_sync() did. */
typedef struct
{
  guint    pushed;
  guint    applied;
  guint    duplicate;
  guint    conflicts;
  guint    rejected;
  guint    pulled;
  gboolean restarted; /* the server could not serve the cursor: pulled from 0 */
  guint    slots_removed; /* key slots of staff the server removed */
} PmSyncStats;

GQuark pm_sync_client_error_quark (void);

#define PM_TYPE_SYNC_CLIENT (pm_sync_client_get_type ())
G_DECLARE_FINAL_TYPE (PmSyncClient, pm_sync_client, PM, SYNC_CLIENT, GObject)

PmSyncClient *pm_sync_client_new          (const char    *server_url,
                                           const char    *token,
                                           const char    *ca_file,
                                           GError       **error);
const char   *pm_sync_client_get_server_url (PmSyncClient *self);
JsonObject   *pm_sync_client_fetch_device (PmSyncClient  *self,
                                           GError       **error);
gint64        pm_sync_client_get_clock_skew (PmSyncClient *self);
PmMuvisReport *pm_sync_client_fetch_muvis_report (PmSyncClient *self,
                                                 const char   *month,
                                                 GError      **error);
gboolean      pm_sync_client_sync         (PmSyncClient  *self,
                                           PmStore       *store,
                                           PmSyncStats   *stats,
                                           GError       **error);

G_END_DECLS
