/* test-case-loop.c: a case's whole way, van to office and back, through the
 * real pepamo-server on 127.0.0.1
 *
 * The van captures an ID case; the registration office takes it up, books
 * it, has the document and plans the hand-over by visit; dispatch finds the
 * hand-over request; the van hands the document over; the office closes the
 * case; 15 days later (a clock the test sets) the van's store no longer
 * holds it, while the server does. And a push of more than one batch.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <glib/gstdio.h>

#include "pm-clock.h"
#include "pm-error.h"
#include "pm-store-sync.h"
#include "pm-sync-client.h"
#include "pm-test-utils.h"

#define CITIZEN "7a000000-0000-4000-8000-000000000001"
#define VISIT   "7a000000-0000-4000-8000-000000000002"
#define CASE    "7a000000-0000-4000-8000-000000000003"
#define CLERK   "7a000000-0000-4000-8000-000000000004"
#define OFFICE  "7a000000-0000-4000-8000-000000000005"

typedef struct
{
  PmStore      *store;
  PmSyncClient *client;
} Device;

typedef struct
{
  char        *dir;
  GSubprocess *server;
  char        *base;
  Device       van;
  Device       office;
  Device       dispatch;
} Fixture;

static void
device_open (Fixture    *f,
             Device     *device,
             const char *name,
             const char *role)
{
  g_autofree char *server_dir = g_build_filename (f->dir, "server", NULL);
  g_autofree char *dir = g_build_filename (f->dir, name, NULL);
  g_autofree char *token = pm_test_server_token (server_dir, role);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
  device->store = pm_test_open_store (dir);
  g_assert_true (pm_store_enrol (device->store, f->base, token, role, &error));
  g_assert_no_error (error);
  device->client = pm_sync_client_new (f->base, token, NULL, &error);
  g_assert_no_error (error);
}

/* Syncs a device whose push may leave issues; everything sent. */
static PmSyncStats
sync_with_issues (Device *device)
{
  PmSyncStats stats = { 0 };
  g_autoptr(GError) error = NULL;

  g_assert_true (pm_sync_client_sync (device->client, device->store, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpint (pm_store_outbox_count (device->store, NULL), ==, 0);
  return stats;
}

static void
sync_device (Device *device)
{
  PmSyncStats stats = sync_with_issues (device);

  if (stats.conflicts > 0 || stats.rejected > 0)
    {
      g_autoptr(JsonArray) issues = pm_store_list_sync_issues (device->store, NULL);
      g_autoptr(JsonNode) node = json_node_init_array (json_node_alloc (), issues);
      g_autofree char *text = json_to_string (node, FALSE);

      g_error ("the server refused: %s", text);
    }
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *server_dir = NULL;

  f->dir = pm_test_make_dir ();
  server_dir = g_build_filename (f->dir, "server", NULL);
  /* Enrolling first makes the server's store; then it serves it. */
  g_free (pm_test_server_token (server_dir, "planning"));
  f->server = pm_test_server_start (server_dir, &f->base);
  device_open (f, &f->van, "field", "field");
  device_open (f, &f->office, "einwohnerwesen", "einwohnerwesen");
  device_open (f, &f->dispatch, "dispatch", "dispatch");
  pm_store_set_actor (f->van.store, CLERK, PM_ROLE_FIELD, "einwohnerwesen");
  pm_store_set_actor (f->office.store, OFFICE, PM_ROLE_EINWOHNERWESEN, "einwohnerwesen");
  pm_store_set_actor (f->dispatch.store, PM_TEST_STAFF_ID, PM_ROLE_DISPATCH, "dispatch");
}

static void
device_close (Device *device)
{
  g_clear_object (&device->client);
  g_clear_object (&device->store);
}

/* Another device of @like's office, acting as its person (the offices'
 * departments are named as their roles), synced. */
static void
second_desk (Fixture *f,
             Device  *device,
             Device  *like)
{
  g_autofree char *role = pm_store_dup_meta (like->store, "sync.role", NULL);
  g_autofree char *name = g_strconcat (role, "-2", NULL);

  device_open (f, device, name, role);
  pm_store_set_actor (device->store, pm_store_get_actor_id (like->store), pm_store_get_actor_role (like->store),
                      role);
  sync_device (device);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  Device *devices[] = { &f->van, &f->office, &f->dispatch };

  pm_clock_set_override (NULL);
  for (guint i = 0; i < G_N_ELEMENTS (devices); i++)
    device_close (devices[i]);
  pm_test_server_stop (g_steal_pointer (&f->server));
  pm_test_remove_dir (f->dir);
  g_free (f->dir);
  g_free (f->base);
}

static void
step (Device           *device,
      const PmCaseStep *s)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) written = pm_store_advance_case (device->store, CASE, 0, s, &error);

  g_assert_no_error (error);
  g_assert_nonnull (written);
}

