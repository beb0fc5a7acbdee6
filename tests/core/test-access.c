/* test-access.c: each department sees its own domain, through every core API;
 * the cash closure is the registration clerk's
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "pm-cash-day.h"
#include "pm-demo.h"
#include "pm-error.h"
#include "pm-export.h"
#include "pm-test-utils.h"

typedef struct
{
  char    *dir;
  PmStore *store;
} Fixture;

#define DEMO_TODAY "2026-11-18"

static const char *counsellor_id;
static const char *clerk_id;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  guint n_staff;
  const PmDemoStaff *staff = pm_demo_get_staff (&n_staff);

  counsellor_id = staff[0].id;
  clerk_id = staff[1].id;
  f->dir = pm_test_make_dir ();
  f->store = pm_test_open_store (f->dir);
  g_assert_true (pm_demo_fill (f->store, DEMO_TODAY, 11, &error));
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

static void
act_as_clerk (Fixture *f)
{
  pm_store_set_actor (f->store, clerk_id, PM_ROLE_FIELD, "einwohnerwesen");
}

static void
act_as_counsellor (Fixture *f)
{
  pm_store_set_actor (f->store, counsellor_id, PM_ROLE_FIELD, "soziales");
}

static GPtrArray *
all_as_admin (Fixture *f,
              GType    type)
{
  pm_store_set_actor (f->store, PM_TEST_STAFF_ID, PM_ROLE_ADMIN, "it");
  return pm_store_list (f->store, type, NULL);
}

/* The registration clerk never sees counselling content or the care grade. */
static void
test_clerk_sees_no_counselling (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(GPtrArray) records = all_as_admin (f, PM_TYPE_COUNSELLING_RECORD);
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(GPtrArray) citizens = NULL;
  g_autoptr(GPtrArray) consents = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PmRecord) opened = NULL;
  g_autoptr(JsonNode) exported = NULL;
  JsonObject *doc;

  g_assert_cmpint (records->len, >, 0);
  act_as_clerk (f);

  opened = pm_store_get (f->store, PM_TYPE_COUNSELLING_RECORD, pm_record_get_id (g_ptr_array_index (records, 0)), &error);
  g_assert_null (opened);
  g_assert_error (error, PM_ERROR, PM_ERROR_DENIED);
  g_clear_error (&error);

  listed = pm_store_list (f->store, PM_TYPE_COUNSELLING_RECORD, NULL);
  g_assert_cmpint (listed->len, ==, 0);

  citizens = pm_store_list (f->store, PM_TYPE_CITIZEN, NULL);
  g_assert_cmpint (citizens->len, >=, 40);
  for (guint i = 0; i < citizens->len; i++)
    g_assert_null (pm_record_get_string (g_ptr_array_index (citizens, i), "care_grade"));

  consents = pm_store_list (f->store, PM_TYPE_CONSENT, NULL);
  g_assert_cmpint (consents->len, ==, 0);

  /* Nor through the export. */
  exported = pm_export_json (f->store, &error);
  g_assert_no_error (error);
  doc = json_node_get_object (exported);
  g_assert_cmpint (json_array_get_length (json_object_get_array_member (doc, "counselling")), ==, 0);
  {
    g_autofree char *text = json_to_string (exported, FALSE);

    g_assert_null (strstr (text, "care_grade"));
  }
}

/* The counsellor sees a case only as far as the visit needs. */
static void
test_counsellor_sees_case_summary (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(GPtrArray) cases = all_as_admin (f, PM_TYPE_CASE);
  g_autoptr(PmRecord) opened = NULL;
  g_autoptr(GPtrArray) signatures = NULL;
  g_autoptr(GError) error = NULL;
  PmRecord *paid = NULL;

  for (guint i = 0; i < cases->len && paid == NULL; i++)
    if (pm_record_get_int (g_ptr_array_index (cases, i), "fee_cents") > 0)
      paid = g_ptr_array_index (cases, i);
  g_assert_nonnull (paid);

  act_as_counsellor (f);
  opened = pm_store_get (f->store, PM_TYPE_CASE, pm_record_get_id (paid), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (pm_record_get_string (opened, "service"), ==, pm_record_get_string (paid, "service"));
  g_assert_cmpstr (pm_record_get_string (opened, "status"), ==, pm_record_get_string (paid, "status"));
  g_assert_cmpint (pm_record_get_int (opened, "fee_cents"), ==, 0);
  g_assert_null (pm_record_get_string (opened, "receipt_no"));
  g_assert_null (pm_record_get_strv (opened, "documents_presented"));
  g_assert_null (pm_record_get_string (opened, "payment_method"));

  /* The citizens' signatures on cases are not theirs to see. */
  signatures = pm_store_list (f->store, PM_TYPE_SIGNATURE, NULL);
  for (guint i = 0; i < signatures->len; i++)
    g_assert_cmpstr (pm_record_get_string (g_ptr_array_index (signatures, i), "record_kind"), !=, "case");
}

static void
test_own_domain_in_full (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GPtrArray) records = all_as_admin (f, PM_TYPE_COUNSELLING_RECORD);
  g_autoptr(GPtrArray) cases = all_as_admin (f, PM_TYPE_CASE);
  g_autoptr(PmRecord) counselling = NULL;
  g_autoptr(PmRecord) kase = NULL;
  g_autoptr(GError) error = NULL;

  act_as_counsellor (f);
  counselling = pm_store_get (f->store, PM_TYPE_COUNSELLING_RECORD, pm_record_get_id (g_ptr_array_index (records, 0)), &error);
  g_assert_no_error (error);
  g_assert_nonnull (pm_record_get_string (counselling, "measures"));

  act_as_clerk (f);
  kase = pm_store_get (f->store, PM_TYPE_CASE, pm_record_get_id (g_ptr_array_index (cases, 0)), &error);
  g_assert_no_error (error);
  g_assert_nonnull (pm_record_get_strv (kase, "documents_presented"));
}

