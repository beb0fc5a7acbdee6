/* pm-sync-page.h: what has not reached the server, and what it refused
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "pm-store.h"
#include "pm-sync-status.h"

G_BEGIN_DECLS

#define PM_TYPE_SYNC_PAGE (pm_sync_page_get_type ())
G_DECLARE_FINAL_TYPE (PmSyncPage, pm_sync_page, PM, SYNC_PAGE, GtkWidget)

void     pm_sync_page_set_store        (PmSyncPage   *self,
                                        PmStore      *store);
void     pm_sync_page_set_status       (PmSyncPage   *self,
                                        PmSyncStatus *status);
void     pm_sync_page_reload           (PmSyncPage   *self);
gboolean pm_sync_page_get_loading      (PmSyncPage   *self);
guint    pm_sync_page_get_n_unsent     (PmSyncPage   *self);
guint    pm_sync_page_get_n_issues     (PmSyncPage   *self);
void     pm_sync_page_set_back_visible (PmSyncPage   *self,
                                        gboolean      visible);

G_END_DECLS
