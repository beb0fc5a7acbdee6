/* test-crypt.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The encrypted store against real files: keys and slots, tampering with
 * every kind of page, leaks to disk, rekeying and the refusals.
 */

#define G_LOG_DOMAIN "pm-crypt-test"
#define _GNU_SOURCE /* memmem */

#include "pm-crypt-test-util.h"
#include "pm-crypt-private.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define CANARY "PEPAMO-CANARY-7f3a9c"

typedef struct
{
  char *dir;
  char *path;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->dir = pm_test_make_dir ();
  fixture->path = g_build_filename (fixture->dir, "store.db", NULL);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  pm_test_remove_dir (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->path);
}

static char *
companion (const Fixture *fixture,
           const char    *suffix)
{
  return g_strconcat (fixture->path, suffix, NULL);
}

static void
fill_rows (sqlite3 *db,
           int      rows)
{
  char *sql = g_strdup_printf ("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v TEXT);"
                               "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d) "
                               "INSERT INTO t (v) SELECT printf('%s %%d %%s', i, hex(zeroblob(200))) FROM n;",
                               rows, CANARY);

  pm_test_exec (db, sql);
  g_free (sql);
}

static sqlite3 *
open_store (const Fixture      *fixture,
            PmCryptKeys        *keys,
            PmCryptJournalMode  mode)
{
  g_autoptr(GError) error = NULL;
  sqlite3 *db = pm_crypt_open (fixture->path, keys, mode, &error);

  g_assert_no_error (error);
  return db;
}

static void
flip_byte (const char *path,
           gint64      offset)
{
  g_autofree char *contents = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_assert_cmpint (offset, <, len);
  contents[offset] ^= 0x01;
  g_assert_true (g_file_set_contents (path, contents, len, NULL));
}

static void
test_create_unlock (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PmCryptKeys) keys = pm_test_create_store (fixture->path, NULL);
  g_autoptr(PmCryptKeys) again = NULL;
  g_autoptr(GPtrArray) slots = NULL;
  PmCryptSlotInfo *info;
  sqlite3 *db;
  guint32 bad = 1;

  db = open_store (fixture, keys, PM_CRYPT_JOURNAL_DELETE);
  fill_rows (db, 300);
  sqlite3_close (db);

  slots = pm_crypt_list_slots (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (slots->len, ==, 2);
  info = g_ptr_array_index (slots, 0);
  g_assert_cmpint (info->kind, ==, PM_CRYPT_SLOT_PASSPHRASE);
  g_assert_cmpstr (info->staff_id, ==, PM_TEST_STAFF);
  g_assert_cmpstr (info->display_name, ==, "Erika Mustermann");
  g_assert_cmpstr (info->department, ==, "Soziales");
  g_assert_cmpuint (info->opslimit, ==, pm_test_fast_cost.opslimit);
  info = g_ptr_array_index (slots, 1);
  g_assert_cmpint (info->kind, ==, PM_CRYPT_SLOT_RECOVERY);

  again = pm_crypt_unlock (fixture->path, PM_TEST_STAFF, PM_TEST_PASSPHRASE, &error);
  g_assert_no_error (error);
  db = open_store (fixture, again, PM_CRYPT_JOURNAL_WAL);
  g_assert_cmpint (pm_test_query_int (db, "SELECT count(*) FROM t"), ==, 300);
  g_assert_cmpint (pm_test_query_int (db, "PRAGMA page_size"), ==, 4096);
  sqlite3_close (db);

  g_assert_true (pm_crypt_verify (fixture->path, again, &bad, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (bad, ==, 0);
}

static void
test_wrong_passphrase (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PmCryptKeys) keys = pm_test_create_store (fixture->path, NULL);
  g_autofree char *plain = g_build_filename (fixture->dir, "plain.txt", NULL);
  PmCryptKeys *none;

  none = pm_crypt_unlock (fixture->path, PM_TEST_STAFF, "correct horse battery stapler", &error);
  g_assert_error (error, PM_CRYPT_ERROR, PM_CRYPT_ERROR_WRONG_PASSPHRASE);
  g_assert_null (none);
  g_clear_error (&error);

  none = pm_crypt_unlock (fixture->path, "nobody", PM_TEST_PASSPHRASE, &error);
  g_assert_error (error, PM_CRYPT_ERROR, PM_CRYPT_ERROR_NO_SUCH_SLOT);
  g_assert_null (none);
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (plain, "SQLite format 3", -1, NULL));
  none = pm_crypt_unlock (plain, PM_TEST_STAFF, PM_TEST_PASSPHRASE, &error);
  g_assert_error (error, PM_CRYPT_ERROR, PM_CRYPT_ERROR_NOT_A_STORE);
  g_assert_null (none);
}

