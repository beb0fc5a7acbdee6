/* pm-store-sync.c: outbox, change log, push answers and devices
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pm-store"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sodium.h>

#include "pm-access.h"
#include "pm-clock.h"
#include "pm-error.h"
#include "pm-model.h"
#include "pm-store-private.h"
#include "pm-store-sync.h"

#define ENROLMENT_KEY "sync.server_url"
#define CURSOR_KEY "sync.cursor"
/* The last audit entry (by rowid) the server confirmed; entries written
 * before enrolment are not sent, like the writes of that time. */
#define AUDIT_SENT_KEY "sync.audit_sent"
#define MAX_PUSH_AUDIT 2000
/* The server store's identity, renewed by a restore, and (on a device) the
 * one its cursor belongs to: a cursor is only served by the store state that
 * gave it out. */
#define STORE_EPOCH_KEY "sync.store_epoch"
#define CURSOR_EPOCH_KEY "sync.cursor_epoch"
/* The change log's kind for a conflict or refusal sent to the owning office */
#define ISSUE_KIND "sync_issue"
#define MAX_PUSH_ENTRIES 500

static char *
object_to_string (JsonObject *object)
{
  /* One generator per thread: json_to_string() made and dropped an object
   * for each of a push's answers. */
  static GPrivate cached = G_PRIVATE_INIT (g_object_unref);
  JsonGenerator *generator = g_private_get (&cached);
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  char *text;

  if (generator == NULL)
    {
      generator = json_generator_new ();
      g_private_set (&cached, generator);
    }
  json_node_set_object (node, object);
  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, NULL);
  json_generator_set_root (generator, NULL);
  return text;
}

static JsonObject *
object_from_string (const char *text)
{
  g_autoptr(JsonNode) node = json_from_string (text, NULL);

  return node && JSON_NODE_HOLDS_OBJECT (node) ? json_object_ref (json_node_get_object (node)) : NULL;
}

/* Runs without an escape are copied whole, as in pm-store.c. */
static void
append_json_string (GString    *text,
                    const char *value)
{
  g_string_append_c (text, '"');
  for (const char *c = value; *c; c++)
    {
      const char *run = c;

      while (*c && *c != '"' && *c != '\\' && (guchar) *c >= 0x20)
        c++;
      g_string_append_len (text, run, c - run);
      if (*c == '\0')
        break;
      if (*c == '"' || *c == '\\')
        g_string_append_c (text, '\\');
      if ((guchar) *c < 0x20)
        g_string_append_printf (text, "\\u%04x", (guint) (guchar) *c);
      else
        g_string_append_c (text, *c);
    }
  g_string_append_c (text, '"');
}

/* A record's row as pm_record_to_json() gives the record: version,
 * created_at, updated_at and data from the columns from @first on (the
 * data column holds the fields as an object, whose members follow). */
static void
append_record_columns (GString       *text,
                       sqlite3_stmt  *stmt,
                       int            first,
                       const char    *id)
{
  const char *data = (const char *) sqlite3_column_text (stmt, first + 3);

  g_string_append (text, "{\"id\":");
  append_json_string (text, id);
  g_string_append_printf (text, ",\"version\":%" G_GINT64_FORMAT ",\"created_at\":",
                          (gint64) sqlite3_column_int64 (stmt, first));
  append_json_string (text, (const char *) sqlite3_column_text (stmt, first + 1));
  g_string_append (text, ",\"updated_at\":");
  append_json_string (text, (const char *) sqlite3_column_text (stmt, first + 2));
  g_string_append (text, data[1] == '}' ? "}" : ",");
  if (data[1] != '}')
    g_string_append (text, data + 1);
}

static gboolean
step_done (sqlite3       *db,
           sqlite3_stmt  *stmt,
           const char    *what,
           GError       **error)
{
  gboolean ok = sqlite3_step (stmt) == SQLITE_DONE;

  if (!ok)
    _pm_store_set_sql_error (error, db, what);
  _pm_store_release (stmt);
  return ok;
}

/* Statements come from the worker's cache: release them, never finalize. */
#define prepare _pm_store_prepare

/* Runs @sql with @n_texts text parameters bound in order. */
gboolean
_pm_store_exec_texts (sqlite3     *db,
                      const char  *sql,
                      const char  *what,
                      GError     **error,
                      guint        n_texts,
                      ...)
{
  sqlite3_stmt *stmt = prepare (db, sql, error);
  va_list args;

  if (stmt == NULL)
    return FALSE;
  va_start (args, n_texts);
  for (guint i = 1; i <= n_texts; i++)
    sqlite3_bind_text (stmt, i, va_arg (args, const char *), -1, SQLITE_TRANSIENT);
  va_end (args);
  return step_done (db, stmt, what, error);
}

/* The server's audit (server end) */

typedef struct
{
  const char *action;
  const char *device_id;
  const char *role;
  const char *actor_id;
  gint64      count;
  const char *detail;
} AuditData;

/* Appends one entry in the caller's transaction: a push or pull is audited
 * together with what it did, or not at all. */
static gboolean
append_server_audit (sqlite3          *db,
                     const AuditData  *audit,
                     GError          **error)
{
  g_autofree char *now = pm_clock_timestamp ();
  sqlite3_stmt *stmt = prepare (db,
                                "INSERT INTO server_audit (at, action, device_id, role, actor_id, count, detail)"
                                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                                error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, now, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, audit->action, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, audit->device_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, audit->role, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, audit->actor_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 6, audit->count);
  sqlite3_bind_text (stmt, 7, audit->detail, -1, SQLITE_STATIC);
  return step_done (db, stmt, "Writing the server's audit", error);
}

static gpointer
append_audit_job (PmStore  *self,
                  sqlite3  *db,
                  gpointer  data,
                  GError  **error)
{
  return append_server_audit (db, data, error) ? self : NULL;
}

/**
 * pm_store_append_server_audit:
 * @action: what was done, e.g. `admin enrol`
 * @device_id: (nullable): the device it was done by or to
 * @role: (nullable): that device's role
 * @actor_id: (nullable): the acting person (or the server's admin)
 * @count: how many records or entries it concerned
 * @detail: (nullable): what else the auditor needs
 *
 * Appends an entry to the server's audit, which cannot be changed or
 * deleted afterwards. Pushes and pulls are audited by the store itself.
 */
gboolean
pm_store_append_server_audit (PmStore     *self,
                              const char  *action,
                              const char  *device_id,
                              const char  *role,
                              const char  *actor_id,
                              gint64       count,
                              const char  *detail,
                              GError     **error)
{
  AuditData audit = { action, device_id, role, actor_id, count, detail };

  g_return_val_if_fail (PM_IS_STORE (self), FALSE);
  g_return_val_if_fail (action != NULL, FALSE);
  return _pm_store_run_sync (self, append_audit_job, &audit, error) != NULL;
}

static gpointer
list_audit_job (PmStore  *self,
                sqlite3  *db,
                gpointer  data,
                GError  **error)
{
  static const char * const texts[] = { "at", "action", "device_id", "role", "actor_id", NULL };
  sqlite3_stmt *stmt = prepare (db,
                                "SELECT at, action, device_id, role, actor_id, seq, count, detail"
                                " FROM server_audit WHERE at >= ? ORDER BY seq",
                                error);
  g_autoptr(JsonArray) entries = json_array_new ();
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, data ? data : "", -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      JsonObject *entry = json_object_new ();

      json_object_set_int_member (entry, "seq", sqlite3_column_int64 (stmt, 5));
      for (guint i = 0; texts[i]; i++)
        if (sqlite3_column_type (stmt, i) == SQLITE_NULL)
          json_object_set_null_member (entry, texts[i]);
        else
          json_object_set_string_member (entry, texts[i], (const char *) sqlite3_column_text (stmt, i));
      json_object_set_int_member (entry, "count", sqlite3_column_int64 (stmt, 6));
      json_object_set_string_member (entry, "detail",
                                     sqlite3_column_text (stmt, 7) ? (const char *) sqlite3_column_text (stmt, 7) : "");
      json_array_add_object_element (entries, entry);
    }
  _pm_store_release (stmt);
  if (rc != SQLITE_DONE)
    {
      _pm_store_set_sql_error (error, db, "Reading the server's audit");
      return NULL;
    }
  return g_steal_pointer (&entries);
}

/**
 * pm_store_list_server_audit:
 * @since: (nullable): a UTC timestamp (`YYYY-MM-DDTHH:MM:SSZ`) or a date
 *   (`YYYY-MM-DD`); only entries from then on
 *
 * The server's audit, oldest first, as objects with `seq`, `at`, `action`,
 * `device_id`, `role`, `actor_id` (each a string or null), `count` and
 * `detail`.
 */
JsonArray *
pm_store_list_server_audit (PmStore     *self,
                            const char  *since,
                            GError     **error)
{
  g_return_val_if_fail (PM_IS_STORE (self), NULL);
  return _pm_store_run_sync (self, list_audit_job, (gpointer) since, error);
}

/* Meta */

static char *
read_meta (sqlite3     *db,
           const char  *key,
           GError     **error)
{
  sqlite3_stmt *stmt = prepare (db, "SELECT value FROM meta WHERE key = ?", error);
  char *value = NULL;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  _pm_store_release (stmt);
  return value;
}

static gboolean
write_meta (sqlite3     *db,
            const char  *key,
            const char  *value,
            GError     **error)
{
  return _pm_store_exec_texts (db, "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", "Writing meta",
                               error, 2, key, value);
}

static gboolean
delete_meta (sqlite3     *db,
             const char  *key,
             GError     **error)
{
  return _pm_store_exec_texts (db, "DELETE FROM meta WHERE key = ?", "Writing meta", error, 1, key);
}

gboolean
_pm_store_read_enrolment (sqlite3   *db,
                          gboolean  *enrolled,
                          GError   **error)
{
  GError *local_error = NULL;
  g_autofree char *url = read_meta (db, ENROLMENT_KEY, &local_error);

  *enrolled = url != NULL;
  if (local_error)
    g_propagate_error (error, local_error);
  return local_error == NULL;
}

typedef struct
{
  const char *key;
  const char *value;
} MetaData;

static gpointer
dup_meta_job (PmStore  *self,
              sqlite3  *db,
              gpointer  data,
              GError  **error)
{
  MetaData *meta = data;
  GError *local_error = NULL;
  char *value = read_meta (db, meta->key, &local_error);

  if (local_error)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  /* NULL means failure to the job runner; an absent key is an empty answer. */
  return value ? value : g_strdup ("");
}

char *
pm_store_dup_meta (PmStore     *self,
                   const char  *key,
                   GError     **error)
{
  MetaData meta = { key, NULL };
  char *value = _pm_store_run_sync (self, dup_meta_job, &meta, error);

  if (value && *value == '\0')
    g_clear_pointer (&value, g_free);
  return value;
}

static gpointer
set_meta_job (PmStore  *self,
              sqlite3  *db,
              gpointer  data,
              GError  **error)
{
  MetaData *meta = data;

  return write_meta (db, meta->key, meta->value, error) ? self : NULL;
}

gboolean
pm_store_set_meta (PmStore     *self,
                   const char  *key,
                   const char  *value,
                   GError     **error)
{
  MetaData meta = { key, value };

  g_return_val_if_fail (g_str_has_prefix (key, "sync.") || g_str_has_prefix (key, "app."), FALSE);
  return _pm_store_run_sync (self, set_meta_job, &meta, error) != NULL;
}

typedef struct
{
  const char *url;
  const char *token;
  const char *role;
} EnrolData;

/* The audit entries up to the last one now are sent or need not be; the
 * mark is written where it lies before that (@sent -1: there is none). */
static gboolean
advance_audit_sent (sqlite3  *db,
                    gint64    sent,
                    GError  **error)
{
  gint64 last = _pm_store_count_rows (db, "SELECT COALESCE (MAX (rowid), 0) FROM audit", NULL, error);
  g_autofree char *text = NULL;

  if (last < 0)
    return FALSE;
  if (last <= sent)
    return TRUE;
  text = g_strdup_printf ("%" G_GINT64_FORMAT, last);
  return write_meta (db, AUDIT_SENT_KEY, text, error);
}

static gpointer
enrol_job (PmStore  *self,
           sqlite3  *db,
           gpointer  data,
           GError  **error)
{
  EnrolData *enrol = data;

  if (!write_meta (db, ENROLMENT_KEY, enrol->url, error) ||
      !write_meta (db, "sync.token", enrol->token, error) ||
      !write_meta (db, "sync.role", enrol->role, error) ||
      !write_meta (db, CURSOR_KEY, "0", error) ||
      !advance_audit_sent (db, -1, error))
    return NULL;
  _pm_store_set_enrolled (self, TRUE);
  return self;
}

/**
 * pm_store_enrol:
 *
 * Binds the store to a server: from now on every local write also queues an
 * outbox entry. Writes made before stay local (the demo tour, a test setup).
 */
gboolean
pm_store_enrol (PmStore     *self,
                const char  *server_url,
                const char  *token,
                const char  *role,
                GError     **error)
{
  EnrolData enrol = { server_url, token, role };

  g_return_val_if_fail (PM_IS_STORE (self), FALSE);
  g_return_val_if_fail (server_url && token && role, FALSE);
  return _pm_store_run_sync (self, enrol_job, &enrol, error) != NULL;
}

gboolean
pm_store_is_enrolled (PmStore *self)
{
  g_autofree char *url = pm_store_dup_meta (self, ENROLMENT_KEY, NULL);

  return url != NULL;
}

gint64
pm_store_get_pull_cursor (PmStore *self)
{
  g_autofree char *cursor = pm_store_dup_meta (self, CURSOR_KEY, NULL);

  return cursor ? g_ascii_strtoll (cursor, NULL, 10) : 0;
}

/**
 * pm_store_dup_pull_epoch:
 *
 * The server store epoch the pull cursor belongs to, or %NULL (no cursor
 * yet, or one from a server that names no epoch).
 */
char *
pm_store_dup_pull_epoch (PmStore *self)
{
  return pm_store_dup_meta (self, CURSOR_EPOCH_KEY, NULL);
}