static guint
count_reads (Fixture    *f,
             const char *actor,
             const char *record_id)
{
  g_autoptr(GPtrArray) audit = all_as_admin (f, PM_TYPE_AUDIT_ENTRY);
  guint n = 0;

  for (guint i = 0; i < audit->len; i++)
    {
      PmRecord *entry = g_ptr_array_index (audit, i);

      if (g_strcmp0 (pm_record_get_string (entry, "action"), "read") == 0 &&
          g_strcmp0 (pm_record_get_string (entry, "actor_id"), actor) == 0 &&
          g_strcmp0 (pm_record_get_string (entry, "record_id"), record_id) == 0)
        n++;
    }
  return n;
}

/* Opening a counselling record or a case is audited; a list row is not. */
static void
test_opening_is_audited (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GPtrArray) records = all_as_admin (f, PM_TYPE_COUNSELLING_RECORD);
  const char *id = pm_record_get_id (g_ptr_array_index (records, 0));
  g_autoptr(PmRecord) first = NULL;
  g_autoptr(PmRecord) second = NULL;
  g_autoptr(GPtrArray) listed = NULL;

  act_as_counsellor (f);
  listed = pm_store_list (f->store, PM_TYPE_COUNSELLING_RECORD, NULL);
  g_assert_cmpuint (count_reads (f, counsellor_id, id), ==, 0);

  act_as_counsellor (f);
  first = pm_store_get (f->store, PM_TYPE_COUNSELLING_RECORD, id, NULL);
  act_as_counsellor (f);
  second = pm_store_get (f->store, PM_TYPE_COUNSELLING_RECORD, id, NULL);
  g_assert_cmpuint (count_reads (f, counsellor_id, id), ==, 2);

  /* A refused opening leaves no read entry in the clerk's name. */
  act_as_clerk (f);
  g_assert_null (pm_store_get (f->store, PM_TYPE_COUNSELLING_RECORD, id, NULL));
  g_assert_cmpuint (count_reads (f, clerk_id, id), ==, 0);
}

/* Audit entries are for IT and the data protection officer. */
static void
test_audit_only_for_admin (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GPtrArray) audit = NULL;

  act_as_counsellor (f);
  audit = pm_store_list (f->store, PM_TYPE_AUDIT_ENTRY, NULL);
  g_assert_cmpint (audit->len, ==, 0);
}

static guint
count_closures (PmStore *store)
{
  g_autoptr(GPtrArray) closures = NULL;

  pm_store_set_actor (store, PM_TEST_STAFF_ID, PM_ROLE_ADMIN, "it");
  closures = pm_store_list (store, PM_TYPE_CASH_CLOSURE, NULL);
  return closures->len;
}

