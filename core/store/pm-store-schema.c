/* pm-store-schema.c: numbered schema migrations
 *
 * Migration N takes a store from user_version N-1 to N, inside one
 * transaction together with the version bump, so a crash leaves either the
 * old or the new schema. Never edit a released migration: add a new one.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pm-store"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pm-crypt.h"
#include "pm-error.h"
#include "pm-store-private.h"

#define RECORD_COLUMNS \
  "id TEXT PRIMARY KEY NOT NULL, version INTEGER NOT NULL, " \
  "created_at TEXT NOT NULL, updated_at TEXT NOT NULL, data TEXT NOT NULL"

static const char * const migrations[] = {
  /* 1: the records of the foundation */
  "CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);"
  "CREATE TABLE staff (" RECORD_COLUMNS ", department TEXT);"
  "CREATE TABLE vans (" RECORD_COLUMNS ");"
  "CREATE TABLE citizens (" RECORD_COLUMNS ", family_name TEXT, stadtteil TEXT);"
  "CREATE INDEX citizens_by_name ON citizens (family_name);"
  "CREATE TABLE visits (" RECORD_COLUMNS ", stadtteil TEXT, status TEXT, date TEXT,"
  "  route_order INTEGER, van_id TEXT);"
  "CREATE INDEX visits_by_day ON visits (date, route_order);"
  "CREATE TABLE counselling (" RECORD_COLUMNS ", visit_id TEXT, citizen_id TEXT,"
  "  follow_up_date TEXT, status TEXT);"
  "CREATE INDEX counselling_by_citizen ON counselling (citizen_id);"
  "CREATE TABLE cases (" RECORD_COLUMNS ", visit_id TEXT, citizen_id TEXT, status TEXT,"
  "  captured_on TEXT);"
  "CREATE INDEX cases_by_citizen ON cases (citizen_id);"
  "CREATE TABLE consents (" RECORD_COLUMNS ", citizen_id TEXT);"
  "CREATE TABLE signatures (" RECORD_COLUMNS ", record_id TEXT);"
  "CREATE TABLE audit (" RECORD_COLUMNS ", actor_id TEXT, record_id TEXT, at TEXT);"
  "CREATE INDEX audit_by_record ON audit (record_id);"
  "CREATE TRIGGER audit_is_append_only BEFORE UPDATE ON audit"
  "  BEGIN SELECT RAISE (ABORT, 'audit entries are append-only'); END;",

  /* 2: drafts, so a form being filled survives a crash; one per form */
  "CREATE TABLE drafts (form TEXT PRIMARY KEY NOT NULL, record_kind TEXT NOT NULL,"
  "  record_id TEXT, actor_id TEXT, data TEXT NOT NULL, updated_at TEXT NOT NULL);",

  /* 3: counters that must not have gaps (receipt numbers per van and year) */
  "CREATE TABLE counters (name TEXT PRIMARY KEY NOT NULL, value INTEGER NOT NULL);",

  /* 4: sync. changes: one row per record at its latest change, in commit
   * order, and the device that pushed it if one did (the server's pull);
   * outbox and sync_issues: a device's unsent
   * edits and the server's refusals; push_results and devices: the server's
   * answers by device and UUID, and the enrolled devices; record_origins: the
   * device that created a record, which gets it back in full. */
  "CREATE TABLE changes (seq INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL,"
  "  record_id TEXT NOT NULL, device_id TEXT);"
  "CREATE UNIQUE INDEX changes_by_record ON changes (kind, record_id);"
  "CREATE TABLE outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, uuid TEXT NOT NULL UNIQUE,"
  "  record_id TEXT NOT NULL, entry TEXT NOT NULL);"
  "CREATE INDEX outbox_by_record ON outbox (record_id);"
  "CREATE TABLE sync_issues (uuid TEXT PRIMARY KEY NOT NULL, outcome TEXT NOT NULL,"
  "  entry TEXT NOT NULL, result TEXT NOT NULL, at TEXT NOT NULL);"
  "CREATE TABLE push_results (device_id TEXT NOT NULL, uuid TEXT NOT NULL,"
  "  entry_hash TEXT NOT NULL, result TEXT NOT NULL, PRIMARY KEY (device_id, uuid));"
  "CREATE TABLE devices (id TEXT PRIMARY KEY NOT NULL, token_hash TEXT NOT NULL UNIQUE,"
  "  role TEXT NOT NULL, city TEXT NOT NULL, revoked INTEGER NOT NULL DEFAULT 0,"
  "  created_at TEXT NOT NULL);"
  "CREATE TABLE record_origins (kind TEXT NOT NULL, record_id TEXT NOT NULL,"
  "  device_id TEXT NOT NULL, PRIMARY KEY (kind, record_id));",

  /* 5: the van's daily cash closures, which go to the registration office */
  "CREATE TABLE cash_closures (" RECORD_COLUMNS ", van_id TEXT, day TEXT);"
  "CREATE INDEX cash_closures_by_day ON cash_closures (day, van_id);",

  /* 6: the server's own audit of every pull, push and admin action (who,
   * what, when, how many), append-only like the records' audit. */
  "CREATE TABLE server_audit (seq INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL,"
  "  action TEXT NOT NULL, device_id TEXT, role TEXT, actor_id TEXT,"
  "  count INTEGER NOT NULL DEFAULT 0, detail TEXT);"
  "CREATE INDEX server_audit_by_time ON server_audit (at);"
  "CREATE TRIGGER server_audit_no_update BEFORE UPDATE ON server_audit"
  "  BEGIN SELECT RAISE (ABORT, 'audit entries are append-only'); END;"
  "CREATE TRIGGER server_audit_no_delete BEFORE DELETE ON server_audit"
  "  BEGIN SELECT RAISE (ABORT, 'audit entries are append-only'); END;",

  /* 7: deletion markers (an erasure under Art. 17 on the server): the
   * record's change-log row stays, as the marker's place in commit order,
   * and deleted_for names the roles that could see the record, so a pull
   * tells only those devices to drop it. */
  "CREATE TABLE deleted_records (kind TEXT NOT NULL, record_id TEXT NOT NULL,"
  "  deleted_for TEXT NOT NULL, PRIMARY KEY (kind, record_id));",

  /* 8: the conflicts and refusals of pushes (and a locked case's late edit,
   * the addendum) kept on the server for the owning office's devices. */
  "CREATE TABLE office_issues (id TEXT PRIMARY KEY NOT NULL, kind TEXT NOT NULL, record_id TEXT NOT NULL,"
  "  issue TEXT NOT NULL);"
  "CREATE INDEX office_issues_by_record ON office_issues (record_id);",

  /* 9: a van's scope on the server. device_vans: the van a field device
   * belongs to (rescoped: moved to another van, so its cursor no longer
   * means anything); van_scope: every visit a van was ever given and the
   * people on them, so a visit moved away is withdrawn from the van and a
   * person comes along with their visit; and the records each device
   * created, found by device for its van's pull. */
  "CREATE TABLE device_vans (device_id TEXT PRIMARY KEY NOT NULL, van_id TEXT NOT NULL,"
  "  rescoped INTEGER NOT NULL DEFAULT 0);"
  "CREATE TABLE van_scope (van_id TEXT NOT NULL, kind TEXT NOT NULL, record_id TEXT NOT NULL,"
  "  PRIMARY KEY (van_id, kind, record_id)) WITHOUT ROWID;"
  "CREATE INDEX record_origins_by_device ON record_origins (device_id);"
  /* The visits a store holds already were given to their vans. */
  "INSERT OR IGNORE INTO van_scope (van_id, kind, record_id)"
  "  SELECT van_id, 'visit', id FROM visits WHERE van_id IS NOT NULL AND van_id <> '';"
  "INSERT OR IGNORE INTO van_scope (van_id, kind, record_id)"
  "  SELECT v.van_id, 'citizen', p.value FROM visits v, json_each (v.data, '$.citizen_ids') p"
  "  WHERE v.van_id IS NOT NULL AND v.van_id <> '';",

  /* 10: a pushed record is checked against the deletion markers by its id
   * and the ids it names, whatever their kind: without this index every
   * pushed entry read all the markers, more with every erasure. */
  "CREATE INDEX deleted_records_by_record ON deleted_records (record_id);",
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == PM_STORE_SCHEMA_VERSION);

