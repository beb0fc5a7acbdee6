/* pm-crypt.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The public face of the encrypted store: creating, unlocking and opening
 * stores, managing key slots, rekeying and verifying.
 */

#define G_LOG_DOMAIN "pm-crypt"

#include "config.h"

#include "pm-crypt-private.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PM_CRYPT_RECOVERY_ID   "recovery"
#define PM_CRYPT_SERVER_ID     "server"
#define PM_CRYPT_ZERO_PREFIX   16

/* SQLite's own allocations (page cache, rows) are wiped when freed. */
static void *
zero_malloc (int n)
{
  guint8 *block = malloc ((size_t) n + PM_CRYPT_ZERO_PREFIX);
  sqlite3_int64 size = n;

  if (block == NULL)
    return NULL;
  memcpy (block, &size, sizeof size);
  return block + PM_CRYPT_ZERO_PREFIX;
}

static int
zero_size (void *p)
{
  sqlite3_int64 size;

  memcpy (&size, (guint8 *) p - PM_CRYPT_ZERO_PREFIX, sizeof size);
  return size;
}

static void
zero_free (void *p)
{
  if (p == NULL)
    return;
  sodium_memzero ((guint8 *) p - PM_CRYPT_ZERO_PREFIX, zero_size (p) + PM_CRYPT_ZERO_PREFIX);
  free ((guint8 *) p - PM_CRYPT_ZERO_PREFIX);
}

static void *
zero_realloc (void *p,
              int   n)
{
  void *fresh = zero_malloc (n);

  if (fresh != NULL && p != NULL)
    {
      memcpy (fresh, p, MIN (n, zero_size (p)));
      zero_free (p);
    }
  return fresh;
}

static int
zero_roundup (int n)
{
  return (n + 7) & ~7;
}

static int
zero_init (void *data)
{
  return SQLITE_OK;
}

static void
zero_shutdown (void *data)
{
}

static const sqlite3_mem_methods zero_methods = {
  zero_malloc, zero_free, zero_realloc, zero_size, zero_roundup, zero_init, zero_shutdown, NULL
};

static const char *
init_once (void)
{
  if (sodium_init () < 0)
    return "libsodium could not be initialised";
  if (sqlite3_config (SQLITE_CONFIG_MALLOC, &zero_methods) != SQLITE_OK)
    return "SQLite was initialised before pm_crypt_init()";
  /* Without URI filenames an ATTACH or VACUUM INTO from a store connection
   * cannot name another VFS, so it lands in "pepamo" too. */
  sqlite3_config (SQLITE_CONFIG_URI, 0);
  if (sqlite3_initialize () != SQLITE_OK)
    return "SQLite could not be initialised";
  if (pm_crypt_vfs_register (FALSE) != SQLITE_OK)
    return "The pepamo VFS could not be registered";
  return NULL;
}

gboolean
pm_crypt_init (GError **error)
{
  static gsize done;
  static const char *failure;

  if (g_once_init_enter (&done))
    {
      failure = init_once ();
      g_once_init_leave (&done, 1);
    }
  if (failure != NULL)
    {
      g_set_error_literal (error, PM_CRYPT_ERROR, PM_CRYPT_ERROR_IO, failure);
      return FALSE;
    }
  return TRUE;
}

void
pm_crypt_error_from_sqlite (GError  **error,
                            sqlite3  *db,
                            int       rc)
{
  if (pm_crypt_vfs_take_failure (error))
    return;
  g_set_error (error, PM_CRYPT_ERROR,
               (rc & 0xff) == SQLITE_CORRUPT || rc == SQLITE_NOTADB ? PM_CRYPT_ERROR_CORRUPT : PM_CRYPT_ERROR_IO,
               "SQLite: %s", db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
}

static gboolean
exec (sqlite3     *db,
      const char  *sql,
      GError     **error)
{
  int rc = sqlite3_exec (db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      pm_crypt_error_from_sqlite (error, db, rc);
      return FALSE;
    }
  return TRUE;
}

static sqlite3 *
open_connection (const char   *path,
                 PmCryptKeys  *keys,
                 const char   *journal_pragma,
                 GError      **error)
{
  char full[4096];
  sqlite3 *db = NULL;
  int reserve = PM_CRYPT_RESERVE;
  int rc;

  pm_crypt_full_path (path, full, sizeof full);
  pm_crypt_vfs_offer_keys (full, keys);
  /* A connection is only ever used by one thread at a time (the store's
   * worker, a backup's copy; the store's checkpoint connection is opened
   * and closed by the worker and used by its own thread in between, which
   * the thread's start and join keep apart): SQLite need not lock it for
   * every call, which showed in the server's profile. */
  rc = sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, PM_CRYPT_VFS_NAME);
  pm_crypt_vfs_withdraw_keys (full);
  if (rc != SQLITE_OK)
    {
      pm_crypt_error_from_sqlite (error, db, rc);
      sqlite3_close (db);
      return NULL;
    }

  /* Only takes effect while the database is still empty. */
  sqlite3_file_control (db, "main", SQLITE_FCNTL_RESERVE_BYTES, &reserve);
  if (!exec (db, "PRAGMA temp_store = MEMORY; PRAGMA mmap_size = 0;", error)
      || (journal_pragma != NULL && !exec (db, journal_pragma, error)))
    {
      sqlite3_close (db);
      return NULL;
    }
  return db;
}

