/* test-forms.c: the counselling and case forms, filled through their widgets
 *
 * Runs under a display (Xvfb in CI). Every wait is bounded; nothing sleeps.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <adwaita.h>

#include "pm-case-page.h"
#include "pm-catalogue.h"
#include "pm-clock.h"
#include "pm-counselling-page.h"
#include "pm-demo.h"
#include "pm-form-util.h"
#include "pm-json-util.h"
#include "pm-signature-pad.h"
#include "pm-test-utils.h"

typedef struct
{
  char       *dir;
  PmStore    *store;
  PmRecord   *visit;
  PmRecord   *citizen;
  const char *staff_id;
  GtkWidget  *window;
  PmFormPage *page;
  PmRecord   *finished;
  const char *expected;
} Fixture;

static void
wait_for (gboolean  (*done) (Fixture *),
          Fixture    *f,
          const char *what)
{
  pm_test_wait_until ((gboolean (*) (gpointer)) done, f, what);
}

/* Lets pending work (draws, idle callbacks) run without blocking. */
static void
drain (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static gboolean
page_ready (Fixture *f)
{
  return pm_form_page_get_ready (f->page);
}

static gboolean
page_finished (Fixture *f)
{
  return f->finished != NULL;
}

static void
finished_cb (PmFormPage *page,
             PmRecord   *record,
             Fixture    *f)
{
  g_set_object (&f->finished, record);
}

/* The first visit of the day that has a person, as the van would open it. */
static void
fixture_set_up (Fixture       *f,
                gconstpointer  department)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *today = pm_clock_today ();
  g_autoptr(GPtrArray) visits = NULL;
  const PmDemoStaff *staff;
  guint n_staff;

  f->dir = pm_test_make_dir ();
  f->store = pm_test_open_store (f->dir);
  g_assert_true (pm_demo_fill (f->store, today, 3, &error));
  g_assert_no_error (error);
  staff = pm_demo_get_staff (&n_staff);
  for (guint i = 0; i < n_staff && f->staff_id == NULL; i++)
    if (g_str_equal (staff[i].department, department) && g_str_equal (staff[i].role, "field"))
      f->staff_id = staff[i].id;
  g_assert_nonnull (f->staff_id);
  pm_store_set_actor (f->store, f->staff_id, PM_ROLE_FIELD, department);

  visits = pm_store_list_visits_for_day (f->store, today, &error);
  g_assert_no_error (error);
  g_assert_cmpint (visits->len, >, 0);
  f->visit = g_object_ref (g_ptr_array_index (visits, 0));
  f->citizen = pm_store_get (f->store, PM_TYPE_CITIZEN, pm_record_get_strv (f->visit, "citizen_ids")[0], &error);
  g_assert_no_error (error);
}

static void
close_page (Fixture *f)
{
  g_clear_pointer ((GtkWindow **) &f->window, gtk_window_destroy);
  f->page = NULL;
  drain ();
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  close_page (f);
  g_clear_object (&f->finished);
  g_clear_object (&f->visit);
  g_clear_object (&f->citizen);
  g_clear_object (&f->store);
  pm_test_remove_dir (f->dir);
  g_free (f->dir);
}

/* Opens a page in a window of the van's screen size and waits for it to
 * have read its draft. */
static void
open_page (Fixture *f,
           GType    type)
{
  f->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1024, 600);
  f->page = g_object_new (type, NULL);
  gtk_window_set_child (GTK_WINDOW (f->window), GTK_WIDGET (f->page));
  g_signal_connect (f->page, "finished", G_CALLBACK (finished_cb), f);
  if (type == PM_TYPE_CASE_PAGE)
    pm_case_page_edit (PM_CASE_PAGE (f->page), f->store, f->visit, f->citizen, f->staff_id);
  else
    pm_counselling_page_edit (PM_COUNSELLING_PAGE (f->page), f->store, f->visit, f->citizen, f->staff_id);
  gtk_window_present (GTK_WINDOW (f->window));
  wait_for (page_ready, f, "reading the draft");
}

typedef gboolean (*Match) (GtkWidget     *widget,
                           gconstpointer  key);