gint64
_pm_store_count_rows (sqlite3     *db,
                      const char  *sql,
                      const char  *arg,
                      GError     **error)
{
  sqlite3_stmt *stmt = prepare (db, sql, error);
  gint64 count = -1;

  if (stmt == NULL)
    return -1;
  if (arg)
    sqlite3_bind_text (stmt, 1, arg, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    count = sqlite3_column_int64 (stmt, 0);
  else
    _pm_store_set_sql_error (error, db, "Counting rows");
  _pm_store_release (stmt);
  return count;
}

static gpointer
restart_pull_job (PmStore  *self,
                  sqlite3  *db,
                  gpointer  data,
                  GError  **error)
{
  gint64 unsent = _pm_store_count_rows (db, "SELECT EXISTS (SELECT 1 FROM outbox)", NULL, error);

  if (unsent < 0)
    return NULL;
  if (unsent > 0)
    {
      g_set_error (error, PM_ERROR, PM_ERROR_CONFLICT,
                   g_dngettext (GETTEXT_PACKAGE,
                                "%d change is still unsent; the pull starts again once it is at the server",
                                "%d changes are still unsent; the pull starts again once they are at the server",
                                unsent),
                   (int) unsent);
      return NULL;
    }
  return write_meta (db, CURSOR_KEY, "0", error) &&
         delete_meta (db, CURSOR_EPOCH_KEY, error) ? self : NULL;
}

/**
 * pm_store_restart_pull:
 *
 * Sets the pull cursor back to 0, for a server that can no longer serve it
 * (410). Refused (PM_ERROR_CONFLICT) while the outbox holds unsent entries:
 * they go to the server first. Local rows stay as they are.
 */
gboolean
pm_store_restart_pull (PmStore  *self,
                       GError  **error)
{
  g_return_val_if_fail (PM_IS_STORE (self), FALSE);
  return _pm_store_run_sync (self, restart_pull_job, NULL, error) != NULL;
}

/**
 * pm_store_delete_files:
 * @path: a closed store's database file
 *
 * Deletes the store's database and its SQLite side files: what a revoked
 * device does at its next contact with the server. Files that are not
 * there are no failure.
 */
gboolean
pm_store_delete_files (const char  *path,
                       GError     **error)
{
  static const char * const suffixes[] = { "-wal", "-shm", "-journal", "", NULL };

  g_return_val_if_fail (path != NULL, FALSE);
  /* The database last: a crash in between leaves it, to be deleted again. */
  for (guint i = 0; suffixes[i]; i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);

      if (g_unlink (file) != 0 && errno != ENOENT)
        {
          int saved_errno = errno;

          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                       _("Cannot delete %s: %s"), file, g_strerror (saved_errno));
          return FALSE;
        }
    }
  return TRUE;
}

static gpointer
drop_slots_job (PmStore  *self,
                sqlite3  *db,
                gpointer  data,
                GError  **error)
{
  sqlite3_stmt *stmt = prepare (db, "SELECT id FROM staff WHERE json_extract (data, '$.removed_at') IS NOT NULL", error);
  g_autoptr(GPtrArray) removed = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) slots = NULL;
  gint64 dropped = 0;

  if (stmt == NULL)
    return NULL;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (removed, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  _pm_store_release (stmt);
  if (removed->len == 0)
    return g_memdup2 (&dropped, sizeof dropped);
  slots = pm_crypt_list_slots (pm_store_get_path (self), error);
  if (slots == NULL)
    return NULL;
  for (guint i = 0; i < slots->len; i++)
    {
      PmCryptSlotInfo *slot = g_ptr_array_index (slots, i);
      g_autoptr(GError) local_error = NULL;

      if (slot->kind != PM_CRYPT_SLOT_PASSPHRASE ||
          !g_ptr_array_find_with_equal_func (removed, slot->staff_id, g_str_equal, NULL))
        continue;
      /* The last slot stays: without it nobody could open the store. */
      if (!pm_crypt_remove_slot (pm_store_get_path (self), _pm_store_get_keys (self), slot->staff_id, &local_error))
        {
          g_warning ("Cannot remove the key slot of %s, whom the server removed: %s",
                     slot->staff_id, local_error->message);
          continue;
        }
      g_message ("Removed the key slot of %s, whom the server removed", slot->staff_id);
      dropped++;
    }
  return g_memdup2 (&dropped, sizeof dropped);
}

/**
 * pm_store_drop_removed_staff_slots:
 *
 * Removes the key slot of every staff member the server marked as removed
 * (`removed_at`), so that they can no longer unlock this store. A slot
 * that cannot go (the store's last) is kept, with a warning.
 *
 * Returns: how many slots were removed, or -1 with @error set
 */
gint64
pm_store_drop_removed_staff_slots (PmStore  *self,
                                   GError  **error)
{
  g_autofree gint64 *dropped = NULL;

  g_return_val_if_fail (PM_IS_STORE (self), -1);
  dropped = _pm_store_run_sync (self, drop_slots_job, NULL, error);
  return dropped ? *dropped : -1;
}

/* The change log (server end) */

gboolean
_pm_store_log_change (sqlite3     *db,
                      PmRecord    *record,
                      const char  *device_id,
                      GError     **error)
{
  /* REPLACE gives the record a fresh, higher sequence inside this
   * transaction: a pull sees each record once, at its latest version. */
  return _pm_store_exec_texts (db, "REPLACE INTO changes (kind, record_id, device_id) VALUES (?, ?, ?)",
                               "Logging a change", error, 3, pm_record_get_kind (record), pm_record_get_id (record),
                               device_id) &&
         (!PM_IS_VISIT (record) || _pm_store_note_van_scope (db, record, error));
}

/* A deletion marker names the roles whose devices could see the record,
 * so that only they hear of it (and the device that created it). */
static char *
roles_seeing (PmRecord *record)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) roles = NULL;

  for (PmRole role = PM_ROLE_FIELD; role < PM_ROLE_ADMIN; role++)
    {
      g_autoptr(PmRecord) copy = pm_record_copy (record);
      PmViewer viewer = pm_access_device_viewer (role);

      if (pm_access_filter (copy, &viewer))
        g_strv_builder_add (builder, pm_role_to_wire (role));
    }
  roles = g_strv_builder_end (builder);
  return g_strjoinv (",", roles);
}

gboolean
_pm_store_log_deletion (sqlite3     *db,
                        PmRecord    *record,
                        GError     **error)
{
  g_autofree char *roles = roles_seeing (record);

  return _pm_store_exec_texts (db, "REPLACE INTO changes (kind, record_id, device_id) VALUES (?, ?, NULL)",
                               "Logging a deletion", error, 2, pm_record_get_kind (record), pm_record_get_id (record)) &&
         _pm_store_exec_texts (db, "REPLACE INTO deleted_records (kind, record_id, deleted_for) VALUES (?, ?, ?)",
                               "Logging a deletion", error, 3, pm_record_get_kind (record),
                               pm_record_get_id (record), roles);
}

/* The outbox (client end) */

static char *
intent_of (PmRecord    *record,
           gboolean     created,
           JsonObject  *changes)
{
  const char *kind = pm_record_get_kind (record);

  if (PM_IS_COUNSELLING_RECORD (record))
    return g_strdup ("record_counselling");
  if (PM_IS_CASE (record) && created)
    return g_strdup ("capture_case");
  if (PM_IS_VISIT (record) && created)
    return g_strdup ("schedule_visit");
  if (created)
    return g_strdup_printf ("add_%s", kind);
  if (json_object_has_member (changes, "status"))
    return g_strdup_printf ("set_%s_status", kind);
  return g_strdup_printf ("update_%s", kind);
}

static gboolean
same_value (JsonNode *a,
            JsonNode *b)
{
  if (a == NULL || b == NULL || JSON_NODE_HOLDS_NULL (a) || JSON_NODE_HOLDS_NULL (b))
    return (a == NULL || JSON_NODE_HOLDS_NULL (a)) == (b == NULL || JSON_NODE_HOLDS_NULL (b));
  return json_node_equal (a, b);
}

/* The fields an edit changed, each as {"from", "to"}: what the server needs
 * to merge it field by field with edits it took meanwhile. */
static JsonObject *
field_changes (JsonObject *old_data,
               JsonObject *new_data)
{
  static const char * const stamps[] = { "id", "version", "created_at", "updated_at", NULL };
  JsonObject *changes = json_object_new ();
  g_autoptr(GList) names = json_object_get_members (new_data);

  for (GList *l = names; l; l = l->next)
    {
      JsonNode *from = old_data ? json_object_get_member (old_data, l->data) : NULL;
      JsonNode *to = json_object_get_member (new_data, l->data);
      JsonObject *change;

      if (g_strv_contains (stamps, l->data) || same_value (from, to))
        continue;
      change = json_object_new ();
      json_object_set_member (change, "from", from ? json_node_copy (from) : json_node_new (JSON_NODE_NULL));
      json_object_set_member (change, "to", json_node_copy (to));
      json_object_set_object_member (changes, l->data, change);
    }
  return changes;
}

gboolean
_pm_store_queue_outbox (sqlite3     *db,
                        PmRecord    *record,
                        gint64       base_version,
                        gint64       version,
                        const char  *created_at,
                        const char  *updated_at,
                        const char  *old_data,
                        const char  *actor_id,
                        GError     **error)
{
  g_autoptr(JsonObject) entry = json_object_new ();
  JsonObject *data = pm_record_to_json (record);
  g_autoptr(JsonObject) old = old_data ? object_from_string (old_data) : NULL;
  /* A new record's changes would be all its fields again: the record says it. */
  JsonObject *changes = base_version > 0 ? field_changes (old, data) : NULL;
  /* Time-ordered: the server keeps each device's answers by this UUID. */
  g_autofree char *uuid = pm_clock_ordered_uuid ();
  g_autofree char *intent = intent_of (record, base_version == 0, changes);
  g_autofree char *text = NULL;

  json_object_set_int_member (data, "version", version);
  json_object_set_string_member (data, "created_at", created_at);
  json_object_set_string_member (data, "updated_at", updated_at);
  json_object_set_string_member (entry, "uuid", uuid);
  json_object_set_string_member (entry, "kind", pm_record_get_kind (record));
  json_object_set_string_member (entry, "record_id", pm_record_get_id (record));
  json_object_set_string_member (entry, "intent", intent);
  json_object_set_int_member (entry, "base_version", base_version);
  json_object_set_string_member (entry, "actor_id", actor_id);
  /* For the audit trail only: no device time ever decides a conflict. */
  json_object_set_string_member (entry, "device_time", updated_at);
  if (changes)
    json_object_set_object_member (entry, "changes", changes);
  json_object_set_object_member (entry, "record", data);
  text = object_to_string (entry);
  return _pm_store_exec_texts (db, "INSERT INTO outbox (uuid, record_id, entry) VALUES (?, ?, ?)",
                               "Queueing an outbox entry", error, 3, uuid, pm_record_get_id (record), text);
}

/* Audit entries (device end): append-only, they go with the push beside
 * the outbox's entries, by rowid, with no answer of their own. Who read,
 * exported or deleted what; a write is audited by the server when it
 * applies the push, so its entry here is not sent again. */

/* The mark; a store enrolled before audit entries were sent has none, and
 * gets it at its last entry now: its history is not sent. */
static gint64
audit_sent (sqlite3  *db,
            GError  **error)
{
  GError *local_error = NULL;
  g_autofree char *sent = read_meta (db, AUDIT_SENT_KEY, &local_error);

  if (local_error)
    {
      g_propagate_error (error, local_error);
      return -1;
    }
  if (sent == NULL && !advance_audit_sent (db, -1, error))
    return -1;
  if (sent == NULL)
    sent = read_meta (db, AUDIT_SENT_KEY, NULL);
  return sent ? g_ascii_strtoll (sent, NULL, 10) : 0;
}

typedef struct
{
  gint64   after;
  guint    limit;
  gint64   last;
  gint64   count;
} AuditPeek;


static gpointer
audit_peek_job (PmStore  *self,
                sqlite3  *db,
                gpointer  data,
                GError  **error)
{
  AuditPeek *peek = data;
  gint64 sent = audit_sent (db, error);
  /* Past entries of an earlier push whose answer is still being stored. */
  gint64 start = MAX (sent, peek->after);
  sqlite3_stmt *stmt = sent < 0 ? NULL
    : prepare (db, "SELECT rowid, version, created_at, updated_at, data, id FROM audit WHERE rowid > ?"
               " AND json_extract (data, '$.action') NOT IN ('create', 'update') ORDER BY rowid LIMIT ?", error);
  g_autoptr(GString) text = g_string_new ("[");
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, start);
  sqlite3_bind_int64 (stmt, 2, peek->limit);
  peek->last = start;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (peek->count++ > 0)
        g_string_append_c (text, ',');
      append_record_columns (text, stmt, 1, (const char *) sqlite3_column_text (stmt, 5));
      peek->last = sqlite3_column_int64 (stmt, 0);
    }
  _pm_store_release (stmt);
  if (rc != SQLITE_DONE)
    {
      _pm_store_set_sql_error (error, db, "Reading the audit entries to send");
      return NULL;
    }
  /* Only writes' entries since the last confirmation: none to send, and
   * the next peek starts after them (not while entries are in flight:
   * they go again if their push fails). */
  if (peek->count == 0 && start == sent && !advance_audit_sent (db, sent, error))
    return NULL;
  g_string_append_c (text, ']');
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/**
 * pm_store_audit_peek_text:
 * @after: the place to start after (0: after the last confirmed), for the
 *   next push while an earlier one's answer is still being stored
 * @count: (out): how many entries the text holds
 * @last: (out): the last one's place, for pm_store_audit_confirm()
 *
 * The device's audit entries the server has not confirmed yet, oldest
 * first, at most @limit, as the JSON array a push carries (`"audit"`).
 */
char *
pm_store_audit_peek_text (PmStore  *self,
                          gint64    after,
                          guint     limit,
                          gint64   *count,
                          gint64   *last,
                          GError  **error)
{
  AuditPeek peek = { after, MIN (limit, MAX_PUSH_AUDIT), 0, 0 };
  char *text;

  g_return_val_if_fail (PM_IS_STORE (self), NULL);
  text = _pm_store_run_sync (self, audit_peek_job, &peek, error);
  *count = peek.count;
  *last = peek.last;
  return text;
}