sqlite3 *
pm_crypt_open (const char          *path,
               PmCryptKeys         *keys,
               PmCryptJournalMode   journal_mode,
               GError             **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (keys != NULL, NULL);

  if (!pm_crypt_init (error))
    return NULL;
  return open_connection (path, keys,
                          journal_mode == PM_CRYPT_JOURNAL_WAL ? "PRAGMA journal_mode = WAL;"
                                                               : "PRAGMA journal_mode = DELETE;",
                          error);
}

static PmCryptKeys *
keys_copy (const PmCryptKeys *keys)
{
  PmCryptKeys *copy = pm_crypt_keys_new ();

  memcpy (copy, keys, sizeof *copy);
  return copy;
}

static PmCryptSlotSpec
recovery_spec (const guint8 *key)
{
  PmCryptSlotSpec spec = {
    PM_CRYPT_SLOT_RECOVERY, PM_CRYPT_RECOVERY_ID, "IT recovery key", "IT", key, PM_CRYPT_KEY_SIZE, NULL
  };

  return spec;
}

static PmCryptKeys *
create_store (const char             *path,
              const PmCryptSlotSpec  *first,
              PmCryptSecret         **recovery_key,
              GError                **error)
{
  g_autoptr(PmCryptKeys) keys = pm_crypt_keys_new ();
  g_autofree PmCryptHeader *header = g_new0 (PmCryptHeader, 1);
  guint8 recovery[PM_CRYPT_KEY_SIZE];
  PmCryptSlotSpec recovery_slot = recovery_spec (recovery);
  sqlite3 *db;
  gboolean ok;

  if (!pm_crypt_init (error))
    return NULL;
  pm_crypt_header_init (header, keys,
                        crypto_aead_aes256gcm_is_available () ? PM_CRYPT_CIPHER_AES256GCM
                                                              : PM_CRYPT_CIPHER_XCHACHA20);
  randombytes_buf (recovery, sizeof recovery);
  ok = pm_crypt_header_add_slot (header, keys, first, error)
       && (recovery_key == NULL || pm_crypt_header_add_slot (header, keys, &recovery_slot, error));
  if (ok && g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, PM_CRYPT_ERROR, PM_CRYPT_ERROR_EXISTS, "%s already exists", path);
      ok = FALSE;
    }
  else if (ok)
    ok = pm_crypt_header_write_new (path, header, keys, error);
  if (!ok)
    {
      sodium_memzero (recovery, sizeof recovery);
      return NULL;
    }

  /* Only the owner may read the store; SQLite gives journal and WAL the
   * same mode. Page 1 is written now, so its reserve is fixed at 40. */
  g_chmod (path, 0600);
  db = open_connection (path, keys, "PRAGMA page_size = 4096; PRAGMA user_version = 0;", error);
  sqlite3_close (db);
  if (db == NULL)
    {
      g_unlink (path);
      sodium_memzero (recovery, sizeof recovery);
      return NULL;
    }

  if (recovery_key != NULL)
    *recovery_key = pm_crypt_recovery_encode (recovery);
  sodium_memzero (recovery, sizeof recovery);
  return g_steal_pointer (&keys);
}