/* What the closure counts is what the clerk took today, case by case. */
static void
test_close_day (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PmRecord) van = NULL;
  g_autoptr(PmCashClosure) closure = NULL;
  g_autoptr(PmCashClosure) again = NULL;
  g_autoptr(PmCashClosure) found = NULL;
  g_autoptr(GPtrArray) cases = NULL;
  g_autoptr(JsonArray) lines = NULL;
  guint n_before = count_closures (f->store);
  guint n_of_day = 0, n_paid = 0;
  gint64 total = 0;

  act_as_clerk (f);
  cases = pm_store_list (f->store, PM_TYPE_CASE, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < cases->len; i++)
    {
      PmRecord *kase = g_ptr_array_index (cases, i);

      if (g_strcmp0 (pm_record_get_string (kase, "captured_on"), DEMO_TODAY) != 0 ||
          pm_record_get_string (kase, "visit_id") == NULL)
        continue;
      n_of_day++;
      if (g_strcmp0 (pm_record_get_string (kase, "payment_method"), "none") != 0 &&
          pm_record_get_int (kase, "fee_cents") > 0 && !pm_record_get_boolean (kase, "fee_waived"))
        {
          n_paid++;
          total += pm_record_get_int (kase, "fee_cents");
        }
    }
  g_assert_cmpuint (n_paid, >, 0);

  van = pm_cash_day_find_van (f->store, NULL, &error);
  g_assert_no_error (error);
  closure = pm_cash_day_close (f->store, van, DEMO_TODAY, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (pm_record_get_string (PM_RECORD (closure), "staff_id"), ==, clerk_id);
  g_assert_cmpint (pm_record_get_int (PM_RECORD (closure), "paid_count"), ==, n_paid);
  g_assert_cmpint (pm_record_get_int (PM_RECORD (closure), "total_cents"), ==, total);
  lines = pm_cash_closure_dup_lines (closure);
  g_assert_cmpuint (json_array_get_length (lines), ==, n_of_day);
  g_assert_cmpuint (count_closures (f->store), ==, n_before + 1);

  /* Closing again after a late payment replaces the day's closure. */
  act_as_clerk (f);
  again = pm_cash_day_close (f->store, van, DEMO_TODAY, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (pm_record_get_id (PM_RECORD (again)), ==, pm_record_get_id (PM_RECORD (closure)));
  g_assert_cmpint (pm_record_get_version (PM_RECORD (again)), ==, 2);
  g_assert_cmpuint (count_closures (f->store), ==, n_before + 1);
  found = pm_cash_day_lookup (f->store, van, DEMO_TODAY, &error);
  g_assert_no_error (error);
  g_assert_cmpint (pm_record_get_version (PM_RECORD (found)), ==, 2);
}

/* Fees are Einwohnerwesen data: the counsellor cannot close the day, and
 * nothing is stored when they try. */
static void
test_only_the_clerk (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PmRecord) van = pm_cash_day_find_van (f->store, NULL, &error);
  g_autoptr(PmCashClosure) closure = NULL;
  guint n_before = count_closures (f->store);

  g_assert_no_error (error);
  pm_store_set_actor (f->store, counsellor_id, PM_ROLE_FIELD, "soziales");
  closure = pm_cash_day_close (f->store, van, DEMO_TODAY, &error);
  g_assert_null (closure);
  g_assert_error (error, PM_ERROR, PM_ERROR_DENIED);
  g_assert_cmpuint (count_closures (f->store), ==, n_before);
}

static void
test_find_van (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PmRecord) only = pm_cash_day_find_van (f->store, NULL, &error);
  g_autoptr(PmRecord) by_plate = pm_cash_day_find_van (f->store, "HAL-PM 101", &error);
  g_autoptr(PmRecord) by_id = pm_cash_day_find_van (f->store, pm_record_get_id (only), &error);
  g_autoptr(PmRecord) unknown = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (pm_record_get_id (by_plate), ==, pm_record_get_id (only));
  g_assert_cmpstr (pm_record_get_id (by_id), ==, pm_record_get_id (only));
  unknown = pm_cash_day_find_van (f->store, "Mobil 9", &error);
  g_assert_null (unknown);
  g_assert_error (error, PM_ERROR, PM_ERROR_NOT_FOUND);
}

/* A closure whose totals do not add up never enters the store. */
static void
test_bad_closure_refused (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PmRecord) van = pm_cash_day_find_van (f->store, NULL, &error);
  g_autoptr(GPtrArray) no_cases = g_ptr_array_new ();
  g_autoptr(PmCashClosure) closure = NULL;
  guint n_before = count_closures (f->store);

  closure = pm_cash_closure_new_for_day (pm_record_get_id (van), "Mobil", DEMO_TODAY, no_cases);
  pm_record_set_string (PM_RECORD (closure), "staff_id", clerk_id);
  pm_record_set_int (PM_RECORD (closure), "total_cents", 5000);
  g_assert_false (pm_store_save (f->store, PM_RECORD (closure), &error));
  g_assert_error (error, PM_ERROR, PM_ERROR_INVALID);
  g_assert_cmpuint (count_closures (f->store), ==, n_before);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/access/clerk-sees-no-counselling", test_clerk_sees_no_counselling);
  ADD ("/access/counsellor-sees-case-summary", test_counsellor_sees_case_summary);
  ADD ("/access/own-domain-in-full", test_own_domain_in_full);
  ADD ("/access/opening-is-audited", test_opening_is_audited);
  ADD ("/access/audit-only-for-admin", test_audit_only_for_admin);
  ADD ("/access/cash-closure/close", test_close_day);
  ADD ("/access/cash-closure/only-the-clerk", test_only_the_clerk);
  ADD ("/access/cash-closure/find-van", test_find_van);
  ADD ("/access/cash-closure/bad-closure-refused", test_bad_closure_refused);
#undef ADD
  return g_test_run ();
}