static void
find_all (GtkWidget     *widget,
          Match          match,
          gconstpointer  key,
          GPtrArray     *found)
{
  if (match (widget, key))
    g_ptr_array_add (found, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    find_all (child, match, key, found);
}

static GtkWidget *
find (GtkWidget     *widget,
      Match          match,
      gconstpointer  key)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new ();

  find_all (widget, match, key, found);
  return found->len ? g_ptr_array_index (found, 0) : NULL;
}

/* @type is a GType. */
static gboolean
is_a (GtkWidget     *widget,
      gconstpointer  type)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, GPOINTER_TO_SIZE (type));
}

#define TYPE_KEY(type) GSIZE_TO_POINTER (type)

static gboolean
is_row_titled (GtkWidget     *widget,
               gconstpointer  title)
{
  return ADW_IS_PREFERENCES_ROW (widget) &&
         g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0;
}

static gboolean
is_button_labelled (GtkWidget     *widget,
                    gconstpointer  label)
{
  return GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0;
}

static gboolean
has_css_class (GtkWidget     *widget,
               gconstpointer  name)
{
  return gtk_widget_has_css_class (widget, name);
}

static GtkWidget *
row (Fixture    *f,
     const char *title)
{
  GtkWidget *found = find (GTK_WIDGET (f->page), is_row_titled, title);

  g_assert_nonnull (found);
  return found;
}

static gboolean
is_check_labelled (GtkWidget     *widget,
                   gconstpointer  label)
{
  return GTK_IS_CHECK_BUTTON (widget) && g_strcmp0 (gtk_check_button_get_label (GTK_CHECK_BUTTON (widget)), label) == 0;
}

/* A check button by its label (topics) or in a row of that title
 * (documents, options). */
static GtkCheckButton *
check (Fixture    *f,
       const char *title)
{
  GtkWidget *found = find (GTK_WIDGET (f->page), is_check_labelled, title);

  if (found == NULL)
    found = find (row (f, title), is_a, TYPE_KEY (GTK_TYPE_CHECK_BUTTON));
  g_assert_nonnull (found);
  return GTK_CHECK_BUTTON (found);
}

static void
click (Fixture    *f,
       const char *label)
{
  GtkWidget *button = find (GTK_WIDGET (f->page), is_button_labelled, label);

  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

static void
type (Fixture    *f,
      const char *title,
      const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (row (f, title)), text);
}

/* Selects the entry of a combo row whose label is @label. */
static void
choose (Fixture    *f,
        const char *title,
        const char *label)
{
  AdwComboRow *combo = ADW_COMBO_ROW (row (f, title));
  GListModel *model = adw_combo_row_get_model (combo);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    if (g_strcmp0 (gtk_string_list_get_string (GTK_STRING_LIST (model), i), label) == 0)
      {
        adw_combo_row_set_selected (combo, i);
        return;
      }
  g_error ("“%s” offers no “%s”", title, label);
}

static PmSignaturePad *
pad (Fixture *f)
{
  return PM_SIGNATURE_PAD (find (GTK_WIDGET (f->page), is_a, TYPE_KEY (PM_TYPE_SIGNATURE_PAD)));
}

static const char *
fee_shown (Fixture *f)
{
  return gtk_label_get_label (GTK_LABEL (find (GTK_WIDGET (f->page), has_css_class, "fee-amount")));
}

static gboolean
draft_gone (Fixture *f)
{
  g_autofree char *draft = pm_store_load_draft (f->store, pm_form_page_get_form_id (f->page), NULL, NULL);

  return draft == NULL;
}

/* The draft in the store holds f->expected (polled: it is written from
 * the store's thread). */
static gboolean
draft_contains (Fixture *f)
{
  g_autofree char *draft = pm_store_load_draft (f->store, pm_form_page_get_form_id (f->page), NULL, NULL);

  return draft && strstr (draft, f->expected) != NULL;
}

static JsonNode *
parse (const char *json)
{
  JsonNode *node = json_from_string (json, NULL);

  g_assert_nonnull (node);
  return node;
}

