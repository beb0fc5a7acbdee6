/* pm-ics.c: the visits as iCalendar (RFC 5545), for the office calendar
 *
 * Only the appointment layer leaves PePaMo this way: who, where, when, which
 * services and how to get in. Care grades, mobility and health notes, the
 * visit's internal notes and its priority reason stay out, because a
 * calendar is shared far more widely than the store.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pm-docs"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <string.h>

#include "pm-catalogue.h"
#include "pm-city.h"
#include "pm-clock.h"
#include "pm-error.h"
#include "pm-ics.h"
#include "pm-status.h"

/* RFC 5545 3.1: lines of at most 75 octets, without the CRLF. */
#define ICS_LINE_OCTETS 75

static const char * const scheduled_statuses[] = {
  "scheduled", "confirmed", "on_the_way", "arrived", "done", "partly_done", NULL
};

static gboolean
has_start (PmRecord *visit)
{
  const char *date = pm_record_get_string (visit, "date");
  const char *start = pm_record_get_string (visit, "planned_start");

  return date != NULL && *date != '\0' && start != NULL && *start != '\0';
}

/**
 * pm_appointment_is_scheduled:
 * @visit: a #PmVisit
 *
 * Whether the visit is an appointment the van keeps or kept: planned onto a
 * day and a time, and neither a request, cancelled nor missed.
 */
gboolean
pm_appointment_is_scheduled (PmRecord *visit)
{
  return g_strv_contains (scheduled_statuses, pm_record_get_string (visit, "status") ?: "") &&
         has_start (visit);
}

/* A cancelled appointment still goes out, so that a calendar which took it
 * in earlier learns that it is off. */
static gboolean
is_listed (PmRecord *visit)
{
  return pm_appointment_is_scheduled (visit) ||
         (g_strcmp0 (pm_record_get_string (visit, "status"), "cancelled") == 0 && has_start (visit));
}

/**
 * pm_appointment_get_start:
 * @visit: a #PmVisit
 *
 * Returns: (transfer full) (nullable): the planned start in %PM_ICS_TZID,
 *   or %NULL when the visit has no date and start, or the zone is unknown
 */
GDateTime *
pm_appointment_get_start (PmRecord *visit)
{
  g_autoptr(GTimeZone) zone = g_time_zone_new_identifier (PM_ICS_TZID);
  int year, month, day, hour, minute;

  if (zone == NULL || !has_start (visit) ||
      sscanf (pm_record_get_string (visit, "date"), "%4d-%2d-%2d", &year, &month, &day) != 3 ||
      sscanf (pm_record_get_string (visit, "planned_start"), "%2d:%2d", &hour, &minute) != 2)
    return NULL;
  return g_date_time_new (zone, year, month, day, hour, minute, 0);
}

/**
 * pm_appointment_service_names:
 * @visit: a #PmVisit
 *
 * Returns: (transfer full): the booked services by the catalogue's German
 *   names, comma-separated
 */
char *
pm_appointment_service_names (PmRecord *visit)
{
  PmCatalogue *catalogue = pm_catalogue_get_default ();
  const char * const *codes = pm_record_get_strv (visit, "services");
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  g_auto(GStrv) list = NULL;

  for (guint i = 0; codes && codes[i]; i++)
    {
      const PmService *service = pm_catalogue_lookup_service (catalogue, codes[i]);

      g_strv_builder_add (names, service ? service->name : codes[i]);
    }
  list = g_strv_builder_end (names);
  return g_strjoinv (", ", list);
}

/**
 * pm_appointment_citizen_name:
 * @citizen: a #PmCitizen
 *
 * Returns: (transfer full): "Given Family"
 */
char *
pm_appointment_citizen_name (PmRecord *citizen)
{
  return g_strdup_printf ("%s %s", pm_record_get_string (citizen, "given_names") ?: "",
                          pm_record_get_string (citizen, "family_name") ?: "");
}

/**
 * pm_appointment_person_names:
 * @visit: a #PmVisit
 * @citizens: (element-type utf8 PmCitizen): citizens by id
 *
 * Returns: (transfer full): "Given Family" of the visit's persons found in
 *   @citizens, comma-separated
 */
char *
pm_appointment_person_names (PmRecord   *visit,
                             GHashTable *citizens)
{
  const char * const *ids = pm_record_get_strv (visit, "citizen_ids");
  GString *names = g_string_new (NULL);

  for (guint i = 0; ids && ids[i]; i++)
    {
      PmRecord *citizen = g_hash_table_lookup (citizens, ids[i]);
      g_autofree char *name = citizen ? pm_appointment_citizen_name (citizen) : NULL;

      if (name != NULL)
        g_string_append_printf (names, "%s%s", names->len ? ", " : "", name);
    }
  return g_string_free (names, FALSE);
}

/**
 * pm_appointment_location:
 * @visit: a #PmVisit
 *
 * Returns: (transfer full): "Facility, Street 1, 06108 City", the facility
 *   only when there is one; the city is the city profile's
 */
