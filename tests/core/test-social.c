/* test-social.c: the Soziales desk's queries, for counsellors only
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "pm-access.h"
#include "pm-demo.h"
#include "pm-error.h"
#include "pm-json-util.h"
#include "pm-store-social.h"
#include "pm-store-subject.h"
#include "pm-subject-access.h"
#include "pm-test-utils.h"

/* A Wednesday: the week runs from the 16th to the 22nd. */
#define TODAY "2026-11-18"

typedef struct
{
  char    *dir;
  PmStore *store;
} Fixture;

static const PmDemoStaff *staff;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  guint n_staff;

  staff = pm_demo_get_staff (&n_staff);
  f->dir = pm_test_make_dir ();
  f->store = pm_test_open_store (f->dir);
  g_assert_true (pm_demo_fill (f->store, TODAY, 11, &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->store);
  pm_test_remove_dir (f->dir);
  g_free (f->dir);
}

/* Anja Demo-Brandt: Soziales, in the office. */
static void
act_as_office_counsellor (Fixture *f)
{
  pm_store_set_actor (f->store, staff[4].id, PM_ROLE_SOZIALES, "soziales");
}

static JsonObject *
find_by (JsonArray  *array,
         const char *member,
         const char *value)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *item = json_array_get_object_element (array, i);

      if (g_strcmp0 (pm_json_get_string (item, member), value) == 0)
        return item;
    }
  return NULL;
}

static void
test_follow_ups (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) due = NULL;
  JsonObject *overdue;
  JsonObject *later;

  act_as_office_counsellor (f);
  due = pm_store_list_follow_ups (f->store, TODAY, &error);
  g_assert_no_error (error);
  /* The demo's older sessions fall due on the 15th, 18th and 21st; the
   * week's sessions four weeks on, after this week. */
  overdue = find_by (due, "follow_up_date", "2026-11-15");
  g_assert_nonnull (overdue);
  g_assert_true (json_object_get_boolean_member (overdue, "overdue"));
  g_assert_cmpstr (pm_json_get_string (overdue, "counsellor"), ==, "Sabine Demo-Berger");
  g_assert_nonnull (strchr (pm_json_get_string (overdue, "person"), ','));
  g_assert_nonnull (find_by (due, "follow_up_date", TODAY));
  later = find_by (due, "follow_up_date", "2026-11-21");
  g_assert_nonnull (later);
  g_assert_false (json_object_get_boolean_member (later, "overdue"));
  for (guint i = 0; i < json_array_get_length (due); i++)
    g_assert_cmpstr (pm_json_get_string (json_array_get_object_element (due, i), "follow_up_date"), <=, "2026-11-22");
}

/* Ordering the follow-up visit is an ordinary write: a request dispatch
 * sees, which the list then names. */
static void
test_order_follow_up_visit (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) before = NULL;
  g_autoptr(JsonArray) after = NULL;
  g_autoptr(PmRecord) citizen = NULL;
  g_autoptr(PmVisit) request = NULL;
  g_autoptr(GPtrArray) visits = NULL;
  JsonObject *item;
  const char *citizen_id;
  guint requests = 0;

  act_as_office_counsellor (f);
  before = pm_store_list_follow_ups (f->store, TODAY, &error);
  g_assert_no_error (error);
  item = find_by (before, "follow_up_date", "2026-11-15");
  g_assert_false (json_object_get_boolean_member (item, "visit_requested"));
  citizen_id = pm_json_get_string (item, "citizen_id");

  citizen = pm_store_get (f->store, PM_TYPE_CITIZEN, citizen_id, &error);
  g_assert_no_error (error);
  request = pm_visit_new_follow_up_request (citizen, "2026-11-15");
  g_assert_true (pm_access_may_push (PM_RECORD (request), PM_ROLE_SOZIALES));
  g_assert_true (pm_store_save (f->store, PM_RECORD (request), &error));
  g_assert_no_error (error);

  visits = pm_store_list (f->store, PM_TYPE_VISIT, &error);
  for (guint i = 0; i < visits->len; i++)
    {
      PmRecord *visit = g_ptr_array_index (visits, i);

      if (g_strcmp0 (pm_record_get_string (visit, "status"), "requested") == 0 &&
          g_strv_contains (pm_record_get_strv (visit, "citizen_ids"), citizen_id))
        {
          requests++;
          g_assert_cmpstr (pm_record_get_string (visit, "stadtteil"), ==, pm_record_get_string (citizen, "stadtteil"));
          g_assert_cmpstr (pm_record_get_strv (visit, "services")[0], ==, "PB");
        }
    }
  g_assert_cmpuint (requests, ==, 1);
  after = pm_store_list_follow_ups (f->store, TODAY, &error);
  g_assert_true (json_object_get_boolean_member (find_by (after, "citizen_id", citizen_id), "visit_requested"));

  /* Soziales orders visits; it does not schedule them. */
  pm_record_set_string (PM_RECORD (request), "status", "scheduled");
  g_assert_false (pm_access_may_push (PM_RECORD (request), PM_ROLE_SOZIALES));
}

