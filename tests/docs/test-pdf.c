/* test-pdf.c: the care plan, receipt and cash closure, read back with poppler
 *
 * Each document is written into a temporary directory and checked with the
 * real pdftotext and pdfinfo: the key texts, the page count and that no word
 * lies outside the page. Runs in the C locale, so the texts are English; the
 * money is German whatever the locale.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <glib/gstdio.h>
#include <locale.h>

#include "pm-error.h"
#include "pm-pdf.h"
#include "pm-test-utils.h"

#define UUID_CITIZEN "11111111-2222-4333-8444-555555555555"
#define UUID_STAFF   "66666666-7777-4888-9999-aaaaaaaaaaaa"
#define UUID_CONSENT "77777777-8888-4999-8aaa-bbbbbbbbbbbb"

/* A4 in points, as pdftotext -bbox reports it */
#define PAGE_WIDTH  595.3
#define PAGE_HEIGHT 841.9

static const char citizen_json[] =
  "{\"family_name\":\"Muster\",\"given_names\":\"Erika\",\"birth_date\":\"1941-03-12\","
  "\"street\":\"Reilstraße\",\"house_number\":\"7\",\"postcode\":\"06114\",\"city\":\"Halle (Saale)\","
  "\"stadtteil\":\"paulusviertel\",\"care_grade\":\"2\"}";

static const char counsellor_json[] =
  "{\"display_name\":\"Jana Beispiel\",\"department\":\"soziales\",\"role\":\"field\",\"phone\":\"0345 0221-111\"}";

/* A directory for the document, and the person and counsellor of every test. */
typedef struct
{
  char     *dir;
  char     *path;
  PmRecord *citizen;
  PmRecord *counsellor;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->dir = pm_test_make_dir ();
  fixture->path = g_build_filename (fixture->dir, "document.pdf", NULL);
  fixture->citizen = pm_test_record_from_json (PM_TYPE_CITIZEN, citizen_json);
  fixture->counsellor = pm_test_record_from_json (PM_TYPE_STAFF, counsellor_json);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  pm_test_remove_dir (fixture->dir);
  g_clear_object (&fixture->citizen);
  g_clear_object (&fixture->counsellor);
  g_free (fixture->path);
  g_free (fixture->dir);
}

static char *
run_tool (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;
  int status;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return out;
}

/* The document's text; the no-break space before "€" reads as a space. */
static char *
pdf_text (const char *path)
{
  g_autofree char *text = run_tool ((const char *[]) { "pdftotext", "-layout", path, "-", NULL });
  g_auto(GStrv) parts = g_strsplit (text, "\u00a0", -1);

  return g_strjoinv (" ", parts);
}

static int
pdf_pages (const char *path)
{
  g_autofree char *info = run_tool ((const char *[]) { "pdfinfo", path, NULL });
  const char *pages = strstr (info, "\nPages:");

  g_assert_nonnull (pages);
  return atoi (pages + strlen ("\nPages:"));
}

