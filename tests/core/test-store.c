/* test-store.c: records go in whole, come out equal, and leave an audit trail
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "pm-clock.h"
#include "pm-demo.h"
#include "pm-error.h"
#include "pm-store-private.h"
#include "pm-store-sync.h"
#include "pm-test-utils.h"

#define ACTOR "66666666-7777-4888-9999-aaaaaaaaaaaa"

typedef struct
{
  char    *dir;
  PmStore *store;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->dir = pm_test_make_dir ();
  f->store = pm_test_open_store (f->dir);
  pm_store_set_actor (f->store, ACTOR, PM_ROLE_ADMIN, "it");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->store);
  pm_test_remove_dir (f->dir);
  g_free (f->dir);
}

static PmRecord *
make_citizen (void)
{
  return pm_test_record_from_json (PM_TYPE_CITIZEN,
    "{\"family_name\":\"Krause\",\"given_names\":\"Gertrud\",\"birth_date\":\"1936-07-01\","
    "\"street\":\"Kasseler Straße\",\"house_number\":\"12\",\"postcode\":\"06132\",\"city\":\"Halle (Saale)\","
    "\"stadtteil\":\"silberhoehe\",\"lat\":51.444,\"lon\":11.976,\"has_lift\":true,"
    "\"representation\":{\"type\":\"betreuer\",\"name\":\"Jens Beispiel\"}}");
}

static void
test_round_trip (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(PmRecord) citizen = make_citizen ();
  g_autoptr(PmRecord) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) a = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonNode) b = json_node_new (JSON_NODE_OBJECT);

  g_assert_true (pm_store_save (f->store, citizen, &error));
  g_assert_no_error (error);
  g_assert_cmpint (pm_record_get_version (citizen), ==, 1);
  g_assert_nonnull (pm_record_get_created_at (citizen));

  loaded = pm_store_get (f->store, PM_TYPE_CITIZEN, pm_record_get_id (citizen), &error);
  g_assert_no_error (error);
  json_node_take_object (a, pm_record_to_json (citizen));
  json_node_take_object (b, pm_record_to_json (loaded));
  g_assert_true (json_node_equal (a, b));
  g_assert_true (pm_record_get_boolean (loaded, "has_lift"));
}

/* The data column holds the fields as json-glib writes them (the store
 * writes that text itself, for speed): byte for byte, with every ASCII
 * control character, quotes, backslashes, UTF-8, doubles with and without
 * a point, with an exponent, a JSON field in odd spacing, empty and full
 * lists. Visits too: they carry lists and a boolean. */
static void
test_data_as_json_glib_writes_it (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(PmRecord) citizen = make_citizen ();
  g_autoptr(PmRecord) visit = NULL;
  g_autoptr(GString) odd = g_string_new ("Stra\u00dfe \u20ac \U0001f600 \"quoted\" back\\slash ");
  g_autoptr(GPtrArray) records = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->dir, "pepamo.db", NULL);
  const char *empty[] = { NULL };
  sqlite3 *db;

  for (char c = 1; c < 0x7f; c++)
    g_string_append_c (odd, c);
  g_string_append_c (odd, 0x7f);
  pm_record_set_string (citizen, "access_notes", odd->str);
  pm_record_set_string (citizen, "representation", " { \"type\" : \"betreuer\", \"ids\" : [ 1, 2.50, \"\\u00e4\" ] } ");
  pm_record_set_double (citizen, "lat", 51.4797);
  pm_record_set_double (citizen, "lon", 1e-7);
  visit = pm_test_record_from_json (PM_TYPE_VISIT,
    "{\"citizen_ids\":[\"11111111-2222-4333-8444-555555555555\"],\"location_type\":\"home\","
    "\"street\":\"Leipziger Stra\u00dfe\",\"house_number\":\"12\",\"postcode\":\"06108\","
    "\"stadtteil\":\"altstadt\",\"lat\":51,\"lon\":-0.0,\"services\":[\"PB\",\"PA\"],"
    "\"duration_min\":40,\"priority\":1,\"source\":\"phone\",\"status\":\"requested\","
    "\"rescheduled\":true}");
  pm_record_set_strv (visit, "windows", empty);
  pm_record_set_string (visit, "notes", odd->str);
  g_ptr_array_add (records, citizen);
  g_ptr_array_add (records, visit);
  g_assert_true (pm_store_save_all (f->store, records, &error));
  g_assert_no_error (error);
  pm_store_close (f->store);
  g_clear_object (&f->store);

  db = pm_test_open_raw (path);
  for (guint i = 0; i < records->len; i++)
    {
      PmRecord *record = g_ptr_array_index (records, i);
      g_autofree char *sql = g_strdup_printf ("SELECT data FROM %s WHERE id = ?",
                                              PM_RECORD_GET_CLASS (record)->table);
      g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), pm_record_to_json (record));
      g_autofree char *expected = NULL;
      sqlite3_stmt *stmt = NULL;

      for (guint k = 0; k < 4; k++)
        json_object_remove_member (json_node_get_object (node),
                                   (const char *[]) { "id", "version", "created_at", "updated_at" }[k]);
      json_object_unref (json_node_get_object (node));
      expected = json_to_string (node, FALSE);
      g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
      sqlite3_bind_text (stmt, 1, pm_record_get_id (record), -1, SQLITE_STATIC);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, expected);
      sqlite3_finalize (stmt);
    }
  sqlite3_close (db);
}

