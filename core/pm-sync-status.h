/* pm-sync-status.h: what the UI may know of sync, and all it may ask of it
 *
 * The UI never speaks HTTP: app/ puts an object implementing this interface
 * (the sync service of sync/) into the window.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define PM_TYPE_SYNC_STATUS (pm_sync_status_get_type ())
G_DECLARE_INTERFACE (PmSyncStatus, pm_sync_status, PM, SYNC_STATUS, GObject)

/* Wire ids of the "state" property. */
#define PM_SYNC_STATE_NOT_ENROLLED "not_enrolled"
#define PM_SYNC_STATE_OFFLINE      "offline"
#define PM_SYNC_STATE_ONLINE       "online"
#define PM_SYNC_STATE_SYNCING      "syncing"
#define PM_SYNC_STATE_ERROR        "error"

struct _PmSyncStatusInterface
{
  GTypeInterface parent_iface;

  void (*sync_now) (PmSyncStatus *self);
};

char  *pm_sync_status_dup_state   (PmSyncStatus *self);
guint  pm_sync_status_get_pending (PmSyncStatus *self);
char  *pm_sync_status_dup_last_sync (PmSyncStatus *self);
void   pm_sync_status_sync_now    (PmSyncStatus *self);

G_END_DECLS