/* Filled through the widgets, finished, and read back from the store. */
static void
test_counselling (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GPtrArray) measure_entries = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(PmRecord) record = NULL;
  g_autoptr(PmRecord) consent = NULL;
  g_autoptr(JsonNode) measures = NULL;
  g_autoptr(JsonNode) referrals = NULL;
  g_autoptr(JsonNode) situation = NULL;
  const char * const *consent_ids;
  const char * const *topics;
  JsonObject *referral;
  GtkWidget *add_referral;

  open_page (f, PM_TYPE_COUNSELLING_PAGE);
  choose (f, "Occasion", "A relative");
  type (f, "Participants (separated by commas)", "Erna Beispiel, Karin Beispiel (daughter)");
  choose (f, "Mode", "Phone");
  type (f, "Follow-up date (Wiedervorlage)", "1.12.2026");
  choose (f, "Care grade", "Applied for");
  type (f, "Care insurance", "AOK Sachsen-Anhalt");
  type (f, "Carers", "Daughter, twice a week");
  choose (f, "Strain of the carers", "High");
  gtk_check_button_set_active (check (f, "Dementia"), TRUE);
  gtk_check_button_set_active (check (f, "Day care"), TRUE);
  gtk_check_button_set_active (check (f, "Short-term care place"), TRUE);

  click (f, "_Add Measure");
  click (f, "_Add Measure");
  click (f, "_Add Measure");
  /* Removing the first renumbers the rest; the two left are filled in. */
  g_signal_emit_by_name (find (row (f, "Measure 1"), is_a, TYPE_KEY (GTK_TYPE_BUTTON)), "clicked");
  g_assert_null (find (GTK_WIDGET (f->page), is_row_titled, "Measure 3"));
  find_all (row (f, "Measure 1"), is_a, TYPE_KEY (GTK_TYPE_ENTRY), measure_entries);
  find_all (row (f, "Measure 2"), is_a, TYPE_KEY (GTK_TYPE_ENTRY), measure_entries);
  g_assert_cmpint (measure_entries->len, ==, 6);
  gtk_editable_set_text (g_ptr_array_index (measure_entries, 0), "Apply for care grade");
  gtk_editable_set_text (g_ptr_array_index (measure_entries, 1), "Daughter");
  gtk_editable_set_text (g_ptr_array_index (measure_entries, 2), "15.12.2026");
  gtk_editable_set_text (g_ptr_array_index (measure_entries, 3), "Visit a day care centre");
  gtk_editable_set_text (g_ptr_array_index (measure_entries, 4), "Counsellor");

  /* No referral before a referral consent is recorded. */
  add_referral = find (GTK_WIDGET (f->page), is_button_labelled, "Add _Referral");
  g_assert_false (gtk_widget_is_sensitive (add_referral));
  choose (f, "Purpose", "Referral");
  choose (f, "Form", "Written");
  click (f, "Record _Consent");
  g_assert_true (gtk_widget_is_sensitive (add_referral));
  type (f, "Referred to", "Pflegestützpunkt Halle");
  click (f, "Add _Referral");

  click (f, "_Finish");
  wait_for (page_finished, f, "saving the counselling record");

  record = pm_store_get (f->store, PM_TYPE_COUNSELLING_RECORD, pm_record_get_id (f->finished), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (pm_record_get_string (record, "occasion"), ==, "relative");
  g_assert_cmpstr (pm_record_get_string (record, "mode"), ==, "phone");
  g_assert_cmpstr (pm_record_get_string (record, "status"), ==, "final");
  g_assert_cmpstr (pm_record_get_string (record, "care_grade"), ==, "applied");
  g_assert_cmpstr (pm_record_get_string (record, "care_insurance"), ==, "AOK Sachsen-Anhalt");
  g_assert_cmpstr (pm_record_get_string (record, "follow_up_date"), ==, "2026-12-01");
  g_assert_cmpstr (pm_record_get_string (record, "citizen_id"), ==, pm_record_get_id (f->citizen));
  g_assert_cmpstr (pm_record_get_string (record, "visit_id"), ==, pm_record_get_id (f->visit));
  g_assert_cmpint (g_strv_length ((char **) pm_record_get_strv (record, "participants")), ==, 2);
  g_assert_cmpstr (pm_record_get_strv (record, "participants")[1], ==, "Karin Beispiel (daughter)");
  topics = pm_record_get_strv (record, "topics");
  g_assert_cmpint (g_strv_length ((char **) topics), ==, 2);
  g_assert_true (g_strv_contains (topics, "dementia"));
  g_assert_true (g_strv_contains (topics, "day_care"));
  /* Unmet needs: what the MUVIS figures count. */
  g_assert_cmpstr (pm_record_get_strv (record, "unmet_needs")[0], ==, "short_term_care_place");
  g_assert_null (pm_record_get_strv (record, "unmet_needs")[1]);

  situation = parse (pm_record_get_string (record, "care_situation"));
  g_assert_cmpstr (pm_json_get_string (json_node_get_object (situation), "carers"), ==, "Daughter, twice a week");
  g_assert_cmpstr (pm_json_get_string (json_node_get_object (situation), "carer_strain"), ==, "high");

  measures = parse (pm_record_get_string (record, "measures"));
  g_assert_cmpint (json_array_get_length (json_node_get_array (measures)), ==, 2);
  g_assert_cmpstr (pm_json_get_string (pm_json_array_get_object (json_node_get_array (measures), 0), "measure"),
                   ==, "Apply for care grade");
  g_assert_cmpstr (pm_json_get_string (pm_json_array_get_object (json_node_get_array (measures), 0), "deadline"),
                   ==, "2026-12-15");
  g_assert_cmpstr (pm_json_get_string (pm_json_array_get_object (json_node_get_array (measures), 1), "who"),
                   ==, "Counsellor");

  consent_ids = pm_record_get_strv (record, "consent_ids");
  g_assert_cmpint (g_strv_length ((char **) consent_ids), ==, 1);
  consent = pm_store_get (f->store, PM_TYPE_CONSENT, consent_ids[0], &error);
  g_assert_no_error (error);
  g_assert_cmpstr (pm_record_get_string (consent, "purpose"), ==, "referral");
  g_assert_cmpstr (pm_record_get_string (consent, "form"), ==, "written");
  g_assert_cmpstr (pm_record_get_string (consent, "citizen_id"), ==, pm_record_get_id (f->citizen));

  referrals = parse (pm_record_get_string (record, "referrals"));
  g_assert_cmpint (json_array_get_length (json_node_get_array (referrals)), ==, 1);
  referral = pm_json_array_get_object (json_node_get_array (referrals), 0);
  g_assert_cmpstr (pm_json_get_string (referral, "to"), ==, "Pflegestützpunkt Halle");
  g_assert_cmpstr (pm_json_get_string (referral, "consent_id"), ==, consent_ids[0]);

  wait_for (draft_gone, f, "discarding the draft");
}