static void
test_versions_and_conflicts (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(PmRecord) citizen = make_citizen ();
  g_autoptr(PmRecord) stale = NULL;
  g_autoptr(PmRecord) loaded = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (pm_store_save (f->store, citizen, &error));
  stale = pm_store_get (f->store, PM_TYPE_CITIZEN, pm_record_get_id (citizen), &error);
  pm_record_set_string (citizen, "phone", "0345 012345");
  g_assert_true (pm_store_save (f->store, citizen, &error));
  g_assert_no_error (error);
  g_assert_cmpint (pm_record_get_version (citizen), ==, 2);

  /* An edit based on version 1 must not overwrite version 2. */
  pm_record_set_string (stale, "phone", "0345 099999");
  g_assert_false (pm_store_save (f->store, stale, &error));
  g_assert_error (error, PM_ERROR, PM_ERROR_CONFLICT);
  g_assert_cmpint (pm_record_get_version (stale), ==, 1);

  loaded = pm_store_get (f->store, PM_TYPE_CITIZEN, pm_record_get_id (citizen), NULL);
  g_assert_cmpstr (pm_record_get_string (loaded, "phone"), ==, "0345 012345");
}

static void
test_audit_trail (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(PmRecord) citizen = make_citizen ();
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  PmRecord *last;

  g_assert_true (pm_store_save (f->store, citizen, NULL));
  pm_record_set_string (citizen, "phone", "0345 012345");
  g_assert_true (pm_store_save (f->store, citizen, NULL));
  g_assert_true (pm_store_log_read (f->store, citizen, "read", &error));
  g_assert_no_error (error);

  entries = pm_store_list (f->store, PM_TYPE_AUDIT_ENTRY, &error);
  g_assert_no_error (error);
  g_assert_cmpint (entries->len, ==, 3);
  g_assert_cmpstr (pm_record_get_string (g_ptr_array_index (entries, 0), "action"), ==, "create");
  g_assert_cmpstr (pm_record_get_string (g_ptr_array_index (entries, 1), "action"), ==, "update");
  last = g_ptr_array_index (entries, 2);
  g_assert_cmpstr (pm_record_get_string (last, "action"), ==, "read");
  g_assert_cmpstr (pm_record_get_string (last, "actor_id"), ==, ACTOR);
  g_assert_cmpstr (pm_record_get_string (last, "record_id"), ==, pm_record_get_id (citizen));
  g_assert_cmpstr (pm_record_get_string (last, "device"), ==, pm_store_get_device_id (f->store));

  /* Append-only: an audit entry cannot be rewritten. */
  pm_record_set_string (last, "action", "update");
  g_assert_false (pm_store_save (f->store, last, &error));
  g_assert_error (error, PM_ERROR, PM_ERROR_DENIED);
}

static gpointer
rewrite_audit_job (PmStore  *store,
                   sqlite3  *db,
                   gpointer  data,
                   GError  **error)
{
  return _pm_store_exec (db, "UPDATE audit SET data = '{}'", error) ? store : NULL;
}

