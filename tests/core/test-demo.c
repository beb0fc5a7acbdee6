/* test-demo.c: the demo week is realistic, valid and never leaves today empty
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <locale.h>

#include "pm-city.h"
#include "pm-demo.h"
#include "pm-store-sync.h"
#include "pm-test-utils.h"

static void
check_day (PmStore    *store,
           const char *today)
{
  g_autofree char *dir = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) visits = pm_store_list_visits_for_day (store, today, &error);

  g_assert_no_error (error);
  g_assert_cmpint (visits->len, >=, 10);
}

static void
test_demo_week (void)
{
  g_autofree char *dir = pm_test_make_dir ();
  g_autoptr(PmStore) store = pm_test_open_store (dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) citizens = NULL;
  g_autoptr(GPtrArray) cases = NULL;
  g_autoptr(GPtrArray) counselling = NULL;
  g_autoptr(GHashTable) areas = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) statuses = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) counselling_statuses = g_hash_table_new (g_str_hash, g_str_equal);
  const char * const *all_statuses = pm_case_statuses ();
  guint n_types;
  const GType *types = pm_model_get_types (&n_types);

  /* A Sunday: "today" must still have visits. */
  g_assert_true (pm_demo_fill (store, "2026-11-22", 1, &error));
  g_assert_no_error (error);
  /* IT sees every record. */
  pm_store_set_actor (store, PM_TEST_STAFF_ID, PM_ROLE_ADMIN, "it");

  for (int d = 20; d <= 24; d++)
    {
      g_autofree char *day = g_strdup_printf ("2026-11-%02d", d);

      check_day (store, day);
    }

  citizens = pm_store_list (store, PM_TYPE_CITIZEN, NULL);
  g_assert_cmpint (citizens->len, >=, 40);
  for (guint i = 0; i < citizens->len; i++)
    {
      PmRecord *c = g_ptr_array_index (citizens, i);
      const char *phone = pm_record_get_string (c, "phone");

      g_hash_table_add (areas, (gpointer) pm_record_get_string (c, "stadtteil"));
      /* Fictional numbers: a 0 after the area code is never assigned. */
      g_assert_true (g_str_has_prefix (phone, "0345 0"));
    }
  g_assert_cmpint (g_hash_table_size (areas), >=, 10);

  cases = pm_store_list (store, PM_TYPE_CASE, NULL);
  for (guint i = 0; i < cases->len; i++)
    g_hash_table_add (statuses, (gpointer) pm_record_get_string (g_ptr_array_index (cases, i), "status"));
  for (guint i = 0; all_statuses[i]; i++)
    if (!g_hash_table_contains (statuses, all_statuses[i]))
      g_error ("no demo case in status %s", all_statuses[i]);

  counselling = pm_store_list (store, PM_TYPE_COUNSELLING_RECORD, NULL);
  for (guint i = 0; i < counselling->len; i++)
    g_hash_table_add (counselling_statuses, (gpointer) pm_record_get_string (g_ptr_array_index (counselling, i), "status"));
  g_assert_true (g_hash_table_contains (counselling_statuses, "draft"));
  g_assert_true (g_hash_table_contains (counselling_statuses, "final"));

  /* Everything stored passes validation as it is read back. */
  for (guint t = 0; t < n_types; t++)
    {
      g_autoptr(GPtrArray) records = pm_store_list (store, types[t], NULL);

      g_assert_cmpint (records->len, >, 0);
      for (guint i = 0; i < records->len; i++)
        {
          g_autoptr(GError) invalid = NULL;

          if (!pm_record_validate (g_ptr_array_index (records, i), &invalid))
            g_error ("demo %s invalid: %s", g_type_name (types[t]), invalid->message);
        }
    }

  g_clear_object (&store);
  pm_test_remove_dir (dir);
}

/* Under a German locale, numbers print with a decimal comma: the demo data
 * must still be valid (it is JSON inside). */
