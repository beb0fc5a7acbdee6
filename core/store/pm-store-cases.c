/* pm-store-cases.c: a case's steps through the registration office
 *
 * A step writes the case and what follows from it (a task on the person's
 * next visit, or a visit request for dispatch) in one transaction through
 * the ordinary write path: each record is checked, audited and, once the
 * store is enrolled, queued for the server (a status step as
 * set_case_status). A case still "captured" is first marked "submitted":
 * the office has it, and the machine's arrows are kept one by one.
 *
 * Once a case is over (handed over, closed or rejected) and the server has
 * it, its details leave the device after the deletion period: the case and
 * its signature are deleted, and the deletion is audited.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pm-store"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pm-access.h"
#include "pm-city.h"
#include "pm-clock.h"
#include "pm-error.h"
#include "pm-model.h"
#include "pm-store-private.h"

typedef struct
{
  char       *case_id;
  gint64      version;
  char       *status;
  char       *reason;
  char       *registration_number;
  char       *handover_mode;
  char       *actor_id;
  char       *department;
  PmRole      role;
} StepData;

static void
step_data_free (StepData *data)
{
  g_free (data->case_id);
  g_free (data->status);
  g_free (data->reason);
  g_free (data->registration_number);
  g_free (data->handover_mode);
  g_free (data->actor_id);
  g_free (data->department);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StepData, step_data_free)

static StepData *
step_data_new (PmStore          *self,
               const char       *case_id,
               gint64            version,
               const PmCaseStep *step)
{
  StepData *data = g_new0 (StepData, 1);

  data->case_id = g_strdup (case_id);
  data->version = version;
  data->status = g_strdup (step->status);
  data->reason = g_strdup (step->reason);
  data->registration_number = g_strdup (step->registration_number);
  data->handover_mode = g_strdup (step->handover_mode);
  data->actor_id = g_strdup (pm_store_get_actor_id (self));
  data->department = pm_store_dup_actor_department (self);
  data->role = pm_store_get_actor_role (self);
  return data;
}

/* The person's next visit that has not happened yet, dated ones first. */
static PmRecord *
next_visit_of (sqlite3     *db,
               const char  *citizen_id,
               GError     **error)
{
  g_autofree char *today = pm_clock_today ();
  g_autofree char *id = NULL;
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db,
                          "SELECT id FROM visits WHERE status IN ('requested', 'scheduled', 'confirmed')"
                          " AND (date IS NULL OR date >= ?1)"
                          " AND EXISTS (SELECT 1 FROM json_each (data, '$.citizen_ids') WHERE value = ?2)"
                          " ORDER BY date IS NULL, date, route_order LIMIT 1",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      _pm_store_set_sql_error (error, db, "Finding the next visit");
      return NULL;
    }
  sqlite3_bind_text (stmt, 1, today, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, citizen_id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      _pm_store_set_sql_error (error, db, "Finding the next visit");
      return NULL;
    }
  return id ? _pm_store_read_record (db, PM_TYPE_VISIT, id, error) : NULL;
}

static gboolean
write_as_actor (PmStore   *self,
                sqlite3   *db,
                PmRecord  *record,
                StepData  *data,
                GError   **error)
{
  gint64 version = 0;

  if (!_pm_store_write_record (self, db, record, data->actor_id, data->role, PM_WRITE_LOCAL, &version, error))
    return FALSE;
  pm_record_set_version (record, version);
  return TRUE;
}

static gboolean
take_step (PmStore           *self,
           sqlite3           *db,
           PmRecord          *kase,
           const PmCaseStep  *step,
           StepData          *data,
           GError           **error)
{
  return pm_case_step_apply (kase, step, data->actor_id, error) && write_as_actor (self, db, kase, data, error);
}

/* The task of a query lands on the next visit if there is one; a hand-over,
 * or a query for a person with no visit ahead, becomes a request. */
