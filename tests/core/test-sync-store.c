/* test-sync-store.c: outbox, push answers, change log and scopes, store to store
 *
 * Two real encrypted stores play the van and the server; the HTTP between
 * them is tested in tests/sync.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <glib/gstdio.h>
#include <sodium.h>

#include "pm-access.h"
#include "pm-demo.h"
#include "pm-error.h"
#include "pm-store-backup.h"
#include "pm-store-private.h"
#include "pm-store-sync.h"
#include "pm-test-utils.h"

#define OFFICE "0a7c6c4e-6b1f-4a55-9d0e-3f6f1c2b9a02"

typedef struct
{
  char    *dir;
  char    *server_dir;
  char    *van_dir;
  PmStore *server;
  PmStore *van;
  char    *device;  /* the van's id at the server, a field device of the demo's van */
} Fixture;

static void
act_as_admin (PmStore *store)
{
  pm_store_set_actor (store, PM_TEST_STAFF_ID, PM_ROLE_ADMIN, "it");
}

static void
pull_all (Fixture *f,
          PmRole   role)
{
  PmStore *from = f->server;
  PmStore *into = f->van;
  gint64 cursor = pm_store_get_pull_cursor (into);

  for (guint page_no = 0; page_no < 1000; page_no++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) page = pm_test_take_json_object (pm_store_changes_since_text (from, cursor, NULL, FALSE, 50, f->device, role, &error));

      g_assert_no_error (error);
      cursor = json_object_get_int_member (page, "cursor");
      g_assert_true (pm_store_apply_pull_page (into, json_object_get_array_member (page, "changes"), cursor,
                                                json_object_get_string_member (page, "epoch"), &error));
      g_assert_no_error (error);
      if (json_object_get_boolean_member (page, "complete"))
        return;
    }
  g_assert_not_reached ();
}

static JsonArray *
push_as (Fixture *f,
         PmRole   role)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) entries = pm_store_outbox_peek (f->van, 500, &error);
  JsonArray *results;

  g_assert_no_error (error);
  results = pm_store_apply_push (f->server, f->device, role, entries, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (results), ==, json_array_get_length (entries));
  return results;
}

static JsonArray *
push (Fixture *f)
{
  return push_as (f, PM_ROLE_FIELD);
}

static const char *
outcome (JsonArray *results,
         guint      index)
{
  return json_object_get_string_member (json_array_get_object_element (results, index), "outcome");
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = pm_test_make_dir ();
  f->server_dir = g_build_filename (f->dir, "server", NULL);
  f->van_dir = g_build_filename (f->dir, "van", NULL);
  g_assert_cmpint (g_mkdir (f->server_dir, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (f->van_dir, 0700), ==, 0);
  f->server = pm_test_open_store (f->server_dir);
  g_assert_true (pm_demo_fill (f->server, "2026-11-18", 11, &error));
  g_assert_no_error (error);
  act_as_admin (f->server);
  g_free (pm_store_add_device (f->server, PM_ROLE_FIELD, "halle", PM_DEMO_VAN_ID, &f->device, &error));
  g_assert_no_error (error);

  f->van = pm_test_open_store (f->van_dir);
  g_assert_true (pm_store_enrol (f->van, "https://127.0.0.1:1", "token", "field", &error));
  g_assert_no_error (error);
  pull_all (f, PM_ROLE_FIELD);
  act_as_admin (f->van);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->server);
  g_clear_object (&f->van);
  pm_test_remove_dir (f->dir);
  g_free (f->dir);
  g_free (f->server_dir);
  g_free (f->van_dir);
  g_free (f->device);
}

static PmRecord *
first_of (PmStore *store,
          GType    type)
{
  g_autoptr(GPtrArray) records = pm_store_list (store, type, NULL);

  g_assert_nonnull (records);
  g_assert_cmpuint (records->len, >, 0);
  return g_object_ref (g_ptr_array_index (records, 0));
}

/* The ids of @store's records of @type, with @field @value where @field is
 * given (for a visit's people: one of its citizen_ids). */
static GHashTable *
ids_of (PmStore    *store,
        GType       type,
        const char *field,
        const char *value)
{
  g_autoptr(GPtrArray) records = pm_store_list (store, type, NULL);
  GHashTable *ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_assert_nonnull (records);
  for (guint i = 0; i < records->len; i++)
    if (field == NULL || g_strcmp0 (pm_record_get_string (g_ptr_array_index (records, i), field), value) == 0)
      g_hash_table_add (ids, g_strdup (pm_record_get_id (g_ptr_array_index (records, i))));
  return ids;
}

static void
assert_same_ids (GHashTable *got,
                 GHashTable *expected)
{
  GHashTableIter iter;
  gpointer id;

  g_assert_cmpuint (g_hash_table_size (got), ==, g_hash_table_size (expected));
  g_hash_table_iter_init (&iter, expected);
  while (g_hash_table_iter_next (&iter, &id, NULL))
    g_assert_true (g_hash_table_contains (got, id));
}

/* The van receives its own schedule and the people on it, not the
 * offices' records nor other vans' visits; pulling queues nothing to send
 * back. */
static void
test_pull_scope (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) van_visits = ids_of (f->server, PM_TYPE_VISIT, "van_id", PM_DEMO_VAN_ID);
  g_autoptr(GHashTable) people = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) held_people = ids_of (f->van, PM_TYPE_CITIZEN, NULL, NULL);
  g_autoptr(GPtrArray) visits = pm_store_list (f->van, PM_TYPE_VISIT, NULL);
  g_autoptr(GHashTable) held_visits = ids_of (f->van, PM_TYPE_VISIT, NULL, NULL);

  g_assert_cmpuint (g_hash_table_size (van_visits), >, 0);
  g_assert_cmpint (g_hash_table_size (van_visits), <, pm_store_count (f->server, PM_TYPE_VISIT, NULL));
  assert_same_ids (held_visits, van_visits);
  for (guint i = 0; i < visits->len; i++)
    for (const char * const *id = pm_record_get_strv (g_ptr_array_index (visits, i), "citizen_ids"); id && *id; id++)
      g_hash_table_add (people, (gpointer) *id);
  assert_same_ids (held_people, people);
  g_assert_cmpint (pm_store_count (f->server, PM_TYPE_CASE, NULL), >, 0);
  g_assert_cmpint (pm_store_count (f->van, PM_TYPE_CASE, NULL), ==, 0);
  g_assert_cmpint (pm_store_count (f->server, PM_TYPE_COUNSELLING_RECORD, NULL), >, 0);
  g_assert_cmpint (pm_store_count (f->van, PM_TYPE_COUNSELLING_RECORD, NULL), ==, 0);
  g_assert_cmpint (pm_store_count (f->van, PM_TYPE_VAN, NULL), ==, pm_store_count (f->server, PM_TYPE_VAN, NULL));
  g_assert_cmpint (pm_store_count (f->van, PM_TYPE_STAFF, NULL), ==, pm_store_count (f->server, PM_TYPE_STAFF, NULL));
  g_assert_cmpint (pm_store_outbox_count (f->van, &error), ==, 0);
  g_assert_no_error (error);
  g_assert_cmpint (pm_store_get_pull_cursor (f->van), >, 0);
}

/* The registration office's pull carries cases in full, never counselling. */
static void
test_pull_scope_of_office (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) page = pm_test_take_json_object (pm_store_changes_since_text (f->server, 0, NULL, FALSE, 1000, OFFICE, PM_ROLE_EINWOHNERWESEN, &error));
  JsonArray *changes = json_object_get_array_member (page, "changes");
  guint n_cases = 0;

  g_assert_no_error (error);
  for (guint i = 0; i < json_array_get_length (changes); i++)
    {
      JsonObject *change = json_array_get_object_element (changes, i);
      const char *kind = json_object_get_string_member (change, "kind");

      g_assert_cmpstr (kind, !=, "counselling");
      g_assert_cmpstr (kind, !=, "audit");
      if (g_str_equal (kind, "case"))
        {
          n_cases++;
          g_assert_nonnull (json_object_get_string_member (json_object_get_object_member (change, "record"), "service"));
        }
    }
  g_assert_cmpuint (n_cases, >, 0);
}

static PmRecord *
new_counselling_from_server (Fixture *f)
{
  g_autoptr(PmRecord) template = first_of (f->server, PM_TYPE_COUNSELLING_RECORD);
  g_autoptr(JsonObject) json = pm_record_to_json (template);
  g_autofree char *id = g_uuid_string_random ();
  PmRecord *record;

  json_object_set_string_member (json, "id", id);
  json_object_remove_member (json, "version");
  record = pm_record_new_from_json (PM_TYPE_COUNSELLING_RECORD, json, NULL);
  g_assert_nonnull (record);
  return record;
}

static gboolean
page_has (Fixture    *f,
          const char *device_id,
          PmRole      role,
          const char *record_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) page = pm_test_take_json_object (pm_store_changes_since_text (f->server, pm_store_get_pull_cursor (f->van),
                                                       NULL, FALSE, 1000, device_id, role, &error));
  JsonArray *changes = json_object_get_array_member (page, "changes");

  g_assert_no_error (error);
  for (guint i = 0; i < json_array_get_length (changes); i++)
    if (g_strcmp0 (json_object_get_string_member (json_object_get_object_member (json_array_get_object_element (changes, i),
                                                                                  "record"), "id"), record_id) == 0)
      return TRUE;
  return FALSE;
}

