/* pm-store.c: the local store, one SQLite connection owned by one thread
 *
 * One worker thread owns the connection (the pattern of Epiphany's history
 * service): callers queue jobs, the worker runs each in a transaction and
 * completes a GTask back on the caller's main context, so the GTK main thread
 * never waits on disk or crypto. Synchronous callers (CLI, tests) wait for
 * their job instead. The database is encrypted page by page (core/crypt).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pm-store"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "pm-access.h"
#include "pm-audit-entry.h"
#include "pm-clock.h"
#include "pm-error.h"
#include "pm-model.h"
#include "pm-store-private.h"

struct _PmStore
{
  GObject       parent_instance;

  char         *path;
  PmCryptKeys  *keys;     /* until the store closes: for key slot changes */
  char         *device_id;
  GThread      *worker;
  GAsyncQueue  *jobs;
  GMutex        queue_lock; /* a job is queued only before the quit job */
  gboolean      closing;
  sqlite3      *db;       /* touched by the worker only */
  PmStoreCheckpointer *checkpointer; /* worker only */

  GMutex        actor_lock;
  char         *actor_id;
  PmRole        actor_role;
  char         *actor_department;

  gboolean      enrolled; /* worker only: local writes queue outbox entries */
  const char   *pushing_device; /* worker only: whose push is being applied */
};

G_DEFINE_FINAL_TYPE (PmStore, pm_store, G_TYPE_OBJECT)

typedef struct
{
  PmStoreJobFunc  func;
  gpointer        data;
  GDestroyNotify  data_free;
  GDestroyNotify  result_free;
  gboolean        raw;       /* run without a transaction (opening) */
  gboolean        shared;    /* may share its commit with the jobs queued after it */
  gboolean        urgent;    /* queued before the jobs that are not */
  gboolean        quit;
  GTask          *task;      /* async jobs; sync jobs wait on cond */
  GMutex          lock;
  GCond           cond;
  gboolean        done;
  gpointer        result;
  GError         *error;
} Job;

static void
assert_worker (PmStore *self)
{
  g_assert (g_thread_self () == self->worker);
}

static gpointer
run_job (PmStore *self,
         Job     *job,
         GError **error)
{
  gpointer result;

  assert_worker (self);
  if (job->raw)
    return job->func (self, self->db, job->data, error);
  if (self->db == NULL)
    {
      g_set_error (error, PM_ERROR, PM_ERROR_STORE, _("The store is closed"));
      return NULL;
    }
  if (!_pm_store_exec (self->db, "BEGIN IMMEDIATE", error))
    return NULL;
  result = job->func (self, self->db, job->data, error);
  if (result == NULL)
    {
      _pm_store_exec (self->db, "ROLLBACK", NULL);
      return NULL;
    }
  if (!_pm_store_exec (self->db, "COMMIT", error))
    {
      _pm_store_exec (self->db, "ROLLBACK", NULL);
      if (job->result_free)
        job->result_free (result);
      return NULL;
    }
  return result;
}

static void
finish_job (Job      *job,
            gpointer  result,
            GError   *error)
{
  if (job->task)
    {
      if (result)
        g_task_return_pointer (job->task, result, job->result_free);
      else if (error)
        g_task_return_error (job->task, error);
      g_clear_object (&job->task);
      if (job->data_free)
        job->data_free (job->data);
      g_free (job);
      return;
    }
  g_mutex_lock (&job->lock);
  job->result = result;
  job->error = error;
  job->done = TRUE;
  g_cond_signal (&job->cond);
  g_mutex_unlock (&job->lock);
}

/* Prepared statements of the worker's connection, by their SQL: parsing
 * the same few statements for every record written cost more than writing
 * them. One worker thread serves one connection, so the cache is the
 * thread's. SQL that lives as long as the process (a record class's, see
 * record_sql()) is also found by its address: hashing and comparing the
 * long text of a record's INSERT for every use showed in profiles. */
typedef struct
{
  GHashTable *by_sql;      /* SQL text (owned) → statement (owned) */
  GHashTable *by_address;  /* a lasting SQL string → the same statement */
  GHashTable *statements;  /* the cached statements, as a set */
} StatementCache;

static void
statement_cache_free (StatementCache *cache)
{
  g_hash_table_unref (cache->by_address);
  g_hash_table_unref (cache->statements);
  g_hash_table_unref (cache->by_sql);
  g_free (cache);
}

static GPrivate statement_cache = G_PRIVATE_INIT ((GDestroyNotify) statement_cache_free);

static void
finalize_statement (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

static StatementCache *
get_statement_cache (void)
{
  StatementCache *cache = g_private_get (&statement_cache);

  if (cache == NULL)
    {
      cache = g_new0 (StatementCache, 1);
      cache->by_sql = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, finalize_statement);
      cache->by_address = g_hash_table_new (NULL, NULL);
      cache->statements = g_hash_table_new (NULL, NULL);
      g_private_set (&statement_cache, cache);
    }
  return cache;
}

/**
 * _pm_store_prepare:
 *
 * A statement for @sql on the store's connection, from the worker's cache
 * (reset, no bindings) or prepared now. Give it back with
 * _pm_store_release(), never sqlite3_finalize().
 */
