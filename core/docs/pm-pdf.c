/* pm-pdf.c: the care plan, the receipt and the daily cash closure
 *
 * Plain language and large print: the readers are old people and their
 * relatives. Text is English in the source and German through the catalogue;
 * service and option names are the city's German terms from the catalogue,
 * as in the app. Fields that are missing are left out; a JSON field that
 * cannot be read fails the document with an error naming the field, because
 * a care plan without its measures must not be handed out as complete.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pm-docs"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>

#include "pm-case.h"
#include "pm-cash-closure.h"
#include "pm-catalogue.h"
#include "pm-citizen.h"
#include "pm-city.h"
#include "pm-counselling-record.h"
#include "pm-handover.h"
#include "pm-json-util.h"
#include "pm-pdf-layout.h"
#include "pm-pdf.h"
#include "pm-signature.h"
#include "pm-staff.h"
#include "pm-status.h"

typedef struct
{
  const char *id;
  const char *label;
} Label;

static const Label topic_labels[] = {
  { "care_grade_application", N_("Applying for a care grade") },
  { "care_grade_increase", N_("Applying for a higher care grade") },
  { "care_grade_objection", N_("Objecting to the care grade decision") },
  { "care_allowance", N_("Care allowance") },
  { "care_benefits_in_kind", N_("Care services in kind") },
  { "combination_benefit", N_("Combining care allowance and care services") },
  { "relief_amount", N_("Relief amount") },
  { "relief_budget", N_("Relief budget") },
  { "day_care", N_("Day care") },
  { "housing_adaptation", N_("Adapting the home") },
  { "aids", N_("Aids and appliances") },
  { "care_courses", N_("Care courses for relatives") },
  { "assistance_for_care", N_("Help with care costs from social assistance") },
  { "power_of_attorney_guardianship", N_("Power of attorney and legal guardianship") },
  { "dementia", N_("Dementia") },
  { "care_home_short_term_place", N_("A place in a care home or short-term care") },
  { "carer_relief", N_("Relief for carers") },
  { "prevention_heat_protection", N_("Prevention and protection from heat") },
  { "severe_disability", N_("Severe disability") },
  { NULL, NULL }
};

static const Label care_grade_labels[] = {
  { "none", N_("No care grade") },
  { "applied", N_("Applied for, not yet decided") },
  { "objection", N_("Objection lodged") },
  { NULL, NULL }
};

static const Label payment_labels[] = {
  { "card", N_("Card") },
  { "cash", N_("Cash") },
  { "invoice", N_("Invoice") },
  { "none", N_("No payment") },
  { NULL, NULL }
};

static const Label handover_texts[] = {
  { "visit", N_("We will bring it to you on a second visit. We will call you beforehand to agree on a day.") },
  { "proxy", N_("A person you authorise in writing can collect it for you. The power of attorney must "
                "confirm that you have received the PIN letter.") },
  { "direct_mail", N_("It will be sent to you by post.") },
  { NULL, NULL }
};

static const Label pin_letter_texts[] = {
  { "registration_address", N_("The PIN letter for the online function comes by post to your registration "
                               "address. Please keep it in a safe place, not together with the document.") },
  { "authority", N_("The PIN letter for the online function goes to the registration office. You will receive "
                    "it together with the document.") },
  { NULL, NULL }
};

/* The translated label of a wire id; an unknown id is shown as it is. */
static const char *
lookup_label (const Label *labels,
              const char  *id)
{
  for (guint i = 0; id != NULL && labels[i].id != NULL; i++)
    if (g_str_equal (labels[i].id, id))
      return _(labels[i].label);
  return id;
}

/* The local day and time of a UTC timestamp. */
static char *
format_date_time (const char *timestamp)
{
  g_autoptr(GDateTime) utc = timestamp ? g_date_time_new_from_iso8601 (timestamp, NULL) : NULL;
  g_autoptr(GDateTime) local = utc ? g_date_time_to_local (utc) : NULL;
  g_autofree char *day = pm_format_timestamp_day (timestamp);
  g_autofree char *time = local ? g_date_time_format (local, "%H:%M") : NULL;

  return time ? g_strdup_printf ("%s %s", day, time) : g_steal_pointer (&day);
}

