/* pm-store-vans.c: a van's share of the city, on the server
 *
 * A field device belongs to one van (DESIGN.md, the role table): it reads
 * the visits dispatch gave that van, the people on them and what it created
 * itself. van_scope remembers every visit a van was ever given, so that a
 * visit moved to another van is withdrawn from the first one, and every
 * person on those visits.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pm-store"

#include "config.h"

#include "pm-error.h"
#include "pm-model.h"
#include "pm-store-private.h"
#include "pm-store-sync.h"

static gboolean
is_blank (const char *text)
{
  return text == NULL || *text == '\0';
}

/* A person new to the van is logged again, so that the van's devices pull
 * them although their last change lies behind their cursors. */
static gboolean
add_person (sqlite3     *db,
            const char  *van_id,
            const char  *citizen_id,
            GError     **error)
{
  if (!_pm_store_exec_texts (db, "INSERT OR IGNORE INTO van_scope (van_id, kind, record_id) VALUES (?, 'citizen', ?)",
                             "Giving a person to a van", error, 2, van_id, citizen_id))
    return FALSE;
  return sqlite3_changes (db) == 0 ||
         _pm_store_exec_texts (db, "REPLACE INTO changes (kind, record_id, device_id)"
                               " SELECT kind, record_id, NULL FROM changes WHERE kind = 'citizen' AND record_id = ?",
                               "Logging a person for a van", error, 1, citizen_id);
}

/**
 * _pm_store_note_van_scope:
 *
 * After @visit was written: its van may see it and the people on it from
 * now on.
 */
gboolean
_pm_store_note_van_scope (sqlite3   *db,
                          PmRecord  *visit,
                          GError   **error)
{
  const char *van_id = pm_record_get_string (visit, "van_id");
  const char * const *people = pm_record_get_strv (visit, "citizen_ids");

  if (is_blank (van_id))
    return TRUE;
  if (!_pm_store_exec_texts (db, "INSERT OR IGNORE INTO van_scope (van_id, kind, record_id) VALUES (?, 'visit', ?)",
                             "Giving a visit to a van", error, 2, van_id, pm_record_get_id (visit)))
    return FALSE;
  for (guint i = 0; people && people[i]; i++)
    if (!add_person (db, van_id, people[i], error))
      return FALSE;
  return TRUE;
}

/**
 * _pm_store_device_van:
 * @rescoped: (out) (optional): whether the device was moved to another van
 *   since its last pull from the start
 *
 * The van a field device belongs to; %NULL with no error for a device bound
 * to none (enrolled before devices had vans).
 */
char *
_pm_store_device_van (sqlite3     *db,
                      const char  *device_id,
                      gboolean    *rescoped,
                      GError     **error)
{
  sqlite3_stmt *stmt = _pm_store_prepare (db, "SELECT van_id, rescoped FROM device_vans WHERE device_id = ?", error);
  char *van_id = NULL;
  int rc;

  if (rescoped)
    *rescoped = FALSE;
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, device_id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      van_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      if (rescoped)
        *rescoped = sqlite3_column_int (stmt, 1) != 0;
    }
  else if (rc != SQLITE_DONE)
    _pm_store_set_sql_error (error, db, "Reading a device's van");
  _pm_store_release (stmt);
  return van_id;
}

/* The first column of the first row of @sql with up to three texts bound
 * (@c may be NULL for two): 0 where there is no row, -1 on error. */
static int
query_flag (sqlite3     *db,
            const char  *sql,
            const char  *what,
            const char  *a,
            const char  *b,
            const char  *c,
            GError     **error)
{
  sqlite3_stmt *stmt = _pm_store_prepare (db, sql, error);
  int flag = 0;
  int rc;

  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, a, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, b, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, c, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    flag = sqlite3_column_int (stmt, 0);
  else if (rc != SQLITE_DONE)
    {
      _pm_store_set_sql_error (error, db, what);
      flag = -1;
    }
  _pm_store_release (stmt);
  return flag;
}

/**
 * _pm_store_van_was_given:
 *
 * Whether @van_id was ever given the visit or person @record_id: 1 if so,
 * 0 if not, -1 on error.
 */