static char *
status_of (Device *device)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PmRecord) kase = pm_store_get (device->store, PM_TYPE_CASE, CASE, &error);

  g_assert_no_error (error);
  return g_strdup (pm_record_get_string (kase, "status"));
}

/* Dispatch's requests: visits nobody has scheduled yet. */
static PmRecord *
handover_request (Device *device)
{
  g_autoptr(GPtrArray) visits = pm_store_list (device->store, PM_TYPE_VISIT, NULL);

  for (guint i = 0; i < visits->len; i++)
    {
      PmRecord *visit = g_ptr_array_index (visits, i);

      if (g_strcmp0 (pm_record_get_string (visit, "status"), "requested") == 0 &&
          g_strv_contains (pm_record_get_strv (visit, "services"), "AUSH"))
        return g_object_ref (visit);
    }
  return NULL;
}

/* The van's capture of the case, its person and visit, at the server and
 * at the office. */
static void
capture_case (Fixture *f)
{
  pm_test_save_json (f->van.store, PM_TYPE_CITIZEN,
             "{\"id\":\"" CITIZEN "\",\"family_name\":\"Pohl\",\"given_names\":\"Irmgard\","
             "\"birth_date\":\"1937-02-11\",\"street\":\"Reilstraße\",\"house_number\":\"40\",\"postcode\":\"06114\","
             "\"city\":\"Halle (Saale)\",\"stadtteil\":\"paulusviertel\",\"lat\":51.495,\"lon\":11.964}");
  pm_test_save_json (f->van.store, PM_TYPE_VISIT,
             "{\"id\":\"" VISIT "\",\"citizen_ids\":[\"" CITIZEN "\"],\"location_type\":\"home\","
             "\"street\":\"Reilstraße\",\"house_number\":\"40\",\"postcode\":\"06114\",\"stadtteil\":\"paulusviertel\","
             "\"lat\":51.495,\"lon\":11.964,\"services\":[\"PA\"],\"status\":\"done\",\"date\":\"2026-11-16\"}");
  pm_test_save_json (f->van.store, PM_TYPE_CASE,
             "{\"id\":\"" CASE "\",\"visit_id\":\"" VISIT "\",\"citizen_id\":\"" CITIZEN "\",\"staff_id\":\"" CLERK "\","
             "\"service\":\"PA\",\"status\":\"captured\",\"documents_presented\":[\"old_id\"],"
             "\"photo_source\":\"on_site\",\"fingerprint_status\":\"captured\",\"handover_mode\":\"visit\","
             "\"fee_cents\":0,\"fee_waived\":true,\"waiver_reason\":\"Härtefall\",\"payment_method\":\"none\","
             "\"captured_on\":\"2026-11-16\"}");
  sync_device (&f->van);
  sync_device (&f->office);
  sync_device (&f->dispatch);
}