static char *
person_name (PmRecord *citizen)
{
  return g_strjoin (" ",
                    pm_record_get_string (citizen, "given_names") ?: "",
                    pm_record_get_string (citizen, "family_name") ?: "",
                    NULL);
}

static char *
person_address (PmRecord *citizen)
{
  return g_strdup_printf ("%s %s, %s %s",
                          pm_record_get_string (citizen, "street") ?: "",
                          pm_record_get_string (citizen, "house_number") ?: "",
                          pm_record_get_string (citizen, "postcode") ?: "",
                          pm_record_get_string (citizen, "city") ?: "");
}

/* A field holding a JSON array; a missing field is no array, not an error. */
static gboolean
get_json_array (PmRecord   *record,
                const char *field,
                JsonNode  **node,
                GError    **error)
{
  const char *text = pm_record_get_string (record, field);

  *node = text ? json_from_string (text, NULL) : NULL;
  if (text != NULL && (*node == NULL || !JSON_NODE_HOLDS_ARRAY (*node)))
    {
      pm_set_field_error (error, record, field, _("cannot be read: it is not a list"));
      return FALSE;
    }
  return TRUE;
}

static guint
json_array_length_or_0 (JsonNode *node)
{
  return node ? json_array_get_length (json_node_get_array (node)) : 0;
}

static const PmPdfColumn field_columns[] = {
  { NULL, 0.36, PANGO_ALIGN_LEFT },
  { NULL, 0.64, PANGO_ALIGN_LEFT },
};

/* Adds a label | value row unless the value is missing. */
static void
add_field (GPtrArray  *rows,
           const char *label,
           const char *value)
{
  if (value != NULL && *value != '\0')
    pm_pdf_rows_add (rows, 2, label, value);
}

static void
draw_fields (PmPdfLayout *layout,
             GPtrArray   *rows)
{
  pm_pdf_layout_table (layout, PM_PDF_TABLE_FIELDS, field_columns, G_N_ELEMENTS (field_columns), rows);
}

static void
draw_bullets (PmPdfLayout *layout,
              const char  *text)
{
  g_autofree char *line = g_strconcat ("•  ", text, NULL);

  pm_pdf_layout_text (layout, PM_PDF_STYLE_BODY, line);
}

/* The office's phone and e-mail, as fields; its name and address are in
 * the header of every page. */
static void
add_office_fields (GPtrArray  *rows,
                   const char *office_id)
{
  const PmOffice *office = pm_city_get_office (pm_city_get_default (), office_id);

  if (office == NULL)
    return;
  add_field (rows, _("Phone"), office->phone);
  add_field (rows, _("E-mail"), office->email);
}

typedef struct
{
  PmRecord *counselling;
  PmRecord *citizen;
  PmRecord *counsellor;
} CarePlan;

static char *
care_grade_text (const char *grade)
{
  if (grade != NULL && g_ascii_isdigit (grade[0]) && grade[1] == '\0')
    /* Translators: %s is the care grade, 1 to 5 */
    return g_strdup_printf (_("Care grade %s"), grade);
  return g_strdup (lookup_label (care_grade_labels, grade));
}