char *
pm_appointment_location (PmRecord *visit)
{
  const char *facility = pm_record_get_string (visit, "facility_name");
  g_autofree char *address = g_strdup_printf ("%s %s, %s %s",
                                              pm_record_get_string (visit, "street") ?: "",
                                              pm_record_get_string (visit, "house_number") ?: "",
                                              pm_record_get_string (visit, "postcode") ?: "",
                                              pm_city_get_name (pm_city_get_default ()));

  if (facility != NULL && *facility != '\0')
    return g_strdup_printf ("%s, %s", facility, address);
  return g_steal_pointer (&address);
}

/**
 * pm_appointment_documents:
 * @visit: a #PmVisit
 *
 * Returns: (transfer full): the German names of the documents the booked
 *   services need, each once, in the catalogue's order
 */
char **
pm_appointment_documents (PmRecord *visit)
{
  PmCatalogue *catalogue = pm_catalogue_get_default ();
  const char * const *codes = pm_record_get_strv (visit, "services");
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();

  for (guint i = 0; codes && codes[i]; i++)
    {
      const PmService *service = pm_catalogue_lookup_service (catalogue, codes[i]);

      for (char **d = service ? service->documents : NULL; d && *d; d++)
        if (g_hash_table_add (seen, *d))
          g_strv_builder_add (names, pm_catalogue_get_document_name (catalogue, *d) ?: *d);
    }
  return g_strv_builder_end (names);
}

/* Appends one content line, folded: a line longer than 75 octets goes on in
 * lines that start with a space. A UTF-8 character is never cut in two. */
static void
append_line (GString    *out,
             const char *line)
{
  gsize left = strlen (line);
  gsize limit = ICS_LINE_OCTETS;

  while (left > limit)
    {
      gsize cut = limit;

      while ((line[cut] & 0xc0) == 0x80)
        cut--;
      g_string_append_len (out, line, cut);
      g_string_append (out, "\r\n ");
      line += cut;
      left -= cut;
      /* The leading space counts. */
      limit = ICS_LINE_OCTETS - 1;
    }
  g_string_append_len (out, line, left);
  g_string_append (out, "\r\n");
}

/* NAME:value with the value escaped as TEXT (RFC 5545 3.3.11). */
static void
append_text (GString    *out,
             const char *name,
             const char *value)
{
  g_autoptr(GString) line = g_string_new (name);

  g_string_append_c (line, ':');
  for (const char *p = value; *p; p++)
    {
      if (*p == '\\' || *p == ';' || *p == ',')
        g_string_append_printf (line, "\\%c", *p);
      else if (*p == '\r' && p[1] == '\n')
        continue;
      else if (*p == '\n' || *p == '\r')
        g_string_append (line, "\\n");
      /* Other control characters are not allowed in TEXT. */
      else if ((guchar) *p < 0x20 && *p != '\t')
        g_string_append_c (line, ' ');
      else
        g_string_append_c (line, *p);
    }
  append_line (out, line->str);
}

static void
append_printf (GString    *out,
               const char *format,
               ...) G_GNUC_PRINTF (2, 3);

static void
append_printf (GString    *out,
               const char *format,
               ...)
{
  g_autofree char *line = NULL;
  va_list args;

  va_start (args, format);
  line = g_strdup_vprintf (format, args);
  va_end (args);
  append_line (out, line);
}

/* The rules of the zone, so that a client without a zone database of its
 * own (RFC 5545 3.6.5) places the times right on both sides of a change. */
static void
append_timezone (GString *out)
{
  static const char * const lines[] = {
    "BEGIN:VTIMEZONE",
    "TZID:" PM_ICS_TZID,
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0200",
    "TZNAME:CEST",
    "DTSTART:19700329T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100",
    "TZNAME:CET",
    "DTSTART:19701025T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
  };

  for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
    append_line (out, lines[i]);
}

static const char *
event_status (PmRecord *visit)
{
  const char *status = pm_record_get_string (visit, "status");

  if (g_strcmp0 (status, "cancelled") == 0)
    return "CANCELLED";
  /* Planned by dispatch, not yet agreed with the person. */
  if (g_strcmp0 (status, "scheduled") == 0)
    return "TENTATIVE";
  return "CONFIRMED";
}

/* Services with their department, the persons' access notes and the
 * facility's contact: what the office needs to answer a call about it. */
