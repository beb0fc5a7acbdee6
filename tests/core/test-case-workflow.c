/* test-case-workflow.c: the registration office takes a case through its steps
 *
 * A real encrypted store plays the office's desk, a second one the server:
 * every step is checked, audited, and what it writes reaches the server as
 * the outbox sends it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <glib/gstdio.h>

#include "pm-clock.h"
#include "pm-error.h"
#include "pm-store-sync.h"
#include "pm-test-utils.h"

#define CITIZEN "11111111-2222-4333-8444-555555555555"
#define ORIGIN  "21111111-2222-4333-8444-555555555555"
#define NEXT    "31111111-2222-4333-8444-555555555555"
#define CASE    "41111111-2222-4333-8444-555555555555"
#define CLERK   "51111111-2222-4333-8444-555555555555"
#define DEVICE  "0a7c6c4e-6b1f-4a55-9d0e-3f6f1c2b9a02"

typedef struct
{
  char    *dir;
  PmStore *office;
  PmStore *server;
} Fixture;

static const char citizen_json[] =
  "{\"id\":\"" CITIZEN "\",\"family_name\":\"Krause\",\"given_names\":\"Gertrud\","
  "\"birth_date\":\"1938-04-02\",\"street\":\"Hansering\",\"house_number\":\"3\",\"postcode\":\"06108\","
  "\"city\":\"Halle (Saale)\",\"stadtteil\":\"altstadt\",\"lat\":51.4818,\"lon\":11.9742,\"care_grade\":\"3\"}";

/* Captured in a care home: a request that follows goes there too. */
static const char origin_json[] =
  "{\"id\":\"" ORIGIN "\",\"citizen_ids\":[\"" CITIZEN "\"],\"location_type\":\"care_home\","
  "\"facility_name\":\"AWO Seniorenzentrum Lindenhof\",\"street\":\"Beesener Straße\",\"house_number\":\"227\","
  "\"postcode\":\"06132\",\"stadtteil\":\"ammendorf-beesen\",\"lat\":51.4345,\"lon\":11.9748,"
  "\"services\":[\"PA\"],\"status\":\"done\",\"date\":\"2026-11-16\"}";

static const char next_json[] =
  "{\"id\":\"" NEXT "\",\"citizen_ids\":[\"" CITIZEN "\"],\"location_type\":\"care_home\","
  "\"street\":\"Beesener Straße\",\"house_number\":\"227\",\"postcode\":\"06132\","
  "\"stadtteil\":\"ammendorf-beesen\",\"lat\":51.4345,\"lon\":11.9748,\"services\":[\"PB\"],"
  "\"status\":\"scheduled\",\"date\":\"2026-11-25\",\"notes\":\"Klingel defekt\"}";

static const char case_json[] =
  "{\"id\":\"" CASE "\",\"visit_id\":\"" ORIGIN "\",\"citizen_id\":\"" CITIZEN "\","
  "\"staff_id\":\"" CLERK "\",\"service\":\"PA\",\"status\":\"captured\","
  "\"documents_presented\":[\"old_id\"],\"photo_source\":\"on_site\",\"fingerprint_status\":\"captured\","
  "\"handover_mode\":\"visit\",\"fee_cents\":5200,\"fee_waived\":false,\"payment_method\":\"card\",\"receipt_no\":\"HALPM101-2026-00007\","
  "\"captured_on\":\"2026-11-16\"}";

static const char signature_json[] =
  "{\"id\":\"61111111-2222-4333-8444-555555555555\",\"record_kind\":\"case\",\"record_id\":\"" CASE "\","
  "\"signer_name\":\"Gertrud Krause\",\"strokes\":[[[0.1,0.5],[0.9,0.5]]],\"signed_at\":\"2026-11-16T10:00:00Z\"}";

