/* pm-store-erase.c: deleting a record and what hangs on it
 *
 * One way for every deletion: a case past its deletion period on the
 * device, a record the data protection desk erases at the server (Art. 17
 * DSGVO; the server then keeps a deletion marker in its change log, see
 * pm-store-sync.c), and the same record on each device once the marker
 * arrives with a pull. The record goes with its signatures, drafts and
 * change-log rows; the audit keeps that it was deleted, and by whom (ids
 * only, no content).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pm-store"

#include "config.h"

#include "pm-clock.h"
#include "pm-model.h"
#include "pm-store-private.h"
#include "pm-store-sync.h"

gboolean
_pm_store_delete_record (PmStore     *self,
                         sqlite3     *db,
                         PmRecord    *record,
                         const char  *actor_id,
                         GError     **error)
{
  g_autofree char *delete_row = g_strdup_printf ("DELETE FROM %s WHERE id = ?",
                                                 PM_RECORD_GET_CLASS (record)->table);
  const char * const statements[] = {
    "DELETE FROM changes WHERE record_id IN (SELECT id FROM signatures WHERE record_id = ?)",
    "DELETE FROM signatures WHERE record_id = ?",
    "DELETE FROM drafts WHERE record_id = ?",
    /* What an office was told about the record goes with it. */
    "DELETE FROM changes WHERE kind = 'sync_issue' AND record_id IN (SELECT id FROM office_issues WHERE record_id = ?)",
    "DELETE FROM office_issues WHERE record_id = ?",
    /* Conflicts and refusals about it carry its content too. */
    "DELETE FROM sync_issues WHERE json_extract (entry, '$.record_id') = ?",
    "DELETE FROM push_results WHERE json_extract (result, '$.server_record.id') = ?",
    "DELETE FROM changes WHERE record_id = ?",
    "DELETE FROM van_scope WHERE record_id = ?",
    delete_row,
  };
  const char *id = pm_record_get_id (record);

  for (guint i = 0; i < G_N_ELEMENTS (statements); i++)
    if (!_pm_store_exec_texts (db, statements[i], "Deleting a record", error, 1, id))
      return FALSE;
  return _pm_store_insert_audit (self, db, actor_id, "delete", record, error);
}

/* The marker takes the record's change-log row: each device that could
 * see the record drops it at its next pull. */
static gboolean
delete_with_markers (PmStore     *self,
                     sqlite3     *db,
                     GPtrArray   *records,
                     const char  *actor_id,
                     GError     **error)
{
  for (guint i = 0; i < records->len; i++)
    {
      PmRecord *record = g_ptr_array_index (records, i);

      if (!_pm_store_delete_record (self, db, record, actor_id, error) ||
          !_pm_store_log_deletion (db, record, error))
        return FALSE;
    }
  return TRUE;
}

typedef struct
{
  GPtrArray  *records;
  GPtrArray  *unlinked;
  const char *actor_id;
  PmRole      role;
} EraseData;

static gpointer
erase_job (PmStore  *self,
           sqlite3  *db,
           gpointer  data,
           GError  **error)
{
  EraseData *erase = data;

  for (guint i = 0; erase->unlinked && i < erase->unlinked->len; i++)
    if (!_pm_store_write_record (self, db, g_ptr_array_index (erase->unlinked, i), erase->actor_id, erase->role,
                                 PM_WRITE_LOCAL, NULL, error))
      return NULL;
  return delete_with_markers (self, db, erase->records, erase->actor_id, error) ? self : NULL;
}

/**
 * pm_store_erase_records:
 * @records: (element-type PmRecord): what to erase, as read from this store
 * @unlinked: (element-type PmRecord) (nullable): records that stay, edited
 *   so that they no longer name the person (shared visits)
 *
 * Server end, for an erasure under Art. 17: saves @unlinked and deletes
 * @records in one transaction (all of it or nothing), each write audited
 * under the signed-in actor, and logs a deletion marker for each deleted
 * record in the change log, so that every device that holds one of them
 * deletes it at its next pull.
 */
gboolean
pm_store_erase_records (PmStore    *self,
                        GPtrArray  *records,
                        GPtrArray  *unlinked,
                        GError    **error)
{
  EraseData erase = { records, unlinked, pm_store_get_actor_id (self), pm_store_get_actor_role (self) };

  g_return_val_if_fail (PM_IS_STORE (self), FALSE);
  g_return_val_if_fail (records != NULL, FALSE);
  return _pm_store_run_sync (self, erase_job, &erase, error) != NULL;
}

/* The server's deletion periods */

typedef struct
{
  const PmStorePeriods *periods;
  gboolean              dry_run;
  const char           *actor_id;
  gint64                n_audit;
} PeriodsData;

/* The UTC time @days days before now (the clock tests set). */
char *
_pm_store_cutoff (int days)
{
  g_autoptr(GDateTime) now = pm_clock_now ();
  g_autoptr(GDateTime) utc = g_date_time_to_utc (now);
  g_autoptr(GDateTime) then = g_date_time_add_days (utc, -days);

  return g_date_time_format (then, "%Y-%m-%dT%H:%M:%SZ");
}

/* Adds to @due the records of @type whose ids @sql selects, with @before
 * (a cutoff time, or an id) bound as its one parameter. */
