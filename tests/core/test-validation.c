/* test-validation.c: every validation rule refuses its bad input, naming the field
 *
 * Each case starts from a valid record of its kind and changes one thing.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include "pm-clock.h"
#include "pm-error.h"
#include "pm-test-utils.h"

#define UUID_A "11111111-2222-4333-8444-555555555555"
#define UUID_B "66666666-7777-4888-9999-aaaaaaaaaaaa"

static const char *valid_records[][2] = {
  { "staff", "{\"display_name\":\"Erika Test\",\"department\":\"soziales\",\"role\":\"field\"}" },
  { "van", "{\"name\":\"Mobil 1\",\"skills\":[\"counselling\"]}" },
  { "citizen", "{\"family_name\":\"Muster\",\"given_names\":\"Erika\",\"birth_date\":\"1941-03-12\","
               "\"street\":\"Reilstraße\",\"house_number\":\"7\",\"postcode\":\"06114\",\"city\":\"Halle (Saale)\","
               "\"stadtteil\":\"paulusviertel\",\"lat\":51.495,\"lon\":11.964,\"phone\":\"0345 012345\",\"care_grade\":\"2\"}" },
  { "visit", "{\"citizen_ids\":[\"" UUID_A "\"],\"location_type\":\"home\",\"street\":\"Reilstraße\","
             "\"house_number\":\"7\",\"postcode\":\"06114\",\"stadtteil\":\"paulusviertel\",\"lat\":51.495,\"lon\":11.964,"
             "\"services\":[\"PA\",\"PB\"],\"duration_min\":45,\"windows\":[\"2026-11-23T09:00/2026-11-23T11:00\"],"
             "\"priority\":1,\"status\":\"scheduled\",\"date\":\"2026-11-23\",\"planned_start\":\"09:30\"}" },
  { "counselling", "{\"citizen_id\":\"" UUID_A "\",\"staff_id\":\"" UUID_B "\",\"occasion\":\"relative\","
                   "\"topics\":[\"dementia\"],\"measures\":[{\"measure\":\"Antrag stellen\",\"who\":\"Tochter\"}],"
                   "\"mode\":\"home\",\"status\":\"draft\"}" },
  { "case", "{\"citizen_id\":\"" UUID_A "\",\"staff_id\":\"" UUID_B "\",\"service\":\"PA\",\"status\":\"captured\","
            "\"documents_presented\":[\"old_id\"],\"fingerprint_status\":\"captured\",\"fee_cents\":4600,"
            "\"payment_method\":\"card\",\"captured_on\":\"2026-11-20\"}" },
  { "consent", "{\"citizen_id\":\"" UUID_A "\",\"purpose\":\"referral\",\"form\":\"written\",\"given_by\":\"person\","
               "\"given_on\":\"2026-11-20\"}" },
  { "signature", "{\"record_kind\":\"case\",\"record_id\":\"" UUID_A "\",\"signer_name\":\"Erika Muster\","
                 "\"strokes\":[[[0.1,0.5],[0.2,0.6],[0.3,0.4]]],\"signed_at\":\"2026-11-20T10:00:00Z\"}" },
  { "audit", "{\"actor_id\":\"" UUID_B "\",\"action\":\"read\",\"record_kind\":\"case\",\"record_id\":\"" UUID_A "\","
             "\"at\":\"2026-11-20T10:00:00Z\"}" },
};

typedef struct
{
  const char *kind;
  const char *change;    /* JSON members that replace the valid ones */
  const char *expected;  /* part of the message: the field's label */
} BadCase;