static gpointer
audit_confirm_job (PmStore  *self,
                   sqlite3  *db,
                   gpointer  data,
                   GError  **error)
{
  g_autofree char *last = g_strdup_printf ("%" G_GINT64_FORMAT, *(gint64 *) data);

  return write_meta (db, AUDIT_SENT_KEY, last, error) ? self : NULL;
}

/**
 * pm_store_audit_confirm:
 * @last: the place pm_store_audit_peek_text() gave for what the server stored
 *
 * The server holds the audit entries up to @last: they are not sent again.
 */
gboolean
pm_store_audit_confirm (PmStore  *self,
                        gint64    last,
                        GError  **error)
{
  g_return_val_if_fail (PM_IS_STORE (self), FALSE);
  return _pm_store_run_sync (self, audit_confirm_job, &last, error) != NULL;
}

/* Audit entries (server end) */

typedef struct
{
  const char *device_id;
  JsonArray  *audit;
  gint64      stored;
} AuditAppend;

static gpointer
device_audit_job (PmStore  *self,
                  sqlite3  *db,
                  gpointer  data,
                  GError  **error)
{
  AuditAppend *append = data;
  guint n = json_array_get_length (append->audit);

  append->stored = 0;   /* a shared job may run again alone */
  if (n > MAX_PUSH_AUDIT)
    {
      g_set_error (error, PM_ERROR, PM_ERROR_INVALID, "a push carries at most %d audit entries", MAX_PUSH_AUDIT);
      return NULL;
    }
  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (append->audit, i);
      g_autoptr(GError) invalid = NULL;
      /* Its id makes it kept once however often it comes. */
      gboolean named = JSON_NODE_HOLDS_OBJECT (node) &&
                       json_object_get_string_member_with_default (json_node_get_object (node), "id", NULL) != NULL;
      g_autoptr(PmRecord) entry = named
        ? pm_record_new_from_json (PM_TYPE_AUDIT_ENTRY, json_node_get_object (node), &invalid) : NULL;
      gint64 known;

      /* The device that sent it is the one the entry names. */
      if (entry)
        pm_record_set_string (entry, "device", append->device_id);
      if (entry == NULL || !pm_record_validate (entry, &invalid))
        {
          g_set_error (error, PM_ERROR, PM_ERROR_INVALID, "audit entry %u: %s", i,
                       invalid ? invalid->message : "must be an audit entry with an id");
          return NULL;
        }
      known = _pm_store_count_rows (db, "SELECT COUNT(*) FROM audit WHERE id = ?", pm_record_get_id (entry), error);
      if (known < 0)
        return NULL;
      /* Sent again (its confirmation was lost): kept once. */
      if (known > 0)
        continue;
      if (!_pm_store_write_record (self, db, entry, NULL, PM_ROLE_INVALID, PM_WRITE_REMOTE, NULL, error))
        return NULL;
      append->stored++;
    }
  return self;
}

/**
 * pm_store_append_device_audit:
 *
 * Keeps the audit entries a device pushed (server end), each once, as the
 * device @device_id's; a batch with an entry that is no audit entry is
 * refused whole (PM_ERROR_INVALID). Returns how many were new, -1 on error.
 */
gint64
pm_store_append_device_audit (PmStore     *self,
                              const char  *device_id,
                              JsonArray   *audit,
                              GError     **error)
{
  AuditAppend append = { device_id, audit, 0 };

  g_return_val_if_fail (PM_IS_STORE (self), -1);
  g_return_val_if_fail (device_id != NULL && audit != NULL, -1);
  return _pm_store_run_sync_full (self, device_audit_job, &append, PM_STORE_JOB_SHARED, NULL, error) ? append.stored : -1;
}

static gpointer
outbox_count_job (PmStore  *self,
                  sqlite3  *db,
                  gpointer  data,
                  GError  **error)
{
  gint64 count = _pm_store_count_rows (db, "SELECT COUNT(*) FROM outbox", NULL, error);

  return count < 0 ? NULL : g_memdup2 (&count, sizeof count);
}

gint64
pm_store_outbox_count (PmStore  *self,
                       GError  **error)
{
  g_autofree gint64 *count = _pm_store_run_sync (self, outbox_count_job, NULL, error);

  return count ? *count : -1;
}

/* Rows of (seq, text-object) as a JSON array of the objects */
static JsonArray *
select_objects (sqlite3     *db,
                const char  *sql,
                gint64       arg,
                GError     **error)
{
  sqlite3_stmt *stmt = prepare (db, sql, error);
  g_autoptr(JsonArray) objects = json_array_new ();
  int rc;

  if (stmt == NULL)
    return NULL;
  if (arg >= 0)
    sqlite3_bind_int64 (stmt, 1, arg);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      JsonObject *object = object_from_string ((const char *) sqlite3_column_text (stmt, 1));

      if (object == NULL)
        continue;
      json_object_set_int_member (object, "seq", sqlite3_column_int64 (stmt, 0));
      json_array_add_object_element (objects, object);
    }
  _pm_store_release (stmt);
  if (rc != SQLITE_DONE)
    {
      _pm_store_set_sql_error (error, db, "Reading sync rows");
      return NULL;
    }
  return g_steal_pointer (&objects);
}

static gpointer
outbox_peek_job (PmStore  *self,
                 sqlite3  *db,
                 gpointer  data,
                 GError  **error)
{
  return select_objects (db, "SELECT seq, entry FROM outbox ORDER BY seq LIMIT ?",
                         GPOINTER_TO_UINT (data), error);
}

/**
 * pm_store_outbox_peek:
 *
 * The oldest @limit unsent entries, in device order; they stay in the outbox
 * until pm_store_outbox_settle() stores the server's answer for them.
 */
JsonArray *
pm_store_outbox_peek (PmStore  *self,
                      guint     limit,
                      GError  **error)
{
  return _pm_store_run_sync (self, outbox_peek_job, GUINT_TO_POINTER (MIN (limit, MAX_PUSH_ENTRIES)), error);
}

typedef struct
{
  gint64     after;
  guint      limit;
  GPtrArray *uuids;
  gint64     last;
} PeekTextData;

static gpointer
outbox_peek_text_job (PmStore  *self,
                      sqlite3  *db,
                      gpointer  data,
                      GError  **error)
{
  PeekTextData *peek = data;
  sqlite3_stmt *stmt = prepare (db, "SELECT seq, uuid, entry FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?", error);
  g_autoptr(GString) text = g_string_new ("[");
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, peek->after);
  sqlite3_bind_int64 (stmt, 2, peek->limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *entry = (const char *) sqlite3_column_text (stmt, 2);

      peek->last = sqlite3_column_int64 (stmt, 0);
      /* Stored as an object's text by _pm_store_queue_outbox(): its "seq"
       * goes in front of the other members (printf's %s over each entry
       * cost more than the rest of the peek). */
      g_string_append_printf (text, "%s{\"seq\":%" G_GINT64_FORMAT ",", peek->uuids->len ? "," : "", peek->last);
      g_string_append_len (text, entry + 1, sqlite3_column_bytes (stmt, 2) - 1);
      g_ptr_array_add (peek->uuids, g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
    }
  _pm_store_release (stmt);
  if (rc != SQLITE_DONE)
    {
      _pm_store_set_sql_error (error, db, "Reading the outbox");
      return NULL;
    }
  g_string_append_c (text, ']');
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/**
 * pm_store_outbox_peek_text:
 * @after: the place in the outbox to start after (0: its start), for the
 *   next batch while an earlier one still waits for its answer to be stored
 * @uuids: (out): the entries' UUIDs, in order
 * @last: (out) (optional): the last entry's place, for @after
 *
 * Like pm_store_outbox_peek(), as the JSON text of the array that a push
 * sends: the entries are sent as stored, never parsed on the way.
 */
char *
pm_store_outbox_peek_text (PmStore   *self,
                           gint64     after,
                           guint      limit,
                           GStrv     *uuids,
                           gint64    *last,
                           GError   **error)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_free);
  PeekTextData peek = { after, MIN (limit, MAX_PUSH_ENTRIES), found, after };
  char *text;

  g_return_val_if_fail (PM_IS_STORE (self), NULL);
  g_return_val_if_fail (uuids != NULL, NULL);
  text = _pm_store_run_sync (self, outbox_peek_text_job, &peek, error);
  if (text == NULL)
    return NULL;
  g_ptr_array_add (found, NULL);
  *uuids = (GStrv) g_ptr_array_steal (found, NULL);
  if (last)
    *last = peek.last;
  return text;
}

/* @pulled: from a pull page, where a row older than ours can only come
 * from a server restored from a backup; ours stays then. The answer to a
 * push (@pulled FALSE) is the server's decision and replaces ours.
 * @unsent: whether the outbox may hold entries (a pull page looks once,
 * and during a bootstrap it holds none) */
static gboolean
apply_remote_object (PmStore     *self,
                     sqlite3     *db,
                     const char  *kind,
                     JsonObject  *data,
                     gboolean     pulled,
                     gboolean     unsent,
                     GError     **error)
{
  GType type = kind ? pm_model_type_for (kind) : G_TYPE_INVALID;
  g_autoptr(PmRecord) record = NULL;
  const char *id;
  gint64 pending = 0;

  if (type == G_TYPE_INVALID || data == NULL)
    {
      g_set_error (error, PM_ERROR, PM_ERROR_INVALID, "The server sent a record of unknown kind %s",
                   kind ? kind : "(none)");
      return FALSE;
    }
  record = pm_record_new_from_json (type, data, error);
  if (record == NULL)
    return FALSE;
  id = pm_record_get_id (record);
  if (id == NULL)
    {
      g_set_error (error, PM_ERROR, PM_ERROR_INVALID, "The server sent a %s without an id", kind);
      return FALSE;
    }
  /* Our own unsent edits stay on top: the user never sees older data than
   * what they wrote; the server's answer to the push settles the row. */
  if (unsent)
    pending = _pm_store_count_rows (db, "SELECT COUNT(*) FROM outbox WHERE record_id = ?", id, error);
  if (pending < 0)
    return FALSE;
  if (pending > 0)
    return TRUE;
  if (json_object_has_member (data, "version"))
    pm_record_set_version (record, json_object_get_int_member (data, "version"));
  pm_record_set_timestamps (record,
                            json_object_get_string_member_with_default (data, "created_at", NULL),
                            json_object_get_string_member_with_default (data, "updated_at", NULL));
  return _pm_store_write_record (self, db, record, NULL, PM_ROLE_INVALID,
                                 pulled && json_object_has_member (data, "version") ? PM_WRITE_PULLED : PM_WRITE_REMOTE,
                                 NULL, error);
}

/* A deletion marker from the server: the record goes, unless this device
 * still has unsent edits of it (their push is answered "erased", and the
 * record goes then, see settle_job). */
static gboolean
apply_remote_deletion (PmStore     *self,
                       sqlite3     *db,
                       const char  *kind,
                       const char  *id,
                       GError     **error)
{
  GType type = kind ? pm_model_type_for (kind) : G_TYPE_INVALID;
  g_autoptr(PmRecord) record = NULL;
  gint64 pending;

  if (type == G_TYPE_INVALID || id == NULL)
    {
      g_set_error (error, PM_ERROR, PM_ERROR_INVALID, "The server sent a deletion of unknown kind %s or without an id",
                   kind ? kind : "(none)");
      return FALSE;
    }
  pending = _pm_store_count_rows (db, "SELECT COUNT(*) FROM outbox WHERE record_id = ?", id, error);
  if (pending != 0)
    return pending > 0;
  record = _pm_store_read_record (db, type, id, NULL);
  return record == NULL || _pm_store_delete_record (self, db, record, PM_SYNC_SERVER_ADMIN, error);
}

/* The server erased the record these unsent edits change: the erasure
 * wins, and the record and all its unsent edits leave this device. */
static gboolean
drop_erased (PmStore     *self,
             sqlite3     *db,
             const char  *uuid,
             GError     **error)
{
  sqlite3_stmt *stmt = prepare (db, "SELECT record_id, entry FROM outbox WHERE uuid = ?", error);
  g_autofree char *record_id = NULL;
  g_autoptr(JsonObject) entry = NULL;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      record_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      entry = object_from_string ((const char *) sqlite3_column_text (stmt, 1));
    }
  _pm_store_release (stmt);
  /* Settled already, by another sync of this store. */
  if (record_id == NULL)
    return TRUE;
  return _pm_store_exec_texts (db, "DELETE FROM outbox WHERE record_id = ?", "Dropping erased edits", error, 1,
                               record_id) &&
         apply_remote_deletion (self, db, entry ? json_object_get_string_member_with_default (entry, "kind", NULL) : NULL,
                                record_id, error);
}

static gboolean
delete_outbox_entry (sqlite3     *db,
                     const char  *uuid,
                     GError     **error)
{
  return _pm_store_exec_texts (db, "DELETE FROM outbox WHERE uuid = ?", "Settling an outbox entry", error, 1, uuid);
}

static gboolean
keep_issue (sqlite3     *db,
            const char  *uuid,
            const char  *outcome,
            JsonObject  *result,
            GError     **error)
{
  g_autofree char *result_text = object_to_string (result);
  g_autofree char *now = pm_clock_timestamp ();
  return _pm_store_exec_texts (db,
                               "INSERT OR REPLACE INTO sync_issues (uuid, outcome, entry, result, at)"
                               " SELECT uuid, ?, entry, ?, ? FROM outbox WHERE uuid = ?",
                               "Keeping a sync issue", error, 4,
                               outcome, result_text, now, uuid);
}

/* The outcome under which an answer is kept as a sync issue until a person
 * acts ("conflict" also for a merge that took only some fields), or NULL
 * for an answer that settles the entry. */
static const char *
issue_outcome (JsonObject *answer)
{
  const char *outcome = json_object_get_string_member_with_default (answer, "outcome", "");

  if (g_str_equal (outcome, "conflict") || g_str_equal (outcome, "rejected"))
    return outcome;
  return json_object_has_member (answer, "conflicts") ? "conflict" : NULL;
}