sqlite3_stmt *
_pm_store_prepare (sqlite3     *db,
                   const char  *sql,
                   GError     **error)
{
  StatementCache *cache = get_statement_cache ();
  sqlite3_stmt *stmt;

  stmt = g_hash_table_lookup (cache->by_sql, sql);
  g_assert (stmt == NULL || sqlite3_db_handle (stmt) == db);
  /* In use further up the stack (a nested read of the same table): a
   * second one, finalized on release. */
  if (stmt && !sqlite3_stmt_busy (stmt))
    return stmt;
  if (sqlite3_prepare_v3 (db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
    {
      _pm_store_set_sql_error (error, db, "Preparing a statement");
      return NULL;
    }
  if (!g_hash_table_contains (cache->by_sql, sql))
    {
      g_hash_table_insert (cache->by_sql, g_strdup (sql), stmt);
      g_hash_table_add (cache->statements, stmt);
    }
  return stmt;
}

/* _pm_store_prepare() for @sql that lives as long as the process. */
static sqlite3_stmt *
prepare_lasting (sqlite3     *db,
                 const char  *sql,
                 GError     **error)
{
  StatementCache *cache = get_statement_cache ();
  sqlite3_stmt *stmt = g_hash_table_lookup (cache->by_address, sql);

  if (stmt && !sqlite3_stmt_busy (stmt))
    return stmt;
  stmt = _pm_store_prepare (db, sql, error);
  if (stmt && g_hash_table_lookup (cache->by_sql, sql) == stmt)
    g_hash_table_insert (cache->by_address, (gpointer) sql, stmt);
  return stmt;
}

void
_pm_store_release (sqlite3_stmt *stmt)
{
  StatementCache *cache = g_private_get (&statement_cache);

  if (stmt == NULL)
    return;
  if (cache && g_hash_table_contains (cache->statements, stmt))
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
    }
  else
    sqlite3_finalize (stmt);
}

/* Before the connection closes: SQLite will not close with statements. */
static void
close_database (PmStore *self)
{
  g_private_replace (&statement_cache, NULL);
  g_clear_pointer (&self->checkpointer, _pm_store_checkpointer_free);
  g_clear_pointer (&self->db, sqlite3_close);
}

/* Jobs queued while a shared job runs join its transaction, and all are
 * answered after the one commit: under fifty devices pushing at once the
 * server's commits (WAL frames, fsync) were a quarter of its time. A bound
 * keeps the first job's wait short. No savepoint per job: with the
 * sub-journal in memory (temp_store) an outer savepoint made every later
 * statement walk the whole journal. A job that fails having written
 * nothing (a pull whose cursor is gone) leaves the others be; when one
 * fails after writing, the transaction is rolled back and each job runs
 * again in one of its own, as it would have alone. */
#define MAX_SHARED_COMMIT 16

static Job *
next_shared_job (PmStore *self,
                 Job     *first)
{
  Job *job;

  /* Under the queue's lock: an urgent job queued meanwhile must not end
   * up behind the one put back. */
  g_async_queue_lock (self->jobs);
  job = g_async_queue_try_pop_unlocked (self->jobs);
  /* Urgent jobs share only with urgent ones: a pull is not held up by
   * the pushes behind it. */
  if (job && (!job->shared || job->urgent != first->urgent))
    {
      g_async_queue_push_front_unlocked (self->jobs, job);
      job = NULL;
    }
  g_async_queue_unlock (self->jobs);
  return job;
}

static void
run_shared_jobs (PmStore *self,
                 Job     *first)
{
  Job *jobs[MAX_SHARED_COMMIT] = { first };
  gpointer results[MAX_SHARED_COMMIT] = { NULL };
  GError *errors[MAX_SHARED_COMMIT] = { NULL };
  gboolean together = self->db != NULL && _pm_store_exec (self->db, "BEGIN IMMEDIATE", NULL);
  guint n = 0;

  while (together)
    {
      int changes = sqlite3_total_changes (self->db);

      results[n] = jobs[n]->func (self, self->db, jobs[n]->data, &errors[n]);
      together = results[n] != NULL ||
                 (sqlite3_total_changes (self->db) == changes && !sqlite3_get_autocommit (self->db));
      n++;
      if (!together || n == MAX_SHARED_COMMIT || (jobs[n] = next_shared_job (self, first)) == NULL)
        break;
    }
  if (together && !_pm_store_exec (self->db, "COMMIT", NULL))
    together = FALSE;
  if (!together && self->db && !sqlite3_get_autocommit (self->db))
    _pm_store_exec (self->db, "ROLLBACK", NULL);

  for (guint i = 0; i < MAX (n, 1); i++)
    {
      if (!together)
        {
          if (results[i] && jobs[i]->result_free)
            jobs[i]->result_free (results[i]);
          g_clear_error (&errors[i]);
          results[i] = run_job (self, jobs[i], &errors[i]);
        }
      finish_job (jobs[i], results[i], errors[i]);
    }
}

static gpointer
worker_main (gpointer data)
{
  PmStore *self = data;
  gboolean quit = FALSE;

  while (!quit)
    {
      Job *job = g_async_queue_pop (self->jobs);
      GError *error = NULL;
      gpointer result = NULL;

      quit = job->quit;
      if (quit)
        {
          close_database (self);
          g_clear_pointer (&self->keys, pm_crypt_keys_free);
          finish_job (job, NULL, NULL);
        }
      else if (job->task && g_task_return_error_if_cancelled (job->task))
        {
          g_clear_object (&job->task);
          if (job->data_free)
            job->data_free (job->data);
          g_free (job);
        }
      else if (job->shared)
        run_shared_jobs (self, job);
      else
        {
          result = run_job (self, job, &error);
          finish_job (job, result, error);
        }
    }
  return NULL;
}

/* Urgent jobs before the others, each kind in the order queued. */
static int
urgent_first (gconstpointer a,
              gconstpointer b,
              gpointer      unused)
{
  return ((const Job *) b)->urgent - ((const Job *) a)->urgent;
}

/* Another thread (a sync) may queue work while the store closes: a job
 * queued after the quit job would wait forever, so it is refused. */
static gboolean
queue_job (PmStore  *self,
           Job      *job,
           GError  **error)
{
  gboolean open;

  g_mutex_lock (&self->queue_lock);
  open = !self->closing;
  if (open)
    {
      self->closing = job->quit;
      if (job->urgent)
        g_async_queue_push_sorted (self->jobs, job, urgent_first, NULL);
      else
        g_async_queue_push (self->jobs, job);
    }
  g_mutex_unlock (&self->queue_lock);
  if (!open)
    g_set_error (error, PM_ERROR, PM_ERROR_STORE, _("The store is closed"));
  return open;
}

static gpointer
run_job_sync (PmStore  *self,
              Job      *job,
              GError  **error)
{
  gpointer result;

  g_mutex_init (&job->lock);
  g_cond_init (&job->cond);
  if (!queue_job (self, job, error))
    {
      g_mutex_clear (&job->lock);
      g_cond_clear (&job->cond);
      return NULL;
    }

  g_mutex_lock (&job->lock);
  while (!job->done)
    g_cond_wait (&job->cond, &job->lock);
  g_mutex_unlock (&job->lock);

  result = job->result;
  if (job->error)
    g_propagate_error (error, job->error);
  g_mutex_clear (&job->lock);
  g_cond_clear (&job->cond);
  return result;
}

gpointer
_pm_store_run_sync (PmStore         *self,
                    PmStoreJobFunc   func,
                    gpointer         data,
                    GError         **error)
{
  Job job = { .func = func, .data = data };

  g_return_val_if_fail (PM_IS_STORE (self), NULL);
  g_return_val_if_fail (g_thread_self () != self->worker, NULL);
  return run_job_sync (self, &job, error);
}

/**
 * _pm_store_run_sync_full:
 * @flags: #PM_STORE_JOB_SHARED: the job may share its transaction with the
 *   shared jobs queued after it (one commit for all); it still succeeds or
 *   fails alone, and returns only after the commit.
 *   #PM_STORE_JOB_URGENT: it runs before the queued jobs that are not
 *   urgent (a device's pull need not wait for other devices' pushes).
 * @result_free: frees a result whose shared commit failed
 *
 * _pm_store_run_sync() for the server's requests, which come from many
 * devices at once.
 */
gpointer
_pm_store_run_sync_full (PmStore         *self,
                         PmStoreJobFunc   func,
                         gpointer         data,
                         PmStoreJobFlags  flags,
                         GDestroyNotify   result_free,
                         GError         **error)
{
  Job job = { .func = func, .data = data, .result_free = result_free,
              .shared = (flags & PM_STORE_JOB_SHARED) != 0, .urgent = (flags & PM_STORE_JOB_URGENT) != 0 };

  g_return_val_if_fail (PM_IS_STORE (self), NULL);
  g_return_val_if_fail (g_thread_self () != self->worker, NULL);
  return run_job_sync (self, &job, error);
}

/* Jobs waiting for the worker (not the one it runs). */
int
_pm_store_queued_jobs (PmStore *self)
{
  g_return_val_if_fail (PM_IS_STORE (self), -1);
  /* Less one for each thread waiting, the worker when idle. */
  return MAX (g_async_queue_length (self->jobs), 0);
}

void
_pm_store_run_async (PmStore             *self,
                     PmStoreJobFunc       func,
                     gpointer             data,
                     GDestroyNotify       data_free,
                     GDestroyNotify       result_free,
                     gpointer             source_tag,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  Job *job = g_new0 (Job, 1);
  GError *error = NULL;

  job->func = func;
  job->data = data;
  job->data_free = data_free;
  job->result_free = result_free;
  job->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (job->task, source_tag);
  if (!queue_job (self, job, &error))
    {
      g_task_return_error (job->task, g_steal_pointer (&error));
      finish_job (job, NULL, NULL);
    }
}

/* Opening and closing */

static gboolean
read_or_make_device_id (PmStore  *self,
                        GError  **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean ok = FALSE;

  if (sqlite3_prepare_v2 (self->db, "SELECT value FROM meta WHERE key = 'device_id'", -1, &stmt, NULL) != SQLITE_OK)
    goto out;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    self->device_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  stmt = NULL;

  if (self->device_id == NULL)
    {
      /* Names this store in audit entries and, later, to the server. */
      self->device_id = g_uuid_string_random ();
      if (sqlite3_prepare_v2 (self->db, "INSERT INTO meta (key, value) VALUES ('device_id', ?)", -1, &stmt, NULL) != SQLITE_OK)
        goto out;
      sqlite3_bind_text (stmt, 1, self->device_id, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        goto out;
    }
  ok = TRUE;

out:
  if (!ok)
    _pm_store_set_sql_error (error, self->db, "Reading the device id");
  sqlite3_finalize (stmt);
  return ok;
}

/* Without a second connection SQLite checkpoints in the commits, as it
 * would anyway: slower commits, nothing else lost. */
static void
start_checkpointer (PmStore *self)
{
  g_autoptr(GError) error = NULL;
  sqlite3 *second = pm_crypt_open (self->path, self->keys, PM_CRYPT_JOURNAL_WAL, &error);

  if (second)
    self->checkpointer = _pm_store_checkpointer_new (self->db, second);
  else
    g_warning ("The store's WAL is checkpointed in its commits: %s", error->message);
}

static gpointer
open_job (PmStore  *self,
          sqlite3  *unused,
          gpointer  data,
          GError  **error)
{
  /* The keys stay (in locked memory) until the store closes: a sync drops
   * the key slots of staff the server removed, which takes them. */
  sqlite3 *db = pm_crypt_open (self->path, self->keys, PM_CRYPT_JOURNAL_WAL, error);

  if (db == NULL)
    return NULL;
  sqlite3_busy_timeout (db, 5000);
  self->db = db;
  /* A page read from the file is decrypted and checked first: SQLite's
   * 2 MB cache made a city's 50,000 visits decrypt their pages over and
   * over (bootstrap and pushes at half the speed). Up to 32 MB, as used. */
  if (!_pm_store_exec (db, "PRAGMA synchronous = FULL; PRAGMA cache_size = -32768;", error) ||
      !_pm_store_migrate (db, PM_STORE_SCHEMA_VERSION, error) ||
      !_pm_store_exec (db, "BEGIN IMMEDIATE", error))
    goto fail;
  if (!read_or_make_device_id (self, error) ||
      !_pm_store_read_enrolment (db, &self->enrolled, error))
    {
      _pm_store_exec (db, "ROLLBACK", NULL);
      goto fail;
    }
  if (!_pm_store_exec (db, "COMMIT", error))
    goto fail;
  start_checkpointer (self);
  return self;

fail:
  close_database (self);
  return NULL;
}

/**
 * pm_store_open:
 * @path: the store file
 * @keys: (transfer full): its unlocked keys; wiped when the store closes
 *
 * Opens (and migrates) an encrypted store. Blocks until the worker thread
 * has opened it: call it off the main thread in a GUI.
 */
PmStore *
pm_store_open (const char   *path,
               PmCryptKeys  *keys,
               GError      **error)
{
  g_autoptr(PmStore) self = NULL;
  Job job = { .func = open_job, .raw = TRUE };
  guint n_types;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (keys != NULL, NULL);

  self = g_object_new (PM_TYPE_STORE, NULL);
  self->path = g_strdup (path);
  self->keys = keys;
  /* The worker builds records of every kind: their classes must exist. */
  pm_model_get_types (&n_types);
  if (!pm_crypt_init (error))
    return NULL;
  self->worker = g_thread_new ("pm-store", worker_main, self);
  if (run_job_sync (self, &job, error) == NULL)
    return NULL;
  return g_steal_pointer (&self);
}

void
pm_store_close (PmStore *self)
{
  Job job = { .quit = TRUE };
  g_autoptr(GError) error = NULL;

  g_return_if_fail (PM_IS_STORE (self));
  if (self->worker == NULL)
    return;
  /* Jobs queued before this one still run; the worker closes SQLite last. */
  run_job_sync (self, &job, &error);
  if (error)
    return;  /* closed already */
  g_thread_join (self->worker);
  self->worker = NULL;
}

static void
pm_store_finalize (GObject *object)
{
  PmStore *self = PM_STORE (object);

  pm_store_close (self);
  g_async_queue_unref (self->jobs);
  g_clear_pointer (&self->keys, pm_crypt_keys_free);
  g_free (self->path);
  g_free (self->device_id);
  g_free (self->actor_id);
  g_free (self->actor_department);
  g_mutex_clear (&self->actor_lock);
  g_mutex_clear (&self->queue_lock);

  G_OBJECT_CLASS (pm_store_parent_class)->finalize (object);
}

static void
pm_store_class_init (PmStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pm_store_finalize;
}

static void
pm_store_init (PmStore *self)
{
  self->jobs = g_async_queue_new ();
  self->actor_role = PM_ROLE_INVALID;
  g_mutex_init (&self->actor_lock);
  g_mutex_init (&self->queue_lock);
}

const char *
pm_store_get_path (PmStore *self)
{
  g_return_val_if_fail (PM_IS_STORE (self), NULL);
  return self->path;
}

const char *
pm_store_get_device_id (PmStore *self)
{
  g_return_val_if_fail (PM_IS_STORE (self), NULL);
  return self->device_id;
}

static gpointer
schema_version_job (PmStore  *self,
                    sqlite3  *db,
                    gpointer  data,
                    GError  **error)
{
  return GINT_TO_POINTER (_pm_store_schema_version (db) + 1);
}

int
pm_store_get_schema_version (PmStore *self)
{
  return GPOINTER_TO_INT (_pm_store_run_sync (self, schema_version_job, NULL, NULL)) - 1;
}

/**
 * pm_store_set_actor:
 *
 * Who acts from now on: every write and audit entry names them, and what
 * the store hands out follows their role and department (core/rules/pm-access.c).
 */
void
pm_store_set_actor (PmStore    *self,
                    const char *staff_id,
                    PmRole      role,
                    const char *department)
{
  g_return_if_fail (PM_IS_STORE (self));
  g_mutex_lock (&self->actor_lock);
  g_free (self->actor_id);
  self->actor_id = g_strdup (staff_id);
  self->actor_role = role;
  g_free (self->actor_department);
  self->actor_department = g_strdup (department);
  g_mutex_unlock (&self->actor_lock);
}

PmRole
pm_store_get_actor_role (PmStore *self)
{
  PmRole role;

  g_return_val_if_fail (PM_IS_STORE (self), PM_ROLE_INVALID);
  g_mutex_lock (&self->actor_lock);
  role = self->actor_role;
  g_mutex_unlock (&self->actor_lock);
  return role;
}

char *
pm_store_dup_actor_department (PmStore *self)
{
  char *department;

  g_return_val_if_fail (PM_IS_STORE (self), NULL);
  g_mutex_lock (&self->actor_lock);
  department = g_strdup (self->actor_department);
  g_mutex_unlock (&self->actor_lock);
  return department;
}

const char *
pm_store_get_actor_id (PmStore *self)
{
  g_return_val_if_fail (PM_IS_STORE (self), NULL);
  return self->actor_id;
}

/* Rows and records */

static PmRecord *
record_from_row (GType          type,
                 sqlite3_stmt  *stmt,
                 GError       **error)
{
  g_autoptr(JsonNode) node = json_from_string ((const char *) sqlite3_column_text (stmt, 4), NULL);
  g_autoptr(PmRecord) record = NULL;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, PM_ERROR, PM_ERROR_STORE, "Record %s has unreadable data",
                   (const char *) sqlite3_column_text (stmt, 0));
      return NULL;
    }
  record = pm_record_new_from_json (type, json_node_get_object (node), error);
  if (record == NULL)
    return NULL;
  pm_record_set_id (record, (const char *) sqlite3_column_text (stmt, 0));
  pm_record_set_version (record, sqlite3_column_int64 (stmt, 1));
  pm_record_set_timestamps (record,
                            (const char *) sqlite3_column_text (stmt, 2),
                            (const char *) sqlite3_column_text (stmt, 3));
  return g_steal_pointer (&record);
}