static PmRecord *
write_follow_up (PmStore           *self,
                 sqlite3           *db,
                 PmRecord          *kase,
                 const PmCaseStep  *step,
                 StepData          *data,
                 GError           **error)
{
  const char *citizen_id = pm_record_get_string (kase, "citizen_id");
  const char *origin_id = pm_record_get_string (kase, "visit_id");
  g_autoptr(PmRecord) visit = NULL;
  g_autoptr(PmRecord) citizen = NULL;
  g_autoptr(PmRecord) origin = NULL;
  g_autoptr(GError) local_error = NULL;

  if (pm_case_step_get_follow_up (step) == PM_CASE_FOLLOW_UP_TASK)
    {
      visit = next_visit_of (db, citizen_id, &local_error);
      if (local_error)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
    }
  if (visit)
    {
      g_autofree char *task = pm_case_step_task_text (kase, step);

      pm_case_add_task_to_visit (visit, task);
    }
  else
    {
      citizen = _pm_store_read_record (db, PM_TYPE_CITIZEN, citizen_id, error);
      if (citizen == NULL)
        return NULL;
      if (origin_id)
        origin = _pm_store_read_record (db, PM_TYPE_VISIT, origin_id, NULL);
      visit = pm_case_visit_request_new (kase, citizen, origin, step);
    }
  if (!write_as_actor (self, db, visit, data, error))
    return NULL;
  return g_steal_pointer (&visit);
}

static gpointer
advance_job (PmStore  *self,
             sqlite3  *db,
             gpointer  user_data,
             GError  **error)
{
  StepData *data = user_data;
  PmViewer viewer = { data->role, data->department };
  PmCaseStep step = { data->status, data->reason, data->registration_number, data->handover_mode };
  const PmCaseStep submitted = { "submitted" };
  g_autoptr(GPtrArray) written = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(PmRecord) kase = NULL;

  if (data->actor_id == NULL)
    {
      g_set_error_literal (error, PM_ERROR, PM_ERROR_DENIED, _("Nobody is signed in to change this case"));
      return NULL;
    }
  if (!pm_access_sees_case_details (&viewer))
    {
      g_set_error_literal (error, PM_ERROR, PM_ERROR_DENIED,
                           _("Only the registration office may work on a case"));
      return NULL;
    }
  kase = _pm_store_read_record (db, PM_TYPE_CASE, data->case_id, error);
  if (kase == NULL)
    return NULL;
  if (data->version > 0 && pm_record_get_version (kase) != data->version)
    {
      g_set_error (error, PM_ERROR, PM_ERROR_CONFLICT,
                   _("The case was changed meanwhile (version %d, shown %d); reload it"),
                   (int) pm_record_get_version (kase), (int) data->version);
      return NULL;
    }
  if (g_strcmp0 (pm_record_get_string (kase, "status"), "captured") == 0 &&
      g_strcmp0 (step.status, "submitted") != 0 &&
      !take_step (self, db, kase, &submitted, data, error))
    return NULL;
  if (!take_step (self, db, kase, &step, data, error))
    return NULL;
  g_ptr_array_add (written, g_object_ref (kase));
  if (pm_case_step_get_follow_up (&step) != PM_CASE_FOLLOW_UP_NONE)
    {
      PmRecord *visit = write_follow_up (self, db, kase, &step, data, error);

      if (visit == NULL)
        return NULL;
      g_ptr_array_add (written, visit);
    }
  return g_steal_pointer (&written);
}

/**
 * pm_store_advance_case:
 * @version: the version of the case the person saw, or 0 to take the stored one
 *
 * Takes one step of the registration office's workflow for the acting
 * person. Returns the written records: the case first, then the visit that
 * carries its task or the new visit request, if the step made one.
 */
GPtrArray *
pm_store_advance_case (PmStore           *self,
                       const char        *case_id,
                       gint64             version,
                       const PmCaseStep  *step,
                       GError           **error)
{
  g_autoptr(StepData) data = NULL;

  g_return_val_if_fail (PM_IS_STORE (self), NULL);
  g_return_val_if_fail (case_id != NULL && step != NULL, NULL);
  data = step_data_new (self, case_id, version, step);
  return _pm_store_run_sync (self, advance_job, data, error);
}

void
pm_store_advance_case_async (PmStore             *self,
                             const char          *case_id,
                             gint64               version,
                             const PmCaseStep    *step,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (PM_IS_STORE (self));
  g_return_if_fail (case_id != NULL && step != NULL);
  _pm_store_run_async (self, advance_job, step_data_new (self, case_id, version, step),
                       (GDestroyNotify) step_data_free, (GDestroyNotify) g_ptr_array_unref,
                       pm_store_advance_case_async, cancellable, callback, user_data);
}