/* Every word pdftotext finds lies on the page, inside a margin of 10 mm. */
static void
assert_words_on_page (const char *path)
{
  g_autofree char *html = run_tool ((const char *[]) { "pdftotext", "-bbox", path, "-", NULL });
  g_autoptr(GRegex) regex = g_regex_new ("<word xMin=\"([0-9.]+)\" yMin=\"([0-9.]+)\" xMax=\"([0-9.]+)\" "
                                         "yMax=\"([0-9.]+)\"", 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  guint n_words = 0;

  for (g_regex_match (regex, html, 0, &match); g_match_info_matches (match); g_match_info_next (match, NULL))
    {
      double box[4];

      for (guint i = 0; i < 4; i++)
        {
          g_autofree char *number = g_match_info_fetch (match, i + 1);

          box[i] = g_ascii_strtod (number, NULL);
        }
      g_assert_cmpfloat (box[0], >=, 28);
      g_assert_cmpfloat (box[1], >=, 28);
      g_assert_cmpfloat (box[2], <=, PAGE_WIDTH - 28);
      g_assert_cmpfloat (box[3], <=, PAGE_HEIGHT - 28);
      n_words++;
    }
  g_assert_cmpuint (n_words, >, 20);
}

static void
assert_contains (const char *text,
                 const char *part)
{
  if (strstr (text, part) == NULL)
    g_error ("“%s” is missing from:\n%s", part, text);
}

static guint
count_occurrences (const char *text,
                   const char *part)
{
  guint n = 0;

  for (const char *p = strstr (text, part); p; p = strstr (p + 1, part))
    n++;
  return n;
}

/* "Page n of N" on every page, with N the real page count. */
static int
assert_page_footers (const char *path,
                     const char *text)
{
  int pages = pdf_pages (path);

  for (int page = 1; page <= pages; page++)
    {
      g_autofree char *footer = g_strdup_printf ("Page %d of %d", page, pages);

      assert_contains (text, footer);
    }
  return pages;
}

static PmRecord *
make_counselling (guint n_measures)
{
  GString *json = g_string_new ("{\"citizen_id\":\"" UUID_CITIZEN "\",\"staff_id\":\"" UUID_STAFF "\","
                                "\"occasion\":\"relative\",\"participants\":[\"Person selbst\",\"Tochter\"],"
                                "\"care_grade\":\"2\",\"care_insurance\":\"AOK Sachsen-Anhalt\","
                                "\"topics\":[\"dementia\",\"day_care\"],"
                                "\"results\":\"Antrag auf Höherstufung wird gestellt; Entlastungsbetrag erklärt.\","
                                "\"referrals\":[{\"to\":\"Pflegestützpunkt Halle\",\"date\":\"2026-11-25\"}],"
                                "\"consent_ids\":[\"" UUID_CONSENT "\"],\"follow_up_date\":\"2026-12-18\","
                                "\"mode\":\"home\",\"status\":\"final\",\"created_at\":\"2026-11-20T10:00:00Z\","
                                "\"measures\":[");
  g_autofree char *text = NULL;

  for (guint i = 1; i <= n_measures; i++)
    g_string_append_printf (json, "%s{\"measure\":\"Measure %02u: ask the care insurance about the relief "
                            "budget and send the form back\",\"who\":\"Tochter\",\"due\":\"2026-12-%02u\"}",
                            i > 1 ? "," : "", i, 1 + i % 28);
  g_string_append (json, "]}");
  text = g_string_free (json, FALSE);
  return pm_test_record_from_json (PM_TYPE_COUNSELLING_RECORD, text);
}

/* Writes a care plan with n_measures measures (and other results, unless
 * NULL) and returns its text. */
static char *
write_care_plan (Fixture    *fixture,
                 guint       n_measures,
                 const char *results)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PmRecord) counselling = make_counselling (n_measures);

  if (results != NULL)
    pm_record_set_string (counselling, "results", results);

  g_assert_true (pm_pdf_write_care_plan (fixture->path, counselling, fixture->citizen, fixture->counsellor, &error));
  g_assert_no_error (error);
  assert_words_on_page (fixture->path);
  return pdf_text (fixture->path);
}

static void
test_care_plan (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *text = write_care_plan (fixture, 3, NULL);

  assert_contains (text, "Halle (Saale)");
  assert_contains (text, "Fachbereich Soziales, Pflegeberatung");
  assert_contains (text, "Your care plan");
  assert_contains (text, "Erika Muster");
  assert_contains (text, "1941-03-12");
  assert_contains (text, "2026-11-20");
  assert_contains (text, "Jana Beispiel");
  assert_contains (text, "Care grade 2");
  assert_contains (text, "Dementia");
  assert_contains (text, "Day care");
  assert_contains (text, "Antrag auf Höherstufung");
  assert_contains (text, "Measure 01");
  assert_contains (text, "Measure 03");
  assert_contains (text, "Tochter");
  assert_contains (text, "2026-12-02");
  assert_contains (text, "Pflegestützpunkt Halle (2026-11-25)");
  assert_contains (text, "2026-12-18");
  assert_contains (text, "115");
  g_assert_cmpint (assert_page_footers (fixture->path, text), <=, 2);
}

/* Results longer than a page and thirty measures: the paragraph and the
 * table go on over pages, the table's header row with it. */
