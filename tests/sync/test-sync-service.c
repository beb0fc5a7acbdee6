/* test-sync-service.c: the app's sync service against the real pepamo-server
 *
 * What the header bar shows: unsent entries go to zero and a last sync time
 * appears once the server took them; with the server gone the service says
 * so and keeps the entries.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <glib/gstdio.h>

#include "pm-clock.h"
#include "pm-report-source.h"
#include "pm-store-sync.h"
#include "pm-sync-service.h"
#include "pm-test-utils.h"

typedef struct
{
  char          *dir;
  char          *data_dir;
  GSubprocess   *server;
  char          *base;
  PmStore       *store;
  PmSyncService *service;
} Fixture;

/* `pepamo-server --data-dir DIR admin ...`: its stdout, which must be
 * a success. */
static char *
run_admin (const char *data_dir,
           ...)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out = NULL;
  g_autoptr(GSubprocess) admin = NULL;
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (gpointer) g_getenv ("PEPAMO_SERVER"));
  g_ptr_array_add (argv, "--data-dir");
  g_ptr_array_add (argv, (gpointer) data_dir);
  g_ptr_array_add (argv, "admin");
  va_start (args, data_dir);
  while ((arg = va_arg (args, const char *)))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  admin = g_subprocess_newv ((const char * const *) argv->pdata,
                             G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (admin, NULL, NULL, &out, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (admin));
  return g_steal_pointer (&out);
}

static void
start_server (Fixture    *f,
              const char *data_dir)
{
  f->server = pm_test_server_start (data_dir, &f->base);
}

static void
stop_server (Fixture *f)
{
  g_clear_pointer (&f->server, pm_test_server_stop);
}

static void
save_citizen_edit (Fixture    *f,
                   const char *birth_place)
{
  g_autoptr(PmRecord) citizen = pm_test_record_from_json (PM_TYPE_CITIZEN,
    "{\"id\": \"5e7f0000-0000-4000-8000-000000000001\", \"family_name\": \"Krüger\","
    " \"given_names\": \"Erika\", \"birth_date\": \"1938-04-02\", \"street\": \"Am Kirchtor\", \"house_number\": \"3\","
    " \"postcode\": \"06108\", \"city\": \"Halle (Saale)\", \"stadtteil\": \"altstadt\", \"lat\": 51.483, \"lon\": 11.97}");
  g_autoptr(PmRecord) stored = pm_store_get (f->store, PM_TYPE_CITIZEN, pm_record_get_id (citizen), NULL);
  g_autoptr(GError) error = NULL;
  PmRecord *record = stored ? stored : citizen;

  pm_record_set_string (record, "birth_place", birth_place);
  pm_store_save (f->store, record, &error);
  g_assert_no_error (error);
}

static gboolean
timeout_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop until @state is reached with @pending unsent, or fails
 * after 20 seconds. */
static void
wait_for (Fixture    *f,
          const char *state,
          guint       pending)
{
  gboolean timed_out = FALSE;
  guint timeout_id = g_timeout_add_seconds (20, timeout_cb, &timed_out);

  while (!timed_out)
    {
      g_autofree char *now = pm_sync_status_dup_state (PM_SYNC_STATUS (f->service));

      if (g_strcmp0 (now, state) == 0 && pm_sync_status_get_pending (PM_SYNC_STATUS (f->service)) == pending)
        break;
      g_main_context_iteration (NULL, TRUE);
    }
  if (timed_out)
    {
      g_autofree char *now = pm_sync_status_dup_state (PM_SYNC_STATUS (f->service));

      g_error ("waited for %s with %u unsent; still %s with %u", state, pending, now,
               pm_sync_status_get_pending (PM_SYNC_STATUS (f->service)));
    }
  g_source_remove (timeout_id);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *token = NULL;
  g_autoptr(GError) error = NULL;

  f->dir = pm_test_make_dir ();
  f->data_dir = g_build_filename (f->dir, "server", NULL);
  token = pm_test_server_token (f->data_dir, "field");
  start_server (f, f->data_dir);
  f->store = pm_test_open_store (f->dir);
  pm_store_set_actor (f->store, PM_TEST_STAFF_ID, PM_ROLE_FIELD, "soziales");
  g_assert_true (pm_store_enrol (f->store, f->base, token, "field", &error));
  g_assert_no_error (error);
  f->service = pm_sync_service_new ();
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->service);
  /* A finished sync's task may drop the last reference to the store on its
   * worker thread, a moment later: closing it here makes its files (WAL,
   * shm) go now, not while the directory is removed. */
  pm_store_close (f->store);
  g_clear_object (&f->store);
  if (f->server)
    stop_server (f);
  pm_test_remove_dir (f->dir);
  g_free (f->dir);
  g_free (f->data_dir);
  g_free (f->base);
}

static void
test_not_enrolled (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *state = pm_sync_status_dup_state (PM_SYNC_STATUS (f->service));

  g_assert_cmpstr (state, ==, PM_SYNC_STATE_NOT_ENROLLED);
  g_assert_cmpuint (pm_sync_status_get_pending (PM_SYNC_STATUS (f->service)), ==, 0);
}

