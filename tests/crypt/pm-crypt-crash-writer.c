/* pm-crypt-crash-writer.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Helper of test-crypt-crash: writes to a store until it is killed and
 * prints what is durable. "delete"/"wal": one transaction after the other,
 * each id printed once COMMIT returned. "passwd": changes the passphrase
 * back and forth, printing the index of the one now in force.
 */

#define G_LOG_DOMAIN "pm-crypt-test"

#include "pm-crypt-test-util.h"

#include <stdio.h>
#include <stdlib.h>

#define PM_CRASH_ROUNDS 1000000

static const char *words[] = { PM_TEST_PASSPHRASE, "another passphrase entirely" };

static int
run_passwd (const char *path,
            int         current)
{
  for (int i = 0; i < PM_CRASH_ROUNDS; i++)
    {
      g_autoptr(GError) error = NULL;

      if (!pm_crypt_change_passphrase (path, PM_TEST_STAFF, words[current], words[1 - current],
                                       &pm_test_fast_cost, &error))
        g_error ("%s", error->message);
      current = 1 - current;
      printf ("%d\n", current);
      fflush (stdout);
    }
  return 0;
}

static int
run_writes (const char         *path,
            PmCryptJournalMode  mode)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PmCryptKeys) keys = pm_crypt_unlock (path, PM_TEST_STAFF, words[0], &error);
  sqlite3 *db;
  gint64 id;

  if (keys == NULL)
    g_error ("%s", error->message);
  db = pm_crypt_open (path, keys, mode, &error);
  if (db == NULL)
    g_error ("%s", error->message);
  /* A small cache makes rollback-journal transactions spill mid-way. */
  pm_test_exec (db, "PRAGMA cache_size = 8; PRAGMA wal_autocheckpoint = 50;");
  id = pm_test_query_int (db, "SELECT coalesce(max(id), 0) FROM log");

  for (int i = 0; i < PM_CRASH_ROUNDS; i++)
    {
      char *sql;

      id++;
      sql = sqlite3_mprintf ("BEGIN;"
                                   "INSERT INTO log (id, payload) VALUES (%lld, randomblob(%d));"
                                   "UPDATE bulk SET v = randomblob(300) WHERE k %% 7 = %d;"
                                   "COMMIT;", (long long) id, 500 + (int) (id % 5000), (int) (id % 7));

      pm_test_exec (db, sql);
      sqlite3_free (sql);
      printf ("%" G_GINT64_FORMAT "\n", id);
      fflush (stdout);
    }
  sqlite3_close (db);
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;

  if (argc != 4)
    g_error ("usage: %s STORE delete|wal|passwd START", argv[0]);
  if (!pm_crypt_init (&error))
    g_error ("%s", error->message);
  if (g_str_equal (argv[2], "passwd"))
    return run_passwd (argv[1], atoi (argv[3]));
  return run_writes (argv[1], g_str_equal (argv[2], "wal") ? PM_CRYPT_JOURNAL_WAL : PM_CRYPT_JOURNAL_DELETE);
}
