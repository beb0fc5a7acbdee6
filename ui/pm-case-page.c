/* pm-case-page.c: a passport, ID or registration case of one person
 *
 * The clerk picks the service from the catalogue; the page then asks only
 * what that service needs: its documents (and says plainly which are still
 * missing), the capture details of passports and IDs, the registration
 * form of moves, and the fee, computed live from the catalogue for the
 * person's age on today's date and the options chosen. Finishing saves the
 * case and the person's signature in one transaction; the store gives paid
 * cases their receipt number.
 *
 * Photos and fingerprints are taken in the certified registration system
 * and never reach PePaMo; the page says so.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pm-forms"

#include "config.h"

#include <glib/gi18n.h>

#include "pm-case.h"
#include "pm-case-page.h"
#include "pm-catalogue.h"
#include "pm-clock.h"
#include "pm-json-util.h"
#include "pm-signature.h"
#include "pm-signature-pad.h"

struct _PmCasePage
{
  PmFormPage            parent_instance;

  PmRecord             *record;
  PmRecord             *signature;
  char                 *birth_date;
  GPtrArray            *services;       /* const PmService *, in the combo's order */
  GPtrArray            *document_checks;
  GPtrArray            *option_checks;
  GPtrArray            *service_rows;   /* (group, row) pairs that belong to the service shown */
  GtkWidget            *missing_row;
  gint64                fee_cents;

  GtkWidget            *service_row;
  GtkWidget            *documents_group;
  GtkWidget            *capture_group;
  GtkWidget            *photo_row;
  GtkWidget            *fingerprint_row;
  GtkWidget            *fingerprint_reason_row;
  GtkWidget            *pin_letter_row;
  GtkWidget            *handover_row;
  GtkWidget            *options_group;
  GtkWidget            *fee_row;
  GtkLabel             *fee_label;
  GtkWidget            *waived;
  GtkWidget            *waiver_reason_row;
  GtkWidget            *payment_row;
  GtkWidget            *registration_number_row;
  GtkWidget            *form_group;
  GtkWidget            *new_address_row;
  GtkWidget            *previous_address_row;
  GtkWidget            *move_in_row;
  GtkWidget            *co_moving_row;
  GtkWidget            *landlord_name_row;
  GtkWidget            *landlord_address_row;
  GtkWidget            *landlord_owner;
  GtkWidget            *landlord_date_row;
  GtkWidget            *other_dwelling;
  GtkWidget            *long_stay;
  GtkWidget            *facility_notified;
  GtkWidget            *signature_group;
  GtkWidget            *signer_row;
  GtkWidget            *pad;
};

G_DEFINE_FINAL_TYPE (PmCasePage, pm_case_page, PM_TYPE_FORM_PAGE)

static const PmChoice photo_sources[] = {
  { NULL, N_("Not recorded yet") },
  { "on_site", N_("Taken on site") },
  { "datamatrix", N_("Photo with DataMatrix code") },
  { "none", N_("No photo needed") },
  { NULL, NULL }
};

static const PmChoice fingerprint_statuses[] = {
  { NULL, N_("Not recorded yet") },
  { "captured", N_("Captured in the registration system") },
  { "exempt_under_6", N_("Exempt: child under 6") },
  { "impossible", N_("Impossible (give the reason)") },
  { "not_applicable", N_("Not needed") },
  { NULL, NULL }
};

static const PmChoice pin_deliveries[] = {
  { "registration_address", N_("Registered address") },
  { "authority", N_("The authority") },
  { NULL, NULL }
};

static const PmChoice handover_modes[] = {
  { "visit", N_("At a second visit") },
  { "proxy", N_("To a proxy with power of attorney") },
  { "direct_mail", N_("Direct mail") },
  { NULL, NULL }
};

static const PmChoice payment_methods[] = {
  { "card", N_("Card") },
  { "cash", N_("Cash") },
  { "invoice", N_("Invoice") },
  { "none", N_("No payment") },
  { NULL, NULL }
};

#define WIDGET(field, member) { field, G_STRUCT_OFFSET (PmCasePage, member) }