static void
test_recovery_and_slots (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PmCryptSecret) recovery = NULL;
  g_autoptr(PmCryptSecret) fresh = NULL;
  g_autoptr(PmCryptKeys) keys = pm_test_create_store (fixture->path, &recovery);
  g_autoptr(PmCryptKeys) by_recovery = NULL;
  g_autofree char *sloppy = NULL;
  PmCryptKeys *none;

  g_assert_cmpuint (strlen (recovery), ==, 64);
  sloppy = g_ascii_strdown (recovery, -1);
  by_recovery = pm_crypt_unlock_recovery (fixture->path, sloppy, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (by_recovery->data, 32, keys->data, 32);

  /* A second staff member, then removed again. */
  g_assert_true (pm_crypt_add_slot (fixture->path, keys, "s200", "Max Muster", "Einwohnerwesen",
                                    "second secret", &pm_test_fast_cost, &error));
  g_assert_no_error (error);
  g_assert_false (pm_crypt_add_slot (fixture->path, keys, "s200", "Max", "", "x", &pm_test_fast_cost, &error));
  g_assert_error (error, PM_CRYPT_ERROR, PM_CRYPT_ERROR_EXISTS);
  g_clear_error (&error);
  none = pm_crypt_unlock (fixture->path, "s200", "second secret", &error);
  g_assert_no_error (error);
  pm_crypt_keys_free (none);
  g_assert_true (pm_crypt_remove_slot (fixture->path, keys, "s200", &error));
  g_assert_no_error (error);
  none = pm_crypt_unlock (fixture->path, "s200", "second secret", &error);
  g_assert_error (error, PM_CRYPT_ERROR, PM_CRYPT_ERROR_NO_SUCH_SLOT);
  g_assert_null (none);
  g_clear_error (&error);

  /* Passphrase change needs the old one. */
  g_assert_false (pm_crypt_change_passphrase (fixture->path, PM_TEST_STAFF, "wrong", "new one",
                                              &pm_test_fast_cost, &error));
  g_assert_error (error, PM_CRYPT_ERROR, PM_CRYPT_ERROR_WRONG_PASSPHRASE);
  g_clear_error (&error);
  g_assert_true (pm_crypt_change_passphrase (fixture->path, PM_TEST_STAFF, PM_TEST_PASSPHRASE, "new one",
                                             &pm_test_fast_cost, &error));
  g_assert_no_error (error);
  none = pm_crypt_unlock (fixture->path, PM_TEST_STAFF, PM_TEST_PASSPHRASE, &error);
  g_assert_error (error, PM_CRYPT_ERROR, PM_CRYPT_ERROR_WRONG_PASSPHRASE);
  g_clear_error (&error);
  none = pm_crypt_unlock (fixture->path, PM_TEST_STAFF, "new one", &error);
  g_assert_no_error (error);
  pm_crypt_keys_free (none);

  /* A new recovery key replaces the old one. */
  fresh = pm_crypt_set_recovery_key (fixture->path, keys, &error);
  g_assert_no_error (error);
  none = pm_crypt_unlock_recovery (fixture->path, recovery, &error);
  g_assert_error (error, PM_CRYPT_ERROR, PM_CRYPT_ERROR_WRONG_PASSPHRASE);
  g_clear_error (&error);
  none = pm_crypt_unlock_recovery (fixture->path, fresh, &error);
  g_assert_no_error (error);
  pm_crypt_keys_free (none);

  g_assert_true (pm_crypt_remove_slot (fixture->path, keys, "recovery", &error));
  g_assert_false (pm_crypt_remove_slot (fixture->path, keys, PM_TEST_STAFF, &error));
  g_assert_error (error, PM_CRYPT_ERROR, PM_CRYPT_ERROR_REFUSED);
}

static void
test_key_file (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *key_file = g_build_filename (fixture->dir, "server.key", NULL);
  g_autofree char *other_file = g_build_filename (fixture->dir, "other.key", NULL);
  g_autofree char *laptop = g_build_filename (fixture->dir, "laptop.db", NULL);
  g_autoptr(PmCryptKeys) keys = NULL;
  g_autoptr(PmCryptKeys) again = NULL;
  g_autoptr(PmCryptKeys) laptop_keys = NULL;
  guint8 key[32];
  sqlite3 *db;

  randombytes_buf (key, sizeof key);
  g_assert_true (g_file_set_contents (key_file, (char *) key, sizeof key, NULL));
  key[0] ^= 1;
  g_assert_true (g_file_set_contents (other_file, (char *) key, sizeof key, NULL));

  keys = pm_crypt_create_with_key_file (fixture->path, key_file, &error);
  g_assert_no_error (error);
  db = open_store (fixture, keys, PM_CRYPT_JOURNAL_WAL);
  fill_rows (db, 10);
  sqlite3_close (db);

  again = pm_crypt_unlock_key_file (fixture->path, key_file, &error);
  g_assert_no_error (error);
  g_assert_true (pm_test_read_all (fixture->path, again, &error));
  g_assert_null (pm_crypt_unlock_key_file (fixture->path, other_file, &error));
  g_assert_error (error, PM_CRYPT_ERROR, PM_CRYPT_ERROR_WRONG_PASSPHRASE);
  g_clear_error (&error);

  /* A laptop store can get a key file slot too. */
  laptop_keys = pm_test_create_store (laptop, NULL);
  g_assert_true (pm_crypt_add_key_file_slot (laptop, laptop_keys, "it-backup", other_file, &error));
  g_assert_no_error (error);
  g_clear_pointer (&again, pm_crypt_keys_free);
  again = pm_crypt_unlock_key_file (laptop, other_file, &error);
  g_assert_no_error (error);
}