PmCryptKeys *
pm_crypt_create (const char            *path,
                 const char            *staff_id,
                 const char            *display_name,
                 const char            *department,
                 const char            *passphrase,
                 const PmCryptKdfCost  *cost,
                 PmCryptSecret        **recovery_key,
                 GError               **error)
{
  PmCryptSlotSpec spec = {
    PM_CRYPT_SLOT_PASSPHRASE, staff_id, display_name, department,
    (const guint8 *) passphrase, 0, cost
  };

  g_return_val_if_fail (path != NULL && staff_id != NULL && passphrase != NULL, NULL);
  g_return_val_if_fail (recovery_key != NULL, NULL);

  spec.secret_len = strlen (passphrase);
  return create_store (path, &spec, recovery_key, error);
}

PmCryptKeys *
pm_crypt_create_with_key_file (const char  *path,
                               const char  *key_file,
                               GError     **error)
{
  guint8 key[PM_CRYPT_KEY_SIZE];
  PmCryptSlotSpec spec = {
    PM_CRYPT_SLOT_KEY_FILE, PM_CRYPT_SERVER_ID, "Server key file", "IT", key, sizeof key, NULL
  };
  PmCryptKeys *keys = NULL;

  g_return_val_if_fail (path != NULL && key_file != NULL, NULL);

  if (pm_crypt_read_key_file (key_file, key, error))
    keys = create_store (path, &spec, NULL, error);
  sodium_memzero (key, sizeof key);
  return keys;
}

void
pm_crypt_slot_info_free (PmCryptSlotInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->staff_id);
  g_free (info->display_name);
  g_free (info->department);
  g_free (info);
}

GPtrArray *
pm_crypt_list_slots (const char  *path,
                     GError     **error)
{
  g_autofree PmCryptHeader *header = g_new0 (PmCryptHeader, 1);
  GPtrArray *slots;

  g_return_val_if_fail (path != NULL, NULL);

  if (!pm_crypt_init (error) || !pm_crypt_header_load (path, header, error))
    return NULL;
  slots = g_ptr_array_new_with_free_func ((GDestroyNotify) pm_crypt_slot_info_free);
  for (guint i = 0; i < header->n_slots; i++)
    {
      const PmCryptSlot *slot = &header->slots[i];
      PmCryptSlotInfo *info = g_new0 (PmCryptSlotInfo, 1);

      info->kind = slot->kind;
      info->staff_id = g_strdup (slot->staff_id);
      info->display_name = g_strdup (slot->display_name);
      info->department = g_strdup (slot->department);
      info->opslimit = slot->opslimit;
      info->memlimit = (gsize) slot->memlimit_kib * 1024;
      g_ptr_array_add (slots, info);
    }
  return slots;
}

static PmCryptHeader *
load_header (const char  *path,
             GError     **error)
{
  g_autofree PmCryptHeader *header = g_new0 (PmCryptHeader, 1);

  if (!pm_crypt_init (error) || !pm_crypt_header_load (path, header, error))
    return NULL;
  return g_steal_pointer (&header);
}

/* A header whose slot table is proven to belong to keys. */
static PmCryptHeader *
load_header_for (const char         *path,
                 const PmCryptKeys  *keys,
                 GError            **error)
{
  g_autofree PmCryptHeader *header = load_header (path, error);

  if (header == NULL || !pm_crypt_header_check_keys (header, keys, error))
    return NULL;
  return g_steal_pointer (&header);
}

static int
find_slot (const PmCryptHeader  *header,
           PmCryptSlotKind       kind,
           const char           *staff_id,
           GError              **error)
{
  int index = pm_crypt_header_find_slot (header, kind, staff_id);

  if (index < 0)
    g_set_error (error, PM_CRYPT_ERROR, PM_CRYPT_ERROR_NO_SUCH_SLOT,
                 "The store has no key slot for %s", staff_id != NULL ? staff_id : "that key");
  return index;
}

PmCryptKeys *
pm_crypt_unlock (const char  *path,
                 const char  *staff_id,
                 const char  *passphrase,
                 GError     **error)
{
  g_autofree PmCryptHeader *header = NULL;
  int index;

  g_return_val_if_fail (path != NULL && passphrase != NULL, NULL);

  header = load_header (path, error);
  if (header == NULL)
    return NULL;
  /* Without a staff id every passphrase slot is tried (the CLI's default). */
  if (staff_id == NULL)
    return pm_crypt_header_unlock_any (header, PM_CRYPT_SLOT_PASSPHRASE, (const guint8 *) passphrase,
                                       strlen (passphrase), error);
  if ((index = find_slot (header, PM_CRYPT_SLOT_PASSPHRASE, staff_id, error)) < 0)
    return NULL;
  return pm_crypt_header_unlock_slot (header, index, (const guint8 *) passphrase, strlen (passphrase), error);
}