static gboolean
needs_escape (char c)
{
  return c == '\\' || c == '"' || (c > 0 && c < 0x1f) || c == 0x7f;
}

/* A string as json-glib 1.6's generator writes it, byte for byte (0x1f
 * goes unescaped there, and so here). Runs without an escape are copied
 * whole: a byte at a time was half the cost of a record's data. */
static void
append_json_string (GString    *out,
                    const char *s)
{
  g_string_append_c (out, '"');
  for (const char *p = s; *p; p++)
    {
      const char *run = p;

      while (*p && !needs_escape (*p))
        p++;
      g_string_append_len (out, run, p - run);
      if (*p == '\0')
        break;
      if (*p == '\\' || *p == '"')
        {
          g_string_append_c (out, '\\');
          g_string_append_c (out, *p);
        }
      else
        switch (*p)
          {
          case '\b':
            g_string_append (out, "\\b");
            break;
          case '\f':
            g_string_append (out, "\\f");
            break;
          case '\n':
            g_string_append (out, "\\n");
            break;
          case '\r':
            g_string_append (out, "\\r");
            break;
          case '\t':
            g_string_append (out, "\\t");
            break;
          default:
            g_string_append_printf (out, "\\u00%02x", (guint) *p);
            break;
          }
    }
  g_string_append_c (out, '"');
}