/* A store of a few dozen pages, then every kind of page damaged in a copy. */
static void
test_tamper_pages (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(PmCryptKeys) keys = pm_test_create_store (fixture->path, NULL);
  g_autofree char *pristine = NULL;
  gsize len = 0;
  sqlite3 *db;
  guint32 pages;
  const int parts[] = { 100, PM_CRYPT_NONCE_OFFSET, PM_CRYPT_TAG_OFFSET + 3 };

  db = open_store (fixture, keys, PM_CRYPT_JOURNAL_DELETE);
  fill_rows (db, 200);
  pages = pm_test_query_int (db, "PRAGMA page_count");
  sqlite3_close (db);
  g_assert_cmpuint (pages, >, 10);
  g_assert_true (g_file_get_contents (fixture->path, &pristine, &len, NULL));

  for (guint which = 0; which < 3; which++)
    for (guint part = 0; part < G_N_ELEMENTS (parts); part++)
      {
        g_autoptr(GError) error = NULL;
        g_autofree char *expected = NULL;
        guint32 pgno = which == 0 ? 1 : which == 1 ? pages / 2 : pages;
        guint32 bad = 0;

        g_assert_true (g_file_set_contents (fixture->path, pristine, len, NULL));
        flip_byte (fixture->path, PM_CRYPT_HEADER_SIZE + (gint64) (pgno - 1) * 4096 + parts[part]);

        g_assert_false (pm_test_read_all (fixture->path, keys, &error));
        g_assert_error (error, PM_CRYPT_ERROR, PM_CRYPT_ERROR_CORRUPT);
        expected = g_strdup_printf ("Page %u ", pgno);
        g_assert_true (g_str_has_prefix (error->message, expected));
        g_clear_error (&error);

        g_assert_false (pm_crypt_verify (fixture->path, keys, &bad, &error));
        g_assert_error (error, PM_CRYPT_ERROR, PM_CRYPT_ERROR_CORRUPT);
        g_assert_cmpuint (bad, ==, pgno);
      }
}

static void
test_tamper_swap (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PmCryptKeys) keys = pm_test_create_store (fixture->path, NULL);
  g_autofree char *contents = NULL;
  guint8 page[4096];
  gsize len = 0;
  sqlite3 *db;

  db = open_store (fixture, keys, PM_CRYPT_JOURNAL_DELETE);
  fill_rows (db, 100);
  sqlite3_close (db);

  g_assert_true (g_file_get_contents (fixture->path, &contents, &len, NULL));
  memcpy (page, contents + PM_CRYPT_HEADER_SIZE + 4096, 4096);
  memcpy (contents + PM_CRYPT_HEADER_SIZE + 4096, contents + PM_CRYPT_HEADER_SIZE + 2 * 4096, 4096);
  memcpy (contents + PM_CRYPT_HEADER_SIZE + 2 * 4096, page, 4096);
  g_assert_true (g_file_set_contents (fixture->path, contents, len, NULL));

  g_assert_false (pm_test_read_all (fixture->path, keys, &error));
  g_assert_error (error, PM_CRYPT_ERROR, PM_CRYPT_ERROR_CORRUPT);
}

/* Leaves a hot journal or an uncheckpointed WAL: the child dies without
 * closing its connection. */
static void
die_mid_write (const Fixture      *fixture,
               PmCryptKeys        *keys,
               PmCryptJournalMode  mode)
{
  pid_t pid = fork ();
  int status = 0;

  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      sqlite3 *db = pm_crypt_open (fixture->path, keys, mode, NULL);

      if (db == NULL)
        _exit (1);
      if (mode == PM_CRYPT_JOURNAL_DELETE)
        {
          /* A tiny cache spills changed pages into the file mid-transaction. */
          pm_test_exec (db, "PRAGMA cache_size = 2; BEGIN; UPDATE t SET v = 'changed ' || v;");
        }
      else
        {
          pm_test_exec (db, "PRAGMA wal_autocheckpoint = 0;");
          for (int i = 0; i < 5; i++)
            fill_rows (db, 3);
        }
      _exit (0);
    }
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
}

/* The store file and its journal or WAL, to restore before each damage. */
typedef struct
{
  char  *db;
  gsize  db_len;
  char  *side;
  gsize  side_len;
} Snapshot;