static void
test_whole_loop (Fixture       *f,
                 gconstpointer  data)
{
  const PmCaseStep in_progress = { "in_progress" };
  const PmCaseStep booked = { "booked", NULL, "HAL-2026-777", NULL };
  const PmCaseStep ready = { "document_ready" };
  const PmCaseStep plan = { "handover_planned", NULL, NULL, "visit" };
  const PmCaseStep handed_over = { "handed_over" };
  const PmCaseStep closed = { "closed" };
  g_autoptr(PmRecord) request = NULL;
  g_autoptr(PmRecord) gone = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GDateTime) later = NULL;
  g_autoptr(GPtrArray) purged = NULL;
  g_autoptr(GError) error = NULL;
  char *status;

  /* The van captures the case on a visit and sends it. */
  capture_case (f);

  /* The office takes it up, books it, has the document, plans the hand-over. */
  sync_device (&f->office);
  step (&f->office, &in_progress);
  step (&f->office, &booked);
  step (&f->office, &ready);
  step (&f->office, &plan);
  sync_device (&f->office);

  /* Dispatch has the hand-over request, for the person, where they live. */
  sync_device (&f->dispatch);
  request = handover_request (&f->dispatch);
  g_assert_nonnull (request);
  g_assert_cmpstr (pm_record_get_strv (request, "citizen_ids")[0], ==, CITIZEN);
  g_assert_cmpstr (pm_record_get_string (request, "street"), ==, "Reilstraße");
  g_assert_nonnull (strstr (pm_record_get_string (request, "notes"), "HAL-2026-777"));

  /* The van learns the status, hands the document over and says so. */
  sync_device (&f->van);
  status = status_of (&f->van);
  g_assert_cmpstr (status, ==, "handover_planned");
  g_free (status);
  step (&f->van, &handed_over);
  sync_device (&f->van);

  /* The office closes it; the van hears of it. */
  sync_device (&f->office);
  status = status_of (&f->office);
  g_assert_cmpstr (status, ==, "handed_over");
  g_free (status);
  step (&f->office, &closed);
  sync_device (&f->office);
  sync_device (&f->van);
  status = status_of (&f->van);
  g_assert_cmpstr (status, ==, "closed");
  g_free (status);

  /* Within the period the details stay; after it they leave the van. */
  purged = pm_store_purge_cases (f->van.store, pm_store_default_case_days (), FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (purged->len, ==, 0);
  g_clear_pointer (&purged, g_ptr_array_unref);
  now = g_date_time_new_now_local ();
  later = g_date_time_add_days (now, pm_store_default_case_days () + 1);
  pm_clock_set_override (later);
  purged = pm_store_purge_cases (f->van.store, pm_store_default_case_days (), FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (purged->len, ==, 1);
  gone = pm_store_get (f->van.store, PM_TYPE_CASE, CASE, &error);
  g_assert_null (gone);
  g_assert_error (error, PM_ERROR, PM_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* The server still has it, for the office. */
  sync_device (&f->office);
  status = status_of (&f->office);
  g_assert_cmpstr (status, ==, "closed");
  g_free (status);
}

/* Sets one text field of a record on a device, as a person's edit. */
static void
edit (Device     *device,
      GType       type,
      const char *id,
      const char *field,
      const char *value)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PmRecord) record = pm_store_get (device->store, type, id, &error);

  g_assert_no_error (error);
  pm_record_set_string (record, field, value);
  g_assert_true (pm_store_save (device->store, record, &error));
  g_assert_no_error (error);
}

/* The device's only sync issue */
static JsonObject *
only_issue (Device *device)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) issues = pm_store_list_sync_issues (device->store, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (issues), ==, 1);
  return json_object_ref (json_array_get_object_element (issues, 0));
}

static guint
n_issues (Device *device)
{
  g_autoptr(JsonArray) issues = pm_store_list_sync_issues (device->store, NULL);

  return json_array_get_length (issues);
}

/* Two edits of the same case field: the first stays, and the registration
 * office (every device of it, not only the one that pushed) sees the
 * second as a conflict until a person acknowledges it; dispatch does not. */
