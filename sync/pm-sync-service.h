/* pm-sync-service.h: the client side of sync, as the UI sees it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "pm-store.h"
#include "pm-sync-status.h"

G_BEGIN_DECLS

#define PM_TYPE_SYNC_SERVICE (pm_sync_service_get_type ())
G_DECLARE_FINAL_TYPE (PmSyncService, pm_sync_service, PM, SYNC_SERVICE, GObject)

PmSyncService *pm_sync_service_new       (void);
void           pm_sync_service_set_store (PmSyncService *self,
                                          PmStore       *store);

G_END_DECLS