/* A record written offline reaches the server once, however often it is sent. */
static void
test_push_exactly_once (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(PmRecord) record = new_counselling_from_server (f);
  g_autoptr(JsonArray) entries = NULL;
  g_autoptr(JsonArray) first = NULL;
  g_autoptr(JsonArray) again = NULL;
  g_autoptr(GError) error = NULL;
  gint64 on_server = pm_store_count (f->server, PM_TYPE_COUNSELLING_RECORD, NULL);
  JsonObject *entry;

  pm_store_set_actor (f->van, PM_TEST_STAFF_ID, PM_ROLE_FIELD, "soziales");
  g_assert_true (pm_store_save (f->van, record, &error));
  g_assert_no_error (error);
  g_assert_cmpint (pm_store_outbox_count (f->van, NULL), ==, 1);
  entries = pm_store_outbox_peek (f->van, 10, &error);
  entry = json_array_get_object_element (entries, 0);
  g_assert_cmpstr (json_object_get_string_member (entry, "intent"), ==, "record_counselling");
  g_assert_cmpint (json_object_get_int_member (entry, "base_version"), ==, 0);
  g_assert_cmpstr (json_object_get_string_member (entry, "actor_id"), ==, PM_TEST_STAFF_ID);

  first = push (f);
  g_assert_cmpstr (outcome (first, 0), ==, "applied");
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (first, 0), "version"), ==, 1);
  /* The answer was lost on the way: the van sends the same batch again. */
  again = push (f);
  g_assert_cmpstr (outcome (again, 0), ==, "duplicate");
  g_assert_cmpint (pm_store_count (f->server, PM_TYPE_COUNSELLING_RECORD, NULL), ==, on_server + 1);

  g_assert_true (pm_store_outbox_settle (f->van, again, &error));
  g_assert_no_error (error);
  g_assert_cmpint (pm_store_outbox_count (f->van, NULL), ==, 0);

  /* The pull does not echo the van's own push back; an office gets it. */
  g_assert_false (page_has (f, f->device, PM_ROLE_FIELD, pm_record_get_id (record)));
  g_assert_true (page_has (f, OFFICE, PM_ROLE_SOZIALES, pm_record_get_id (record)));
}

static void
test_uuid_reused (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(PmRecord) record = new_counselling_from_server (f);
  g_autoptr(JsonArray) entries = NULL;
  g_autoptr(JsonArray) results = NULL;
  g_autoptr(JsonArray) first = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *sent;

  pm_store_set_actor (f->van, PM_TEST_STAFF_ID, PM_ROLE_FIELD, "soziales");
  g_assert_true (pm_store_save (f->van, record, &error));
  first = push (f);
  entries = pm_store_outbox_peek (f->van, 10, &error);
  sent = json_object_get_object_member (json_array_get_object_element (entries, 0), "record");
  json_object_set_string_member (sent, "id", "7e57c0de-0000-4000-8000-000000000001");
  json_object_set_string_member (json_array_get_object_element (entries, 0), "record_id",
                                 "7e57c0de-0000-4000-8000-000000000001");
  results = pm_store_apply_push (f->server, f->device, PM_ROLE_FIELD, entries, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (outcome (results, 0), ==, "rejected");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (results, 0), "code"), ==, "uuid_reused");
}

typedef struct
{
  const char *uuid;
  const char *hash;
} StoredHash;

/* On the store's thread: the entry hash kept for @data's UUID set to
 * @data's hash (or, with none, read into it). */
static gpointer
stored_hash_job (PmStore  *self,
                 sqlite3  *db,
                 gpointer  data,
                 GError  **error)
{
  StoredHash *stored = data;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, stored->hash ? "UPDATE push_results SET entry_hash = ?2 WHERE uuid = ?1"
                                       : "SELECT entry_hash FROM push_results WHERE uuid = ?1",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, stored->uuid, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, stored->hash, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    stored->hash = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  else
    g_assert_cmpint (sqlite3_changes (db), ==, 1);
  sqlite3_finalize (stmt);
  return self;
}

/* The entry hash's bytes, written out here a second way: BLAKE2b-256 over
 * the tree as tagged parts (a tag, then a little-endian 64-bit count or
 * length, then the bytes; members in their order). Answers kept under
 * this hash must keep matching whatever the server's code looks like. */
static void
spec_part (GString    *out,
           char        tag,
           guint64     count,
           const void *bytes)
{
  guint64 little = GUINT64_TO_LE (count);

  g_string_append_c (out, tag);
  g_string_append_len (out, (const char *) &little, sizeof little);
  if (bytes)
    g_string_append_len (out, bytes, count);
}

static void
spec_node (GString  *out,
           JsonNode *node)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      g_autoptr(GList) names = json_object_get_members (json_node_get_object (node));

      spec_part (out, '{', g_list_length (names), NULL);
      for (GList *l = names; l; l = l->next)
        {
          spec_part (out, 'k', strlen (l->data), l->data);
          spec_node (out, json_object_get_member (json_node_get_object (node), l->data));
        }
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      spec_part (out, '[', json_array_get_length (array), NULL);
      for (guint i = 0; i < json_array_get_length (array); i++)
        spec_node (out, json_array_get_element (array, i));
    }
  else if (JSON_NODE_HOLDS_NULL (node))
    spec_part (out, 'n', 0, NULL);
  else if (json_node_get_value_type (node) == G_TYPE_STRING)
    spec_part (out, 's', strlen (json_node_get_string (node)), json_node_get_string (node));
  else if (json_node_get_value_type (node) == G_TYPE_INT64)
    {
      gint64 value = GINT64_TO_LE (json_node_get_int (node));

      spec_part (out, 'i', sizeof value, &value);
    }
  else if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    {
      double value = json_node_get_double (node);

      spec_part (out, 'd', sizeof value, &value);
    }
  else
    spec_part (out, 'b', json_node_get_boolean (node), NULL);
}

static void
test_entry_hash_format (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(PmRecord) record = new_counselling_from_server (f);
  g_autoptr(JsonArray) entries = NULL;
  g_autoptr(JsonArray) results = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GString) parts = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *kept = NULL;
  g_autofree char *expected = NULL;
  unsigned char digest[crypto_generichash_BYTES];
  char hex[crypto_generichash_BYTES * 2 + 1];
  StoredHash stored = { NULL, NULL };

  pm_store_set_actor (f->van, PM_TEST_STAFF_ID, PM_ROLE_FIELD, "soziales");
  g_assert_true (pm_store_save (f->van, record, &error));
  entries = pm_store_outbox_peek (f->van, 10, &error);
  g_assert_no_error (error);
  stored.uuid = json_object_get_string_member (json_array_get_object_element (entries, 0), "uuid");
  results = pm_store_apply_push (f->server, f->device, PM_ROLE_FIELD, entries, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (outcome (results, 0), ==, "applied");
  g_assert_nonnull (_pm_store_run_sync (f->server, stored_hash_job, &stored, &error));
  kept = (char *) stored.hash;

  node = json_node_init_object (json_node_alloc (), json_array_get_object_element (entries, 0));
  spec_node (parts, node);
  crypto_generichash (digest, sizeof digest, (const unsigned char *) parts->str, parts->len, NULL, 0);
  expected = g_strconcat ("b2:", sodium_bin2hex (hex, sizeof hex, digest, sizeof digest), NULL);
  g_assert_cmpstr (kept, ==, expected);
}

/* A pushed entry the store refuses is refused before any row of it is
 * written: an entry without an acting person (whose audit entry could not
 * be written) is rejected on its own, and the rest of the batch applies. */
static void
test_push_refused_before_written (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(PmRecord) first = new_counselling_from_server (f);
  g_autoptr(PmRecord) second = new_counselling_from_server (f);
  g_autoptr(JsonArray) entries = NULL;
  g_autoptr(JsonArray) results = NULL;
  g_autoptr(GError) error = NULL;
  gint64 on_server = pm_store_count (f->server, PM_TYPE_COUNSELLING_RECORD, NULL);
  g_autoptr(PmRecord) refused = NULL;

  pm_store_set_actor (f->van, PM_TEST_STAFF_ID, PM_ROLE_FIELD, "soziales");
  g_assert_true (pm_store_save (f->van, first, &error));
  g_assert_true (pm_store_save (f->van, second, &error));
  entries = pm_store_outbox_peek (f->van, 10, &error);
  g_assert_no_error (error);
  json_object_set_string_member (json_array_get_object_element (entries, 0), "actor_id", " ");
  results = pm_store_apply_push (f->server, f->device, PM_ROLE_FIELD, entries, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (outcome (results, 0), ==, "rejected");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (results, 0), "code"), ==, "invalid");
  g_assert_cmpstr (outcome (results, 1), ==, "applied");
  g_assert_cmpint (pm_store_count (f->server, PM_TYPE_COUNSELLING_RECORD, NULL), ==, on_server + 1);
  refused = pm_store_get (f->server, PM_TYPE_COUNSELLING_RECORD, pm_record_get_id (first), &error);
  g_assert_null (refused);
  g_assert_error (error, PM_ERROR, PM_ERROR_NOT_FOUND);
}

/* Answers kept by a server from before the entry hash changed (SHA-256 of
 * the entry's text) still tell a repeated entry from a changed one. */