static gpointer
settle_job (PmStore  *self,
            sqlite3  *db,
            gpointer  data,
            GError  **error)
{
  JsonArray *results = data;

  for (guint i = 0; i < json_array_get_length (results); i++)
    {
      JsonNode *node = json_array_get_element (results, i);
      JsonObject *result = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *uuid = result ? json_object_get_string_member_with_default (result, "uuid", NULL) : NULL;
      const char *outcome = result ? json_object_get_string_member_with_default (result, "outcome", NULL) : NULL;

      if (uuid == NULL || outcome == NULL)
        {
          g_set_error (error, PM_ERROR, PM_ERROR_INVALID, "The server answered a push without uuid or outcome");
          return NULL;
        }
      if (g_str_equal (outcome, "rejected") &&
          g_strcmp0 (json_object_get_string_member_with_default (result, "code", NULL), "erased") == 0)
        {
          if (!drop_erased (self, db, uuid, error))
            return NULL;
          continue;
        }
      if (issue_outcome (result))
        {
          /* Kept visible until a person acts; the server's row replaces ours. */
          if (!keep_issue (db, uuid, issue_outcome (result), result, error))
            return NULL;
        }
      else if (!g_str_equal (outcome, "applied") && !g_str_equal (outcome, "duplicate"))
        {
          g_set_error (error, PM_ERROR, PM_ERROR_INVALID, "The server answered a push with outcome %s", outcome);
          return NULL;
        }
      if (!delete_outbox_entry (db, uuid, error))
        return NULL;
      /* Settled already (another sync of this store): its row may be older
       * than what this store pulled since. */
      if (sqlite3_changes (db) == 0)
        continue;
      if (json_object_has_member (result, "server_record") &&
          !apply_remote_object (self, db, json_object_get_string_member_with_default (result, "kind", NULL),
                                json_object_get_object_member (result, "server_record"), FALSE, TRUE, error))
        return NULL;
    }
  return self;
}

/**
 * pm_store_outbox_settle:
 *
 * Stores the server's answers to a push in one transaction: applied and
 * duplicate entries leave the outbox; conflicts and rejections leave it
 * into the list of sync issues, and the server's row becomes ours.
 */
gboolean
pm_store_outbox_settle (PmStore    *self,
                        JsonArray  *results,
                        GError    **error)
{
  g_return_val_if_fail (results != NULL, FALSE);
  return _pm_store_run_sync (self, settle_job, results, error) != NULL;
}

static gpointer
list_issues_job (PmStore  *self,
                 sqlite3  *db,
                 gpointer  data,
                 GError  **error)
{
  sqlite3_stmt *stmt = prepare (db, "SELECT outcome, entry, result, at FROM sync_issues ORDER BY at", error);
  g_autoptr(JsonArray) issues = json_array_new ();

  if (stmt == NULL)
    return NULL;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      JsonObject *issue = json_object_new ();
      JsonObject *entry = object_from_string ((const char *) sqlite3_column_text (stmt, 1));
      JsonObject *result = object_from_string ((const char *) sqlite3_column_text (stmt, 2));

      json_object_set_string_member (issue, "outcome", (const char *) sqlite3_column_text (stmt, 0));
      json_object_set_string_member (issue, "at", (const char *) sqlite3_column_text (stmt, 3));
      if (entry)
        json_object_set_object_member (issue, "entry", entry);
      if (result)
        json_object_set_object_member (issue, "result", result);
      json_array_add_object_element (issues, issue);
    }
  _pm_store_release (stmt);
  return g_steal_pointer (&issues);
}

JsonArray *
pm_store_list_sync_issues (PmStore  *self,
                           GError  **error)
{
  return _pm_store_run_sync (self, list_issues_job, NULL, error);
}

typedef struct
{
  JsonArray  *changes;
  gint64      cursor;
  const char *epoch;
} PageData;

/* A conflict or refusal of another device's push that concerns this
 * office: kept beside the device's own until a person acknowledges it (a
 * second copy, after a pull from 0, stays one). */
static gboolean
keep_office_issue (sqlite3     *db,
                   JsonObject  *issue,
                   GError     **error)
{
  const char *id = json_object_get_string_member_with_default (issue, "id", NULL);
  const char *outcome = json_object_get_string_member_with_default (issue, "outcome", NULL);
  JsonNode *entry = json_object_get_member (issue, "entry");
  JsonNode *result = json_object_get_member (issue, "result");
  g_autofree char *entry_text = NULL;
  g_autofree char *result_text = NULL;

  if (id == NULL || outcome == NULL || entry == NULL || !JSON_NODE_HOLDS_OBJECT (entry) ||
      result == NULL || !JSON_NODE_HOLDS_OBJECT (result))
    {
      g_set_error (error, PM_ERROR, PM_ERROR_INVALID, "The server sent a sync issue without id, outcome, entry or result");
      return FALSE;
    }
  entry_text = object_to_string (json_node_get_object (entry));
  result_text = object_to_string (json_node_get_object (result));
  return _pm_store_exec_texts (db, "INSERT OR IGNORE INTO sync_issues (uuid, outcome, entry, result, at) VALUES (?, ?, ?, ?, ?)",
                     "Keeping a sync issue", error, 5, id, outcome, entry_text, result_text,
                     json_object_get_string_member_with_default (issue, "at", ""));
}

static gpointer
apply_page_job (PmStore  *self,
                sqlite3  *db,
                gpointer  data,
                GError  **error)
{
  PageData *page = data;
  g_autofree char *cursor = g_strdup_printf ("%" G_GINT64_FORMAT, page->cursor);
  /* Applying a page queues nothing: looked at once, not once per row. */
  gint64 unsent = _pm_store_count_rows (db, "SELECT EXISTS (SELECT 1 FROM outbox)", NULL, error);

  if (unsent < 0)
    return NULL;

  for (guint i = 0; i < json_array_get_length (page->changes); i++)
    {
      JsonNode *node = json_array_get_element (page->changes, i);
      JsonObject *change = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      JsonNode *record = change ? json_object_get_member (change, "record") : NULL;

      if (change && json_object_get_boolean_member_with_default (change, "deleted", FALSE))
        {
          if (!apply_remote_deletion (self, db, json_object_get_string_member_with_default (change, "kind", NULL),
                                      json_object_get_string_member_with_default (change, "id", NULL), error))
            return NULL;
          continue;
        }
      if (record == NULL || !JSON_NODE_HOLDS_OBJECT (record))
        {
          g_set_error (error, PM_ERROR, PM_ERROR_INVALID, "The server sent a change without a record");
          return NULL;
        }
      if (g_strcmp0 (json_object_get_string_member_with_default (change, "kind", NULL), ISSUE_KIND) == 0
          ? !keep_office_issue (db, json_node_get_object (record), error)
          : !apply_remote_object (self, db, json_object_get_string_member_with_default (change, "kind", NULL),
                                  json_node_get_object (record), TRUE, unsent > 0, error))
        return NULL;
    }
  if (!write_meta (db, CURSOR_KEY, cursor, error))
    return NULL;
  if (page->epoch)
    return write_meta (db, CURSOR_EPOCH_KEY, page->epoch, error) ? self : NULL;
  return delete_meta (db, CURSOR_EPOCH_KEY, error) ? self : NULL;
}

/**
 * pm_store_apply_pull_page:
 *
 * @epoch: (nullable): the server store epoch the cursor belongs to
 *
 * Takes one page of the server's changes and the cursor (with its epoch)
 * after it in one transaction, so a crash leaves either all or nothing.
 */
gboolean
pm_store_apply_pull_page (PmStore     *self,
                          JsonArray   *changes,
                          gint64       cursor,
                          const char  *epoch,
                          GError     **error)
{
  PageData page = { changes, cursor, epoch };

  g_return_val_if_fail (changes != NULL, FALSE);
  return _pm_store_run_sync (self, apply_page_job, &page, error) != NULL;
}

/* Push (server end) */

static gboolean
check_entry (JsonNode    *node,
             guint        index,
             guint        protocol,
             GError     **error)
{
  JsonObject *entry = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  static const char * const strings[] = { "uuid", "kind", "record_id", "intent", "actor_id", NULL };

  if (entry == NULL)
    {
      g_set_error (error, PM_ERROR, PM_ERROR_INVALID, "entry %u is not an object", index);
      return FALSE;
    }
  for (guint i = 0; strings[i]; i++)
    {
      JsonNode *member = json_object_get_member (entry, strings[i]);

      if (member == NULL || json_node_get_value_type (member) != G_TYPE_STRING)
        {
          g_set_error (error, PM_ERROR, PM_ERROR_INVALID, "entry %u: %s must be a string", index, strings[i]);
          return FALSE;
        }
    }
  if (!g_uuid_string_is_valid (json_object_get_string_member (entry, "uuid")))
    {
      g_set_error (error, PM_ERROR, PM_ERROR_INVALID, "entry %u: uuid is not a UUID", index);
      return FALSE;
    }
  if (json_object_get_member (entry, "base_version") == NULL ||
      json_node_get_value_type (json_object_get_member (entry, "base_version")) != G_TYPE_INT64 ||
      json_object_get_int_member (entry, "base_version") < 0)
    {
      g_set_error (error, PM_ERROR, PM_ERROR_INVALID, "entry %u: base_version must be a number ≥ 0", index);
      return FALSE;
    }
  if (json_object_get_member (entry, "record") == NULL ||
      !JSON_NODE_HOLDS_OBJECT (json_object_get_member (entry, "record")))
    {
      g_set_error (error, PM_ERROR, PM_ERROR_INVALID, "entry %u: record must be an object", index);
      return FALSE;
    }
  /* An edit is applied by its changed fields only, so it must name them
   * (protocol 1 did not: the server derives them, see upgrade_v1_entry()). */
  if (protocol >= 2 && json_object_get_int_member (entry, "base_version") > 0 &&
      (json_object_get_member (entry, "changes") == NULL ||
       !JSON_NODE_HOLDS_OBJECT (json_object_get_member (entry, "changes"))))
    {
      g_set_error (error, PM_ERROR, PM_ERROR_INVALID, "entry %u: an edit (base_version > 0) needs changes", index);
      return FALSE;
    }
  return TRUE;
}

static JsonObject *
rejection (const char *uuid,
           const char *code,
           const char *message)
{
  JsonObject *result = json_object_new ();

  json_object_set_string_member (result, "uuid", uuid);
  json_object_set_string_member (result, "outcome", "rejected");
  json_object_set_string_member (result, "code", code);
  json_object_set_string_member (result, "message", message);
  return result;
}

typedef enum
{
  WRITE_OK,
  WRITE_REFUSED,  /* the record's own checks said no: @refusal says why */
  WRITE_FAILED,   /* the database failed: @error */
} WriteOutcome;

/* One entry's write; a refusal leaves nothing of it, so the rest of the
 * batch goes on. */
static WriteOutcome
try_write (PmStore     *self,
           sqlite3     *db,
           PmRecord    *record,
           const char  *actor_id,
           PmRole       role,
           gint64      *version,
           GError     **refusal,
           GError     **error)
{
  GError *local_error = NULL;
  int changes = sqlite3_total_changes (db);

  if (_pm_store_write_record (self, db, record, actor_id, role, PM_WRITE_PUSHED, version, &local_error))
    return WRITE_OK;
  /* A full disk or a broken page is not the record's fault: the whole batch
   * fails (500) and is sent again, instead of a rejection kept for good. */
  if (!g_error_matches (local_error, PM_ERROR, PM_ERROR_INVALID) &&
      !g_error_matches (local_error, PM_ERROR, PM_ERROR_TRANSITION) &&
      !g_error_matches (local_error, PM_ERROR, PM_ERROR_DENIED) &&
      !g_error_matches (local_error, PM_ERROR, PM_ERROR_CONFLICT))
    {
      g_propagate_error (error, local_error);
      return WRITE_FAILED;
    }
  /* The store refuses a record before it writes a row of it, so a
   * refusal needs no savepoint to undo (one per entry cost a tenth of a
   * push). Should that ever change, the batch fails rather than keep half
   * an entry. */
  if (sqlite3_total_changes (db) != changes)
    {
      g_warning ("A pushed %s was refused after rows of it were written: %s", pm_record_get_kind (record),
                 local_error->message);
      g_set_error (error, PM_ERROR, PM_ERROR_STORE, "a refused record left rows behind");
      g_error_free (local_error);
      return WRITE_FAILED;
    }
  g_propagate_error (refusal, local_error);
  return WRITE_REFUSED;
}

static JsonObject *
refusal_answer (const char *uuid,
                GError     *refusal)
{
  return rejection (uuid, g_error_matches (refusal, PM_ERROR, PM_ERROR_DENIED) ? "denied" : "invalid",
                    refusal->message);
}

static JsonObject *
applied_answer (const char *uuid,
                gint64      version)
{
  JsonObject *result = json_object_new ();

  json_object_set_string_member (result, "uuid", uuid);
  json_object_set_string_member (result, "outcome", "applied");
  json_object_set_int_member (result, "version", version);
  return result;
}

static gboolean
visit_started (PmRecord *visit)
{
  static const char * const started[] = { "on_the_way", "arrived", "done", "partly_done", "not_met", NULL };

  return g_strv_contains (started, pm_record_get_string (visit, "status") ? pm_record_get_string (visit, "status") : "");
}

/* Notes are append-only: text added to what the device saw is added to
 * what the server holds. Returns NULL when the edit did more than add. */
static char *
append_note (JsonNode *from,
             JsonNode *to,
             JsonNode *current)
{
  const char *before = from && JSON_NODE_HOLDS_VALUE (from) ? json_node_get_string (from) : NULL;
  const char *after = to && JSON_NODE_HOLDS_VALUE (to) ? json_node_get_string (to) : NULL;
  const char *held = current && JSON_NODE_HOLDS_VALUE (current) ? json_node_get_string (current) : NULL;

  if (after == NULL || !g_str_has_prefix (after, before ? before : ""))
    return NULL;
  return g_strconcat (held ? held : "", after + strlen (before ? before : ""), NULL);
}

/* Merges an edit made on an older version into the stored record, field by
 * field: a changed field is taken where the server still holds what the
 * edit started from; otherwise the server's value stays (the first edit
 * wins) and the field is named in @conflicts. Dispatch does not move a visit
 * the van has already started: the van owns what happened. */
