/* pm-sync-status.c: what the UI may know of sync, and all it may ask of it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "pm-sync-status.h"

G_DEFINE_INTERFACE (PmSyncStatus, pm_sync_status, G_TYPE_OBJECT)

static void
pm_sync_status_default_init (PmSyncStatusInterface *iface)
{
  /* One of the PM_SYNC_STATE_* wire ids. */
  g_object_interface_install_property (iface,
    g_param_spec_string ("state", NULL, NULL, PM_SYNC_STATE_NOT_ENROLLED,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  /* Local changes not yet acknowledged by the server. */
  g_object_interface_install_property (iface,
    g_param_spec_uint ("pending", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  /* ISO 8601 time of the last complete sync, or NULL. */
  g_object_interface_install_property (iface,
    g_param_spec_string ("last-sync", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
}

char *
pm_sync_status_dup_state (PmSyncStatus *self)
{
  char *state = NULL;

  g_return_val_if_fail (PM_IS_SYNC_STATUS (self), NULL);
  g_object_get (self, "state", &state, NULL);
  return state;
}

guint
pm_sync_status_get_pending (PmSyncStatus *self)
{
  guint pending = 0;

  g_return_val_if_fail (PM_IS_SYNC_STATUS (self), 0);
  g_object_get (self, "pending", &pending, NULL);
  return pending;
}

char *
pm_sync_status_dup_last_sync (PmSyncStatus *self)
{
  char *last = NULL;

  g_return_val_if_fail (PM_IS_SYNC_STATUS (self), NULL);
  g_object_get (self, "last-sync", &last, NULL);
  return last;
}

void
pm_sync_status_sync_now (PmSyncStatus *self)
{
  g_return_if_fail (PM_IS_SYNC_STATUS (self));
  if (PM_SYNC_STATUS_GET_IFACE (self)->sync_now)
    PM_SYNC_STATUS_GET_IFACE (self)->sync_now (self);
}
