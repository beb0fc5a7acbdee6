/* test-letters.c: the iCalendar export, the appointment letter and the day sheet
 *
 * The calendar is checked octet by octet on crafted visits: folding at 75
 * octets without cutting a UTF-8 character, CRLF everywhere, TEXT escaping,
 * and times across the spring clock change. The PDFs are read back with
 * pdftotext. Runs in the C locale, so the texts are English; service and
 * document names are the catalogue's German ones whatever the locale.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <locale.h>

#include "pm-error.h"
#include "pm-ics.h"
#include "pm-pdf-letters.h"
#include "pm-test-utils.h"

#define CITIZEN_A "a1111111-2222-4333-8444-555555555555"
#define CITIZEN_B "b1111111-2222-4333-8444-555555555555"
#define VISIT_ID  "c1111111-2222-4333-8444-555555555555"

static GHashTable *
make_citizens (void)
{
  GHashTable *citizens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);

  g_hash_table_insert (citizens, g_strdup (CITIZEN_A), pm_test_record_from_json (PM_TYPE_CITIZEN,
    "{\"id\":\"" CITIZEN_A "\",\"family_name\":\"Muster\",\"given_names\":\"Erika\",\"birth_date\":\"1941-03-12\","
    "\"street\":\"Reilstraße\",\"house_number\":\"7\",\"postcode\":\"06114\",\"city\":\"Halle (Saale)\","
    "\"stadtteil\":\"paulusviertel\",\"care_grade\":\"3\",\"mobility_notes\":\"bettlägerig\","
    /* Commas, a semicolon, a backslash, a CRLF and a LF: everything TEXT escapes. */
    "\"phone\":\"0345 0123\",\"access_notes\":\"Hof links, 2. OG; Code 4\\\\7\\r\\nKlingel defekt\\nbitte anrufen\"}"));
  g_hash_table_insert (citizens, g_strdup (CITIZEN_B), pm_test_record_from_json (PM_TYPE_CITIZEN,
    "{\"id\":\"" CITIZEN_B "\",\"family_name\":\"Muster\",\"given_names\":\"Hans\",\"birth_date\":\"1938-07-01\","
    "\"street\":\"Reilstraße\",\"house_number\":\"7\",\"postcode\":\"06114\",\"city\":\"Halle (Saale)\","
    "\"stadtteil\":\"paulusviertel\",\"mobility_notes\":\"Rollator\"}"));
  return citizens;
}

/* A visit of both persons; fields given as JSON members override the defaults. */
static PmRecord *
make_visit (const char *members)
{
  g_autofree char *json = g_strdup_printf (
    "{\"id\":\"" VISIT_ID "\",\"citizen_ids\":[\"" CITIZEN_A "\",\"" CITIZEN_B "\"],\"location_type\":\"home\","
    "\"street\":\"Reilstraße\",\"house_number\":\"7\",\"postcode\":\"06114\",\"stadtteil\":\"paulusviertel\","
    "\"services\":[\"PB\",\"PA\"],\"duration_min\":40,\"status\":\"confirmed\",\"date\":\"2026-11-23\","
    "\"planned_start\":\"09:30\",\"route_order\":1%s%s}", members ? "," : "", members ? members : "");

  return pm_test_record_from_json (PM_TYPE_VISIT, json);
}

static char *
write_ics (PmRecord   *visit,
           GHashTable *citizens)
{
  g_autoptr(GPtrArray) visits = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  char *ics;

  g_ptr_array_add (visits, visit);
  ics = pm_ics_write (visits, citizens, &error);
  g_assert_no_error (error);
  g_assert_nonnull (ics);
  return ics;
}

/* Every line ends in CRLF, holds at most 75 octets and is whole UTF-8. */
static void
assert_lines_well_formed (const char *ics)
{
  g_auto(GStrv) lines = NULL;
  guint n;

  g_assert_true (g_str_has_suffix (ics, "\r\n"));
  lines = g_strsplit (ics, "\r\n", -1);
  n = g_strv_length (lines);
  g_assert_cmpstr (lines[n - 1], ==, "");
  for (guint i = 0; i + 1 < n; i++)
    {
      g_assert_null (strchr (lines[i], '\n'));
      g_assert_null (strchr (lines[i], '\r'));
      g_assert_cmpuint (strlen (lines[i]), <=, 75);
      g_assert_true (g_utf8_validate (lines[i], -1, NULL));
    }
}