GPtrArray *
pm_store_advance_case_finish (PmStore       *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pm_store_advance_case_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Deletion periods */

typedef struct
{
  guint     days;
  gboolean  dry_run;
  char     *actor_id;
} PurgeData;

static void
purge_data_free (PurgeData *data)
{
  g_free (data->actor_id);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PurgeData, purge_data_free)

static gboolean
delete_by_id (sqlite3     *db,
              const char  *sql,
              const char  *id,
              GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean ok = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) == SQLITE_OK;

  if (ok)
    {
      sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
      ok = sqlite3_step (stmt) == SQLITE_DONE;
    }
  if (!ok)
    _pm_store_set_sql_error (error, db, "Deleting a case");
  sqlite3_finalize (stmt);
  return ok;
}

/* The case, its signatures, drafts and change-log rows; the audit keeps
 * that it was deleted and by whom. */
static gboolean
delete_case (PmStore     *self,
             sqlite3     *db,
             PmRecord    *kase,
             const char  *actor_id,
             GError     **error)
{
  static const char * const statements[] = {
    "DELETE FROM changes WHERE record_id IN (SELECT id FROM signatures WHERE record_id = ?1)",
    "DELETE FROM signatures WHERE record_id = ?1",
    "DELETE FROM drafts WHERE record_id = ?1",
    "DELETE FROM changes WHERE kind = 'case' AND record_id = ?1",
    /* What the office was told about the case goes with it. */
    "DELETE FROM changes WHERE kind = 'sync_issue' AND record_id IN (SELECT id FROM office_issues WHERE record_id = ?1)",
    "DELETE FROM office_issues WHERE record_id = ?1",
    "DELETE FROM cases WHERE id = ?1",
  };
  const char *id = pm_record_get_id (kase);

  for (guint i = 0; i < G_N_ELEMENTS (statements); i++)
    if (!delete_by_id (db, statements[i], id, error))
      return FALSE;
  return _pm_store_insert_audit (self, db, actor_id, "delete", kase, error);
}