/* Recovery key and key file slots hold a 32-byte key: no KDF cost. */
static PmCryptKeys *
unlock_with_key (const char       *path,
                 PmCryptSlotKind   kind,
                 guint8           *key,
                 GError          **error)
{
  g_autofree PmCryptHeader *header = load_header (path, error);
  PmCryptKeys *keys = NULL;

  if (header != NULL)
    keys = pm_crypt_header_unlock_any (header, kind, key, PM_CRYPT_KEY_SIZE, error);
  sodium_memzero (key, PM_CRYPT_KEY_SIZE);
  return keys;
}

PmCryptKeys *
pm_crypt_unlock_recovery (const char  *path,
                          const char  *recovery_key,
                          GError     **error)
{
  guint8 key[PM_CRYPT_KEY_SIZE];

  g_return_val_if_fail (path != NULL && recovery_key != NULL, NULL);

  if (!pm_crypt_recovery_decode (recovery_key, key))
    {
      g_set_error (error, PM_CRYPT_ERROR, PM_CRYPT_ERROR_WRONG_PASSPHRASE,
                   "The recovery key is malformed (52 characters A-Z and 2-7)");
      return NULL;
    }
  return unlock_with_key (path, PM_CRYPT_SLOT_RECOVERY, key, error);
}

PmCryptKeys *
pm_crypt_unlock_key_file (const char  *path,
                          const char  *key_file,
                          GError     **error)
{
  guint8 key[PM_CRYPT_KEY_SIZE];

  g_return_val_if_fail (path != NULL && key_file != NULL, NULL);

  if (!pm_crypt_read_key_file (key_file, key, error))
    return NULL;
  return unlock_with_key (path, PM_CRYPT_SLOT_KEY_FILE, key, error);
}

gboolean
pm_crypt_add_slot (const char            *path,
                   PmCryptKeys           *keys,
                   const char            *staff_id,
                   const char            *display_name,
                   const char            *department,
                   const char            *passphrase,
                   const PmCryptKdfCost  *cost,
                   GError               **error)
{
  g_autofree PmCryptHeader *header = NULL;
  PmCryptSlotSpec spec = {
    PM_CRYPT_SLOT_PASSPHRASE, staff_id, display_name, department, (const guint8 *) passphrase, 0, cost
  };

  g_return_val_if_fail (path != NULL && keys != NULL && staff_id != NULL && passphrase != NULL, FALSE);

  spec.secret_len = strlen (passphrase);
  header = load_header_for (path, keys, error);
  return header != NULL
         && pm_crypt_header_add_slot (header, keys, &spec, error)
         && pm_crypt_header_commit_slots (path, header, keys, error);
}

gboolean
pm_crypt_add_key_file_slot (const char  *path,
                            PmCryptKeys *keys,
                            const char  *label,
                            const char  *key_file,
                            GError     **error)
{
  g_autofree PmCryptHeader *header = NULL;
  guint8 key[PM_CRYPT_KEY_SIZE];
  PmCryptSlotSpec spec = { PM_CRYPT_SLOT_KEY_FILE, label, "Key file", "IT", key, sizeof key, NULL };
  gboolean ok;

  g_return_val_if_fail (path != NULL && keys != NULL && label != NULL && key_file != NULL, FALSE);

  header = load_header_for (path, keys, error);
  ok = header != NULL
       && pm_crypt_read_key_file (key_file, key, error)
       && pm_crypt_header_add_slot (header, keys, &spec, error)
       && pm_crypt_header_commit_slots (path, header, keys, error);
  sodium_memzero (key, sizeof key);
  return ok;
}

static void
drop_slot (PmCryptHeader *header,
           guint          index)
{
  memmove (&header->slots[index], &header->slots[index + 1],
           (header->n_slots - index - 1) * sizeof (PmCryptSlot));
  header->n_slots--;
}