static void
test_uuid_reused_with_legacy_hash (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(PmRecord) record = new_counselling_from_server (f);
  g_autoptr(JsonArray) entries = NULL;
  g_autoptr(JsonArray) results = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *legacy = NULL;
  g_autofree char *kept = NULL;
  JsonObject *entry;
  StoredHash stored = { NULL, NULL };

  pm_store_set_actor (f->van, PM_TEST_STAFF_ID, PM_ROLE_FIELD, "soziales");
  g_assert_true (pm_store_save (f->van, record, &error));
  entries = pm_store_outbox_peek (f->van, 10, &error);
  entry = json_array_get_object_element (entries, 0);
  stored.uuid = json_object_get_string_member (entry, "uuid");
  results = pm_store_apply_push (f->server, f->device, PM_ROLE_FIELD, entries, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (outcome (results, 0), ==, "applied");
  g_clear_pointer (&results, json_array_unref);
  g_assert_nonnull (_pm_store_run_sync (f->server, stored_hash_job, &stored, &error));
  kept = (char *) stored.hash;
  g_assert_true (g_str_has_prefix (kept, "b2:"));

  node = json_node_init_object (json_node_alloc (), entry);
  text = json_to_string (node, FALSE);
  legacy = g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
  stored.hash = legacy;
  g_assert_nonnull (_pm_store_run_sync (f->server, stored_hash_job, &stored, &error));

  results = pm_store_apply_push (f->server, f->device, PM_ROLE_FIELD, entries, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (outcome (results, 0), ==, "duplicate");
  g_clear_pointer (&results, json_array_unref);
  json_object_set_string_member (json_object_get_object_member (entry, "record"), "results", "anders");
  results = pm_store_apply_push (f->server, f->device, PM_ROLE_FIELD, entries, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (outcome (results, 0), ==, "rejected");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (results, 0), "code"), ==, "uuid_reused");
}

static gpointer
exec_job (PmStore  *self,
          sqlite3  *db,
          gpointer  data,
          GError  **error)
{
  g_assert_cmpint (sqlite3_exec (db, data, NULL, NULL, NULL), ==, SQLITE_OK);
  return self;
}

/* Who opened what on the van reaches the server with a push, once, as
 * the pushing device's; the entries of writes stay (the server audits the
 * push it applies). What is no audit entry is refused whole. */
static void
test_audit_entries_reach_the_server (Fixture       *f,
                                     gconstpointer  data)
{
  g_autoptr(PmRecord) record = new_counselling_from_server (f);
  g_autoptr(PmRecord) opened = NULL;
  g_autoptr(GPtrArray) kept = NULL;
  g_autoptr(JsonNode) sent = NULL;
  g_autoptr(JsonNode) bad = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *rest = NULL;
  JsonObject *entry;
  gint64 count = 0;
  gint64 last = 0;
  gint64 next = 0;
  guint found = 0;

  pm_store_set_actor (f->van, PM_TEST_STAFF_ID, PM_ROLE_FIELD, "soziales");
  g_assert_true (pm_store_save (f->van, record, &error));
  opened = pm_store_get (f->van, PM_TYPE_COUNSELLING_RECORD, pm_record_get_id (record), &error);
  g_assert_no_error (error);
  text = pm_store_audit_peek_text (f->van, 0, 100, &count, &last, &error);
  g_assert_no_error (error);
  g_assert_cmpint (count, ==, 1);
  sent = json_from_string (text, NULL);
  entry = json_array_get_object_element (json_node_get_array (sent), 0);
  g_assert_cmpstr (json_object_get_string_member (entry, "action"), ==, "read");
  g_assert_cmpstr (json_object_get_string_member (entry, "record_id"), ==, pm_record_get_id (record));

  g_assert_cmpint (pm_store_append_device_audit (f->server, f->device, json_node_get_array (sent), &error), ==, 1);
  g_assert_no_error (error);
  /* Sent again, its confirmation lost: kept once. */
  g_assert_cmpint (pm_store_append_device_audit (f->server, f->device, json_node_get_array (sent), &error), ==, 0);
  kept = pm_store_list (f->server, PM_TYPE_AUDIT_ENTRY, &error);
  for (guint i = 0; i < kept->len; i++)
    if (g_str_equal (pm_record_get_id (g_ptr_array_index (kept, i)), json_object_get_string_member (entry, "id")))
      {
        found++;
        g_assert_cmpstr (pm_record_get_string (g_ptr_array_index (kept, i), "device"), ==, f->device);
        g_assert_cmpstr (pm_record_get_string (g_ptr_array_index (kept, i), "actor_id"), ==, PM_TEST_STAFF_ID);
      }
  g_assert_cmpuint (found, ==, 1);

  /* The next push, while this one's answer is still being stored: it
   * starts after what is in flight. */
  rest = pm_store_audit_peek_text (f->van, last, 100, &count, &next, &error);
  g_assert_no_error (error);
  g_assert_cmpint (count, ==, 0);
  g_assert_cmpint (next, ==, last);
  g_clear_pointer (&rest, g_free);

  g_assert_true (pm_store_audit_confirm (f->van, last, &error));
  rest = pm_store_audit_peek_text (f->van, 0, 100, &count, &last, &error);
  g_assert_cmpint (count, ==, 0);
  g_assert_cmpstr (rest, ==, "[]");

  /* A store enrolled before audit entries were sent has no mark: its
   * history stays, what comes after goes. */
  g_assert_nonnull (_pm_store_run_sync (f->van, exec_job, (gpointer) "DELETE FROM meta WHERE key = 'sync.audit_sent'",
                                        &error));
  g_clear_object (&opened);
  opened = pm_store_get (f->van, PM_TYPE_COUNSELLING_RECORD, pm_record_get_id (record), &error);
  g_clear_pointer (&rest, g_free);
  rest = pm_store_audit_peek_text (f->van, 0, 100, &count, &last, &error);
  g_assert_cmpint (count, ==, 0);
  g_clear_object (&opened);
  opened = pm_store_get (f->van, PM_TYPE_COUNSELLING_RECORD, pm_record_get_id (record), &error);
  g_clear_pointer (&rest, g_free);
  rest = pm_store_audit_peek_text (f->van, 0, 100, &count, &last, &error);
  g_assert_cmpint (count, ==, 1);

  for (guint i = 0; i < 3; i++)
    {
      static const char * const texts[] = {
        "[5]", "[{\"id\": \"0b3c5d7e-1111-4222-8333-444455556666\", \"action\": \"read\"}]",
        "[{\"action\": \"read\", \"actor_id\": \"x\", \"record_kind\": \"case\", \"at\": \"2026-11-20T08:00:00Z\"}]",
      };
      gint64 before = pm_store_count (f->server, PM_TYPE_AUDIT_ENTRY, NULL);

      g_clear_error (&error);
      g_clear_pointer (&bad, json_node_unref);
      bad = json_from_string (texts[i], NULL);
      g_assert_cmpint (pm_store_append_device_audit (f->server, f->device, json_node_get_array (bad), &error), ==, -1);
      g_assert_error (error, PM_ERROR, PM_ERROR_INVALID);
      g_assert_cmpint (pm_store_count (f->server, PM_TYPE_AUDIT_ENTRY, NULL), ==, before);
    }
}

/* A copy of @template under a new id and version 0: a new record. */
static PmRecord *
new_copy (PmRecord *template)
{
  PmRecord *copy = pm_record_copy (template);
  g_autofree char *id = g_uuid_string_random ();

  pm_record_set_id (copy, id);
  pm_record_set_version (copy, 0);
  return copy;
}

static void
save_on (PmStore  *store,
         PmRecord *record)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (pm_store_save (store, record, &error));
  g_assert_no_error (error);
}

/* The page a device of each role pulls holds each record exactly as the
 * role's filter leaves the server's record, whether it was sent as stored
 * (seen whole) or rebuilt and filtered. */
static void
test_pull_sends_filtered_records (Fixture       *f,
                                  gconstpointer  data)
{
  static const PmRole roles[] = { PM_ROLE_FIELD, PM_ROLE_DISPATCH, PM_ROLE_EINWOHNERWESEN, PM_ROLE_SOZIALES,
                                  PM_ROLE_PLANNING };
  g_autoptr(PmRecord) person = first_of (f->server, PM_TYPE_CITIZEN);

  /* Text that JSON must escape, in a field every role sees. */
  pm_record_set_string (person, "access_notes", "Hof \"hinten\"\\Tür\n2. Etage \u2013 Klingel \u00abM\u00fcller\u00bb\t");
  save_on (f->server, person);
  for (guint r = 0; r < G_N_ELEMENTS (roles); r++)
    {
      g_autoptr(GError) error = NULL;
      const char *device = roles[r] == PM_ROLE_FIELD ? f->device : OFFICE;
      g_autoptr(JsonObject) page = pm_test_take_json_object (pm_store_changes_since_text (f->server, 0, NULL, FALSE, 1000, device, roles[r], &error));
      JsonArray *changes = json_object_get_array_member (page, "changes");
      PmViewer viewer = pm_access_device_viewer (roles[r]);
      guint whole = 0;

      g_assert_no_error (error);
      g_assert_true (json_object_get_boolean_member (page, "complete"));
      g_assert_cmpuint (json_array_get_length (changes), >, 0);
      for (guint i = 0; i < json_array_get_length (changes); i++)
        {
          JsonObject *change = json_array_get_object_element (changes, i);
          GType type = pm_model_type_for (json_object_get_string_member (change, "kind"));
          JsonObject *sent = json_object_get_object_member (change, "record");
          g_autoptr(PmRecord) stored = pm_store_get (f->server, type, json_object_get_string_member (sent, "id"), NULL);
          g_autoptr(JsonNode) expected = json_node_new (JSON_NODE_OBJECT);
          g_autoptr(JsonNode) got = json_node_new (JSON_NODE_OBJECT);

          g_assert_nonnull (stored);
          g_assert_true (pm_access_filter (stored, &viewer));
          json_node_take_object (expected, pm_record_to_json (stored));
          json_node_set_object (got, sent);
          g_assert_true (json_node_equal (got, expected));
          whole += pm_access_keeps_whole (type, &viewer);
        }
      /* Both ways were taken. */
      g_assert_cmpuint (whole, >, 0);
      if (roles[r] != PM_ROLE_PLANNING)
        g_assert_cmpuint (whole, <, json_array_get_length (changes));
    }
}