static void
fill (PmStore    *store,
      gboolean    with_next_visit)
{
  pm_store_set_actor (store, PM_TEST_STAFF_ID, PM_ROLE_ADMIN, "it");
  pm_test_save_json (store, PM_TYPE_CITIZEN, citizen_json);
  pm_test_save_json (store, PM_TYPE_VISIT, origin_json);
  if (with_next_visit)
    pm_test_save_json (store, PM_TYPE_VISIT, next_json);
  pm_test_save_json (store, PM_TYPE_CASE, case_json);
  pm_test_save_json (store, PM_TYPE_SIGNATURE, signature_json);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *office_dir = NULL;
  g_autofree char *server_dir = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_utc (2026, 11, 20, 9, 0, 0);
  g_autoptr(GError) error = NULL;
  gboolean with_next_visit = GPOINTER_TO_INT (data);

  pm_clock_set_override (now);
  f->dir = pm_test_make_dir ();
  office_dir = g_build_filename (f->dir, "office", NULL);
  server_dir = g_build_filename (f->dir, "server", NULL);
  g_assert_cmpint (g_mkdir (office_dir, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (server_dir, 0700), ==, 0);
  f->office = pm_test_open_store (office_dir);
  f->server = pm_test_open_store (server_dir);
  fill (f->office, with_next_visit);
  fill (f->server, with_next_visit);
  /* From here on the office's writes are queued for the server. */
  g_assert_true (pm_store_enrol (f->office, "https://127.0.0.1:1", "token", "einwohnerwesen", &error));
  g_assert_no_error (error);
  pm_store_set_actor (f->office, CLERK, PM_ROLE_EINWOHNERWESEN, "einwohnerwesen");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->office);
  g_clear_object (&f->server);
  pm_test_remove_dir (f->dir);
  g_free (f->dir);
  pm_clock_set_override (NULL);
}

static PmRecord *
get (PmStore    *store,
     GType       type,
     const char *id)
{
  g_autoptr(GError) error = NULL;
  PmRecord *record = pm_store_get (store, type, id, &error);

  g_assert_no_error (error);
  return record;
}

static GPtrArray *
step (Fixture          *f,
      const PmCaseStep *s)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *written = pm_store_advance_case (f->office, CASE, 0, s, &error);

  g_assert_no_error (error);
  g_assert_nonnull (written);
  g_assert_cmpstr (pm_record_get_string (g_ptr_array_index (written, 0), "status"), ==, s->status);
  return written;
}

static void
step_to (Fixture    *f,
         const char *status)
{
  const PmCaseStep s = { status, NULL, NULL, NULL };
  g_autoptr(GPtrArray) written = step (f, &s);

  g_assert_cmpuint (written->len, ==, 1);
}

/* Booked with @number, from in_progress. */
static void
book (Fixture    *f,
      const char *number)
{
  const PmCaseStep booked = { "booked", NULL, number, NULL };
  g_autoptr(GPtrArray) written = step (f, &booked);

  g_assert_cmpstr (pm_record_get_string (g_ptr_array_index (written, 0), "registration_number"), ==, number);
}

/* The audit log as IT sees it: the entries about @record_id by @actor. */
static guint
count_audit (PmStore    *store,
             const char *record_id,
             const char *action,
             const char *actor)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autofree char *actor_before = g_strdup (pm_store_get_actor_id (store));
  PmRole role_before = pm_store_get_actor_role (store);
  g_autofree char *department_before = pm_store_dup_actor_department (store);
  guint n = 0;

  pm_store_set_actor (store, PM_TEST_STAFF_ID, PM_ROLE_ADMIN, "it");
  entries = pm_store_list (store, PM_TYPE_AUDIT_ENTRY, NULL);
  pm_store_set_actor (store, actor_before, role_before, department_before);
  for (guint i = 0; i < entries->len; i++)
    {
      PmRecord *entry = g_ptr_array_index (entries, i);

      if (g_strcmp0 (pm_record_get_string (entry, "record_id"), record_id) == 0 &&
          g_strcmp0 (pm_record_get_string (entry, "action"), action) == 0 &&
          g_strcmp0 (pm_record_get_string (entry, "actor_id"), actor) == 0)
        n++;
    }
  return n;
}

