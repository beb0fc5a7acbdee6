/* pm-counselling-record.c: a care-counselling session (Soziales only, Art. 9)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pm-checks.h"
#include "pm-counselling-record.h"

struct _PmCounsellingRecord
{
  PmRecord   parent_instance;

  char      *visit_id;
  char      *citizen_id;
  char      *staff_id;
  char      *occasion;
  char     **participants;
  char      *care_grade;
  char      *care_insurance;
  char      *care_situation;
  char     **topics;
  char      *results;
  char      *measures;
  gboolean   plan_handed_over;
  char      *referrals;
  char     **consent_ids;
  char      *follow_up_date;
  char      *mode;
  gint64     duration_min;
  char      *status;
};

G_DEFINE_FINAL_TYPE (PmCounsellingRecord, pm_counselling_record, PM_TYPE_RECORD)

#define FIELD(name, label, type, flags) { #name, label, type, flags, G_STRUCT_OFFSET (PmCounsellingRecord, name) }

static const PmFieldSpec fields[] = {
  FIELD (visit_id, N_("Visit"), PM_FIELD_STRING, PM_FIELD_COLUMN),
  FIELD (citizen_id, N_("Person"), PM_FIELD_STRING, PM_FIELD_REQUIRED | PM_FIELD_COLUMN),
  FIELD (staff_id, N_("Counsellor"), PM_FIELD_STRING, PM_FIELD_REQUIRED),
  FIELD (occasion, N_("Occasion"), PM_FIELD_STRING, PM_FIELD_REQUIRED),
  FIELD (participants, N_("Participants"), PM_FIELD_STRV, 0),
  FIELD (care_grade, N_("Care grade"), PM_FIELD_STRING, 0),
  FIELD (care_insurance, N_("Care insurance"), PM_FIELD_STRING, 0),
  FIELD (care_situation, N_("Care situation"), PM_FIELD_JSON, 0),
  FIELD (topics, N_("Topics"), PM_FIELD_STRV, 0),
  FIELD (results, N_("Results"), PM_FIELD_STRING, 0),
  FIELD (measures, N_("Care plan"), PM_FIELD_JSON, 0),
  FIELD (plan_handed_over, N_("Care plan handed over"), PM_FIELD_BOOLEAN, 0),
  FIELD (referrals, N_("Referrals"), PM_FIELD_JSON, 0),
  FIELD (consent_ids, N_("Consents"), PM_FIELD_STRV, 0),
  FIELD (follow_up_date, N_("Follow-up date"), PM_FIELD_DATE, PM_FIELD_COLUMN),
  FIELD (mode, N_("Mode"), PM_FIELD_STRING, PM_FIELD_REQUIRED),
  FIELD (duration_min, N_("Duration"), PM_FIELD_INT, 0),
  FIELD (status, N_("Status"), PM_FIELD_STRING, PM_FIELD_REQUIRED | PM_FIELD_COLUMN),
};

static const char * const occasions[] = {
  "self", "relative", "care_home", "hospital_social_service", "internal_referral", NULL
};
static const char * const care_grades[] = {
  "none", "1", "2", "3", "4", "5", "applied", "objection", NULL
};
static const char * const modes[] = { "home", "video", "phone", NULL };
static const char * const statuses[] = { "draft", "final", NULL };
static const char * const topics[] = {
  "care_grade_application", "care_grade_increase", "care_grade_objection",
  "care_allowance", "care_benefits_in_kind", "combination_benefit", "relief_amount",
  "relief_budget", "day_care", "housing_adaptation", "aids", "care_courses",
  "assistance_for_care", "power_of_attorney_guardianship", "dementia",
  "care_home_short_term_place", "carer_relief", "prevention_heat_protection",
  "severe_disability", NULL
};

static gboolean
check_measures (PmCounsellingRecord  *self,
                GError              **error)
{
  g_autoptr(JsonNode) node = NULL;
  JsonArray *array;

  if (self->measures == NULL)
    return TRUE;
  node = json_from_string (self->measures, NULL);
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    goto bad;
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *measure;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        goto bad;
      measure = json_node_get_object (element);
      if (!json_object_has_member (measure, "measure") || !json_object_has_member (measure, "who"))
        goto bad;
    }
  return TRUE;

bad:
  pm_set_field_error (error, PM_RECORD (self), "measures",
                      _("each entry needs a measure and who is responsible"));
  return FALSE;
}

static gboolean
pm_counselling_record_validate (PmRecord  *record,
                                GError   **error)
{
  PmCounsellingRecord *self = PM_COUNSELLING_RECORD (record);

  for (guint i = 0; self->topics && self->topics[i]; i++)
    if (!g_strv_contains (topics, self->topics[i]))
      {
        pm_set_field_error (error, record, "topics", _("contains an unknown topic"));
        return FALSE;
      }
  /* A referral passes social data on: only with a recorded consent. */
  if (self->referrals && g_strcmp0 (self->referrals, "[]") != 0 &&
      (self->consent_ids == NULL || self->consent_ids[0] == NULL))
    {
      pm_set_field_error (error, record, "referrals", _("need a recorded consent"));
      return FALSE;
    }
  return pm_check_uuid (record, "visit_id", FALSE, error) &&
         pm_check_uuid (record, "citizen_id", TRUE, error) &&
         pm_check_uuid (record, "staff_id", TRUE, error) &&
         pm_check_uuid_list (record, "consent_ids", error) &&
         pm_check_one_of (record, "occasion", occasions, TRUE, error) &&
         pm_check_one_of (record, "care_grade", care_grades, FALSE, error) &&
         pm_check_one_of (record, "mode", modes, TRUE, error) &&
         pm_check_one_of (record, "status", statuses, TRUE, error) &&
         pm_check_int_range (record, "duration_min", 0, 600, error) &&
         check_measures (self, error);
}

static void
pm_counselling_record_class_init (PmCounsellingRecordClass *klass)
{
  PmRecordClass *record_class = PM_RECORD_CLASS (klass);

  pm_record_class_install_fields (record_class, "counselling", "counselling", fields, G_N_ELEMENTS (fields));
  record_class->validate = pm_counselling_record_validate;
}

static void
pm_counselling_record_init (PmCounsellingRecord *self)
{
  self->status = g_strdup ("draft");
  self->mode = g_strdup ("home");
}

PmCounsellingRecord *
pm_counselling_record_new (void)
{
  return g_object_new (PM_TYPE_COUNSELLING_RECORD, NULL);
}