/* Unlocking an enrolled store sends what was written offline at once. */
static void
test_sends_on_unlock (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *last_sync = NULL;

  save_citizen_edit (f, "Merseburg");
  g_assert_cmpint (pm_store_outbox_count (f->store, NULL), ==, 1);
  pm_sync_service_set_store (f->service, f->store);
  wait_for (f, PM_SYNC_STATE_ONLINE, 0);
  last_sync = pm_sync_status_dup_last_sync (PM_SYNC_STATUS (f->service));
  g_assert_nonnull (last_sync);
  g_assert_cmpuint (strlen (last_sync), ==, 5);
  g_assert_cmpint (pm_store_outbox_count (f->store, NULL), ==, 0);
}

/* The server is gone: the service says the sync failed and keeps the entry. */
static void
test_server_gone (Fixture       *f,
                  gconstpointer  data)
{
  pm_sync_service_set_store (f->service, f->store);
  wait_for (f, PM_SYNC_STATE_ONLINE, 0);
  stop_server (f);
  save_citizen_edit (f, "Weißenfels");
  pm_sync_status_sync_now (PM_SYNC_STATUS (f->service));
  wait_for (f, PM_SYNC_STATE_ERROR, 1);
  g_assert_cmpint (pm_store_outbox_count (f->store, NULL), ==, 1);
}

static void
count_cb (PmSyncService *service,
          guint         *count)
{
  (*count)++;
}

/* Revoked at the server: the service tells the application, which deletes
 * the store. */
static void
test_revoked (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *devices = run_admin (f->data_dir, "devices", NULL);
  g_auto(GStrv) fields = g_strsplit (devices, "\t", 2);
  g_autofree char *revoked = run_admin (f->data_dir, "revoke", fields[0], NULL);
  gboolean timed_out = FALSE;
  guint timeout_id = g_timeout_add_seconds (20, timeout_cb, &timed_out);
  guint count = 0;

  g_signal_connect (f->service, "device-revoked", G_CALLBACK (count_cb), &count);
  pm_sync_service_set_store (f->service, f->store);
  while (count == 0 && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (timeout_id);
  g_assert_cmpuint (count, ==, 1);
}

/* A token the server does not know (another server, a typo) is an error,
 * never a reason to delete anything. */
static void
test_unknown_token (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *other_dir = g_build_filename (f->dir, "other", NULL);
  g_autoptr(PmStore) other = NULL;
  g_autoptr(GError) error = NULL;
  guint count = 0;

  g_assert_cmpint (g_mkdir (other_dir, 0700), ==, 0);
  other = pm_test_open_store (other_dir);
  g_assert_true (pm_store_enrol (other, f->base, "no-such-token", "field", &error));
  g_signal_connect (f->service, "device-revoked", G_CALLBACK (count_cb), &count);
  pm_sync_service_set_store (f->service, other);
  wait_for (f, PM_SYNC_STATE_ERROR, 0);
  g_assert_cmpuint (count, ==, 0);
  pm_sync_service_set_store (f->service, NULL);
}

static void
fetched_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* The MUVIS figures of @service's device, or NULL with @error. */
static PmMuvisReport *
fetch_report (PmSyncService  *service,
              GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *today = pm_clock_today ();
  g_autofree char *month = g_strndup (today, 7);
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  pm_report_source_fetch_muvis_async (PM_REPORT_SOURCE (service), month, NULL, fetched_cb, &result);
  while (result == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (result);
  return pm_report_source_fetch_muvis_finish (PM_REPORT_SOURCE (service), result, error);
}

/* The figures reach a planning device through the sync layer; the van's
 * device is refused with the server's reason. Each store is synced first,
 * so that no sync is still running with it when the test ends. */
static void
test_muvis_report (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *data_dir = g_build_filename (f->dir, "server", NULL);
  g_autofree char *planning_dir = g_build_filename (f->dir, "planning", NULL);
  g_autofree char *token = pm_test_server_token (data_dir, "planning");
  g_autoptr(PmStore) planning = NULL;
  g_autoptr(PmMuvisReport) refused = NULL;
  g_autoptr(PmMuvisReport) report = NULL;
  g_autoptr(GError) error = NULL;

  /* Not enrolled yet: said plainly. */
  refused = fetch_report (f->service, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED);
  g_clear_error (&error);

  pm_sync_service_set_store (f->service, f->store);
  wait_for (f, PM_SYNC_STATE_ONLINE, 0);
  refused = fetch_report (f->service, &error);
  g_assert_null (refused);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "soziales or planning"));
  g_clear_error (&error);

  g_assert_cmpint (g_mkdir_with_parents (planning_dir, 0700), ==, 0);
  planning = pm_test_open_store (planning_dir);
  g_assert_true (pm_store_enrol (planning, f->base, token, "planning", &error));
  g_assert_no_error (error);
  pm_sync_service_set_store (f->service, planning);
  wait_for (f, PM_SYNC_STATE_ONLINE, 0);
  report = fetch_report (f->service, &error);
  g_assert_no_error (error);
  /* One row per Stadtteil of Halle, then the total. */
  g_assert_cmpuint (pm_muvis_report_get_n_rows (report), ==, 43);
  g_assert_cmpint (pm_muvis_report_get_count (report, 42, 0), ==, 0);
  pm_sync_service_set_store (f->service, NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/sync-service/not-enrolled", test_not_enrolled);
  ADD ("/sync-service/sends-on-unlock", test_sends_on_unlock);
  ADD ("/sync-service/server-gone", test_server_gone);
  ADD ("/sync-service/revoked", test_revoked);
  ADD ("/sync-service/unknown-token", test_unknown_token);
  ADD ("/sync-service/muvis-report", test_muvis_report);
#undef ADD
  return g_test_run ();
}