/* Another van's work never reaches this van, from either side: its visits
 * and the people only on them are not pulled, a visit moved away is
 * withdrawn (and comes back when moved back), and the van may not send
 * another van's visit nor edit a person it was never given. */
static void
test_van_share (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(PmRecord) own_visit = first_of (f->van, PM_TYPE_VISIT);
  g_autoptr(PmRecord) van = first_of (f->server, PM_TYPE_VAN);
  g_autoptr(PmRecord) person = first_of (f->server, PM_TYPE_CITIZEN);
  g_autoptr(PmRecord) other_van = new_copy (van);
  g_autoptr(PmRecord) stranger = new_copy (person);
  g_autoptr(PmRecord) other_visit = new_copy (own_visit);
  g_autoptr(PmRecord) roster_van = NULL;
  g_autoptr(PmRecord) moved = pm_store_get (f->server, PM_TYPE_VISIT, pm_record_get_id (own_visit), NULL);
  g_autoptr(PmRecord) sent_visit = NULL;
  g_autoptr(PmRecord) sent_person = NULL;
  g_autoptr(JsonArray) results = NULL;
  const char * const people[] = { pm_record_get_id (stranger), NULL };

  pm_record_set_string (other_van, "name", "Pflege- und Pass-Mobil 2");
  save_on (f->server, other_van);
  save_on (f->server, stranger);
  pm_record_set_string (other_visit, "van_id", pm_record_get_id (other_van));
  pm_record_set_strv (other_visit, "citizen_ids", people);
  save_on (f->server, other_visit);
  pm_record_set_string (moved, "van_id", pm_record_get_id (other_van));
  save_on (f->server, moved);

  pull_all (f, PM_ROLE_FIELD);
  g_assert_null (pm_store_get (f->van, PM_TYPE_VISIT, pm_record_get_id (other_visit), NULL));
  g_assert_null (pm_store_get (f->van, PM_TYPE_CITIZEN, pm_record_get_id (stranger), NULL));
  g_assert_null (pm_store_get (f->van, PM_TYPE_VISIT, pm_record_get_id (moved), NULL));
  roster_van = pm_store_get (f->van, PM_TYPE_VAN, pm_record_get_id (other_van), NULL);
  g_assert_nonnull (roster_van);

  /* What the van would send about them is refused. */
  sent_visit = new_copy (other_visit);
  save_on (f->van, sent_visit);
  sent_person = pm_record_copy (stranger);
  save_on (f->van, sent_person);
  results = push (f);
  g_assert_cmpuint (json_array_get_length (results), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      g_assert_cmpstr (outcome (results, i), ==, "rejected");
      g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (results, i), "code"), ==,
                       "forbidden");
      /* Nor does the answer carry the other van's row. */
      g_assert_false (json_object_has_member (json_array_get_object_element (results, i), "server_record"));
    }
  g_assert_null (pm_store_get (f->server, PM_TYPE_VISIT, pm_record_get_id (sent_visit), NULL));

  /* Back on this van: the visit returns. */
  g_clear_object (&moved);
  moved = pm_store_get (f->server, PM_TYPE_VISIT, pm_record_get_id (own_visit), NULL);
  pm_record_set_string (moved, "van_id", PM_DEMO_VAN_ID);
  save_on (f->server, moved);
  pull_all (f, PM_ROLE_FIELD);
  g_clear_object (&moved);
  moved = pm_store_get (f->van, PM_TYPE_VISIT, pm_record_get_id (own_visit), NULL);
  g_assert_nonnull (moved);
  g_assert_cmpstr (pm_record_get_string (moved, "van_id"), ==, PM_DEMO_VAN_ID);
}

/* The van may not rename a van: refused, kept as a visible issue, and the
 * server's row comes back at the next pull. */
static void
test_push_outside_scope (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(PmRecord) van = first_of (f->van, PM_TYPE_VAN);
  g_autoptr(JsonArray) results = NULL;
  g_autoptr(JsonArray) issues = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PmRecord) on_server = NULL;

  pm_record_set_string (van, "plate", "HAL-X 1");
  g_assert_true (pm_store_save (f->van, van, &error));
  g_assert_no_error (error);
  results = push (f);
  g_assert_cmpstr (outcome (results, 0), ==, "rejected");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (results, 0), "code"), ==, "forbidden");
  on_server = pm_store_get (f->server, PM_TYPE_VAN, pm_record_get_id (van), &error);
  g_assert_cmpstr (pm_record_get_string (on_server, "plate"), !=, "HAL-X 1");

  g_assert_true (pm_store_outbox_settle (f->van, results, &error));
  g_assert_no_error (error);
  g_assert_cmpint (pm_store_outbox_count (f->van, NULL), ==, 0);
  issues = pm_store_list_sync_issues (f->van, &error);
  g_assert_cmpuint (json_array_get_length (issues), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (issues, 0), "outcome"), ==, "rejected");
  /* The van shows the server's van again, not its refused edit. */
  g_clear_object (&van);
  van = pm_store_get (f->van, PM_TYPE_VAN, pm_record_get_id (on_server), &error);
  g_assert_cmpstr (pm_record_get_string (van, "plate"), ==, pm_record_get_string (on_server, "plate"));
  g_assert_cmpint (pm_record_get_version (van), ==, pm_record_get_version (on_server));
}

/* The office moved a visit while the van edited the old version: the van's
 * edit is a visible conflict and the server's row is what the van now shows. */
static void
test_conflict (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(PmRecord) on_server = first_of (f->server, PM_TYPE_VISIT);
  g_autoptr(PmRecord) on_van = pm_store_get (f->van, PM_TYPE_VISIT, pm_record_get_id (on_server), NULL);
  g_autoptr(PmRecord) after = NULL;
  g_autoptr(JsonArray) results = NULL;
  g_autoptr(JsonArray) issues = NULL;
  g_autoptr(GError) error = NULL;

  pm_record_set_string (on_server, "planned_start", "07:15");
  g_assert_true (pm_store_save (f->server, on_server, &error));
  pm_record_set_string (on_van, "planned_start", "16:45");
  g_assert_true (pm_store_save (f->van, on_van, &error));
  g_assert_no_error (error);

  results = push (f);
  g_assert_cmpstr (outcome (results, 0), ==, "conflict");
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (json_array_get_object_element (results, 0),
                                                                                "conflicts"), 0), ==, "planned_start");
  g_assert_true (pm_store_outbox_settle (f->van, results, &error));
  g_assert_no_error (error);
  after = pm_store_get (f->van, PM_TYPE_VISIT, pm_record_get_id (on_server), &error);
  g_assert_cmpstr (pm_record_get_string (after, "planned_start"), ==, "07:15");
  g_assert_cmpint (pm_record_get_version (after), ==, pm_record_get_version (on_server));
  issues = pm_store_list_sync_issues (f->van, &error);
  g_assert_cmpuint (json_array_get_length (issues), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (issues, 0), "outcome"), ==, "conflict");
}

/* Edits of different fields made meanwhile both stand; notes only grow. */
static void
test_merge_fields (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(PmRecord) on_server = first_of (f->server, PM_TYPE_VISIT);
  g_autoptr(PmRecord) on_van = pm_store_get (f->van, PM_TYPE_VISIT, pm_record_get_id (on_server), NULL);
  g_autoptr(PmRecord) merged = NULL;
  g_autoptr(PmRecord) after = NULL;
  g_autoptr(JsonArray) results = NULL;
  g_autoptr(JsonArray) issues = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *server_note = g_strconcat (pm_record_get_string (on_server, "notes") ? pm_record_get_string (on_server, "notes") : "",
                                              " Hund im Hof.", NULL);
  g_autofree char *van_note = g_strconcat (pm_record_get_string (on_van, "notes") ? pm_record_get_string (on_van, "notes") : "",
                                           " Klingel defekt.", NULL);

  pm_record_set_string (on_server, "planned_start", "07:15");
  pm_record_set_string (on_server, "notes", server_note);
  g_assert_true (pm_store_save (f->server, on_server, &error));
  pm_record_set_string (on_van, "facility_contact", "Frau Busch, Station 3");
  pm_record_set_string (on_van, "notes", van_note);
  g_assert_true (pm_store_save (f->van, on_van, &error));
  g_assert_no_error (error);

  results = push (f);
  g_assert_cmpstr (outcome (results, 0), ==, "applied");
  g_assert_false (json_object_has_member (json_array_get_object_element (results, 0), "conflicts"));
  merged = pm_store_get (f->server, PM_TYPE_VISIT, pm_record_get_id (on_server), &error);
  g_assert_cmpstr (pm_record_get_string (merged, "planned_start"), ==, "07:15");
  g_assert_cmpstr (pm_record_get_string (merged, "facility_contact"), ==, "Frau Busch, Station 3");
  g_assert_true (g_str_has_suffix (pm_record_get_string (merged, "notes"), "Hund im Hof. Klingel defekt."));

  g_assert_true (pm_store_outbox_settle (f->van, results, &error));
  after = pm_store_get (f->van, PM_TYPE_VISIT, pm_record_get_id (on_server), &error);
  g_assert_cmpstr (pm_record_get_string (after, "planned_start"), ==, "07:15");
  g_assert_cmpstr (pm_record_get_string (after, "notes"), ==, pm_record_get_string (merged, "notes"));
  g_assert_cmpint (pm_record_get_version (after), ==, pm_record_get_version (merged));
  issues = pm_store_list_sync_issues (f->van, &error);
  g_assert_cmpuint (json_array_get_length (issues), ==, 0);
}