gboolean
_pm_store_exec (sqlite3     *db,
                const char  *sql,
                GError     **error)
{
  if (sqlite3_exec (db, sql, NULL, NULL, NULL) != SQLITE_OK)
    {
      _pm_store_set_sql_error (error, db, "SQL failed");
      return FALSE;
    }
  return TRUE;
}

/* A page that fails its tag or cannot be read is the encrypted store's
 * business (PM_CRYPT_ERROR_CORRUPT names the page); the rest is ours. */
void
_pm_store_set_sql_error (GError     **error,
                         sqlite3     *db,
                         const char  *what)
{
  int rc = sqlite3_extended_errcode (db);

  if ((rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB || (rc & 0xff) == SQLITE_IOERR)
    {
      pm_crypt_error_from_sqlite (error, db, rc);
      g_prefix_error (error, "%s: ", what);
      return;
    }
  g_set_error (error, PM_ERROR, PM_ERROR_STORE, "%s: %s (%d)", what, sqlite3_errmsg (db), rc);
}

int
_pm_store_schema_version (sqlite3 *db)
{
  sqlite3_stmt *stmt = NULL;
  int version = -1;

  if (sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  return version;
}

gboolean
_pm_store_check_schema_known (int       version,
                              GError  **error)
{
  if (version > PM_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, PM_ERROR, PM_ERROR_SCHEMA_TOO_NEW,
                   _("This data was written by a newer PePaMo (schema %d; this version knows up to %d). Please update PePaMo."),
                   version, PM_STORE_SCHEMA_VERSION);
      return FALSE;
    }
  return TRUE;
}

gboolean
_pm_store_migrate (sqlite3     *db,
                   int          target,
                   GError     **error)
{
  int version = _pm_store_schema_version (db);

  g_return_val_if_fail (target >= 0 && target <= PM_STORE_SCHEMA_VERSION, FALSE);

  if (version < 0)
    {
      _pm_store_set_sql_error (error, db, "Reading the schema version");
      return FALSE;
    }
  if (!_pm_store_check_schema_known (version, error))
    return FALSE;

  if (version > 0 && version < target)
    {
      /* Once per upgrade, for the server's journal and the app's log. */
      g_message ("Upgrading the store from schema %d to %d", version, target);
    }
  for (; version < target; version++)
    {
      g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %d", version + 1);

      if (!_pm_store_exec (db, "BEGIN IMMEDIATE", error))
        return FALSE;
      if (!_pm_store_exec (db, migrations[version], error) || !_pm_store_exec (db, bump, error))
        {
          g_prefix_error (error, "Migration to schema %d: ", version + 1);
          _pm_store_exec (db, "ROLLBACK", NULL);
          return FALSE;
        }
      if (!_pm_store_exec (db, "COMMIT", error))
        {
          _pm_store_exec (db, "ROLLBACK", NULL);
          return FALSE;
        }
      g_debug ("Store migrated to schema %d", version + 1);
    }
  return TRUE;
}