static guint
count_requests (PmStore *store)
{
  g_autoptr(GPtrArray) visits = pm_store_list (store, PM_TYPE_VISIT, NULL);
  guint n = 0;

  for (guint i = 0; i < visits->len; i++)
    if (g_strcmp0 (pm_record_get_string (g_ptr_array_index (visits, i), "status"), "requested") == 0)
      n++;
  return n;
}

/* Sends the office's outbox to the server as an Einwohnerwesen device. */
static void
push_to_server (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) entries = pm_store_outbox_peek (f->office, 500, &error);
  g_autoptr(JsonArray) results = NULL;

  g_assert_no_error (error);
  pm_store_set_actor (f->server, PM_TEST_STAFF_ID, PM_ROLE_ADMIN, "it");
  results = pm_store_apply_push (f->server, DEVICE, PM_ROLE_EINWOHNERWESEN, entries, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < json_array_get_length (results); i++)
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (results, i), "outcome"),
                     ==, "applied");
  g_assert_true (pm_store_outbox_settle (f->office, results, &error));
  g_assert_no_error (error);
}

/* The whole way, each step audited and queued as set_case_status. */
static void
test_whole_way (Fixture       *f,
                gconstpointer  data)
{
  const PmCaseStep query = { "query", "Die Geburtsurkunde fehlt noch.", NULL, NULL };
  const PmCaseStep booked = { "booked", NULL, "HAL-2026-104711", NULL };
  const PmCaseStep handover = { "handover_planned", NULL, NULL, "visit" };
  g_autoptr(GPtrArray) asked = NULL;
  g_autoptr(GPtrArray) planned = NULL;
  g_autoptr(PmRecord) kase = NULL;
  g_autoptr(PmRecord) next = NULL;
  g_autoptr(PmRecord) on_server = NULL;
  g_autoptr(JsonNode) history = NULL;
  g_autoptr(JsonArray) outbox = NULL;
  g_autoptr(GError) error = NULL;
  PmRecord *request;
  guint intents = 0;

  /* A captured case is first marked as received by the office. */
  step_to (f, "in_progress");
  kase = get (f->office, PM_TYPE_CASE, CASE);
  g_assert_cmpint (pm_record_get_version (kase), ==, 3);
  g_clear_object (&kase);

  /* A query lands on the person's next visit, in plain words. */
  asked = step (f, &query);
  g_assert_cmpuint (asked->len, ==, 2);
  g_assert_cmpstr (pm_record_get_id (g_ptr_array_index (asked, 1)), ==, NEXT);
  next = get (f->office, PM_TYPE_VISIT, NEXT);
  g_assert_nonnull (strstr (pm_record_get_string (next, "notes"), "Klingel defekt\n"));
  g_assert_nonnull (strstr (pm_record_get_string (next, "notes"), "Personalausweis): Die Geburtsurkunde fehlt noch."));
  g_assert_cmpstr (pm_record_get_string (next, "status"), ==, "scheduled");
  g_assert_cmpuint (count_requests (f->office), ==, 0);
  kase = get (f->office, PM_TYPE_CASE, CASE);
  g_assert_cmpstr (pm_record_get_string (kase, "status_reason"), ==, "Die Geburtsurkunde fehlt noch.");
  g_clear_object (&kase);

  step_to (f, "in_progress");
  g_clear_pointer (&asked, g_ptr_array_unref);
  asked = step (f, &booked);
  step_to (f, "document_ready");

  /* The hand-over by visit becomes a request for dispatch where the case was captured. */
  planned = step (f, &handover);
  g_assert_cmpuint (planned->len, ==, 2);
  request = g_ptr_array_index (planned, 1);
  g_assert_cmpstr (pm_record_get_string (request, "status"), ==, "requested");
  g_assert_cmpstr (pm_record_get_strv (request, "services")[0], ==, "AUSH");
  g_assert_cmpstr (pm_record_get_strv (request, "citizen_ids")[0], ==, CITIZEN);
  g_assert_cmpstr (pm_record_get_string (request, "location_type"), ==, "care_home");
  g_assert_cmpstr (pm_record_get_string (request, "facility_name"), ==, "AWO Seniorenzentrum Lindenhof");
  g_assert_cmpstr (pm_record_get_string (request, "source"), ==, "internal");
  g_assert_nonnull (strstr (pm_record_get_string (request, "notes"), "HAL-2026-104711"));
  g_assert_cmpuint (count_requests (f->office), ==, 1);

  step_to (f, "handed_over");
  step_to (f, "closed");

  kase = get (f->office, PM_TYPE_CASE, CASE);
  g_assert_cmpstr (pm_record_get_string (kase, "status"), ==, "closed");
  g_assert_cmpstr (pm_record_get_string (kase, "registration_number"), ==, "HAL-2026-104711");
  g_assert_null (pm_record_get_string (kase, "status_reason"));
  history = json_from_string (pm_record_get_string (kase, "status_history"), &error);
  g_assert_no_error (error);
  /* submitted, in_progress, query, in_progress, booked, document_ready,
   * handover_planned, handed_over, closed */
  g_assert_cmpuint (json_array_get_length (json_node_get_array (history)), ==, 9);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json_node_get_array (history), 2), "note"),
                   ==, "Die Geburtsurkunde fehlt noch.");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json_node_get_array (history), 2), "by"),
                   ==, CLERK);

  /* Every step is in the audit log under the clerk's name. */
  g_assert_cmpuint (count_audit (f->office, CASE, "update", CLERK), ==, 9);
  g_assert_cmpuint (count_audit (f->office, NEXT, "update", CLERK), ==, 1);
  g_assert_cmpuint (count_audit (f->office, pm_record_get_id (request), "create", CLERK), ==, 1);

  /* Each step is queued as set_case_status, and the server takes them all. */
  outbox = pm_store_outbox_peek (f->office, 500, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < json_array_get_length (outbox); i++)
    if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (outbox, i), "intent"),
                   "set_case_status") == 0)
      intents++;
  g_assert_cmpuint (intents, ==, 9);
  push_to_server (f);
  on_server = get (f->server, PM_TYPE_CASE, CASE);
  g_assert_cmpstr (pm_record_get_string (on_server, "status"), ==, "closed");
  g_clear_object (&next);
  next = get (f->server, PM_TYPE_VISIT, pm_record_get_id (request));
  g_assert_cmpstr (pm_record_get_string (next, "status"), ==, "requested");
}