static void
snapshot_take (Snapshot   *snapshot,
               const char *path,
               const char *side)
{
  g_assert_true (g_file_get_contents (path, &snapshot->db, &snapshot->db_len, NULL));
  g_assert_true (g_file_get_contents (side, &snapshot->side, &snapshot->side_len, NULL));
  g_assert_null (memmem (snapshot->side, snapshot->side_len, CANARY, strlen (CANARY)));
}

static void
snapshot_restore (const Snapshot *snapshot,
                  const char     *path,
                  const char     *side)
{
  g_assert_true (g_file_set_contents (path, snapshot->db, snapshot->db_len, NULL));
  g_assert_true (g_file_set_contents (side, snapshot->side, snapshot->side_len, NULL));
}

static void
snapshot_clear (Snapshot *snapshot)
{
  g_free (snapshot->db);
  g_free (snapshot->side);
}

/* Damages nonce, tag and ciphertext of the first record's page (at offset
 * first_page of the side file) in turn: each time an error naming it. */
static void
assert_side_tamper_detected (const Fixture  *fixture,
                             PmCryptKeys    *keys,
                             const Snapshot *snapshot,
                             const char     *side,
                             gint64          first_page,
                             const char     *name)
{
  g_autofree char *shm = companion (fixture, "-shm");
  const int parts[] = { 100, PM_CRYPT_NONCE_OFFSET, PM_CRYPT_TAG_OFFSET };

  for (guint part = 0; part < G_N_ELEMENTS (parts); part++)
    {
      g_autoptr(GError) error = NULL;

      /* Without the -shm index, opening runs WAL recovery over every frame. */
      g_unlink (shm);
      snapshot_restore (snapshot, fixture->path, side);
      flip_byte (side, first_page + parts[part]);
      g_assert_false (pm_test_read_all (fixture->path, keys, &error));
      g_assert_error (error, PM_CRYPT_ERROR, PM_CRYPT_ERROR_CORRUPT);
      g_assert_nonnull (strstr (error->message, name));
    }
  g_unlink (shm);
  snapshot_restore (snapshot, fixture->path, side);
}

static PmCryptKeys *
store_after_crash (const Fixture      *fixture,
                   PmCryptJournalMode  mode,
                   int                 rows)
{
  PmCryptKeys *keys = pm_test_create_store (fixture->path, NULL);
  sqlite3 *db = open_store (fixture, keys, mode);

  fill_rows (db, rows);
  sqlite3_close (db);
  die_mid_write (fixture, keys, mode);
  return keys;
}

static void
test_tamper_journal (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(PmCryptKeys) keys = store_after_crash (fixture, PM_CRYPT_JOURNAL_DELETE, 100);
  g_autofree char *journal = companion (fixture, "-journal");
  Snapshot snapshot;
  sqlite3 *db;

  snapshot_take (&snapshot, fixture->path, journal);
  g_assert_cmpuint (snapshot.side_len, >, 4096 + 4 + 4096);

  /* The first record's page follows the 4 KiB header and its page number. */
  assert_side_tamper_detected (fixture, keys, &snapshot, journal, 4096 + 4, "rollback journal");

  /* Undamaged, the hot journal rolls the transaction back. */
  db = open_store (fixture, keys, PM_CRYPT_JOURNAL_DELETE);
  g_assert_cmpint (pm_test_query_int (db, "SELECT count(*) FROM t WHERE v GLOB 'changed *'"), ==, 0);
  g_assert_cmpint (pm_test_query_int (db, "SELECT count(*) FROM t"), ==, 100);
  sqlite3_close (db);
  snapshot_clear (&snapshot);
}

static void
test_tamper_wal (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PmCryptKeys) keys = store_after_crash (fixture, PM_CRYPT_JOURNAL_WAL, 20);
  g_autofree char *wal = companion (fixture, "-wal");
  Snapshot snapshot;
  guint32 bad = 0;
  sqlite3 *db;

  snapshot_take (&snapshot, fixture->path, wal);
  g_assert_cmpuint (snapshot.side_len, >, 3 * (24 + 4096));

  flip_byte (wal, 32 + 24 + 100);
  g_assert_false (pm_crypt_verify (fixture->path, keys, &bad, &error));
  g_assert_error (error, PM_CRYPT_ERROR, PM_CRYPT_ERROR_CORRUPT);
  g_assert_cmpuint (bad, >, 0);

  /* The first frame's page follows the WAL header and its frame header. */
  assert_side_tamper_detected (fixture, keys, &snapshot, wal, 32 + 24, "WAL");

  /* Undamaged, recovery replays every committed transaction. */
  db = open_store (fixture, keys, PM_CRYPT_JOURNAL_WAL);
  g_assert_cmpint (pm_test_query_int (db, "SELECT count(*) FROM t"), ==, 20 + 5 * 3);
  sqlite3_close (db);
  snapshot_clear (&snapshot);
}