static void
test_audit_append_only_in_sql (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(PmRecord) citizen = make_citizen ();
  g_autoptr(GError) error = NULL;

  g_assert_true (pm_store_save (f->store, citizen, NULL));
  g_assert_null (_pm_store_run_sync (f->store, rewrite_audit_job, NULL, &error));
  g_assert_error (error, PM_ERROR, PM_ERROR_STORE);
  g_assert_nonnull (strstr (error->message, "append-only"));
}

static void
test_nobody_signed_in (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(PmRecord) citizen = make_citizen ();
  g_autoptr(GError) error = NULL;

  pm_store_set_actor (f->store, NULL, PM_ROLE_INVALID, NULL);
  g_assert_false (pm_store_save (f->store, citizen, &error));
  g_assert_error (error, PM_ERROR, PM_ERROR_DENIED);
  g_assert_cmpint (pm_store_count (f->store, PM_TYPE_CITIZEN, NULL), ==, 0);
}

static void
test_not_found (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_null (pm_store_get (f->store, PM_TYPE_VISIT, "11111111-2222-4333-8444-555555555555", &error));
  g_assert_error (error, PM_ERROR, PM_ERROR_NOT_FOUND);
}

static void
visits_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GListModel **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = pm_store_list_visits_for_day_finish (PM_STORE (source), result, &error);
  g_assert_no_error (error);
}

/* The async API completes on the caller's main context, in route order,
 * with the persons' names filled in. */
static void
test_async_day (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) visits = NULL;
  gint64 last_order = 0;

  g_assert_true (pm_demo_fill (f->store, "2026-11-18", 7, &error));
  g_assert_no_error (error);
  pm_store_list_visits_for_day_async (f->store, "2026-11-18", NULL, visits_cb, &visits);
  while (visits == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpint (g_list_model_get_n_items (visits), >=, 10);
  for (guint i = 0; i < g_list_model_get_n_items (visits); i++)
    {
      g_autoptr(PmRecord) visit = g_list_model_get_item (visits, i);

      g_assert_cmpint (pm_record_get_int (visit, "route_order"), >, last_order);
      last_order = pm_record_get_int (visit, "route_order");
      g_assert_cmpstr (pm_record_get_string (visit, "date"), ==, "2026-11-18");
      g_assert_true (strlen (pm_record_get_string (visit, "persons")) > 3);
    }
}

static void
saved_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  GPtrArray **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = pm_store_save_all_finish (PM_STORE (source), result, &error);
  g_assert_no_error (error);
}

/* The async save works on copies: the caller's record is left alone and
 * the saved copy comes back with its version. */
