/* pm-consent.c: a recorded consent
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pm-checks.h"
#include "pm-consent.h"

struct _PmConsent
{
  PmRecord  parent_instance;

  char     *citizen_id;
  char     *staff_id;
  char     *purpose;
  char     *form;
  char     *given_by;
  char     *representative_name;
  char     *witness;
  char     *given_on;
  char     *withdrawn_on;
};

G_DEFINE_FINAL_TYPE (PmConsent, pm_consent, PM_TYPE_RECORD)

#define FIELD(name, label, type, flags) { #name, label, type, flags, G_STRUCT_OFFSET (PmConsent, name) }

static const PmFieldSpec fields[] = {
  FIELD (citizen_id, N_("Person"), PM_FIELD_STRING, PM_FIELD_REQUIRED | PM_FIELD_COLUMN),
  FIELD (staff_id, N_("Recorded by"), PM_FIELD_STRING, 0),
  FIELD (purpose, N_("Purpose"), PM_FIELD_STRING, PM_FIELD_REQUIRED),
  FIELD (form, N_("Form"), PM_FIELD_STRING, PM_FIELD_REQUIRED),
  FIELD (given_by, N_("Given by"), PM_FIELD_STRING, PM_FIELD_REQUIRED),
  FIELD (representative_name, N_("Representative"), PM_FIELD_STRING, 0),
  FIELD (witness, N_("Witness"), PM_FIELD_STRING, 0),
  FIELD (given_on, N_("Given on"), PM_FIELD_DATE, PM_FIELD_REQUIRED),
  FIELD (withdrawn_on, N_("Withdrawn on"), PM_FIELD_DATE, 0),
};

static const char * const purposes[] = {
  "social_data", "md_report", "referral", "pin_disclosure", NULL
};
static const char * const forms[] = { "written", "oral", NULL };
static const char * const givers[] = { "person", "representative", NULL };

static gboolean
pm_consent_validate (PmRecord  *record,
                     GError   **error)
{
  PmConsent *self = PM_CONSENT (record);

  if (self->withdrawn_on && pm_compare_dates (self->withdrawn_on, self->given_on) < 0)
    {
      pm_set_field_error (error, record, "withdrawn_on", _("must not be before the consent was given"));
      return FALSE;
    }
  return pm_check_uuid (record, "citizen_id", TRUE, error) &&
         pm_check_uuid (record, "staff_id", FALSE, error) &&
         pm_check_one_of (record, "purpose", purposes, TRUE, error) &&
         pm_check_one_of (record, "form", forms, TRUE, error) &&
         pm_check_one_of (record, "given_by", givers, TRUE, error) &&
         pm_check_needed_if (record, g_strcmp0 (self->form, "oral") == 0, "witness", error) &&
         pm_check_needed_if (record, g_strcmp0 (self->given_by, "representative") == 0,
                             "representative_name", error);
}

static void
pm_consent_class_init (PmConsentClass *klass)
{
  PmRecordClass *record_class = PM_RECORD_CLASS (klass);

  pm_record_class_install_fields (record_class, "consent", "consents", fields, G_N_ELEMENTS (fields));
  record_class->validate = pm_consent_validate;
}

static void
pm_consent_init (PmConsent *self)
{
}

PmConsent *
pm_consent_new (void)
{
  return g_object_new (PM_TYPE_CONSENT, NULL);
}