/* The data blob: the record's fields (the columns hold id, version and
 * timestamps) as the text json_to_string() gives for pm_record_to_json()
 * without those four, written straight from the fields: going through a
 * JsonObject and the generator cost a quarter of every write. */
static char *
record_data (PmRecord *record)
{
  PmRecordClass *klass = PM_RECORD_GET_CLASS (record);
  GString *out = g_string_sized_new (1024);
  gboolean first = TRUE;

  g_string_append_c (out, '{');
  for (guint i = 0; i < klass->n_fields; i++)
    {
      const PmFieldSpec *spec = &klass->fields[i];
      gpointer slot = G_STRUCT_MEMBER_P (record, spec->offset);
      gboolean pointer = spec->type == PM_FIELD_STRING || spec->type == PM_FIELD_DATE ||
                         spec->type == PM_FIELD_JSON || spec->type == PM_FIELD_STRV;
      /* Only a pointer's slot holds one (an int's may be aligned for 4 bytes). */
      const char *text = pointer ? *(const char **) slot : NULL;
      g_autoptr(JsonNode) json = NULL;
      char number[G_ASCII_DTOSTR_BUF_SIZE];

      if ((spec->flags & PM_FIELD_TRANSIENT) || (pointer && text == NULL))
        continue;
      /* Text that is not JSON is left out, as pm_record_to_json() does. */
      if (spec->type == PM_FIELD_JSON && (json = json_from_string (text, NULL)) == NULL)
        continue;
      if (!first)
        g_string_append_c (out, ',');
      first = FALSE;
      append_json_string (out, spec->name);
      g_string_append_c (out, ':');
      switch (spec->type)
        {
        case PM_FIELD_STRING:
        case PM_FIELD_DATE:
          append_json_string (out, text);
          break;
        case PM_FIELD_JSON:
          {
            g_autofree char *normal = json_to_string (json, FALSE);

            g_string_append (out, normal);
          }
          break;
        case PM_FIELD_INT:
          g_string_append_printf (out, "%" G_GINT64_FORMAT, *(gint64 *) slot);
          break;
        case PM_FIELD_DOUBLE:
          /* A double stays a double by a ".0" where the text has neither a
           * point nor an exponent (json-glib 1.6 adds it to "1e+21" too,
           * which no parser reads). */
          g_string_append (out, g_ascii_dtostr (number, sizeof number, *(double *) slot));
          if (strpbrk (number, ".eE") == NULL)
            g_string_append (out, ".0");
          break;
        case PM_FIELD_BOOLEAN:
          g_string_append (out, *(gboolean *) slot ? "true" : "false");
          break;
        case PM_FIELD_STRV:
          g_string_append_c (out, '[');
          for (char **v = *(char ***) slot; *v; v++)
            {
              if (v != *(char ***) slot)
                g_string_append_c (out, ',');
              append_json_string (out, *v);
            }
          g_string_append_c (out, ']');
          break;
        default:
          g_assert_not_reached ();
        }
    }
  g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
}

static void
bind_column (sqlite3_stmt      *stmt,
             int                index,
             PmRecord          *record,
             const PmFieldSpec *spec)
{
  switch (spec->type)
    {
    case PM_FIELD_STRING:
    case PM_FIELD_DATE:
      sqlite3_bind_text (stmt, index, pm_record_get_string (record, spec->name), -1, SQLITE_TRANSIENT);
      break;
    case PM_FIELD_INT:
      sqlite3_bind_int64 (stmt, index, pm_record_get_int (record, spec->name));
      break;
    case PM_FIELD_DOUBLE:
      sqlite3_bind_double (stmt, index, pm_record_get_double (record, spec->name));
      break;
    case PM_FIELD_BOOLEAN:
      sqlite3_bind_int (stmt, index, pm_record_get_boolean (record, spec->name));
      break;
    default:
      g_assert_not_reached ();
    }
}

static char *
build_write_sql (PmRecordClass *klass,
                 gboolean       update)
{
  GString *sql = g_string_new (NULL);
  GString *values = g_string_new (NULL);

  if (update)
    g_string_append_printf (sql, "UPDATE %s SET version = ?1, updated_at = ?3, data = ?5", klass->table);
  else
    g_string_append_printf (sql, "INSERT INTO %s (id, version, created_at, updated_at, data", klass->table);
  for (guint i = 0, n = 6; i < klass->n_fields; i++)
    {
      if (!(klass->fields[i].flags & PM_FIELD_COLUMN))
        continue;
      if (update)
        g_string_append_printf (sql, ", %s = ?%u", klass->fields[i].name, n++);
      else
        {
          g_string_append_printf (sql, ", %s", klass->fields[i].name);
          g_string_append_printf (values, ", ?%u", n++);
        }
    }
  if (update)
    g_string_append (sql, " WHERE id = ?4");
  else
    g_string_append_printf (sql, ") VALUES (?4, ?1, ?2, ?3, ?5%s)", values->str);
  g_string_free (values, TRUE);
  return g_string_free (sql, FALSE);
}

/* The statements a record class is read and written with, built once per
 * class and kept for the process's life (found by address in the
 * statement cache): building them for every record written showed high
 * in profiles. */
typedef struct
{
  char *select_row;    /* a whole row by id, as record_from_row() reads it */
  char *select_stored; /* what a write checks of the stored row */
  char *select_stamp;  /* the same without the data, for the server's rows */
  char *insert;
  char *update;
} RecordSql;