static PmRecord *
merge_edit (PmRecord    *stored,
            JsonObject  *view,
            JsonObject  *changes,
            PmRole       role,
            JsonArray   *conflicts,
            GError     **error)
{
  static const char * const stamps[] = { "id", "version", "created_at", "updated_at", NULL };
  static const char * const schedule[] = { "date", "planned_start", "windows", "route_order", "van_id",
                                           "duration_min", NULL };
  g_autoptr(JsonObject) merged = pm_record_to_json (stored);
  g_autoptr(GList) names = json_object_get_members (changes);
  gboolean started = PM_IS_VISIT (stored) && role != PM_ROLE_FIELD && visit_started (stored);
  PmRecord *record;

  for (GList *l = names; l; l = l->next)
    {
      const char *name = l->data;
      JsonNode *change = json_object_get_member (changes, name);
      JsonObject *fromto = JSON_NODE_HOLDS_OBJECT (change) ? json_node_get_object (change) : NULL;
      JsonNode *from = fromto ? json_object_get_member (fromto, "from") : NULL;
      JsonNode *to = fromto ? json_object_get_member (fromto, "to") : NULL;
      JsonNode *current = json_object_get_member (merged, name);
      g_autofree char *note = NULL;

      if (to == NULL || g_strv_contains (stamps, name) || same_value (current, to))
        continue;
      /* A field the device was never sent (its role's slice leaves it out)
       * is not the device's to change. */
      if (view == NULL || !same_value (json_object_get_member (view, name), current))
        json_array_add_string_element (conflicts, name);
      else if (g_str_equal (name, "notes") && (note = append_note (from, to, current)))
        json_object_set_string_member (merged, name, note);
      else if (same_value (current, from) && !(started && g_strv_contains (schedule, name)))
        json_object_set_member (merged, name, json_node_copy (to));
      else
        json_array_add_string_element (conflicts, name);
    }
  record = pm_record_new_from_json (G_OBJECT_TYPE (stored), merged, error);
  if (record)
    pm_record_set_version (record, pm_record_get_version (stored));
  return record;
}

static int field_share (sqlite3     *db,
                        PmRole       role,
                        const char  *van_id,
                        gboolean     own,
                        const char  *kind,
                        const char  *record_id,
                        GError     **error);

/* The server's row as the device @device_id of @role may hold it: whole for
 * the device that created it, else its role's slice (a van's: of its van's
 * share); NULL when outside it. */
static JsonObject *
device_copy (sqlite3     *db,
             PmRecord    *record,
             const char  *device_id,
             PmRole      role)
{
  g_autoptr(JsonObject) json = pm_record_to_json (record);
  g_autoptr(PmRecord) copy = pm_record_new_from_json (G_OBJECT_TYPE (record), json, NULL);
  sqlite3_stmt *stmt = prepare (db, "SELECT device_id FROM record_origins WHERE kind = ? AND record_id = ?", NULL);
  gboolean own = FALSE;
  PmViewer viewer = pm_access_device_viewer (role);
  JsonObject *result;

  if (copy == NULL || stmt == NULL)
    {
      _pm_store_release (stmt);
      return NULL;
    }
  sqlite3_bind_text (stmt, 1, pm_record_get_kind (record), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, pm_record_get_id (record), -1, SQLITE_STATIC);
  own = sqlite3_step (stmt) == SQLITE_ROW && g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), device_id) == 0;
  _pm_store_release (stmt);
  if (!own && !pm_access_filter (copy, &viewer))
    return NULL;
  if (!own && role == PM_ROLE_FIELD)
    {
      g_autofree char *van_id = _pm_store_device_van (db, device_id, NULL, NULL);

      if (field_share (db, role, van_id, own, pm_record_get_kind (record), pm_record_get_id (record), NULL) <= 0)
        return NULL;
    }
  pm_record_set_version (copy, pm_record_get_version (record));
  result = pm_record_to_json (copy);
  json_object_set_int_member (result, "version", pm_record_get_version (record));
  return result;
}

/* An edit of an existing record takes only the fields it changed: a device
 * never overwrites what it was not sent (a care grade, a case's details). */
static JsonObject *
merge_answer (PmStore     *self,
              sqlite3     *db,
              const char  *device_id,
              PmRole       role,
              JsonObject  *entry,
              PmRecord    *stored,
              GError     **error)
{
  const char *uuid = json_object_get_string_member (entry, "uuid");
  JsonObject *changes = json_object_get_object_member (entry, "changes");
  JsonObject *sent = json_object_get_object_member (entry, "record");
  g_autoptr(JsonArray) conflicts = json_array_new ();
  g_autoptr(GError) refusal = NULL;
  g_autoptr(JsonObject) view = device_copy (db, stored, device_id, role);
  g_autoptr(PmRecord) merged = merge_edit (stored, view, changes, role, conflicts, &refusal);
  JsonObject *result;
  JsonObject *copy;
  gint64 version = pm_record_get_version (stored);
  guint n_conflicts = json_array_get_length (conflicts);
  guint n_changes = json_object_get_size (changes);

  if (merged == NULL)
    return refusal_answer (uuid, refusal);
  if (n_conflicts < n_changes)
    switch (try_write (self, db, merged, json_object_get_string_member (entry, "actor_id"), role,
                       &version, &refusal, error))
      {
      case WRITE_FAILED:
        return NULL;
      case WRITE_REFUSED:
        return refusal_answer (uuid, refusal);
      case WRITE_OK:
        break;
      }
  result = applied_answer (uuid, version);
  if (n_changes > 0 && n_conflicts == n_changes)
    json_object_set_string_member (result, "outcome", "conflict");
  if (n_conflicts > 0)
    json_object_set_array_member (result, "conflicts", json_array_ref (conflicts));
  /* The device's row differs from the server's: send the server's, in the
   * device's slice, so both hold the same version again. */
  if (n_conflicts > 0 || version != json_object_get_int_member_with_default (sent, "version", 0))
    {
      pm_record_set_version (merged, version);
      copy = device_copy (db, merged, device_id, role);
      json_object_set_string_member (result, "kind", json_object_get_string_member (entry, "kind"));
      if (copy)
        json_object_set_object_member (result, "server_record", copy);
    }
  return result;
}

/* A step of the status machine: the status, with the reason and the
 * history entry a step writes (pm-case-workflow.c), and nothing else. */
static gboolean
only_status_changes (JsonNode *changes)
{
  static const char * const step_fields[] = { "status", "status_reason", "status_history", NULL };
  JsonObject *object = changes ? json_node_get_object (changes) : NULL;
  g_autoptr(GList) members = object ? json_object_get_members (object) : NULL;

  if (object == NULL || !json_object_has_member (object, "status"))
    return FALSE;
  for (GList *l = members; l; l = l->next)
    if (!g_strv_contains (step_fields, l->data))
      return FALSE;
  return TRUE;
}

/* The registration office asks for visits (a query, a hand-over) and adds
 * its tasks to a visit's notes; the schedule stays dispatch's. */
static gboolean
office_may_push_visit (PmRecord *record,
                       PmRecord *stored,
                       JsonNode *changes)
{
  JsonObject *object = changes && JSON_NODE_HOLDS_OBJECT (changes) ? json_node_get_object (changes) : NULL;

  if (stored == NULL)
    return g_strcmp0 (pm_record_get_string (record, "status"), "requested") == 0;
  return object && json_object_get_size (object) == 1 && json_object_has_member (object, "notes");
}

/* The answer for an entry whose record exists or not (@stored); NULL only
 * when the database failed. @van_id: a field device's van, if it has one. */
static JsonObject *
decide_entry (PmStore     *self,
              sqlite3     *db,
              const char  *device_id,
              PmRole       role,
              const char  *van_id,
              JsonObject  *entry,
              PmRecord    *record,
              PmRecord    *stored,
              GError     **error)
{
  const char *uuid = json_object_get_string_member (entry, "uuid");
  const char *kind = json_object_get_string_member (entry, "kind");
  JsonNode *changes = json_object_get_member (entry, "changes");
  g_autoptr(GError) refusal = NULL;
  gint64 version = 0;

  if (!pm_access_may_push (record, role))
    return rejection (uuid, "forbidden", "this device's role may not change this kind of record");
  if (role == PM_ROLE_FIELD)
    {
      int allowed = _pm_store_van_may_push (db, device_id, van_id, record, stored, error);

      if (allowed < 0)
        return NULL;
      if (allowed == 0)
        return rejection (uuid, "forbidden", "a van may change only its own visits, the people on them and what it created");
    }
  if (role == PM_ROLE_EINWOHNERWESEN && PM_IS_VISIT (record) && !office_may_push_visit (record, stored, changes))
    return rejection (uuid, "forbidden", "the registration office may only request visits and add to a visit's notes");
  if (changes && !JSON_NODE_HOLDS_OBJECT (changes))
    return rejection (uuid, "invalid", "changes must be an object");
  /* Booked in the registration system: the van's late edit is never
   * written over the office's; it is kept as an addendum for the office
   * (report_to_office) and shown to the van's user as a rejection. Moving
   * the status on (the hand-over) is the status machine's call. */
  if (stored && PM_IS_CASE (stored) && role == PM_ROLE_FIELD &&
      pm_case_status_is_locked (pm_record_get_string (stored, "status")) && !only_status_changes (changes))
    return rejection (uuid, "case_locked",
                      "the registration office has booked this case; the change is kept as an addendum for the office");
  if (stored && json_object_get_int_member (entry, "base_version") > 0)
    return merge_answer (self, db, device_id, role, entry, stored, error);
  if (stored)
    {
      JsonObject *result = rejection (uuid, "exists", "a record with this id exists already");

      json_object_set_string_member (result, "outcome", "conflict");
      return result;
    }

  /* New at the server: it takes the device's version, so both hold the
   * same one (a record written before enrolment may be past version 1). */
  pm_record_set_version (record, json_object_get_int_member_with_default (json_object_get_object_member (entry, "record"),
                                                                           "version", 1));
  switch (try_write (self, db, record, json_object_get_string_member (entry, "actor_id"), role,
                     &version, &refusal, error))
    {
    case WRITE_FAILED:
      return NULL;
    case WRITE_REFUSED:
      return refusal_answer (uuid, refusal);
    case WRITE_OK:
      break;
    }
  /* Its creator gets it back whole; other devices get their slice. */
  if (!_pm_store_exec_texts (db, "INSERT OR IGNORE INTO record_origins (kind, record_id, device_id) VALUES (?, ?, ?)",
                             "Recording a record's origin", error, 3, kind, pm_record_get_id (record), device_id))
    return NULL;
  return applied_answer (uuid, version);
}

/* Whether a new @record refers to an erased one (the person it is about,
 * or the record a signature signs): 1 if so, 0 if not, -1 on error. */
static gint64
erased_reference (sqlite3   *db,
                  PmRecord  *record,
                  GError   **error)
{
  static const char * const single[] = { "citizen_id", "record_id", NULL };
  PmRecordClass *klass = PM_RECORD_GET_CLASS (record);
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();

  for (guint i = 0; single[i]; i++)
    if (pm_record_class_find_field (klass, single[i]) && pm_record_get_string (record, single[i]))
      g_ptr_array_add (ids, (gpointer) pm_record_get_string (record, single[i]));
  if (pm_record_class_find_field (klass, "citizen_ids"))
    for (const char * const *id = pm_record_get_strv (record, "citizen_ids"); id && *id; id++)
      g_ptr_array_add (ids, (gpointer) *id);
  for (guint i = 0; i < ids->len; i++)
    {
      gint64 erased = _pm_store_count_rows (db, _PM_STORE_COUNT_MARKERS,
                                            g_ptr_array_index (ids, i), error);

      if (erased != 0)
        return erased < 0 ? -1 : 1;
    }
  return 0;
}

/* @prepared: (nullable): the entry's record as read on the request's
 * thread; NULL where it did not read (the job then reads it, for the
 * reason to refuse it). */
static JsonObject *
apply_entry (PmStore     *self,
             sqlite3     *db,
             const char  *device_id,
             PmRole       role,
             const char  *van_id,
             JsonObject  *entry,
             PmRecord    *prepared,
             GError     **error)
{
  const char *uuid = json_object_get_string_member (entry, "uuid");
  const char *kind = json_object_get_string_member (entry, "kind");
  GType type = pm_model_type_for (kind);
  g_autoptr(PmRecord) record = NULL;
  g_autoptr(PmRecord) stored = NULL;
  g_autoptr(GError) refusal = NULL;
  const char *outcome;
  JsonObject *result;
  JsonObject *copy;

  if (type == G_TYPE_INVALID)
    return rejection (uuid, "unknown_kind", "no such record kind");
  record = prepared ? g_object_ref (prepared)
                    : pm_record_new_from_json (type, json_object_get_object_member (entry, "record"), &refusal);
  if (record == NULL)
    return rejection (uuid, "invalid", refusal->message);
  if (g_strcmp0 (pm_record_get_id (record), json_object_get_string_member (entry, "record_id")) != 0)
    return rejection (uuid, "invalid", "record.id differs from record_id");

  stored = _pm_store_read_record (db, type, pm_record_get_id (record), NULL);
  if (stored == NULL)
    {
      /* An erasure is final: no edit or copy a device still held brings it back. */
      gint64 erased = _pm_store_count_rows (db, _PM_STORE_COUNT_MARKERS,
                                            pm_record_get_id (record), error);

      if (erased < 0)
        return NULL;
      /* Nor does a new record about an erased person or record. */
      if (erased == 0)
        erased = erased_reference (db, record, error);
      if (erased < 0)
        return NULL;
      if (erased > 0)
        return rejection (uuid, "erased", "the data protection desk erased this record; it is not taken again");
    }
  result = decide_entry (self, db, device_id, role, van_id, entry, record, stored, error);
  if (result == NULL || stored == NULL || json_object_has_member (result, "server_record"))
    return result;
  /* Refused: the device's row is now ahead of the server's; the server's
   * row (its slice) puts it back, or the edit would divert the two for good. */
  outcome = json_object_get_string_member (result, "outcome");
  if ((g_str_equal (outcome, "rejected") || g_str_equal (outcome, "conflict")) &&
      (copy = device_copy (db, stored, device_id, role)))
    {
      json_object_set_string_member (result, "kind", kind);
      json_object_set_object_member (result, "server_record", copy);
    }
  return result;
}

