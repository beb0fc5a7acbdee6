/* pm-store-private.h: what the store's own files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <sqlite3.h>

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
void     _pm_store_run_async      (PmStore            *self,
                                   PmStoreJobFunc      func,
                                   gpointer            data,
                                   GDestroyNotify      data_free,
                                   GDestroyNotify      result_free,
                                   gpointer            source_tag,
                                   GCancellable       *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer            user_data);

gboolean _pm_store_exec           (sqlite3        *db,
                                   const char     *sql,
                                   GError        **error);
void     _pm_store_set_sql_error  (GError        **error,
                                   sqlite3        *db,
                                   const char     *what);
int      _pm_store_schema_version (sqlite3        *db);
gboolean _pm_store_migrate        (sqlite3        *db,
                                   int             target,
                                   GError        **error);

gboolean _pm_store_assign_receipt (sqlite3        *db,
                                   PmRecord       *kase,
                                   const char     *actor_id,
                                   gboolean       *assigned,
                                   GError        **error);

G_END_DECLS