static void
draw_care_plan_people (PmPdfLayout *layout,
                       CarePlan    *plan)
{
  g_autoptr(GPtrArray) rows = pm_pdf_rows_new ();
  g_autofree char *name = person_name (plan->citizen);
  g_autofree char *address = person_address (plan->citizen);
  g_autofree char *birth = pm_format_date (pm_record_get_string (plan->citizen, "birth_date"));
  g_autofree char *day = pm_format_timestamp_day (pm_record_get_created_at (plan->counselling));
  g_autofree char *grade = care_grade_text (pm_record_get_string (plan->counselling, "care_grade"));
  const char * const *participants = pm_record_get_strv (plan->counselling, "participants");
  g_autofree char *took_part = participants ? g_strjoinv (", ", (char **) participants) : NULL;

  add_field (rows, _("Name"), name);
  add_field (rows, _("Date of birth"), birth);
  add_field (rows, _("Address"), address);
  add_field (rows, _("Counselling on"), day);
  add_field (rows, _("Counsellor"), pm_record_get_string (plan->counsellor, "display_name"));
  add_field (rows, _("Took part"), took_part);
  add_field (rows, _("Care grade"), grade);
  add_field (rows, _("Care insurance"), pm_record_get_string (plan->counselling, "care_insurance"));
  draw_fields (layout, rows);
}

static void
translate_columns (const PmPdfColumn *columns,
                   PmPdfColumn       *translated,
                   guint              n_columns)
{
  for (guint i = 0; i < n_columns; i++)
    {
      translated[i] = columns[i];
      translated[i].title = _(columns[i].title);
    }
}

static void
draw_measures (PmPdfLayout *layout,
               JsonNode    *measures)
{
  static const PmPdfColumn columns[] = {
    { N_("What"), 0.58, PANGO_ALIGN_LEFT },
    { N_("Who"), 0.2, PANGO_ALIGN_LEFT },
    { N_("By when"), 0.22, PANGO_ALIGN_LEFT },
  };
  PmPdfColumn translated[G_N_ELEMENTS (columns)];
  g_autoptr(GPtrArray) rows = pm_pdf_rows_new ();

  pm_pdf_layout_heading (layout, _("What was agreed"));
  for (guint i = 0; i < json_array_length_or_0 (measures); i++)
    {
      JsonObject *measure = pm_json_array_get_object (json_node_get_array (measures), i);
      g_autofree char *due = NULL;

      if (measure == NULL)
        continue;
      due = pm_format_date (pm_json_get_string (measure, "due"));
      pm_pdf_rows_add (rows, 3, pm_json_get_string (measure, "measure"), pm_json_get_string (measure, "who"), due);
    }
  if (rows->len == 0)
    {
      pm_pdf_layout_text (layout, PM_PDF_STYLE_BODY, _("No measures were agreed."));
      return;
    }
  translate_columns (columns, translated, G_N_ELEMENTS (columns));
  pm_pdf_layout_table (layout, PM_PDF_TABLE_GRID, translated, G_N_ELEMENTS (translated), rows);
}

static void
draw_referrals (PmPdfLayout *layout,
                JsonNode    *referrals)
{
  for (guint i = 0; i < json_array_length_or_0 (referrals); i++)
    {
      JsonObject *referral = pm_json_array_get_object (json_node_get_array (referrals), i);
      g_autofree char *date = NULL;
      g_autofree char *line = NULL;

      if (referral == NULL || pm_json_get_string (referral, "to") == NULL)
        continue;
      if (i == 0)
        pm_pdf_layout_heading (layout, _("We have put you in touch with"));
      date = pm_format_date (pm_json_get_string (referral, "date"));
      line = date ? g_strdup_printf ("%s (%s)", pm_json_get_string (referral, "to"), date)
                  : g_strdup (pm_json_get_string (referral, "to"));
      draw_bullets (layout, line);
    }
}