static char *
event_description (PmRecord   *visit,
                   GHashTable *citizens)
{
  PmCatalogue *catalogue = pm_catalogue_get_default ();
  const char * const *codes = pm_record_get_strv (visit, "services");
  const char * const *ids = pm_record_get_strv (visit, "citizen_ids");
  const char *contact = pm_record_get_string (visit, "facility_contact");
  GString *text = g_string_new (NULL);

  for (guint i = 0; codes && codes[i]; i++)
    {
      const PmService *service = pm_catalogue_lookup_service (catalogue, codes[i]);

      /* Translators: a line of a calendar entry; %s is a service */
      g_string_append_printf (text, _("Service: %s"), service ? service->name : codes[i]);
      if (service != NULL)
        g_string_append_printf (text, " – %s", pm_department_get_label (service->domain));
      g_string_append_c (text, '\n');
    }
  for (guint i = 0; ids && ids[i]; i++)
    {
      PmRecord *citizen = g_hash_table_lookup (citizens, ids[i]);
      const char *notes = citizen ? pm_record_get_string (citizen, "access_notes") : NULL;
      g_autofree char *name = NULL;

      if (notes == NULL || *notes == '\0')
        continue;
      name = pm_appointment_citizen_name (citizen);
      /* Translators: a line of a calendar entry; the first %s is a person's name, the second how to get in */
      g_string_append_printf (text, _("Access for %s: %s\n"), name, notes);
    }
  if (contact != NULL && *contact != '\0')
    /* Translators: a line of a calendar entry */
    g_string_append_printf (text, _("Facility contact: %s\n"), contact);
  if (text->len > 0)
    g_string_truncate (text, text->len - 1);
  return g_string_free (text, FALSE);
}

static gboolean
append_event (GString     *out,
              PmRecord    *visit,
              GHashTable  *citizens,
              const char  *stamp,
              GError     **error)
{
  g_autoptr(GDateTime) start = pm_appointment_get_start (visit);
  g_autoptr(GDateTime) end = NULL;
  g_autofree char *start_text = NULL;
  g_autofree char *end_text = NULL;
  g_autofree char *names = pm_appointment_person_names (visit, citizens);
  g_autofree char *services = pm_appointment_service_names (visit);
  g_autofree char *summary = NULL;
  g_autofree char *location = pm_appointment_location (visit);
  g_autofree char *description = event_description (visit, citizens);

  if (start == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("cannot be placed in the time zone %s"), PM_ICS_TZID);

      pm_set_field_error (error, visit, "planned_start", message);
      return FALSE;
    }
  /* Added to the instant, so a visit across a clock change keeps its length. */
  end = g_date_time_add_minutes (start, (int) pm_record_get_int (visit, "duration_min"));
  start_text = g_date_time_format (start, "%Y%m%dT%H%M%S");
  end_text = g_date_time_format (end, "%Y%m%dT%H%M%S");
  summary = *names ? g_strdup_printf ("%s – %s", services, names) : g_strdup (services);

  append_line (out, "BEGIN:VEVENT");
  append_printf (out, "UID:%s@pepamo.%s.de", pm_record_get_id (visit), pm_city_get_id (pm_city_get_default ()));
  append_printf (out, "DTSTAMP:%s", stamp);
  /* Each save of the visit is a new revision for calendars that update. */
  append_printf (out, "SEQUENCE:%" G_GINT64_FORMAT, MAX (pm_record_get_version (visit) - 1, 0));
  append_printf (out, "DTSTART;TZID=%s:%s", PM_ICS_TZID, start_text);
  append_printf (out, "DTEND;TZID=%s:%s", PM_ICS_TZID, end_text);
  append_text (out, "SUMMARY", summary);
  append_text (out, "LOCATION", location);
  if (*description)
    append_text (out, "DESCRIPTION", description);
  append_printf (out, "STATUS:%s", event_status (visit));
  append_line (out, "END:VEVENT");
  return TRUE;
}

/**
 * pm_ics_write:
 * @visits: (element-type PmVisit): the visits to put in the calendar
 * @citizens: (element-type utf8 PmCitizen): their persons by id
 * @error: a #GError, %PM_ERROR_INVALID naming a visit's field that cannot
 *   be placed in time
 *
 * Writes an iCalendar with one event per appointment among @visits (see
 * pm_appointment_is_scheduled()), and one with STATUS:CANCELLED per
 * cancelled visit that had a time. Times are local to %PM_ICS_TZID, whose
 * rules come along; lines end in CRLF and are folded at 75 octets.
 *
 * Returns: (transfer full) (nullable): the calendar, or %NULL with @error set
 */
char *
pm_ics_write (GPtrArray   *visits,
              GHashTable  *citizens,
              GError     **error)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GDateTime) now = pm_clock_now ();
  g_autoptr(GDateTime) utc = g_date_time_to_utc (now);
  g_autofree char *stamp = g_date_time_format (utc, "%Y%m%dT%H%M%SZ");
  PmCity *city = pm_city_get_default ();

  g_return_val_if_fail (visits != NULL, NULL);
  g_return_val_if_fail (citizens != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  append_line (out, "BEGIN:VCALENDAR");
  append_line (out, "VERSION:2.0");
  append_printf (out, "PRODID:-//%s//PePaMo %s//DE", pm_city_get_name (city), PACKAGE_VERSION);
  append_line (out, "CALSCALE:GREGORIAN");
  append_line (out, "METHOD:PUBLISH");
  append_timezone (out);
  for (guint i = 0; i < visits->len; i++)
    {
      PmRecord *visit = g_ptr_array_index (visits, i);

      if (is_listed (visit) && !append_event (out, visit, citizens, stamp, error))
        return NULL;
    }
  append_line (out, "END:VCALENDAR");
  return g_string_free (g_steal_pointer (&out), FALSE);
}