static const PmFieldWidget case_widgets[] = {
  WIDGET ("service", service_row),
  WIDGET ("documents_presented", documents_group),
  WIDGET ("photo_source", photo_row),
  WIDGET ("fingerprint_status", fingerprint_row),
  WIDGET ("fingerprint_reason", fingerprint_reason_row),
  WIDGET ("pin_letter_delivery", pin_letter_row),
  WIDGET ("handover_mode", handover_row),
  WIDGET ("options", options_group),
  WIDGET ("fee_cents", fee_row),
  WIDGET ("fee_waived", waived),
  WIDGET ("waiver_reason", waiver_reason_row),
  WIDGET ("payment_method", payment_row),
  WIDGET ("receipt_no", payment_row),
  WIDGET ("registration_number", registration_number_row),
  WIDGET ("form", form_group),
  { NULL, 0 }
};

static const PmFieldWidget signature_widgets[] = {
  WIDGET ("signer_name", signer_row),
  WIDGET ("strokes", pad),
  { NULL, 0 }
};

static const PmService *
selected_service (PmCasePage *self)
{
  guint selected = adw_combo_row_get_selected (ADW_COMBO_ROW (self->service_row));

  return selected < self->services->len ? g_ptr_array_index (self->services, selected) : NULL;
}

/* The wire ids of the checked buttons: documents or options. */
static GStrv
checked_codes (GPtrArray *checks)
{
  g_autoptr(GStrvBuilder) codes = g_strv_builder_new ();

  for (guint i = 0; i < checks->len; i++)
    if (gtk_check_button_get_active (g_ptr_array_index (checks, i)))
      g_strv_builder_add (codes, g_object_get_data (g_ptr_array_index (checks, i), "pm-code"));
  return g_strv_builder_end (codes);
}

static void
set_checked_codes (GPtrArray          *checks,
                   const char * const *codes)
{
  for (guint i = 0; i < checks->len; i++)
    gtk_check_button_set_active (g_ptr_array_index (checks, i),
                                 codes && g_strv_contains (codes, g_object_get_data (g_ptr_array_index (checks, i), "pm-code")));
}

static GtkWidget *
find_check (GPtrArray  *checks,
            const char *code)
{
  for (guint i = 0; i < checks->len; i++)
    if (g_strcmp0 (g_object_get_data (g_ptr_array_index (checks, i), "pm-code"), code) == 0)
      return g_ptr_array_index (checks, i);
  return NULL;
}

static void update (PmCasePage *self);

static void
add_check_row (PmCasePage *self,
               GtkWidget  *group,
               GPtrArray  *checks,
               const char *code,
               const char *title,
               const char *subtitle)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *check = gtk_check_button_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  g_object_set_data_full (G_OBJECT (check), "pm-code", g_strdup (code), g_free);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
  g_signal_connect_swapped (check, "toggled", G_CALLBACK (update), self);
  g_signal_connect_swapped (check, "toggled", G_CALLBACK (pm_form_page_changed), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  g_ptr_array_add (checks, check);
  g_ptr_array_add (self->service_rows, group);
  g_ptr_array_add (self->service_rows, row);
}

/* What is still missing is said in words, with an icon, not by colour. */
static void
update_missing (PmCasePage *self)
{
  PmCatalogue *catalogue = pm_catalogue_get_default ();
  g_autoptr(GString) missing = g_string_new (NULL);
  g_autoptr(GStrvBuilder) presented = g_strv_builder_new ();
  g_auto(GStrv) presented_codes = NULL;
  g_auto(GStrv) missing_codes = NULL;
  const PmService *service = selected_service (self);

  for (guint i = 0; i < self->document_checks->len; i++)
    {
      GtkCheckButton *check = g_ptr_array_index (self->document_checks, i);

      if (gtk_check_button_get_active (check))
        g_strv_builder_add (presented, g_object_get_data (G_OBJECT (check), "pm-code"));
    }
  presented_codes = g_strv_builder_end (presented);
  missing_codes = pm_catalogue_missing_documents (catalogue, service ? service->code : NULL,
                                                  (const char * const *) presented_codes);
  for (guint i = 0; missing_codes[i]; i++)
    g_string_append_printf (missing, "%s%s", missing->len ? "; " : "",
                            pm_catalogue_get_document_name (catalogue, missing_codes[i]));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->missing_row),
                                 missing->len ? _("Still missing") : _("All documents presented"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->missing_row), missing->str);
  adw_action_row_set_icon_name (ADW_ACTION_ROW (self->missing_row),
                                missing->len ? "dialog-warning-symbolic" : "emblem-ok-symbolic");
  gtk_widget_set_visible (self->missing_row, self->document_checks->len > 0);
}