/* Refused: the banner names the field by its label, the field is marked. */
static void
assert_refused_at (Fixture    *f,
                   GtkWidget  *field,
                   const char *label)
{
  GtkWidget *banner = find (GTK_WIDGET (f->page), has_css_class, "form-error");
  g_autofree char *prefix = g_strconcat (label, ":", NULL);

  g_assert_true (gtk_widget_get_visible (banner));
  g_assert_true (g_str_has_prefix (gtk_label_get_label (GTK_LABEL (banner)), prefix));
  g_assert_true (gtk_widget_has_css_class (field, "error"));
}

/* An oral consent needs its witness: refused at the field, nothing added. */
static void
test_consent_needs_witness (Fixture       *f,
                            gconstpointer  data)
{
  open_page (f, PM_TYPE_COUNSELLING_PAGE);
  choose (f, "Purpose", "Referral");
  g_assert_false (gtk_widget_get_visible (row (f, "Witness")));
  choose (f, "Form", "Oral, with a witness");
  g_assert_true (gtk_widget_get_visible (row (f, "Witness")));
  click (f, "Record _Consent");
  assert_refused_at (f, row (f, "Witness"), "Witness");
  g_assert_false (gtk_widget_is_sensitive (find (GTK_WIDGET (f->page), is_button_labelled, "Add _Referral")));
}

static gboolean
is_missing_row (GtkWidget     *widget,
                gconstpointer  unused)
{
  return is_row_titled (widget, "Still missing") || is_row_titled (widget, "All documents presented");
}

static int
age_today (PmRecord *citizen)
{
  g_autoptr(GDateTime) now = pm_clock_now ();
  int year, month, day;

  g_assert_cmpint (sscanf (pm_record_get_string (citizen, "birth_date"), "%d-%d-%d", &year, &month, &day), ==, 3);
  return g_date_time_get_year (now) - year -
         (g_date_time_get_month (now) < month ||
          (g_date_time_get_month (now) == month && g_date_time_get_day_of_month (now) < day));
}

/* PA for a person of known age: the catalogue's fee, live; options add to
 * it; missing documents are named; case and signature are saved together. */
