/* test-publish.c: the dispatch office's plan reaches the van through the real server
 *
 * Two stores on 127.0.0.1 with a real pepamo-server: dispatch takes three
 * requests, plans them on its board and publishes (saves the board's
 * changes, as the desk's "Publish" does); the van syncs and has the
 * schedule the board showed.  A change after that reaches the van marked
 * "rescheduled"; the visits it did not touch are not marked.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <glib/gstdio.h>

#include "pm-clock.h"
#include "pm-demo.h"
#include "pm-plan-board.h"
#include "pm-store-sync.h"
#include "pm-sync-client.h"
#include "pm-test-utils.h"

#define DISPATCHER "d0000000-0000-4000-8000-000000000003"
#define DRIVER     "d0000000-0000-4000-8000-000000000001"
#define MONDAY     "2026-11-23"

typedef struct
{
  char        *dir;
  GSubprocess *server;
  char        *base;
  PmStore     *dispatch;
  PmStore     *van;
  char        *dispatch_token;
  char        *van_token;
} Fixture;

static PmStore *
device (Fixture     *f,
        const char  *name,
        const char  *role,
        const char  *staff,
        PmRole       actor_role,
        const char  *department,
        char       **token_out)
{
  g_autofree char *dir = g_build_filename (f->dir, name, NULL);
  g_autofree char *server_dir = g_build_filename (f->dir, "server", NULL);
  char *token = pm_test_server_token (server_dir, role);
  g_autoptr(GError) error = NULL;
  PmStore *store;

  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
  store = pm_test_open_store (dir);
  pm_store_set_actor (store, staff, actor_role, department);
  g_assert_true (pm_store_enrol (store, f->base, token, role, &error));
  g_assert_no_error (error);
  *token_out = token;
  return store;
}

static void
sync_store (Fixture *f,
            PmStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PmSyncClient) client = NULL;
  PmSyncStats stats = { 0 };

  client = pm_sync_client_new (f->base, store == f->dispatch ? f->dispatch_token : f->van_token, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (pm_sync_client_sync (client, store, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.rejected, ==, 0);
  g_assert_cmpuint (stats.conflicts, ==, 0);
  g_assert_cmpint (pm_store_outbox_count (store, NULL), ==, 0);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *server_dir = NULL;

  f->dir = pm_test_make_dir ();
  server_dir = g_build_filename (f->dir, "server", NULL);
  f->server = pm_test_server_start (server_dir, &f->base);
  f->dispatch = device (f, "dispatch", "dispatch", DISPATCHER, PM_ROLE_DISPATCH, "dispatch", &f->dispatch_token);
  f->van = device (f, "van", "field", DRIVER, PM_ROLE_FIELD, "soziales", &f->van_token);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->dispatch);
  g_clear_object (&f->van);
  g_clear_pointer (&f->server, pm_test_server_stop);
  pm_test_remove_dir (f->dir);
  g_free (f->dir);
  g_free (f->base);
  g_free (f->dispatch_token);
  g_free (f->van_token);
}

static const struct
{
  const char *family;
  const char *street;
  double      lat;
  double      lon;
  const char *window;
} requests[] = {
  { "Krause", "Reilstraße", 51.4950, 11.9640, "2026-11-24T09:00/2026-11-24T12:00" },
  { "Richter", "Hansering", 51.4818, 11.9742, "2026-11-24T10:00/2026-11-24T15:00" },
  { "Lehmann", "Trothaer Straße", 51.5080, 11.9560, "2026-11-25T09:00/2026-11-25T14:00" },
};

/* What dispatch has before planning: a van, three persons, three requests. */
static void
take_requests (Fixture *f)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  PmRecord *van = pm_record_new (PM_TYPE_VAN);

  /* The van the van's laptop was enrolled for. */
  pm_record_set_id (van, PM_DEMO_VAN_ID);
  pm_record_set_string (van, "name", "Pflege- und Pass-Mobil 1");
  g_ptr_array_add (records, van);
  for (guint i = 0; i < G_N_ELEMENTS (requests); i++)
    {
      g_autofree char *json = g_strdup_printf (
        "{\"family_name\": \"%s\", \"given_names\": \"Erika\", \"birth_date\": \"1940-01-0%u\","
        " \"street\": \"%s\", \"house_number\": \"3\", \"postcode\": \"06108\", \"city\": \"Halle (Saale)\","
        " \"stadtteil\": \"altstadt\", \"lat\": %f, \"lon\": %f}",
        requests[i].family, i + 1, requests[i].street, requests[i].lat, requests[i].lon);
      PmRecord *citizen = pm_test_record_from_json (PM_TYPE_CITIZEN, json);
      PmRecord *visit = pm_record_new (PM_TYPE_VISIT);
      const char *ids[] = { pm_record_get_id (citizen), NULL };
      const char *windows[] = { requests[i].window, NULL };
      const char *services[] = { "PB", NULL };

      g_object_set (visit, "location-type", "home", "street", requests[i].street, "house-number", "3",
                    "postcode", "06108", "stadtteil", "altstadt", "lat", requests[i].lat, "lon", requests[i].lon,
                    "duration-min", (gint64) 45, NULL);
      pm_record_set_strv (visit, "citizen_ids", ids);
      pm_record_set_strv (visit, "windows", windows);
      pm_record_set_strv (visit, "services", services);
      g_ptr_array_add (records, citizen);
      g_ptr_array_add (records, visit);
    }
  g_assert_true (pm_store_save_all (f->dispatch, records, &error));
  g_assert_no_error (error);
}

