/* pm-test-old-store.c: stores as an older PePaMo left them, with data
 *
 * Migrations only ever add tables, and a released one never changes, so a
 * store of schema N is the first N migrations plus rows in their tables.
 * The rows come from a current store filled with the demo week, a draft
 * and a receipt counter: every table of schema N gets the rows the current
 * code writes into it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "pm-demo.h"
#include "pm-store-private.h"
#include "pm-test-old-store.h"
#include "pm-test-utils.h"

static void
fill_current_store (const char *dir)
{
  g_autoptr(PmStore) store = pm_test_open_store (dir);
  g_autoptr(GError) error = NULL;

  g_assert_true (pm_demo_fill (store, PM_TEST_OLD_STORE_DAY, 7, &error));
  g_assert_no_error (error);
  pm_store_set_actor (store, PM_TEST_STAFF_ID, PM_ROLE_FIELD, "soziales");
  g_assert_true (pm_store_save_draft (store, "counselling-new", "counselling", NULL,
                                      "{\"notes\":\"Entwurf vor dem Update\"}", &error));
  g_assert_no_error (error);
  pm_store_close (store);
}

static GStrv
table_names (sqlite3 *db)
{
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT name FROM sqlite_master WHERE type = 'table'"
                                       " AND name NOT LIKE 'sqlite_%' ORDER BY name", -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_strv_builder_add (names, (const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return g_strv_builder_end (names);
}

static void
copy_table (sqlite3    *from,
            sqlite3    *to,
            const char *table)
{
  g_autofree char *select = g_strdup_printf ("SELECT * FROM %s", table);
  g_autoptr(GString) insert = g_string_new (NULL);
  sqlite3_stmt *rows = NULL;
  sqlite3_stmt *stmt = NULL;
  int n;

  g_assert_cmpint (sqlite3_prepare_v2 (from, select, -1, &rows, NULL), ==, SQLITE_OK);
  n = sqlite3_column_count (rows);
  g_string_printf (insert, "INSERT INTO %s VALUES (?", table);
  for (int i = 1; i < n; i++)
    g_string_append (insert, ", ?");
  g_string_append (insert, ")");
  g_assert_cmpint (sqlite3_prepare_v2 (to, insert->str, -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (rows) == SQLITE_ROW)
    {
      for (int i = 0; i < n; i++)
        sqlite3_bind_value (stmt, i + 1, sqlite3_column_value (rows, i));
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
      sqlite3_reset (stmt);
    }
  sqlite3_finalize (stmt);
  sqlite3_finalize (rows);
}

/**
 * pm_test_make_old_store:
 * @db: a connection on a new, empty store
 * @version: the schema to leave it at
 *
 * Every table of schema @version holds the rows a current store has after
 * the demo week (in the tables that version has).
 */
void
pm_test_make_old_store (sqlite3 *db,
                        int      version)
{
  g_autofree char *dir = pm_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "pepamo.db", NULL);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) tables = NULL;
  sqlite3 *current;

  g_assert_true (_pm_store_migrate (db, version, &error));
  g_assert_no_error (error);
  fill_current_store (dir);
  current = pm_test_open_raw (path);
  tables = table_names (db);
  g_assert_true (_pm_store_exec (db, "BEGIN", NULL));
  for (guint i = 0; tables[i]; i++)
    copy_table (current, db, tables[i]);
  g_assert_true (_pm_store_exec (db, "COMMIT", NULL));
  sqlite3_close (current);
  pm_test_remove_dir (dir);
}

/* Every table's rows, in a stable order, as text (table name to rows):
 * what "the data is intact" compares. */
GHashTable *
pm_test_dump_tables (sqlite3 *db)
{
  g_auto(GStrv) tables = table_names (db);
  GHashTable *dump = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; tables[i]; i++)
    {
      g_autofree char *select = g_strdup_printf ("SELECT * FROM %s ORDER BY 1, 2", tables[i]);
      GString *rows_text = g_string_new (NULL);
      sqlite3_stmt *rows = NULL;

      g_assert_cmpint (sqlite3_prepare_v2 (db, select, -1, &rows, NULL), ==, SQLITE_OK);
      while (sqlite3_step (rows) == SQLITE_ROW)
        {
          for (int c = 0; c < sqlite3_column_count (rows); c++)
            g_string_append_printf (rows_text, "%s%s", c ? "|" : "",
                                    sqlite3_column_type (rows, c) == SQLITE_NULL ? "NULL"
                                                                                 : (const char *) sqlite3_column_text (rows, c));
          g_string_append_c (rows_text, '\n');
        }
      sqlite3_finalize (rows);
      g_hash_table_insert (dump, g_strdup (tables[i]), g_string_free (rows_text, FALSE));
    }
  return dump;
}