static void
test_case (Fixture       *f,
           gconstpointer  data)
{
  static const double stroke[] = { 0.1, 0.6, 0.3, 0.4, 0.5, 0.7, 0.8, 0.5 };
  g_autoptr(GError) error = NULL;
  g_autoptr(PmRecord) kase = NULL;
  g_autoptr(GPtrArray) signatures = NULL;
  g_autoptr(JsonNode) strokes = NULL;
  GtkWidget *missing;
  PmRecord *signature = NULL;
  JsonArray *first;

  open_page (f, PM_TYPE_CASE_PAGE);
  choose (f, "Service", "Personalausweis");
  g_assert_cmpint (age_today (f->citizen), >=, 24);
  g_assert_cmpstr (fee_shown (f), ==, "46,00 €");
  gtk_check_button_set_active (check (f, "Direktversand"), TRUE);
  g_assert_cmpstr (fee_shown (f), ==, "61,00 €");
  choose (f, "Photo", "Taken on site");
  g_assert_true (gtk_check_button_get_active (check (f, "Foto vor Ort")));
  g_assert_cmpstr (fee_shown (f), ==, "67,00 €");

  missing = find (GTK_WIDGET (f->page), is_missing_row, NULL);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (missing)), ==, "Still missing");
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (missing)), "Bisheriger Personalausweis"));
  gtk_check_button_set_active (check (f, "Bisheriger Personalausweis oder Reisepass"), TRUE);
  g_assert_null (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (missing)), "Bisheriger Personalausweis"));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (missing)), "Geburts- oder Heiratsurkunde"));

  choose (f, "Fingerprints", "Captured in the registration system");
  choose (f, "Payment", "Card");
  type (f, "Case number of the registration system", "PA-2026-4711");
  pm_signature_pad_add_stroke (pad (f), stroke, G_N_ELEMENTS (stroke) / 2);
  click (f, "_Finish");
  wait_for (page_finished, f, "saving the case");

  kase = pm_store_get (f->store, PM_TYPE_CASE, pm_record_get_id (f->finished), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (pm_record_get_string (kase, "service"), ==, "PA");
  g_assert_cmpstr (pm_record_get_string (kase, "status"), ==, "captured");
  g_assert_cmpint (pm_record_get_int (kase, "fee_cents"), ==, 6700);
  g_assert_cmpstr (pm_record_get_string (kase, "payment_method"), ==, "card");
  g_assert_cmpstr (pm_record_get_string (kase, "fingerprint_status"), ==, "captured");
  g_assert_cmpstr (pm_record_get_string (kase, "registration_number"), ==, "PA-2026-4711");
  g_assert_nonnull (pm_record_get_string (kase, "receipt_no"));
  g_assert_true (g_strv_contains (pm_record_get_strv (kase, "options"), "photo"));
  g_assert_true (g_strv_contains (pm_record_get_strv (kase, "documents_presented"), "old_id"));

  signatures = pm_store_list (f->store, PM_TYPE_SIGNATURE, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < signatures->len; i++)
    if (g_strcmp0 (pm_record_get_string (g_ptr_array_index (signatures, i), "record_id"), pm_record_get_id (kase)) == 0)
      signature = g_ptr_array_index (signatures, i);
  g_assert_nonnull (signature);
  g_assert_cmpstr (pm_record_get_string (signature, "record_kind"), ==, "case");
  strokes = parse (pm_record_get_string (signature, "strokes"));
  first = json_array_get_array_element (json_array_get_array_element (json_node_get_array (strokes), 0), 0);
  g_assert_cmpfloat_with_epsilon (json_array_get_double_element (first, 0), 0.1, 1e-6);
  g_assert_cmpfloat_with_epsilon (json_array_get_double_element (first, 1), 0.6, 1e-6);

  wait_for (draft_gone, f, "discarding the draft");
}

/* "Impossible" fingerprints without a reason: refused, the message names
 * the field, the field is marked, and nothing reaches the store. */