static void
test_referrals_with_consent (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) referrals = NULL;
  g_autoptr(JsonArray) again = NULL;
  g_autoptr(PmRecord) consent = NULL;
  JsonObject *first;
  g_autofree char *consent_id = NULL;

  act_as_office_counsellor (f);
  referrals = pm_store_list_referrals (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (referrals), >, 0);
  first = json_array_get_object_element (referrals, 0);
  g_assert_cmpstr (pm_json_get_string (first, "consent"), ==, "given");
  g_assert_nonnull (pm_json_get_string (first, "consent_given_on"));
  g_assert_cmpstr (pm_json_get_string (first, "to"), ==, "Pflegestützpunkt Halle");

  /* Withdrawn: the list says so. */
  consent_id = g_strdup (pm_json_get_string (first, "consent_id"));
  consent = pm_store_get (f->store, PM_TYPE_CONSENT, consent_id, &error);
  g_assert_no_error (error);
  pm_record_set_string (consent, "withdrawn_on", TODAY);
  g_assert_true (pm_store_save (f->store, consent, &error));
  g_assert_no_error (error);
  again = pm_store_list_referrals (f->store, &error);
  g_assert_cmpstr (pm_json_get_string (find_by (again, "consent_id", consent_id), "consent"), ==, "withdrawn");
}

/* A withdrawn consent stops new referrals under it; what was referred
 * before stays. */
static void
test_withdrawal_stops_referrals (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) referrals = NULL;
  g_autoptr(PmRecord) consent = NULL;
  g_autoptr(PmRecord) record = NULL;
  g_autoptr(JsonNode) list = NULL;
  g_autofree char *more = NULL;
  g_autofree char *before = NULL;
  g_autofree char *added = NULL;
  JsonObject *first;

  act_as_office_counsellor (f);
  referrals = pm_store_list_referrals (f->store, &error);
  first = json_array_get_object_element (referrals, 0);
  consent = pm_store_get (f->store, PM_TYPE_CONSENT, pm_json_get_string (first, "consent_id"), &error);
  g_assert_no_error (error);
  pm_record_set_string (consent, "withdrawn_on", TODAY);
  g_assert_true (pm_store_save (f->store, consent, &error));
  g_assert_no_error (error);

  record = pm_store_get (f->store, PM_TYPE_COUNSELLING_RECORD, pm_json_get_string (first, "counselling_id"), &error);
  g_assert_no_error (error);
  /* An edit that keeps the old referral is fine. */
  pm_record_set_string (record, "results", "Nachgespräch geführt");
  g_assert_true (pm_store_save (f->store, record, &error));
  g_assert_no_error (error);

  before = g_strdup (pm_record_get_string (record, "referrals"));
  list = json_from_string (before, NULL);
  added = g_strdup_printf ("{\"to\":\"Tagespflege Sonnenschein\",\"date\":\"%s\",\"consent_id\":\"%s\"}", TODAY,
                           pm_record_get_id (consent));
  json_array_add_element (json_node_get_array (list), json_from_string (added, NULL));
  more = json_to_string (list, FALSE);
  pm_record_set_string (record, "referrals", more);
  g_assert_false (pm_store_save (f->store, record, &error));
  g_assert_error (error, PM_ERROR, PM_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "Referrals"));
  g_clear_error (&error);
  g_clear_object (&record);
  record = pm_store_get (f->store, PM_TYPE_COUNSELLING_RECORD, pm_json_get_string (first, "counselling_id"), &error);
  g_assert_cmpstr (pm_record_get_string (record, "referrals"), ==, before);
}

static guint
count_reads (Fixture *f)
{
  g_autoptr(GPtrArray) audit = NULL;
  guint reads = 0;

  pm_store_set_actor (f->store, staff[5].id, PM_ROLE_ADMIN, "it");
  audit = pm_store_list (f->store, PM_TYPE_AUDIT_ENTRY, NULL);
  for (guint i = 0; i < audit->len; i++)
    reads += g_strv_contains ((const char * const[]) { "read", "export", NULL },
                              pm_record_get_string (g_ptr_array_index (audit, i), "action"));
  return reads;
}

static void
test_history_is_audited (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) persons = NULL;
  g_autoptr(JsonArray) history = NULL;
  JsonObject *person;
  guint reads_before = count_reads (f);

  act_as_office_counsellor (f);
  persons = pm_store_list_counselled_persons (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (persons), >, 0);
  person = json_array_get_object_element (persons, 0);
  history = pm_store_list_counselling_history (f->store, pm_json_get_string (person, "citizen_id"), &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_array_get_length (history), ==, json_object_get_int_member (person, "sessions"));
  g_assert_nonnull (json_object_get_object_member (json_array_get_object_element (history, 0), "record"));
  g_assert_cmpstr (pm_json_get_string (json_array_get_object_element (history, 0), "date"), ==,
                   pm_json_get_string (person, "last_contact"));
  g_assert_cmpuint (count_reads (f), ==, reads_before + json_array_get_length (history));
}