/* Dispatch moved a visit the van had already set off to: the visit stays
 * where the van is, and dispatch gets the conflict to see. */
static void
test_dispatch_cannot_move_started_visit (Fixture       *f,
                                         gconstpointer  data)
{
  g_autoptr(GPtrArray) visits = pm_store_list (f->server, PM_TYPE_VISIT, NULL);
  g_autoptr(PmRecord) on_desk = NULL;
  g_autoptr(PmRecord) after = NULL;
  g_autoptr(JsonArray) results = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *date = NULL;
  PmRecord *on_server = NULL;

  for (guint i = 0; i < visits->len && on_server == NULL; i++)
    if (g_strcmp0 (pm_record_get_string (g_ptr_array_index (visits, i), "status"), "scheduled") == 0)
      on_server = g_ptr_array_index (visits, i);
  g_assert_nonnull (on_server);
  date = g_strdup (pm_record_get_string (on_server, "date"));
  on_desk = pm_store_get (f->van, PM_TYPE_VISIT, pm_record_get_id (on_server), NULL);
  /* The van sets off (its push reached the server first). */
  pm_store_set_actor (f->server, PM_TEST_STAFF_ID, PM_ROLE_FIELD, NULL);
  pm_record_set_string (on_server, "status", "on_the_way");
  g_assert_true (pm_store_save (f->server, on_server, &error));
  g_assert_no_error (error);
  act_as_admin (f->server);
  pm_record_set_string (on_desk, "date", "2026-11-30");
  g_assert_true (pm_store_save (f->van, on_desk, &error));

  results = push_as (f, PM_ROLE_DISPATCH);
  g_assert_cmpstr (outcome (results, 0), ==, "conflict");
  after = pm_store_get (f->server, PM_TYPE_VISIT, pm_record_get_id (on_server), &error);
  g_assert_cmpstr (pm_record_get_string (after, "date"), ==, date);
  g_assert_cmpstr (pm_record_get_string (after, "status"), ==, "on_the_way");
}

/* A case the office has booked takes no late edit from the van. */
static void
test_locked_case_refuses_van (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(PmRecord) template = first_of (f->server, PM_TYPE_CASE);
  g_autoptr(JsonObject) json = pm_record_to_json (template);
  g_autoptr(PmRecord) captured = NULL;
  g_autoptr(PmRecord) on_server = NULL;
  g_autoptr(PmRecord) after = NULL;
  g_autoptr(JsonArray) first = NULL;
  g_autoptr(JsonArray) results = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = g_uuid_string_random ();
  const char * const office_steps[] = { "submitted", "in_progress", "booked" };

  /* The van captures a case and sends it. */
  json_object_set_string_member (json, "id", id);
  json_object_set_string_member (json, "status", "captured");
  json_object_set_string_member (json, "handover_mode", "visit");
  json_object_remove_member (json, "version");
  json_object_remove_member (json, "receipt_no");
  captured = pm_record_new_from_json (PM_TYPE_CASE, json, &error);
  g_assert_no_error (error);
  pm_store_set_actor (f->van, PM_TEST_STAFF_ID, PM_ROLE_FIELD, "einwohnerwesen");
  pm_store_save (f->van, captured, &error);
  g_assert_no_error (error);
  first = push (f);
  g_assert_cmpstr (outcome (first, 0), ==, "applied");
  g_assert_true (pm_store_outbox_settle (f->van, first, &error));

  /* The office books it. */
  pm_store_set_actor (f->server, PM_TEST_STAFF_ID, PM_ROLE_EINWOHNERWESEN, "einwohnerwesen");
  on_server = pm_store_get (f->server, PM_TYPE_CASE, id, &error);
  for (guint i = 0; i < G_N_ELEMENTS (office_steps); i++)
    {
      pm_record_set_string (on_server, "status", office_steps[i]);
      if (g_str_equal (office_steps[i], "booked"))
        pm_record_set_string (on_server, "registration_number", "HAL-2026-104711");
      pm_store_save (f->server, on_server, &error);
      g_assert_no_error (error);
    }

  /* The van's later edit is refused and kept as an issue on the van. */
  pm_record_set_string (captured, "handover_mode", "direct_mail");
  pm_store_save (f->van, captured, &error);
  g_assert_no_error (error);
  results = push (f);
  g_assert_cmpstr (outcome (results, 0), ==, "rejected");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (results, 0), "code"), ==, "case_locked");
  after = pm_store_get (f->server, PM_TYPE_CASE, id, &error);
  g_assert_cmpstr (pm_record_get_string (after, "handover_mode"), ==, "visit");
  g_assert_cmpstr (pm_record_get_string (after, "status"), ==, "booked");
}

/* A case the van captured comes back from the server whole; the others
 * do not reach the van at all. */
static void
test_own_records_come_back_whole (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(GPtrArray) cases = pm_store_list (f->server, PM_TYPE_CASE, NULL);
  g_autoptr(JsonObject) json = NULL;
  PmRecord *template = NULL;
  g_autoptr(PmRecord) captured = NULL;
  g_autoptr(PmRecord) after = NULL;
  g_autoptr(PmRecord) other = NULL;
  g_autoptr(JsonArray) results = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = g_uuid_string_random ();

  for (guint i = 0; i < cases->len && template == NULL; i++)
    if (pm_record_get_string (g_ptr_array_index (cases, i), "payment_method"))
      template = g_ptr_array_index (cases, i);
  g_assert_nonnull (template);
  json = pm_record_to_json (template);

  json_object_set_string_member (json, "id", id);
  json_object_set_string_member (json, "status", "captured");
  json_object_set_string_member (json, "status_reason", "Altes Dokument liegt vor");
  json_object_remove_member (json, "version");
  json_object_remove_member (json, "receipt_no");
  captured = pm_record_new_from_json (PM_TYPE_CASE, json, &error);
  pm_store_set_actor (f->van, PM_TEST_STAFF_ID, PM_ROLE_FIELD, "einwohnerwesen");
  pm_store_save (f->van, captured, &error);
  g_assert_no_error (error);
  results = push (f);
  g_assert_true (pm_store_outbox_settle (f->van, results, &error));
  pull_all (f, PM_ROLE_FIELD);

  act_as_admin (f->van);
  after = pm_store_get (f->van, PM_TYPE_CASE, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (pm_record_get_string (after, "status_reason"), ==, "Altes Dokument liegt vor");
  /* Another device's case is none of the van's business. */
  other = pm_store_get (f->van, PM_TYPE_CASE, pm_record_get_id (template), &error);
  g_assert_error (error, PM_ERROR, PM_ERROR_NOT_FOUND);
  g_assert_null (other);
}

/* An edit takes only the fields it changed: what the device was never sent
 * (the care grade, on a van) stays at the server. */
static void
test_edit_keeps_unseen_fields (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GPtrArray) citizens = pm_store_list (f->server, PM_TYPE_CITIZEN, NULL);
  g_autoptr(PmRecord) on_van = NULL;
  g_autoptr(PmRecord) after = NULL;
  g_autoptr(JsonArray) results = NULL;
  g_autoptr(GError) error = NULL;
  PmRecord *graded = NULL;

  for (guint i = 0; i < citizens->len && graded == NULL; i++)
    if (pm_record_get_string (g_ptr_array_index (citizens, i), "care_grade"))
      graded = g_ptr_array_index (citizens, i);
  g_assert_nonnull (graded);
  on_van = pm_store_get (f->van, PM_TYPE_CITIZEN, pm_record_get_id (graded), &error);
  g_assert_null (pm_record_get_string (on_van, "care_grade"));
  pm_record_set_string (on_van, "phone", "0345 0000000");
  g_assert_true (pm_store_save (f->van, on_van, &error));
  g_assert_no_error (error);

  results = push (f);
  g_assert_cmpstr (outcome (results, 0), ==, "applied");
  after = pm_store_get (f->server, PM_TYPE_CITIZEN, pm_record_get_id (graded), &error);
  g_assert_cmpstr (pm_record_get_string (after, "phone"), ==, "0345 0000000");
  g_assert_cmpstr (pm_record_get_string (after, "care_grade"), ==, pm_record_get_string (graded, "care_grade"));
  /* Nor may it change what it cannot see. */
  g_assert_true (pm_store_outbox_settle (f->van, results, &error));
  g_clear_object (&on_van);
  g_clear_pointer (&results, json_array_unref);
  on_van = pm_store_get (f->van, PM_TYPE_CITIZEN, pm_record_get_id (graded), &error);
  pm_record_set_string (on_van, "care_grade", "1");
  g_assert_true (pm_store_save (f->van, on_van, &error));
  results = push (f);
  g_assert_cmpstr (outcome (results, 0), ==, "conflict");
  g_clear_object (&after);
  after = pm_store_get (f->server, PM_TYPE_CITIZEN, pm_record_get_id (graded), &error);
  g_assert_cmpstr (pm_record_get_string (after, "care_grade"), ==, pm_record_get_string (graded, "care_grade"));

  /* Nor does the answer hand the van what its role may not hold. */
  g_assert_true (pm_store_outbox_settle (f->van, results, &error));
  g_clear_object (&after);
  after = pm_store_get (f->van, PM_TYPE_CITIZEN, pm_record_get_id (graded), &error);
  g_assert_null (pm_record_get_string (after, "care_grade"));
  g_assert_cmpint (pm_record_get_version (after), ==, pm_record_get_version (graded) + 1);
  g_assert_cmpint (pm_store_outbox_count (f->van, NULL), ==, 0);
}