static void
test_care_plan_long (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GString) results = g_string_new (NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) page_texts = NULL;
  guint table_pages = 0;
  int pages;

  for (guint i = 1; i <= 60; i++)
    g_string_append_printf (results, "Sentence %02u of the results, long enough to fill a line. ", i);
  text = write_care_plan (fixture, 30, results->str);
  pages = assert_page_footers (fixture->path, text);
  assert_contains (text, "Sentence 01");
  assert_contains (text, "Sentence 60");

  /* About 30 lines of 14 pt fit on a page: the results take two pages,
   * the measures (three lines each) four more. */
  g_assert_cmpint (pages, >=, 6);
  g_assert_cmpint (pages, <=, 9);
  for (guint i = 1; i <= 30; i++)
    {
      g_autofree char *measure = g_strdup_printf ("Measure %02u:", i);

      g_assert_cmpuint (count_occurrences (text, measure), ==, 1);
    }
  g_assert_cmpuint (count_occurrences (text, "Halle (Saale)\n"), >=, (guint) pages);
  /* The header row is repeated on every page the table reaches. */
  page_texts = g_strsplit (text, "\f", -1);
  for (guint i = 0; page_texts[i]; i++)
    if (strstr (page_texts[i], "Measure ") != NULL)
      {
        assert_contains (page_texts[i], "By when");
        table_pages++;
      }
  g_assert_cmpuint (table_pages, >=, 3);
  assert_contains (text, "How to reach us");
}

static void
test_care_plan_bad_measures (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PmRecord) counselling = make_counselling (1);

  pm_record_set_string (counselling, "measures", "[{\"measure\": unfinished");
  g_assert_false (pm_pdf_write_care_plan (fixture->path, counselling, fixture->citizen, fixture->counsellor,
                                          &error));
  g_assert_error (error, PM_ERROR, PM_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, "Care plan:"));
  g_assert_false (g_file_test (fixture->path, G_FILE_TEST_EXISTS));
}

static PmRecord *
make_case (const char *service,
           gint64      fee_cents,
           const char *payment,
           const char *receipt_no,
           const char *extra)
{
  g_autofree char *json = g_strdup_printf ("{\"citizen_id\":\"" UUID_CITIZEN "\",\"staff_id\":\"" UUID_STAFF "\","
                                           "\"service\":\"%s\",\"status\":\"captured\",\"fee_cents\":%" G_GINT64_FORMAT ","
                                           "\"payment_method\":\"%s\",\"captured_on\":\"2026-11-20\"%s%s%s}",
                                           service, fee_cents, payment,
                                           receipt_no ? ",\"receipt_no\":\"" : "", receipt_no ? receipt_no : "",
                                           receipt_no ? "\"" : "");
  PmRecord *kase = pm_test_record_from_json (PM_TYPE_CASE, json);

  if (extra != NULL)
    {
      g_autoptr(JsonNode) node = json_from_string (extra, NULL);
      g_autoptr(GError) error = NULL;

      g_assert_true (pm_record_update_from_json (kase, json_node_get_object (node), &error));
      g_assert_no_error (error);
    }
  return kase;
}

static PmRecord *
make_signature (void)
{
  return pm_test_record_from_json (PM_TYPE_SIGNATURE,
                                   "{\"record_kind\":\"case\",\"record_id\":\"" UUID_CITIZEN "\","
                                   "\"signer_name\":\"Erika Muster\",\"signed_at\":\"2026-11-20T10:00:00Z\","
                                   "\"strokes\":[[[0.05,0.6],[0.15,0.2],[0.25,0.8],[0.35,0.3],[0.45,0.7],"
                                   "[0.6,0.4],[0.8,0.6],[0.95,0.5]],[[0.3,0.9],[0.7,0.85]]]}");
}

/* Writes the receipt of a case and returns its text. */
static char *
write_receipt (Fixture  *fixture,
               PmRecord *kase,
               PmRecord *signature)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (pm_pdf_write_receipt (fixture->path, kase, fixture->citizen, signature, &error));
  g_assert_no_error (error);
  assert_words_on_page (fixture->path);
  return pdf_text (fixture->path);
}