static void
test_tamper_header (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PmCryptKeys) keys = pm_test_create_store (fixture->path, NULL);
  g_autofree char *pristine = NULL;
  char *name;
  gsize len = 0;

  g_assert_true (g_file_get_contents (fixture->path, &pristine, &len, NULL));

  /* Slot table A is the only copy of a new store. */
  flip_byte (fixture->path, PM_CRYPT_SLOTS_OFFSET + 40);
  g_assert_null (pm_crypt_unlock (fixture->path, PM_TEST_STAFF, PM_TEST_PASSPHRASE, &error));
  g_assert_error (error, PM_CRYPT_ERROR, PM_CRYPT_ERROR_CORRUPT);
  g_clear_error (&error);

  /* The fixed part: the cipher id and the database id. */
  g_assert_true (g_file_set_contents (fixture->path, pristine, len, NULL));
  flip_byte (fixture->path, 40);
  g_assert_null (pm_crypt_unlock (fixture->path, PM_TEST_STAFF, PM_TEST_PASSPHRASE, &error));
  g_assert_error (error, PM_CRYPT_ERROR, PM_CRYPT_ERROR_CORRUPT);
  g_clear_error (&error);

  /* Renaming another slot and fixing up the unkeyed checksum: the MAC. */
  name = memmem (pristine, PM_CRYPT_HEADER_SIZE, "IT recovery key", 15);
  g_assert_nonnull (name);
  name[0] = 'X';
  crypto_generichash ((guint8 *) pristine + PM_CRYPT_SLOTS_OFFSET + PM_CRYPT_SLOTS_SIZE - 16, 16,
                      (guint8 *) pristine + PM_CRYPT_SLOTS_OFFSET, PM_CRYPT_SLOTS_SIZE - 16, NULL, 0);
  g_assert_true (g_file_set_contents (fixture->path, pristine, len, NULL));
  g_assert_null (pm_crypt_unlock (fixture->path, PM_TEST_STAFF, PM_TEST_PASSPHRASE, &error));
  g_assert_error (error, PM_CRYPT_ERROR, PM_CRYPT_ERROR_CORRUPT);
}

static gboolean
file_has_canary (const char *path)
{
  g_autofree char *contents = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  return memmem (contents, len, CANARY, strlen (CANARY)) != NULL;
}

/* Only the store's own files exist, and none holds the canary. */
static void
assert_no_canary (const Fixture *fixture)
{
  g_autoptr(GDir) dir = g_dir_open (fixture->dir, 0, NULL);
  const char *name;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fixture->dir, name, NULL);

      g_assert_true (g_str_equal (name, "store.db") || g_str_equal (name, "store.db-journal")
                     || g_str_equal (name, "store.db-wal") || g_str_equal (name, "store.db-shm"));
      g_assert_false (file_has_canary (path));
    }
}

static void
test_canary (Fixture       *fixture,
             gconstpointer  data)
{
  PmCryptJournalMode mode = GPOINTER_TO_INT (data);
  g_autoptr(PmCryptKeys) keys = pm_test_create_store (fixture->path, NULL);
  g_autofree char *journal = companion (fixture, "-journal");
  g_autofree char *wal = companion (fixture, "-wal");
  sqlite3 *db;

  db = open_store (fixture, keys, mode);
  pm_test_exec (db, "PRAGMA wal_autocheckpoint = 0; PRAGMA cache_size = 5;");
  fill_rows (db, 500);

  /* Sorting, temp tables and an open write transaction touch every file. */
  g_assert_cmpint (pm_test_query_int (db, "SELECT count(*) FROM (SELECT v FROM t ORDER BY random())"), ==, 500);
  pm_test_exec (db, "CREATE TEMP TABLE scratch AS SELECT * FROM t; BEGIN; UPDATE t SET v = v || ' again';");
  g_assert_true (g_file_test (mode == PM_CRYPT_JOURNAL_WAL ? wal : journal, G_FILE_TEST_EXISTS));
  assert_no_canary (fixture);
  pm_test_exec (db, "COMMIT;");
  assert_no_canary (fixture);
  sqlite3_close (db);
  assert_no_canary (fixture);
}

static void
test_passwd_with_wal (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PmCryptKeys) keys = pm_test_create_store (fixture->path, NULL);
  g_autoptr(PmCryptKeys) renewed = NULL;
  g_autofree char *wal = companion (fixture, "-wal");
  sqlite3 *db;
  sqlite3 *second;

  db = open_store (fixture, keys, PM_CRYPT_JOURNAL_WAL);
  pm_test_exec (db, "PRAGMA wal_autocheckpoint = 0;");
  fill_rows (db, 50);
  g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS));

  g_assert_true (pm_crypt_change_passphrase (fixture->path, PM_TEST_STAFF, PM_TEST_PASSPHRASE, "fresh words",
                                             &pm_test_fast_cost, &error));
  g_assert_no_error (error);
  fill_rows (db, 5);

  renewed = pm_crypt_unlock (fixture->path, PM_TEST_STAFF, "fresh words", &error);
  g_assert_no_error (error);
  second = open_store (fixture, renewed, PM_CRYPT_JOURNAL_WAL);
  g_assert_cmpint (pm_test_query_int (second, "SELECT count(*) FROM t"), ==, 55);
  sqlite3_close (second);
  sqlite3_close (db);
  g_assert_true (pm_crypt_verify (fixture->path, renewed, NULL, &error));
  g_assert_no_error (error);
}

