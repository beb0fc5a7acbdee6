/* pm-crypt-test-util.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Helpers shared by the crypt tests: a temporary directory per test and a
 * store with a cheap key derivation.
 */

#define G_LOG_DOMAIN "pm-crypt-test"

#include "pm-crypt-test-util.h"

#include <glib/gstdio.h>
#include <sodium.h>

const PmCryptKdfCost pm_test_fast_cost = { crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN };

void
pm_test_init (int    *argc,
              char ***argv)
{
  g_autoptr(GError) error = NULL;

  g_test_init (argc, argv, NULL);
  if (!pm_crypt_init (&error))
    g_error ("%s", error->message);
}

PmCryptKeys *
pm_test_create_store (const char     *path,
                      PmCryptSecret **recovery)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PmCryptSecret) unused = NULL;
  PmCryptKeys *keys;

  keys = pm_crypt_create (path, PM_TEST_STAFF, "Erika Mustermann", "Soziales", PM_TEST_PASSPHRASE,
                          &pm_test_fast_cost, recovery != NULL ? recovery : &unused, &error);
  g_assert_no_error (error);
  g_assert_nonnull (keys);
  return keys;
}

void
pm_test_exec (sqlite3    *db,
              const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

gint64
pm_test_query_int (sqlite3    *db,
                   const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

/* Opens the store and touches every page; FALSE with the crypt error. */
gboolean
pm_test_read_all (const char   *path,
                  PmCryptKeys  *keys,
                  GError      **error)
{
  sqlite3 *db = pm_crypt_open (path, keys, PM_CRYPT_JOURNAL_DELETE, error);
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (db == NULL)
    return FALSE;
  rc = sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    rc = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "ok") == 0 ? SQLITE_OK : SQLITE_CORRUPT;
  if (rc != SQLITE_OK)
    pm_crypt_error_from_sqlite (error, db, rc);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return rc == SQLITE_OK;
}