static gpointer
purge_job (PmStore  *self,
           sqlite3  *db,
           gpointer  user_data,
           GError  **error)
{
  PurgeData *data = user_data;
  g_autoptr(GDateTime) now = pm_clock_now ();
  g_autoptr(GDateTime) utc = g_date_time_to_utc (now);
  g_autoptr(GDateTime) cutoff = g_date_time_add_days (utc, -(int) data->days);
  g_autofree char *before = g_date_time_format (cutoff, "%Y-%m-%dT%H:%M:%SZ");
  g_autoptr(GPtrArray) due = g_ptr_array_new_with_free_func (g_object_unref);
  g_auto(GStrv) ids = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (!data->dry_run && data->actor_id == NULL)
    {
      g_set_error_literal (error, PM_ERROR, PM_ERROR_DENIED, _("Nobody is signed in to delete cases"));
      return NULL;
    }
  /* The last change of a case that is over is when it ended; a case with
   * unsent changes has not reached the server and stays. */
  if (sqlite3_prepare_v2 (db,
                          "SELECT id FROM cases WHERE status IN ('handed_over', 'closed', 'rejected')"
                          " AND updated_at <= ?1 AND NOT EXISTS (SELECT 1 FROM outbox WHERE outbox.record_id = cases.id)"
                          " ORDER BY updated_at, id",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      _pm_store_set_sql_error (error, db, "Finding cases past their deletion period");
      return NULL;
    }
  sqlite3_bind_text (stmt, 1, before, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_strv_builder_add (builder, (const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      _pm_store_set_sql_error (error, db, "Finding cases past their deletion period");
      return NULL;
    }
  ids = g_strv_builder_end (builder);
  for (guint i = 0; ids[i]; i++)
    {
      PmRecord *kase = _pm_store_read_record (db, PM_TYPE_CASE, ids[i], error);

      if (kase == NULL)
        return NULL;
      g_ptr_array_add (due, kase);
      if (!data->dry_run && !delete_case (self, db, kase, data->actor_id, error))
        return NULL;
    }
  return g_steal_pointer (&due);
}

/**
 * pm_store_default_case_days:
 *
 * The deletion period of a case on the device, from the city profile.
 */
int
pm_store_default_case_days (void)
{
  return pm_city_get_retention_days (pm_city_get_default (), "device", "case_after_closed");
}

/**
 * pm_store_purge_cases:
 * @days: the deletion period: cases over for at least this many days go
 * @dry_run: only list them
 *
 * Deletes the details of cases that are over (handed over, closed or
 * rejected) since @days days and have no unsent changes: the case, its
 * signature and drafts, each deletion audited. @days may not exceed what
 * the city lets the server keep (a device must not keep more than the
 * server). Returns the cases deleted (or due, with @dry_run), oldest first.
 */
static PurgeData *
purge_data_new (PmStore   *self,
                int        days,
                gboolean   dry_run,
                GError   **error)
{
  int server_days = pm_city_get_retention_days (pm_city_get_default (), "server", "case_after_closed");
  PurgeData *data;

  if (days < 0 || (server_days >= 0 && days > server_days))
    {
      g_set_error (error, PM_ERROR, PM_ERROR_INVALID,
                   _("The deletion period of a case must be between 0 and %d days (what the server may keep)"),
                   server_days);
      return NULL;
    }
  data = g_new0 (PurgeData, 1);
  data->days = days;
  data->dry_run = dry_run;
  data->actor_id = g_strdup (pm_store_get_actor_id (self));
  return data;
}

GPtrArray *
pm_store_purge_cases (PmStore   *self,
                      int        days,
                      gboolean   dry_run,
                      GError   **error)
{
  g_autoptr(PurgeData) data = NULL;

  g_return_val_if_fail (PM_IS_STORE (self), NULL);
  data = purge_data_new (self, days, dry_run, error);
  return data ? _pm_store_run_sync (self, purge_job, data, error) : NULL;
}

/* The app runs the deletion period on unlock, off the main thread. */
void
pm_store_purge_cases_async (PmStore             *self,
                            int                  days,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GError *error = NULL;
  PurgeData *data;

  g_return_if_fail (PM_IS_STORE (self));
  data = purge_data_new (self, days, FALSE, &error);
  if (data == NULL)
    {
      g_task_report_error (self, callback, user_data, pm_store_purge_cases_async, error);
      return;
    }
  _pm_store_run_async (self, purge_job, data, (GDestroyNotify) purge_data_free,
                       (GDestroyNotify) g_ptr_array_unref, pm_store_purge_cases_async,
                       cancellable, callback, user_data);
}

GPtrArray *
pm_store_purge_cases_finish (PmStore       *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* The registration office's desk */

typedef struct
{
  char     *id;
  char     *actor_id;
  char     *department;
  PmRole    role;
} DeskQuery;

static void
desk_query_free (DeskQuery *query)
{
  g_free (query->id);
  g_free (query->actor_id);
  g_free (query->department);
  g_free (query);
}

static DeskQuery *
desk_query_new (PmStore    *self,
                const char *id)
{
  DeskQuery *query = g_new0 (DeskQuery, 1);

  query->id = g_strdup (id);
  query->actor_id = g_strdup (pm_store_get_actor_id (self));
  query->department = pm_store_dup_actor_department (self);
  query->role = pm_store_get_actor_role (self);
  return query;
}

/* The desk shows case details: only for those who may see them, checked
 * here and not by hiding widgets. */
static gboolean
check_desk_viewer (DeskQuery  *query,
                   GError    **error)
{
  PmViewer viewer = { query->role, query->department };

  if (!pm_access_sees_case_details (&viewer))
    {
      g_set_error_literal (error, PM_ERROR, PM_ERROR_DENIED,
                           _("Only the registration office may work on a case"));
      return FALSE;
    }
  return TRUE;
}

static gpointer
inbox_job (PmStore  *self,
           sqlite3  *db,
           gpointer  data,
           GError  **error)
{
  DeskQuery *query = data;
  g_autoptr(GPtrArray) cases = g_ptr_array_new_with_free_func (g_object_unref);
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (!check_desk_viewer (query, error))
    return NULL;
  /* Names and districts only: the rest of a person (care grade, health
   * notes) never reaches the desk. */
  if (sqlite3_prepare_v2 (db,
                          "SELECT c.id, json_extract (p.data, '$.given_names') || ' ' || p.family_name, p.stadtteil,"
                          " json_extract (s.data, '$.display_name')"
                          " FROM cases c LEFT JOIN citizens p ON p.id = c.citizen_id"
                          " LEFT JOIN staff s ON s.id = json_extract (c.data, '$.staff_id')"
                          " ORDER BY c.captured_on DESC, c.created_at DESC, c.id",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      _pm_store_set_sql_error (error, db, "Reading the cases");
      return NULL;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      PmRecord *kase = _pm_store_read_record (db, PM_TYPE_CASE, (const char *) sqlite3_column_text (stmt, 0), error);

      if (kase == NULL)
        {
          sqlite3_finalize (stmt);
          return NULL;
        }
      pm_record_set_string (kase, "person_name", (const char *) sqlite3_column_text (stmt, 1));
      pm_record_set_string (kase, "stadtteil", (const char *) sqlite3_column_text (stmt, 2));
      pm_record_set_string (kase, "staff_name", (const char *) sqlite3_column_text (stmt, 3));
      g_ptr_array_add (cases, kase);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      _pm_store_set_sql_error (error, db, "Reading the cases");
      return NULL;
    }
  return g_steal_pointer (&cases);
}

/**
 * pm_store_list_case_inbox_async:
 *
 * Every case, newest first, with the person's name, district and clerk
 * filled in (the transient fields person_name, stadtteil and staff_name), for the registration
 * office's inbox. Refused with %PM_ERROR_DENIED outside Einwohnerwesen.
 * Listing is not a read of each case: opening one is (see
 * pm_store_get_case_file_async()).
 */
void
pm_store_list_case_inbox_async (PmStore             *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (PM_IS_STORE (self));
  _pm_store_run_async (self, inbox_job, desk_query_new (self, NULL), (GDestroyNotify) desk_query_free,
                       (GDestroyNotify) g_ptr_array_unref, pm_store_list_case_inbox_async,
                       cancellable, callback, user_data);
}

GPtrArray *
pm_store_list_case_inbox_finish (PmStore       *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static gpointer
case_file_job (PmStore  *self,
               sqlite3  *db,
               gpointer  data,
               GError  **error)
{
  DeskQuery *query = data;
  g_autoptr(GPtrArray) file = g_ptr_array_new_with_free_func (g_object_unref);
  PmViewer viewer = { query->role, query->department };
  const char *visit_id;
  PmRecord *kase;
  PmRecord *citizen;
  sqlite3_stmt *stmt = NULL;

  if (!check_desk_viewer (query, error))
    return NULL;
  kase = _pm_store_read_record (db, PM_TYPE_CASE, query->id, error);
  if (kase == NULL)
    return NULL;
  g_ptr_array_add (file, kase);
  if (query->actor_id == NULL)
    {
      g_set_error_literal (error, PM_ERROR, PM_ERROR_DENIED, _("Nobody is signed in to change this case"));
      return NULL;
    }
  /* Opening a case is a read worth recording. */
  if (!_pm_store_insert_audit (self, db, query->actor_id, "read", kase, error))
    return NULL;
  citizen = _pm_store_read_record (db, PM_TYPE_CITIZEN, pm_record_get_string (kase, "citizen_id"), error);
  if (citizen == NULL)
    return NULL;
  pm_access_filter (citizen, &viewer);
  g_ptr_array_add (file, citizen);
  visit_id = pm_record_get_string (kase, "visit_id");
  if (visit_id)
    {
      PmRecord *visit = _pm_store_read_record (db, PM_TYPE_VISIT, visit_id, NULL);

      if (visit)
        g_ptr_array_add (file, visit);
    }
  if (sqlite3_prepare_v2 (db, "SELECT id FROM signatures WHERE record_id = ? LIMIT 1", -1, &stmt, NULL) == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, query->id, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        {
          PmRecord *signature = _pm_store_read_record (db, PM_TYPE_SIGNATURE,
                                                       (const char *) sqlite3_column_text (stmt, 0), NULL);

          if (signature)
            g_ptr_array_add (file, signature);
        }
    }
  sqlite3_finalize (stmt);
  return g_steal_pointer (&file);
}

/**
 * pm_store_get_case_file_async:
 *
 * Opens one case for the registration office (audited as a read): the
 * result holds the case first, then its person (filtered for the viewer),
 * then, where they exist, the visit it was captured on and its signature.
 */
void
pm_store_get_case_file_async (PmStore             *self,
                              const char          *case_id,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (PM_IS_STORE (self));
  g_return_if_fail (case_id != NULL);
  _pm_store_run_async (self, case_file_job, desk_query_new (self, case_id), (GDestroyNotify) desk_query_free,
                       (GDestroyNotify) g_ptr_array_unref, pm_store_get_case_file_async,
                       cancellable, callback, user_data);
}

GPtrArray *
pm_store_get_case_file_finish (PmStore       *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
