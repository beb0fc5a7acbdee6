/* pm-case.c: a passport/ID or registration case (Einwohnerwesen only)
 *
 * No photo and no fingerprint is ever stored: capture happens in the certified
 * registration system, and the case keeps its case number and status.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pm-case.h"
#include "pm-catalogue.h"
#include "pm-checks.h"
#include "pm-status.h"

struct _PmCase
{
  PmRecord   parent_instance;

  char      *visit_id;
  char      *citizen_id;
  char      *staff_id;
  char      *service;
  char      *status;
  char      *status_reason;
  char     **documents_presented;
  char      *photo_source;
  char      *fingerprint_status;
  char      *fingerprint_reason;
  char      *pin_letter_delivery;
  char      *handover_mode;
  char     **options;
  gint64     fee_cents;
  gboolean   fee_waived;
  char      *waiver_reason;
  char      *payment_method;
  char      *receipt_no;
  char      *registration_number;
  char      *form;
  char      *captured_on;
  char      *status_history;
  char      *person_name;
  char      *stadtteil;
  char      *staff_name;
};

G_DEFINE_FINAL_TYPE (PmCase, pm_case, PM_TYPE_RECORD)

#define FIELD(name, label, type, flags) { #name, label, type, flags, G_STRUCT_OFFSET (PmCase, name) }

static const PmFieldSpec fields[] = {
  FIELD (visit_id, N_("Visit"), PM_FIELD_STRING, PM_FIELD_COLUMN),
  FIELD (citizen_id, N_("Person"), PM_FIELD_STRING, PM_FIELD_REQUIRED | PM_FIELD_COLUMN),
  FIELD (staff_id, N_("Clerk"), PM_FIELD_STRING, PM_FIELD_REQUIRED),
  FIELD (service, N_("Service"), PM_FIELD_STRING, PM_FIELD_REQUIRED),
  FIELD (status, N_("Status"), PM_FIELD_STRING, PM_FIELD_REQUIRED | PM_FIELD_COLUMN),
  FIELD (status_reason, N_("Reason"), PM_FIELD_STRING, 0),
  FIELD (documents_presented, N_("Documents presented"), PM_FIELD_STRV, 0),
  FIELD (photo_source, N_("Photo"), PM_FIELD_STRING, 0),
  FIELD (fingerprint_status, N_("Fingerprints"), PM_FIELD_STRING, 0),
  FIELD (fingerprint_reason, N_("Reason fingerprints are impossible"), PM_FIELD_STRING, 0),
  FIELD (pin_letter_delivery, N_("PIN letter"), PM_FIELD_STRING, 0),
  FIELD (handover_mode, N_("Hand-over"), PM_FIELD_STRING, 0),
  FIELD (options, N_("Options"), PM_FIELD_STRV, 0),
  FIELD (fee_cents, N_("Fee"), PM_FIELD_INT, 0),
  FIELD (fee_waived, N_("Fee waived"), PM_FIELD_BOOLEAN, 0),
  FIELD (waiver_reason, N_("Reason for the waiver"), PM_FIELD_STRING, 0),
  FIELD (payment_method, N_("Payment"), PM_FIELD_STRING, 0),
  FIELD (receipt_no, N_("Receipt number"), PM_FIELD_STRING, 0),
  FIELD (registration_number, N_("Case number of the registration system"), PM_FIELD_STRING, 0),
  FIELD (form, N_("Form data"), PM_FIELD_JSON, 0),
  FIELD (captured_on, N_("Captured on"), PM_FIELD_DATE, PM_FIELD_REQUIRED | PM_FIELD_COLUMN),
  FIELD (status_history, N_("Status history"), PM_FIELD_JSON, 0),
  FIELD (person_name, N_("Person"), PM_FIELD_STRING, PM_FIELD_TRANSIENT),
  FIELD (stadtteil, N_("District"), PM_FIELD_STRING, PM_FIELD_TRANSIENT),
  FIELD (staff_name, N_("Clerk"), PM_FIELD_STRING, PM_FIELD_TRANSIENT),
};

typedef struct
{
  const char *field;
  const char *value;
  const char *label;
} ValueLabel;

/* How a case's coded values read in documents and on the office's desk. */
static const ValueLabel value_labels[] = {
  { "photo_source", "on_site", N_("Taken on site") },
  { "photo_source", "datamatrix", N_("Photo with DataMatrix code") },
  { "photo_source", "none", N_("No photo needed") },
  { "fingerprint_status", "captured", N_("Captured in the registration system") },
  { "fingerprint_status", "exempt_under_6", N_("Exempt: child under 6") },
  { "fingerprint_status", "impossible", N_("Impossible") },
  { "fingerprint_status", "not_applicable", N_("Not needed") },
  { "pin_letter_delivery", "registration_address", N_("Registered address") },
  { "pin_letter_delivery", "authority", N_("The authority") },
  { "handover_mode", "visit", N_("At a second visit") },
  { "handover_mode", "proxy", N_("To a proxy with power of attorney") },
  { "handover_mode", "direct_mail", N_("Direct mail") },
  { "payment_method", "card", N_("Card") },
  { "payment_method", "cash", N_("Cash") },
  { "payment_method", "invoice", N_("Invoice") },
  { "payment_method", "none", N_("No payment") },
};