static const BadCase bad_cases[] = {
  /* staff */
  { "staff", "{\"display_name\":\"  \"}", "Name: must not be empty" },
  { "staff", "{\"department\":\"finance\"}", "Department:" },
  { "staff", "{\"role\":\"boss\"}", "Role:" },
  { "staff", "{\"van_id\":\"not-a-uuid\"}", "Van:" },
  /* van */
  { "van", "{\"name\":\"\"}", "Name: must not be empty" },
  { "van", "{\"skills\":[\"flying\"]}", "Skills:" },
  /* citizen */
  { "citizen", "{\"family_name\":\"\"}", "Family name: must not be empty" },
  { "citizen", "{\"given_names\":\" \"}", "Given names: must not be empty" },
  { "citizen", "{\"birth_date\":\"2999-01-01\"}", "Date of birth: must not be in the future" },
  { "citizen", "{\"birth_date\":\"1850-01-01\"}", "Date of birth:" },
  { "citizen", "{\"birth_date\":\"12.03.1941\"}", "Date of birth: is not a date" },
  { "citizen", "{\"birth_date\":\"1941-02-30\"}", "Date of birth: is not a date" },
  { "citizen", "{\"postcode\":\"0611\"}", "Postcode: must be five digits" },
  { "citizen", "{\"postcode\":\"06a14\"}", "Postcode: must be five digits" },
  { "citizen", "{\"stadtteil\":\"atlantis\"}", "District:" },
  { "citizen", "{\"lat\":95.0}", "Latitude:" },
  { "citizen", "{\"lat\":0,\"lon\":0}", "Latitude:" },
  { "citizen", "{\"lon\":200.0}", "Longitude:" },
  { "citizen", "{\"care_grade\":\"7\"}", "Care grade:" },
  { "citizen", "{\"phone\":\"call me\"}", "Phone:" },
  { "citizen", "{\"street\":\"\"}", "Street: must not be empty" },
  /* visit */
  { "visit", "{\"windows\":[\"2026-11-23T11:00/2026-11-23T09:00\"]}", "Time windows: a window ends before it starts" },
  { "visit", "{\"windows\":[\"2026-11-23T11:00/2026-11-23T11:00\"]}", "Time windows: a window ends before it starts" },
  { "visit", "{\"windows\":[\"morgens\"]}", "Time windows: must be of the form" },
  { "visit", "{\"citizen_ids\":[]}", "Persons: must not be empty" },
  { "visit", "{\"citizen_ids\":[\"x\"]}", "Persons:" },
  { "visit", "{\"services\":[\"XYZ\"]}", "Services:" },
  { "visit", "{\"services\":[]}", "Services: must not be empty" },
  { "visit", "{\"location_type\":\"boat\"}", "Location type:" },
  { "visit", "{\"status\":\"lost\"}", "Status:" },
  { "visit", "{\"status\":\"cancelled\"}", "Reason: is required here" },
  { "visit", "{\"duration_min\":0}", "Duration:" },
  { "visit", "{\"priority\":9}", "Priority:" },
  { "visit", "{\"priority\":2}", "Reason for priority: is required here" },
  { "visit", "{\"planned_start\":\"25:00\"}", "Planned start:" },
  { "visit", "{\"date\":null}", "Date: is required here" },
  { "visit", "{\"stadtteil\":\"narnia\"}", "District:" },
  /* counselling */
  { "counselling", "{\"occasion\":\"curiosity\"}", "Occasion:" },
  { "counselling", "{\"topics\":[\"astrology\"]}", "Topics:" },
  { "counselling", "{\"unmet_needs\":[\"a_pony\"]}", "Unmet needs: contains an unknown need" },
  { "counselling", "{\"referrals\":[{\"to\":\"Pflegedienst\"}]}", "Referrals: need a recorded consent" },
  { "counselling", "{\"measures\":[{\"measure\":\"x\"}]}", "Care plan:" },
  { "counselling", "{\"mode\":\"telepathy\"}", "Mode:" },
  { "counselling", "{\"citizen_id\":\"nobody\"}", "Person:" },
  /* case */
  { "case", "{\"service\":\"PB\"}", "Service:" },
  { "case", "{\"service\":\"NOPE\"}", "Service:" },
  { "case", "{\"documents_presented\":[\"library_card\"]}", "Documents presented:" },
  { "case", "{\"status\":\"booked\"}", "Case number of the registration system: is required here" },
  { "case", "{\"status\":\"rejected\"}", "Reason: is required here" },
  { "case", "{\"fee_waived\":true}", "Reason for the waiver: is required here" },
  { "case", "{\"fingerprint_status\":\"impossible\"}", "Reason fingerprints are impossible: is required here" },
  { "case", "{\"fee_cents\":-100}", "Fee:" },
  { "case", "{\"payment_method\":\"barter\"}", "Payment:" },
  { "case", "{\"captured_on\":\"yesterday\"}", "Captured on:" },
  /* consent */
  { "consent", "{\"form\":\"oral\"}", "Witness: is required here" },
  { "consent", "{\"given_by\":\"representative\"}", "Representative: is required here" },
  { "consent", "{\"withdrawn_on\":\"2026-11-01\"}", "Withdrawn on: must not be before" },
  { "consent", "{\"purpose\":\"marketing\"}", "Purpose:" },
  /* signature */
  { "signature", "{\"strokes\":[]}", "Signature: is empty" },
  { "signature", "{\"strokes\":[[[0.1,0.2]]]}", "Signature: is empty" },
  { "signature", "{\"strokes\":[[[0.1,2.0],[0.2,0.3]]]}", "Signature: is not a list" },
  { "signature", "{\"record_kind\":\"visit\"}", "Signed record type:" },
  /* audit */
  { "audit", "{\"action\":\"sneak\"}", "Action:" },
};

/* JSON that does not fit the fields' types is refused before validation. */
static const BadCase bad_json[] = {
  { "citizen", "{\"family_name\":42}", "Family name: has the wrong type" },
  { "citizen", "{\"lat\":\"north\"}", "Latitude: has the wrong type" },
  { "visit", "{\"services\":\"PA\"}", "Services: has the wrong type" },
  { "visit", "{\"services\":[1,2]}", "Services: must be a list of texts" },
  { "visit", "{\"duration_min\":1.5}", "Duration: has the wrong type" },
  { "visit", "{\"favourite_colour\":\"blue\"}", "Unknown field" },
  { "visit", "{\"persons\":\"injected\"}", "Unknown field" },
  { "case", "{\"fee_waived\":\"yes\"}", "Fee waived: has the wrong type" },
  { "counselling", "{\"measures\":\"do things\"}", "Care plan: has the wrong type" },
  { "citizen", "{\"version\":-1}", "version: has the wrong type" },
};