static gboolean
parse_iso_date (const char *iso,
                GDate      *date)
{
  g_date_clear (date, 1);
  if (iso)
    g_date_set_parse (date, iso);
  return g_date_valid (date);
}

/* The fee as the catalogue has it for this person today; a waiver makes
 * it nothing to pay, and nothing to pay needs no payment method. */
static void
update_fee (PmCasePage *self)
{
  const PmService *service = selected_service (self);
  g_auto(GStrv) options = checked_codes (self->option_checks);
  g_autofree char *today = pm_clock_today ();
  g_autoptr(GError) error = NULL;
  g_autofree char *amount = NULL;
  gboolean waived = gtk_switch_get_active (GTK_SWITCH (self->waived));
  GDate birth, on;
  gint64 cents = 0;

  parse_iso_date (self->birth_date, &birth);
  parse_iso_date (today, &on);
  if (service && !pm_catalogue_compute_fee (pm_catalogue_get_default (), service->code,
                                            g_date_valid (&birth) ? &birth : NULL, &on,
                                            (const char * const *) options, &cents, &error))
    cents = 0;
  self->fee_cents = waived ? 0 : cents;
  amount = pm_form_format_money (self->fee_cents);
  gtk_label_set_label (self->fee_label, amount);
  if (error)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self->fee_row), error->message);
  else if (waived)
    {
      g_autofree char *full = pm_form_format_money (cents);
      /* Translators: %s is the fee that is waived, e.g. "46,00 €" */
      g_autofree char *text = g_strdup_printf (_("Waived; the fee would be %s"), full);

      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->fee_row), text);
    }
  else
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self->fee_row), _("Computed from the catalogue for today"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->fee_row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, amount, -1);
  gtk_widget_set_sensitive (self->payment_row, self->fee_cents > 0);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->payment_row), self->fee_cents > 0 ? NULL : _("Nothing to pay"));
}

static void
update_visibility (PmCasePage *self)
{
  const PmService *service = selected_service (self);

  gtk_widget_set_visible (self->capture_group, service && g_strcmp0 (service->kind, "passport_id") == 0);
  gtk_widget_set_visible (self->form_group, service && g_strcmp0 (service->kind, "registration") == 0);
  gtk_widget_set_visible (self->options_group, self->option_checks->len > 0);
  gtk_widget_set_visible (self->fingerprint_reason_row,
                          g_strcmp0 (pm_form_combo_get_id (ADW_COMBO_ROW (self->fingerprint_row), fingerprint_statuses),
                                     "impossible") == 0);
  gtk_widget_set_visible (self->waiver_reason_row, gtk_switch_get_active (GTK_SWITCH (self->waived)));
}

static void
update (PmCasePage *self)
{
  update_visibility (self);
  update_missing (self);
  update_fee (self);
}

/* Taking the photo on site or sending by mail are paid options: choosing
 * them in the capture rows ticks the option, so the fee follows. */
static void
tick_option (PmCasePage *self,
             const char *option,
             gboolean    active)
{
  GtkWidget *check = find_check (self->option_checks, option);

  if (check)
    gtk_check_button_set_active (GTK_CHECK_BUTTON (check), active);
}

static void
photo_changed (PmCasePage *self)
{
  tick_option (self, "photo",
               g_strcmp0 (pm_form_combo_get_id (ADW_COMBO_ROW (self->photo_row), photo_sources), "on_site") == 0);
}

static void
handover_changed (PmCasePage *self)
{
  tick_option (self, "direct-mail",
               g_strcmp0 (pm_form_combo_get_id (ADW_COMBO_ROW (self->handover_row), handover_modes), "direct_mail") == 0);
}