gboolean
_pm_store_select_due (sqlite3     *db,
                      GType        type,
                      const char  *sql,
                      const char  *before,
                      GPtrArray   *due,
                      GError     **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) ids = NULL;
  sqlite3_stmt *stmt = NULL;
  int rc;

  if ((stmt = _pm_store_prepare (db, sql, error)) == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, before, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_strv_builder_add (builder, (const char *) sqlite3_column_text (stmt, 0));
  _pm_store_release (stmt);
  if (rc != SQLITE_DONE)
    {
      _pm_store_set_sql_error (error, db, "Finding records past their deletion period");
      return FALSE;
    }
  ids = g_strv_builder_end (builder);
  for (guint i = 0; ids[i]; i++)
    {
      PmRecord *record = _pm_store_read_record (db, type, ids[i], error);

      if (record == NULL)
        return FALSE;
      g_ptr_array_add (due, record);
    }
  return TRUE;
}

static gboolean
add_due (sqlite3     *db,
         GType        type,
         const char  *sql,
         int          days,
         GPtrArray   *due,
         GError     **error)
{
  g_autofree char *before = NULL;

  /* A negative period: nothing is deleted by it. */
  if (days < 0)
    return TRUE;
  before = _pm_store_cutoff (days);
  return _pm_store_select_due (db, type, sql, before, due, error);
}

static gpointer
periods_job (PmStore  *self,
             sqlite3  *db,
             gpointer  data,
             GError  **error)
{
  PeriodsData *purge = data;
  g_autoptr(GPtrArray) due = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *audit_before = NULL;

  /* A case that is over, from its last change; a visit that ended, from
   * its day (compared as a day: the cutoff's day itself is not past); a person's counselling records together, from the last contact
   * (the latest record or a follow-up planned after it). */
  if (!add_due (db, PM_TYPE_CASE,
                "SELECT id FROM cases WHERE status IN ('handed_over', 'closed', 'rejected') AND updated_at <= ?"
                " ORDER BY updated_at, id",
                purge->periods->case_after_closed, due, error) ||
      !add_due (db, PM_TYPE_VISIT,
                "SELECT id FROM visits WHERE status IN ('done', 'partly_done', 'not_met', 'cancelled')"
                " AND date < substr (?, 1, 10)"
                " ORDER BY date, id",
                purge->periods->visit_after_ended, due, error) ||
      !add_due (db, PM_TYPE_COUNSELLING_RECORD,
                "SELECT id FROM counselling WHERE citizen_id IN (SELECT citizen_id FROM counselling GROUP BY citizen_id"
                "  HAVING MAX (MAX (updated_at), COALESCE (MAX (follow_up_date), '')) <= ?) ORDER BY updated_at, id",
                purge->periods->counselling_after_last_contact, due, error))
    return NULL;
  /* Signature strokes go with their record, and the devices hear of it. */
  for (guint i = 0, n = due->len; i < n; i++)
    if (!_pm_store_select_due (db, PM_TYPE_SIGNATURE, "SELECT id FROM signatures WHERE record_id = ? ORDER BY id",
                               pm_record_get_id (g_ptr_array_index (due, i)), due, error))
      return NULL;
  if (purge->periods->audit >= 0)
    {
      audit_before = _pm_store_cutoff (purge->periods->audit);
      purge->n_audit = _pm_store_count_rows (db, "SELECT COUNT(*) FROM audit WHERE at <= ?", audit_before, error);
      if (purge->n_audit < 0)
        return NULL;
    }
  if (purge->dry_run)
    return g_steal_pointer (&due);
  if (!delete_with_markers (self, db, due, purge->actor_id, error) ||
      (audit_before && !_pm_store_exec_texts (db, "DELETE FROM audit WHERE at <= ?", "Deleting old audit entries",
                                              error, 1, audit_before)))
    return NULL;
  return g_steal_pointer (&due);
}

/**
 * pm_store_purge_periods:
 * @periods: the deletion periods in days; a negative one deletes nothing
 * @dry_run: only find what is due
 * @n_audit: (out): how many audit entries were (or are) due
 *
 * Server end: deletes what is past the server's deletion periods in one
 * transaction: cases over for @periods->case_after_closed days, visits
 * that ended @periods->visit_after_ended days ago, a person's counselling
 * records @periods->counselling_after_last_contact days after the last
 * contact (each with its signatures, each deletion audited under the
 * signed-in actor and marked for the devices, as an erasure is), and the
 * records' audit entries older than @periods->audit days. Returns the
 * records deleted (or due): cases, visits, counselling records, then the
 * signatures on them.
 */
GPtrArray *
pm_store_purge_periods (PmStore               *self,
                        const PmStorePeriods  *periods,
                        gboolean               dry_run,
                        gint64                *n_audit,
                        GError               **error)
{
  PeriodsData purge = { periods, dry_run, pm_store_get_actor_id (self), 0 };
  GPtrArray *due;

  g_return_val_if_fail (PM_IS_STORE (self), NULL);
  g_return_val_if_fail (periods != NULL, NULL);
  due = _pm_store_run_sync (self, periods_job, &purge, error);
  if (due && n_audit)
    *n_audit = purge.n_audit;
  return due;
}
