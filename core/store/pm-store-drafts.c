/* pm-store-drafts.c: forms are saved while they are filled
 *
 * There is no "save" to forget: a form writes its state here as it changes
 * (the UI debounces), in the encrypted store, so killing the app loses at
 * most the last moments of typing and the next start can offer the draft.
 * One draft per form id (e.g. "counselling/<visit id>").
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pm-store"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pm-clock.h"
#include "pm-error.h"
#include "pm-store-private.h"

typedef struct
{
  char *form;
  char *record_kind;
  char *record_id;
  char *actor_id;
  char *data;
} Draft;

static void
draft_free (Draft *draft)
{
  g_free (draft->form);
  g_free (draft->record_kind);
  g_free (draft->record_id);
  g_free (draft->actor_id);
  if (draft->data)
    explicit_bzero (draft->data, strlen (draft->data));
  g_free (draft->data);
  g_free (draft);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Draft, draft_free)

static gpointer
save_draft_job (PmStore  *self,
                sqlite3  *db,
                gpointer  data,
                GError  **error)
{
  Draft *draft = data;
  g_autofree char *now = pm_clock_timestamp ();
  sqlite3_stmt *stmt = NULL;
  gboolean ok;

  ok = sqlite3_prepare_v2 (db, "INSERT OR REPLACE INTO drafts (form, record_kind, record_id, actor_id, data, updated_at)"
                               " VALUES (?, ?, ?, ?, ?, ?)", -1, &stmt, NULL) == SQLITE_OK;
  if (ok)
    {
      sqlite3_bind_text (stmt, 1, draft->form, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, draft->record_kind, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, draft->record_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, draft->actor_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 5, draft->data, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 6, now, -1, SQLITE_STATIC);
      ok = sqlite3_step (stmt) == SQLITE_DONE;
    }
  if (!ok)
    _pm_store_set_sql_error (error, db, "Saving a draft");
  sqlite3_finalize (stmt);
  return ok ? self : NULL;
}

static Draft *
draft_new (PmStore    *self,
           const char *form,
           const char *record_kind,
           const char *record_id,
           const char *json)
{
  Draft *draft = g_new0 (Draft, 1);

  draft->form = g_strdup (form);
  draft->record_kind = g_strdup (record_kind);
  draft->record_id = g_strdup (record_id);
  draft->actor_id = g_strdup (pm_store_get_actor_id (self));
  draft->data = g_strdup (json);
  return draft;
}

gboolean
pm_store_save_draft (PmStore     *self,
                     const char  *form,
                     const char  *record_kind,
                     const char  *record_id,
                     const char  *json,
                     GError     **error)
{
  g_autoptr(Draft) draft = NULL;

  g_return_val_if_fail (PM_IS_STORE (self), FALSE);
  g_return_val_if_fail (form != NULL && record_kind != NULL && json != NULL, FALSE);
  draft = draft_new (self, form, record_kind, record_id, json);
  return _pm_store_run_sync (self, save_draft_job, draft, error) != NULL;
}

void
pm_store_save_draft_async (PmStore             *self,
                           const char          *form,
                           const char          *record_kind,
                           const char          *record_id,
                           const char          *json,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (PM_IS_STORE (self));
  g_return_if_fail (form != NULL && record_kind != NULL && json != NULL);
  _pm_store_run_async (self, save_draft_job, draft_new (self, form, record_kind, record_id, json),
                       (GDestroyNotify) draft_free, NULL, pm_store_save_draft_async,
                       cancellable, callback, user_data);
}

gboolean
pm_store_save_draft_finish (PmStore       *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_pointer (G_TASK (result), error) != NULL;
}

static gpointer
load_draft_job (PmStore  *self,
                sqlite3  *db,
                gpointer  data,
                GError  **error)
{
  Draft *draft = data;
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db, "SELECT record_kind, record_id, data FROM drafts WHERE form = ?", -1, &stmt, NULL) != SQLITE_OK)
    {
      _pm_store_set_sql_error (error, db, "Reading a draft");
      return NULL;
    }
  sqlite3_bind_text (stmt, 1, draft->form, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      draft->record_kind = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      draft->record_id = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      draft->data = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
    }
  else if (rc != SQLITE_DONE)
    {
      _pm_store_set_sql_error (error, db, "Reading a draft");
      sqlite3_finalize (stmt);
      return NULL;
    }
  sqlite3_finalize (stmt);
  return draft;
}

/* Returns the draft's JSON, or NULL without an error when there is none. */
char *
pm_store_load_draft (PmStore     *self,
                     const char  *form,
                     char       **record_kind,
                     GError     **error)
{
  g_autoptr(Draft) draft = g_new0 (Draft, 1);

  g_return_val_if_fail (PM_IS_STORE (self), NULL);
  draft->form = g_strdup (form);
  if (_pm_store_run_sync (self, load_draft_job, draft, error) == NULL)
    return NULL;
  if (record_kind)
    *record_kind = g_steal_pointer (&draft->record_kind);
  return g_steal_pointer (&draft->data);
}

static gpointer
list_drafts_job (PmStore  *self,
                 sqlite3  *db,
                 gpointer  data,
                 GError  **error)
{
  g_autoptr(GStrvBuilder) forms = g_strv_builder_new ();
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (db, "SELECT form FROM drafts ORDER BY updated_at", -1, &stmt, NULL) != SQLITE_OK)
    {
      _pm_store_set_sql_error (error, db, "Listing drafts");
      return NULL;
    }
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_strv_builder_add (forms, (const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return g_strv_builder_end (forms);
}

/* The forms with a draft, oldest first: what the next start offers. */
char **
pm_store_list_drafts (PmStore  *self,
                      GError  **error)
{
  g_return_val_if_fail (PM_IS_STORE (self), NULL);
  return _pm_store_run_sync (self, list_drafts_job, NULL, error);
}

static gpointer
discard_draft_job (PmStore  *self,
                   sqlite3  *db,
                   gpointer  data,
                   GError  **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean ok = sqlite3_prepare_v2 (db, "DELETE FROM drafts WHERE form = ?", -1, &stmt, NULL) == SQLITE_OK;

  if (ok)
    {
      sqlite3_bind_text (stmt, 1, data, -1, SQLITE_STATIC);
      ok = sqlite3_step (stmt) == SQLITE_DONE;
    }
  if (!ok)
    _pm_store_set_sql_error (error, db, "Discarding a draft");
  sqlite3_finalize (stmt);
  return ok ? self : NULL;
}

gboolean
pm_store_discard_draft (PmStore     *self,
                        const char  *form,
                        GError     **error)
{
  g_return_val_if_fail (PM_IS_STORE (self), FALSE);
  return _pm_store_run_sync (self, discard_draft_job, (gpointer) form, error) != NULL;
}