static const RecordSql *
record_sql (PmRecordClass *klass)
{
  static GMutex lock;
  static GHashTable *by_type;
  GType type = G_TYPE_FROM_CLASS (klass);
  RecordSql *sql;

  g_mutex_lock (&lock);
  if (by_type == NULL)
    by_type = g_hash_table_new (NULL, NULL);
  sql = g_hash_table_lookup (by_type, GSIZE_TO_POINTER (type));
  if (sql == NULL)
    {
      sql = g_new0 (RecordSql, 1);
      sql->select_row = g_strdup_printf ("SELECT id, version, created_at, updated_at, data FROM %s WHERE id = ? ORDER BY rowid",
                                         klass->table);
      sql->select_stored = g_strdup_printf ("SELECT version, created_at, data FROM %s WHERE id = ?", klass->table);
      sql->select_stamp = g_strdup_printf ("SELECT version, created_at FROM %s WHERE id = ?", klass->table);
      sql->insert = build_write_sql (klass, FALSE);
      sql->update = build_write_sql (klass, TRUE);
      g_hash_table_insert (by_type, GSIZE_TO_POINTER (type), sql);
    }
  g_mutex_unlock (&lock);
  return sql;
}

typedef struct
{
  gint64  version;
  char   *created_at;
  char   *updated_at;
} Stamp;

static void
stamp_clear (Stamp *stamp)
{
  g_free (stamp->created_at);
  g_free (stamp->updated_at);
}

static char *
stored_status (sqlite3_stmt *stmt)
{
  g_autoptr(JsonNode) node = json_from_string ((const char *) sqlite3_column_text (stmt, 2), NULL);
  JsonObject *object = node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;

  return object && json_object_has_member (object, "status")
    ? g_strdup (json_object_get_string_member (object, "status"))
    : NULL;
}

static gboolean
check_status_change (PmRecord    *record,
                     const char  *old_status,
                     PmRole       role,
                     GError     **error)
{
  const char *new_status;

  if (old_status == NULL || !pm_record_class_find_field (PM_RECORD_GET_CLASS (record), "status"))
    return TRUE;
  new_status = pm_record_get_string (record, "status");
  if (g_strcmp0 (old_status, new_status) == 0)
    return TRUE;
  if (PM_IS_VISIT (record))
    return pm_visit_status_check_transition (old_status, new_status, role, error);
  if (PM_IS_CASE (record))
    return pm_case_status_check_transition (old_status, new_status, role, error);
  return TRUE;
}

/* The time a write is stamped with, read once and only where needed. */
static const char *
write_time (char **now)
{
  if (*now == NULL)
    *now = pm_clock_timestamp ();
  return *now;
}

/* The audit entry of @action on @record by @actor_id, checked: a pushed
 * record is refused before a row of it is written (no savepoint undoes
 * it, see try_write() in pm-store-sync.c). */
static PmAuditEntry *
audit_entry_for (PmStore     *self,
                 const char  *actor_id,
                 const char  *action,
                 PmRecord    *record,
                 GError     **error)
{
  g_autofree char *now = pm_clock_timestamp ();
  g_autoptr(PmAuditEntry) entry = pm_audit_entry_new_for (actor_id, action, pm_record_get_kind (record),
                                                          pm_record_get_id (record), now, self->device_id);

  return pm_record_validate (PM_RECORD (entry), error) ? g_steal_pointer (&entry) : NULL;
}

static gboolean write_audit_entry (PmStore       *self,
                                   sqlite3       *db,
                                   PmAuditEntry  *entry,
                                   GError       **error);

/* @made_at: (nullable): when this store made the record itself, with a new
 * id (an audit entry): it is not looked up (it cannot be stored yet), and
 * this time stamps it */