static void
service_changed (PmCasePage *self)
{
  const PmService *service = selected_service (self);
  PmCatalogue *catalogue = pm_catalogue_get_default ();

  for (guint i = 0; i + 1 < self->service_rows->len; i += 2)
    adw_preferences_group_remove (g_ptr_array_index (self->service_rows, i), g_ptr_array_index (self->service_rows, i + 1));
  g_ptr_array_set_size (self->service_rows, 0);
  g_ptr_array_set_size (self->document_checks, 0);
  g_ptr_array_set_size (self->option_checks, 0);
  if (service == NULL)
    return;

  adw_preferences_group_remove (ADW_PREFERENCES_GROUP (self->documents_group), self->missing_row);
  for (char **code = service->documents; code && *code; code++)
    add_check_row (self, self->documents_group, self->document_checks, *code,
                   pm_catalogue_get_document_name (catalogue, *code), NULL);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->documents_group), self->missing_row);
  for (guint i = 0; service->options && i < service->options->len; i++)
    {
      const PmServiceOption *option = &g_array_index (service->options, PmServiceOption, i);
      g_autofree char *price = pm_form_format_money (option->amount_cents);
      /* Translators: what an option adds to the fee, e.g. "+ 6,00 €" */
      g_autofree char *subtitle = g_strdup_printf (_("+ %s"), price);

      add_check_row (self, self->options_group, self->option_checks, option->id, option->name, subtitle);
    }
  photo_changed (self);
  handover_changed (self);
  update (self);
}

static char *
collect_form (PmCasePage *self)
{
  g_autoptr(JsonObject) form = json_object_new ();
  JsonObject *landlord = json_object_new ();
  JsonObject *section_32 = json_object_new ();
  g_autofree char *move_in = pm_form_get_text (self->move_in_row);
  g_autofree char *move_in_date = pm_form_parse_date (move_in);
  g_autofree char *confirmed = pm_form_get_text (self->landlord_date_row);
  g_autofree char *confirmed_date = pm_form_parse_date (confirmed);

  pm_form_json_set_text (form, "new_address", self->new_address_row);
  pm_form_json_set_text (form, "previous_address", self->previous_address_row);
  if (move_in_date)
    json_object_set_string_member (form, "move_in_date", move_in_date);
  pm_form_json_set_text (form, "co_moving", self->co_moving_row);
  pm_form_json_set_text (landlord, "name", self->landlord_name_row);
  pm_form_json_set_text (landlord, "address", self->landlord_address_row);
  json_object_set_boolean_member (landlord, "is_owner", gtk_switch_get_active (GTK_SWITCH (self->landlord_owner)));
  if (confirmed_date)
    json_object_set_string_member (landlord, "date", confirmed_date);
  json_object_set_object_member (form, "landlord", landlord);
  json_object_set_boolean_member (section_32, "other_dwelling", gtk_switch_get_active (GTK_SWITCH (self->other_dwelling)));
  json_object_set_boolean_member (section_32, "stay_over_3_months", gtk_switch_get_active (GTK_SWITCH (self->long_stay)));
  json_object_set_boolean_member (section_32, "facility_notified", gtk_switch_get_active (GTK_SWITCH (self->facility_notified)));
  json_object_set_object_member (form, "section_32", section_32);
  return pm_form_json_to_string (form);
}

static gboolean
get_flag (JsonObject *object,
          const char *member)
{
  return object && json_object_get_boolean_member_with_default (object, member, FALSE);
}

