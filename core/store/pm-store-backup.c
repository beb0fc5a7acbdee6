/* pm-store-backup.c: consistent encrypted copies of a store, and putting one back
 *
 * A backup is itself an encrypted store: the same key slots as the store
 * (the same passphrases or key file open it) and a new data key, so a backup
 * is never plaintext and one copy's ciphertext says nothing about another's.
 * SQLite's online backup copies every page in one read transaction: in WAL
 * mode that is one moment of the store, taken while another process (the
 * running server) goes on writing. Both directions write a temporary file
 * next to the target and rename it into place once synced, so a crash leaves
 * the old file or the new one, never half of one.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pm-store"

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "pm-store-backup.h"
#include "pm-store-private.h"

/* In WAL mode a reader is busy only while another connection briefly holds
 * an exclusive lock (WAL recovery, a restarting checkpoint): 50 tries 100 ms
 * apart outlast that. */
#define BUSY_TRIES    50
#define BUSY_SLEEP_MS 100

static void
remove_files (const char         *path,
              const char * const *suffixes)
{
  for (guint i = 0; suffixes[i]; i++)
    {
      g_autofree char *name = g_strconcat (path, suffixes[i], NULL);

      g_unlink (name);
    }
}

/* What SQLite keeps beside a database; a stale one must not meet a new file. */
static const char * const companions[] = { "-journal", "-wal", "-shm", NULL };
static const char * const file_and_journal[] = { "", "-journal", NULL };

/* PRAGMA integrity_check or quick_check: "ok", else the first problem. */
static gboolean
check_integrity (sqlite3     *db,
                 const char  *pragma,
                 GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  g_autofree char *answer = NULL;
  int rc = sqlite3_prepare_v2 (db, pragma, -1, &stmt, NULL);

  if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    answer = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  if (answer == NULL)
    {
      pm_crypt_error_from_sqlite (error, db, rc);
      return FALSE;
    }
  if (g_strcmp0 (answer, "ok") != 0)
    {
      g_set_error (error, PM_CRYPT_ERROR, PM_CRYPT_ERROR_CORRUPT, "%s: %s", pragma, answer);
      return FALSE;
    }
  return TRUE;
}

/* Every page in one step, i.e. one read transaction on the source: steps of
 * a few pages would start over each time the server commits. */
static gboolean
copy_pages (sqlite3  *source,
            sqlite3  *dest,
            GError  **error)
{
  sqlite3_backup *backup = sqlite3_backup_init (dest, "main", source, "main");
  int rc = SQLITE_OK;
  int finish_rc;

  if (backup == NULL)
    {
      pm_crypt_error_from_sqlite (error, dest, sqlite3_errcode (dest));
      return FALSE;
    }
  for (int i = 0; i < BUSY_TRIES; i++)
    {
      rc = sqlite3_backup_step (backup, -1);
      if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED)
        break;
      sqlite3_sleep (BUSY_SLEEP_MS);
    }
  finish_rc = sqlite3_backup_finish (backup);
  if (rc != SQLITE_DONE)
    {
      pm_crypt_error_from_sqlite (error, dest, finish_rc != SQLITE_OK ? finish_rc : rc);
      return FALSE;
    }
  return TRUE;
}

/**
 * pm_store_backup:
 * @path: the store; other processes may be writing to it
 * @keys: its unlocked keys
 * @backup_path: where the backup goes; an existing file there is replaced
 *   only once the new backup is complete and synced
 *
 * Writes a consistent copy of the store as an encrypted store that opens with
 * the same secrets, and checks that it reads back (PRAGMA quick_check).
 */