static gboolean
write_record (PmStore     *self,
              sqlite3     *db,
              PmRecord    *record,
              const char  *actor_id,
              PmRole       role,
              PmWriteMode  mode,
              const char  *made_at,
              Stamp       *stamp,
              GError     **error)
{
  PmRecordClass *klass = PM_RECORD_GET_CLASS (record);
  const RecordSql *sql = record_sql (klass);
  g_autofree char *data = NULL;
  g_autofree char *now = g_strdup (made_at);
  g_autofree char *old_status = NULL;
  g_autofree char *old_data = NULL;
  g_autoptr(PmAuditEntry) audit = NULL;
  sqlite3_stmt *stmt = NULL;
  gboolean remote = mode == PM_WRITE_REMOTE || mode == PM_WRITE_PULLED;
  gboolean exists = FALSE;
  gboolean ok = FALSE;
  gint64 stored_version = 0;

  /* The server's rows come checked, and filtered for this device. */
  if (!remote && !pm_record_validate (record, error))
    return FALSE;

  if (made_at == NULL)
    {
      /* The server's rows are taken as they come: their stored data is
       * not compared with anything. */
      stmt = prepare_lasting (db, remote ? sql->select_stamp : sql->select_stored, NULL);
      if (stmt == NULL)
        goto sql_error;
      sqlite3_bind_text (stmt, 1, pm_record_get_id (record), -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        {
          exists = TRUE;
          stored_version = sqlite3_column_int64 (stmt, 0);
          stamp->created_at = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
          if (!remote)
            {
              old_status = stored_status (stmt);
              old_data = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
            }
        }
      g_clear_pointer (&stmt, _pm_store_release);
    }

  /* Only a server restored from a backup sends a row older than ours: ours stays. */
  if (mode == PM_WRITE_PULLED && exists && stored_version > pm_record_get_version (record))
    return TRUE;
  if (remote)
    {
      /* The server decided; its version stands. */
      stamp->version = pm_record_get_version (record);
      if (stamp->created_at == NULL)
        stamp->created_at = g_strdup (pm_record_get_created_at (record) ? pm_record_get_created_at (record)
                                                                        : write_time (&now));
    }
  else if (exists)
    {
      if (PM_IS_AUDIT_ENTRY (record))
        {
          g_set_error (error, PM_ERROR, PM_ERROR_DENIED, _("Audit entries cannot be changed"));
          return FALSE;
        }
      /* Optimistic locking: the edit must be based on the stored version. */
      if (pm_record_get_version (record) != stored_version)
        {
          g_set_error (error, PM_ERROR, PM_ERROR_CONFLICT,
                       _("The record was changed meanwhile (version %d, edit based on %d); reload it"),
                       (int) stored_version, (int) pm_record_get_version (record));
          return FALSE;
        }
      if (!check_status_change (record, old_status, role, error))
        return FALSE;
      stamp->version = stored_version + 1;
    }
  else
    {
      stamp->version = MAX (pm_record_get_version (record), 1);
      stamp->created_at = g_strdup (pm_record_get_created_at (record) ? pm_record_get_created_at (record)
                                                                      : write_time (&now));
    }
  if (!remote && !_pm_store_check_referral_consents (db, record, old_data, error))
    return FALSE;
  if (!remote && !PM_IS_AUDIT_ENTRY (record) &&
      (audit = audit_entry_for (self, actor_id, exists ? "update" : "create", record, error)) == NULL)
    return FALSE;
  stamp->updated_at = g_strdup (remote && pm_record_get_updated_at (record)
                                ? pm_record_get_updated_at (record) : write_time (&now));

  data = record_data (record);
  if ((stmt = prepare_lasting (db, exists ? sql->update : sql->insert, NULL)) == NULL)
    goto sql_error;
  sqlite3_bind_int64 (stmt, 1, stamp->version);
  sqlite3_bind_text (stmt, 2, stamp->created_at, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, stamp->updated_at, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, pm_record_get_id (record), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, data, -1, SQLITE_STATIC);
  for (guint i = 0, n = 6; i < klass->n_fields; i++)
    if (klass->fields[i].flags & PM_FIELD_COLUMN)
      bind_column (stmt, n++, record, &klass->fields[i]);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    goto sql_error;
  ok = TRUE;

sql_error:
  if (!ok)
    _pm_store_set_sql_error (error, db, "Saving a record");
  _pm_store_release (stmt);
  if (!ok || PM_IS_AUDIT_ENTRY (record) || remote)
    return ok;
  if (!write_audit_entry (self, db, audit, error) ||
      !_pm_store_log_change (db, record, mode == PM_WRITE_PUSHED ? self->pushing_device : NULL, error))
    return FALSE;
  if (mode == PM_WRITE_LOCAL && self->enrolled)
    return _pm_store_queue_outbox (db, record, exists ? stored_version : 0, stamp->version,
                                   stamp->created_at, stamp->updated_at, old_data, actor_id, error);
  return TRUE;
}

static gboolean
write_audit_entry (PmStore       *self,
                   sqlite3       *db,
                   PmAuditEntry  *entry,
                   GError       **error)
{
  PmRecord *record = PM_RECORD (entry);
  const char *at = pm_record_get_string (record, "at");
  Stamp stamp = { 0 };
  gboolean ok;

  ok = write_record (self, db, record, pm_record_get_string (record, "actor_id"), PM_ROLE_INVALID, PM_WRITE_LOCAL, at,
                     &stamp, error);
  stamp_clear (&stamp);
  return ok;
}

gboolean
_pm_store_write_record (PmStore     *self,
                        sqlite3     *db,
                        PmRecord    *record,
                        const char  *actor_id,
                        PmRole       role,
                        PmWriteMode  mode,
                        gint64      *version,
                        GError     **error)
{
  Stamp stamp = { 0 };
  gboolean ok = write_record (self, db, record, actor_id, role, mode, NULL, &stamp, error);

  if (ok && version)
    *version = stamp.version;
  stamp_clear (&stamp);
  return ok;
}

/* On the store's thread only. */
PmCryptKeys *
_pm_store_get_keys (PmStore *self)
{
  assert_worker (self);
  return self->keys;
}

void
_pm_store_set_enrolled (PmStore  *self,
                        gboolean  enrolled)
{
  assert_worker (self);
  self->enrolled = enrolled;
}

void
_pm_store_set_pushing_device (PmStore    *self,
                              const char *device_id)
{
  assert_worker (self);
  self->pushing_device = device_id;
}

gboolean
_pm_store_insert_audit (PmStore     *self,
                        sqlite3     *db,
                        const char  *actor_id,
                        const char  *action,
                        PmRecord    *record,
                        GError     **error)
{
  g_autoptr(PmAuditEntry) entry = audit_entry_for (self, actor_id, action, record, error);

  return entry && write_audit_entry (self, db, entry, error);
}

typedef struct
{
  GPtrArray *records;
  GArray    *stamps;
  GPtrArray *receipts;  /* records that got a receipt number in this job */
  char      *actor_id;
  PmRole     role;
} SaveData;

static gpointer
save_job (PmStore  *self,
          sqlite3  *db,
          gpointer  data,
          GError  **error)
{
  SaveData *save = data;

  if (save->actor_id == NULL)
    {
      g_set_error (error, PM_ERROR, PM_ERROR_DENIED, _("Nobody is signed in to make this change"));
      return NULL;
    }
  /* Another process (pepamo-cli enrol) may have enrolled the store since
   * it was opened here. */
  if (!_pm_store_read_enrolment (db, &self->enrolled, error))
    return NULL;
  for (guint i = 0; i < save->records->len; i++)
    {
      PmRecord *record = g_ptr_array_index (save->records, i);
      Stamp stamp = { 0 };
      gboolean assigned = FALSE;

      if (PM_IS_CASE (record) &&
          !_pm_store_assign_receipt (db, record, save->actor_id, &assigned, error))
        return NULL;
      if (assigned)
        g_ptr_array_add (save->receipts, record);
      if (!write_record (self, db, record, save->actor_id, save->role, PM_WRITE_LOCAL, NULL, &stamp, error))
        {
          stamp_clear (&stamp);
          return NULL;
        }
      g_array_append_val (save->stamps, stamp);
    }
  return save;
}

gboolean
pm_store_save_all (PmStore    *self,
                   GPtrArray  *records,
                   GError    **error)
{
  SaveData save = { records, NULL, NULL, NULL, PM_ROLE_INVALID };
  gboolean ok;

  g_return_val_if_fail (PM_IS_STORE (self), FALSE);
  g_return_val_if_fail (records != NULL, FALSE);

  g_mutex_lock (&self->actor_lock);
  save.actor_id = g_strdup (self->actor_id);
  save.role = self->actor_role;
  g_mutex_unlock (&self->actor_lock);
  save.stamps = g_array_new (FALSE, TRUE, sizeof (Stamp));
  g_array_set_clear_func (save.stamps, (GDestroyNotify) stamp_clear);
  save.receipts = g_ptr_array_new ();

  ok = _pm_store_run_sync (self, save_job, &save, error) != NULL;
  /* Rolled back: the numbers were not used and will be given again. */
  for (guint i = 0; !ok && i < save.receipts->len; i++)
    pm_record_set_string (g_ptr_array_index (save.receipts, i), "receipt_no", NULL);
  g_ptr_array_unref (save.receipts);
  /* Versions and timestamps change only once the transaction committed. */
  for (guint i = 0; ok && i < records->len; i++)
    {
      PmRecord *record = g_ptr_array_index (records, i);
      Stamp *stamp = &g_array_index (save.stamps, Stamp, i);

      pm_record_set_version (record, stamp->version);
      pm_record_set_timestamps (record, stamp->created_at, stamp->updated_at);
    }
  g_array_unref (save.stamps);
  g_free (save.actor_id);
  return ok;
}

static PmRecord *
copy_record (PmRecord *record)
{
  g_autoptr(JsonObject) json = pm_record_to_json (record);
  PmRecord *copy = pm_record_new_from_json (G_OBJECT_TYPE (record), json, NULL);

  g_assert (copy != NULL);
  return copy;
}

static void
save_data_free (SaveData *save)
{
  g_ptr_array_unref (save->records);
  g_array_unref (save->stamps);
  g_ptr_array_unref (save->receipts);
  g_free (save->actor_id);
  g_free (save);
}

static gpointer
save_copies_job (PmStore  *self,
                 sqlite3  *db,
                 gpointer  data,
                 GError  **error)
{
  SaveData *save = data;

  if (save_job (self, db, save, error) == NULL)
    return NULL;
  for (guint i = 0; i < save->records->len; i++)
    {
      Stamp *stamp = &g_array_index (save->stamps, Stamp, i);

      pm_record_set_version (g_ptr_array_index (save->records, i), stamp->version);
      pm_record_set_timestamps (g_ptr_array_index (save->records, i), stamp->created_at, stamp->updated_at);
    }
  return g_ptr_array_ref (save->records);
}

/**
 * pm_store_save_all_async:
 *
 * Saves copies of @records, taken now, in one transaction off the calling
 * thread; the finish function returns the saved copies (with their new
 * versions, timestamps and receipt numbers) for the caller to show.
 */
void
pm_store_save_all_async (PmStore             *self,
                         GPtrArray           *records,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  SaveData *save = g_new0 (SaveData, 1);

  g_return_if_fail (PM_IS_STORE (self));
  save->records = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < records->len; i++)
    g_ptr_array_add (save->records, copy_record (g_ptr_array_index (records, i)));
  save->stamps = g_array_new (FALSE, TRUE, sizeof (Stamp));
  g_array_set_clear_func (save->stamps, (GDestroyNotify) stamp_clear);
  save->receipts = g_ptr_array_new ();
  g_mutex_lock (&self->actor_lock);
  save->actor_id = g_strdup (self->actor_id);
  save->role = self->actor_role;
  g_mutex_unlock (&self->actor_lock);
  _pm_store_run_async (self, save_copies_job, save, (GDestroyNotify) save_data_free,
                       (GDestroyNotify) g_ptr_array_unref, pm_store_save_all_async,
                       cancellable, callback, user_data);
}