gboolean
pm_crypt_remove_slot (const char  *path,
                      PmCryptKeys *keys,
                      const char  *staff_id,
                      GError     **error)
{
  g_autofree PmCryptHeader *header = NULL;
  int index = -1;

  g_return_val_if_fail (path != NULL && keys != NULL && staff_id != NULL, FALSE);

  header = load_header_for (path, keys, error);
  if (header == NULL)
    return FALSE;
  for (guint i = 0; i < header->n_slots; i++)
    if (g_strcmp0 (header->slots[i].staff_id, staff_id) == 0)
      index = i;
  if (index < 0)
    {
      g_set_error (error, PM_CRYPT_ERROR, PM_CRYPT_ERROR_NO_SUCH_SLOT, "The store has no key slot for %s", staff_id);
      return FALSE;
    }
  if (header->n_slots == 1)
    {
      g_set_error (error, PM_CRYPT_ERROR, PM_CRYPT_ERROR_REFUSED,
                   "Refusing to remove the last key slot of the store");
      return FALSE;
    }
  drop_slot (header, index);
  return pm_crypt_header_commit_slots (path, header, keys, error);
}

gboolean
pm_crypt_change_passphrase (const char            *path,
                            const char            *staff_id,
                            const char            *old_passphrase,
                            const char            *new_passphrase,
                            const PmCryptKdfCost  *cost,
                            GError               **error)
{
  g_autofree PmCryptHeader *header = NULL;
  g_autoptr(PmCryptKeys) keys = NULL;
  PmCryptSlotSpec spec = { PM_CRYPT_SLOT_PASSPHRASE, NULL, NULL, NULL, (const guint8 *) new_passphrase, 0, cost };
  PmCryptSlot old;
  int index;

  g_return_val_if_fail (path != NULL && staff_id != NULL, FALSE);
  g_return_val_if_fail (old_passphrase != NULL && new_passphrase != NULL, FALSE);

  header = load_header (path, error);
  if (header == NULL || (index = find_slot (header, PM_CRYPT_SLOT_PASSPHRASE, staff_id, error)) < 0)
    return FALSE;
  keys = pm_crypt_header_unlock_slot (header, index, (const guint8 *) old_passphrase,
                                      strlen (old_passphrase), error);
  if (keys == NULL)
    return FALSE;

  /* Re-wrap in place: same position, fresh salt and nonce. */
  old = header->slots[index];
  drop_slot (header, index);
  spec.staff_id = old.staff_id;
  spec.display_name = old.display_name;
  spec.department = old.department;
  spec.secret_len = strlen (new_passphrase);
  if (!pm_crypt_header_add_slot (header, keys, &spec, error))
    return FALSE;
  old = header->slots[header->n_slots - 1];
  memmove (&header->slots[index + 1], &header->slots[index],
           (header->n_slots - 1 - index) * sizeof (PmCryptSlot));
  header->slots[index] = old;
  return pm_crypt_header_commit_slots (path, header, keys, error);
}

PmCryptSecret *
pm_crypt_set_recovery_key (const char  *path,
                           PmCryptKeys *keys,
                           GError     **error)
{
  g_autofree PmCryptHeader *header = NULL;
  guint8 recovery[PM_CRYPT_KEY_SIZE];
  PmCryptSlotSpec spec = recovery_spec (recovery);
  PmCryptSecret *text = NULL;
  int index;

  g_return_val_if_fail (path != NULL && keys != NULL, NULL);

  header = load_header_for (path, keys, error);
  if (header == NULL)
    return NULL;
  index = pm_crypt_header_find_slot (header, PM_CRYPT_SLOT_RECOVERY, NULL);
  if (index >= 0)
    drop_slot (header, index);
  randombytes_buf (recovery, sizeof recovery);
  if (pm_crypt_header_add_slot (header, keys, &spec, error)
      && pm_crypt_header_commit_slots (path, header, keys, error))
    text = pm_crypt_recovery_encode (recovery);
  sodium_memzero (recovery, sizeof recovery);
  return text;
}

static gboolean
sync_file (const char  *path,
           GError     **error)
{
  PmCryptRaw *raw = pm_crypt_raw_open (path, SQLITE_OPEN_READWRITE, error);
  sqlite3_file *file;
  gboolean ok;

  if (raw == NULL)
    return FALSE;
  file = pm_crypt_raw_file (raw);
  ok = file->pMethods->xSync (file, SQLITE_SYNC_FULL) == SQLITE_OK;
  pm_crypt_raw_close (raw);
  if (!ok)
    g_set_error (error, PM_CRYPT_ERROR, PM_CRYPT_ERROR_IO, "Cannot sync %s", path);
  return ok;
}