static const char * const photo_sources[] = { "on_site", "datamatrix", "none", NULL };
static const char * const fingerprint_statuses[] = {
  "captured", "exempt_under_6", "impossible", "not_applicable", NULL
};
static const char * const pin_deliveries[] = { "registration_address", "authority", NULL };
static const char * const handover_modes[] = { "visit", "proxy", "direct_mail", NULL };
static const char * const payment_methods[] = { "card", "cash", "invoice", "none", NULL };

static gboolean
check_service (PmCase  *self,
               GError **error)
{
  PmCatalogue *catalogue = pm_catalogue_get_default ();
  const PmService *service = pm_catalogue_lookup_service (catalogue, self->service);

  if (service == NULL || g_strcmp0 (service->domain, "einwohnerwesen") != 0)
    {
      pm_set_field_error (error, PM_RECORD (self), "service", _("is not a passport, ID or registration service"));
      return FALSE;
    }
  for (guint i = 0; self->documents_presented && self->documents_presented[i]; i++)
    if (pm_catalogue_get_document_name (catalogue, self->documents_presented[i]) == NULL)
      {
        pm_set_field_error (error, PM_RECORD (self), "documents_presented", _("contains an unknown document"));
        return FALSE;
      }
  return TRUE;
}

static gboolean
pm_case_validate (PmRecord  *record,
                  GError   **error)
{
  PmCase *self = PM_CASE (record);

  if (self->fee_cents < 0)
    {
      pm_set_field_error (error, record, "fee_cents", _("must not be negative"));
      return FALSE;
    }
  return check_service (self, error) &&
         pm_check_one_of (record, "status", pm_case_statuses (), TRUE, error) &&
         pm_check_uuid (record, "visit_id", FALSE, error) &&
         pm_check_uuid (record, "citizen_id", TRUE, error) &&
         pm_check_uuid (record, "staff_id", TRUE, error) &&
         pm_check_one_of (record, "photo_source", photo_sources, FALSE, error) &&
         pm_check_one_of (record, "fingerprint_status", fingerprint_statuses, FALSE, error) &&
         pm_check_one_of (record, "pin_letter_delivery", pin_deliveries, FALSE, error) &&
         pm_check_one_of (record, "handover_mode", handover_modes, FALSE, error) &&
         pm_check_one_of (record, "payment_method", payment_methods, FALSE, error) &&
         pm_check_needed_if (record, g_strcmp0 (self->fingerprint_status, "impossible") == 0,
                             "fingerprint_reason", error) &&
         pm_check_needed_if (record, self->fee_waived, "waiver_reason", error) &&
         pm_check_needed_if (record, g_strcmp0 (self->status, "rejected") == 0 ||
                                     g_strcmp0 (self->status, "query") == 0,
                             "status_reason", error) &&
         pm_check_needed_if (record, pm_case_status_is_locked (self->status) &&
                                     g_strcmp0 (self->status, "rejected") != 0,
                             "registration_number", error);
}

static void
pm_case_class_init (PmCaseClass *klass)
{
  PmRecordClass *record_class = PM_RECORD_CLASS (klass);

  pm_record_class_install_fields (record_class, "case", "cases", fields, G_N_ELEMENTS (fields));
  record_class->validate = pm_case_validate;
}

static void
pm_case_init (PmCase *self)
{
  self->status = g_strdup ("captured");
}

PmCase *
pm_case_new (void)
{
  return g_object_new (PM_TYPE_CASE, NULL);
}

/**
 * pm_case_value_label:
 *
 * The translated label of a coded value of @field ("photo_source",
 * "fingerprint_status", "pin_letter_delivery", "handover_mode",
 * "payment_method"); an unknown value is returned as it is.
 */
const char *
pm_case_value_label (const char *field,
                     const char *value)
{
  for (guint i = 0; value && i < G_N_ELEMENTS (value_labels); i++)
    if (g_str_equal (value_labels[i].field, field) && g_str_equal (value_labels[i].value, value))
      return g_dgettext (GETTEXT_PACKAGE, value_labels[i].label);
  return value;
}