int
_pm_store_van_was_given (sqlite3     *db,
                         const char  *van_id,
                         const char  *kind,
                         const char  *record_id,
                         GError     **error)
{
  if (van_id == NULL)
    return 0;
  return query_flag (db, "SELECT 1 FROM van_scope WHERE van_id = ? AND kind = ? AND record_id = ?",
                     "Reading a van's scope", van_id, kind, record_id, error);
}

/**
 * _pm_store_visit_left_van:
 *
 * Whether the visit @visit_id, which @van_id was given, is planned on
 * another van (or none) now: 1 if so, 0 if not or if it is gone, -1 on
 * error.
 */
int
_pm_store_visit_left_van (sqlite3     *db,
                          const char  *van_id,
                          const char  *visit_id,
                          GError     **error)
{
  return query_flag (db, "SELECT van_id IS NOT ?1 FROM visits WHERE id = ?2", "Reading a visit's van",
                     van_id, visit_id, NULL, error);
}

/**
 * _pm_store_van_may_push:
 * @stored: (nullable): the server's row of @record
 *
 * Whether a field device of @van_id (%NULL: bound to none) may send
 * @record: anything new, but a visit only for its own van (or none, taken
 * on the spot); an existing row only where it created it or where it is a
 * visit or person its van was given. 1 if so, 0 if not, -1 on error.
 */
int
_pm_store_van_may_push (sqlite3     *db,
                        const char  *device_id,
                        const char  *van_id,
                        PmRecord    *record,
                        PmRecord    *stored,
                        GError     **error)
{
  const char *kind = pm_record_get_kind (record);
  const char *id = pm_record_get_id (record);

  if (stored == NULL)
    return !PM_IS_VISIT (record) || is_blank (pm_record_get_string (record, "van_id")) ||
           g_strcmp0 (pm_record_get_string (record, "van_id"), van_id) == 0;
  if (PM_IS_VISIT (record) || PM_IS_CITIZEN (record))
    {
      int given = _pm_store_van_was_given (db, van_id, kind, id, error);

      if (given != 0)
        return given;
    }
  return query_flag (db, "SELECT device_id = ? FROM record_origins WHERE kind = ? AND record_id = ?",
                     "Reading a record's origin", device_id, kind, id, error);
}

typedef struct
{
  const char *device_id;
  const char *van_id;
} DeviceVan;

static gpointer
set_device_van_job (PmStore  *self,
                    sqlite3  *db,
                    gpointer  data,
                    GError  **error)
{
  DeviceVan *binding = data;
  gint64 known = _pm_store_count_rows (db, "SELECT COUNT(*) FROM devices WHERE id = ? AND role = 'field'",
                                       binding->device_id, error);
  g_autofree char *old_van = NULL;
  GError *local_error = NULL;
  gboolean rescoped = FALSE;

  if (known < 0)
    return NULL;
  if (known == 0)
    {
      g_set_error (error, PM_ERROR, PM_ERROR_NOT_FOUND, "no field device with the id %s", binding->device_id);
      return NULL;
    }
  old_van = _pm_store_device_van (db, binding->device_id, &rescoped, &local_error);
  if (local_error)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  /* A device bound anew starts over: its cursor counted changes of another
   * share (or of none, for one enrolled before devices had vans), and one
   * that has not started over yet still must. */
  rescoped = rescoped || old_van == NULL || !g_str_equal (old_van, binding->van_id);
  return _pm_store_exec_texts (db, "REPLACE INTO device_vans (device_id, van_id, rescoped) VALUES (?, ?, ?)",
                               "Binding a device to a van", error, 3, binding->device_id, binding->van_id,
                               rescoped ? "1" : "0") ? self : NULL;
}

/**
 * pm_store_set_device_van:
 *
 * Binds the field device @device_id to the van @van_id (server end). A
 * device moved from another van gets 410 for its cursor at its next pull
 * and pulls its new van's share from the start.
 */
gboolean
pm_store_set_device_van (PmStore     *self,
                         const char  *device_id,
                         const char  *van_id,
                         GError     **error)
{
  DeviceVan binding = { device_id, van_id };

  g_return_val_if_fail (PM_IS_STORE (self), FALSE);
  g_return_val_if_fail (device_id != NULL && van_id != NULL, FALSE);
  return _pm_store_run_sync (self, set_device_van_job, &binding, error) != NULL;
}
