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
  char     **unmet_needs;
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
  FIELD (unmet_needs, N_("Unmet needs"), PM_FIELD_STRV, 0),
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
/* The topics of PflBer-RL 2.2 (DOMAIN.md, 5.1 E). */
static const PmChoice topics[] = {
  { "care_grade_application", N_("Care grade: application") },
  { "care_grade_increase", N_("Care grade: increase") },
  { "care_grade_objection", N_("Care grade: objection") },
  { "care_allowance", N_("Care allowance") },
  { "care_benefits_in_kind", N_("Care benefits in kind") },
  { "combination_benefit", N_("Combination of allowance and benefits in kind") },
  { "relief_amount", N_("Relief amount") },
  { "relief_budget", N_("Relief budget") },
  { "day_care", N_("Day care") },
  { "housing_adaptation", N_("Housing adaptation") },
  { "aids", N_("Aids") },
  { "care_courses", N_("Care courses") },
  { "assistance_for_care", N_("Assistance for care (social welfare)") },
  { "power_of_attorney_guardianship", N_("Power of attorney, guardianship") },
  { "dementia", N_("Dementia") },
  { "care_home_short_term_place", N_("Care home or short-term care place") },
  { "carer_relief", N_("Relief for carers") },
  { "prevention_heat_protection", N_("Prevention, heat protection") },
  { "severe_disability", N_("Severe disability") },
  { NULL, NULL }
};

/* What a person needed and the counselling could not arrange, because no
 * offer was free or none exists nearby: the gaps the social planning
 * (MUVIS) counts per Stadtteil. */
static const PmChoice unmet_needs[] = {
  { "home_care_service", N_("Home care service") },
  { "day_care_place", N_("Day care place") },
  { "short_term_care_place", N_("Short-term care place") },
  { "care_home_place", N_("Care home place") },
  { "household_help", N_("Help in the household") },
  { "relief_offer", N_("Relief offer for carers") },
  { "transport", N_("Transport service") },
  { "accessible_housing", N_("Accessible housing") },
  { NULL, NULL }
};

static gboolean
check_choices (PmRecord        *record,
               const char      *field,
               const PmChoice  *choices,
               const char      *message,
               GError         **error)
{
  const char * const *values = pm_record_get_strv (record, field);

  for (guint i = 0; values && values[i]; i++)
    if (pm_choice_find (choices, values[i]) == NULL)
      {
        pm_set_field_error (error, record, field, message);
        return FALSE;
      }
  return TRUE;
}

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

  if (!check_choices (record, "topics", topics, _("contains an unknown topic"), error) ||
      !check_choices (record, "unmet_needs", unmet_needs, _("contains an unknown need"), error))
    return FALSE;
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

const PmChoice *
pm_counselling_topics (void)
{
  return topics;
}

const PmChoice *
pm_counselling_unmet_needs (void)
{
  return unmet_needs;
}