static void
test_office_sees_case_conflict (Fixture       *f,
                                gconstpointer  data)
{
  Device second = { 0 };
  g_autoptr(JsonObject) at_van = NULL;
  g_autoptr(JsonObject) at_office = NULL;
  g_autoptr(JsonObject) at_second = NULL;
  g_autoptr(PmRecord) kase = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *entry;
  JsonObject *result;

  capture_case (f);
  second_desk (f, &second, &f->office);

  edit (&f->office, PM_TYPE_CASE, CASE, "waiver_reason", "Härtefall, Bescheid liegt vor");
  sync_device (&f->office);
  edit (&f->van, PM_TYPE_CASE, CASE, "waiver_reason", "Härtefall (Grundsicherung)");
  sync_with_issues (&f->van);

  at_van = only_issue (&f->van);
  g_assert_cmpstr (json_object_get_string_member (at_van, "outcome"), ==, "conflict");
  sync_device (&f->office);
  sync_device (&second);
  sync_device (&f->dispatch);
  g_assert_cmpuint (n_issues (&f->dispatch), ==, 0);
  at_office = only_issue (&f->office);
  at_second = only_issue (&second);
  g_assert_cmpstr (json_object_get_string_member (at_office, "outcome"), ==, "conflict");
  entry = json_object_get_object_member (at_office, "entry");
  result = json_object_get_object_member (at_office, "result");
  g_assert_cmpstr (json_object_get_string_member (entry, "record_id"), ==, CASE);
  g_assert_cmpstr (json_object_get_string_member (result, "reported_by"), ==, "field");
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (result, "conflicts"), 0), ==,
                   "waiver_reason");
  /* What the van wanted is there for the office to read; the first edit stands. */
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (
                     json_object_get_object_member (entry, "changes"), "waiver_reason"), "to"), ==,
                   "Härtefall (Grundsicherung)");
  kase = pm_store_get (f->office.store, PM_TYPE_CASE, CASE, &error);
  g_assert_cmpstr (pm_record_get_string (kase, "waiver_reason"), ==, "Härtefall, Bescheid liegt vor");

  /* Acknowledged on one office device it is gone there, also after the next sync. */
  g_assert_true (pm_store_dismiss_sync_issue (f->office.store,
                                              json_object_get_string_member (entry, "uuid"), &error));
  g_assert_no_error (error);
  sync_device (&f->office);
  g_assert_cmpuint (n_issues (&f->office), ==, 0);
  g_assert_cmpuint (n_issues (&second), ==, 1);
  device_close (&second);
}

/* A van's edit of a case the office has booked is not applied, but kept at
 * the server as an addendum the office receives, and the van's user is told
 * so. */
static void
test_locked_case_edit_is_an_addendum (Fixture       *f,
                                      gconstpointer  data)
{
  const PmCaseStep in_progress = { "in_progress" };
  const PmCaseStep booked = { "booked", NULL, "HAL-2026-778", NULL };
  g_autoptr(JsonObject) at_van = NULL;
  g_autoptr(JsonObject) at_office = NULL;
  g_autoptr(PmRecord) kase = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *changes;

  capture_case (f);
  step (&f->office, &in_progress);
  step (&f->office, &booked);
  sync_device (&f->office);
  edit (&f->van, PM_TYPE_CASE, CASE, "waiver_reason", "Nachtrag: Bescheid vom 12.11. gesehen");
  sync_with_issues (&f->van);

  at_van = only_issue (&f->van);
  g_assert_cmpstr (json_object_get_string_member (at_van, "outcome"), ==, "rejected");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (at_van, "result"), "code"), ==,
                   "case_locked");
  sync_device (&f->office);
  at_office = only_issue (&f->office);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (at_office, "result"), "code"), ==,
                   "case_locked");
  changes = json_object_get_object_member (json_object_get_object_member (at_office, "entry"), "changes");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (changes, "waiver_reason"), "to"), ==,
                   "Nachtrag: Bescheid vom 12.11. gesehen");
  kase = pm_store_get (f->office.store, PM_TYPE_CASE, CASE, &error);
  g_assert_cmpstr (pm_record_get_string (kase, "status"), ==, "booked");
  g_assert_cmpstr (pm_record_get_string (kase, "waiver_reason"), ==, "Härtefall");
}

/* Dispatch moves a visit the van has done: the van's "done" stays, and
 * dispatch's other desks see the flag too. */