static void
test_async_save (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(PmRecord) citizen = make_citizen ();
  g_autoptr(GPtrArray) records = g_ptr_array_new ();
  g_autoptr(GPtrArray) saved = NULL;
  g_autoptr(PmRecord) loaded = NULL;

  g_ptr_array_add (records, citizen);
  pm_store_save_all_async (f->store, records, NULL, saved_cb, &saved);
  /* Changing the record meanwhile does not change what is saved. */
  pm_record_set_string (citizen, "phone", "0345 099999");
  while (saved == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpint (saved->len, ==, 1);
  g_assert_cmpint (pm_record_get_version (g_ptr_array_index (saved, 0)), ==, 1);
  g_assert_cmpint (pm_record_get_version (citizen), ==, 0);
  loaded = pm_store_get (f->store, PM_TYPE_CITIZEN, pm_record_get_id (citizen), NULL);
  g_assert_null (pm_record_get_string (loaded, "phone"));
}

static void
test_reopen_keeps_data (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(PmRecord) citizen = make_citizen ();
  g_autofree char *device = NULL;
  g_autoptr(PmRecord) loaded = NULL;

  g_assert_true (pm_store_save (f->store, citizen, NULL));
  device = g_strdup (pm_store_get_device_id (f->store));
  pm_store_close (f->store);
  g_assert_null (pm_store_get (f->store, PM_TYPE_CITIZEN, pm_record_get_id (citizen), NULL));
  g_clear_object (&f->store);

  f->store = pm_test_open_store (f->dir);
  g_assert_cmpstr (pm_store_get_device_id (f->store), ==, device);
  loaded = pm_store_get (f->store, PM_TYPE_CITIZEN, pm_record_get_id (citizen), NULL);
  g_assert_nonnull (loaded);
}

/* A changed byte on disk is an error naming corruption, never wrong data. */
static void
test_tampered_file (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "pepamo.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PmStore) store = NULL;
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_true (pm_demo_fill (f->store, "2026-11-18", 7, &error));
  pm_store_close (f->store);
  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  /* A byte in the middle of a page in the middle of the file. */
  contents[(length / 2 / 4096) * 4096 + 2000] ^= 0x01;
  g_assert_true (g_file_set_contents (path, contents, length, &error));

  store = pm_store_open (path, pm_test_unlock (path), &error);
  if (store)
    {
      /* The damaged page may belong to any table: read them all. */
      guint n_types;
      const GType *types = pm_model_get_types (&n_types);

      for (guint i = 0; i < n_types && error == NULL; i++)
        {
          g_autoptr(GPtrArray) records = pm_store_list (store, types[i], &error);

          g_assert_true ((records == NULL) == (error != NULL));
        }
    }
  g_assert_error (error, PM_CRYPT_ERROR, PM_CRYPT_ERROR_CORRUPT);
}

static PmRecord *
make_paid_case (const char *captured_on,
                const char *visit_id)
{
  g_autofree char *json = g_strdup_printf (
    "{\"citizen_id\":\"11111111-2222-4333-8444-555555555555\",\"staff_id\":\"%s\",\"service\":\"PA\","
    "\"status\":\"captured\",\"fee_cents\":4600,\"payment_method\":\"card\",\"captured_on\":\"%s\","
    "\"visit_id\":\"%s\"}", ACTOR, captured_on, visit_id);

  return pm_test_record_from_json (PM_TYPE_CASE, json);
}

/* Receipt numbers run per van and year without gaps, even when a save fails. */
static void
test_receipts_without_gaps (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(PmRecord) van = pm_test_record_from_json (PM_TYPE_VAN, "{\"name\":\"Mobil 1\",\"plate\":\"HAL PM 1\"}");
  g_autoptr(PmRecord) visit = NULL;
  g_autoptr(PmRecord) a = NULL;
  g_autoptr(PmRecord) b = NULL;
  g_autoptr(PmRecord) bad = NULL;
  g_autoptr(PmRecord) c = NULL;
  g_autoptr(PmRecord) next_year = NULL;
  g_autoptr(PmRecord) unpaid = NULL;
  g_autoptr(GPtrArray) batch = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *visit_json = NULL;

  g_assert_true (pm_store_save (f->store, van, &error));
  visit_json = g_strdup_printf ("{\"citizen_ids\":[\"11111111-2222-4333-8444-555555555555\"],\"location_type\":\"home\","
                                "\"street\":\"Hansering\",\"house_number\":\"3\",\"postcode\":\"06108\","
                                "\"stadtteil\":\"altstadt\",\"lat\":51.48,\"lon\":11.97,\"services\":[\"PA\"],"
                                "\"status\":\"arrived\",\"date\":\"2026-11-20\",\"van_id\":\"%s\"}",
                                pm_record_get_id (van));
  visit = pm_test_record_from_json (PM_TYPE_VISIT, visit_json);
  g_assert_true (pm_store_save (f->store, visit, &error));

  a = make_paid_case ("2026-11-20", pm_record_get_id (visit));
  b = make_paid_case ("2026-11-20", pm_record_get_id (visit));
  g_assert_true (pm_store_save (f->store, a, &error));
  g_assert_true (pm_store_save (f->store, b, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (pm_record_get_string (a, "receipt_no"), ==, "HALPM1-2026-00001");
  g_assert_cmpstr (pm_record_get_string (b, "receipt_no"), ==, "HALPM1-2026-00002");

  /* A batch that fails uses no number. */
  c = make_paid_case ("2026-11-20", pm_record_get_id (visit));
  bad = make_paid_case ("2026-11-20", pm_record_get_id (visit));
  pm_record_set_string (bad, "service", "NOPE");
  g_ptr_array_add (batch, c);
  g_ptr_array_add (batch, bad);
  g_assert_false (pm_store_save_all (f->store, batch, &error));
  g_clear_error (&error);
  g_assert_null (pm_record_get_string (c, "receipt_no"));
  g_assert_true (pm_store_save (f->store, c, &error));
  g_assert_cmpstr (pm_record_get_string (c, "receipt_no"), ==, "HALPM1-2026-00003");

  /* A new year starts at 1; a case without payment gets no number. */
  next_year = make_paid_case ("2027-01-04", pm_record_get_id (visit));
  g_assert_true (pm_store_save (f->store, next_year, &error));
  g_assert_cmpstr (pm_record_get_string (next_year, "receipt_no"), ==, "HALPM1-2027-00001");
  unpaid = make_paid_case ("2026-11-20", pm_record_get_id (visit));
  pm_record_set_string (unpaid, "payment_method", "none");
  g_assert_true (pm_store_save (f->store, unpaid, &error));
  g_assert_null (pm_record_get_string (unpaid, "receipt_no"));
}

/* Shared commits: jobs queued while the worker is held run in one
 * transaction; one that fails leaves the others' writes stored. */

typedef struct
{
  PmStore   *store;
  GMutex     lock;
  GCond      cond;
  gboolean   started;
  gboolean   released;
  guint      commits;
  GPtrArray *ran;        /* job names in the order the worker ran them */
} Held;

typedef struct
{
  Held            *held;
  const char      *name;
  PmStoreJobFlags  flags;
  gboolean         fail;          /* after its write */
  gboolean         fail_at_once;  /* before writing anything */
  gpointer         result;
  GError          *error;
} SharedCall;

static int
count_commit (gpointer data)
{
  ((Held *) data)->commits++;
  return 0;
}

static gpointer
hold_job (PmStore  *store,
          sqlite3  *db,
          gpointer  data,
          GError  **error)
{
  Held *held = data;
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  sqlite3_commit_hook (db, count_commit, held);
  g_mutex_lock (&held->lock);
  held->started = TRUE;
  g_cond_broadcast (&held->cond);
  while (!held->released)
    if (!g_cond_wait_until (&held->cond, &held->lock, deadline))
      g_error ("the held job was not released within 20 s");
  g_mutex_unlock (&held->lock);
  return held;
}

static gpointer
hold_thread (gpointer data)
{
  Held *held = data;

  return _pm_store_run_sync (held->store, hold_job, held, NULL);
}

static gpointer
meta_job (PmStore  *store,
          sqlite3  *db,
          gpointer  data,
          GError  **error)
{
  SharedCall *call = data;

  g_ptr_array_add (call->held->ran, (gpointer) call->name);
  if (call->fail_at_once)
    {
      g_set_error (error, PM_ERROR, PM_ERROR_NOT_FOUND, "job %s fails at once", call->name);
      return NULL;
    }
  if (!_pm_store_exec_texts (db, "INSERT OR REPLACE INTO meta (key, value) VALUES (?, 'x')", "Writing meta", error, 1,
                             call->name))
    return NULL;
  if (call->fail)
    {
      g_set_error (error, PM_ERROR, PM_ERROR_INVALID, "job %s fails", call->name);
      return NULL;
    }
  return g_strdup (call->name);
}

static gpointer
shared_call_thread (gpointer data)
{
  SharedCall *call = data;

  call->result = _pm_store_run_sync_full (call->held->store, meta_job, call, call->flags, g_free, &call->error);
  return NULL;
}

static gboolean
held_started (gpointer data)
{
  Held *held = data;
  gboolean started;

  g_mutex_lock (&held->lock);
  started = held->started;
  g_mutex_unlock (&held->lock);
  return started;
}

typedef struct
{
  PmStore *store;
  int      queued;
} QueueWait;

static gboolean
queue_reached (gpointer data)
{
  QueueWait *wait = data;

  return _pm_store_queued_jobs (wait->store) >= wait->queued;
}

/* Holds the worker, queues @calls one after the other, then lets it go. */
static void
run_held (PmStore    *store,
          Held       *held,
          SharedCall *calls,
          guint       n_calls)
{
  g_autoptr(GPtrArray) threads = g_ptr_array_new ();
  GThread *holder;

  held->store = store;
  held->ran = g_ptr_array_new ();
  g_mutex_init (&held->lock);
  g_cond_init (&held->cond);
  holder = g_thread_new ("hold", hold_thread, held);
  pm_test_wait_until (held_started, held, "the held job");
  for (guint i = 0; i < n_calls; i++)
    {
      QueueWait wait = { store, i + 1 };

      calls[i].held = held;
      g_ptr_array_add (threads, g_thread_new ("call", shared_call_thread, &calls[i]));
      pm_test_wait_until (queue_reached, &wait, "a queued job");
    }
  g_mutex_lock (&held->lock);
  held->released = TRUE;
  g_cond_broadcast (&held->cond);
  g_mutex_unlock (&held->lock);
  g_assert_true (g_thread_join (holder) == held);
  for (guint i = 0; i < threads->len; i++)
    g_thread_join (g_ptr_array_index (threads, i));
}

static gpointer
unhook_job (PmStore  *store,
            sqlite3  *db,
            gpointer  data,
            GError  **error)
{
  sqlite3_commit_hook (db, NULL, NULL);
  return store;
}

static void
held_clear (Held *held)
{
  g_assert_nonnull (_pm_store_run_sync (held->store, unhook_job, NULL, NULL));
  g_ptr_array_unref (held->ran);
  g_mutex_clear (&held->lock);
  g_cond_clear (&held->cond);
}

static gboolean
meta_is_set (PmStore    *store,
             const char *key)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *value = pm_store_dup_meta (store, key, &error);

  g_assert_no_error (error);
  return value != NULL;
}

static void
test_shared_commit (Fixture       *f,
                    gconstpointer  data)
{
  Held held = { 0 };
  SharedCall calls[] = {
    { .name = "shared-a", .flags = PM_STORE_JOB_SHARED },
    { .name = "shared-b", .flags = PM_STORE_JOB_SHARED },
    { .name = "shared-c", .flags = PM_STORE_JOB_SHARED },
  };

  run_held (f->store, &held, calls, G_N_ELEMENTS (calls));
  /* One commit for the three (after the held job's own), each answered
   * with its own result. */
  g_assert_cmpuint (held.commits, ==, 1 + 1);
  for (guint i = 0; i < G_N_ELEMENTS (calls); i++)
    {
      g_assert_no_error (calls[i].error);
      g_assert_cmpstr (calls[i].result, ==, calls[i].name);
      g_assert_true (meta_is_set (f->store, calls[i].name));
      g_free (calls[i].result);
    }
  held_clear (&held);
}

/* The middle one of three shared jobs fails, after its write (@at_once:
 * before writing anything): its write is gone, the others' are kept, and
 * each caller hears how its own job went. Returns the commits made. */
static guint
run_one_failing (Fixture  *f,
                 Held     *held,
                 gboolean  at_once)
{
  SharedCall calls[] = {
    { .name = "shared-a", .flags = PM_STORE_JOB_SHARED },
    { .name = "shared-b", .flags = PM_STORE_JOB_SHARED, .fail = !at_once, .fail_at_once = at_once },
    { .name = "shared-c", .flags = PM_STORE_JOB_SHARED },
  };

  int failure = at_once ? PM_ERROR_NOT_FOUND : PM_ERROR_INVALID;
  guint commits;

  run_held (f->store, held, calls, G_N_ELEMENTS (calls));
  commits = held->commits;
  g_assert_cmpstr (calls[0].result, ==, "shared-a");
  g_assert_null (calls[1].result);
  g_assert_error (calls[1].error, PM_ERROR, failure);
  g_assert_cmpstr (calls[2].result, ==, "shared-c");
  g_assert_true (meta_is_set (f->store, "shared-a"));
  g_assert_false (meta_is_set (f->store, "shared-b"));
  g_assert_true (meta_is_set (f->store, "shared-c"));
  for (guint i = 0; i < G_N_ELEMENTS (calls); i++)
    g_free (calls[i].result);
  g_clear_error (&calls[1].error);
  return commits;
}

static void
test_shared_commit_one_fails (Fixture       *f,
                              gconstpointer  data)
{
  Held held = { 0 };
  const char *ran[] = { "shared-a", "shared-b", "shared-a", "shared-b", "shared-c" };

  run_one_failing (f, &held, FALSE);
  /* The shared transaction was rolled back and its jobs ran again, each
   * alone. */
  g_assert_cmpuint (held.ran->len, ==, G_N_ELEMENTS (ran));
  for (guint i = 0; i < G_N_ELEMENTS (ran); i++)
    g_assert_cmpstr (g_ptr_array_index (held.ran, i), ==, ran[i]);
  held_clear (&held);
}

/* A shared job that fails having written nothing (a pull whose cursor is
 * gone) costs the others nothing: one commit, no job run twice. */
static void
test_shared_commit_one_fails_at_once (Fixture       *f,
                                      gconstpointer  data)
{
  Held held = { 0 };

  /* The held job's own commit, then the shared one. */
  g_assert_cmpuint (run_one_failing (f, &held, TRUE), ==, 1 + 1);
  g_assert_cmpuint (held.ran->len, ==, 3);
  held_clear (&held);
}

static void
test_urgent_jobs_first (Fixture       *f,
                        gconstpointer  data)
{
  Held held = { 0 };
  SharedCall calls[] = {
    { .name = "push-1", .flags = PM_STORE_JOB_SHARED },
    { .name = "push-2", .flags = PM_STORE_JOB_SHARED },
    { .name = "pull-1", .flags = PM_STORE_JOB_SHARED | PM_STORE_JOB_URGENT },
    { .name = "pull-2", .flags = PM_STORE_JOB_SHARED | PM_STORE_JOB_URGENT },
  };
  const char *expected[] = { "pull-1", "pull-2", "push-1", "push-2" };

  run_held (f->store, &held, calls, G_N_ELEMENTS (calls));
  /* Urgent ones first, each kind in the order queued; an urgent group
   * and the rest commit apart (after the held job's own commit). */
  g_assert_cmpuint (held.ran->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpstr (g_ptr_array_index (held.ran, i), ==, expected[i]);
  g_assert_cmpuint (held.commits, ==, 1 + 2);
  for (guint i = 0; i < G_N_ELEMENTS (calls); i++)
    {
      g_assert_no_error (calls[i].error);
      g_free (calls[i].result);
    }
  held_clear (&held);
}

/* The WAL is copied back into the database while the store is open:
 * writes past SQLite's checkpoint threshold grow the database file itself
 * (nothing readable on disk stays only in the WAL for long), and nothing
 * is lost. */

typedef struct
{
  const char *path;
  goffset     size;
} FileGrowth;

static goffset
file_size (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInfo) info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE, G_FILE_QUERY_INFO_NONE,
                                                 NULL, NULL);

  g_assert_nonnull (info);
  return g_file_info_get_size (info);
}

static gboolean
file_grew (gpointer data)
{
  FileGrowth *growth = data;

  return file_size (growth->path) > growth->size;
}

static void
test_wal_checkpointed_while_open (Fixture       *f,
                                  gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "pepamo.db", NULL);
  FileGrowth growth = { path, file_size (path) };
  g_autoptr(GError) error = NULL;

  /* 50 commits of 40 people: well past 1,000 pages of WAL. */
  for (guint batch = 0; batch < 50; batch++)
    {
      g_autoptr(GPtrArray) people = g_ptr_array_new_with_free_func (g_object_unref);

      for (guint i = 0; i < 40; i++)
        g_ptr_array_add (people, make_citizen ());
      g_assert_true (pm_store_save_all (f->store, people, &error));
      g_assert_no_error (error);
    }
  pm_test_wait_until (file_grew, &growth, "a checkpoint into the database file");

  g_clear_object (&f->store);
  f->store = pm_test_open_store (f->dir);
  g_assert_cmpint (pm_store_count (f->store, PM_TYPE_CITIZEN, &error), ==, 50 * 40);
  g_assert_no_error (error);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/store/round-trip", test_round_trip);
  ADD ("/store/versions-and-conflicts", test_versions_and_conflicts);
  ADD ("/store/audit-trail", test_audit_trail);
  ADD ("/store/audit-append-only-in-sql", test_audit_append_only_in_sql);
  ADD ("/store/nobody-signed-in", test_nobody_signed_in);
  ADD ("/store/not-found", test_not_found);
  ADD ("/store/async-day", test_async_day);
  ADD ("/store/async-save", test_async_save);
  ADD ("/store/reopen-keeps-data", test_reopen_keeps_data);
  ADD ("/store/tampered-file", test_tampered_file);
  ADD ("/store/receipts-without-gaps", test_receipts_without_gaps);
  ADD ("/store/data-as-json-glib-writes-it", test_data_as_json_glib_writes_it);
  ADD ("/store/shared-commit", test_shared_commit);
  ADD ("/store/shared-commit-one-fails", test_shared_commit_one_fails);
  ADD ("/store/shared-commit-one-fails-at-once", test_shared_commit_one_fails_at_once);
  ADD ("/store/urgent-jobs-first", test_urgent_jobs_first);
  ADD ("/store/wal-checkpointed-while-open", test_wal_checkpointed_while_open);
#undef ADD
  return g_test_run ();
}
