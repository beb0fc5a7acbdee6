/* pm-make-old-server-store.c: a pepamo-server data dir as an older server
 * left it
 *
 * pm-make-old-server-store DATA_DIR VERSION makes DATA_DIR (and its key,
 * DATA_DIR.key) with a store at schema VERSION holding the demo week's rows
 * (see tests/pm-test-old-store.c); VERSION may be one newer than this build
 * knows. Prints the records it holds as JSON, {table: {id: version}}, for
 * the test to compare with what the upgraded server exports.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>

#include "pm-model.h"
#include "pm-store-private.h"
#include "pm-test-old-store.h"

static void
check (gboolean      ok,
       const GError *error)
{
  if (!ok)
    g_error ("%s", error ? error->message : "failed");
}

/* The ids and versions of a kind's records; none for a kind that came
 * after the old schema. */
static JsonObject *
record_versions (sqlite3    *db,
                 const char *table)
{
  g_autofree char *sql = g_strdup_printf ("SELECT id, version FROM %s", table);
  JsonObject *versions = json_object_new ();
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_table_column_metadata (db, NULL, table, "id", NULL, NULL, NULL, NULL, NULL) != SQLITE_OK)
    return versions;
  check (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) == SQLITE_OK, NULL);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    json_object_set_int_member (versions, (const char *) sqlite3_column_text (stmt, 0),
                                sqlite3_column_int64 (stmt, 1));
  sqlite3_finalize (stmt);
  return versions;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PmCryptKeys) keys = NULL;
  g_autoptr(JsonObject) expected = json_object_new ();
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *db_path = NULL;
  g_autofree char *key_path = NULL;
  g_autofree char *text = NULL;
  const GType *types;
  guint8 key[32];
  guint n_types;
  sqlite3 *db;
  int version;

  if (argc != 3)
    {
      fprintf (stderr, "usage: %s DATA_DIR VERSION\n", argv[0]);
      return 2;
    }
  version = atoi (argv[2]);
  db_path = g_build_filename (argv[1], "pepamo-server.db", NULL);
  key_path = g_strconcat (argv[1], ".key", NULL);
  check (pm_crypt_init (&error), error);
  check (g_mkdir_with_parents (argv[1], 0700) == 0, NULL);
  randombytes_buf (key, sizeof key);
  check (g_file_set_contents_full (key_path, (const char *) key, sizeof key,
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error), error);
  keys = pm_crypt_create_with_key_file (db_path, key_path, &error);
  check (keys != NULL, error);
  db = pm_crypt_open (db_path, keys, PM_CRYPT_JOURNAL_WAL, &error);
  check (db != NULL, error);

  pm_test_make_old_store (db, MIN (version, PM_STORE_SCHEMA_VERSION));
  if (version > PM_STORE_SCHEMA_VERSION)
    {
      g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %d", version);

      check (_pm_store_exec (db, bump, &error), error);
    }

  types = pm_model_get_types (&n_types);
  for (guint i = 0; i < n_types; i++)
    {
      PmRecordClass *klass = g_type_class_ref (types[i]);

      json_object_set_object_member (expected, klass->table, record_versions (db, klass->table));
      g_type_class_unref (klass);
    }
  sqlite3_close (db);
  json_node_set_object (root, expected);
  text = json_to_string (root, FALSE);
  printf ("%s\n", text);
  return 0;
}