static void
test_dispatch_sees_moved_done_visit (Fixture       *f,
                                     gconstpointer  data)
{
  Device second = { 0 };
  g_autoptr(JsonObject) at_second = NULL;
  g_autoptr(PmRecord) visit = NULL;
  g_autoptr(GError) error = NULL;

  capture_case (f);
  second_desk (f, &second, &f->dispatch);
  edit (&f->dispatch, PM_TYPE_VISIT, VISIT, "date", "2026-11-18");
  sync_with_issues (&f->dispatch);
  g_assert_cmpuint (n_issues (&f->dispatch), ==, 1);
  sync_device (&second);
  sync_device (&f->office);
  g_assert_cmpuint (n_issues (&f->office), ==, 0);
  at_second = only_issue (&second);
  g_assert_cmpstr (json_object_get_string_member (at_second, "outcome"), ==, "conflict");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (at_second, "entry"), "record_id"), ==,
                   VISIT);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (at_second, "result"), "reported_by"),
                   ==, "dispatch");
  visit = pm_store_get (second.store, PM_TYPE_VISIT, VISIT, &error);
  g_assert_cmpstr (pm_record_get_string (visit, "date"), ==, "2026-11-16");
  g_assert_cmpstr (pm_record_get_string (visit, "status"), ==, "done");
  device_close (&second);
}

/* @count visits at dispatch, saved at once: queued for the push. */
static void
queue_visits (Device *device,
              guint   count)
{
  g_autoptr(GPtrArray) visits = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < count; i++)
    {
      g_autofree char *id = pm_clock_ordered_uuid ();
      g_autofree char *json =
        g_strdup_printf ("{\"id\":\"%s\",\"citizen_ids\":[\"" CITIZEN "\"],\"location_type\":\"home\","
                         "\"street\":\"Reilstraße\",\"house_number\":\"40\",\"postcode\":\"06114\","
                         "\"stadtteil\":\"paulusviertel\",\"lat\":51.495,\"lon\":11.964,\"services\":[\"PA\"],"
                         "\"status\":\"scheduled\",\"date\":\"2026-12-%02u\"}", id, 1 + i % 28);

      g_ptr_array_add (visits, pm_test_record_from_json (PM_TYPE_VISIT, json));
    }
  g_assert_true (pm_store_save_all (device->store, visits, &error));
  g_assert_no_error (error);
}

static guint
n_visits (Device *device)
{
  g_autoptr(GPtrArray) visits = pm_store_list (device->store, PM_TYPE_VISIT, NULL);

  return visits->len;
}

/* The push goes in batches of 500, the next one read while the last is
 * out: a full batch, a full one with nothing after it, and a short one
 * each end with everything sent once and nothing left. */
static void
test_push_in_batches (Fixture       *f,
                      gconstpointer  data)
{
  static const guint counts[] = { 1001, 500, 499 };
  Device second = { 0 };
  guint total = 0;

  capture_case (f);
  second_desk (f, &second, &f->dispatch);
  total = n_visits (&second);
  for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
    {
      PmSyncStats stats;

      queue_visits (&f->dispatch, counts[i]);
      g_assert_cmpint (pm_store_outbox_count (f->dispatch.store, NULL), ==, counts[i]);
      stats = sync_with_issues (&f->dispatch);
      g_assert_cmpuint (stats.pushed, ==, counts[i]);
      g_assert_cmpuint (stats.applied, ==, counts[i]);
      g_assert_cmpuint (stats.duplicate + stats.conflicts + stats.rejected, ==, 0);
      total += counts[i];
      sync_device (&second);
      g_assert_cmpuint (n_visits (&second), ==, total);
    }
  device_close (&second);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/case-loop/van-office-dispatch-van", Fixture, NULL, fixture_set_up, test_whole_loop, fixture_tear_down);
  g_test_add ("/case-loop/office-sees-case-conflict", Fixture, NULL, fixture_set_up,
              test_office_sees_case_conflict, fixture_tear_down);
  g_test_add ("/case-loop/locked-case-edit-is-an-addendum", Fixture, NULL, fixture_set_up,
              test_locked_case_edit_is_an_addendum, fixture_tear_down);
  g_test_add ("/case-loop/dispatch-sees-moved-done-visit", Fixture, NULL, fixture_set_up,
              test_dispatch_sees_moved_done_visit, fixture_tear_down);
  g_test_add ("/case-loop/push-in-batches", Fixture, NULL, fixture_set_up, test_push_in_batches, fixture_tear_down);
  return g_test_run ();
}