static void
fill_form (PmCasePage *self,
           const char *json)
{
  g_autoptr(JsonNode) node = json ? json_from_string (json, NULL) : NULL;
  JsonObject *form = node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  JsonObject *landlord = form ? pm_json_get_object (form, "landlord") : NULL;
  JsonObject *section_32 = form ? pm_json_get_object (form, "section_32") : NULL;
  g_autofree char *move_in = pm_form_format_date (form ? pm_json_get_string (form, "move_in_date") : NULL);
  g_autofree char *confirmed = pm_form_format_date (landlord ? pm_json_get_string (landlord, "date") : NULL);

  pm_form_json_get_text (form, "new_address", self->new_address_row);
  pm_form_json_get_text (form, "previous_address", self->previous_address_row);
  pm_form_set_text (self->move_in_row, move_in);
  pm_form_json_get_text (form, "co_moving", self->co_moving_row);
  pm_form_json_get_text (landlord, "name", self->landlord_name_row);
  pm_form_json_get_text (landlord, "address", self->landlord_address_row);
  gtk_switch_set_active (GTK_SWITCH (self->landlord_owner), get_flag (landlord, "is_owner"));
  pm_form_set_text (self->landlord_date_row, confirmed);
  gtk_switch_set_active (GTK_SWITCH (self->other_dwelling), get_flag (section_32, "other_dwelling"));
  gtk_switch_set_active (GTK_SWITCH (self->long_stay), get_flag (section_32, "stay_over_3_months"));
  gtk_switch_set_active (GTK_SWITCH (self->facility_notified), get_flag (section_32, "facility_notified"));
}

/* Only what the chosen service asks is kept: a hidden row is no answer. */
static void
collect_record (PmCasePage *self)
{
  PmRecord *record = self->record;
  const PmService *service = selected_service (self);
  gboolean capture = service && g_strcmp0 (service->kind, "passport_id") == 0;
  gboolean registration = service && g_strcmp0 (service->kind, "registration") == 0;
  gboolean waived = gtk_switch_get_active (GTK_SWITCH (self->waived));
  g_auto(GStrv) documents = checked_codes (self->document_checks);
  g_auto(GStrv) options = checked_codes (self->option_checks);
  g_autofree char *reason = pm_form_get_text (self->fingerprint_reason_row);
  g_autofree char *waiver = pm_form_get_text (self->waiver_reason_row);
  g_autofree char *number = pm_form_get_text (self->registration_number_row);
  g_autofree char *form = registration ? collect_form (self) : NULL;
  const char *fingerprints = pm_form_combo_get_id (ADW_COMBO_ROW (self->fingerprint_row), fingerprint_statuses);
  g_autofree char *today = pm_clock_today ();

  update_fee (self);
  pm_record_set_string (record, "service", service ? service->code : NULL);
  pm_record_set_strv (record, "documents_presented", documents[0] ? (const char * const *) documents : NULL);
  pm_record_set_string (record, "photo_source",
                        capture ? pm_form_combo_get_id (ADW_COMBO_ROW (self->photo_row), photo_sources) : NULL);
  pm_record_set_string (record, "fingerprint_status", capture ? fingerprints : NULL);
  pm_record_set_string (record, "fingerprint_reason",
                        capture && g_strcmp0 (fingerprints, "impossible") == 0 ? reason : NULL);
  pm_record_set_string (record, "pin_letter_delivery",
                        capture ? pm_form_combo_get_id (ADW_COMBO_ROW (self->pin_letter_row), pin_deliveries) : NULL);
  pm_record_set_string (record, "handover_mode",
                        capture ? pm_form_combo_get_id (ADW_COMBO_ROW (self->handover_row), handover_modes) : NULL);
  pm_record_set_strv (record, "options", options[0] ? (const char * const *) options : NULL);
  pm_record_set_int (record, "fee_cents", self->fee_cents);
  pm_record_set_boolean (record, "fee_waived", waived);
  pm_record_set_string (record, "waiver_reason", waived ? waiver : NULL);
  pm_record_set_string (record, "payment_method",
                        self->fee_cents > 0 ? pm_form_combo_get_id (ADW_COMBO_ROW (self->payment_row), payment_methods)
                                            : "none");
  pm_record_set_string (record, "registration_number", number);
  pm_record_set_string (record, "form", form);
  pm_record_set_string (record, "status", "captured");
  pm_record_set_string (record, "captured_on", today);
}