static void
test_receipt (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PmRecord) kase = make_case ("PA", 4600, "card", "PM1-2026-00042",
                                        "{\"options\":[\"photo\"],\"handover_mode\":\"visit\","
                                        "\"pin_letter_delivery\":\"registration_address\"}");
  g_autoptr(PmRecord) signature = make_signature ();
  g_autofree char *text = write_receipt (fixture, kase, signature);

  assert_contains (text, "Fachbereich Einwohnerwesen");
  assert_contains (text, "Receipt");
  assert_contains (text, "Erika Muster");
  assert_contains (text, "Personalausweis");
  assert_contains (text, "Foto vor Ort");
  assert_contains (text, "46,00 €");
  assert_contains (text, "Card");
  assert_contains (text, "PM1-2026-00042");
  assert_contains (text, "Bundesdruckerei");
  assert_contains (text, "second visit");
  assert_contains (text, "PIN letter");
  assert_contains (text, "0345 221-4619");
  assert_contains (text, "einwohnerwesen@halle.de");
  assert_contains (text, "Signed by Erika Muster on 2026-11-20");
}

static void
test_receipt_waived (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PmRecord) kase = make_case ("PA", 4600, "none", NULL,
                                        "{\"fee_waived\":true,\"waiver_reason\":\"Härtefall nach § 1 Abs. 6 PAuswGebV\"}");
  g_autofree char *text = write_receipt (fixture, kase, NULL);

  assert_contains (text, "Fee waived");
  assert_contains (text, "Härtefall");
  assert_contains (text, "registration office deals with your application");
  g_assert_null (strstr (text, "Signature"));
}

static void
test_receipt_bad_strokes (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PmRecord) kase = make_case ("PA", 4600, "card", "PM1-2026-00043", NULL);
  g_autoptr(PmRecord) signature = make_signature ();

  pm_record_set_string (signature, "strokes", "{\"not\":\"strokes\"}");
  g_assert_false (pm_pdf_write_receipt (fixture->path, kase, fixture->citizen, signature, &error));
  g_assert_error (error, PM_ERROR, PM_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, "Signature:"));
  g_assert_false (g_file_test (fixture->path, G_FILE_TEST_EXISTS));
}

/* The line of the totals table that starts with label. */
static char *
find_line (const char *text,
           const char *label)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i]; i++)
    if (g_str_has_prefix (g_strchug (lines[i]), label))
      return g_strdup (lines[i]);
  g_error ("no line starts with “%s” in:\n%s", label, text);
}

#define VAN_ID "5a1e0c3e-5a4b-4c8e-9d1e-000000000001"

static PmCashClosure *
make_closure (GPtrArray *cases)
{
  PmCashClosure *closure = pm_cash_closure_new_for_day (VAN_ID, "Mobil 1", "2026-11-20", cases);

  pm_record_set_string (PM_RECORD (closure), "staff_id", PM_TEST_STAFF_ID);
  return closure;
}

static PmCashClosure *
make_one_payment_closure (void)
{
  g_autoptr(GPtrArray) cases = g_ptr_array_new_with_free_func (g_object_unref);

  g_ptr_array_add (cases, make_case ("PA", 4600, "card", "PM1-2026-00001", NULL));
  return make_closure (cases);
}