/* The wrong side: the registration office, dispatch and the registration
 * clerk in the van get a refusal, not an empty list. */
static void
test_others_are_refused (Fixture       *f,
                         gconstpointer  data)
{
  struct { PmRole role; const char *department; guint staff; } others[] = {
    { PM_ROLE_EINWOHNERWESEN, "einwohnerwesen", 3 },
    { PM_ROLE_DISPATCH, "dispatch", 2 },
    { PM_ROLE_FIELD, "einwohnerwesen", 1 },
    { PM_ROLE_PLANNING, NULL, 2 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (others); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonArray) follow_ups = NULL;
      g_autoptr(JsonArray) referrals = NULL;
      g_autoptr(JsonArray) persons = NULL;
      g_autoptr(JsonArray) history = NULL;

      pm_store_set_actor (f->store, staff[others[i].staff].id, others[i].role, others[i].department);
      follow_ups = pm_store_list_follow_ups (f->store, TODAY, &error);
      g_assert_error (error, PM_ERROR, PM_ERROR_DENIED);
      g_clear_error (&error);
      referrals = pm_store_list_referrals (f->store, &error);
      g_assert_error (error, PM_ERROR, PM_ERROR_DENIED);
      g_clear_error (&error);
      persons = pm_store_list_counselled_persons (f->store, &error);
      g_assert_error (error, PM_ERROR, PM_ERROR_DENIED);
      g_clear_error (&error);
      history = pm_store_list_counselling_history (f->store, PM_TEST_STAFF_ID, &error);
      g_assert_error (error, PM_ERROR, PM_ERROR_DENIED);
      g_assert_null (follow_ups);
      g_assert_null (referrals);
      g_assert_null (persons);
      g_assert_null (history);
    }
}

/* Art. 15 gathering is the data protection desk's (admin), no one else's;
 * what it gathers names the person, and opening it is audited. */
static void
test_subject_access (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) refused = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(JsonArray) persons = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autoptr(JsonObject) devices = NULL;
  const char *citizen_id;
  guint reads_before;
  guint counselling = 0;

  act_as_office_counsellor (f);
  persons = pm_store_list_counselled_persons (f->store, &error);
  citizen_id = pm_json_get_string (json_array_get_object_element (persons, 0), "citizen_id");
  refused = pm_subject_access_collect (f->store, citizen_id, &error);
  g_assert_null (refused);
  g_assert_error (error, PM_ERROR, PM_ERROR_DENIED);
  g_clear_error (&error);

  reads_before = count_reads (f);
  pm_store_set_actor (f->store, staff[5].id, PM_ROLE_ADMIN, "it");
  records = pm_subject_access_collect (f->store, citizen_id, &error);
  g_assert_no_error (error);
  g_assert_true (PM_IS_CITIZEN (g_ptr_array_index (records, 0)));
  for (guint i = 1; i < records->len; i++)
    {
      PmRecord *record = g_ptr_array_index (records, i);

      if (PM_IS_COUNSELLING_RECORD (record))
        {
          counselling++;
          g_assert_cmpstr (pm_record_get_string (record, "citizen_id"), ==, citizen_id);
        }
      else if (PM_IS_VISIT (record))
        g_assert_true (g_strv_contains (pm_record_get_strv (record, "citizen_ids"), citizen_id));
    }
  g_assert_cmpuint (counselling, ==, json_object_get_int_member (json_array_get_object_element (persons, 0), "sessions"));
  g_assert_cmpuint (count_reads (f), >=, reads_before + counselling);
  /* Written on this device: no other device reported them. */
  devices = pm_store_dup_record_devices (f->store, records, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_object_get_size (devices), ==, records->len);
  g_assert_false (json_object_has_member (json_object_get_object_member (devices, citizen_id), "created_by"));
  json = pm_subject_access_to_json (records, citizen_id, devices);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (json), "counselling")),
                    ==, counselling);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/social/follow-ups", Fixture, NULL, fixture_set_up, test_follow_ups, fixture_tear_down);
  g_test_add ("/social/order-follow-up-visit", Fixture, NULL, fixture_set_up, test_order_follow_up_visit, fixture_tear_down);
  g_test_add ("/social/referrals-with-consent", Fixture, NULL, fixture_set_up, test_referrals_with_consent, fixture_tear_down);
  g_test_add ("/social/history-is-audited", Fixture, NULL, fixture_set_up, test_history_is_audited, fixture_tear_down);
  g_test_add ("/social/others-are-refused", Fixture, NULL, fixture_set_up, test_others_are_refused, fixture_tear_down);
  g_test_add ("/social/withdrawal-stops-referrals", Fixture, NULL, fixture_set_up, test_withdrawal_stops_referrals,
              fixture_tear_down);
  g_test_add ("/social/subject-access", Fixture, NULL, fixture_set_up, test_subject_access, fixture_tear_down);
  return g_test_run ();
}