/* The value of a property, unfolded (RFC 5545 3.1). */
static char *
property (const char *ics,
          const char *name)
{
  g_auto(GStrv) pieces = g_strsplit (ics, "\r\n ", -1);
  g_autofree char *unfolded = g_strjoinv ("", pieces);
  g_autofree char *start = g_strconcat ("\r\n", name, NULL);
  const char *line = strstr (unfolded, start);

  if (line == NULL)
    return NULL;
  line += strlen (start);
  return g_strndup (line, strstr (line, "\r\n") - line);
}

static void
test_ics_folding_and_escaping (void)
{
  g_autoptr(GHashTable) citizens = make_citizens ();
  g_autoptr(GString) street = g_string_new (NULL);
  g_autofree char *members = NULL;
  g_autoptr(PmRecord) visit = NULL;
  g_autofree char *ics = NULL;
  g_autofree char *location = NULL;
  g_autofree char *description = NULL;
  g_autofree char *summary = NULL;

  /* 200 characters, two octets each for the "ß": folds must fall between characters. */
  while (g_utf8_strlen (street->str, -1) < 200)
    g_string_append (street, "Große Straße, ");
  g_string_truncate (street, g_utf8_offset_to_pointer (street->str, 200) - street->str);
  members = g_strdup_printf ("\"street\":\"%s\",\"facility_name\":\"Haus A; Station 3, Flur\","
                             "\"facility_contact\":\"Frau Beispiel, Tel. 0345 0999\"", street->str);
  visit = make_visit (members);
  ics = write_ics (visit, citizens);
  assert_lines_well_formed (ics);

  location = property (ics, "LOCATION:");
  g_assert_nonnull (location);
  g_assert_true (g_str_has_prefix (location, "Haus A\\; Station 3\\, Flur\\, Große Straße\\, Große"));
  g_assert_nonnull (strstr (location, "\\, 06114 Halle (Saale)"));

  description = property (ics, "DESCRIPTION:");
  g_assert_nonnull (description);
  g_assert_nonnull (strstr (description, "Access for Erika Muster: Hof links\\, 2. OG\\; Code 4\\\\7\\n"
                                         "Klingel defekt\\nbitte anrufen\\n"));
  g_assert_nonnull (strstr (description, "Facility contact: Frau Beispiel\\, Tel. 0345 0999"));
  g_assert_nonnull (strstr (description, "Service: Pflegeberatung"));

  summary = property (ics, "SUMMARY:");
  g_assert_cmpstr (summary, ==, "Pflegeberatung\\, Personalausweis – Erika Muster\\, Hans Muster");
  g_assert_nonnull (strstr (ics, "\r\nUID:" VISIT_ID "@pepamo.halle.de\r\n"));

  /* The appointment layer only: no care grade, no mobility notes. */
  g_assert_null (strstr (ics, "bettlägerig"));
  g_assert_null (strstr (ics, "Rollator"));
  g_assert_null (strstr (ics, "Care grade"));
}