static void
test_cash_closure (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) cases = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *text = NULL;
  g_autofree char *card = NULL;
  g_autofree char *cash = NULL;
  g_autofree char *invoice = NULL;
  g_autofree char *total = NULL;
  g_autoptr(PmCashClosure) closure = NULL;
  gint64 card_sum = 0, cash_sum = 0, invoice_sum = 0;

  g_ptr_array_add (cases, make_case ("PA", 4600, "card", "PM1-2026-00001", NULL));
  g_ptr_array_add (cases, make_case ("RP", 7000 + 3200, "card", "PM1-2026-00002", NULL));
  g_ptr_array_add (cases, make_case ("FZ", 1300, "cash", "PM1-2026-00003", NULL));
  g_ptr_array_add (cases, make_case ("MB", 500, "cash", "PM1-2026-00004", NULL));
  g_ptr_array_add (cases, make_case ("RP", 99900, "invoice", "PM1-2026-00005", NULL));
  g_ptr_array_add (cases, make_case ("BEFR", 0, "none", NULL, "{\"registration_number\":\"V-200007\"}"));
  g_ptr_array_add (cases, make_case ("PA", 4600, "none", NULL,
                                     "{\"fee_waived\":true,\"waiver_reason\":\"Härtefall\"}"));
  for (guint i = 0; i < cases->len; i++)
    {
      PmRecord *kase = g_ptr_array_index (cases, i);
      const char *method = pm_record_get_string (kase, "payment_method");
      gint64 fee = pm_record_get_boolean (kase, "fee_waived") ? 0 : pm_record_get_int (kase, "fee_cents");

      card_sum += g_str_equal (method, "card") ? fee : 0;
      cash_sum += g_str_equal (method, "cash") ? fee : 0;
      invoice_sum += g_str_equal (method, "invoice") ? fee : 0;
    }
  g_assert_cmpint (card_sum, ==, 14800);
  g_assert_cmpint (cash_sum, ==, 1800);
  g_assert_cmpint (invoice_sum, ==, 99900);
  g_assert_cmpint (card_sum + cash_sum + invoice_sum, ==, 116500);

  closure = make_closure (cases);
  g_assert_cmpint (pm_record_get_int (PM_RECORD (closure), "paid_count"), ==, 5);
  g_assert_cmpint (pm_record_get_int (PM_RECORD (closure), "total_cents"), ==, 116500);
  g_assert_true (pm_pdf_write_cash_closure (fixture->path, closure, &error));
  g_assert_no_error (error);
  text = pdf_text (fixture->path);
  assert_contains (text, "Daily cash closure");
  assert_contains (text, "Mobil 1");
  assert_contains (text, "2026-11-20");
  assert_contains (text, "PM1-2026-00005");
  assert_contains (text, "Reisepass");
  assert_contains (text, "999,00 €");
  card = find_line (text, "Card ");
  cash = find_line (text, "Cash ");
  invoice = find_line (text, "Invoice ");
  total = find_line (text, "Total ");
  assert_contains (card, "148,00 €");
  assert_contains (cash, "18,00 €");
  assert_contains (invoice, "999,00 €");
  assert_contains (total, "1.165,00 €");
  assert_contains (total, " 5 ");
  assert_contains (text, "Cases without payment");
  assert_contains (text, "V-200007");
  assert_contains (text, "Free of charge");
  assert_contains (text, "Fee waived");
  assert_contains (text, "Closed at");
  assert_words_on_page (fixture->path);
}

/* A closure from another device whose totals do not add up is refused, and
 * no document is written from it. */
static void
test_cash_closure_tampered (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PmCashClosure) closure = make_one_payment_closure ();

  pm_record_set_int (PM_RECORD (closure), "total_cents", 100);
  g_assert_false (pm_pdf_write_cash_closure (fixture->path, closure, &error));
  g_assert_error (error, PM_ERROR, PM_ERROR_INVALID);
  g_assert_false (g_file_test (fixture->path, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  pm_record_set_int (PM_RECORD (closure), "total_cents", 4600);
  pm_record_set_string (PM_RECORD (closure), "lines",
                        "[{\"case_id\":\"" VAN_ID "\",\"service\":\"PA\",\"method\":\"gold\",\"amount_cents\":4600}]");
  g_assert_false (pm_pdf_write_cash_closure (fixture->path, closure, &error));
  g_assert_error (error, PM_ERROR, PM_ERROR_INVALID);
  g_clear_error (&error);

  pm_record_set_string (PM_RECORD (closure), "lines", "{\"not\":\"a list\"}");
  g_assert_false (pm_pdf_write_cash_closure (fixture->path, closure, &error));
  g_assert_error (error, PM_ERROR, PM_ERROR_INVALID);
  g_assert_false (g_file_test (fixture->path, G_FILE_TEST_EXISTS));
}

/* Money is German in the documents whatever LC_NUMERIC says. */
static void
test_money_locale (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PmRecord) kase = make_case ("PA", 4600, "card", "PM1-2026-00044", NULL);
  g_autofree char *text = NULL;
  g_autofree char *small = pm_format_money (5);
  g_autofree char *large = pm_format_money (123456789);
  g_autofree char *negative = pm_format_money (-4600);

  if (setlocale (LC_NUMERIC, "de_DE.UTF-8") == NULL)
    {
      g_test_skip ("the de_DE.UTF-8 locale is not installed");
      return;
    }
  g_assert_cmpstr (small, ==, "0,05\u00a0€");
  g_assert_cmpstr (large, ==, "1.234.567,89\u00a0€");
  g_assert_cmpstr (negative, ==, "-46,00\u00a0€");
  g_assert_true (pm_pdf_write_receipt (fixture->path, kase, fixture->citizen, NULL, &error));
  setlocale (LC_NUMERIC, "C");
  g_assert_no_error (error);
  text = pdf_text (fixture->path);
  assert_contains (text, "46,00 €");
  g_assert_null (strstr (text, "46.00"));
  g_assert_null (strstr (text, "4600"));
}