static void
test_case_refused (Fixture       *f,
                   gconstpointer  data)
{
  static const double stroke[] = { 0.1, 0.5, 0.9, 0.5 };
  gint64 cases = pm_store_count (f->store, PM_TYPE_CASE, NULL);
  gint64 signatures = pm_store_count (f->store, PM_TYPE_SIGNATURE, NULL);
  GtkWidget *reason;

  open_page (f, PM_TYPE_CASE_PAGE);
  choose (f, "Service", "Personalausweis");
  pm_signature_pad_add_stroke (pad (f), stroke, 2);
  choose (f, "Fingerprints", "Impossible (give the reason)");
  reason = row (f, "Reason fingerprints are impossible");
  g_assert_true (gtk_widget_get_visible (reason));
  click (f, "_Finish");
  drain ();

  assert_refused_at (f, reason, "Reason fingerprints are impossible");
  g_assert_null (f->finished);
  g_assert_true (pm_form_page_get_ready (f->page));
  g_assert_cmpint (pm_store_count (f->store, PM_TYPE_CASE, NULL), ==, cases);
  g_assert_cmpint (pm_store_count (f->store, PM_TYPE_SIGNATURE, NULL), ==, signatures);

  /* With the reason given, it goes through. */
  type (f, "Reason fingerprints are impossible", "Hands paralysed after a stroke");
  click (f, "_Finish");
  wait_for (page_finished, f, "saving the case");
  g_assert_false (gtk_widget_get_visible (find (GTK_WIDGET (f->page), has_css_class, "form-error")));
  g_assert_false (gtk_widget_has_css_class (reason, "error"));
  g_assert_cmpint (pm_store_count (f->store, PM_TYPE_CASE, NULL), ==, cases + 1);
}

/* Typing is saved as a draft; a new page for the same person shows it
 * again; finishing removes it. */
static void
test_draft (Fixture       *f,
            gconstpointer  data)
{
  static const double stroke[] = { 0.2, 0.2, 0.4, 0.3 };

  open_page (f, PM_TYPE_COUNSELLING_PAGE);
  gtk_check_button_set_active (check (f, "Dementia"), TRUE);
  f->expected = "dementia";
  wait_for (draft_contains, f, "saving the draft of a ticked topic");
  type (f, "Participants (separated by commas)", "Karin Beispiel");
  f->expected = "Karin Beispiel";
  wait_for (draft_contains, f, "saving the draft");
  close_page (f);

  open_page (f, PM_TYPE_COUNSELLING_PAGE);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row (f, "Participants (separated by commas)"))),
                   ==, "Karin Beispiel");
  g_assert_true (gtk_check_button_get_active (check (f, "Dementia")));
  click (f, "_Finish");
  wait_for (page_finished, f, "saving the counselling record");
  wait_for (draft_gone, f, "discarding the draft");
  close_page (f);

  /* A case's draft keeps the signature too; closing the page right after
   * typing still writes it. */
  open_page (f, PM_TYPE_CASE_PAGE);
  choose (f, "Service", "Meldebescheinigung");
  type (f, "Case number of the registration system", "MB-77");
  pm_signature_pad_add_stroke (pad (f), stroke, 2);
  close_page (f);
  open_page (f, PM_TYPE_CASE_PAGE);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row (f, "Case number of the registration system"))), ==, "MB-77");
  g_assert_cmpstr (fee_shown (f), ==, "5,00 €");
  g_assert_false (pm_signature_pad_is_empty (pad (f)));
}

/* Fees read as German money whatever the locale. */
static void
test_money (void)
{
  static const struct { gint64 cents; const char *shown; } cases[] = {
    { 4600, "46,00 €" }, { 5, "0,05 €" }, { 0, "0,00 €" }, { 104600, "1.046,00 €" }, { 123456789, "1.234.567,89 €" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *shown = pm_form_format_money (cases[i].cents);

      g_assert_cmpstr (shown, ==, cases[i].shown);
    }
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/forms/counselling", Fixture, "soziales", fixture_set_up, test_counselling, fixture_tear_down);
  g_test_add ("/forms/consent-needs-witness", Fixture, "soziales", fixture_set_up, test_consent_needs_witness, fixture_tear_down);
  g_test_add ("/forms/case", Fixture, "einwohnerwesen", fixture_set_up, test_case, fixture_tear_down);
  g_test_add ("/forms/case-refused", Fixture, "einwohnerwesen", fixture_set_up, test_case_refused, fixture_tear_down);
  g_test_add ("/forms/draft", Fixture, "soziales", fixture_set_up, test_draft, fixture_tear_down);
  g_test_add_func ("/forms/money", test_money);
  return g_test_run ();
}
