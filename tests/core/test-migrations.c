/* test-migrations.c: the schema from empty and from every older version
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <sqlite3.h>

#include "pm-error.h"
#include "pm-store-private.h"
#include "pm-test-old-store.h"
#include "pm-test-utils.h"

typedef struct
{
  char *dir;
  char *path;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->dir = pm_test_make_dir ();
  f->path = g_build_filename (f->dir, "pepamo.db", NULL);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  pm_test_remove_dir (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

static sqlite3 *
raw_open (const char *path)
{
  return pm_test_open_raw (path);
}

static void
test_from_empty (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(PmStore) store = pm_test_open_store (f->dir);

  g_assert_cmpint (pm_store_get_schema_version (store), ==, PM_STORE_SCHEMA_VERSION);
  g_assert_true (g_uuid_string_is_valid (pm_store_get_device_id (store)));
}

/* A store written by an older PePaMo, with the data of a demo week in every
 * table it has, opens with the current one: the schema is current, every
 * old row is as it was, and the current code reads and writes the data. */
static void
test_from_version (Fixture       *f,
                   gconstpointer  data)
{
  int version = GPOINTER_TO_INT (data);
  sqlite3 *db = raw_open (f->path);
  g_autoptr(GError) error = NULL;
  g_autoptr(PmStore) store = NULL;
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GHashTable) after = NULL;
  g_autoptr(GPtrArray) visits = NULL;
  g_autoptr(GPtrArray) citizens = NULL;
  g_autoptr(PmRecord) saved = NULL;
  g_auto(GStrv) drafts = NULL;
  GHashTableIter iter;
  const char *table;
  const char *rows;
  PmRecord *citizen;
  gint64 old_version;

  pm_test_make_old_store (db, version);
  g_assert_cmpint (_pm_store_schema_version (db), ==, version);
  before = pm_test_dump_tables (db);
  g_assert_cmpstr (g_hash_table_lookup (before, "visits"), !=, "");
  g_assert_cmpstr (g_hash_table_lookup (before, "audit"), !=, "");
  if (version >= 2)
    g_assert_cmpstr (g_hash_table_lookup (before, "drafts"), !=, "");
  if (version >= 3)
    g_assert_cmpstr (g_hash_table_lookup (before, "counters"), !=, "");
  sqlite3_close (db);

  store = pm_test_open_store (f->dir);
  g_assert_cmpint (pm_store_get_schema_version (store), ==, PM_STORE_SCHEMA_VERSION);
  g_clear_object (&store);
  db = raw_open (f->path);
  g_assert_cmpint (_pm_store_schema_version (db), ==, PM_STORE_SCHEMA_VERSION);
  after = pm_test_dump_tables (db);
  sqlite3_close (db);
  g_hash_table_iter_init (&iter, before);
  while (g_hash_table_iter_next (&iter, (gpointer *) &table, (gpointer *) &rows))
    g_assert_cmpstr (g_hash_table_lookup (after, table), ==, rows);

  store = pm_test_open_store (f->dir);
  pm_store_set_actor (store, PM_TEST_STAFF_ID, PM_ROLE_ADMIN, "it");
  visits = pm_store_list_visits_for_day (store, PM_TEST_OLD_STORE_DAY, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (visits->len, >, 0);
  drafts = pm_store_list_drafts (store, &error);
  g_assert_no_error (error);
  g_assert_true (version < 2 || g_strv_contains ((const char * const *) drafts, "counselling-new"));
  citizens = pm_store_list (store, PM_TYPE_CITIZEN, &error);
  g_assert_no_error (error);
  citizen = g_ptr_array_index (citizens, 0);
  old_version = pm_record_get_version (citizen);
  pm_record_set_string (citizen, "phone", "0345 0777777");
  g_assert_true (pm_store_save (store, citizen, &error));
  g_assert_no_error (error);
  saved = pm_store_get (store, PM_TYPE_CITIZEN, pm_record_get_id (citizen), &error);
  g_assert_no_error (error);
  g_assert_cmpint (pm_record_get_version (saved), ==, old_version + 1);
  g_assert_cmpstr (pm_record_get_string (saved, "phone"), ==, "0345 0777777");
}

