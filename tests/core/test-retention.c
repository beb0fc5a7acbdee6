/* test-retention.c: the server's deletion periods, with a clock the test sets
 *
 * The demo week is written on one day; the clock then moves on past each
 * period, and pm_store_purge_periods() must delete what is due, and only
 * that, leave deletion markers for the devices, and say it in the audit.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "pm-clock.h"
#include "pm-demo.h"
#include "pm-model.h"
#include "pm-store-sync.h"
#include "pm-test-utils.h"

#define TODAY "2026-11-18"

/* The defaults of Halle's profile (retention_days.server). */
static const PmStorePeriods periods = { 90, 1095, 365, 730 };

typedef struct
{
  char    *dir;
  PmStore *store;
} Fixture;

static void
set_clock (int days_later)
{
  g_autoptr(GDateTime) start = g_date_time_new_utc (2026, 11, 18, 9, 0, 0);
  g_autoptr(GDateTime) now = g_date_time_add_days (start, days_later);

  pm_clock_set_override (now);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  guint n_staff;
  const PmDemoStaff *staff = pm_demo_get_staff (&n_staff);

  set_clock (0);
  f->dir = pm_test_make_dir ();
  f->store = pm_test_open_store (f->dir);
  g_assert_true (pm_demo_fill (f->store, TODAY, 11, &error));
  g_assert_no_error (error);
  pm_store_set_actor (f->store, staff[5].id, PM_ROLE_ADMIN, "it");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  pm_clock_set_override (NULL);
  g_clear_object (&f->store);
  pm_test_remove_dir (f->dir);
  g_free (f->dir);
}

static GPtrArray *
list (Fixture *f,
      GType    type)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *records = pm_store_list (f->store, type, &error);

  g_assert_no_error (error);
  return records;
}

static guint
count_where (GPtrArray  *records,
             const char *field,
             const char * const *values)
{
  guint n = 0;

  for (guint i = 0; i < records->len; i++)
    n += g_strv_contains (values, pm_record_get_string (g_ptr_array_index (records, i), field));
  return n;
}

static GPtrArray *
purge (Fixture  *f,
       gboolean  dry_run,
       gint64   *n_audit)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *due = pm_store_purge_periods (f->store, &periods, dry_run, n_audit, &error);

  g_assert_no_error (error);
  g_assert_nonnull (due);
  return due;
}

static gboolean
marked_deleted (Fixture    *f,
                PmRole      role,
                const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) page = pm_test_take_json_object (pm_store_changes_since_text (f->store, 0, NULL, FALSE, 1000,
                                                                                      "device-a", role, &error));
  JsonArray *changes;

  g_assert_no_error (error);
  changes = json_object_get_array_member (page, "changes");
  for (guint i = 0; i < json_array_get_length (changes); i++)
    {
      JsonObject *change = json_array_get_object_element (changes, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (change, "id", NULL), id) == 0)
        return json_object_get_boolean_member_with_default (change, "deleted", FALSE);
    }
  return FALSE;
}

static void
test_cases_after_closing (Fixture       *f,
                          gconstpointer  data)
{
  const char * const over[] = { "handed_over", "closed", "rejected", NULL };
  g_autoptr(GPtrArray) before = list (f, PM_TYPE_CASE);
  guint n_over = count_where (before, "status", over);
  g_autoptr(GPtrArray) due = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GPtrArray) signatures = list (f, PM_TYPE_SIGNATURE);
  guint n_signatures = signatures->len;
  gint64 n_audit = -1;

  g_assert_cmpuint (n_over, >, 0);
  g_assert_cmpuint (n_signatures, >, 0);
  g_assert_cmpuint (before->len, >, n_over);
  /* Not yet: 89 days after closing. */
  set_clock (89);
  due = purge (f, FALSE, &n_audit);
  g_assert_cmpuint (due->len, ==, 0);
  g_assert_cmpint (n_audit, ==, 0);
  g_clear_pointer (&due, g_ptr_array_unref);

  /* 90 days: due; a dry run only names them. */
  set_clock (90);
  due = purge (f, TRUE, NULL);
  g_assert_cmpuint (due->len, >=, n_over);
  g_clear_pointer (&after, g_ptr_array_unref);
  after = list (f, PM_TYPE_CASE);
  g_assert_cmpuint (after->len, ==, before->len);
  g_clear_pointer (&due, g_ptr_array_unref);

  due = purge (f, FALSE, NULL);
  g_assert_cmpuint (due->len, >=, n_over);
  g_clear_pointer (&after, g_ptr_array_unref);
  after = list (f, PM_TYPE_CASE);
  g_assert_cmpuint (after->len, ==, before->len - n_over);
  g_assert_cmpuint (count_where (after, "status", over), ==, 0);
  /* Their signature strokes went with them; those on open cases stay. */
  g_clear_pointer (&signatures, g_ptr_array_unref);
  signatures = list (f, PM_TYPE_SIGNATURE);
  for (guint i = 0; i < signatures->len; i++)
    {
      const char *signed_id = pm_record_get_string (g_ptr_array_index (signatures, i), "record_id");
      gboolean kept = FALSE;

      for (guint j = 0; j < after->len; j++)
        kept |= g_strcmp0 (pm_record_get_id (g_ptr_array_index (after, j)), signed_id) == 0;
      g_assert_true (kept);
    }
  g_assert_cmpuint (signatures->len, <, n_signatures);
  /* The registration office's devices are told; the visits stay. */
  g_assert_true (marked_deleted (f, PM_ROLE_EINWOHNERWESEN, pm_record_get_id (g_ptr_array_index (due, 0))));
  g_clear_pointer (&after, g_ptr_array_unref);
  after = list (f, PM_TYPE_VISIT);
  g_assert_cmpuint (after->len, >, 0);
}