static void
fill_from_record (PmCasePage *self)
{
  PmRecord *record = self->record;
  const char *code = pm_record_get_string (record, "service");

  for (guint i = 0; i < self->services->len; i++)
    if (g_strcmp0 (((const PmService *) g_ptr_array_index (self->services, i))->code, code) == 0)
      adw_combo_row_set_selected (ADW_COMBO_ROW (self->service_row), i);
  /* Selecting the same service again does not notify; the rows must exist. */
  if (self->document_checks->len == 0)
    service_changed (self);
  pm_form_combo_set_id (ADW_COMBO_ROW (self->photo_row), photo_sources, pm_record_get_string (record, "photo_source"));
  pm_form_combo_set_id (ADW_COMBO_ROW (self->fingerprint_row), fingerprint_statuses,
                        pm_record_get_string (record, "fingerprint_status"));
  pm_form_set_text (self->fingerprint_reason_row, pm_record_get_string (record, "fingerprint_reason"));
  pm_form_combo_set_id (ADW_COMBO_ROW (self->pin_letter_row), pin_deliveries,
                        pm_record_get_string (record, "pin_letter_delivery"));
  pm_form_combo_set_id (ADW_COMBO_ROW (self->handover_row), handover_modes, pm_record_get_string (record, "handover_mode"));
  set_checked_codes (self->document_checks, pm_record_get_strv (record, "documents_presented"));
  set_checked_codes (self->option_checks, pm_record_get_strv (record, "options"));
  gtk_switch_set_active (GTK_SWITCH (self->waived), pm_record_get_boolean (record, "fee_waived"));
  pm_form_set_text (self->waiver_reason_row, pm_record_get_string (record, "waiver_reason"));
  pm_form_combo_set_id (ADW_COMBO_ROW (self->payment_row), payment_methods, pm_record_get_string (record, "payment_method"));
  pm_form_set_text (self->registration_number_row, pm_record_get_string (record, "registration_number"));
  fill_form (self, pm_record_get_string (record, "form"));
  pm_form_set_text (self->signer_row, pm_record_get_string (self->signature, "signer_name"));
  update (self);
}

static void
collect_signature (PmCasePage *self)
{
  g_autofree char *signer = pm_form_get_text (self->signer_row);
  g_autofree char *strokes = pm_signature_pad_get_strokes_json (PM_SIGNATURE_PAD (self->pad));
  g_autofree char *now = pm_clock_timestamp ();

  g_object_set (self->signature,
                "record-id", pm_record_get_id (self->record),
                "signer-name", signer,
                "strokes", strokes,
                "signed-at", now,
                NULL);
}

/* The draft: the case as the widgets say, and the signature drawn so far. */
static JsonObject *
pm_case_page_snapshot (PmFormPage *page)
{
  PmCasePage *self = PM_CASE_PAGE (page);
  JsonObject *draft = json_object_new ();

  collect_record (self);
  collect_signature (self);
  json_object_set_object_member (draft, "record", pm_record_to_json (self->record));
  json_object_set_object_member (draft, "signature", pm_record_to_json (self->signature));
  return draft;
}

static void
pm_case_page_restore (PmFormPage *page,
                      JsonObject *draft)
{
  PmCasePage *self = PM_CASE_PAGE (page);
  JsonObject *record = draft ? pm_json_get_object (draft, "record") : NULL;
  JsonObject *signature = draft ? pm_json_get_object (draft, "signature") : NULL;
  g_autoptr(GError) error = NULL;

  if ((record && !pm_record_update_from_json (self->record, record, &error)) ||
      (signature && !pm_record_update_from_json (self->signature, signature, &error)))
    g_warning ("The draft %s is broken, some of it is lost: %s",
               pm_form_page_get_form_id (page), error->message);
  pm_form_page_set_record_id (page, pm_record_get_id (self->record));
  pm_signature_pad_set_strokes_json (PM_SIGNATURE_PAD (self->pad), pm_record_get_string (self->signature, "strokes"));
  fill_from_record (self);
}

/* The case comes first: it is what #PmFormPage::finished hands on. */
static GPtrArray *
pm_case_page_collect (PmFormPage *page)
{
  PmCasePage *self = PM_CASE_PAGE (page);
  GPtrArray *records;

  collect_record (self);
  collect_signature (self);
  if (!pm_form_page_check (page, self->record, case_widgets) ||
      !pm_form_page_check (page, self->signature, signature_widgets))
    return NULL;
  records = g_ptr_array_new ();
  g_ptr_array_add (records, self->record);
  g_ptr_array_add (records, self->signature);
  return records;
}

