/* pm-citizen.c: a person the van visits
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "pm-checks.h"
#include "pm-citizen.h"
#include "pm-clock.h"

struct _PmCitizen
{
  PmRecord  parent_instance;

  char     *family_name;
  char     *given_names;
  char     *birth_name;
  char     *birth_date;
  char     *birth_place;
  char     *street;
  char     *house_number;
  char     *postcode;
  char     *city;
  char     *stadtteil;
  double    lat;
  double    lon;
  char     *stay_address;
  char     *phone;
  char     *contact_name;
  char     *contact_phone;
  char     *care_grade;
  char     *representation;
  char     *access_notes;
  char     *mobility_notes;
  char     *language;
  gboolean  hearing_impaired;
  gboolean  has_lift;
  gboolean  socket_and_table;
};

G_DEFINE_FINAL_TYPE (PmCitizen, pm_citizen, PM_TYPE_RECORD)

#define FIELD(name, label, type, flags) { #name, label, type, flags, G_STRUCT_OFFSET (PmCitizen, name) }

static const PmFieldSpec fields[] = {
  FIELD (family_name, N_("Family name"), PM_FIELD_STRING, PM_FIELD_REQUIRED | PM_FIELD_COLUMN),
  FIELD (given_names, N_("Given names"), PM_FIELD_STRING, PM_FIELD_REQUIRED),
  FIELD (birth_name, N_("Birth name"), PM_FIELD_STRING, 0),
  FIELD (birth_date, N_("Date of birth"), PM_FIELD_DATE, PM_FIELD_REQUIRED),
  FIELD (birth_place, N_("Place of birth"), PM_FIELD_STRING, 0),
  FIELD (street, N_("Street"), PM_FIELD_STRING, PM_FIELD_REQUIRED),
  FIELD (house_number, N_("House number"), PM_FIELD_STRING, PM_FIELD_REQUIRED),
  FIELD (postcode, N_("Postcode"), PM_FIELD_STRING, PM_FIELD_REQUIRED),
  FIELD (city, N_("City"), PM_FIELD_STRING, PM_FIELD_REQUIRED),
  FIELD (stadtteil, N_("District"), PM_FIELD_STRING, PM_FIELD_REQUIRED | PM_FIELD_COLUMN),
  FIELD (lat, N_("Latitude"), PM_FIELD_DOUBLE, 0),
  FIELD (lon, N_("Longitude"), PM_FIELD_DOUBLE, 0),
  FIELD (stay_address, N_("Address of stay"), PM_FIELD_STRING, 0),
  FIELD (phone, N_("Phone"), PM_FIELD_STRING, 0),
  FIELD (contact_name, N_("Contact person"), PM_FIELD_STRING, 0),
  FIELD (contact_phone, N_("Contact phone"), PM_FIELD_STRING, 0),
  FIELD (care_grade, N_("Care grade"), PM_FIELD_STRING, 0),
  FIELD (representation, N_("Representation"), PM_FIELD_JSON, 0),
  FIELD (access_notes, N_("Access notes"), PM_FIELD_STRING, 0),
  FIELD (mobility_notes, N_("Mobility"), PM_FIELD_STRING, 0),
  FIELD (language, N_("Language"), PM_FIELD_STRING, 0),
  FIELD (hearing_impaired, N_("Hearing impaired"), PM_FIELD_BOOLEAN, 0),
  FIELD (has_lift, N_("Lift"), PM_FIELD_BOOLEAN, 0),
  FIELD (socket_and_table, N_("Socket and table available"), PM_FIELD_BOOLEAN, 0),
};

static const char * const care_grades[] = {
  "none", "1", "2", "3", "4", "5", "applied", "objection", NULL
};

static gboolean
check_phone (PmRecord    *record,
             const char  *field,
             GError     **error)
{
  const char *phone = pm_record_get_string (record, field);

  if (phone && *phone && strspn (phone, "0123456789 +-/()") != strlen (phone))
    {
      pm_set_field_error (error, record, field, _("may contain only digits, spaces and + - / ( )"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
pm_citizen_validate (PmRecord  *record,
                     GError   **error)
{
  PmCitizen *self = PM_CITIZEN (record);
  g_autofree char *today = pm_clock_today ();

  if (pm_compare_dates (self->birth_date, today) > 0)
    {
      pm_set_field_error (error, record, "birth_date", _("must not be in the future"));
      return FALSE;
    }
  if (pm_compare_dates (self->birth_date, "1890-01-01") < 0)
    {
      pm_set_field_error (error, record, "birth_date", _("is implausibly early"));
      return FALSE;
    }
  return pm_check_postcode (record, "postcode", error) &&
         pm_check_stadtteil (record, "stadtteil", TRUE, error) &&
         pm_check_location (record, error) &&
         pm_check_one_of (record, "care_grade", care_grades, FALSE, error) &&
         check_phone (record, "phone", error) &&
         check_phone (record, "contact_phone", error);
}

static void
pm_citizen_class_init (PmCitizenClass *klass)
{
  PmRecordClass *record_class = PM_RECORD_CLASS (klass);

  pm_record_class_install_fields (record_class, "citizen", "citizens", fields, G_N_ELEMENTS (fields));
  record_class->validate = pm_citizen_validate;
}

static void
pm_citizen_init (PmCitizen *self)
{
}

PmCitizen *
pm_citizen_new (void)
{
  return g_object_new (PM_TYPE_CITIZEN, NULL);
}