/* With no visit ahead, a query becomes a visit request for dispatch. */
static void
test_query_without_visit (Fixture       *f,
                          gconstpointer  data)
{
  const PmCaseStep query = { "query", "Wohnungsgeberbestätigung fehlt", NULL, NULL };
  g_autoptr(GPtrArray) written = NULL;
  PmRecord *request;

  step_to (f, "in_progress");
  written = step (f, &query);
  g_assert_cmpuint (written->len, ==, 2);
  request = g_ptr_array_index (written, 1);
  g_assert_cmpstr (pm_record_get_string (request, "status"), ==, "requested");
  g_assert_cmpstr (pm_record_get_strv (request, "services")[0], ==, "PA");
  g_assert_cmpstr (pm_record_get_string (request, "street"), ==, "Beesener Straße");
  g_assert_nonnull (strstr (pm_record_get_string (request, "notes"), "Wohnungsgeberbestätigung fehlt"));
  g_assert_cmpuint (count_requests (f->office), ==, 1);
  push_to_server (f);
  g_assert_cmpuint (count_requests (f->server), ==, 1);
}

/* Hand-over by proxy or by post: noted on the case, no visit. */
static void
test_handover_without_visit (Fixture       *f,
                             gconstpointer  data)
{
  const PmCaseStep by_post = { "handover_planned", NULL, NULL, "direct_mail" };
  g_autoptr(GPtrArray) written = NULL;

  step_to (f, "in_progress");
  book (f, "HAL-2026-1");
  step_to (f, "document_ready");
  written = step (f, &by_post);
  g_assert_cmpuint (written->len, ==, 1);
  g_assert_cmpstr (pm_record_get_string (g_ptr_array_index (written, 0), "handover_mode"), ==, "direct_mail");
  g_assert_cmpuint (count_requests (f->office), ==, 0);
  /* The office may mark a document sent by post as handed over itself. */
  step_to (f, "handed_over");
}

