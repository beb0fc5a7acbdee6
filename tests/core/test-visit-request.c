/* test-visit-request.c: a visit request is checked field by field and
 * flags persons already known
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <locale.h>
#include <string.h>

#include "pm-clock.h"
#include "pm-error.h"
#include "pm-test-utils.h"
#include "pm-visit-request.h"

/* What a caller gives on a good day. */
static PmVisitRequest *
good_request (void)
{
  PmVisitRequest *request = pm_visit_request_new ();

  request->family_name = g_strdup ("Müller");
  request->given_names = g_strdup ("Gertrud Anna");
  request->birth_date = g_strdup ("03.04.1938");
  request->phone = g_strdup ("0345 0123456");
  request->street = g_strdup ("Reilstr.");
  request->house_number = g_strdup ("12a");
  request->services = g_strsplit ("PB PA", " ", -1);
  request->windows = g_strsplit ("2026-11-24T09:00/2026-11-24T12:00|26.11.2026 13:00–15:00", "|", -1);
  request->priority = 2;
  request->priority_reason = g_strdup ("Personalausweis läuft am 30.11. ab");
  request->notes = g_strdup ("Klingel defekt, bitte anrufen");
  return request;
}

static void
test_good_request (void)
{
  g_autoptr(PmVisitRequest) request = good_request ();
  g_autoptr(PmRecord) citizen = NULL;
  g_autoptr(PmRecord) visit = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (pm_visit_request_build (request, NULL, &citizen, &visit, &error));
  g_assert_no_error (error);
  /* The street from the gazetteer: its proper name, Stadtteil, postcode
   * and coordinates. */
  g_assert_cmpstr (pm_record_get_string (visit, "street"), ==, "Reilstraße");
  g_assert_cmpstr (pm_record_get_string (visit, "stadtteil"), ==, "paulusviertel");
  g_assert_cmpstr (pm_record_get_string (visit, "postcode"), ==, "06114");
  g_assert_cmpfloat_with_epsilon (pm_record_get_double (visit, "lat"), 51.4950, 1e-6);
  g_assert_cmpstr (pm_record_get_string (visit, "status"), ==, "requested");
  g_assert_cmpstr (pm_record_get_strv (visit, "citizen_ids")[0], ==, pm_record_get_id (citizen));
  /* Counselling and an ID card: the catalogue's times added up. */
  g_assert_cmpint (pm_record_get_int (visit, "duration_min"), >=, 45);
  g_assert_cmpstr (pm_record_get_string (citizen, "birth_date"), ==, "1938-04-03");
  /* A window as said on the phone is written in the visit's form. */
  g_assert_cmpstr (pm_record_get_strv (visit, "windows")[1], ==, "2026-11-26T13:00/2026-11-26T15:00");
  g_assert_cmpstr (pm_record_get_string (citizen, "street"), ==, "Reilstraße");

  /* A known care home brings its address; a pin is taken as it is. */
  g_clear_object (&citizen);
  g_clear_object (&visit);
  g_clear_pointer (&request->street, g_free);
  g_clear_pointer (&request->house_number, g_free);
  g_free (request->location_type);
  request->location_type = g_strdup ("care_home");
  request->facility_name = g_strdup ("AWO Seniorenzentrum Lindenhof");
  g_assert_true (pm_visit_request_build (request, NULL, &citizen, &visit, &error));
  g_assert_cmpstr (pm_record_get_string (visit, "street"), ==, "Beesener Straße");
  g_assert_cmpstr (pm_record_get_string (visit, "house_number"), ==, "227");

  g_clear_object (&citizen);
  g_clear_object (&visit);
  request->street = g_strdup ("Hinterhof am Saaleufer");
  request->house_number = g_strdup ("3");
  request->postcode = g_strdup ("06108");
  request->manual_pin = TRUE;
  request->lat = 51.4840;
  request->lon = 11.9690;
  g_assert_true (pm_visit_request_build (request, NULL, &citizen, &visit, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (pm_record_get_double (visit, "lon"), 11.9690, 1e-9);
  g_assert_nonnull (pm_record_get_string (visit, "stadtteil"));
}

typedef struct
{
  const char *what;
  void      (*spoil) (PmVisitRequest *request);
  const char *message;   /* how the error starts: the field's name */
} BadField;

#define SET(field, value) g_free (r->field); r->field = g_strdup (value)

static void no_family (PmVisitRequest *r) { SET (family_name, "  "); }
static void digit_family (PmVisitRequest *r) { SET (family_name, "Müller2"); }
static void no_given (PmVisitRequest *r) { SET (given_names, NULL); }
static void bad_birth (PmVisitRequest *r) { SET (birth_date, "31.02.1938"); }
static void future_birth (PmVisitRequest *r) { SET (birth_date, "2030-01-01"); }
static void bad_phone (PmVisitRequest *r) { SET (phone, "0345 abc"); }
static void no_street (PmVisitRequest *r) { SET (street, ""); }
static void unknown_street (PmVisitRequest *r) { SET (street, "Kurfürstendamm"); }
static void bad_number (PmVisitRequest *r) { SET (house_number, "zwölf"); }
static void foreign_postcode (PmVisitRequest *r) { SET (postcode, "10115"); }
static void short_postcode (PmVisitRequest *r) { SET (postcode, "0611"); }
static void far_pin (PmVisitRequest *r) { r->manual_pin = TRUE; r->lat = 52.52; r->lon = 13.40; }
static void bad_location (PmVisitRequest *r) { SET (location_type, "garden"); }
static void no_facility (PmVisitRequest *r) { SET (location_type, "hospital"); }
static void no_services (PmVisitRequest *r) { g_clear_pointer (&r->services, g_strfreev); }
static void unknown_service (PmVisitRequest *r) { g_strfreev (r->services); r->services = g_strsplit ("PB XYZ", " ", -1); }
static void no_windows (PmVisitRequest *r) { g_clear_pointer (&r->windows, g_strfreev); }
static void bad_window (PmVisitRequest *r) { g_strfreev (r->windows); r->windows = g_strsplit ("morgen früh", "|", -1); }
static void reversed_window (PmVisitRequest *r) { g_strfreev (r->windows); r->windows = g_strsplit ("2026-11-24T12:00/2026-11-24T09:00", "|", -1); }
static void past_window (PmVisitRequest *r) { g_strfreev (r->windows); r->windows = g_strsplit ("2026-11-19T09:00/2026-11-19T12:00", "|", -1); }
static void bad_priority (PmVisitRequest *r) { r->priority = 7; }
static void no_reason (PmVisitRequest *r) { SET (priority_reason, " "); }
static void bad_source (PmVisitRequest *r) { SET (source, "pigeon"); }
static void long_notes (PmVisitRequest *r) { g_free (r->notes); r->notes = g_strnfill (PM_VISIT_REQUEST_MAX_NOTES + 1, 'x'); }

static const BadField bad_fields[] = {
  { "family-name-empty", no_family, "Family name: must not be empty" },
  { "family-name-digit", digit_family, "Family name: may contain only letters" },
  { "given-names-empty", no_given, "Given names: must not be empty" },
  { "birth-date-invalid", bad_birth, "Date of birth: " },
  { "birth-date-future", future_birth, "Date of birth: must not be in the future" },
  { "phone", bad_phone, "Phone: may contain only digits" },
  { "street-empty", no_street, "Street: must not be empty" },
  { "street-unknown", unknown_street, "Street: is not in the city's street list" },
  { "house-number", bad_number, "House number: must be a number" },
  { "postcode-foreign", foreign_postcode, "Postcode: is not a postcode of the city" },
  { "postcode-short", short_postcode, "Postcode: must be five digits" },
  { "pin-outside", far_pin, "Latitude: the place pinned on the map is outside the city" },
  { "location-type", bad_location, "Location type: “garden” is not one of the allowed values" },
  { "facility", no_facility, "Facility: is needed for a care home or hospital" },
  { "services-empty", no_services, "Services: " },
  { "services-unknown", unknown_service, "Services: “XYZ” is not a known service" },
  { "windows-none", no_windows, "Time windows: give at least one time" },
  { "windows-format", bad_window, "Time windows: must be of the form" },
  { "windows-reversed", reversed_window, "Time windows: a window ends before it starts" },
  { "windows-past", past_window, "Time windows: 2026-11-19T09:00/2026-11-19T12:00 lies in the past" },
  { "priority", bad_priority, "Priority: " },
  { "priority-reason", no_reason, "Reason for priority: " },
  { "source", bad_source, "Requested by: “pigeon” is not one of the allowed values" },
  { "notes", long_notes, "Notes: may be at most 2000 characters long" },
};

static void
test_bad_field (gconstpointer data)
{
  const BadField *bad = data;
  g_autoptr(PmVisitRequest) request = good_request ();
  g_autoptr(PmRecord) citizen = NULL;
  g_autoptr(PmRecord) visit = NULL;
  g_autoptr(GError) error = NULL;

  bad->spoil (request);
  g_assert_false (pm_visit_request_build (request, NULL, &citizen, &visit, &error));
  g_assert_error (error, PM_ERROR, PM_ERROR_INVALID);
  if (!g_str_has_prefix (error->message, bad->message))
    g_error ("%s: expected “%s…”, got “%s”", bad->what, bad->message, error->message);
  g_assert_null (citizen);
  g_assert_null (visit);
}

static PmRecord *
known_person (const char *family,
              const char *given,
              const char *birth,
              const char *street,
              const char *number)
{
  PmRecord *citizen = pm_record_new (PM_TYPE_CITIZEN);

  pm_record_set_string (citizen, "family_name", family);
  pm_record_set_string (citizen, "given_names", given);
  pm_record_set_string (citizen, "birth_date", birth);
  pm_record_set_string (citizen, "street", street);
  pm_record_set_string (citizen, "house_number", number);
  return citizen;
}

static void
test_duplicates (void)
{
  g_autoptr(PmVisitRequest) request = good_request ();
  g_autoptr(GPtrArray) known = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(PmRecord) citizen = NULL;
  g_autoptr(PmRecord) visit = NULL;
  PmDuplicate *first, *second;

  /* 0: the same person; 1: spelt without umlaut at the same door;
   * 2: same name, other birthday, elsewhere; 3: someone else. */
  g_ptr_array_add (known, known_person ("MÜLLER", "Gertrud", "1938-04-03", "Delitzscher Straße", "4"));
  g_ptr_array_add (known, known_person ("Mueller", "Gerda", "1941-09-09", "Reilstraße", "12A"));
  g_ptr_array_add (known, known_person ("Müller", "Gertrud", "1950-01-01", "Hansering", "1"));
  g_ptr_array_add (known, known_person ("Schulze", "Gertrud", "1938-04-03", "Reilstraße", "12a"));

  found = pm_visit_request_find_duplicates (request, known);
  g_assert_cmpuint (found->len, ==, 2);
  first = g_ptr_array_index (found, 0);
  second = g_ptr_array_index (found, 1);
  g_assert_true (first->citizen == g_ptr_array_index (known, 0));
  g_assert_cmpint (first->kind, ==, PM_DUPLICATE_SAME_BIRTH);
  g_assert_true (second->citizen == g_ptr_array_index (known, 1));
  g_assert_cmpint (second->kind, ==, PM_DUPLICATE_SAME_ADDRESS);

  /* Choosing the known person: no new one, the visit is theirs. */
  g_assert_true (pm_visit_request_build (request, g_ptr_array_index (known, 0), &citizen, &visit, NULL));
  g_assert_null (citizen);
  g_assert_cmpstr (pm_record_get_strv (visit, "citizen_ids")[0], ==,
                   pm_record_get_id (g_ptr_array_index (known, 0)));
  g_clear_pointer (&found, g_ptr_array_unref);
  request->citizen_id = g_strdup (pm_record_get_id (g_ptr_array_index (known, 0)));
  found = pm_visit_request_find_duplicates (request, known);
  g_assert_cmpuint (found->len, ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GDateTime) now = g_date_time_new_utc (2026, 11, 20, 9, 0, 0);

  setlocale (LC_ALL, "C.UTF-8");
  g_setenv ("TZ", "Europe/Berlin", TRUE);
  g_test_init (&argc, &argv, NULL);
  pm_clock_set_override (now);

  g_test_add_func ("/visit-request/good", test_good_request);
  for (guint i = 0; i < G_N_ELEMENTS (bad_fields); i++)
    {
      g_autofree char *path = g_strdup_printf ("/visit-request/bad/%s", bad_fields[i].what);

      g_test_add_data_func (path, &bad_fields[i], test_bad_field);
    }
  g_test_add_func ("/visit-request/duplicates", test_duplicates);
  return g_test_run ();
}