static void
pm_case_page_dispose (GObject *object)
{
  PmCasePage *self = PM_CASE_PAGE (object);

  pm_form_page_dispose_template (PM_FORM_PAGE (self));
  g_clear_object (&self->record);
  g_clear_object (&self->signature);
  g_clear_object (&self->missing_row);
  g_clear_pointer (&self->birth_date, g_free);
  g_clear_pointer (&self->services, g_ptr_array_unref);
  g_clear_pointer (&self->document_checks, g_ptr_array_unref);
  g_clear_pointer (&self->option_checks, g_ptr_array_unref);
  g_clear_pointer (&self->service_rows, g_ptr_array_unref);
  G_OBJECT_CLASS (pm_case_page_parent_class)->dispose (object);
}

static void
pm_case_page_class_init (PmCasePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  PmFormPageClass *page_class = PM_FORM_PAGE_CLASS (klass);

  object_class->dispose = pm_case_page_dispose;
  page_class->restore = pm_case_page_restore;
  page_class->snapshot = pm_case_page_snapshot;
  page_class->collect = pm_case_page_collect;

  pm_form_page_class_set_template (widget_class, "/de/halle/PePaMo/ui/pm-case-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PmCasePage, service_row);
  gtk_widget_class_bind_template_child (widget_class, PmCasePage, documents_group);
  gtk_widget_class_bind_template_child (widget_class, PmCasePage, capture_group);
  gtk_widget_class_bind_template_child (widget_class, PmCasePage, photo_row);
  gtk_widget_class_bind_template_child (widget_class, PmCasePage, fingerprint_row);
  gtk_widget_class_bind_template_child (widget_class, PmCasePage, fingerprint_reason_row);
  gtk_widget_class_bind_template_child (widget_class, PmCasePage, pin_letter_row);
  gtk_widget_class_bind_template_child (widget_class, PmCasePage, handover_row);
  gtk_widget_class_bind_template_child (widget_class, PmCasePage, options_group);
  gtk_widget_class_bind_template_child (widget_class, PmCasePage, fee_row);
  gtk_widget_class_bind_template_child (widget_class, PmCasePage, fee_label);
  gtk_widget_class_bind_template_child (widget_class, PmCasePage, waived);
  gtk_widget_class_bind_template_child (widget_class, PmCasePage, waiver_reason_row);
  gtk_widget_class_bind_template_child (widget_class, PmCasePage, payment_row);
  gtk_widget_class_bind_template_child (widget_class, PmCasePage, registration_number_row);
  gtk_widget_class_bind_template_child (widget_class, PmCasePage, form_group);
  gtk_widget_class_bind_template_child (widget_class, PmCasePage, new_address_row);
  gtk_widget_class_bind_template_child (widget_class, PmCasePage, previous_address_row);
  gtk_widget_class_bind_template_child (widget_class, PmCasePage, move_in_row);
  gtk_widget_class_bind_template_child (widget_class, PmCasePage, co_moving_row);
  gtk_widget_class_bind_template_child (widget_class, PmCasePage, landlord_name_row);
  gtk_widget_class_bind_template_child (widget_class, PmCasePage, landlord_address_row);
  gtk_widget_class_bind_template_child (widget_class, PmCasePage, landlord_owner);
  gtk_widget_class_bind_template_child (widget_class, PmCasePage, landlord_date_row);
  gtk_widget_class_bind_template_child (widget_class, PmCasePage, other_dwelling);
  gtk_widget_class_bind_template_child (widget_class, PmCasePage, long_stay);
  gtk_widget_class_bind_template_child (widget_class, PmCasePage, facility_notified);
  gtk_widget_class_bind_template_child (widget_class, PmCasePage, signature_group);
  gtk_widget_class_bind_template_child (widget_class, PmCasePage, signer_row);
}

static void
pm_case_page_init (PmCasePage *self)
{
  GPtrArray *all = pm_catalogue_get_services (pm_catalogue_get_default ());
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);

  pm_form_page_init_template (PM_FORM_PAGE (self));
  self->services = g_ptr_array_new ();
  self->document_checks = g_ptr_array_new ();
  self->option_checks = g_ptr_array_new ();
  self->service_rows = g_ptr_array_new ();

  for (guint i = 0; i < all->len; i++)
    {
      const PmService *service = g_ptr_array_index (all, i);

      if (g_strcmp0 (service->domain, "einwohnerwesen") != 0)
        continue;
      g_ptr_array_add (self->services, (gpointer) service);
      gtk_string_list_append (names, service->name);
    }
  adw_combo_row_set_model (ADW_COMBO_ROW (self->service_row), G_LIST_MODEL (names));
  pm_form_combo_set_choices (ADW_COMBO_ROW (self->photo_row), photo_sources);
  pm_form_combo_set_choices (ADW_COMBO_ROW (self->fingerprint_row), fingerprint_statuses);
  pm_form_combo_set_choices (ADW_COMBO_ROW (self->pin_letter_row), pin_deliveries);
  pm_form_combo_set_choices (ADW_COMBO_ROW (self->handover_row), handover_modes);
  pm_form_combo_set_choices (ADW_COMBO_ROW (self->payment_row), payment_methods);

  self->missing_row = g_object_ref_sink (adw_action_row_new ());
  gtk_widget_add_css_class (self->missing_row, "missing-documents");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->documents_group), self->missing_row);

  self->pad = pm_signature_pad_new ();
  gtk_widget_set_margin_top (self->pad, 12);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->signature_group), self->pad);
  g_signal_connect_swapped (self->pad, "changed", G_CALLBACK (pm_form_page_changed), self);

  /* Order matters: the service's rows exist before the form reacts. */
  g_signal_connect_swapped (self->service_row, "notify::selected", G_CALLBACK (service_changed), self);
  g_signal_connect_swapped (self->photo_row, "notify::selected", G_CALLBACK (photo_changed), self);
  g_signal_connect_swapped (self->handover_row, "notify::selected", G_CALLBACK (handover_changed), self);
  pm_form_watch (pm_form_page_get_content (PM_FORM_PAGE (self)), G_CALLBACK (update), self);
}