static gboolean
sync_directory_of (const char  *path,
                   GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  gboolean ok = fd >= 0 && fsync (fd) == 0;

  if (!ok)
    g_set_error (error, PM_CRYPT_ERROR, PM_CRYPT_ERROR_IO, "Cannot sync directory %s: %s", dir, g_strerror (errno));
  if (fd >= 0)
    close (fd);
  return ok;
}

static gboolean
has_companion (const char *path,
               const char *suffix)
{
  g_autofree char *name = g_strconcat (path, suffix, NULL);

  return g_file_test (name, G_FILE_TEST_EXISTS);
}

/* An empty store at copy_path with the key slots of path (the same
 * secrets open it) and a new data key; returns the copy's keys. */
PmCryptKeys *
pm_crypt_create_copy (const char   *path,
                      PmCryptKeys  *keys,
                      const char   *copy_path,
                      GError      **error)
{
  g_autofree PmCryptHeader *header = NULL;
  g_autoptr(PmCryptKeys) fresh = NULL;

  g_return_val_if_fail (path != NULL && keys != NULL && copy_path != NULL, NULL);

  header = load_header_for (path, keys, error);
  if (header == NULL)
    return NULL;
  fresh = keys_copy (keys);
  crypto_aead_xchacha20poly1305_ietf_keygen (fresh->data);
  pm_crypt_header_set_data_key (header, fresh);
  if (!pm_crypt_header_write_new (copy_path, header, fresh, error))
    return NULL;
  g_chmod (copy_path, 0600);
  return g_steal_pointer (&fresh);
}

/* Makes a finished temp file the new path, crash-safe: the file's data
 * reaches the disk before the rename, the rename before we return. */
gboolean
pm_crypt_replace_file (const char  *temp,
                       const char  *path,
                       GError     **error)
{
  g_return_val_if_fail (temp != NULL && path != NULL, FALSE);

  if (!sync_file (temp, error))
    return FALSE;
  if (g_rename (temp, path) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, PM_CRYPT_ERROR, PM_CRYPT_ERROR_IO, "Cannot replace %s: %s", path, g_strerror (saved_errno));
      return FALSE;
    }
  return sync_directory_of (path, error);
}

/* VACUUM INTO a new store sealed with a new data key, then an atomic
 * rename. The caller guarantees that no other connection is open. */
gboolean
pm_crypt_rekey (const char   *path,
                PmCryptKeys  *keys,
                GError      **error)
{
  g_autoptr(PmCryptKeys) fresh = NULL;
  g_autofree char *temp = NULL;
  char full[4096];
  char *sql;
  sqlite3 *db;
  gboolean ok;

  g_return_val_if_fail (path != NULL && keys != NULL, FALSE);

  temp = g_strconcat (path, ".rekey", NULL);
  g_unlink (temp);
  fresh = pm_crypt_create_copy (path, keys, temp, error);
  if (fresh == NULL)
    return FALSE;

  db = open_connection (path, keys, NULL, error);
  ok = db != NULL && exec (db, "PRAGMA wal_checkpoint(TRUNCATE);", error);
  if (ok)
    {
      pm_crypt_full_path (temp, full, sizeof full);
      pm_crypt_vfs_offer_keys (full, fresh);
      sql = sqlite3_mprintf ("VACUUM INTO %Q;", temp);
      ok = exec (db, sql, error);
      sqlite3_free (sql);
      pm_crypt_vfs_withdraw_keys (full);
    }
  sqlite3_close (db);

  if (ok && (has_companion (path, "-wal") || has_companion (path, "-journal")))
    {
      g_set_error (error, PM_CRYPT_ERROR, PM_CRYPT_ERROR_REFUSED,
                   "Another connection still has the store open; rekey needs it closed");
      ok = FALSE;
    }
  ok = ok && pm_crypt_replace_file (temp, path, error);
  if (g_file_test (temp, G_FILE_TEST_EXISTS))
    {
      g_unlink (temp);
      return FALSE;
    }
  /* Renamed: the file needs the new key even if the directory sync failed. */
  memcpy (keys->data, fresh->data, PM_CRYPT_KEY_SIZE);
  return ok;
}

static gboolean
read_at (PmCryptRaw    *raw,
         guint8        *buf,
         int            len,
         sqlite3_int64  offset)
{
  sqlite3_file *file = pm_crypt_raw_file (raw);

  return file->pMethods->xRead (file, buf, len, offset) == SQLITE_OK;
}