static void
test_ics_clock_change (void)
{
  g_autoptr(GHashTable) citizens = make_citizens ();
  g_autoptr(PmRecord) morning = make_visit ("\"date\":\"2026-03-29\",\"planned_start\":\"09:30\"");
  g_autoptr(PmRecord) night = make_visit ("\"date\":\"2026-03-29\",\"planned_start\":\"01:45\",\"duration_min\":30");
  g_autoptr(PmRecord) winter = make_visit ("\"date\":\"2026-03-28\",\"planned_start\":\"09:30\"");
  g_autofree char *ics = write_ics (morning, citizens);
  g_autofree char *night_ics = write_ics (night, citizens);
  g_autoptr(GDateTime) start = pm_appointment_get_start (morning);
  g_autoptr(GDateTime) winter_start = pm_appointment_get_start (winter);

  assert_lines_well_formed (ics);
  g_assert_nonnull (strstr (ics, "\r\nDTSTART;TZID=Europe/Berlin:20260329T093000\r\n"));
  g_assert_nonnull (strstr (ics, "\r\nDTEND;TZID=Europe/Berlin:20260329T101000\r\n"));
  g_assert_nonnull (strstr (ics, "\r\nBEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\n"));
  g_assert_nonnull (strstr (ics, "\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n"));
  /* Summer time from that morning on, winter time the day before. */
  g_assert_cmpint (g_date_time_get_utc_offset (start) / G_TIME_SPAN_HOUR, ==, 2);
  g_assert_cmpint (g_date_time_get_utc_offset (winter_start) / G_TIME_SPAN_HOUR, ==, 1);
  /* Half an hour from 01:45 CET is 03:15 CEST: the clock jumps at 02:00. */
  g_assert_nonnull (strstr (night_ics, "\r\nDTSTART;TZID=Europe/Berlin:20260329T014500\r\n"));
  g_assert_nonnull (strstr (night_ics, "\r\nDTEND;TZID=Europe/Berlin:20260329T031500\r\n"));
}

static void
test_ics_statuses (void)
{
  g_autoptr(GHashTable) citizens = make_citizens ();
  g_autoptr(PmRecord) scheduled = make_visit ("\"status\":\"scheduled\"");
  g_autoptr(PmRecord) cancelled = make_visit ("\"status\":\"cancelled\",\"status_reason\":\"Krankenhaus\"");
  g_autoptr(PmRecord) requested = make_visit ("\"status\":\"requested\",\"date\":null,\"planned_start\":null");
  g_autoptr(PmRecord) not_met = make_visit ("\"status\":\"not_met\"");
  g_autofree char *tentative = write_ics (scheduled, citizens);
  g_autofree char *off = write_ics (cancelled, citizens);
  g_autofree char *none = write_ics (requested, citizens);
  g_autofree char *missed = write_ics (not_met, citizens);

  g_assert_nonnull (strstr (tentative, "\r\nSTATUS:TENTATIVE\r\n"));
  g_assert_nonnull (strstr (off, "\r\nSTATUS:CANCELLED\r\n"));
  g_assert_null (strstr (none, "BEGIN:VEVENT"));
  g_assert_null (strstr (missed, "BEGIN:VEVENT"));
  assert_lines_well_formed (none);
  g_assert_true (pm_appointment_is_scheduled (scheduled));
  g_assert_false (pm_appointment_is_scheduled (cancelled));
}