/* Entries are told apart by a hash of their content: BLAKE2b (libsodium)
 * over a walk of the parsed tree, each part tagged and sized, so that no
 * two different entries feed it the same bytes. Writing the entry out as
 * text for SHA-256 cost a fifth of a push; hashes of that kind, stored
 * before, have no "b2:" in front and are still compared as they were made. */
#define HASH_PREFIX "b2:"

/* The tree is written out as tagged parts and hashed in one go: an update
 * of the hash per part cost more than the hashing itself.
 * @tag and @count: a part's kind and its size (members, elements, bytes) */
static void
encode_count (GString *out,
              char     tag,
              guint64  count)
{
  guint64 little = GUINT64_TO_LE (count);

  g_string_append_c (out, tag);
  g_string_append_len (out, (const char *) &little, sizeof little);
}

static void
encode_bytes (GString    *out,
              char        tag,
              const void *bytes,
              gsize       size)
{
  encode_count (out, tag, size);
  g_string_append_len (out, bytes, size);
}

static void encode_node (GString  *out,
                         JsonNode *node);

static void
encode_member (JsonObject  *object,
               const char  *name,
               JsonNode    *node,
               gpointer     out)
{
  encode_bytes (out, 'k', name, strlen (name));
  encode_node (out, node);
}

static void
encode_node (GString  *out,
             JsonNode *node)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);

      /* In the order the members came; json_object_get_members() copied
       * every name for it, which showed in the push's profile. */
      encode_count (out, '{', json_object_get_size (object));
      json_object_foreach_member (object, encode_member, out);
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      encode_count (out, '[', json_array_get_length (array));
      for (guint i = 0; i < json_array_get_length (array); i++)
        encode_node (out, json_array_get_element (array, i));
    }
  else if (JSON_NODE_HOLDS_NULL (node))
    encode_count (out, 'n', 0);
  else if (json_node_get_value_type (node) == G_TYPE_STRING)
    encode_bytes (out, 's', json_node_get_string (node), strlen (json_node_get_string (node)));
  else if (json_node_get_value_type (node) == G_TYPE_INT64)
    {
      gint64 value = GINT64_TO_LE (json_node_get_int (node));

      encode_bytes (out, 'i', &value, sizeof value);
    }
  else if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    {
      double value = json_node_get_double (node);

      encode_bytes (out, 'd', &value, sizeof value);
    }
  else
    encode_count (out, 'b', json_node_get_boolean (node));
}

static char *
entry_hash (JsonObject *entry)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), entry);
  g_autoptr(GString) parts = g_string_sized_new (2048);
  unsigned char digest[crypto_generichash_BYTES];
  char hex[crypto_generichash_BYTES * 2 + 1];

  encode_node (parts, node);
  crypto_generichash (digest, sizeof digest, (const unsigned char *) parts->str, parts->len, NULL, 0);
  return g_strconcat (HASH_PREFIX, sodium_bin2hex (hex, sizeof hex, digest, sizeof digest), NULL);
}

/* Whether @stored, the hash of the entry first sent under this UUID, is
 * that of @entry (whose hash is @hash). */
static gboolean
same_entry (const char *stored,
            const char *hash,
            JsonObject *entry)
{
  g_autofree char *text = NULL;
  g_autofree char *legacy = NULL;

  if (g_str_has_prefix (stored, HASH_PREFIX))
    return g_str_equal (stored, hash);
  text = object_to_string (entry);
  legacy = g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
  return g_str_equal (stored, legacy);
}

typedef struct
{
  const char *device_id;
  PmRole      role;
  guint       protocol;
  JsonArray  *entries;
  GPtrArray  *hashes;    /* of the entries as sent */
  GPtrArray  *records;   /* (nullable): each entry's record, or NULL */
} PushData;

/* Protocol 1 sent an edit as the whole record, without `changes`. The
 * server derives them from the record against its own row in the device's
 * slice; that is sound only when the edit began from the version the server
 * holds, so an edit of an older version is a conflict, as protocol 1
 * answered it. Returns that conflict's answer, or NULL with @entry upgraded
 * in place to protocol 2 (its hash, for duplicates, is taken before). */
static JsonObject *
upgrade_v1_entry (sqlite3     *db,
                  PushData    *push,
                  JsonObject  *entry)
{
  GType type = pm_model_type_for (json_object_get_string_member (entry, "kind"));
  gint64 base_version = json_object_get_int_member (entry, "base_version");
  g_autoptr(PmRecord) stored = NULL;
  g_autoptr(JsonObject) view = NULL;
  JsonObject *answer;

  json_object_remove_member (entry, "changes");
  if (base_version == 0 || type == G_TYPE_INVALID)
    return NULL;
  stored = _pm_store_read_record (db, type, json_object_get_string_member (entry, "record_id"), NULL);
  if (stored == NULL)
    return NULL;
  view = device_copy (db, stored, push->device_id, push->role);
  if (pm_record_get_version (stored) == base_version)
    {
      json_object_set_object_member (entry, "changes",
                                     field_changes (view, json_object_get_object_member (entry, "record")));
      return NULL;
    }
  answer = rejection (json_object_get_string_member (entry, "uuid"), "stale",
                      "the record changed since this edit began; protocol 1 edits are not merged");
  json_object_set_string_member (answer, "outcome", "conflict");
  json_object_set_string_member (answer, "kind", json_object_get_string_member (entry, "kind"));
  if (view)
    json_object_set_object_member (answer, "server_record", g_steal_pointer (&view));
  return answer;
}

/* The answer given the first time, or NULL (and no error) for a new UUID */
static JsonObject *
earlier_answer (sqlite3     *db,
                const char  *device_id,
                const char  *uuid,
                const char  *hash,
                JsonObject  *entry,
                GError     **error)
{
  sqlite3_stmt *stmt = prepare (db, "SELECT entry_hash, result FROM push_results WHERE device_id = ? AND uuid = ?", error);
  JsonObject *answer = NULL;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, device_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, uuid, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      if (!same_entry ((const char *) sqlite3_column_text (stmt, 0), hash, entry))
        answer = rejection (uuid, "uuid_reused", "this UUID was sent before with a different entry");
      else
        {
          answer = object_from_string ((const char *) sqlite3_column_text (stmt, 1));
          if (answer && g_strcmp0 (json_object_get_string_member (answer, "outcome"), "applied") == 0)
            json_object_set_string_member (answer, "outcome", "duplicate");
        }
    }
  _pm_store_release (stmt);
  return answer;
}

static gboolean
remember_answer (sqlite3     *db,
                 const char  *device_id,
                 const char  *uuid,
                 const char  *hash,
                 JsonObject  *answer,
                 GError     **error)
{
  g_autofree char *text = object_to_string (answer);
  return _pm_store_exec_texts (db, "INSERT INTO push_results (device_id, uuid, entry_hash, result) VALUES (?, ?, ?, ?)",
                               "Remembering a push answer", error, 4, device_id, uuid, hash, text);
}

/* The office a record's conflicts and refusals belong to: the registration
 * office books the cases, dispatch plans the visits. */
static PmRole
owning_office (const char *kind)
{
  if (g_strcmp0 (kind, "case") == 0)
    return PM_ROLE_EINWOHNERWESEN;
  if (g_strcmp0 (kind, "visit") == 0)
    return PM_ROLE_DISPATCH;
  return PM_ROLE_INVALID;
}

/* Keeps a conflict or refusal of a case or visit for the owning office's
 * devices, which get it with their next pull (the pushing device has the
 * answer). A locked case's late edit is kept here whole: the addendum the
 * office reads. */
static gboolean
report_to_office (sqlite3     *db,
                  PushData    *push,
                  JsonObject  *entry,
                  JsonObject  *answer,
                  GError     **error)
{
  const char *kind = json_object_get_string_member (entry, "kind");
  g_autofree char *id = NULL;
  g_autofree char *now = NULL;
  g_autofree char *text = NULL;
  g_autoptr(JsonObject) issue = NULL;
  JsonObject *reported;
  JsonObject *result;

  /* An erased record's content must not come back through the office. */
  if (owning_office (kind) == PM_ROLE_INVALID || issue_outcome (answer) == NULL ||
      g_strcmp0 (json_object_get_string_member_with_default (answer, "code", NULL), "erased") == 0)
    return TRUE;
  id = g_uuid_string_random ();
  now = pm_clock_timestamp ();
  issue = json_object_new ();
  json_object_set_string_member (issue, "id", id);
  json_object_set_string_member (issue, "outcome", issue_outcome (answer));
  json_object_set_string_member (issue, "at", now);
  reported = object_from_string (text = object_to_string (entry));
  g_clear_pointer (&text, g_free);
  /* The office acknowledges its copy by this id, not the device's UUID. */
  json_object_set_string_member (reported, "uuid", id);
  json_object_set_object_member (issue, "entry", reported);
  result = object_from_string (text = object_to_string (answer));
  json_object_remove_member (result, "server_record");
  json_object_set_string_member (result, "uuid", id);
  json_object_set_string_member (result, "reported_by", pm_role_to_wire (push->role));
  json_object_set_object_member (issue, "result", result);
  g_clear_pointer (&text, g_free);
  text = object_to_string (issue);
  return _pm_store_exec_texts (db, "INSERT INTO office_issues (id, kind, record_id, issue) VALUES (?, ?, ?, ?)",
                     "Keeping a sync issue for the office", error, 4, id, kind,
                     json_object_get_string_member (entry, "record_id"), text) &&
         _pm_store_exec_texts (db, "INSERT INTO changes (kind, record_id, device_id) VALUES (?, ?, ?)",
                     "Logging a sync issue", error, 3, ISSUE_KIND, id, push->device_id);
}

/* One audit entry per batch: the device, the people who acted on it, and
 * how each entry was answered. */
static gboolean
audit_push (sqlite3     *db,
            PushData    *push,
            JsonArray   *results,
            GError     **error)
{
  static const char * const outcomes[] = { "applied", "duplicate", "conflict", "rejected", NULL };
  guint counts[G_N_ELEMENTS (outcomes)] = { 0 };
  g_autoptr(GPtrArray) actors = g_ptr_array_new ();
  g_autofree char *actor_list = NULL;
  g_autofree char *detail = NULL;
  AuditData audit = { "push", push->device_id, pm_role_to_wire (push->role), NULL,
                      json_array_get_length (push->entries), NULL };

  for (guint i = 0; i < json_array_get_length (push->entries); i++)
    {
      const char *actor = json_object_get_string_member (json_array_get_object_element (push->entries, i), "actor_id");
      const char *outcome = json_object_get_string_member (json_array_get_object_element (results, i), "outcome");

      if (!g_ptr_array_find_with_equal_func (actors, actor, g_str_equal, NULL))
        g_ptr_array_add (actors, (gpointer) actor);
      for (guint j = 0; outcomes[j]; j++)
        if (g_str_equal (outcome, outcomes[j]))
          counts[j]++;
    }
  g_ptr_array_add (actors, NULL);
  actor_list = g_strjoinv (",", (char **) actors->pdata);
  detail = g_strdup_printf ("applied %u, duplicate %u, conflict %u, rejected %u",
                            counts[0], counts[1], counts[2], counts[3]);
  audit.actor_id = actor_list;
  audit.detail = detail;
  return append_server_audit (db, &audit, error);
}

static gpointer
push_job (PmStore  *self,
          sqlite3  *db,
          gpointer  data,
          GError  **error)
{
  PushData *push = data;
  g_autoptr(JsonArray) results = json_array_new ();
  guint n = json_array_get_length (push->entries);
  g_autofree char *van_id = NULL;
  GError *van_error = NULL;

  /* Read once: within the transaction a device's van stays what it is. */
  if (push->role == PM_ROLE_FIELD && (van_id = _pm_store_device_van (db, push->device_id, NULL, &van_error)) == NULL &&
      van_error)
    {
      g_propagate_error (error, van_error);
      return NULL;
    }
  for (guint i = 0; i < n; i++)
    {
      JsonObject *entry = json_array_get_object_element (push->entries, i);
      const char *uuid = json_object_get_string_member (entry, "uuid");
      const char *hash = g_ptr_array_index (push->hashes, i);
      g_autoptr(GError) local_error = NULL;
      JsonObject *answer = earlier_answer (db, push->device_id, uuid, hash, entry, &local_error);

      if (local_error)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      if (answer == NULL)
        {
          if (push->protocol == 1)
            answer = upgrade_v1_entry (db, push, entry);
          if (answer == NULL)
            {
              _pm_store_set_pushing_device (self, push->device_id);
              answer = apply_entry (self, db, push->device_id, push->role, van_id, entry,
                                    push->records ? g_ptr_array_index (push->records, i) : NULL, error);
              _pm_store_set_pushing_device (self, NULL);
            }
          if (answer == NULL ||
              !remember_answer (db, push->device_id, uuid, hash, answer, error) ||
              !report_to_office (db, push, entry, answer, error))
            {
              g_clear_pointer (&answer, json_object_unref);
              return NULL;
            }
        }
      json_array_add_object_element (results, answer);
    }
  return audit_push (db, push, results, error) ? g_steal_pointer (&results) : NULL;
}

static void
unref_record (gpointer record)
{
  if (record)
    g_object_unref (record);
}

/* The record an entry carries, or NULL where it does not read as one. */
static PmRecord *
read_entry_record (JsonObject *entry)
{
  GType type = pm_model_type_for (json_object_get_string_member (entry, "kind"));

  return type == G_TYPE_INVALID ? NULL
                                : pm_record_new_from_json (type, json_object_get_object_member (entry, "record"), NULL);
}

/**
 * pm_store_apply_push_protocol:
 * @protocol: the push protocol the batch was sent in, from
 *   %PM_SYNC_PROTOCOL_OLDEST to %PM_SYNC_PROTOCOL
 *
 * Applies a device's batch in one transaction, in the device's order, and
 * returns one answer per entry. A malformed batch is refused as a whole
 * (PM_ERROR_INVALID) with nothing stored. The same UUID sent again gets the
 * first answer back (as `duplicate` where it was applied). Entries of an
 * older protocol are upgraded first (they may be changed in place).
 */