/* A torn write of the newer slot table copy falls back to the older one. */
static void
test_slot_write_torn (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PmCryptKeys) keys = pm_test_create_store (fixture->path, NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  PmCryptKeys *unlocked;
  gsize len = 0;

  g_assert_true (g_file_get_contents (fixture->path, &before, &len, NULL));
  g_assert_true (pm_crypt_change_passphrase (fixture->path, PM_TEST_STAFF, PM_TEST_PASSPHRASE, "next",
                                             &pm_test_fast_cost, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (fixture->path, &after, &len, NULL));

  /* Copy B (the new one) only half written. */
  memcpy (after + PM_CRYPT_SLOTS_OFFSET + PM_CRYPT_SLOTS_SIZE + 600,
          before + PM_CRYPT_SLOTS_OFFSET + PM_CRYPT_SLOTS_SIZE + 600, PM_CRYPT_SLOTS_SIZE - 600);
  g_assert_true (g_file_set_contents (fixture->path, after, len, NULL));
  unlocked = pm_crypt_unlock (fixture->path, PM_TEST_STAFF, PM_TEST_PASSPHRASE, &error);
  g_assert_no_error (error);
  pm_crypt_keys_free (unlocked);

  /* The next change lands in B again and works. */
  g_assert_true (pm_crypt_change_passphrase (fixture->path, PM_TEST_STAFF, PM_TEST_PASSPHRASE, "third",
                                             &pm_test_fast_cost, &error));
  g_assert_no_error (error);
  unlocked = pm_crypt_unlock (fixture->path, PM_TEST_STAFF, "third", &error);
  g_assert_no_error (error);
  pm_crypt_keys_free (unlocked);
  g_assert_true (pm_test_read_all (fixture->path, keys, &error));
}

static void
test_rekey (Fixture       *fixture,
            gconstpointer  data)
{
  PmCryptJournalMode mode = GPOINTER_TO_INT (data);
  g_autoptr(GError) error = NULL;
  g_autoptr(PmCryptKeys) keys = pm_test_create_store (fixture->path, NULL);
  g_autoptr(PmCryptKeys) unlocked = NULL;
  guint8 old_data[32];
  sqlite3 *db;

  db = open_store (fixture, keys, mode);
  fill_rows (db, 400);
  sqlite3_close (db);
  memcpy (old_data, keys->data, sizeof old_data);

  g_assert_true (pm_crypt_rekey (fixture->path, keys, &error));
  g_assert_no_error (error);
  g_assert_true (memcmp (old_data, keys->data, sizeof old_data) != 0);

  unlocked = pm_crypt_unlock (fixture->path, PM_TEST_STAFF, PM_TEST_PASSPHRASE, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (unlocked->data, 32, keys->data, 32);
  db = open_store (fixture, unlocked, mode);
  g_assert_cmpint (pm_test_query_int (db, "SELECT count(*) FROM t"), ==, 400);
  fill_rows (db, 1);
  sqlite3_close (db);
  g_assert_true (pm_crypt_verify (fixture->path, unlocked, NULL, &error));
  g_assert_no_error (error);
  assert_no_canary (fixture);
}

static void
assert_sql_refused (sqlite3    *db,
                    const char *sql)
{
  g_autoptr(GError) error = NULL;
  int rc = sqlite3_exec (db, sql, NULL, NULL, NULL);

  g_assert_cmpint (rc, !=, SQLITE_OK);
  pm_crypt_error_from_sqlite (&error, db, rc);
  g_assert_nonnull (error);
  g_assert_true (error->code == PM_CRYPT_ERROR_REFUSED || error->code == PM_CRYPT_ERROR_NOT_A_STORE);
}

static void
test_refusals (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(PmCryptKeys) keys = pm_test_create_store (fixture->path, NULL);
  g_autofree char *plain = g_build_filename (fixture->dir, "plain.db", NULL);
  g_autofree char *sql = NULL;
  g_autofree char *uri_sql = NULL;
  sqlite3_backup *backup;
  sqlite3 *db;
  sqlite3 *other = NULL;

  db = open_store (fixture, keys, PM_CRYPT_JOURNAL_DELETE);
  fill_rows (db, 50);

  assert_sql_refused (db, "PRAGMA page_size = 8192");
  assert_sql_refused (db, "PRAGMA mmap_size = 268435456");
  assert_sql_refused (db, "PRAGMA temp_store = FILE");
  pm_test_exec (db, "PRAGMA page_size = 4096; VACUUM;");
  g_assert_cmpint (pm_test_query_int (db, "PRAGMA page_size"), ==, 4096);

  /* VACUUM INTO lands in the pepamo VFS, which only opens stores. */
  sql = sqlite3_mprintf ("VACUUM INTO %Q", plain);
  assert_sql_refused (db, sql);
  uri_sql = sqlite3_mprintf ("VACUUM INTO 'file:%q?vfs=unix'", plain);
  assert_sql_refused (db, uri_sql);
  sqlite3_free (g_steal_pointer (&sql));
  sqlite3_free (g_steal_pointer (&uri_sql));
  g_assert_false (g_file_test (plain, G_FILE_TEST_EXISTS));

  /* A backup destination through the VFS must be a store... */
  g_assert_cmpint (sqlite3_open_v2 (plain, &other, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, PM_CRYPT_VFS_NAME),
                   ==, SQLITE_CANTOPEN);
  sqlite3_close (other);
  g_assert_false (g_file_test (plain, G_FILE_TEST_EXISTS));

  /* ...and a plain database without reserve cannot be copied into one. */
  g_assert_cmpint (sqlite3_open_v2 (plain, &other, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, "unix"), ==, SQLITE_OK);
  pm_test_exec (other, "CREATE TABLE p (x); INSERT INTO p VALUES (1);");
  backup = sqlite3_backup_init (db, "main", other, "main");
  g_assert_nonnull (backup);
  g_assert_cmpint (sqlite3_backup_step (backup, -1), !=, SQLITE_DONE);
  sqlite3_backup_finish (backup);
  sqlite3_close (other);

  /* On-disk temporary databases are refused at open. */
  g_assert_cmpint (sqlite3_open_v2 ("", &other, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, PM_CRYPT_VFS_NAME),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (other, "PRAGMA cache_size = 1; CREATE TABLE x (v);"
                                        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) "
                                        "INSERT INTO x SELECT hex(randomblob(100)) FROM n;", NULL, NULL, NULL),
                   !=, SQLITE_OK);
  sqlite3_close (other);
  sqlite3_close (db);

  g_assert_true (pm_test_read_all (fixture->path, keys, NULL));
}

static void
set_counter (const char *path,
             guint64     value)
{
  g_autofree char *contents = NULL;
  guint8 *record;
  guint64 le = GUINT64_TO_LE (value);
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  record = (guint8 *) contents + PM_CRYPT_COUNTER_OFFSET;
  memset (record, 0, 2 * PM_CRYPT_COUNTER_SIZE);
  memcpy (record, "PMCT", 4);
  memcpy (record + 8, &le, 8);
  crypto_generichash (record + 16, 16, record, 16, NULL, 0);
  g_assert_true (g_file_set_contents (path, contents, len, NULL));
}

static void
test_nonce_limit (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PmCryptKeys) keys = pm_test_create_store (fixture->path, NULL);
  sqlite3 *db;
  int rc;

  set_counter (fixture->path, PM_CRYPT_NONCE_WARN);
  db = open_store (fixture, keys, PM_CRYPT_JOURNAL_DELETE);
  g_test_expect_message ("pm-crypt", G_LOG_LEVEL_WARNING, "*rekey the store soon*");
  fill_rows (db, 5);
  g_test_assert_expected_messages ();
  sqlite3_close (db);

  set_counter (fixture->path, PM_CRYPT_NONCE_LIMIT);
  db = open_store (fixture, keys, PM_CRYPT_JOURNAL_DELETE);
  rc = sqlite3_exec (db, "INSERT INTO t (v) VALUES ('x')", NULL, NULL, NULL);
  g_assert_cmpint (rc, !=, SQLITE_OK);
  pm_crypt_error_from_sqlite (&error, db, rc);
  g_assert_error (error, PM_CRYPT_ERROR, PM_CRYPT_ERROR_NONCE_LIMIT);
  sqlite3_close (db);

  /* Rekeying starts a new data key and a new count. */
  g_clear_error (&error);
  g_assert_true (pm_crypt_rekey (fixture->path, keys, &error));
  g_assert_no_error (error);
  db = open_store (fixture, keys, PM_CRYPT_JOURNAL_DELETE);
  pm_test_exec (db, "INSERT INTO t (v) VALUES ('x')");
  sqlite3_close (db);
}