GPtrArray *
pm_store_save_all_finish (PmStore       *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pm_store_save_all_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
pm_store_save (PmStore   *self,
               PmRecord  *record,
               GError   **error)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new ();

  g_return_val_if_fail (PM_IS_RECORD (record), FALSE);
  g_ptr_array_add (records, record);
  return pm_store_save_all (self, records, error);
}

/* A read, with who reads as it was when the read was asked for. */
typedef struct
{
  GType     type;
  char     *id;
  char     *date;
  char     *actor_id;
  char     *department;
  PmViewer  viewer;
} QueryData;

static QueryData *
query_new (PmStore    *self,
           GType       type,
           const char *id,
           const char *date)
{
  QueryData *query = g_new0 (QueryData, 1);

  g_type_class_ref (type);
  query->type = type;
  query->id = g_strdup (id);
  query->date = g_strdup (date);
  g_mutex_lock (&self->actor_lock);
  query->actor_id = g_strdup (self->actor_id);
  query->department = g_strdup (self->actor_department);
  query->viewer.role = self->actor_role;
  g_mutex_unlock (&self->actor_lock);
  query->viewer.department = query->department;
  return query;
}

static void
query_data_free (QueryData *query)
{
  g_free (query->id);
  g_free (query->date);
  g_free (query->actor_id);
  g_free (query->department);
  g_free (query);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QueryData, query_data_free)

/* The rows @stmt (bound, released here) yields; those the viewer may not
 * see are left out, the rest come filtered. */
static GPtrArray *
collect_records (sqlite3         *db,
                 GType            type,
                 sqlite3_stmt    *stmt,
                 const PmViewer  *viewer,
                 GError         **error)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func (g_object_unref);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      PmRecord *record = record_from_row (type, stmt, error);

      if (record == NULL)
        {
          _pm_store_release (stmt);
          return NULL;
        }
      if (viewer && !pm_access_filter (record, viewer))
        g_object_unref (record);
      else
        g_ptr_array_add (records, record);
    }
  _pm_store_release (stmt);
  if (rc != SQLITE_DONE)
    {
      _pm_store_set_sql_error (error, db, "Reading records");
      return NULL;
    }
  return g_steal_pointer (&records);
}

static GPtrArray *
select_records (sqlite3         *db,
                GType            type,
                const char      *where,
                const char      *order,
                const char      *arg,
                const PmViewer  *viewer,
                GError         **error)
{
  PmRecordClass *klass = g_type_class_peek (type);
  g_autofree char *sql = g_strdup_printf ("SELECT id, version, created_at, updated_at, data FROM %s%s%s ORDER BY %s",
                                          klass->table, where ? " WHERE " : "", where ? where : "",
                                          order ? order : "rowid");
  sqlite3_stmt *stmt = NULL;

  if ((stmt = _pm_store_prepare (db, sql, error)) == NULL)
    return NULL;
  if (arg)
    sqlite3_bind_text (stmt, 1, arg, -1, SQLITE_STATIC);
  return collect_records (db, type, stmt, viewer, error);
}

/**
 * _pm_store_prepare_row:
 *
 * The statement that reads a whole row of @type by its id (bind it as ?1):
 * id, version, created_at, updated_at, data. Give it back with
 * _pm_store_release().
 */
sqlite3_stmt *
_pm_store_prepare_row (sqlite3   *db,
                       GType      type,
                       GError   **error)
{
  return prepare_lasting (db, record_sql (g_type_class_peek (type))->select_row, error);
}

/* The record @id of @type as a list of none or one, filtered for @viewer. */
static GPtrArray *
select_by_id (sqlite3         *db,
              GType            type,
              const char      *id,
              const PmViewer  *viewer,
              GError         **error)
{
  sqlite3_stmt *stmt = _pm_store_prepare_row (db, type, error);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  return collect_records (db, type, stmt, viewer, error);
}

/* For the store's other files: rows of @type the viewer may see, filtered. */
GPtrArray *
_pm_store_select_records (sqlite3         *db,
                          GType            type,
                          const PmViewer  *viewer,
                          GError         **error)
{
  return select_records (db, type, NULL, NULL, NULL, viewer, error);
}

/* For the store's other files: an audit entry in the running transaction. */
PmRecord *
_pm_store_read_record (sqlite3     *db,
                       GType        type,
                       const char  *id,
                       GError     **error)
{
  g_autoptr(GPtrArray) found = select_by_id (db, type, id, NULL, error);

  if (found == NULL)
    return NULL;
  if (found->len == 0)
    {
      g_set_error (error, PM_ERROR, PM_ERROR_NOT_FOUND, _("No record with the id %s"), id);
      return NULL;
    }
  return g_object_ref (g_ptr_array_index (found, 0));
}

static gpointer
get_job (PmStore  *self,
         sqlite3  *db,
         gpointer  data,
         GError  **error)
{
  QueryData *query = data;
  g_autoptr(GPtrArray) found = select_by_id (db, query->type, query->id, NULL, error);
  PmRecord *record;

  if (found == NULL)
    return NULL;
  if (found->len == 0)
    {
      g_set_error (error, PM_ERROR, PM_ERROR_NOT_FOUND, _("No record with the id %s"), query->id);
      return NULL;
    }
  record = g_ptr_array_index (found, 0);
  if (!pm_access_filter (record, &query->viewer))
    {
      g_set_error (error, PM_ERROR, PM_ERROR_DENIED,
                   _("This record belongs to another department; you may not open it"));
      return NULL;
    }
  /* Opening a counselling record or a case is a read worth recording. */
  if (pm_access_is_audited (record) &&
      !_pm_store_insert_audit (self, db, query->actor_id, "read", record, error))
    return NULL;
  return g_object_ref (record);
}

PmRecord *
pm_store_get (PmStore     *self,
              GType        type,
              const char  *id,
              GError     **error)
{
  g_autoptr(QueryData) query = NULL;

  g_return_val_if_fail (g_type_is_a (type, PM_TYPE_RECORD), NULL);
  g_return_val_if_fail (id != NULL, NULL);
  query = query_new (self, type, id, NULL);
  return _pm_store_run_sync (self, get_job, query, error);
}

void
pm_store_get_async (PmStore             *self,
                    GType                type,
                    const char          *id,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  QueryData *query;

  g_return_if_fail (g_type_is_a (type, PM_TYPE_RECORD));
  query = query_new (self, type, id, NULL);
  _pm_store_run_async (self, get_job, query, (GDestroyNotify) query_data_free, g_object_unref,
                       pm_store_get_async, cancellable, callback, user_data);
}

