/* test-case-loop.c: a case's whole way, van to office and back, through the
 * real pepamo-server on 127.0.0.1
 *
 * The van captures an ID case; the registration office takes it up, books
 * it, has the document and plans the hand-over by visit; dispatch finds the
 * hand-over request; the van hands the document over; the office closes the
 * case; 15 days later (a clock the test sets) the van's store no longer
 * holds it, while the server does.
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
             const char *role)
{
  g_autofree char *server_dir = g_build_filename (f->dir, "server", NULL);
  g_autofree char *dir = g_build_filename (f->dir, role, NULL);
  g_autofree char *token = pm_test_server_token (server_dir, role);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
  device->store = pm_test_open_store (dir);
  g_assert_true (pm_store_enrol (device->store, f->base, token, role, &error));
  g_assert_no_error (error);
  device->client = pm_sync_client_new (f->base, token, NULL, &error);
  g_assert_no_error (error);
}

static void
sync_device (Device *device)
{
  PmSyncStats stats = { 0 };
  g_autoptr(GError) error = NULL;

  g_assert_true (pm_sync_client_sync (device->client, device->store, &stats, &error));
  g_assert_no_error (error);
  if (stats.conflicts > 0 || stats.rejected > 0)
    {
      g_autoptr(JsonArray) issues = pm_store_list_sync_issues (device->store, NULL);
      g_autoptr(JsonNode) node = json_node_init_array (json_node_alloc (), issues);
      g_autofree char *text = json_to_string (node, FALSE);

      g_error ("the server refused: %s", text);
    }
  g_assert_cmpint (pm_store_outbox_count (device->store, NULL), ==, 0);
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
  device_open (f, &f->van, "field");
  device_open (f, &f->office, "einwohnerwesen");
  device_open (f, &f->dispatch, "dispatch");
  pm_store_set_actor (f->van.store, CLERK, PM_ROLE_FIELD, "einwohnerwesen");
  pm_store_set_actor (f->office.store, OFFICE, PM_ROLE_EINWOHNERWESEN, "einwohnerwesen");
  pm_store_set_actor (f->dispatch.store, PM_TEST_STAFF_ID, PM_ROLE_DISPATCH, "dispatch");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  Device *devices[] = { &f->van, &f->office, &f->dispatch };

  pm_clock_set_override (NULL);
  for (guint i = 0; i < G_N_ELEMENTS (devices); i++)
    {
      g_clear_object (&devices[i]->client);
      g_clear_object (&devices[i]->store);
    }
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

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/case-loop/van-office-dispatch-van", Fixture, NULL, fixture_set_up, test_whole_loop, fixture_tear_down);
  return g_test_run ();
}
