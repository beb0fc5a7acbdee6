/* pm-sync-indicator.h: what is not yet at the server, at a glance
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "pm-sync-status.h"

G_BEGIN_DECLS

#define PM_TYPE_SYNC_INDICATOR (pm_sync_indicator_get_type ())
G_DECLARE_FINAL_TYPE (PmSyncIndicator, pm_sync_indicator, PM, SYNC_INDICATOR, GtkButton)

void pm_sync_indicator_set_status (PmSyncIndicator *self,
                                   PmSyncStatus    *status);

G_END_DECLS