static PmRecord *
make_valid (const char *kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (valid_records); i++)
    if (g_str_equal (valid_records[i][0], kind))
      return pm_test_record_from_json (pm_model_type_for (kind), valid_records[i][1]);
  g_assert_not_reached ();
}

static void
set_fixed_today (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_local (2026, 11, 22, 10, 0, 0);

  pm_clock_set_override (now);
}

static void
test_valid_records (void)
{
  set_fixed_today ();
  for (guint i = 0; i < G_N_ELEMENTS (valid_records); i++)
    {
      g_autoptr(PmRecord) record = make_valid (valid_records[i][0]);
      g_autoptr(GError) error = NULL;

      if (!pm_record_validate (record, &error))
        g_error ("valid %s refused: %s", valid_records[i][0], error->message);
    }
}

static void
test_bad_case (gconstpointer data)
{
  const BadCase *bad = data;
  g_autoptr(PmRecord) record = make_valid (bad->kind);
  g_autoptr(JsonNode) change = json_from_string (bad->change, NULL);
  g_autoptr(GError) error = NULL;

  set_fixed_today ();
  g_assert_nonnull (change);
  g_assert_true (pm_record_update_from_json (record, json_node_get_object (change), &error));
  g_assert_no_error (error);
  g_assert_false (pm_record_validate (record, &error));
  g_assert_error (error, PM_ERROR, PM_ERROR_INVALID);
  if (strstr (error->message, bad->expected) == NULL)
    g_error ("%s %s: expected “%s” in “%s”", bad->kind, bad->change, bad->expected, error->message);
}

static void
test_bad_json (gconstpointer data)
{
  const BadCase *bad = data;
  g_autoptr(PmRecord) record = make_valid (bad->kind);
  g_autoptr(JsonNode) change = json_from_string (bad->change, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_false (pm_record_update_from_json (record, json_node_get_object (change), &error));
  g_assert_error (error, PM_ERROR, PM_ERROR_INVALID);
  if (strstr (error->message, bad->expected) == NULL)
    g_error ("%s %s: expected “%s” in “%s”", bad->kind, bad->change, bad->expected, error->message);
}

/* A refused record leaves the store as it was. */
static void
test_store_refuses_invalid (void)
{
  g_autofree char *dir = pm_test_make_dir ();
  g_autoptr(PmStore) store = pm_test_open_store (dir);
  g_autoptr(PmRecord) good = make_valid ("citizen");
  g_autoptr(PmRecord) bad = make_valid ("citizen");
  g_autoptr(GPtrArray) both = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;

  set_fixed_today ();
  pm_store_set_actor (store, UUID_B, PM_ROLE_FIELD, "soziales");
  pm_record_set_string (bad, "postcode", "abc");
  g_ptr_array_add (both, good);
  g_ptr_array_add (both, bad);
  g_assert_false (pm_store_save_all (store, both, &error));
  g_assert_error (error, PM_ERROR, PM_ERROR_INVALID);
  /* Not half: the valid one of the batch is not stored either. */
  g_assert_cmpint (pm_store_count (store, PM_TYPE_CITIZEN, NULL), ==, 0);
  g_assert_cmpint (pm_store_count (store, PM_TYPE_AUDIT_ENTRY, NULL), ==, 0);
  g_assert_cmpint (pm_record_get_version (good), ==, 0);
  g_clear_object (&store);
  pm_test_remove_dir (dir);
}

/* Time-ordered ids: valid UUIDs of version 7, later ones sort after
 * earlier ones, and none repeats. */
static void
test_ordered_uuid (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *first = pm_clock_ordered_uuid ();
  g_autofree char *later = NULL;

  g_assert_true (g_uuid_string_is_valid (first));
  g_assert_cmpint (first[14], ==, '7');
  g_assert_nonnull (strchr ("89ab", first[19]));
  g_usleep (2000);
  later = pm_clock_ordered_uuid ();
  g_assert_cmpstr (first, <, later);
  for (guint i = 0; i < 10000; i++)
    {
      char *id = pm_clock_ordered_uuid ();

      g_assert_true (g_uuid_string_is_valid (id));
      g_assert_true (g_hash_table_add (seen, id));
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/validation/valid-records-pass", test_valid_records);
  g_test_add_func ("/validation/ordered-uuid", test_ordered_uuid);
  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/validation/%s/%u", bad_cases[i].kind, i);

      g_test_add_data_func (path, &bad_cases[i], test_bad_case);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad_json); i++)
    {
      g_autofree char *path = g_strdup_printf ("/validation/json/%s/%u", bad_json[i].kind, i);

      g_test_add_data_func (path, &bad_json[i], test_bad_json);
    }
  g_test_add_func ("/validation/store-refuses-whole-batch", test_store_refuses_invalid);
  return g_test_run ();
}