static gboolean
verify_fail (guint32     *bad_page,
             guint32      pgno,
             const char  *where,
             GError     **error)
{
  if (bad_page != NULL)
    *bad_page = pgno;
  g_set_error (error, PM_CRYPT_ERROR, PM_CRYPT_ERROR_CORRUPT,
               "Page %u %s is damaged or was tampered with", pgno, where);
  return FALSE;
}

static gboolean
verify_database (const char           *path,
                 const PmCryptCipher  *cipher,
                 guint8               *buf,
                 guint32              *bad_page,
                 GError              **error)
{
  PmCryptRaw *raw = pm_crypt_raw_open (path, SQLITE_OPEN_READONLY, error);
  sqlite3_file *file;
  sqlite3_int64 size = 0;
  gboolean ok = raw != NULL;

  if (!ok)
    return FALSE;
  file = pm_crypt_raw_file (raw);
  file->pMethods->xFileSize (file, &size);
  size -= PM_CRYPT_HEADER_SIZE;
  for (sqlite3_int64 at = 0; ok && at < size; at += PM_CRYPT_PAGE_SIZE)
    {
      guint32 pgno = at / PM_CRYPT_PAGE_SIZE + 1;

      int rc = file->pMethods->xRead (file, buf, PM_CRYPT_PAGE_SIZE, at + PM_CRYPT_HEADER_SIZE);

      /* A zero tail short of a page is an interrupted extension, not data. */
      if (rc == SQLITE_IOERR_SHORT_READ && sodium_is_zero (buf, PM_CRYPT_PAGE_SIZE))
        break;
      ok = (rc == SQLITE_OK && pm_crypt_page_open (cipher, pgno, buf, buf + PM_CRYPT_PAGE_SIZE))
           || verify_fail (bad_page, pgno, "of the database", error);
    }
  pm_crypt_raw_close (raw);
  return ok;
}

/* Frames of the current WAL generation up to its last commit frame. */
static gboolean
verify_wal (const char           *path,
            const PmCryptCipher  *cipher,
            guint8               *buf,
            guint32              *bad_page,
            GError              **error)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  const int frame_size = 24 + PM_CRYPT_PAGE_SIZE;
  guint8 header[32];
  PmCryptRaw *raw;
  sqlite3_file *file;
  sqlite3_int64 size = 0;
  sqlite3_int64 last_commit = 0;
  gboolean ok = TRUE;

  if (!g_file_test (wal, G_FILE_TEST_IS_REGULAR))
    return TRUE;
  raw = pm_crypt_raw_open (wal, SQLITE_OPEN_READONLY, error);
  if (raw == NULL)
    return FALSE;
  file = pm_crypt_raw_file (raw);
  file->pMethods->xFileSize (file, &size);
  if (read_at (raw, header, sizeof header, 0))
    for (sqlite3_int64 at = 32; at + frame_size <= size; at += frame_size)
      {
        if (!read_at (raw, buf, 24, at) || memcmp (buf + 8, header + 16, 8) != 0)
          break;
        if (pm_crypt_be32 (buf + 4) != 0)
          last_commit = at;
      }
  for (sqlite3_int64 at = 32; ok && at <= last_commit; at += frame_size)
    ok = (read_at (raw, buf, frame_size, at)
          && pm_crypt_page_open (cipher, pm_crypt_be32 (buf), buf + 24, buf + frame_size))
         || verify_fail (bad_page, pm_crypt_be32 (buf), "in the WAL", error);
  pm_crypt_raw_close (raw);
  return ok;
}

gboolean
pm_crypt_verify (const char   *path,
                 PmCryptKeys  *keys,
                 guint32      *bad_page,
                 GError      **error)
{
  g_autofree PmCryptHeader *header = NULL;
  g_autofree guint8 *buf = NULL;
  PmCryptCipher cipher;
  gboolean ok;

  g_return_val_if_fail (path != NULL && keys != NULL, FALSE);

  if (bad_page != NULL)
    *bad_page = 0;
  header = load_header_for (path, keys, error);
  if (header == NULL || !pm_crypt_cipher_init (&cipher, keys, error))
    return FALSE;
  buf = g_malloc (3 * PM_CRYPT_PAGE_SIZE);
  ok = verify_database (path, &cipher, buf, bad_page, error)
       && verify_wal (path, &cipher, buf, bad_page, error);
  sodium_memzero (buf, 3 * PM_CRYPT_PAGE_SIZE);
  pm_crypt_cipher_clear (&cipher);
  return ok;
}