/* A visit's period counts in days: a year on to the day, the visits that
 * ended on that day are not past yet, and the earlier ones are. */
static void
test_visit_day_boundary (Fixture       *f,
                         gconstpointer  data)
{
  const char * const ended[] = { "done", "partly_done", "not_met", "cancelled", NULL };
  g_autoptr(GPtrArray) due = NULL;
  g_autoptr(GPtrArray) after = NULL;
  guint n_of_the_day = 0;

  set_clock (365);
  due = purge (f, FALSE, NULL);
  after = list (f, PM_TYPE_VISIT);
  for (guint i = 0; i < after->len; i++)
    {
      PmRecord *visit = g_ptr_array_index (after, i);

      if (!g_strv_contains (ended, pm_record_get_string (visit, "status")))
        continue;
      g_assert_cmpstr (pm_record_get_string (visit, "date"), >=, TODAY);
      n_of_the_day += g_strcmp0 (pm_record_get_string (visit, "date"), TODAY) == 0;
    }
  g_assert_cmpuint (n_of_the_day, >, 0);
}

static void
test_visits_counselling_and_audit (Fixture       *f,
                                   gconstpointer  data)
{
  const char * const ended[] = { "done", "partly_done", "not_met", "cancelled", NULL };
  g_autoptr(GPtrArray) visits = list (f, PM_TYPE_VISIT);
  guint n_ended = count_where (visits, "status", ended);
  g_autoptr(GPtrArray) counselling = list (f, PM_TYPE_COUNSELLING_RECORD);
  g_autoptr(GPtrArray) audit = list (f, PM_TYPE_AUDIT_ENTRY);
  g_autoptr(GPtrArray) due = NULL;
  g_autoptr(GPtrArray) after = NULL;
  gint64 n_audit = -1;

  g_assert_cmpuint (n_ended, >, 0);
  g_assert_cmpuint (counselling->len, >, 0);
  /* A year and a week on: the week's ended visits go, the others stay. */
  set_clock (372);
  due = purge (f, FALSE, &n_audit);
  after = list (f, PM_TYPE_VISIT);
  g_assert_cmpuint (after->len, ==, visits->len - n_ended);
  g_assert_cmpuint (count_where (after, "status", ended), ==, 0);
  g_assert_cmpint (n_audit, ==, 0);
  g_clear_pointer (&after, g_ptr_array_unref);
  after = list (f, PM_TYPE_COUNSELLING_RECORD);
  g_assert_cmpuint (after->len, ==, counselling->len);
  g_clear_pointer (&due, g_ptr_array_unref);

  /* Two years and a day: the audit entries of the demo week go (the
   * deletions' own entries, written later, stay). */
  set_clock (731);
  due = purge (f, FALSE, &n_audit);
  g_assert_cmpint (n_audit, >=, audit->len);
  g_clear_pointer (&after, g_ptr_array_unref);
  after = list (f, PM_TYPE_AUDIT_ENTRY);
  for (guint i = 0; i < after->len; i++)
    g_assert_cmpstr (pm_record_get_string (g_ptr_array_index (after, i), "at"), >, "2027-11-19");
  g_clear_pointer (&due, g_ptr_array_unref);

  /* Three years after the last contact (and any follow-up planned): the
   * counselling records go too, and only Soziales devices are told. */
  set_clock (1095 + 60);
  due = purge (f, FALSE, NULL);
  g_clear_pointer (&after, g_ptr_array_unref);
  after = list (f, PM_TYPE_COUNSELLING_RECORD);
  g_assert_cmpuint (after->len, ==, 0);
  g_assert_true (marked_deleted (f, PM_ROLE_SOZIALES, pm_record_get_id (g_ptr_array_index (counselling, 0))));
  g_assert_false (marked_deleted (f, PM_ROLE_EINWOHNERWESEN, pm_record_get_id (g_ptr_array_index (counselling, 0))));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/retention/cases-after-closing", Fixture, NULL, fixture_set_up, test_cases_after_closing,
              fixture_tear_down);
  g_test_add ("/retention/visit-day-boundary", Fixture, NULL, fixture_set_up,
              test_visit_day_boundary, fixture_tear_down);
  g_test_add ("/retention/visits-counselling-and-audit", Fixture, NULL, fixture_set_up,
              test_visits_counselling_and_audit, fixture_tear_down);
  return g_test_run ();
}