static void
test_rejected (Fixture       *f,
               gconstpointer  data)
{
  const PmCaseStep reject = { "rejected", "Person ist verstorben", NULL, NULL };
  g_autoptr(GPtrArray) written = NULL;

  step_to (f, "in_progress");
  written = step (f, &reject);
  g_assert_cmpstr (pm_record_get_string (g_ptr_array_index (written, 0), "status_reason"), ==, "Person ist verstorben");
}

/* A refused step leaves the case and the visits as they were. */
static void
assert_refused (Fixture          *f,
                const PmCaseStep *s,
                GQuark            domain,
                int               code,
                const char       *words)
{
  g_autoptr(PmRecord) before = get (f->office, PM_TYPE_CASE, CASE);
  g_autoptr(PmRecord) after = NULL;
  g_autoptr(GError) error = NULL;
  guint requests = count_requests (f->office);
  g_autoptr(GPtrArray) written = pm_store_advance_case (f->office, CASE, 0, s, &error);

  g_assert_null (written);
  g_assert_error (error, domain, code);
  if (words)
    g_assert_nonnull (strstr (error->message, words));
  after = get (f->office, PM_TYPE_CASE, CASE);
  g_assert_cmpint (pm_record_get_version (after), ==, pm_record_get_version (before));
  g_assert_cmpstr (pm_record_get_string (after, "status"), ==, pm_record_get_string (before, "status"));
  g_assert_cmpuint (count_requests (f->office), ==, requests);
}

static void
test_illegal_steps (Fixture       *f,
                    gconstpointer  data)
{
  static const char * const skips[] = { "booked", "document_ready", "handover_planned", "handed_over", "closed" };
  static const char * const from_query[] = { "booked", "document_ready", "closed", "captured" };
  const PmCaseStep query = { "query", "Vollmacht fehlt", NULL, NULL };
  g_autoptr(GPtrArray) written = NULL;

  /* A new case can only be taken up, queried or rejected. */
  for (guint i = 0; i < G_N_ELEMENTS (skips); i++)
    {
      const PmCaseStep s = { skips[i], "x", "HAL-1", "visit" };

      assert_refused (f, &s, PM_ERROR, PM_ERROR_TRANSITION, "cannot change");
    }
  step_to (f, "in_progress");
  written = step (f, &query);
  /* From a query, only back to work or a rejection. */
  for (guint i = 0; i < G_N_ELEMENTS (from_query); i++)
    {
      const PmCaseStep s = { from_query[i], "x", "HAL-1", "visit" };

      assert_refused (f, &s, PM_ERROR, PM_ERROR_TRANSITION, "“Query”");
    }
}

static void
test_illegal_after_close (Fixture       *f,
                          gconstpointer  data)
{
  const PmCaseStep back = { "in_progress" };
  const PmCaseStep reject = { "rejected", "zu spät", NULL, NULL };
  const PmCaseStep again = { "document_ready" };
  const PmCaseStep unknown = { "lost" };

  step_to (f, "in_progress");
  book (f, "HAL-2026-2");
  /* Once booked, no way back and no rejection. */
  assert_refused (f, &back, PM_ERROR, PM_ERROR_TRANSITION, "“Booked” to “In progress”");
  assert_refused (f, &reject, PM_ERROR, PM_ERROR_TRANSITION, NULL);
  step_to (f, "document_ready");
  assert_refused (f, &again, PM_ERROR, PM_ERROR_TRANSITION, "already");
  assert_refused (f, &unknown, PM_ERROR, PM_ERROR_TRANSITION, "Unknown status");
}