gboolean
pm_store_backup (const char   *path,
                 PmCryptKeys  *keys,
                 const char   *backup_path,
                 GError      **error)
{
  g_autofree char *temp = g_strconcat (backup_path, ".partial", NULL);
  g_autoptr(PmCryptKeys) copy_keys = NULL;
  sqlite3 *source = NULL;
  sqlite3 *dest = NULL;
  gboolean ok;

  g_return_val_if_fail (path != NULL && keys != NULL && backup_path != NULL, FALSE);

  if (!pm_crypt_init (error))
    return FALSE;
  remove_files (temp, file_and_journal);
  copy_keys = pm_crypt_create_copy (path, keys, temp, error);
  if (copy_keys == NULL)
    return FALSE;
  ok = (source = pm_crypt_open (path, keys, PM_CRYPT_JOURNAL_WAL, error)) != NULL
       && (dest = pm_crypt_open (temp, copy_keys, PM_CRYPT_JOURNAL_DELETE, error)) != NULL;
  if (ok)
    {
      sqlite3_busy_timeout (source, BUSY_TRIES * BUSY_SLEEP_MS);
      /* The copied page 1 says WAL like the source's; the backup is one
       * self-contained file, so it is switched back. */
      ok = copy_pages (source, dest, error)
           && _pm_store_exec (dest, "PRAGMA journal_mode = DELETE", error)
           && check_integrity (dest, "PRAGMA quick_check", error);
    }
  sqlite3_close (dest);
  sqlite3_close (source);
  ok = ok && pm_crypt_replace_file (temp, backup_path, error);
  if (!ok)
    remove_files (temp, file_and_journal);
  return ok;
}

static gboolean
copy_file (const char  *from,
           const char  *to,
           GError     **error)
{
  g_autoptr(GFile) source = g_file_new_for_path (from);
  g_autoptr(GFile) target = g_file_new_for_path (to);
  g_autoptr(GFileInputStream) in = g_file_read (source, NULL, error);
  g_autoptr(GFileOutputStream) out = NULL;

  if (in == NULL)
    return FALSE;
  /* PRIVATE: 0600 like every store file. */
  out = g_file_create (target, G_FILE_CREATE_PRIVATE, NULL, error);
  return out != NULL
         && g_output_stream_splice (G_OUTPUT_STREAM (out), G_INPUT_STREAM (in),
                                    G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE | G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                                    NULL, error) >= 0;
}

/* The copy about to become the store: it opens with the keys, passes
 * PRAGMA integrity_check and has a schema this version knows. */
static gboolean
check_copy (const char   *temp,
            PmCryptKeys  *keys,
            GError      **error)
{
  sqlite3 *db = pm_crypt_open (temp, keys, PM_CRYPT_JOURNAL_DELETE, error);
  /* A new epoch before the copy takes the store's place: no cursor given
   * out before counts, even if the server stops right after the rename. */
  gboolean ok = db != NULL
                && check_integrity (db, "PRAGMA integrity_check", error)
                && _pm_store_check_schema_known (_pm_store_schema_version (db), error)
                && _pm_store_renew_epoch (db, error);

  sqlite3_close (db);
  return ok;
}

/**
 * pm_store_restore_backup:
 * @backup_path: a backup made by pm_store_backup()
 * @keys: its keys, unlocked by the caller (a wrong key fails there)
 * @path: the store to replace or create; nothing may have it open
 *
 * Checks every page of the backup, copies it next to @path, checks the copy
 * with PRAGMA integrity_check, gives it a new store epoch (a server's
 * cursors given out before are answered "pull again from 0") and only then
 * renames it over @path: when a check fails, nothing at @path has changed.
 */
gboolean
pm_store_restore_backup (const char   *backup_path,
                         PmCryptKeys  *keys,
                         const char   *path,
                         GError      **error)
{
  g_autofree char *temp = g_strconcat (path, ".restore", NULL);
  gboolean ok;

  g_return_val_if_fail (backup_path != NULL && keys != NULL && path != NULL, FALSE);

  if (!pm_crypt_verify (backup_path, keys, NULL, error))
    {
      g_prefix_error (error, "%s: ", backup_path);
      return FALSE;
    }
  remove_files (temp, file_and_journal);
  ok = copy_file (backup_path, temp, error) && check_copy (temp, keys, error);
  if (ok)
    {
      /* The old store's WAL would be played into the new file. */
      remove_files (path, companions);
      ok = pm_crypt_replace_file (temp, path, error);
    }
  if (!ok)
    {
      g_prefix_error (error, "%s: ", backup_path);
      remove_files (temp, file_and_journal);
    }
  return ok;
}