/* A pull never shows the user older data than their own unsent edit. */
static void
test_unsent_edit_stays_on_top (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(PmRecord) on_server = first_of (f->server, PM_TYPE_CITIZEN);
  g_autoptr(PmRecord) on_van = pm_store_get (f->van, PM_TYPE_CITIZEN, pm_record_get_id (on_server), NULL);
  g_autoptr(PmRecord) after = NULL;
  g_autoptr(GError) error = NULL;

  pm_record_set_string (on_van, "birth_place", "Merseburg");
  g_assert_true (pm_store_save (f->van, on_van, &error));
  pm_record_set_string (on_server, "birth_place", "Weißenfels");
  g_assert_true (pm_store_save (f->server, on_server, &error));
  g_assert_no_error (error);

  pull_all (f, PM_ROLE_FIELD);
  after = pm_store_get (f->van, PM_TYPE_CITIZEN, pm_record_get_id (on_van), &error);
  g_assert_cmpstr (pm_record_get_string (after, "birth_place"), ==, "Merseburg");
  g_assert_cmpint (pm_store_outbox_count (f->van, NULL), ==, 1);
}

/* After the server was restored from an older backup, a pull from 0 brings
 * rows older than the device's: the device keeps its newer row. */
static void
test_older_pulled_row_is_not_applied (Fixture       *f,
                                      gconstpointer  data)
{
  g_autoptr(PmRecord) on_server = first_of (f->server, PM_TYPE_CITIZEN);
  g_autoptr(JsonObject) older = pm_record_to_json (on_server);
  g_autoptr(JsonArray) changes = json_array_new ();
  g_autoptr(JsonObject) change = json_object_new ();
  g_autoptr(PmRecord) after = NULL;
  g_autoptr(GError) error = NULL;

  pm_record_set_string (on_server, "birth_place", "Weißenfels");
  g_assert_true (pm_store_save (f->server, on_server, &error));
  g_assert_no_error (error);
  pull_all (f, PM_ROLE_FIELD);

  json_object_set_int_member (change, "seq", 1);
  json_object_set_string_member (change, "kind", "citizen");
  json_object_set_object_member (change, "record", json_object_ref (older));
  json_array_add_object_element (changes, json_object_ref (change));
  g_assert_true (pm_store_apply_pull_page (f->van, changes, 1, NULL, &error));
  g_assert_no_error (error);
  after = pm_store_get (f->van, PM_TYPE_CITIZEN, pm_record_get_id (on_server), &error);
  g_assert_no_error (error);
  g_assert_cmpint (pm_record_get_version (after), ==, pm_record_get_version (on_server));
  g_assert_cmpstr (pm_record_get_string (after, "birth_place"), ==, "Weißenfels");
}

/* A malformed batch is refused whole; nothing of it is stored. */
static void
test_malformed_batch (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(PmRecord) record = new_counselling_from_server (f);
  g_autoptr(JsonArray) entries = NULL;
  g_autoptr(JsonArray) results = NULL;
  g_autoptr(GError) error = NULL;
  gint64 before = pm_store_count (f->server, PM_TYPE_COUNSELLING_RECORD, NULL);
  JsonObject *bad = json_object_new ();

  pm_store_set_actor (f->van, PM_TEST_STAFF_ID, PM_ROLE_FIELD, "soziales");
  g_assert_true (pm_store_save (f->van, record, &error));
  entries = pm_store_outbox_peek (f->van, 10, &error);
  json_object_set_string_member (bad, "uuid", "not-a-uuid");
  json_array_add_object_element (entries, bad);
  results = pm_store_apply_push (f->server, f->device, PM_ROLE_FIELD, entries, &error);
  g_assert_error (error, PM_ERROR, PM_ERROR_INVALID);
  g_assert_null (results);
  g_clear_error (&error);

  /* An edit that does not say which fields it changed. */
  json_array_remove_element (entries, 1);
  json_object_set_int_member (json_array_get_object_element (entries, 0), "base_version", 1);
  json_object_remove_member (json_array_get_object_element (entries, 0), "changes");
  results = pm_store_apply_push (f->server, f->device, PM_ROLE_FIELD, entries, &error);
  g_assert_error (error, PM_ERROR, PM_ERROR_INVALID);
  g_assert_null (results);
  g_assert_cmpint (pm_store_count (f->server, PM_TYPE_COUNSELLING_RECORD, NULL), ==, before);
}

/* The data protection desk erases @record at the server. */
static void
erase_on_server (Fixture  *f,
                 PmRecord *record)
{
  g_autoptr(GPtrArray) erase = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (erase, record);
  g_assert_true (pm_store_erase_records (f->server, erase, NULL, &error));
  g_assert_no_error (error);
}

/* An erased record leaves the van at its next pull, with a deletion entry
 * in its audit; a malformed marker fails the page and changes nothing. */
static void
test_deletion_marker (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(PmRecord) visit = first_of (f->server, PM_TYPE_VISIT);
  g_autoptr(PmRecord) on_van = pm_store_get (f->van, PM_TYPE_VISIT, pm_record_get_id (visit), NULL);
  g_autoptr(PmRecord) gone = NULL;
  g_autoptr(GPtrArray) audit = NULL;
  g_autoptr(JsonArray) bad = json_array_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *marker = json_object_new ();
  gint64 visits = pm_store_count (f->van, PM_TYPE_VISIT, NULL);
  gint64 cursor = pm_store_get_pull_cursor (f->van);
  gboolean audited = FALSE;

  g_assert_nonnull (on_van);
  json_object_set_string_member (marker, "kind", "visit");
  json_object_set_boolean_member (marker, "deleted", TRUE);
  json_array_add_object_element (bad, marker);
  g_assert_false (pm_store_apply_pull_page (f->van, bad, cursor + 1, NULL, &error));
  g_assert_error (error, PM_ERROR, PM_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (pm_store_count (f->van, PM_TYPE_VISIT, NULL), ==, visits);
  g_assert_cmpint (pm_store_get_pull_cursor (f->van), ==, cursor);

  erase_on_server (f, visit);
  pull_all (f, PM_ROLE_FIELD);
  gone = pm_store_get (f->van, PM_TYPE_VISIT, pm_record_get_id (visit), &error);
  g_assert_null (gone);
  g_assert_error (error, PM_ERROR, PM_ERROR_NOT_FOUND);
  g_assert_cmpint (pm_store_count (f->van, PM_TYPE_VISIT, NULL), ==, visits - 1);
  audit = pm_store_list (f->van, PM_TYPE_AUDIT_ENTRY, NULL);
  for (guint i = 0; i < audit->len; i++)
    {
      PmRecord *entry = g_ptr_array_index (audit, i);

      audited |= g_strcmp0 (pm_record_get_string (entry, "record_id"), pm_record_get_id (visit)) == 0 &&
                 g_strcmp0 (pm_record_get_string (entry, "action"), "delete") == 0 &&
                 g_strcmp0 (pm_record_get_string (entry, "actor_id"), PM_SYNC_SERVER_ADMIN) == 0;
    }
  g_assert_true (audited);
}

/* The van edited a record the server has erased since: the push is
 * refused as erased, and the record and its unsent edits leave the van,
 * without a sync issue (the erasure wins). */
static void
test_erased_edit (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(PmRecord) citizen = first_of (f->server, PM_TYPE_CITIZEN);
  g_autoptr(PmRecord) on_van = pm_store_get (f->van, PM_TYPE_CITIZEN, pm_record_get_id (citizen), NULL);
  g_autoptr(PmRecord) gone = NULL;
  g_autoptr(JsonArray) results = NULL;
  g_autoptr(JsonArray) issues = NULL;
  g_autoptr(GError) error = NULL;

  pm_record_set_string (on_van, "birth_place", "Merseburg");
  g_assert_true (pm_store_save (f->van, on_van, &error));
  pm_record_set_string (on_van, "phone", "0345 123");
  g_assert_true (pm_store_save (f->van, on_van, &error));
  g_assert_no_error (error);
  erase_on_server (f, citizen);

  results = push (f);
  g_assert_cmpstr (outcome (results, 0), ==, "rejected");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (results, 0), "code"), ==, "erased");
  g_assert_true (pm_store_outbox_settle (f->van, results, &error));
  g_assert_no_error (error);
  gone = pm_store_get (f->van, PM_TYPE_CITIZEN, pm_record_get_id (citizen), NULL);
  g_assert_null (gone);
  g_assert_cmpint (pm_store_outbox_count (f->van, NULL), ==, 0);
  issues = pm_store_list_sync_issues (f->van, &error);
  g_assert_cmpuint (json_array_get_length (issues), ==, 0);
  g_assert_cmpint (pm_store_count (f->server, PM_TYPE_CITIZEN, NULL), ==,
                   pm_store_count (f->van, PM_TYPE_CITIZEN, NULL));
}