JsonArray *
pm_store_apply_push_protocol (PmStore     *self,
                              const char  *device_id,
                              PmRole       role,
                              guint        protocol,
                              JsonArray   *entries,
                              GError     **error)
{
  g_autoptr(GPtrArray) hashes = NULL;
  g_autoptr(GPtrArray) records = NULL;
  PushData push = { device_id, role, protocol, entries };
  guint n;

  g_return_val_if_fail (device_id != NULL && entries != NULL, NULL);
  g_return_val_if_fail (protocol >= PM_SYNC_PROTOCOL_OLDEST && protocol <= PM_SYNC_PROTOCOL, NULL);

  /* Checked, hashed and read into records on the caller's thread: the
   * store's one thread is what every device's push waits for. Entries of
   * an older protocol are upgraded there first, so they are read there. */
  n = json_array_get_length (entries);
  if (n > MAX_PUSH_ENTRIES)
    {
      g_set_error (error, PM_ERROR, PM_ERROR_INVALID, "a push carries at most %d entries", MAX_PUSH_ENTRIES);
      return NULL;
    }
  hashes = g_ptr_array_new_full (n, g_free);
  if (protocol == PM_SYNC_PROTOCOL)
    records = g_ptr_array_new_full (n, unref_record);
  for (guint i = 0; i < n; i++)
    {
      if (!check_entry (json_array_get_element (entries, i), i, protocol, error))
        return NULL;
      g_ptr_array_add (hashes, entry_hash (json_array_get_object_element (entries, i)));
      if (records)
        g_ptr_array_add (records, read_entry_record (json_array_get_object_element (entries, i)));
    }
  push.hashes = hashes;
  push.records = records;
  return _pm_store_run_sync_full (self, push_job, &push, PM_STORE_JOB_SHARED, (GDestroyNotify) json_array_unref, error);
}

/**
 * pm_store_apply_push:
 *
 * pm_store_apply_push_protocol() for a batch of the current protocol.
 */
JsonArray *
pm_store_apply_push (PmStore     *self,
                     const char  *device_id,
                     PmRole       role,
                     JsonArray   *entries,
                     GError     **error)
{
  return pm_store_apply_push_protocol (self, device_id, role, PM_SYNC_PROTOCOL, entries, error);
}

/* Pull (server end) */

/* Also on a connection outside the store's worker (a backup's copy being
 * restored): so not through the worker's statement cache. */
gboolean
_pm_store_renew_epoch (sqlite3  *db,
                       GError  **error)
{
  g_autofree char *epoch = g_uuid_string_random ();
  sqlite3_stmt *stmt = NULL;
  gboolean ok;

  ok = sqlite3_prepare_v2 (db, "INSERT OR REPLACE INTO meta (key, value) VALUES ('" STORE_EPOCH_KEY "', ?)", -1,
                           &stmt, NULL) == SQLITE_OK &&
       sqlite3_bind_text (stmt, 1, epoch, -1, SQLITE_STATIC) == SQLITE_OK &&
       sqlite3_step (stmt) == SQLITE_DONE;
  if (!ok)
    _pm_store_set_sql_error (error, db, "Renewing the store's epoch");
  sqlite3_finalize (stmt);
  return ok;
}

/* The store's epoch, made on first use: stores from before epochs have none. */
static char *
store_epoch (sqlite3  *db,
             GError  **error)
{
  GError *local_error = NULL;
  char *epoch = read_meta (db, STORE_EPOCH_KEY, &local_error);

  if (epoch == NULL && local_error == NULL && _pm_store_renew_epoch (db, &local_error))
    epoch = read_meta (db, STORE_EPOCH_KEY, &local_error);
  if (local_error)
    g_propagate_error (error, local_error);
  return epoch;
}

typedef struct
{
  gint64      after;
  const char *epoch;
  gboolean    with_issues;
  guint       limit;
  PmViewer    viewer;
  PmRole      role;
  const char *device_id;
} PullData;

/* An office issue as @viewer's devices get it, or NULL where it is not
 * theirs: for the owning office only, the record as the device held it
 * filtered for the office like any pulled record. */
static JsonObject *
office_issue_for (sqlite3         *db,
                  const char      *id,
                  const PmViewer  *viewer)
{
  sqlite3_stmt *stmt = prepare (db, "SELECT kind, issue FROM office_issues WHERE id = ?", NULL);
  g_autoptr(JsonObject) issue = NULL;
  g_autoptr(PmRecord) record = NULL;
  JsonObject *entry;
  JsonObject *filtered;
  JsonObject *changes;
  GType type = G_TYPE_INVALID;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW &&
      owning_office ((const char *) sqlite3_column_text (stmt, 0)) == viewer->role)
    {
      type = pm_model_type_for ((const char *) sqlite3_column_text (stmt, 0));
      issue = object_from_string ((const char *) sqlite3_column_text (stmt, 1));
    }
  _pm_store_release (stmt);
  if (issue == NULL)
    return NULL;
  entry = json_object_get_object_member (issue, "entry");
  record = pm_record_new_from_json (type, json_object_get_object_member (entry, "record"), NULL);
  if (record == NULL || !pm_access_filter (record, viewer))
    return NULL;
  filtered = pm_record_to_json (record);
  /* Fields the filter took out of the record go from the changes too (a
   * new record's entry has none). */
  changes = json_object_has_member (entry, "changes") ? json_object_get_object_member (entry, "changes") : NULL;
  if (changes)
    {
      g_autoptr(GList) names = json_object_get_members (changes);
      JsonObject *held = json_object_get_object_member (entry, "record");

      for (GList *l = names; l; l = l->next)
        if (json_object_has_member (held, l->data) && !json_object_has_member (filtered, l->data))
          json_object_remove_member (changes, l->data);
    }
  json_object_set_object_member (entry, "record", filtered);
  return g_steal_pointer (&issue);
}

/* Whether a device of @role may get a change of @kind at all: 1 if so, 0 if
 * not, -1 on error. A van reads the roster, its own visits and the people
 * on them (a visit moved away once more, to drop it), and of the rest only
 * what it created. */
static int
field_share (sqlite3     *db,
             PmRole       role,
             const char  *van_id,
             gboolean     own,
             const char  *kind,
             const char  *record_id,
             GError     **error)
{
  if (role != PM_ROLE_FIELD || own || g_str_equal (kind, "staff") || g_str_equal (kind, "van"))
    return 1;
  if (!g_str_equal (kind, "visit") && !g_str_equal (kind, "citizen"))
    return 0;
  return _pm_store_van_was_given (db, van_id, kind, record_id, error);
}

/* The checks of a pull's cursor and the device's share, before any change
 * is read: the store's epoch, and a field device's van (NULL: bound to none). */
static gboolean
check_pull (sqlite3    *db,
            PullData   *pull,
            char      **epoch,
            char      **van_id,
            gint64     *last,
            GError    **error)
{
  GError *local_error = NULL;
  gboolean rescoped = FALSE;

  *epoch = store_epoch (db, error);
  if (*epoch == NULL)
    return FALSE;
  if (pull->role == PM_ROLE_FIELD)
    {
      *van_id = _pm_store_device_van (db, pull->device_id, &rescoped, &local_error);
      if (local_error)
        {
          g_propagate_error (error, local_error);
          return FALSE;
        }
    }
  /* Moved to another van: the cursor counted the old van's share. */
  if (rescoped && pull->after > 0)
    {
      g_set_error (error, PM_ERROR, PM_ERROR_NOT_FOUND, "the device was moved to another van: pull again from 0");
      return FALSE;
    }
  if (rescoped && !_pm_store_exec_texts (db, "UPDATE device_vans SET rescoped = 0 WHERE device_id = ?",
                                         "Starting a device's new share", error, 1, pull->device_id))
    return FALSE;
  /* A cursor from another epoch was given out before a restore (or by
   * another store): its sequence numbers mean other changes here. */
  if (pull->after > 0 && pull->epoch && !g_str_equal (pull->epoch, *epoch))
    {
      g_set_error (error, PM_ERROR, PM_ERROR_NOT_FOUND,
                   "the cursor belongs to an earlier state of the server's store (it was restored): pull again from 0");
      return FALSE;
    }
  /* No cursor the server gave out lies past its last change: this one comes
   * from before a restore of an older backup, or from another store. */
  *last = _pm_store_count_rows (db, "SELECT COALESCE (MAX (seq), 0) FROM sqlite_sequence WHERE name = 'changes'", NULL, error);
  if (*last >= 0 && pull->after > *last)
    g_set_error (error, PM_ERROR, PM_ERROR_NOT_FOUND,
                 "the cursor %" G_GINT64_FORMAT " lies past the server's last change %" G_GINT64_FORMAT
                 ": pull again from 0", pull->after, *last);
  return *last >= 0 && pull->after <= *last;
}

static void
append_object (GString    *text,
               JsonObject *object)
{
  g_autofree char *json = object_to_string (object);

  g_string_append (text, json);
}

/* A record as stored, in the shape pm_record_to_json() gives it (the data
 * column holds the fields, the other columns the rest): no parse, no
 * filter, for a record the viewer sees whole. 1 if appended, 0 if the
 * record is gone, -1 on error. @van_id: (out): a visit's van. */
static int
append_stored_record (GString     *text,
                      sqlite3     *db,
                      GType        type,
                      const char  *id,
                      GError     **error)
{
  sqlite3_stmt *stmt = _pm_store_prepare_row (db, type, error);
  int rc;

  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    append_record_columns (text, stmt, 1, id);
  else if (rc != SQLITE_DONE)
    _pm_store_set_sql_error (error, db, "Reading a record");
  _pm_store_release (stmt);
  return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* One change as the device gets it, appended to @text after its "seq" and
 * "kind": 1 if appended, 0 if the device does not get it, -1 on error. */
static int
append_change (GString     *text,
               sqlite3     *db,
               PullData    *pull,
               const char  *van_id,
               const char  *kind,
               const char  *record_id,
               gboolean     own,
               GError     **error)
{
  GType type = pm_model_type_for (kind);
  gsize start = text->len;
  g_autoptr(PmRecord) record = NULL;
  int share = field_share (db, pull->role, van_id, own, kind, record_id, error);

  if (share <= 0)
    return share;
  if (type == G_TYPE_INVALID)
    return 0;
  /* Moved to another van: the van drops it (told again with each later
   * change, the id only). */
  if (van_id && !own && type == PM_TYPE_VISIT)
    {
      int left = _pm_store_visit_left_van (db, van_id, record_id, error);

      if (left != 0)
        {
          g_string_append (text, ",\"id\":");
          append_json_string (text, record_id);
          g_string_append (text, ",\"deleted\":true");
          return left;
        }
    }
  g_string_append (text, ",\"record\":");
  /* What a device created comes back whole (its people may read it there). */
  if (own || pm_access_keeps_whole (type, &pull->viewer))
    share = append_stored_record (text, db, type, record_id, error);
  else if ((record = _pm_store_read_record (db, type, record_id, NULL)) == NULL ||
           !pm_access_filter (record, &pull->viewer))
    share = 0;
  else
    {
      g_autoptr(JsonObject) json = pm_record_to_json (record);

      append_object (text, json);
    }
  if (share <= 0)
    g_string_truncate (text, start);
  return share;
}

#define CHANGE_COLUMNS \
  "SELECT c.seq, c.kind, c.record_id, o.device_id, d.deleted_for FROM changes c" \
  " LEFT JOIN record_origins o ON o.kind = c.kind AND o.record_id = c.record_id" \
  " LEFT JOIN deleted_records d ON d.kind = c.kind AND d.record_id = c.record_id"
/* The device's own latest push (?4 the device) is left out: it holds that
 * version already (and the answer to it, for a sync issue). Only a
 * deletion goes back to it. A push of 1,000 changes used to be followed
 * by two pages of nothing but them. The test names c only, so SQLite
 * leaves the device's own rows before it joins the others to them. */
#define NOT_ECHO " AND (c.device_id IS NOT ?4 OR EXISTS (SELECT 1 FROM deleted_records gone" \
  " WHERE gone.kind = c.kind AND gone.record_id = c.record_id))"
/* ?1 the cursor, ?2 the page's size */
#define ALL_CHANGES CHANGE_COLUMNS " WHERE c.seq > ?1" NOT_ECHO " ORDER BY c.seq LIMIT ?2"
/* A van's share only (?3 its van, ?4 the device), found through the
 * indexes instead of passing over every other van's changes: fifty vans
 * each read the whole log, and that was most of the server's work. CROSS
 * JOIN keeps SQLite to the small side first. */
#define VAN_CHANGES CHANGE_COLUMNS " WHERE c.seq IN (" \
  "SELECT v.seq FROM van_scope s CROSS JOIN changes v ON v.kind = s.kind AND v.record_id = s.record_id" \
  "  WHERE s.van_id = ?3 AND v.seq > ?1" \
  " UNION ALL SELECT seq FROM changes WHERE kind IN ('staff', 'van') AND seq > ?1" \
  " UNION ALL SELECT m.seq FROM record_origins r CROSS JOIN changes m ON m.kind = r.kind AND m.record_id = r.record_id" \
  "  WHERE r.device_id = ?4 AND m.seq > ?1" \
  " UNION ALL SELECT x.seq FROM deleted_records e CROSS JOIN changes x ON x.kind = e.kind AND x.record_id = e.record_id" \
  "  WHERE x.seq > ?1)" NOT_ECHO \
  " ORDER BY c.seq LIMIT ?2"

static gpointer
changes_job (PmStore  *self,
             sqlite3  *db,
             gpointer  data,
             GError  **error)
{
  PullData *pull = data;
  sqlite3_stmt *stmt = NULL;
  g_autoptr(GString) text = g_string_new ("{\"changes\":[");
  gint64 cursor = pull->after;
  guint scanned = 0;
  guint sent = 0;
  g_autofree char *detail = NULL;
  g_autofree char *epoch = NULL;
  g_autofree char *van_id = NULL;
  AuditData audit = { "pull", pull->device_id, pm_role_to_wire (pull->role), NULL, 0, NULL };
  gint64 last = 0;
  int rc = SQLITE_DONE;

  if (!check_pull (db, pull, &epoch, &van_id, &last, error) ||
      (stmt = prepare (db, pull->role == PM_ROLE_FIELD ? VAN_CHANGES : ALL_CHANGES, error)) == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, pull->after);
  sqlite3_bind_int64 (stmt, 2, pull->limit);
  sqlite3_bind_text (stmt, 4, pull->device_id, -1, SQLITE_STATIC);
  if (pull->role == PM_ROLE_FIELD)
    sqlite3_bind_text (stmt, 3, van_id, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *kind = (const char *) sqlite3_column_text (stmt, 1);
      const char *record_id = (const char *) sqlite3_column_text (stmt, 2);
      const char *deleted_for = (const char *) sqlite3_column_text (stmt, 4);
      gboolean own = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 3), pull->device_id) == 0;
      g_auto(GStrv) deleted_roles = deleted_for ? g_strsplit (deleted_for, ",", -1) : NULL;
      gsize start = text->len;
      int appended = 1;

      scanned++;
      cursor = sqlite3_column_int64 (stmt, 0);
      g_string_append_printf (text, "%s{\"seq\":%" G_GINT64_FORMAT ",\"kind\":", sent ? "," : "", cursor);
      append_json_string (text, kind);
      /* Rows outside the device's scope are passed over, never sent. A
       * deletion goes where the record could have gone. */
      if (deleted_roles)
        {
          appended = own || g_strv_contains ((const char * const *) deleted_roles, pm_role_to_wire (pull->role));
          g_string_append (text, ",\"id\":");
          append_json_string (text, record_id);
          g_string_append (text, ",\"deleted\":true");
        }
      else if (g_str_equal (kind, ISSUE_KIND))
        {
          g_autoptr(JsonObject) issue = pull->with_issues ? office_issue_for (db, record_id, &pull->viewer) : NULL;

          appended = issue != NULL;
          if (issue)
            {
              g_string_append (text, ",\"record\":");
              append_object (text, issue);
            }
        }
      else
        appended = append_change (text, db, pull, van_id, kind, record_id, own, error);
      if (appended < 0)
        break;
      if (appended == 0)
        g_string_truncate (text, start);
      else
        {
          g_string_append_c (text, '}');
          sent++;
        }
    }
  _pm_store_release (stmt);
  if (rc == SQLITE_ROW)
    return NULL;
  if (rc != SQLITE_DONE)
    {
      _pm_store_set_sql_error (error, db, "Reading changes");
      return NULL;
    }
  /* Read to the end: nothing the device may get lies between its last
   * change and the log's last one. */
  if (scanned < pull->limit)
    cursor = last;
  g_string_append_printf (text, "],\"cursor\":%" G_GINT64_FORMAT ",\"epoch\":", cursor);
  append_json_string (text, epoch);
  g_string_append_printf (text, ",\"complete\":%s}", scanned < pull->limit ? "true" : "false");
  detail = g_strdup_printf ("after %" G_GINT64_FORMAT ", cursor %" G_GINT64_FORMAT, pull->after, cursor);
  audit.count = sent;
  audit.detail = detail;
  return append_server_audit (db, &audit, error) ? g_string_free (g_steal_pointer (&text), FALSE) : NULL;
}

