/* pm-visit.c: a visit of the van (a visit request is a visit in "requested")
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdlib.h>
#include <string.h>

#include "pm-checks.h"
#include "pm-clock.h"
#include "pm-status.h"
#include "pm-visit.h"

struct _PmVisit
{
  PmRecord   parent_instance;

  char     **citizen_ids;
  char      *location_type;
  char      *facility_name;
  char      *facility_contact;
  char      *street;
  char      *house_number;
  char      *postcode;
  char      *stadtteil;
  double     lat;
  double     lon;
  char     **services;
  gint64     duration_min;
  char     **windows;
  gint64     priority;
  char      *priority_reason;
  char      *source;
  char      *status;
  char      *status_reason;
  char      *date;
  char      *planned_start;
  gint64     route_order;
  char      *van_id;
  char      *notes;
  gboolean   rescheduled;
  char      *persons;
};

G_DEFINE_FINAL_TYPE (PmVisit, pm_visit, PM_TYPE_RECORD)

#define FIELD(name, label, type, flags) { #name, label, type, flags, G_STRUCT_OFFSET (PmVisit, name) }

static const PmFieldSpec fields[] = {
  FIELD (citizen_ids, N_("Persons"), PM_FIELD_STRV, PM_FIELD_REQUIRED),
  FIELD (location_type, N_("Location type"), PM_FIELD_STRING, PM_FIELD_REQUIRED),
  FIELD (facility_name, N_("Facility"), PM_FIELD_STRING, 0),
  FIELD (facility_contact, N_("Facility contact"), PM_FIELD_STRING, 0),
  FIELD (street, N_("Street"), PM_FIELD_STRING, PM_FIELD_REQUIRED),
  FIELD (house_number, N_("House number"), PM_FIELD_STRING, PM_FIELD_REQUIRED),
  FIELD (postcode, N_("Postcode"), PM_FIELD_STRING, PM_FIELD_REQUIRED),
  FIELD (stadtteil, N_("District"), PM_FIELD_STRING, PM_FIELD_REQUIRED | PM_FIELD_COLUMN),
  FIELD (lat, N_("Latitude"), PM_FIELD_DOUBLE, 0),
  FIELD (lon, N_("Longitude"), PM_FIELD_DOUBLE, 0),
  FIELD (services, N_("Services"), PM_FIELD_STRV, PM_FIELD_REQUIRED),
  FIELD (duration_min, N_("Duration"), PM_FIELD_INT, 0),
  FIELD (windows, N_("Time windows"), PM_FIELD_STRV, 0),
  FIELD (priority, N_("Priority"), PM_FIELD_INT, 0),
  FIELD (priority_reason, N_("Reason for priority"), PM_FIELD_STRING, 0),
  FIELD (source, N_("Requested by"), PM_FIELD_STRING, 0),
  FIELD (status, N_("Status"), PM_FIELD_STRING, PM_FIELD_REQUIRED | PM_FIELD_COLUMN),
  FIELD (status_reason, N_("Reason"), PM_FIELD_STRING, 0),
  FIELD (date, N_("Date"), PM_FIELD_DATE, PM_FIELD_COLUMN),
  FIELD (planned_start, N_("Planned start"), PM_FIELD_STRING, 0),
  FIELD (route_order, N_("Position in route"), PM_FIELD_INT, PM_FIELD_COLUMN),
  FIELD (van_id, N_("Van"), PM_FIELD_STRING, PM_FIELD_COLUMN),
  FIELD (notes, N_("Notes"), PM_FIELD_STRING, 0),
  FIELD (rescheduled, N_("Changed after publishing"), PM_FIELD_BOOLEAN, 0),
  FIELD (persons, N_("Persons"), PM_FIELD_STRING, PM_FIELD_TRANSIENT),
};

static const char * const location_types[] = { "home", "care_home", "hospital", NULL };
static const char * const sources[] = { "phone", "care_home", "hospital", "internal", "on_the_spot", NULL };

static GDateTime *
parse_local (const char *text)
{
  g_autoptr(GTimeZone) tz = pm_clock_local_zone ();
  g_autofree char *full = NULL;

  /* GLib's parser wants seconds; windows are written to the minute. */
  if (strlen (text) != 16 || text[10] != 'T')
    return NULL;
  full = g_strconcat (text, ":00", NULL);
  return g_date_time_new_from_iso8601 (full, tz);
}

