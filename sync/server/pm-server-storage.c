/* pm-server-storage.c: what pepamo-server's HTTP front needs from its storage
 *
 * The protocol code (pm-server.c) talks to this interface only, so that a
 * storage other than the encrypted SQLite store (PmServerSqliteStorage), such
 * as PostgreSQL, can take its place without touching it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "pm-server-storage.h"

G_DEFINE_INTERFACE (PmServerStorage, pm_server_storage, G_TYPE_OBJECT)

static void
pm_server_storage_default_init (PmServerStorageInterface *iface)
{
}

/**
 * pm_server_storage_find_device:
 *
 * The device a bearer token belongs to, revoked ones included:
 * `{"device_id", "role", "city", "revoked"}`; %NULL with PM_ERROR_NOT_FOUND
 * for an unknown token.
 */
JsonObject *
pm_server_storage_find_device (PmServerStorage  *self,
                               const char       *token,
                               GError          **error)
{
  g_return_val_if_fail (PM_IS_SERVER_STORAGE (self), NULL);
  g_return_val_if_fail (token != NULL, NULL);
  return PM_SERVER_STORAGE_GET_IFACE (self)->find_device (self, token, error);
}

/**
 * pm_server_storage_append_audit:
 *
 * Appends one entry to the server's append-only audit (for what is not
 * audited with its own transaction, such as a revoked device's request).
 */
gboolean
pm_server_storage_append_audit (PmServerStorage  *self,
                                const char       *action,
                                const char       *device_id,
                                const char       *role,
                                const char       *actor_id,
                                gint64            count,
                                const char       *detail,
                                GError          **error)
{
  g_return_val_if_fail (PM_IS_SERVER_STORAGE (self), FALSE);
  g_return_val_if_fail (action != NULL, FALSE);
  return PM_SERVER_STORAGE_GET_IFACE (self)->append_audit (self, action, device_id, role, actor_id, count, detail,
                                                           error);
}

/**
 * pm_server_storage_apply_push:
 *
 * Applies a device's push batch atomically, audited, and returns one answer
 * per entry; a malformed batch fails with PM_ERROR_INVALID and stores
 * nothing (a 400), any other error is the storage's (a 500).
 */
JsonArray *
pm_server_storage_apply_push (PmServerStorage  *self,
                              const char       *device_id,
                              PmRole            role,
                              guint             protocol,
                              JsonArray        *entries,
                              GError          **error)
{
  g_return_val_if_fail (PM_IS_SERVER_STORAGE (self), NULL);
  g_return_val_if_fail (device_id != NULL && entries != NULL, NULL);
  return PM_SERVER_STORAGE_GET_IFACE (self)->apply_push (self, device_id, role, protocol, entries, error);
}

/**
 * pm_server_storage_keep_device_audit:
 *
 * Keeps the audit entries a device pushed, each once; a batch with one
 * that is no audit entry fails with PM_ERROR_INVALID and keeps nothing.
 * Returns how many were new, -1 on error.
 */
gint64
pm_server_storage_keep_device_audit (PmServerStorage  *self,
                                     const char       *device_id,
                                     JsonArray        *audit,
                                     GError          **error)
{
  g_return_val_if_fail (PM_IS_SERVER_STORAGE (self), -1);
  g_return_val_if_fail (device_id != NULL && audit != NULL, -1);
  return PM_SERVER_STORAGE_GET_IFACE (self)->keep_device_audit (self, device_id, audit, error);
}

/**
 * pm_server_storage_changes_since:
 *
 * One audited pull page for the device as the JSON text to send:
 * `{"changes", "cursor", "epoch", "complete"}`, with the owning office's
 * sync issues when @with_issues; a cursor the storage never gave out, or
 * one of another @epoch, fails with PM_ERROR_NOT_FOUND (a 410).
 */
char *
pm_server_storage_changes_since (PmServerStorage  *self,
                                 gint64            after,
                                 const char       *epoch,
                                 gboolean          with_issues,
                                 guint             limit,
                                 const char       *device_id,
                                 PmRole            role,
                                 GError          **error)
{
  g_return_val_if_fail (PM_IS_SERVER_STORAGE (self), NULL);
  g_return_val_if_fail (device_id != NULL, NULL);
  return PM_SERVER_STORAGE_GET_IFACE (self)->changes_since (self, after, epoch, with_issues, limit, device_id,
                                                             role, error);
}

/**
 * pm_server_storage_muvis_report:
 *
 * The MUVIS figures of @month over all the server's records.
 */
PmMuvisReport *
pm_server_storage_muvis_report (PmServerStorage  *self,
                                const char       *month,
                                GError          **error)
{
  g_return_val_if_fail (PM_IS_SERVER_STORAGE (self), NULL);
  g_return_val_if_fail (month != NULL, NULL);
  return PM_SERVER_STORAGE_GET_IFACE (self)->muvis_report (self, month, error);
}
