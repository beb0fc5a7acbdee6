/* pm-server-sqlite-storage.h: PmServerStorage on the encrypted SQLite store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "pm-server-storage.h"
#include "pm-store.h"

G_BEGIN_DECLS

#define PM_TYPE_SERVER_SQLITE_STORAGE (pm_server_sqlite_storage_get_type ())
G_DECLARE_FINAL_TYPE (PmServerSqliteStorage, pm_server_sqlite_storage, PM, SERVER_SQLITE_STORAGE, GObject)

PmServerSqliteStorage *pm_server_sqlite_storage_new (PmStore *store);

G_END_DECLS