/* Devices: a token enrols exactly one device until it is revoked. */
static void
test_devices (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *device_id = NULL;
  g_autofree char *token = pm_store_add_device (f->server, PM_ROLE_DISPATCH, "halle", NULL, &device_id, &error);
  g_autoptr(JsonObject) found = NULL;
  g_autoptr(JsonObject) after = NULL;
  g_autoptr(JsonObject) nobody = NULL;
  g_autoptr(JsonArray) devices = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (strlen (token), >=, 40);
  found = pm_store_find_device (f->server, token, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (found, "device_id"), ==, device_id);
  g_assert_cmpstr (json_object_get_string_member (found, "role"), ==, "dispatch");
  g_assert_false (json_object_get_boolean_member (found, "revoked"));
  nobody = pm_store_find_device (f->server, "guessed", &error);
  g_assert_error (error, PM_ERROR, PM_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (pm_store_revoke_device (f->server, device_id, &error));
  after = pm_store_find_device (f->server, token, &error);
  g_assert_true (json_object_get_boolean_member (after, "revoked"));
  devices = pm_store_list_devices (f->server, &error);
  /* The fixture's van and this one, the van with its van. */
  g_assert_cmpuint (json_array_get_length (devices), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      JsonObject *device = json_array_get_object_element (devices, i);

      g_assert_cmpstr (json_object_get_string_member_with_default (device, "van_id", NULL), ==,
                       g_str_equal (json_object_get_string_member (device, "role"), "field") ? PM_DEMO_VAN_ID : NULL);
    }
  g_assert_false (pm_store_revoke_device (f->server, "no-such-device", &error));
  g_assert_error (error, PM_ERROR, PM_ERROR_NOT_FOUND);
  g_clear_error (&error);
  /* Only a field device has a van. */
  g_assert_false (pm_store_set_device_van (f->server, device_id, PM_DEMO_VAN_ID, &error));
  g_assert_error (error, PM_ERROR, PM_ERROR_NOT_FOUND);
}

/* A van's laptop moved to another van pulls that van's share from the
 * start: its old cursor is refused once, as a restored server's is. */
static void
test_device_moved_to_other_van (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) page = NULL;
  g_autofree char *other_van = g_uuid_string_random ();
  gint64 cursor = pm_store_get_pull_cursor (f->van);

  g_assert_cmpint (cursor, >, 0);
  /* The same van again changes nothing. */
  g_assert_true (pm_store_set_device_van (f->server, f->device, PM_DEMO_VAN_ID, &error));
  g_assert_no_error (error);
  page = pm_test_take_json_object (pm_store_changes_since_text (f->server, cursor, NULL, FALSE, 50, f->device, PM_ROLE_FIELD, &error));
  g_assert_no_error (error);
  g_clear_pointer (&page, json_object_unref);

  g_assert_true (pm_store_set_device_van (f->server, f->device, other_van, &error));
  g_assert_no_error (error);
  /* Bound to it twice before it pulled: it still starts over. */
  g_assert_true (pm_store_set_device_van (f->server, f->device, other_van, &error));
  g_assert_no_error (error);
  page = pm_test_take_json_object (pm_store_changes_since_text (f->server, cursor, NULL, FALSE, 50, f->device, PM_ROLE_FIELD, &error));
  g_assert_error (error, PM_ERROR, PM_ERROR_NOT_FOUND);
  g_assert_null (page);
  g_clear_error (&error);
  page = pm_test_take_json_object (pm_store_changes_since_text (f->server, 0, NULL, FALSE, 1000, f->device, PM_ROLE_FIELD, &error));
  g_assert_no_error (error);
  /* The new van has no visits yet: the roster only. */
  for (guint i = 0; i < json_array_get_length (json_object_get_array_member (page, "changes")); i++)
    {
      JsonObject *change = json_array_get_object_element (json_object_get_array_member (page, "changes"), i);

      g_assert_true (g_strv_contains ((const char * const[]) { "staff", "van", NULL },
                                      json_object_get_string_member (change, "kind")));
    }
  g_clear_pointer (&page, json_object_unref);
  /* Started over once: its new cursors are good. */
  page = pm_test_take_json_object (pm_store_changes_since_text (f->server, cursor, NULL, FALSE, 50, f->device, PM_ROLE_FIELD, &error));
  g_assert_no_error (error);
}

/* A van's laptop enrolled before devices had vans gets the roster and its
 * own records only; bound to its van, it starts over and gets the van's
 * visits, also those planned before the binding. */
static void
test_device_bound_to_a_van_later (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *device = NULL;
  g_autoptr(JsonObject) page = NULL;
  gint64 cursor;
  guint visits = 0;

  g_free (pm_store_add_device (f->server, PM_ROLE_FIELD, "halle", NULL, &device, &error));
  g_assert_no_error (error);
  page = pm_test_take_json_object (pm_store_changes_since_text (f->server, 0, NULL, FALSE, 1000, device, PM_ROLE_FIELD, &error));
  g_assert_no_error (error);
  g_assert_true (json_object_get_boolean_member (page, "complete"));
  cursor = json_object_get_int_member (page, "cursor");
  for (guint i = 0; i < json_array_get_length (json_object_get_array_member (page, "changes")); i++)
    g_assert_true (g_strv_contains ((const char * const[]) { "staff", "van", NULL },
                                    json_object_get_string_member (json_array_get_object_element (
                                      json_object_get_array_member (page, "changes"), i), "kind")));
  g_clear_pointer (&page, json_object_unref);

  g_assert_true (pm_store_set_device_van (f->server, device, PM_DEMO_VAN_ID, &error));
  g_assert_no_error (error);
  page = pm_test_take_json_object (pm_store_changes_since_text (f->server, cursor, NULL, FALSE, 1000, device, PM_ROLE_FIELD, &error));
  g_assert_error (error, PM_ERROR, PM_ERROR_NOT_FOUND);
  g_clear_error (&error);
  page = pm_test_take_json_object (pm_store_changes_since_text (f->server, 0, NULL, FALSE, 1000, device, PM_ROLE_FIELD, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < json_array_get_length (json_object_get_array_member (page, "changes")); i++)
    visits += g_str_equal (json_object_get_string_member (json_array_get_object_element (
                             json_object_get_array_member (page, "changes"), i), "kind"), "visit");
  g_assert_cmpint (visits, ==, pm_store_count (f->van, PM_TYPE_VISIT, NULL));
}

/* The text a push sends is the outbox as pm_store_outbox_peek() reads it. */
static void
test_outbox_peek_text (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PmRecord) first = new_counselling_from_server (f);
  g_autoptr(PmRecord) second = new_counselling_from_server (f);
  g_autoptr(JsonArray) entries = NULL;
  g_autoptr(JsonNode) sent = NULL;
  g_autoptr(JsonNode) peeked = json_node_alloc ();
  g_auto(GStrv) uuids = NULL;
  g_autofree char *text = pm_store_outbox_peek_text (f->van, 0, 10, &uuids, NULL, &error);
  gint64 last = 0;
  gint64 next = 0;

  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, "[]");
  g_assert_cmpuint (g_strv_length (uuids), ==, 0);
  g_clear_pointer (&text, g_free);
  g_clear_pointer (&uuids, g_strfreev);

  pm_store_set_actor (f->van, PM_TEST_STAFF_ID, PM_ROLE_FIELD, "soziales");
  g_assert_true (pm_store_save (f->van, first, &error));
  g_assert_true (pm_store_save (f->van, second, &error));
  entries = pm_store_outbox_peek (f->van, 10, &error);
  text = pm_store_outbox_peek_text (f->van, 0, 10, &uuids, NULL, &error);
  g_assert_no_error (error);
  sent = json_from_string (text, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (uuids), ==, 2);
  for (guint i = 0; i < 2; i++)
    g_assert_cmpstr (uuids[i], ==, json_object_get_string_member (json_array_get_object_element (entries, i), "uuid"));
  g_assert_true (json_node_equal (sent, json_node_init_array (peeked, entries)));
  g_clear_pointer (&text, g_free);
  g_clear_pointer (&uuids, g_strfreev);
  text = pm_store_outbox_peek_text (f->van, 0, 1, &uuids, &last, &error);
  g_assert_cmpuint (g_strv_length (uuids), ==, 1);
  g_assert_cmpstr (uuids[0], ==, json_object_get_string_member (json_array_get_object_element (entries, 0), "uuid"));

  /* The next batch, while the first still waits for its answer to be
   * stored: it starts after the first's last entry. */
  g_clear_pointer (&text, g_free);
  g_clear_pointer (&uuids, g_strfreev);
  text = pm_store_outbox_peek_text (f->van, last, 10, &uuids, &next, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (uuids), ==, 1);
  g_assert_cmpstr (uuids[0], ==, json_object_get_string_member (json_array_get_object_element (entries, 1), "uuid"));
  g_assert_cmpint (next, >, last);
  g_clear_pointer (&text, g_free);
  g_clear_pointer (&uuids, g_strfreev);
  text = pm_store_outbox_peek_text (f->van, next, 10, &uuids, &last, &error);
  g_assert_cmpstr (text, ==, "[]");
  g_assert_cmpint (last, ==, next);
}

/* A cursor past the server's last change is refused; the device starts its
 * pull again from 0 only once nothing is left unsent. */
/* The server's store restored from a backup of itself, as `admin restore`
 * does it: the same changes under a new epoch. */
static void
restore_server (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->server_dir, "pepamo.db", NULL);
  g_autofree char *backup = g_build_filename (f->dir, "server.backup", NULL);
  g_autoptr(PmCryptKeys) keys = pm_test_unlock (path);
  g_autoptr(PmCryptKeys) backup_keys = NULL;

  g_assert_true (pm_store_backup (path, keys, backup, &error));
  g_assert_no_error (error);
  pm_store_close (f->server);
  g_clear_object (&f->server);
  backup_keys = pm_test_unlock (backup);
  g_assert_true (pm_store_restore_backup (backup, backup_keys, path, &error));
  g_assert_no_error (error);
  f->server = pm_test_open_store (f->server_dir);
  act_as_admin (f->server);
}