static gboolean
build_care_plan (PmPdfLayout  *layout,
                 gpointer      data,
                 GError      **error)
{
  CarePlan *plan = data;
  g_autoptr(JsonNode) measures = NULL;
  g_autoptr(JsonNode) referrals = NULL;
  g_autoptr(GPtrArray) contact = pm_pdf_rows_new ();
  const char * const *topics = pm_record_get_strv (plan->counselling, "topics");
  const char *results = pm_record_get_string (plan->counselling, "results");
  g_autofree char *follow_up = pm_format_date (pm_record_get_string (plan->counselling, "follow_up_date"));

  if (!get_json_array (plan->counselling, "measures", &measures, error) ||
      !get_json_array (plan->counselling, "referrals", &referrals, error))
    return FALSE;

  pm_pdf_layout_text (layout, PM_PDF_STYLE_TITLE, _("Your care plan"));
  pm_pdf_layout_text (layout, PM_PDF_STYLE_BODY,
                      _("This plan sums up your care counselling: what we talked about and what we agreed. "
                        "Please keep it."));
  pm_pdf_layout_space (layout, 6);
  draw_care_plan_people (layout, plan);

  pm_pdf_layout_heading (layout, _("What we talked about"));
  for (guint i = 0; topics && topics[i]; i++)
    draw_bullets (layout, lookup_label (topic_labels, topics[i]));
  if (topics == NULL || topics[0] == NULL)
    pm_pdf_layout_text (layout, PM_PDF_STYLE_BODY, _("No topics were recorded."));

  if (results != NULL && *results != '\0')
    {
      pm_pdf_layout_heading (layout, _("Results"));
      pm_pdf_layout_text (layout, PM_PDF_STYLE_BODY, results);
    }

  draw_measures (layout, measures);
  draw_referrals (layout, referrals);

  if (follow_up != NULL)
    {
      g_autofree char *text = NULL;

      pm_pdf_layout_heading (layout, _("Next contact"));
      /* Translators: %s is a date */
      text = g_strdup_printf (_("We will get in touch with you again around %s."), follow_up);
      pm_pdf_layout_text (layout, PM_PDF_STYLE_BODY, text);
    }

  pm_pdf_layout_heading (layout, _("How to reach us"));
  pm_pdf_layout_text (layout, PM_PDF_STYLE_BODY,
                      _("If something changes or you have a question, please call us."));
  add_field (contact, _("Your counsellor"), pm_record_get_string (plan->counsellor, "display_name"));
  add_field (contact, _("Direct line"), pm_record_get_string (plan->counsellor, "phone"));
  add_office_fields (contact, "soziales");
  draw_fields (layout, contact);
  return TRUE;
}

/**
 * pm_pdf_write_care_plan:
 * @path: the PDF file to write; replaced only when the whole document is written
 * @counselling: a #PmCounsellingRecord
 * @citizen: the #PmCitizen counselled
 * @counsellor: the #PmStaff who counselled
 * @error: a #GError, %G_IO_ERROR when the file cannot be written, or
 *   %PM_ERROR_INVALID naming a field that cannot be read
 *
 * Writes the care plan (Versorgungsplan) handed to the person after a
 * counselling: who, when, care grade, topics, results, the agreed measures,
 * referrals, the follow-up date and how to reach the counselling office.
 *
 * Returns: %TRUE on success
 */