static gboolean
check_windows (PmVisit  *self,
               GError  **error)
{
  for (guint i = 0; self->windows && self->windows[i]; i++)
    {
      g_auto(GStrv) parts = g_strsplit (self->windows[i], "/", 2);
      g_autoptr(GDateTime) start = NULL;
      g_autoptr(GDateTime) end = NULL;

      if (g_strv_length (parts) == 2)
        {
          start = parse_local (parts[0]);
          end = parse_local (parts[1]);
        }
      if (start == NULL || end == NULL)
        {
          pm_set_field_error (error, PM_RECORD (self), "windows",
                              _("must be of the form YYYY-MM-DDTHH:MM/YYYY-MM-DDTHH:MM"));
          return FALSE;
        }
      if (g_date_time_compare (end, start) <= 0)
        {
          pm_set_field_error (error, PM_RECORD (self), "windows", _("a window ends before it starts"));
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
check_planned_start (PmVisit  *self,
                     GError  **error)
{
  const char *t = self->planned_start;

  if (t == NULL || *t == '\0')
    return TRUE;
  if (strlen (t) != 5 || t[2] != ':' || !g_ascii_isdigit (t[0]) || !g_ascii_isdigit (t[1]) ||
      !g_ascii_isdigit (t[3]) || !g_ascii_isdigit (t[4]) ||
      atoi (t) > 23 || atoi (t + 3) > 59)
    {
      pm_set_field_error (error, PM_RECORD (self), "planned_start", _("must be a time of the form HH:MM"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
pm_visit_validate (PmRecord  *record,
                   GError   **error)
{
  PmVisit *self = PM_VISIT (record);
  gboolean scheduled = g_strcmp0 (self->status, "requested") != 0;

  return pm_check_one_of (record, "status", pm_visit_statuses (), TRUE, error) &&
         pm_check_one_of (record, "location_type", location_types, TRUE, error) &&
         pm_check_one_of (record, "source", sources, FALSE, error) &&
         pm_check_uuid_list (record, "citizen_ids", error) &&
         pm_check_uuid (record, "van_id", FALSE, error) &&
         pm_check_postcode (record, "postcode", error) &&
         pm_check_stadtteil (record, "stadtteil", TRUE, error) &&
         pm_check_location (record, error) &&
         pm_check_service_list (record, "services", NULL, error) &&
         pm_check_int_range (record, "duration_min", 5, 480, error) &&
         pm_check_int_range (record, "priority", 1, 3, error) &&
         check_windows (self, error) &&
         check_planned_start (self, error) &&
         pm_check_needed_if (record, scheduled, "date", error) &&
         pm_check_needed_if (record, g_strcmp0 (self->status, "cancelled") == 0, "status_reason", error) &&
         pm_check_needed_if (record, self->priority > 1, "priority_reason", error);
}

static void
pm_visit_class_init (PmVisitClass *klass)
{
  PmRecordClass *record_class = PM_RECORD_CLASS (klass);

  pm_record_class_install_fields (record_class, "visit", "visits", fields, G_N_ELEMENTS (fields));
  record_class->validate = pm_visit_validate;
}

static void
pm_visit_init (PmVisit *self)
{
  self->priority = 1;
  self->duration_min = 30;
  self->status = g_strdup ("requested");
}

PmVisit *
pm_visit_new (void)
{
  return g_object_new (PM_TYPE_VISIT, NULL);
}

/**
 * pm_visit_new_follow_up_request:
 * @follow_up_date: (nullable): the follow-up the counsellor set
 *
 * A visit request for dispatch: counselling at @citizen's address, asked
 * for by the office (Soziales orders the follow-up visit; dispatch plans it).
 */
PmVisit *
pm_visit_new_follow_up_request (PmRecord   *citizen,
                                const char *follow_up_date)
{
  PmVisit *self = pm_visit_new ();
  g_autofree char *notes = NULL;

  g_return_val_if_fail (PM_IS_RECORD (citizen), self);
  if (follow_up_date)
    /* Translators: a note for dispatch on a visit request; %s is a date YYYY-MM-DD */
    notes = g_strdup_printf (_("Follow-up counselling, due %s"), follow_up_date);
  g_object_set (self,
                "citizen-ids", (const char * const[]) { pm_record_get_id (citizen), NULL },
                "location-type", "home",
                "street", pm_record_get_string (citizen, "street"),
                "house-number", pm_record_get_string (citizen, "house_number"),
                "postcode", pm_record_get_string (citizen, "postcode"),
                "stadtteil", pm_record_get_string (citizen, "stadtteil"),
                "lat", pm_record_get_double (citizen, "lat"),
                "lon", pm_record_get_double (citizen, "lon"),
                "services", (const char * const[]) { "PB", NULL },
                "duration-min", (gint64) 45,
                "source", "internal",
                "status", "requested",
                "notes", notes,
                NULL);
  return self;
}