PmRecord *
pm_store_get_finish (PmStore       *self,
                     GAsyncResult  *result,
                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pm_store_get_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static char *persons_of (sqlite3        *db,
                         PmVisit        *visit,
                         const PmViewer *viewer);

/* The names of the persons visited, as lists of visits show them. */
static GPtrArray *
with_persons (sqlite3        *db,
              GPtrArray      *visits,
              const PmViewer *viewer)
{
  for (guint i = 0; visits && i < visits->len; i++)
    {
      PmRecord *visit = g_ptr_array_index (visits, i);
      g_autofree char *persons = persons_of (db, PM_VISIT (visit), viewer);

      pm_record_set_string (visit, "persons", persons);
    }
  return visits;
}

static gpointer
list_job (PmStore  *self,
          sqlite3  *db,
          gpointer  data,
          GError  **error)
{
  QueryData *query = data;
  GPtrArray *records = select_records (db, query->type, NULL, NULL, NULL, &query->viewer, error);

  return query->type == PM_TYPE_VISIT ? with_persons (db, records, &query->viewer) : records;
}

GPtrArray *
pm_store_list (PmStore     *self,
               GType        type,
               GError     **error)
{
  g_autoptr(QueryData) query = NULL;

  g_return_val_if_fail (g_type_is_a (type, PM_TYPE_RECORD), NULL);
  query = query_new (self, type, NULL, NULL);
  return _pm_store_run_sync (self, list_job, query, error);
}

/* Every record of a type the acting person may see (visits with the
 * names of their persons). */
void
pm_store_list_async (PmStore             *self,
                     GType                type,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_return_if_fail (g_type_is_a (type, PM_TYPE_RECORD));
  _pm_store_run_async (self, list_job, query_new (self, type, NULL, NULL), (GDestroyNotify) query_data_free,
                       (GDestroyNotify) g_ptr_array_unref, pm_store_list_async, cancellable, callback,
                       user_data);
}

GPtrArray *
pm_store_list_finish (PmStore       *self,
                      GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pm_store_list_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static gpointer
count_job (PmStore  *self,
           sqlite3  *db,
           gpointer  data,
           GError  **error)
{
  QueryData *query = data;
  PmRecordClass *klass = g_type_class_peek (query->type);
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s", klass->table);
  sqlite3_stmt *stmt = NULL;
  gint64 *count = NULL;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) == SQLITE_OK && sqlite3_step (stmt) == SQLITE_ROW)
    {
      count = g_new (gint64, 1);
      *count = sqlite3_column_int64 (stmt, 0);
    }
  else
    _pm_store_set_sql_error (error, db, "Counting records");
  sqlite3_finalize (stmt);
  return count;
}

gint64
pm_store_count (PmStore     *self,
                GType        type,
                GError     **error)
{
  g_autoptr(QueryData) query = NULL;
  g_autofree gint64 *count = NULL;

  g_return_val_if_fail (g_type_is_a (type, PM_TYPE_RECORD), -1);
  query = query_new (self, type, NULL, NULL);
  count = _pm_store_run_sync (self, count_job, query, error);
  return count ? *count : -1;
}

typedef struct
{
  PmRecord   *record;
  const char *action;
  char       *actor_id;
} ReadLog;

static gpointer
log_read_job (PmStore  *self,
              sqlite3  *db,
              gpointer  data,
              GError  **error)
{
  ReadLog *log = data;

  if (log->actor_id == NULL)
    {
      g_set_error (error, PM_ERROR, PM_ERROR_DENIED, _("Nobody is signed in to open this record"));
      return NULL;
    }
  return _pm_store_insert_audit (self, db, log->actor_id, log->action, log->record, error) ? log : NULL;
}

gboolean
pm_store_log_read (PmStore     *self,
                   PmRecord    *record,
                   const char  *action,
                   GError     **error)
{
  ReadLog log = { record, action, NULL };
  gboolean ok;

  g_return_val_if_fail (PM_IS_STORE (self), FALSE);
  g_mutex_lock (&self->actor_lock);
  log.actor_id = g_strdup (self->actor_id);
  g_mutex_unlock (&self->actor_lock);
  ok = _pm_store_run_sync (self, log_read_job, &log, error) != NULL;
  g_free (log.actor_id);
  return ok;
}

/* The day's route */

static char *
persons_of (sqlite3        *db,
            PmVisit        *visit,
            const PmViewer *viewer)
{
  const char * const *ids = pm_record_get_strv (PM_RECORD (visit), "citizen_ids");
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint i = 0; ids && ids[i]; i++)
    {
      g_autoptr(GPtrArray) found = select_by_id (db, PM_TYPE_CITIZEN, ids[i], viewer, NULL);

      if (found == NULL || found->len == 0)
        continue;
      if (names->len)
        g_string_append (names, ", ");
      g_string_append_printf (names, "%s %s",
                              pm_record_get_string (g_ptr_array_index (found, 0), "given_names"),
                              pm_record_get_string (g_ptr_array_index (found, 0), "family_name"));
    }
  return g_string_free (g_steal_pointer (&names), FALSE);
}

static gpointer
visits_for_day_job (PmStore  *self,
                    sqlite3  *db,
                    gpointer  data,
                    GError  **error)
{
  QueryData *query = data;
  GPtrArray *visits;

  visits = select_records (db, PM_TYPE_VISIT, "date = ?",
                           "route_order, json_extract (data, '$.planned_start')", query->date,
                           &query->viewer, error);
  return with_persons (db, visits, &query->viewer);
}

GPtrArray *
pm_store_list_visits_for_day (PmStore     *self,
                              const char  *date,
                              GError     **error)
{
  g_autoptr(QueryData) query = NULL;

  g_return_val_if_fail (date != NULL, NULL);
  query = query_new (self, PM_TYPE_VISIT, NULL, date);
  return _pm_store_run_sync (self, visits_for_day_job, query, error);
}

void
pm_store_list_visits_for_day_async (PmStore             *self,
                                    const char          *date,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  QueryData *query;

  g_return_if_fail (date != NULL);
  query = query_new (self, PM_TYPE_VISIT, NULL, date);
  _pm_store_run_async (self, visits_for_day_job, query, (GDestroyNotify) query_data_free,
                       (GDestroyNotify) g_ptr_array_unref, pm_store_list_visits_for_day_async,
                       cancellable, callback, user_data);
}

static gpointer
visits_of_citizen_job (PmStore  *self,
                       sqlite3  *db,
                       gpointer  data,
                       GError  **error)
{
  QueryData *query = data;

  return select_records (db, PM_TYPE_VISIT,
                         "EXISTS (SELECT 1 FROM json_each (data, '$.citizen_ids') WHERE value = ?1)",
                         "date DESC, route_order", query->id, &query->viewer, error);
}

/* Every visit of one person, newest first: the history a visit page shows. */
void
pm_store_list_visits_of_citizen_async (PmStore             *self,
                                       const char          *citizen_id,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_return_if_fail (citizen_id != NULL);
  _pm_store_run_async (self, visits_of_citizen_job, query_new (self, PM_TYPE_VISIT, citizen_id, NULL),
                       (GDestroyNotify) query_data_free, (GDestroyNotify) g_ptr_array_unref,
                       pm_store_list_visits_of_citizen_async, cancellable, callback, user_data);
}

GPtrArray *
pm_store_list_visits_of_citizen_finish (PmStore       *self,
                                        GAsyncResult  *result,
                                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

GListModel *
pm_store_list_visits_for_day_finish (PmStore       *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_autoptr(GPtrArray) visits = NULL;
  GListStore *model;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pm_store_list_visits_for_day_async, NULL);

  visits = g_task_propagate_pointer (G_TASK (result), error);
  if (visits == NULL)
    return NULL;
  model = g_list_store_new (PM_TYPE_VISIT);
  g_list_store_splice (model, 0, 0, visits->pdata, visits->len);
  return G_LIST_MODEL (model);
}
