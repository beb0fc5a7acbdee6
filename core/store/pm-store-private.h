/* pm-store-private.h: what the store's own files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <sqlite3.h>

#include "pm-crypt.h"
#include "pm-access.h"
#include "pm-store.h"

G_BEGIN_DECLS

/* Runs on the store's thread, inside a transaction; returns a result owned by
 * the caller, or NULL with @error set. */
typedef gpointer (*PmStoreJobFunc) (PmStore  *self,
                                    sqlite3  *db,
                                    gpointer  data,
                                    GError  **error);

gpointer _pm_store_run_sync       (PmStore        *self,
                                   PmStoreJobFunc  func,
                                   gpointer        data,
                                   GError        **error);

/* For the server, whose store serves many devices at once */
typedef enum
{
  PM_STORE_JOB_SHARED = 1 << 0, /* may share one commit with the shared jobs queued after it */
  PM_STORE_JOB_URGENT = 1 << 1, /* runs before the queued jobs that are not urgent */
} PmStoreJobFlags;

gpointer _pm_store_run_sync_full  (PmStore        *self,
                                   PmStoreJobFunc  func,
                                   gpointer        data,
                                   PmStoreJobFlags flags,
                                   GDestroyNotify  result_free,
                                   GError        **error);
int      _pm_store_queued_jobs    (PmStore        *self);
void     _pm_store_run_async      (PmStore            *self,
                                   PmStoreJobFunc      func,
                                   gpointer            data,
                                   GDestroyNotify      data_free,
                                   GDestroyNotify      result_free,
                                   gpointer            source_tag,
                                   GCancellable       *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer            user_data);

sqlite3_stmt *_pm_store_prepare   (sqlite3        *db,
                                   const char     *sql,
                                   GError        **error);
void     _pm_store_release        (sqlite3_stmt   *stmt);
gboolean _pm_store_exec           (sqlite3        *db,
                                   const char     *sql,
                                   GError        **error);
void     _pm_store_set_sql_error  (GError        **error,
                                   sqlite3        *db,
                                   const char     *what);
int      _pm_store_schema_version (sqlite3        *db);
gboolean _pm_store_check_schema_known (int         version,
                                       GError    **error);
gboolean _pm_store_migrate        (sqlite3        *db,
                                   int             target,
                                   GError        **error);

gboolean _pm_store_assign_receipt (sqlite3        *db,
                                   PmRecord       *kase,
                                   const char     *actor_id,
                                   gboolean       *assigned,
                                   GError        **error);

/* LOCAL: a person's edit here (queued for the server once enrolled);
 * PUSHED: a device's edit applied at the server (checked like a local one,
 * never queued); REMOTE: the server's row taken as it is (no checks, no audit);
 * PULLED: REMOTE for a row of a pull page, which leaves a stored row of a
 * higher version as it is. */
typedef enum
{
  PM_WRITE_LOCAL,
  PM_WRITE_PUSHED,
  PM_WRITE_REMOTE,
  PM_WRITE_PULLED,
} PmWriteMode;

gboolean  _pm_store_write_record   (PmStore        *self,
                                    sqlite3        *db,
                                    PmRecord       *record,
                                    const char     *actor_id,
                                    PmRole          role,
                                    PmWriteMode     mode,
                                    gint64         *version,
                                    GError        **error);
PmRecord *_pm_store_read_record    (sqlite3        *db,
                                    GType           type,
                                    const char     *id,
                                    GError        **error);
GPtrArray *_pm_store_select_records (sqlite3        *db,
                                     GType           type,
                                     const PmViewer *viewer,
                                     GError        **error);
gboolean  _pm_store_insert_audit   (PmStore        *self,
                                    sqlite3        *db,
                                    const char     *actor_id,
                                    const char     *action,
                                    PmRecord       *record,
                                    GError        **error);
PmCryptKeys *_pm_store_get_keys    (PmStore        *self);
void      _pm_store_set_enrolled   (PmStore        *self,
                                    gboolean        enrolled);
void      _pm_store_set_pushing_device (PmStore    *self,
                                        const char *device_id);

/* pm-store-erase.c */
char     *_pm_store_cutoff         (int             days);
gboolean  _pm_store_select_due     (sqlite3        *db,
                                    GType           type,
                                    const char     *sql,
                                    const char     *before,
                                    GPtrArray      *due,
                                    GError        **error);
gboolean  _pm_store_delete_record  (PmStore        *self,
                                    sqlite3        *db,
                                    PmRecord       *record,
                                    const char     *actor_id,
                                    GError        **error);

/* pm-store-social.c */
gboolean  _pm_store_check_referral_consents (sqlite3    *db,
                                             PmRecord   *record,
                                             const char *old_data,
                                             GError    **error);

/* pm-store-checkpointer.c */
typedef struct _PmStoreCheckpointer PmStoreCheckpointer;

PmStoreCheckpointer *_pm_store_checkpointer_new  (sqlite3             *writer,
                                                  sqlite3             *db);
void                 _pm_store_checkpointer_free (PmStoreCheckpointer *self);

/* pm-store-sync.c */

/* How many deletion markers a record id has, whatever its kind; an index
 * (schema 10) answers it. */
#define _PM_STORE_COUNT_MARKERS "SELECT COUNT(*) FROM deleted_records WHERE record_id = ?"

gboolean  _pm_store_exec_texts     (sqlite3        *db,
                                    const char     *sql,
                                    const char     *what,
                                    GError        **error,
                                    guint           n_texts,
                                    ...);
gint64    _pm_store_count_rows     (sqlite3        *db,
                                    const char     *sql,
                                    const char     *arg,
                                    GError        **error);
gboolean  _pm_store_log_deletion   (sqlite3        *db,
                                    PmRecord       *record,
                                    GError        **error);
gboolean  _pm_store_read_enrolment (sqlite3        *db,
                                    gboolean       *enrolled,
                                    GError        **error);
gboolean  _pm_store_log_change     (sqlite3        *db,
                                    PmRecord       *record,
                                    const char     *device_id,
                                    GError        **error);
sqlite3_stmt *_pm_store_prepare_row (sqlite3   *db,
                                     GType      type,
                                     GError   **error);
gboolean  _pm_store_renew_epoch    (sqlite3        *db,
                                    GError        **error);
gboolean  _pm_store_note_van_scope (sqlite3        *db,
                                    PmRecord       *visit,
                                    GError        **error);
char     *_pm_store_device_van     (sqlite3        *db,
                                    const char     *device_id,
                                    gboolean       *rescoped,
                                    GError        **error);
int       _pm_store_van_was_given  (sqlite3        *db,
                                    const char     *van_id,
                                    const char     *kind,
                                    const char     *record_id,
                                    GError        **error);
int       _pm_store_visit_left_van (sqlite3        *db,
                                    const char     *van_id,
                                    const char     *visit_id,
                                    GError        **error);
int       _pm_store_van_may_push   (sqlite3        *db,
                                    const char     *device_id,
                                    const char     *van_id,
                                    PmRecord       *record,
                                    PmRecord       *stored,
                                    GError        **error);
gboolean  _pm_store_queue_outbox   (sqlite3        *db,
                                    PmRecord       *record,
                                    gint64          base_version,
                                    gint64          version,
                                    const char     *created_at,
                                    const char     *updated_at,
                                    const char     *old_data,
                                    const char     *actor_id,
                                    GError        **error);

G_END_DECLS