static void
test_restart_pull (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PmRecord) record = new_counselling_from_server (f);
  g_autoptr(JsonArray) results = NULL;
  g_autoptr(JsonObject) page = NULL;
  g_autoptr(PmRecord) kept = NULL;
  g_autofree char *epoch = NULL;
  g_autofree char *renewed = NULL;
  gint64 cursor = pm_store_get_pull_cursor (f->van);

  g_assert_cmpint (cursor, >, 0);
  page = pm_test_take_json_object (pm_store_changes_since_text (f->server, cursor, NULL, FALSE, 50, f->device, PM_ROLE_FIELD, &error));
  g_assert_no_error (error);
  g_clear_pointer (&page, json_object_unref);
  page = pm_test_take_json_object (pm_store_changes_since_text (f->server, cursor + 1, NULL, FALSE, 50, f->device, PM_ROLE_FIELD, &error));
  g_assert_error (error, PM_ERROR, PM_ERROR_NOT_FOUND);
  g_assert_null (page);
  g_clear_error (&error);

  /* The device's cursor is served under the epoch it was given with; after
   * a restore renewed the server's epoch the same cursor is gone, although
   * it does not lie past the server's last change. */
  epoch = pm_store_dup_pull_epoch (f->van);
  g_assert_nonnull (epoch);
  page = pm_test_take_json_object (pm_store_changes_since_text (f->server, cursor, epoch, FALSE, 50, f->device, PM_ROLE_FIELD, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (page, "epoch"), ==, epoch);
  g_clear_pointer (&page, json_object_unref);
  restore_server (f);
  page = pm_test_take_json_object (pm_store_changes_since_text (f->server, cursor, epoch, FALSE, 50, f->device, PM_ROLE_FIELD, &error));
  g_assert_error (error, PM_ERROR, PM_ERROR_NOT_FOUND);
  g_assert_null (page);
  g_clear_error (&error);
  /* From 0 any epoch is served: that is the pull again. */
  page = pm_test_take_json_object (pm_store_changes_since_text (f->server, 0, epoch, FALSE, 50, f->device, PM_ROLE_FIELD, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (page, "epoch"), !=, epoch);
  g_clear_pointer (&page, json_object_unref);

  pm_store_set_actor (f->van, PM_TEST_STAFF_ID, PM_ROLE_FIELD, "soziales");
  g_assert_true (pm_store_save (f->van, record, &error));
  g_assert_false (pm_store_restart_pull (f->van, &error));
  g_assert_error (error, PM_ERROR, PM_ERROR_CONFLICT);
  g_clear_error (&error);
  g_assert_cmpint (pm_store_get_pull_cursor (f->van), ==, cursor);
  g_assert_cmpint (pm_store_outbox_count (f->van, NULL), ==, 1);

  results = push (f);
  g_assert_true (pm_store_outbox_settle (f->van, results, &error));
  g_assert_true (pm_store_restart_pull (f->van, &error));
  g_assert_no_error (error);
  g_assert_cmpint (pm_store_get_pull_cursor (f->van), ==, 0);
  g_assert_null (pm_store_dup_pull_epoch (f->van));
  /* Local rows stay; the pull from 0 brings the same scope back. */
  kept = pm_store_get (f->van, PM_TYPE_COUNSELLING_RECORD, pm_record_get_id (record), NULL);
  g_assert_nonnull (kept);
  pull_all (f, PM_ROLE_FIELD);
  g_assert_cmpint (pm_store_get_pull_cursor (f->van), >, cursor);
  renewed = pm_store_dup_pull_epoch (f->van);
  g_assert_cmpstr (renewed, !=, epoch);
}

/* The server's audit: pushes and pulls write their own entries, in the
 * same transaction; nothing can change or delete one afterwards. */
static void
test_server_audit (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PmRecord) record = new_counselling_from_server (f);
  g_autoptr(JsonArray) results = NULL;
  g_autoptr(JsonObject) page = NULL;
  g_autoptr(JsonArray) entries = NULL;
  g_autoptr(JsonArray) later = NULL;
  g_autofree char *path = g_build_filename (f->server_dir, "pepamo.db", NULL);
  JsonObject *pull;
  sqlite3 *db;
  guint pushes = 0;

  pm_store_set_actor (f->van, PM_TEST_STAFF_ID, PM_ROLE_FIELD, "soziales");
  g_assert_true (pm_store_save (f->van, record, &error));
  g_assert_no_error (error);
  results = push (f);
  page = pm_test_take_json_object (pm_store_changes_since_text (f->server, 0, NULL, FALSE, 5, OFFICE, PM_ROLE_DISPATCH, &error));
  g_assert_no_error (error);
  g_assert_true (pm_store_append_server_audit (f->server, "admin enrol", OFFICE, "dispatch",
                                               "pepamo-server-admin", 1, "city halle", &error));
  g_assert_no_error (error);
  entries = pm_store_list_server_audit (f->server, NULL, &error);
  g_assert_no_error (error);
  /* The fixture's own pulls come first. */
  g_assert_cmpuint (json_array_get_length (entries), >=, 3);
  pull = json_array_get_object_element (entries, json_array_get_length (entries) - 2);
  g_assert_cmpstr (json_object_get_string_member (pull, "action"), ==, "pull");
  g_assert_cmpstr (json_object_get_string_member (pull, "device_id"), ==, OFFICE);
  g_assert_cmpstr (json_object_get_string_member (pull, "role"), ==, "dispatch");
  g_assert_cmpint (json_object_get_int_member (pull, "count"), ==,
                   json_array_get_length (json_object_get_array_member (page, "changes")));
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (entries, json_array_get_length (entries) - 1),
                                                  "action"), ==, "admin enrol");
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *entry = json_array_get_object_element (entries, i);

      if (!g_str_equal (json_object_get_string_member (entry, "action"), "push"))
        continue;
      pushes++;
      g_assert_cmpint (json_object_get_int_member (entry, "count"), ==, 1);
      g_assert_cmpstr (json_object_get_string_member (entry, "actor_id"), ==, PM_TEST_STAFF_ID);
      g_assert_cmpstr (json_object_get_string_member (entry, "detail"), ==,
                       "applied 1, duplicate 0, conflict 0, rejected 0");
    }
  g_assert_cmpuint (pushes, ==, json_array_get_length (results));
  later = pm_store_list_server_audit (f->server, "2999-01-01", &error);
  g_assert_cmpuint (json_array_get_length (later), ==, 0);

  pm_store_close (f->server);
  g_clear_object (&f->server);
  db = pm_test_open_raw (path);
  g_assert_false (_pm_store_exec (db, "UPDATE server_audit SET count = 0", &error));
  g_assert_nonnull (strstr (error->message, "append-only"));
  g_clear_error (&error);
  g_assert_false (_pm_store_exec (db, "DELETE FROM server_audit", &error));
  g_assert_nonnull (strstr (error->message, "append-only"));
  sqlite3_close (db);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/sync-store/pull-scope", test_pull_scope);
  ADD ("/sync-store/van-share", test_van_share);
  ADD ("/sync-store/pull-sends-filtered-records", test_pull_sends_filtered_records);
  ADD ("/sync-store/device-moved-to-other-van", test_device_moved_to_other_van);
  ADD ("/sync-store/device-bound-to-a-van-later", test_device_bound_to_a_van_later);
  ADD ("/sync-store/deletion-marker", test_deletion_marker);
  ADD ("/sync-store/erased-edit", test_erased_edit);
  ADD ("/sync-store/pull-scope-of-office", test_pull_scope_of_office);
  ADD ("/sync-store/push-exactly-once", test_push_exactly_once);
  ADD ("/sync-store/uuid-reused", test_uuid_reused);
  ADD ("/sync-store/audit-entries-reach-the-server", test_audit_entries_reach_the_server);
  ADD ("/sync-store/uuid-reused-with-legacy-hash", test_uuid_reused_with_legacy_hash);
  ADD ("/sync-store/entry-hash-format", test_entry_hash_format);
  ADD ("/sync-store/push-refused-before-written", test_push_refused_before_written);
  ADD ("/sync-store/push-outside-scope", test_push_outside_scope);
  ADD ("/sync-store/conflict", test_conflict);
  ADD ("/sync-store/merge-fields", test_merge_fields);
  ADD ("/sync-store/dispatch-cannot-move-started-visit", test_dispatch_cannot_move_started_visit);
  ADD ("/sync-store/locked-case-refuses-van", test_locked_case_refuses_van);
  ADD ("/sync-store/own-records-come-back-whole", test_own_records_come_back_whole);
  ADD ("/sync-store/edit-keeps-unseen-fields", test_edit_keeps_unseen_fields);
  ADD ("/sync-store/unsent-edit-stays-on-top", test_unsent_edit_stays_on_top);
  ADD ("/sync-store/older-pulled-row-is-not-applied", test_older_pulled_row_is_not_applied);
  ADD ("/sync-store/malformed-batch", test_malformed_batch);
  ADD ("/sync-store/devices", test_devices);
  ADD ("/sync-store/server-audit", test_server_audit);
  ADD ("/sync-store/restart-pull", test_restart_pull);
  ADD ("/sync-store/outbox-peek-text", test_outbox_peek_text);
#undef ADD
  return g_test_run ();
}