static void
test_german_locale (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(PmStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *saved = g_strdup (setlocale (LC_NUMERIC, NULL));

  if (setlocale (LC_NUMERIC, "de_DE.UTF-8") == NULL)
    {
      g_test_skip ("the de_DE.UTF-8 locale is not installed (packaging/install-deps makes it)");
      return;
    }
  dir = pm_test_make_dir ();
  store = pm_test_open_store (dir);
  g_assert_true (pm_demo_fill (store, "2026-11-22", 5, &error));
  g_assert_no_error (error);
  setlocale (LC_NUMERIC, saved);
  g_clear_object (&store);
  pm_test_remove_dir (dir);
}

static void
test_deterministic (void)
{
  g_autofree char *dir_a = pm_test_make_dir ();
  g_autofree char *dir_b = pm_test_make_dir ();
  g_autoptr(PmStore) a = pm_test_open_store (dir_a);
  g_autoptr(PmStore) b = pm_test_open_store (dir_b);
  g_autoptr(GPtrArray) va = NULL;
  g_autoptr(GPtrArray) vb = NULL;

  g_assert_true (pm_demo_fill (a, "2026-03-02", 99, NULL));
  g_assert_true (pm_demo_fill (b, "2026-03-02", 99, NULL));
  va = pm_store_list_visits_for_day (a, "2026-03-02", NULL);
  vb = pm_store_list_visits_for_day (b, "2026-03-02", NULL);
  g_assert_cmpint (va->len, ==, vb->len);
  for (guint i = 0; i < va->len; i++)
    g_assert_cmpstr (pm_record_get_string (g_ptr_array_index (va, i), "persons"), ==,
                     pm_record_get_string (g_ptr_array_index (vb, i), "persons"));
  g_clear_object (&a);
  g_clear_object (&b);
  pm_test_remove_dir (dir_a);
  pm_test_remove_dir (dir_b);
}

/* Enrolled as a van, the store's outbox holds only what a van records
 * itself; the roster and the van are there, as pulled, with no entries. */
static void
test_van_store (void)
{
  static const char * const van_kinds[] = { "citizen", "visit", "counselling", "case", "consent", "signature",
                                            "cash_closure", NULL };
  g_autofree char *dir = pm_test_make_dir ();
  g_autoptr(PmStore) store = pm_test_open_store (dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) outbox = NULL;
  g_autoptr(GPtrArray) vans = NULL;
  g_autoptr(GPtrArray) staff = NULL;

  g_assert_true (pm_store_enrol (store, "https://127.0.0.1:1", "token", "field", &error));
  g_assert_true (pm_demo_fill (store, "2026-11-22", 1, &error));
  g_assert_no_error (error);
  outbox = pm_store_outbox_peek (store, 500, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (outbox), >, 50);
  for (guint i = 0; i < json_array_get_length (outbox); i++)
    {
      JsonObject *entry = json_array_get_object_element (outbox, i);
      JsonObject *record = json_object_get_object_member (entry, "record");
      const char *kind = json_object_get_string_member (entry, "kind");

      g_assert_true (g_strv_contains (van_kinds, kind));
      if (g_str_equal (kind, "visit"))
        g_assert_cmpstr (json_object_get_string_member (record, "source"), ==, "on_the_spot");
      if (g_str_equal (kind, "case"))
        g_assert_cmpstr (json_object_get_string_member (record, "status"), ==, "captured");
    }
  g_assert_cmpint (pm_store_get_pull_cursor (store), ==, 0);
  pm_store_set_actor (store, PM_TEST_STAFF_ID, PM_ROLE_ADMIN, "it");
  vans = pm_store_list (store, PM_TYPE_VAN, NULL);
  staff = pm_store_list (store, PM_TYPE_STAFF, NULL);
  g_assert_cmpuint (vans->len, ==, 1);
  g_assert_cmpuint (staff->len, >=, 6);
  g_clear_object (&store);
  pm_test_remove_dir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/demo/week", test_demo_week);
  g_test_add_func ("/demo/deterministic", test_deterministic);
  g_test_add_func ("/demo/german-locale", test_german_locale);
  g_test_add_func ("/demo/van-store", test_van_store);
  return g_test_run ();
}