gboolean
pm_pdf_write_care_plan (const char  *path,
                        PmRecord    *counselling,
                        PmRecord    *citizen,
                        PmRecord    *counsellor,
                        GError     **error)
{
  CarePlan plan = { counselling, citizen, counsellor };

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (PM_IS_COUNSELLING_RECORD (counselling), FALSE);
  g_return_val_if_fail (PM_IS_CITIZEN (citizen), FALSE);
  g_return_val_if_fail (PM_IS_STAFF (counsellor), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return pm_pdf_render (path, _("Care plan"), "soziales", build_care_plan, &plan, error);
}

typedef struct
{
  PmRecord *kase;
  PmRecord *citizen;
  PmRecord *signature;
} Receipt;

static const char *
service_label (const char *code)
{
  const PmService *service = pm_catalogue_lookup_service (pm_catalogue_get_default (), code);

  return service ? service->name : code;
}

static const char *
service_name (PmRecord *kase)
{
  return service_label (pm_record_get_string (kase, "service"));
}

static void
draw_receipt_fee (PmPdfLayout *layout,
                  PmRecord    *kase)
{
  g_autoptr(GPtrArray) rows = pm_pdf_rows_new ();
  g_autofree char *fee = pm_format_money (pm_record_get_int (kase, "fee_cents"));
  gboolean waived = pm_record_get_boolean (kase, "fee_waived");

  pm_pdf_layout_heading (layout, _("Fee"));
  add_field (rows, _("Amount"), fee);
  if (waived)
    {
      add_field (rows, _("Fee waived"), _("Yes, you do not have to pay."));
      add_field (rows, _("Reason"), pm_record_get_string (kase, "waiver_reason"));
    }
  else
    add_field (rows, _("Payment"), lookup_label (payment_labels, pm_record_get_string (kase, "payment_method")));
  draw_fields (layout, rows);
}

static void
draw_receipt_next (PmPdfLayout *layout,
                   PmRecord    *kase)
{
  const char *handover = pm_record_get_string (kase, "handover_mode");
  const char *pin_letter = pm_record_get_string (kase, "pin_letter_delivery");

  pm_pdf_layout_heading (layout, _("What happens next"));
  /* A hand-over mode means a document is made and brought later. */
  if (handover != NULL)
    {
      pm_pdf_layout_text (layout, PM_PDF_STYLE_BODY,
                          _("Your document is made by the Bundesdruckerei in Berlin. "
                            "It will be ready in about 3 to 4 weeks."));
      pm_pdf_layout_text (layout, PM_PDF_STYLE_BODY, lookup_label (handover_texts, handover));
    }
  else
    pm_pdf_layout_text (layout, PM_PDF_STYLE_BODY,
                        _("The registration office deals with your application. "
                          "If anything is missing, we will get in touch with you."));
  if (pin_letter != NULL)
    pm_pdf_layout_text (layout, PM_PDF_STYLE_BODY, lookup_label (pin_letter_texts, pin_letter));
}

static void
draw_signature_strokes (PmPdfLayout *layout,
                        const char  *strokes,
                        const char  *signer,
                        const char  *signed_at)
{
  g_autofree char *day = pm_format_timestamp_day (signed_at);
  g_autofree char *caption = NULL;
  double x, y, width;
  cairo_t *cr;

  pm_pdf_layout_heading (layout, _("Signature"));
  cr = pm_pdf_layout_reserve (layout, 110, &x, &y, &width);
  width = MIN (width, 330);
  pm_signature_draw (cr, strokes, x, y, width, 100);
  cairo_set_line_width (cr, 0.8);
  cairo_move_to (cr, x, y + 104);
  cairo_line_to (cr, x + width, y + 104);
  cairo_stroke (cr);
  /* Translators: under a signature; the first %s is a name, the second a date */
  caption = g_strdup_printf (_("Signed by %s on %s"), signer ?: "", day ?: "");
  pm_pdf_layout_text (layout, PM_PDF_STYLE_SMALL, caption);
}

static void
draw_signature (PmPdfLayout *layout,
                PmRecord    *signature)
{
  draw_signature_strokes (layout, pm_record_get_string (signature, "strokes"),
                          pm_record_get_string (signature, "signer_name"),
                          pm_record_get_string (signature, "signed_at"));
}

static gboolean
build_receipt (PmPdfLayout  *layout,
               gpointer      data,
               GError      **error)
{
  Receipt *receipt = data;
  g_autoptr(GPtrArray) rows = pm_pdf_rows_new ();
  g_autoptr(GPtrArray) contact = pm_pdf_rows_new ();
  g_autofree char *name = person_name (receipt->citizen);
  g_autofree char *birth = pm_format_date (pm_record_get_string (receipt->citizen, "birth_date"));
  g_autofree char *day = pm_format_date (pm_record_get_string (receipt->kase, "captured_on"));
  g_autofree char *options = pm_catalogue_option_names (pm_catalogue_get_default (),
                                                        pm_record_get_string (receipt->kase, "service"),
                                                        pm_record_get_strv (receipt->kase, "options"));

  if (receipt->signature != NULL)
    {
      g_autoptr(JsonNode) strokes = NULL;

      if (!get_json_array (receipt->signature, "strokes", &strokes, error))
        return FALSE;
    }

  pm_pdf_layout_text (layout, PM_PDF_STYLE_TITLE, _("Receipt"));
  pm_pdf_layout_text (layout, PM_PDF_STYLE_BODY,
                      _("Thank you. This is your receipt for your application. Please keep it."));
  pm_pdf_layout_space (layout, 6);
  add_field (rows, _("Name"), name);
  add_field (rows, _("Date of birth"), birth);
  add_field (rows, _("Applied for"), service_name (receipt->kase));
  add_field (rows, _("Options"), options);
  add_field (rows, _("Date"), day);
  add_field (rows, _("Receipt number"), pm_record_get_string (receipt->kase, "receipt_no"));
  add_field (rows, _("Case number"), pm_record_get_string (receipt->kase, "registration_number"));
  draw_fields (layout, rows);

  draw_receipt_fee (layout, receipt->kase);
  if (receipt->signature != NULL)
    draw_signature (layout, receipt->signature);
  draw_receipt_next (layout, receipt->kase);

  pm_pdf_layout_heading (layout, _("Questions?"));
  pm_pdf_layout_text (layout, PM_PDF_STYLE_BODY, _("Please call us or write to us:"));
  add_office_fields (contact, "einwohnerwesen");
  draw_fields (layout, contact);
  return TRUE;
}

/**
 * pm_pdf_write_receipt:
 * @path: the PDF file to write; replaced only when the whole document is written
 * @kase: a #PmCase
 * @citizen: the #PmCitizen it is for
 * @signature: (nullable): the citizen's #PmSignature of the case
 * @error: a #GError, %G_IO_ERROR when the file cannot be written, or
 *   %PM_ERROR_INVALID naming a field that cannot be read
 *
 * Writes the receipt handed to the citizen after a passport, ID or
 * registration case: the service and options, fee and payment or waiver,
 * receipt number, what happens next, whom to call, and the signature.
 *
 * Returns: %TRUE on success
 */
gboolean
pm_pdf_write_receipt (const char  *path,
                      PmRecord    *kase,
                      PmRecord    *citizen,
                      PmRecord    *signature,
                      GError     **error)
{
  Receipt receipt = { kase, citizen, signature };

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (PM_IS_CASE (kase), FALSE);
  g_return_val_if_fail (PM_IS_CITIZEN (citizen), FALSE);
  g_return_val_if_fail (signature == NULL || PM_IS_SIGNATURE (signature), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return pm_pdf_render (path, _("Receipt"), "einwohnerwesen", build_receipt, &receipt, error);
}

/* The pre-registration sheet (Vorerfassung): the sections of the
 * hand-over object, the signature before the history. */

static gboolean
build_preregistration (PmPdfLayout  *layout,
                       gpointer      data,
                       GError      **error)
{
  JsonObject *handover = data;
  JsonObject *signature = pm_json_get_object (handover, "signature");
  g_autoptr(GPtrArray) sections = pm_handover_sections (handover);
  JsonNode *strokes = signature ? json_object_get_member (signature, "strokes") : NULL;
  g_autofree char *strokes_text = strokes ? json_to_string (strokes, FALSE) : NULL;

  pm_pdf_layout_text (layout, PM_PDF_STYLE_TITLE, _("Pre-registration"));
  pm_pdf_layout_text (layout, PM_PDF_STYLE_BODY,
                      _("Captured by the Pflege- und Pass-Mobil, for taking over into the registration system."));
  for (guint i = 0; i < sections->len; i++)
    {
      PmHandoverSection *section = g_ptr_array_index (sections, i);
      g_autoptr(GPtrArray) rows = pm_pdf_rows_new ();

      if (g_str_equal (section->id, "history") && signature)
        {
          draw_signature_strokes (layout, strokes_text, pm_json_get_string (signature, "signer_name"),
                                  pm_json_get_string (signature, "signed_at"));
          signature = NULL;
        }
      for (guint f = 0; f + 1 < section->fields->len; f += 2)
        add_field (rows, g_ptr_array_index (section->fields, f), g_ptr_array_index (section->fields, f + 1));
      pm_pdf_layout_heading (layout, section->heading);
      draw_fields (layout, rows);
    }
  if (signature)
    draw_signature_strokes (layout, strokes_text, pm_json_get_string (signature, "signer_name"),
                            pm_json_get_string (signature, "signed_at"));
  return TRUE;
}

/**
 * pm_pdf_write_preregistration:
 * @handover: one case of the hand-over (pm_handover_case_json())
 *
 * Writes the pre-registration sheet of a case for the registration office:
 * its fields in the order of the official forms, so a clerk can take it over
 * into the registration system line by line.
 */
gboolean
pm_pdf_write_preregistration (const char  *path,
                              JsonObject  *handover,
                              GError     **error)
{
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (handover != NULL, FALSE);

  return pm_pdf_render (path, _("Pre-registration"), "einwohnerwesen", build_preregistration, handover, error);
}

/* Why a line of the closure brought no money, as the closure says it. */
static const Label unpaid_labels[] = {
  { "waived", N_("Fee waived") },
  { "free", N_("Free of charge") },
  { "not_paid", N_("Not paid") },
  { NULL, NULL }
};

static void
draw_closure_totals (PmPdfLayout *layout,
                     guint       *counts,
                     gint64      *sums)
{
  static const PmPdfColumn columns[] = {
    { N_("Payment"), 0.46, PANGO_ALIGN_LEFT },
    { N_("Cases"), 0.2, PANGO_ALIGN_RIGHT },
    { N_("Amount"), 0.34, PANGO_ALIGN_RIGHT },
  };
  PmPdfColumn translated[G_N_ELEMENTS (columns)];
  g_autoptr(GPtrArray) rows = pm_pdf_rows_new ();
  guint all_count = 0;
  gint64 all_sum = 0;

  for (guint i = 0; i < PM_CASH_CLOSURE_N_METHODS; i++)
    {
      g_autofree char *count = g_strdup_printf ("%u", counts[i]);
      g_autofree char *sum = pm_format_money (sums[i]);

      pm_pdf_rows_add (rows, 3, lookup_label (payment_labels, pm_cash_closure_methods[i]), count, sum);
      all_count += counts[i];
      all_sum += sums[i];
    }
  {
    g_autofree char *count = g_strdup_printf ("%u", all_count);
    g_autofree char *sum = pm_format_money (all_sum);

    pm_pdf_rows_add (rows, 3, _("Total"), count, sum);
  }
  pm_pdf_layout_heading (layout, _("Totals"));
  translate_columns (columns, translated, G_N_ELEMENTS (columns));
  pm_pdf_layout_table (layout, PM_PDF_TABLE_GRID, translated, G_N_ELEMENTS (translated), rows);
}

static gboolean
build_cash_closure (PmPdfLayout  *layout,
                    gpointer      data,
                    GError      **error)
{
  static const PmPdfColumn paid_columns[] = {
    /* Receipt numbers carry the van's plate and the year: the widest column. */
    { N_("Receipt"), 0.39, PANGO_ALIGN_LEFT },
    { N_("Service"), 0.29, PANGO_ALIGN_LEFT },
    { N_("Payment"), 0.16, PANGO_ALIGN_LEFT },
    { N_("Amount"), 0.16, PANGO_ALIGN_RIGHT },
  };
  static const PmPdfColumn unpaid_columns[] = {
    { N_("Case number"), 0.34, PANGO_ALIGN_LEFT },
    { N_("Service"), 0.36, PANGO_ALIGN_LEFT },
    { N_("Why no payment"), 0.3, PANGO_ALIGN_LEFT },
  };
  PmPdfColumn translated[G_N_ELEMENTS (paid_columns)];
  PmRecord *closure = data;
  g_autoptr(JsonArray) lines = pm_cash_closure_dup_lines (PM_CASH_CLOSURE (closure));
  g_autoptr(GPtrArray) head = pm_pdf_rows_new ();
  g_autoptr(GPtrArray) paid = pm_pdf_rows_new ();
  g_autoptr(GPtrArray) unpaid = pm_pdf_rows_new ();
  g_autoptr(GPtrArray) sign = pm_pdf_rows_new ();
  g_autofree char *day = pm_format_date (pm_record_get_string (closure, "day"));
  g_autofree char *closed_at = format_date_time (pm_record_get_string (closure, "closed_at"));
  guint counts[PM_CASH_CLOSURE_N_METHODS] = { 0 };
  gint64 sums[PM_CASH_CLOSURE_N_METHODS] = { 0 };

  for (guint i = 0; i < json_array_get_length (lines); i++)
    {
      JsonObject *line = json_array_get_object_element (lines, i);
      const char *method = pm_json_get_string (line, "method");
      gint64 amount = pm_json_get_int (line, "amount_cents", 0);
      guint m;

      if (method == NULL)
        {
          pm_pdf_rows_add (unpaid, 3, pm_json_get_string (line, "case_number"),
                           service_label (pm_json_get_string (line, "service")),
                           lookup_label (unpaid_labels, pm_json_get_string (line, "unpaid")));
          continue;
        }
      {
        g_autofree char *money = pm_format_money (amount);

        pm_pdf_rows_add (paid, 4, pm_json_get_string (line, "receipt_no"),
                         service_label (pm_json_get_string (line, "service")),
                         lookup_label (payment_labels, method), money);
      }
      for (m = 0; m < PM_CASH_CLOSURE_N_METHODS && !g_str_equal (pm_cash_closure_methods[m], method); m++)
        ;
      counts[m]++;
      sums[m] += amount;
    }

  pm_pdf_layout_text (layout, PM_PDF_STYLE_TITLE, _("Daily cash closure"));
  add_field (head, _("Van"), pm_record_get_string (closure, "van_name"));
  add_field (head, _("Day"), day);
  add_field (head, _("Closed at"), closed_at);
  draw_fields (layout, head);

  pm_pdf_layout_heading (layout, _("Payments"));
  if (paid->len == 0)
    pm_pdf_layout_text (layout, PM_PDF_STYLE_BODY, _("No payments on this day."));
  else
    {
      translate_columns (paid_columns, translated, G_N_ELEMENTS (paid_columns));
      pm_pdf_layout_table (layout, PM_PDF_TABLE_GRID, translated, G_N_ELEMENTS (paid_columns), paid);
    }
  draw_closure_totals (layout, counts, sums);

  /* Listed so that the day's cases add up, but not counted in the totals. */
  if (unpaid->len > 0)
    {
      pm_pdf_layout_heading (layout, _("Cases without payment"));
      translate_columns (unpaid_columns, translated, G_N_ELEMENTS (unpaid_columns));
      pm_pdf_layout_table (layout, PM_PDF_TABLE_GRID, translated, G_N_ELEMENTS (unpaid_columns), unpaid);
    }

  pm_pdf_layout_space (layout, 24);
  add_field (sign, _("Counted by"), "______________________________");
  add_field (sign, _("Checked by"), "______________________________");
  draw_fields (layout, sign);
  return TRUE;
}

/**
 * pm_pdf_write_cash_closure:
 * @path: the PDF file to write; replaced only when the whole document is written
 * @closure: the van's closure of a day
 * @error: a #GError, %G_IO_ERROR when the file cannot be written
 *
 * Writes the van's daily cash closure (Tagesabschluss): every paid case
 * (receipt number, service, payment method, amount) and the totals per method
 * and overall. Cases that brought no money (fee waived, free of charge, or
 * not paid) are listed separately and are not part of the totals.
 *
 * Returns: %TRUE on success
 */
gboolean
pm_pdf_write_cash_closure (const char     *path,
                           PmCashClosure  *closure,
                           GError        **error)
{
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (PM_IS_CASH_CLOSURE (closure), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* Validated lines only: the closure may come from another device. */
  if (!pm_record_validate (PM_RECORD (closure), error))
    return FALSE;
  return pm_pdf_render (path, _("Daily cash closure"), "einwohnerwesen", build_cash_closure, closure, error);
}