static PmPlanBoard *
board_of (PmStore *store)
{
  g_autoptr(GPtrArray) visits = pm_store_list (store, PM_TYPE_VISIT, NULL);
  g_autoptr(GPtrArray) vans = pm_store_list (store, PM_TYPE_VAN, NULL);
  g_autoptr(GError) error = NULL;
  PmPlanBoard *board = pm_plan_board_new (visits, vans, MONDAY, 5, &error);

  g_assert_no_error (error);
  return board;
}

/* As the desk's "Publish": the board's changes saved, then sent. */
static GPtrArray *
publish (Fixture     *f,
         PmPlanBoard *board)
{
  GPtrArray *changes = pm_plan_board_get_changes (board);
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (changes->len, >, 0);
  g_assert_true (pm_store_save_all (f->dispatch, changes, &error));
  g_assert_no_error (error);
  sync_store (f, f->dispatch);
  return changes;
}

/* The van's copy of each published visit has the board's schedule. */
static void
assert_van_has (Fixture   *f,
                GPtrArray *published)
{
  static const char * const fields[] = { "date", "planned_start", "van_id", "status", NULL };

  sync_store (f, f->van);
  for (guint i = 0; i < published->len; i++)
    {
      PmRecord *shown = published->pdata[i];
      g_autoptr(GError) error = NULL;
      g_autoptr(PmRecord) visit = pm_store_get (f->van, PM_TYPE_VISIT, pm_record_get_id (shown), &error);

      g_assert_no_error (error);
      for (guint k = 0; fields[k]; k++)
        g_assert_cmpstr (pm_record_get_string (visit, fields[k]), ==, pm_record_get_string (shown, fields[k]));
      g_assert_cmpint (pm_record_get_int (visit, "route_order"), ==, pm_record_get_int (shown, "route_order"));
      g_assert_cmpint (pm_record_get_boolean (visit, "rescheduled"), ==, pm_record_get_boolean (shown, "rescheduled"));
    }
}

static void
test_publish_reaches_van (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(PmPlanBoard) board = NULL;
  g_autoptr(PmPlanBoard) again = NULL;
  g_autoptr(GPtrArray) first = NULL;
  g_autoptr(GPtrArray) second = NULL;
  g_autoptr(GPtrArray) van_visits = NULL;
  PmBoardOptimiseOptions options = { .iterations = 500, .seed = 3 };
  g_autoptr(GError) error = NULL;
  const char *moved;
  int van, day, position;

  take_requests (f);
  sync_store (f, f->dispatch);
  sync_store (f, f->van);
  /* Requests are dispatch's until planned on the van, and their people too. */
  van_visits = pm_store_list (f->van, PM_TYPE_VISIT, NULL);
  g_assert_cmpuint (van_visits->len, ==, 0);
  g_assert_cmpint (pm_store_count (f->van, PM_TYPE_CITIZEN, NULL), ==, 0);

  /* Planned on the board and published: the van has the routes. */
  board = board_of (f->dispatch);
  g_assert_cmpuint (pm_plan_board_get_n_unplanned (board), ==, G_N_ELEMENTS (requests));
  g_assert_true (pm_plan_board_optimise (board, NULL, &options, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (pm_plan_board_get_n_unplanned (board), ==, 0);
  first = publish (f, board);
  g_assert_cmpuint (first->len, ==, G_N_ELEMENTS (requests));
  for (guint i = 0; i < first->len; i++)
    {
      g_assert_cmpstr (pm_record_get_string (first->pdata[i], "status"), ==, "scheduled");
      g_assert_false (pm_record_get_boolean (first->pdata[i], "rescheduled"));
    }
  assert_van_has (f, first);
  /* The people came along with their visits, although dispatch wrote them
   * before the van's last pull. */
  g_assert_cmpint (pm_store_count (f->van, PM_TYPE_CITIZEN, NULL), ==, G_N_ELEMENTS (requests));

  /* A change after publishing: Lehmann a day later. The van gets it
   * marked; the others stay as they were, unmarked. */
  again = board_of (f->dispatch);
  moved = pm_record_get_id (g_ptr_array_index (first, 0));
  for (guint i = 0; i < first->len; i++)
    if (g_strcmp0 (pm_record_get_string (first->pdata[i], "street"), "Trothaer Straße") == 0)
      moved = pm_record_get_id (first->pdata[i]);
  g_assert_true (pm_plan_board_find (again, moved, &van, &day, &position));
  g_assert_true (pm_plan_board_move (again, moved, van, 3, -1, &error));
  g_assert_no_error (error);
  second = publish (f, again);
  g_assert_cmpuint (second->len, >=, 1);
  for (guint i = 0; i < second->len; i++)
    g_assert_true (pm_record_get_boolean (second->pdata[i], "rescheduled"));
  assert_van_has (f, second);
  {
    g_autoptr(PmRecord) visit = pm_store_get (f->van, PM_TYPE_VISIT, moved, NULL);

    g_assert_cmpstr (pm_record_get_string (visit, "date"), ==, "2026-11-26");
    g_assert_true (pm_record_get_boolean (visit, "rescheduled"));
  }
}

int
main (int   argc,
      char *argv[])
{
  /* The Friday before the planned week. */
  g_autoptr(GDateTime) now = g_date_time_new_utc (2026, 11, 20, 9, 0, 0);

  g_setenv ("TZ", "Europe/Berlin", TRUE);
  g_test_init (&argc, &argv, NULL);
  pm_clock_set_override (now);
  g_test_add ("/publish/reaches-van", Fixture, NULL, fixture_set_up, test_publish_reaches_van, fixture_tear_down);
  return g_test_run ();
}