/* Each step's own fields are required, and their lack is named. */
static void
test_required_fields (Fixture       *f,
                      gconstpointer  data)
{
  const PmCaseStep query = { "query", "  ", NULL, NULL };
  const PmCaseStep reject = { "rejected", NULL, NULL, NULL };
  const PmCaseStep booked = { "booked", NULL, "", NULL };
  const PmCaseStep no_mode = { "handover_planned", NULL, NULL, NULL };
  const PmCaseStep bad_mode = { "handover_planned", NULL, NULL, "pigeon" };

  step_to (f, "in_progress");
  assert_refused (f, &query, PM_ERROR, PM_ERROR_INVALID, "what is still missing");
  assert_refused (f, &reject, PM_ERROR, PM_ERROR_INVALID, "reason");
  assert_refused (f, &booked, PM_ERROR, PM_ERROR_INVALID, "case number");
  book (f, "HAL-3");
  step_to (f, "document_ready");
  assert_refused (f, &no_mode, PM_ERROR, PM_ERROR_INVALID, "Hand-over");
  assert_refused (f, &bad_mode, PM_ERROR, PM_ERROR_INVALID, "Hand-over");
}

/* The van's clerk and other departments cannot take the office's steps. */
static void
test_wrong_role (Fixture       *f,
                 gconstpointer  data)
{
  const PmCaseStep s = { "in_progress" };
  g_autoptr(PmRecord) stale = NULL;
  g_autoptr(GPtrArray) written = NULL;
  g_autoptr(GError) error = NULL;

  pm_store_set_actor (f->office, CLERK, PM_ROLE_FIELD, "einwohnerwesen");
  assert_refused (f, &s, PM_ERROR, PM_ERROR_DENIED, NULL);
  pm_store_set_actor (f->office, CLERK, PM_ROLE_SOZIALES, "soziales");
  assert_refused (f, &s, PM_ERROR, PM_ERROR_DENIED, "registration office");
  pm_store_set_actor (f->office, NULL, PM_ROLE_EINWOHNERWESEN, "einwohnerwesen");
  written = pm_store_advance_case (f->office, CASE, 0, &s, &error);
  g_assert_null (written);
  g_assert_error (error, PM_ERROR, PM_ERROR_DENIED);
  g_clear_error (&error);

  /* A step based on an older version than the stored one is a conflict. */
  pm_store_set_actor (f->office, CLERK, PM_ROLE_EINWOHNERWESEN, "einwohnerwesen");
  stale = get (f->office, PM_TYPE_CASE, CASE);
  g_assert_cmpstr (pm_record_get_string (stale, "status"), ==, "captured");
  step_to (f, "in_progress");
  written = pm_store_advance_case (f->office, CASE, pm_record_get_version (stale),
                                   &(PmCaseStep) { "query", "x" }, &error);
  g_assert_null (written);
  g_assert_error (error, PM_ERROR, PM_ERROR_CONFLICT);
}

static void
set_clock (int days_after)
{
  g_autoptr(GDateTime) start = g_date_time_new_utc (2026, 11, 20, 9, 0, 0);
  g_autoptr(GDateTime) now = g_date_time_add_days (start, days_after);

  pm_clock_set_override (now);
}

static guint
purge (Fixture  *f,
       int       days,
       gboolean  dry_run)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) cases = pm_store_purge_cases (f->office, days, dry_run, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < cases->len; i++)
    g_assert_cmpstr (pm_record_get_id (g_ptr_array_index (cases, i)), ==, CASE);
  return cases->len;
}

/* A closed case leaves the device after its deletion period, once the
 * server has it; the deletion is audited and takes the signature along. */