GtkWidget *
pm_case_page_new (void)
{
  return g_object_new (PM_TYPE_CASE_PAGE, NULL);
}

/* Opens the form for @citizen at @visit, with the draft left last time if
 * there is one; #PmFormPage:ready says when it can be filled. The service
 * preselected is the first the visit booked for the registration office. */
void
pm_case_page_edit (PmCasePage *self,
                   PmStore    *store,
                   PmRecord   *visit,
                   PmRecord   *citizen,
                   const char *staff_id)
{
  const char * const *booked = pm_record_get_strv (visit, "services");
  g_autofree char *name = NULL;

  g_return_if_fail (PM_IS_CASE_PAGE (self));
  g_return_if_fail (PM_IS_RECORD (visit) && PM_IS_RECORD (citizen));
  g_return_if_fail (self->record == NULL);

  self->birth_date = g_strdup (pm_record_get_string (citizen, "birth_date"));
  name = g_strdup_printf ("%s %s", pm_record_get_string (citizen, "given_names"),
                          pm_record_get_string (citizen, "family_name"));

  self->record = PM_RECORD (pm_case_new ());
  g_object_set (self->record,
                "visit-id", pm_record_get_id (visit),
                "citizen-id", pm_record_get_id (citizen),
                "staff-id", staff_id,
                NULL);
  for (guint i = 0; booked && booked[i]; i++)
    {
      const PmService *service = pm_catalogue_lookup_service (pm_catalogue_get_default (), booked[i]);

      if (service && g_strcmp0 (service->domain, "einwohnerwesen") == 0)
        {
          pm_record_set_string (self->record, "service", service->code);
          break;
        }
    }
  self->signature = PM_RECORD (pm_signature_new ());
  g_object_set (self->signature, "record-kind", "case", "signer-name", name, NULL);

  pm_form_page_open (PM_FORM_PAGE (self), store, "case", visit, citizen, pm_record_get_id (self->record));
}
