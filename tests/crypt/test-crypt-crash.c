/* test-crypt-crash.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Kills a writer with SIGKILL at random points, PM_CRASH_ITERATIONS times
 * per mode (default 20), and checks that the store still opens, passes
 * integrity_check and verify, and holds every transaction the writer saw
 * committed. The same for passphrase changes: old or new must work.
 */

#define G_LOG_DOMAIN "pm-crypt-test"

#include "pm-crypt-test-util.h"

#include <gio/gio.h>
#include <signal.h>
#include <stdlib.h>

static const char *words[] = { PM_TEST_PASSPHRASE, "another passphrase entirely" };

static guint
iterations (void)
{
  const char *env = g_getenv ("PM_CRASH_ITERATIONS");

  return env != NULL ? MAX (1, atoi (env)) : 20;
}

/* Runs the writer until `wait_lines` lines arrived plus a random delay,
 * kills it and returns the last line it printed (or -1). */
static gint64
run_and_kill (const char *path,
              const char *mode,
              int         start,
              GRand      *rand)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *start_arg = g_strdup_printf ("%d", start);
  g_autoptr(GSubprocess) writer = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  int wait_lines = g_rand_int_range (rand, 0, 4);
  gint64 last = -1;
  char *line;

  writer = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                             PM_CRYPT_CRASH_WRITER, path, mode, start_arg, NULL);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (writer));

  for (int i = 0; i < wait_lines && (line = g_data_input_stream_read_line (lines, NULL, NULL, NULL)); i++)
    {
      last = g_ascii_strtoll (line, NULL, 10);
      g_free (line);
    }
  g_usleep (g_rand_int_range (rand, 0, 20000));
  g_subprocess_send_signal (writer, SIGKILL);
  g_subprocess_wait (writer, NULL, &error);
  g_assert_no_error (error);

  while ((line = g_data_input_stream_read_line (lines, NULL, NULL, NULL)) != NULL)
    {
      last = g_ascii_strtoll (line, NULL, 10);
      g_free (line);
    }
  return last;
}

static void
check_store (const char         *path,
             PmCryptJournalMode  mode,
             gint64              committed)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PmCryptKeys) keys = pm_crypt_unlock (path, PM_TEST_STAFF, words[0], &error);
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM log WHERE id <= %" G_GINT64_FORMAT, committed);
  sqlite3 *db;
  sqlite3_stmt *stmt = NULL;

  g_assert_no_error (error);
  db = pm_crypt_open (path, keys, mode, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
  sqlite3_finalize (stmt);
  g_assert_cmpint (pm_test_query_int (db, sql), ==, committed);
  g_assert_cmpint (pm_test_query_int (db, "SELECT count(*) FROM bulk"), ==, 300);
  sqlite3_close (db);

  g_assert_true (pm_crypt_verify (path, keys, NULL, &error));
  g_assert_no_error (error);
}

static void
test_crash_writes (gconstpointer data)
{
  const char *mode = data;
  PmCryptJournalMode journal = g_str_equal (mode, "wal") ? PM_CRYPT_JOURNAL_WAL : PM_CRYPT_JOURNAL_DELETE;
  g_autofree char *dir = pm_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "store.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PmCryptKeys) keys = pm_test_create_store (path, NULL);
  g_autoptr(GRand) rand = g_rand_new_with_seed (g_test_rand_int ());
  gint64 committed = 0;
  sqlite3 *db;

  db = pm_crypt_open (path, keys, journal, &error);
  g_assert_no_error (error);
  pm_test_exec (db, "CREATE TABLE log (id INTEGER PRIMARY KEY, payload BLOB);"
                    "CREATE TABLE bulk (k INTEGER PRIMARY KEY, v BLOB);"
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300) "
                    "INSERT INTO bulk SELECT i, randomblob(300) FROM n;");
  sqlite3_close (db);

  for (guint i = 0; i < iterations (); i++)
    {
      gint64 last = run_and_kill (path, mode, 0, rand);

      committed = MAX (committed, last);
      check_store (path, journal, committed);
    }
  g_test_message ("%s: %" G_GINT64_FORMAT " transactions committed across the kills", mode, committed);
  pm_test_remove_dir (dir);
}

static void
test_crash_passwd (void)
{
  g_autofree char *dir = pm_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "store.db", NULL);
  g_autoptr(PmCryptKeys) keys = pm_test_create_store (path, NULL);
  g_autoptr(GRand) rand = g_rand_new_with_seed (g_test_rand_int ());
  int current = 0;

  for (guint i = 0; i < iterations (); i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 last = run_and_kill (path, "passwd", current, rand);
      PmCryptKeys *unlocked;

      /* The last one reported is durable; the change in flight may be too. */
      if (last >= 0)
        current = last;
      unlocked = pm_crypt_unlock (path, PM_TEST_STAFF, words[current], &error);
      if (unlocked == NULL)
        {
          g_assert_error (error, PM_CRYPT_ERROR, PM_CRYPT_ERROR_WRONG_PASSPHRASE);
          g_clear_error (&error);
          current = 1 - current;
          unlocked = pm_crypt_unlock (path, PM_TEST_STAFF, words[current], &error);
          g_assert_no_error (error);
        }
      pm_crypt_keys_free (unlocked);
    }
  pm_test_remove_dir (dir);
}

int
main (int   argc,
      char *argv[])
{
  pm_test_init (&argc, &argv);

  g_test_add_data_func ("/crypt/crash/delete", "delete", test_crash_writes);
  g_test_add_data_func ("/crypt/crash/wal", "wal", test_crash_writes);
  g_test_add_func ("/crypt/crash/passwd", test_crash_passwd);
  return g_test_run ();
}