/**
 * pm_store_changes_since_text:
 *
 * One page of changes after @after, in commit order, for the device
 * @device_id of @role, as the JSON text the server sends: the records it
 * created in full, the others filtered for its role:
 * `{"changes": [{"seq", "kind", "record"}], "cursor", "epoch", "complete"}`.
 * With @with_issues, the conflicts and refusals of other devices' pushes
 * that concern the device's office come too (kind `sync_issue`). A cursor
 * past the last change the server ever logged, or one of another
 * @epoch than the store's (given out before a restore), fails with
 * PM_ERROR_NOT_FOUND: the device must pull again from 0. Records the
 * device sees whole go out as stored, never parsed.
 */
char *
pm_store_changes_since_text (PmStore     *self,
                             gint64       after,
                             const char  *epoch,
                             gboolean     with_issues,
                             guint        limit,
                             const char  *device_id,
                             PmRole       role,
                             GError     **error)
{
  PullData pull = { after, epoch, with_issues, CLAMP (limit, 1, 1000), pm_access_device_viewer (role), role, device_id };

  g_return_val_if_fail (PM_IS_STORE (self), NULL);
  g_return_val_if_fail (device_id != NULL, NULL);
  return _pm_store_run_sync_full (self, changes_job, &pull, PM_STORE_JOB_URGENT | PM_STORE_JOB_SHARED, g_free, error);
}

/* Devices (server end) */

static char *
token_hash (const char *token)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
}

typedef struct
{
  PmRole      role;
  const char *city;
  const char *van_id;
  char       *token;
  char       *device_id;
  const char *lookup;
} DeviceData;

static gpointer
add_device_job (PmStore  *self,
                sqlite3  *db,
                gpointer  data,
                GError  **error)
{
  DeviceData *device = data;
  unsigned char secret[32];
  g_autofree char *hash = NULL;
  g_autofree char *now = pm_clock_timestamp ();

  randombytes_buf (secret, sizeof secret);
  device->token = g_malloc (sodium_base64_ENCODED_LEN (sizeof secret, sodium_base64_VARIANT_URLSAFE_NO_PADDING));
  sodium_bin2base64 (device->token, sodium_base64_ENCODED_LEN (sizeof secret, sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                     secret, sizeof secret, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero (secret, sizeof secret);
  device->device_id = g_uuid_string_random ();
  /* Only the hash is stored: a copy of the database enrols no one. */
  hash = token_hash (device->token);
  if (!_pm_store_exec_texts (db, "INSERT INTO devices (id, token_hash, role, city, created_at) VALUES (?, ?, ?, ?, ?)",
                             "Adding a device", error, 5, device->device_id, hash, pm_role_to_wire (device->role),
                             device->city, now))
    return NULL;
  return device->van_id == NULL ||
         _pm_store_exec_texts (db, "INSERT INTO device_vans (device_id, van_id) VALUES (?, ?)",
                               "Binding a device to a van", error, 2, device->device_id, device->van_id) ? self : NULL;
}

/**
 * pm_store_add_device:
 *
 * @van_id: (nullable): a field device's van, whose share it pulls
 *
 * Enrols a device of @role for @city; returns its bearer token, which is
 * shown this once and stored only as a hash.
 */
char *
pm_store_add_device (PmStore     *self,
                     PmRole       role,
                     const char  *city,
                     const char  *van_id,
                     char       **device_id,
                     GError     **error)
{
  DeviceData device = { role, city, van_id, NULL, NULL, NULL };

  g_return_val_if_fail (role != PM_ROLE_INVALID && city != NULL, NULL);
  g_return_val_if_fail (van_id == NULL || role == PM_ROLE_FIELD, NULL);
  if (_pm_store_run_sync (self, add_device_job, &device, error) == NULL)
    {
      g_free (device.token);
      g_free (device.device_id);
      return NULL;
    }
  if (device_id)
    *device_id = device.device_id;
  else
    g_free (device.device_id);
  return device.token;
}

static JsonObject *
device_from_row (sqlite3_stmt *stmt)
{
  JsonObject *device = json_object_new ();

  json_object_set_string_member (device, "device_id", (const char *) sqlite3_column_text (stmt, 0));
  json_object_set_string_member (device, "role", (const char *) sqlite3_column_text (stmt, 1));
  json_object_set_string_member (device, "city", (const char *) sqlite3_column_text (stmt, 2));
  json_object_set_boolean_member (device, "revoked", sqlite3_column_int (stmt, 3) != 0);
  json_object_set_string_member (device, "created_at", (const char *) sqlite3_column_text (stmt, 4));
  if (sqlite3_column_type (stmt, 5) != SQLITE_NULL)
    json_object_set_string_member (device, "van_id", (const char *) sqlite3_column_text (stmt, 5));
  return device;
}

#define DEVICE_COLUMNS "SELECT id, role, city, revoked, created_at, van_id FROM devices" \
  " LEFT JOIN device_vans ON device_vans.device_id = devices.id"

static gpointer
find_device_job (PmStore  *self,
                 sqlite3  *db,
                 gpointer  data,
                 GError  **error)
{
  DeviceData *device = data;
  g_autofree char *hash = token_hash (device->lookup);
  sqlite3_stmt *stmt = prepare (db, DEVICE_COLUMNS " WHERE token_hash = ?", error);
  JsonObject *found = NULL;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, hash, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    found = device_from_row (stmt);
  _pm_store_release (stmt);
  if (found == NULL)
    g_set_error (error, PM_ERROR, PM_ERROR_NOT_FOUND, "no device has this token");
  return found;
}

/**
 * pm_store_find_device:
 *
 * The device a bearer token belongs to (revoked ones included, flagged), or
 * %NULL with PM_ERROR_NOT_FOUND.
 */
JsonObject *
pm_store_find_device (PmStore     *self,
                      const char  *token,
                      GError     **error)
{
  DeviceData device = { .lookup = token };

  g_return_val_if_fail (token != NULL, NULL);
  return _pm_store_run_sync_full (self, find_device_job, &device, PM_STORE_JOB_URGENT, (GDestroyNotify) json_object_unref,
                                  error);
}

static gpointer
revoke_device_job (PmStore  *self,
                   sqlite3  *db,
                   gpointer  data,
                   GError  **error)
{
  if (!_pm_store_exec_texts (db, "UPDATE devices SET revoked = 1 WHERE id = ?", "Revoking a device", error, 1, data))
    return NULL;
  if (sqlite3_changes (db) == 0)
    {
      g_set_error (error, PM_ERROR, PM_ERROR_NOT_FOUND, "no device with the id %s", (const char *) data);
      return NULL;
    }
  return self;
}

gboolean
pm_store_revoke_device (PmStore     *self,
                        const char  *device_id,
                        GError     **error)
{
  g_return_val_if_fail (device_id != NULL, FALSE);
  return _pm_store_run_sync (self, revoke_device_job, (gpointer) device_id, error) != NULL;
}

static gpointer
list_devices_job (PmStore  *self,
                  sqlite3  *db,
                  gpointer  data,
                  GError  **error)
{
  sqlite3_stmt *stmt = prepare (db, DEVICE_COLUMNS " ORDER BY created_at, id", error);
  JsonArray *devices;

  if (stmt == NULL)
    return NULL;
  devices = json_array_new ();
  while (sqlite3_step (stmt) == SQLITE_ROW)
    json_array_add_object_element (devices, device_from_row (stmt));
  _pm_store_release (stmt);
  return devices;
}

JsonArray *
pm_store_list_devices (PmStore  *self,
                       GError  **error)
{
  return _pm_store_run_sync (self, list_devices_job, NULL, error);
}

/* Asynchronous variants, for the UI: the main thread never waits on SQLite. */

/**
 * pm_store_outbox_peek_async:
 *
 * Like pm_store_outbox_peek(), without blocking the caller.
 */
void
pm_store_outbox_peek_async (PmStore             *self,
                            guint                limit,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (PM_IS_STORE (self));
  _pm_store_run_async (self, outbox_peek_job, GUINT_TO_POINTER (MIN (limit, MAX_PUSH_ENTRIES)), NULL,
                       (GDestroyNotify) json_array_unref, pm_store_outbox_peek_async,
                       cancellable, callback, user_data);
}

JsonArray *
pm_store_outbox_peek_finish (PmStore       *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pm_store_outbox_peek_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * pm_store_outbox_count_async:
 *
 * Like pm_store_outbox_count(), without blocking the caller (the store's
 * thread may be busy applying a pulled page).
 */
void
pm_store_outbox_count_async (PmStore             *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (PM_IS_STORE (self));
  _pm_store_run_async (self, outbox_count_job, NULL, NULL, g_free, pm_store_outbox_count_async,
                       cancellable, callback, user_data);
}

gint64
pm_store_outbox_count_finish (PmStore       *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_autofree gint64 *count = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), -1);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pm_store_outbox_count_async, -1);
  count = g_task_propagate_pointer (G_TASK (result), error);
  return count ? *count : -1;
}

/**
 * pm_store_list_sync_issues_async:
 *
 * Like pm_store_list_sync_issues(), without blocking the caller.
 */
void
pm_store_list_sync_issues_async (PmStore             *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (PM_IS_STORE (self));
  _pm_store_run_async (self, list_issues_job, NULL, NULL, (GDestroyNotify) json_array_unref,
                       pm_store_list_sync_issues_async, cancellable, callback, user_data);
}

JsonArray *
pm_store_list_sync_issues_finish (PmStore       *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pm_store_list_sync_issues_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static gpointer
dismiss_issue_job (PmStore  *self,
                   sqlite3  *db,
                   gpointer  data,
                   GError  **error)
{
  /* Already gone (a second tap, another window) is no failure. */
  return _pm_store_exec_texts (db, "DELETE FROM sync_issues WHERE uuid = ?", "Dismissing a sync issue",
                               error, 1, (const char *) data) ? self : NULL;
}

/**
 * pm_store_dismiss_sync_issue:
 *
 * Removes the sync issue of outbox entry @uuid once a person has acted on
 * it. Dismissing an issue that is already gone succeeds.
 */
gboolean
pm_store_dismiss_sync_issue (PmStore     *self,
                             const char  *uuid,
                             GError     **error)
{
  g_return_val_if_fail (PM_IS_STORE (self), FALSE);
  g_return_val_if_fail (uuid != NULL, FALSE);
  return _pm_store_run_sync (self, dismiss_issue_job, (gpointer) uuid, error) != NULL;
}

void
pm_store_dismiss_sync_issue_async (PmStore             *self,
                                   const char          *uuid,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (PM_IS_STORE (self));
  g_return_if_fail (uuid != NULL);
  _pm_store_run_async (self, dismiss_issue_job, g_strdup (uuid), g_free, NULL,
                       pm_store_dismiss_sync_issue_async, cancellable, callback, user_data);
}

gboolean
pm_store_dismiss_sync_issue_finish (PmStore       *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pm_store_dismiss_sync_issue_async, FALSE);
  return g_task_propagate_pointer (G_TASK (result), error) != NULL;
}
