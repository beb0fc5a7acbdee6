/* pm-store-sync.h: what sync needs from the store, on both ends
 *
 * Client end: once a store is enrolled, every local write also queues an
 * outbox entry in the same transaction; the answers to a push settle the
 * entries in one transaction; a pulled page and its cursor are applied in one
 * transaction. Server end: every write appends to a change log whose sequence
 * is assigned inside the committing transaction; pushes are applied in one
 * transaction per batch and their answers are kept by device and UUID.
 * The wire shapes are described in sync/PROTOCOL.md.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "pm-store.h"

G_BEGIN_DECLS

/* The push body's "protocol": the one clients send, and the oldest the
 * server still takes (described in sync/PROTOCOL.md). */
#define PM_SYNC_PROTOCOL        2
#define PM_SYNC_PROTOCOL_OLDEST 1

/* Who a device names in its audit for a deletion the server's data
 * protection desk made: the server's admin, as the server's audit does. */
#define PM_SYNC_SERVER_ADMIN "pepamo-server-admin"

/* Client end */

char       *pm_store_dup_meta            (PmStore      *self,
                                          const char   *key,
                                          GError      **error);
gboolean    pm_store_set_meta            (PmStore      *self,
                                          const char   *key,
                                          const char   *value,
                                          GError      **error);
gboolean    pm_store_enrol               (PmStore      *self,
                                          const char   *server_url,
                                          const char   *token,
                                          const char   *role,
                                          GError      **error);
gboolean    pm_store_is_enrolled         (PmStore      *self);
gint64      pm_store_outbox_count        (PmStore      *self,
                                          GError      **error);
void        pm_store_outbox_count_async  (PmStore      *self,
                                          GCancellable *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer      user_data);
gint64      pm_store_outbox_count_finish (PmStore      *self,
                                          GAsyncResult *result,
                                          GError      **error);
JsonArray  *pm_store_outbox_peek         (PmStore      *self,
                                          guint         limit,
                                          GError      **error);
char       *pm_store_outbox_peek_text    (PmStore      *self,
                                          gint64        after,
                                          guint         limit,
                                          GStrv        *uuids,
                                          gint64       *last,
                                          GError      **error);
gboolean    pm_store_outbox_settle       (PmStore      *self,
                                          JsonArray    *results,
                                          GError      **error);
JsonArray  *pm_store_list_sync_issues    (PmStore      *self,
                                          GError      **error);
gboolean    pm_store_apply_pull_page     (PmStore      *self,
                                          JsonArray    *changes,
                                          gint64        cursor,
                                          const char   *epoch,
                                          GError      **error);
gint64      pm_store_get_pull_cursor     (PmStore      *self);
char       *pm_store_dup_pull_epoch      (PmStore      *self);
gboolean    pm_store_restart_pull        (PmStore      *self,
                                          GError      **error);
gboolean    pm_store_delete_files        (const char   *path,
                                          GError      **error);
gint64      pm_store_drop_removed_staff_slots (PmStore *self,
                                               GError **error);

/* Server end */

/* The server's deletion periods in days (the city profile's
 * retention_days.server); a negative one deletes nothing. */
typedef struct
{
  int case_after_closed;
  int counselling_after_last_contact;
  int visit_after_ended;
  int audit;
} PmStorePeriods;

GPtrArray  *pm_store_purge_periods       (PmStore              *self,
                                          const PmStorePeriods *periods,
                                          gboolean              dry_run,
                                          gint64               *n_audit,
                                          GError              **error);
gboolean    pm_store_erase_records       (PmStore      *self,
                                          GPtrArray    *records,
                                          GPtrArray    *unlinked,
                                          GError      **error);
JsonArray  *pm_store_apply_push          (PmStore      *self,
                                          const char   *device_id,
                                          PmRole        role,
                                          JsonArray    *entries,
                                          GError      **error);
JsonArray  *pm_store_apply_push_protocol (PmStore      *self,
                                          const char   *device_id,
                                          PmRole        role,
                                          guint         protocol,
                                          JsonArray    *entries,
                                          GError      **error);
char       *pm_store_changes_since_text  (PmStore      *self,
                                          gint64        after,
                                          const char   *epoch,
                                          gboolean      with_issues,
                                          guint         limit,
                                          const char   *device_id,
                                          PmRole        role,
                                          GError      **error);
char       *pm_store_add_device          (PmStore      *self,
                                          PmRole        role,
                                          const char   *city,
                                          const char   *van_id,
                                          char        **device_id,
                                          GError      **error);
JsonObject *pm_store_find_device         (PmStore      *self,
                                          const char   *token,
                                          GError      **error);
gboolean    pm_store_revoke_device       (PmStore      *self,
                                          const char   *device_id,
                                          GError      **error);
JsonArray  *pm_store_list_devices        (PmStore      *self,
                                          GError      **error);
char       *pm_store_audit_peek_text     (PmStore      *self,
                                          gint64        after,
                                          guint         limit,
                                          gint64       *count,
                                          gint64       *last,
                                          GError      **error);
gboolean    pm_store_audit_confirm       (PmStore      *self,
                                          gint64        last,
                                          GError      **error);
gint64      pm_store_append_device_audit (PmStore      *self,
                                          const char   *device_id,
                                          JsonArray    *audit,
                                          GError      **error);
gboolean    pm_store_set_device_van      (PmStore      *self,
                                          const char   *device_id,
                                          const char   *van_id,
                                          GError      **error);
gboolean    pm_store_append_server_audit (PmStore      *self,
                                          const char   *action,
                                          const char   *device_id,
                                          const char   *role,
                                          const char   *actor_id,
                                          gint64        count,
                                          const char   *detail,
                                          GError      **error);
JsonArray  *pm_store_list_server_audit   (PmStore      *self,
                                          const char   *since,
                                          GError      **error);

/* Asynchronous variants and acting on sync issues (client end) */

void        pm_store_outbox_peek_async         (PmStore             *self,
                                                guint                limit,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
JsonArray  *pm_store_outbox_peek_finish        (PmStore             *self,
                                                GAsyncResult        *result,
                                                GError             **error);
void        pm_store_list_sync_issues_async    (PmStore             *self,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
JsonArray  *pm_store_list_sync_issues_finish   (PmStore             *self,
                                                GAsyncResult        *result,
                                                GError             **error);
gboolean    pm_store_dismiss_sync_issue        (PmStore             *self,
                                                const char          *uuid,
                                                GError             **error);
void        pm_store_dismiss_sync_issue_async  (PmStore             *self,
                                                const char          *uuid,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean    pm_store_dismiss_sync_issue_finish (PmStore             *self,
                                                GAsyncResult        *result,
                                                GError             **error);

G_END_DECLS