static void
test_zero_tail (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PmCryptKeys) keys = pm_test_create_store (fixture->path, NULL);
  FILE *file;
  sqlite3 *db;

  db = open_store (fixture, keys, PM_CRYPT_JOURNAL_DELETE);
  fill_rows (db, 20);
  sqlite3_close (db);

  file = fopen (fixture->path, "ab");
  for (int i = 0; i < 700; i++)
    fputc (0, file);
  fclose (file);
  g_assert_true (pm_test_read_all (fixture->path, keys, &error));
  g_assert_no_error (error);
  g_assert_true (pm_crypt_verify (fixture->path, keys, NULL, &error));
  g_assert_no_error (error);
}

static char *
run_shell (const char *store,
           const char *passphrase,
           const char *sql,
           char      **err)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *input = g_strdup_printf (".load %s\n.open file:%s?vfs=pepamo\nPRAGMA temp_store = MEMORY;\n%s\n",
                                            PM_CRYPT_EXTENSION_PATH, store, sql);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE
                                                                       | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                                                       | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) shell = NULL;
  char *out = NULL;

  g_subprocess_launcher_setenv (launcher, "PEPAMO_PASSPHRASE", passphrase, TRUE);
  if (PM_CRYPT_SHELL_PRELOAD[0] != '\0')
    {
      g_subprocess_launcher_setenv (launcher, "LD_PRELOAD", PM_CRYPT_SHELL_PRELOAD, TRUE);
      g_subprocess_launcher_setenv (launcher, "ASAN_OPTIONS", "detect_leaks=0", TRUE);
    }
  shell = g_subprocess_launcher_spawn (launcher, &error, "sqlite3", "-batch", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (shell, input, NULL, &out, err, &error);
  g_assert_no_error (error);
  return out;
}