static void
test_purge_after_period (Fixture       *f,
                         gconstpointer  data)
{
  const PmCaseStep by_proxy = { "handover_planned", NULL, NULL, "proxy" };
  g_autoptr(GPtrArray) planned = NULL;
  g_autoptr(GPtrArray) signatures = NULL;
  g_autoptr(GPtrArray) refused = NULL;
  g_autoptr(PmRecord) gone = NULL;
  g_autoptr(GError) error = NULL;
  int days = pm_store_default_case_days ();

  g_assert_cmpint (days, ==, 14);
  /* Not over yet: nothing goes, whatever the period. */
  g_assert_cmpuint (purge (f, 0, TRUE), ==, 0);
  step_to (f, "in_progress");
  book (f, "HAL-2026-5");
  step_to (f, "document_ready");
  planned = step (f, &by_proxy);
  step_to (f, "handed_over");
  step_to (f, "closed");

  /* Over, but not at the server yet: it stays. */
  set_clock (days + 1);
  g_assert_cmpuint (purge (f, days, TRUE), ==, 0);
  push_to_server (f);

  set_clock (days - 1);
  g_assert_cmpuint (purge (f, days, TRUE), ==, 0);
  set_clock (days + 1);
  g_assert_cmpuint (purge (f, days, TRUE), ==, 1);
  g_clear_object (&gone);
  gone = get (f->office, PM_TYPE_CASE, CASE);
  g_assert_cmpuint (purge (f, days, FALSE), ==, 1);

  g_clear_object (&gone);
  gone = pm_store_get (f->office, PM_TYPE_CASE, CASE, &error);
  g_assert_null (gone);
  g_assert_error (error, PM_ERROR, PM_ERROR_NOT_FOUND);
  g_clear_error (&error);
  signatures = pm_store_list (f->office, PM_TYPE_SIGNATURE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (signatures->len, ==, 0);
  g_assert_cmpuint (count_audit (f->office, CASE, "delete", CLERK), ==, 1);
  /* The visits are the appointment layer's, with their own period. */
  g_assert_cmpint (pm_store_count (f->office, PM_TYPE_VISIT, NULL), ==, 2);
  g_assert_cmpuint (purge (f, days, FALSE), ==, 0);

  /* A period longer than the server may keep, or below 0, is refused. */
  refused = pm_store_purge_cases (f->office, 91, TRUE, &error);
  g_assert_null (refused);
  g_assert_error (error, PM_ERROR, PM_ERROR_INVALID);
  g_clear_error (&error);
  refused = pm_store_purge_cases (f->office, -1, FALSE, &error);
  g_assert_null (refused);
  g_assert_error (error, PM_ERROR, PM_ERROR_INVALID);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/case-workflow/whole-way", Fixture, GINT_TO_POINTER (TRUE), fixture_set_up, test_whole_way, fixture_tear_down);
  g_test_add ("/case-workflow/query-without-visit", Fixture, GINT_TO_POINTER (FALSE), fixture_set_up, test_query_without_visit, fixture_tear_down);
  g_test_add ("/case-workflow/handover-without-visit", Fixture, GINT_TO_POINTER (TRUE), fixture_set_up, test_handover_without_visit, fixture_tear_down);
  g_test_add ("/case-workflow/rejected", Fixture, GINT_TO_POINTER (TRUE), fixture_set_up, test_rejected, fixture_tear_down);
  g_test_add ("/case-workflow/illegal-steps", Fixture, GINT_TO_POINTER (TRUE), fixture_set_up, test_illegal_steps, fixture_tear_down);
  g_test_add ("/case-workflow/illegal-after-close", Fixture, GINT_TO_POINTER (TRUE), fixture_set_up, test_illegal_after_close, fixture_tear_down);
  g_test_add ("/case-workflow/required-fields", Fixture, GINT_TO_POINTER (TRUE), fixture_set_up, test_required_fields, fixture_tear_down);
  g_test_add ("/case-workflow/purge-after-period", Fixture, GINT_TO_POINTER (TRUE), fixture_set_up, test_purge_after_period, fixture_tear_down);
  g_test_add ("/case-workflow/wrong-role", Fixture, GINT_TO_POINTER (TRUE), fixture_set_up, test_wrong_role, fixture_tear_down);
  return g_test_run ();
}