static void
test_too_new (Fixture       *f,
              gconstpointer  data)
{
  sqlite3 *db = raw_open (f->path);
  g_autoptr(GError) error = NULL;
  g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %d", PM_STORE_SCHEMA_VERSION + 1);
  PmStore *store;

  g_assert_true (_pm_store_exec (db, "CREATE TABLE future (x); INSERT INTO future VALUES (42);", NULL));
  g_assert_true (_pm_store_exec (db, bump, NULL));
  sqlite3_close (db);

  store = pm_store_open (f->path, pm_test_unlock (f->path), &error);
  g_assert_null (store);
  g_assert_error (error, PM_ERROR, PM_ERROR_SCHEMA_TOO_NEW);

  /* Nothing was touched. */
  db = raw_open (f->path);
  g_assert_cmpint (_pm_store_schema_version (db), ==, PM_STORE_SCHEMA_VERSION + 1);
  g_assert_true (_pm_store_exec (db, "SELECT x FROM future", NULL));
  sqlite3_close (db);
}

/* A migration that fails leaves the store at the version before it. */
static void
test_failed_migration_rolls_back (Fixture       *f,
                                  gconstpointer  data)
{
  sqlite3 *db = raw_open (f->path);
  g_autoptr(GError) error = NULL;

  g_assert_true (_pm_store_migrate (db, 1, NULL));
  /* Makes migration 2 fail: its table exists already. */
  g_assert_true (_pm_store_exec (db, "CREATE TABLE drafts (x)", NULL));
  g_assert_false (_pm_store_migrate (db, PM_STORE_SCHEMA_VERSION, &error));
  g_assert_error (error, PM_ERROR, PM_ERROR_STORE);
  g_assert_nonnull (strstr (error->message, "Migration to schema 2"));
  g_assert_cmpint (_pm_store_schema_version (db), ==, 1);
  sqlite3_close (db);
}

/* Every field flagged as a column has one in its table. */
static void
test_columns_match_fields (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(PmStore) store = pm_test_open_store (f->dir);
  sqlite3 *db;
  guint n_types;
  const GType *types = pm_model_get_types (&n_types);

  g_clear_object (&store);
  db = raw_open (f->path);
  for (guint i = 0; i < n_types; i++)
    {
      PmRecordClass *klass = g_type_class_peek (types[i]);

      for (guint j = 0; j < klass->n_fields; j++)
        {
          g_autofree char *sql = NULL;
          sqlite3_stmt *stmt = NULL;

          if (!(klass->fields[j].flags & PM_FIELD_COLUMN))
            continue;
          sql = g_strdup_printf ("SELECT %s FROM %s", klass->fields[j].name, klass->table);
          if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
            g_error ("%s.%s has no column: %s", klass->table, klass->fields[j].name, sqlite3_errmsg (db));
          sqlite3_finalize (stmt);
        }
    }
  sqlite3_close (db);
}

/* A pushed record is checked against the deletion markers by id: the
 * lookup must not read every marker (one more with every erasure). */
static void
test_markers_found_by_index (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(PmStore) store = pm_test_open_store (f->dir);
  sqlite3 *db;
  sqlite3_stmt *stmt = NULL;
  g_autoptr(GString) plan = g_string_new (NULL);

  g_clear_object (&store);
  db = raw_open (f->path);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "EXPLAIN QUERY PLAN " _PM_STORE_COUNT_MARKERS, -1, &stmt, NULL), ==,
                   SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (plan, "%s\n", (const char *) sqlite3_column_text (stmt, 3));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  g_assert_nonnull (strstr (plan->str, "USING COVERING INDEX deleted_records_by_record"));
  g_assert_null (strstr (plan->str, "SCAN"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/migrations/from-empty", Fixture, NULL, fixture_set_up, test_from_empty, fixture_tear_down);
  for (int v = 1; v < PM_STORE_SCHEMA_VERSION; v++)
    {
      g_autofree char *path = g_strdup_printf ("/migrations/from-version-%d", v);

      g_test_add (path, Fixture, GINT_TO_POINTER (v), fixture_set_up, test_from_version, fixture_tear_down);
    }
  g_test_add ("/migrations/too-new", Fixture, NULL, fixture_set_up, test_too_new, fixture_tear_down);
  g_test_add ("/migrations/failed-rolls-back", Fixture, NULL, fixture_set_up,
              test_failed_migration_rolls_back, fixture_tear_down);
  g_test_add ("/migrations/columns-match-fields", Fixture, NULL, fixture_set_up,
              test_columns_match_fields, fixture_tear_down);
  g_test_add ("/migrations/markers-found-by-index", Fixture, NULL, fixture_set_up,
              test_markers_found_by_index, fixture_tear_down);
  return g_test_run ();
}