static void
test_sqlite3_shell (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(PmCryptKeys) keys = pm_test_create_store (fixture->path, NULL);
  g_autofree char *sqlite3_path = g_find_program_in_path ("sqlite3");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  sqlite3 *db;

  if (sqlite3_path == NULL)
    {
      g_test_skip ("sqlite3 shell not installed");
      return;
    }
  db = open_store (fixture, keys, PM_CRYPT_JOURNAL_WAL);
  fill_rows (db, 42);
  sqlite3_close (db);

  out = run_shell (fixture->path, PM_TEST_PASSPHRASE,
                   "SELECT 'rows=' || count(*) FROM t;\nINSERT INTO t (v) VALUES ('from shell');\n"
                   "PRAGMA integrity_check;\n.dump\n", &err);
  g_assert_nonnull (strstr (out, "rows=42"));
  g_assert_nonnull (strstr (out, "\nok\n"));
  g_assert_nonnull (strstr (out, "from shell"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  out = run_shell (fixture->path, "not the passphrase", "SELECT 'rows=' || count(*) FROM t;", &err);
  g_assert_null (strstr (out, "rows="));
  g_assert_nonnull (strstr (err, "Wrong passphrase"));

  db = open_store (fixture, keys, PM_CRYPT_JOURNAL_WAL);
  g_assert_cmpint (pm_test_query_int (db, "SELECT count(*) FROM t"), ==, 43);
  sqlite3_close (db);
  assert_no_canary (fixture);
}

#define add_test(path, func, data) \
  g_test_add (path, Fixture, data, fixture_setup, func, fixture_teardown)

int
main (int   argc,
      char *argv[])
{
  pm_test_init (&argc, &argv);

  add_test ("/crypt/create-unlock", test_create_unlock, NULL);
  add_test ("/crypt/wrong-passphrase", test_wrong_passphrase, NULL);
  add_test ("/crypt/recovery-and-slots", test_recovery_and_slots, NULL);
  add_test ("/crypt/key-file", test_key_file, NULL);
  add_test ("/crypt/tamper/pages", test_tamper_pages, NULL);
  add_test ("/crypt/tamper/swap", test_tamper_swap, NULL);
  add_test ("/crypt/tamper/journal", test_tamper_journal, NULL);
  add_test ("/crypt/tamper/wal", test_tamper_wal, NULL);
  add_test ("/crypt/tamper/header", test_tamper_header, NULL);
  add_test ("/crypt/canary/delete", test_canary, GINT_TO_POINTER (PM_CRYPT_JOURNAL_DELETE));
  add_test ("/crypt/canary/wal", test_canary, GINT_TO_POINTER (PM_CRYPT_JOURNAL_WAL));
  add_test ("/crypt/passwd-with-wal", test_passwd_with_wal, NULL);
  add_test ("/crypt/slot-write-torn", test_slot_write_torn, NULL);
  add_test ("/crypt/rekey/delete", test_rekey, GINT_TO_POINTER (PM_CRYPT_JOURNAL_DELETE));
  add_test ("/crypt/rekey/wal", test_rekey, GINT_TO_POINTER (PM_CRYPT_JOURNAL_WAL));
  add_test ("/crypt/refusals", test_refusals, NULL);
  add_test ("/crypt/nonce-limit", test_nonce_limit, NULL);
  add_test ("/crypt/zero-tail", test_zero_tail, NULL);
  add_test ("/crypt/sqlite3-shell", test_sqlite3_shell, NULL);

  return g_test_run ();
}