static char *
pdf_text (const char *path)
{
  g_autofree char *quoted = g_shell_quote (path);
  g_autofree char *command = g_strdup_printf ("pdftotext -layout %s -", quoted);
  g_autoptr(GError) error = NULL;
  char *text = NULL;
  int status;

  g_spawn_command_line_sync (command, &text, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return text;
}

static void
test_letter (void)
{
  g_autoptr(GHashTable) citizens = make_citizens ();
  g_autoptr(PmRecord) visit = make_visit ("\"windows\":[\"2026-11-23T09:00/2026-11-23T10:30\"]");
  g_autofree char *dir = pm_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "letter.pdf", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  g_assert_true (pm_pdf_write_appointment_letter (path, visit, citizens, &error));
  g_assert_no_error (error);
  text = pdf_text (path);
  for (const char * const *key = (const char * const[]) {
         "Erika Muster", "Hans Muster", "Reilstraße 7", "Your appointment", "Monday, 2026-11-23",
         "between 09:00 and 10:30", "care counselling", "citizens' office", "Pflegeberatung, Personalausweis",
         "Bisheriger Personalausweis oder Reisepass", "Unterlagen zur Pflege", "a table with a socket",
         "0345 221-4619", "115", NULL };
       *key; key++)
    if (strstr (text, *key) == NULL)
      g_error ("“%s” not in the letter:\n%s", *key, text);
  g_assert_null (strstr (text, "bettlägerig"));
  pm_test_remove_dir (dir);
}

static void
test_letter_without_window (void)
{
  g_autoptr(GHashTable) citizens = make_citizens ();
  g_autoptr(PmRecord) visit = make_visit ("\"services\":[\"LB\"],\"facility_name\":\"Haus am See\"");
  g_autofree char *dir = pm_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "letter.pdf", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  g_assert_true (pm_pdf_write_appointment_letter (path, visit, citizens, &error));
  text = pdf_text (path);
  /* The planned start give or take half an hour; a care home is named. */
  g_assert_nonnull (strstr (text, "between 09:00 and 10:00"));
  g_assert_nonnull (strstr (text, "Haus am See"));
  g_assert_nonnull (strstr (text, "Rentenbescheid"));
  /* No ID capture, no table to prepare, and only the citizens' office. */
  g_assert_null (strstr (text, "a table"));
  g_assert_null (strstr (text, "care counselling"));
  pm_test_remove_dir (dir);
}

static void
test_letter_refused (void)
{
  g_autoptr(GHashTable) citizens = make_citizens ();
  g_autoptr(PmRecord) requested = make_visit ("\"status\":\"requested\",\"planned_start\":null");
  g_autofree char *dir = pm_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "letter.pdf", NULL);
  g_autofree char *missing = g_build_filename (dir, "no", "such", "letter.pdf", NULL);
  g_autoptr(PmRecord) visit = make_visit (NULL);
  g_autoptr(GError) error = NULL;

  g_assert_false (pm_pdf_write_appointment_letter (path, requested, citizens, &error));
  g_assert_error (error, PM_ERROR, PM_ERROR_INVALID);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_clear_error (&error);
  g_assert_false (pm_pdf_write_appointment_letter (missing, visit, citizens, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  pm_test_remove_dir (dir);
}

static void
test_day_sheet (void)
{
  g_autoptr(GHashTable) citizens = make_citizens ();
  g_autoptr(PmRecord) first = make_visit ("\"facility_contact\":\"Frau Beispiel, Tel. 0345 0999\"");
  g_autoptr(PmRecord) second = make_visit ("\"id\":\"d1111111-2222-4333-8444-555555555555\",\"route_order\":2,"
                                           "\"planned_start\":\"11:05\",\"services\":[\"LB\"],\"duration_min\":20,"
                                           "\"citizen_ids\":[\"" CITIZEN_B "\"]");
  g_autoptr(PmRecord) requested = make_visit ("\"status\":\"requested\",\"planned_start\":null");
  g_autoptr(GPtrArray) visits = g_ptr_array_new ();
  g_autofree char *dir = pm_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "day.pdf", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  g_ptr_array_add (visits, first);
  g_ptr_array_add (visits, second);
  g_assert_true (pm_pdf_write_day_sheet (path, "2026-11-23", "Pflege- und Pass-Mobil 1", visits, citizens, &error));
  g_assert_no_error (error);
  text = pdf_text (path);
  for (const char * const *key = (const char * const[]) {
         "Day sheet", "Pflege- und Pass-Mobil 1", "Monday, 2026-11-23", "Erika Muster, Hans Muster", "11:05", "09:30–10:10 (told: 09:00–10:00)", "Erika Muster: Hof links", "Klingel defekt",
         "Frau Beispiel", "Rentenbescheid", "Lebensbescheinigung", "60 minutes", NULL };
       *key; key++)
    if (strstr (text, *key) == NULL)
      g_error ("“%s” not in the day sheet:\n%s", *key, text);
  g_assert_null (strstr (text, "bettlägerig"));

  g_ptr_array_add (visits, requested);
  g_clear_error (&error);
  g_assert_false (pm_pdf_write_day_sheet (path, "2026-11-23", NULL, visits, citizens, &error));
  g_assert_error (error, PM_ERROR, PM_ERROR_INVALID);
  pm_test_remove_dir (dir);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/letters/ics/folding-escaping", test_ics_folding_and_escaping);
  g_test_add_func ("/letters/ics/clock-change", test_ics_clock_change);
  g_test_add_func ("/letters/ics/statuses", test_ics_statuses);
  g_test_add_func ("/letters/letter", test_letter);
  g_test_add_func ("/letters/letter/no-window", test_letter_without_window);
  g_test_add_func ("/letters/letter/refused", test_letter_refused);
  g_test_add_func ("/letters/day-sheet", test_day_sheet);
  return g_test_run ();
}