static void
assert_write_fails (const char *path,
                    int         code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PmCashClosure) closure = make_one_payment_closure ();

  g_assert_false (pm_pdf_write_cash_closure (path, closure, &error));
  g_assert_error (error, G_IO_ERROR, code);
  g_assert_nonnull (strstr (error->message, path));
}

/* A path that cannot be written is an error and leaves no file behind. */
static void
test_bad_path (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *missing = g_build_filename (fixture->dir, "no-such-dir", "closure.pdf", NULL);
  g_autoptr(GDir) dir = NULL;

  assert_write_fails (missing, G_IO_ERROR_NOT_FOUND);
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
  /* The document is complete, but renaming it onto a directory fails. */
  g_assert_cmpint (g_mkdir (fixture->path, 0700), ==, 0);
  assert_write_fails (fixture->path, G_IO_ERROR_IS_DIRECTORY);
  dir = g_dir_open (fixture->dir, 0, NULL);
  g_assert_cmpstr (g_dir_read_name (dir), ==, "document.pdf");
  g_assert_null (g_dir_read_name (dir));
}

static guint
count_ink (cairo_surface_t *surface,
           int              x0,
           int              y0,
           int              x1,
           int              y1)
{
  unsigned char *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  guint n = 0;

  cairo_surface_flush (surface);
  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1; x++)
      n += ((guint32 *) (data + y * stride))[x] != 0;
  return n;
}

/* Strokes land inside their rectangle; a bad point is skipped; a field
 * that is not a list of strokes draws nothing. */
static void
test_signature_draw (void)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 200, 100);
  cairo_t *cr = cairo_create (surface);

  g_assert_true (pm_signature_draw (cr, "[[[0,0.5],[1,0.5],[\"x\",1]],[[1.5,2]],7]", 50, 25, 100, 50));
  g_assert_cmpuint (count_ink (surface, 50, 25, 150, 75), >, 80);
  g_assert_cmpuint (count_ink (surface, 0, 0, 200, 25) + count_ink (surface, 0, 75, 200, 100) +
                    count_ink (surface, 0, 25, 50, 75) + count_ink (surface, 150, 25, 200, 75), ==, 0);
  g_assert_false (pm_signature_draw (cr, "not json", 0, 0, 200, 100));
  g_assert_false (pm_signature_draw (cr, NULL, 0, 0, 200, 100));
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

#define ADD(name, func) g_test_add (name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  ADD ("/docs/care-plan", test_care_plan);
  ADD ("/docs/care-plan/long", test_care_plan_long);
  ADD ("/docs/care-plan/bad-measures", test_care_plan_bad_measures);
  ADD ("/docs/receipt", test_receipt);
  ADD ("/docs/receipt/waived", test_receipt_waived);
  ADD ("/docs/receipt/bad-strokes", test_receipt_bad_strokes);
  ADD ("/docs/cash-closure", test_cash_closure);
  ADD ("/docs/cash-closure-tampered", test_cash_closure_tampered);
  ADD ("/docs/money/locale", test_money_locale);
  ADD ("/docs/bad-path", test_bad_path);
  g_test_add_func ("/docs/signature", test_signature_draw);
  return g_test_run ();
}
