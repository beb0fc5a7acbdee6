/* pm-visit-request.c: a visit request as the dispatch office takes it
 *
 * Turns what a caller says into a new person (or the known one) and a
 * visit in "requested", checking every field with a message that names
 * it.  The address is looked up in the demo gazetteer (the city's backend
 * geocodes in production) unless the place was pinned on the map.
 *
 * Windows may be given as on the phone ("24.11.2026 09:00-12:00").
 *
 * Duplicates are flagged, not refused (two people may share a name):
 * - the same family name, first given name and date of birth;
 * - a similar name at the same address: family names at most two letters
 *   apart ("Müller", "Mueller", "Muller"), the same initial, and the same
 *   street (as the gazetteer compares streets) and house number.
 * Names are compared case folded, with ä/ö/ü/ß as ae/oe/ue/ss and without
 * spaces, hyphens and apostrophes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pm-visit-request"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "pm-catalogue.h"
#include "pm-city.h"
#include "pm-clock.h"
#include "pm-error.h"
#include "pm-gazetteer.h"
#include "pm-model.h"
#include "pm-visit-request.h"

/* Farther from the depot than this is not in the city (Halle is about
 * 20 km across). */
#define CITY_RADIUS_KM 15.0

PmVisitRequest *
pm_visit_request_new (void)
{
  PmVisitRequest *request = g_new0 (PmVisitRequest, 1);

  request->priority = 1;
  request->location_type = g_strdup ("home");
  request->source = g_strdup ("phone");
  return request;
}

void
pm_visit_request_free (PmVisitRequest *request)
{
  if (request == NULL)
    return;
  g_free (request->citizen_id);
  g_free (request->family_name);
  g_free (request->given_names);
  g_free (request->birth_date);
  g_free (request->phone);
  g_free (request->street);
  g_free (request->house_number);
  g_free (request->postcode);
  g_free (request->stadtteil);
  g_free (request->location_type);
  g_free (request->facility_name);
  g_strfreev (request->services);
  g_strfreev (request->windows);
  g_free (request->priority_reason);
  g_free (request->source);
  g_free (request->notes);
  g_free (request);
}

/* "24.11.2026 09:00-12:00" as said on the phone, in the visit's form
 * "2026-11-24T09:00/2026-11-24T12:00"; NULL if it is not written so. */
static char *
iso_window (const char *text)
{
  /* An en dash is what a word processor makes of "-". */
  g_auto(GStrv) parts = g_strsplit (text, "–", -1);
  g_autofree char *plain = g_strjoinv ("-", parts);
  int d, m, y, h1, m1, h2, m2;
  char end;

  if (sscanf (plain, "%d.%d.%d %d:%d-%d:%d%c", &d, &m, &y, &h1, &m1, &h2, &m2, &end) != 7 ||
      !g_date_valid_dmy (d, m, y) || h1 > 23 || h2 > 23 || m1 > 59 || m2 > 59 || h1 < 0 || h2 < 0 ||
      m1 < 0 || m2 < 0)
    return NULL;
  return g_strdup_printf ("%04d-%02d-%02dT%02d:%02d/%04d-%02d-%02dT%02d:%02d", y, m, d, h1, m1, y, m, d, h2, m2);
}

/* Callers' strings are owned by the request: trimmed in place. */
static void
tidy (PmVisitRequest *request)
{
  char *texts[] = {
    request->citizen_id, request->family_name, request->given_names, request->birth_date,
    request->phone, request->street, request->house_number, request->postcode,
    request->stadtteil, request->facility_name, request->priority_reason, request->notes,
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    if (texts[i])
      g_strstrip (texts[i]);
  for (guint i = 0; request->windows && request->windows[i]; i++)
    {
      char *iso = iso_window (g_strstrip (request->windows[i]));

      if (iso)
        {
          g_free (request->windows[i]);
          request->windows[i] = iso;
        }
    }
}

static gboolean
is_blank (const char *text)
{
  return text == NULL || *text == '\0';
}

/* Case folded, umlauts spelt out, letters only. */
static char *
fold_name (const char *name)
{
  static const char * const spelt[][2] = { { "ä", "ae" }, { "ö", "oe" }, { "ü", "ue" }, { "ß", "ss" } };
  g_autofree char *folded = g_utf8_casefold (name ? name : "", -1);
  GString *text = g_string_new (NULL);

  for (const char *p = folded; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      gboolean done = FALSE;

      for (guint i = 0; i < G_N_ELEMENTS (spelt) && !done; i++)
        if (g_str_has_prefix (p, spelt[i][0]))
          {
            g_string_append (text, spelt[i][1]);
            done = TRUE;
          }
      if (!done && g_unichar_isalnum (c))
        g_string_append_unichar (text, c);
    }
  return g_string_free (text, FALSE);
}

static char *
first_given_name (const char *given)
{
  g_auto(GStrv) parts = g_strsplit (given ? given : "", " ", 2);

  return fold_name (parts[0]);
}

/* Edit distance in bytes of two folded (ASCII-ish) names. */
static guint
distance (const char *a,
          const char *b)
{
  gsize n = strlen (b);
  g_autofree guint *row = g_new (guint, n + 1);

  for (gsize j = 0; j <= n; j++)
    row[j] = (guint) j;
  for (gsize i = 1; a[i - 1]; i++)
    {
      guint diagonal = row[0];

      row[0] = (guint) i;
      for (gsize j = 1; j <= n; j++)
        {
          guint above = row[j];

          row[j] = MIN (MIN (row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] != b[j - 1]));
          diagonal = above;
        }
    }
  return row[n];
}

/* DD.MM.YYYY as said on the phone, or YYYY-MM-DD. */
static char *
iso_date (const char *text)
{
  int d, m, y;
  char end;

  if (text && sscanf (text, "%d.%d.%d%c", &d, &m, &y, &end) == 3 && y > 999)
    return g_strdup_printf ("%04d-%02d-%02d", y, m, d);
  return g_strdup (text);
}

static void
pm_duplicate_free (PmDuplicate *duplicate)
{
  g_object_unref (duplicate->citizen);
  g_free (duplicate);
}

static gboolean
same_address (PmVisitRequest *request,
              PmRecord       *citizen)
{
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  if (is_blank (request->street) || is_blank (request->house_number))
    return FALSE;
  a = pm_gazetteer_normalise_street (request->street);
  b = pm_gazetteer_normalise_street (pm_record_get_string (citizen, "street") ? pm_record_get_string (citizen, "street") : "");
  return g_str_equal (a, b) &&
         g_ascii_strcasecmp (request->house_number,
                             pm_record_get_string (citizen, "house_number") ? pm_record_get_string (citizen, "house_number") : "") == 0;
}

/**
 * pm_visit_request_find_duplicates:
 * @citizens: (element-type PmRecord): the persons known
 *
 * Returns: (transfer container) (element-type PmDuplicate): the known
 * persons the request may describe again (see the top of this file).
 */
GPtrArray *
pm_visit_request_find_duplicates (PmVisitRequest *request,
                                  GPtrArray      *citizens)
{
  GPtrArray *found = g_ptr_array_new_with_free_func ((GDestroyNotify) pm_duplicate_free);
  g_autofree char *family = NULL;
  g_autofree char *given = NULL;
  g_autofree char *birth = NULL;

  tidy (request);
  family = fold_name (request->family_name);
  given = first_given_name (request->given_names);
  birth = iso_date (request->birth_date);

  if (*family == '\0' || *given == '\0')
    return found;
  for (guint i = 0; i < citizens->len; i++)
    {
      PmRecord *citizen = g_ptr_array_index (citizens, i);
      g_autofree char *other_family = fold_name (pm_record_get_string (citizen, "family_name"));
      g_autofree char *other_given = first_given_name (pm_record_get_string (citizen, "given_names"));
      PmDuplicate *duplicate;

      if (g_strcmp0 (pm_record_get_id (citizen), request->citizen_id) == 0)
        continue;
      duplicate = g_new0 (PmDuplicate, 1);
      if (g_str_equal (family, other_family) && g_str_equal (given, other_given) &&
          g_strcmp0 (birth, pm_record_get_string (citizen, "birth_date")) == 0)
        duplicate->kind = PM_DUPLICATE_SAME_BIRTH;
      else if (distance (family, other_family) <= 2 && given[0] == other_given[0] &&
               same_address (request, citizen))
        duplicate->kind = PM_DUPLICATE_SAME_ADDRESS;
      else
        {
          g_free (duplicate);
          continue;
        }
      duplicate->citizen = g_object_ref (citizen);
      g_ptr_array_add (found, duplicate);
    }
  return found;
}

static gboolean
check_name (PmRecord    *record,
            const char  *field,
            const char  *name,
            GError     **error)
{
  if (is_blank (name))
    {
      pm_set_field_error (error, record, field, _("must not be empty"));
      return FALSE;
    }
  for (const char *p = name; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!g_unichar_isalpha (c) && !(c < 128 && strchr (" -'.", (int) c)))
        {
          pm_set_field_error (error, record, field,
                              _("may contain only letters, spaces, hyphens, apostrophes and dots"));
          return FALSE;
        }
    }
  return TRUE;
}

/* 12, 12a, 12-14: what a German house number looks like. */
static gboolean
check_house_number (PmRecord    *record,
                    const char  *number,
                    GError     **error)
{
  g_autoptr(GRegex) pattern = g_regex_new ("^[1-9][0-9]{0,3}[a-zA-Z]?(-[1-9][0-9]{0,3}[a-zA-Z]?)?$", 0, 0, NULL);

  if (is_blank (number) || !g_regex_match (pattern, number, 0, NULL))
    {
      pm_set_field_error (error, record, "house_number", _("must be a number, with a letter if need be (12a)"));
      return FALSE;
    }
  return TRUE;
}

static double
km_between (double lat1,
            double lon1,
            double lat2,
            double lon2)
{
  double dlat = (lat2 - lat1) * G_PI / 180, dlon = (lon2 - lon1) * G_PI / 180;
  double h = sin (dlat / 2) * sin (dlat / 2) +
             cos (lat1 * G_PI / 180) * cos (lat2 * G_PI / 180) * sin (dlon / 2) * sin (dlon / 2);

  return 2 * 6371.0 * asin (sqrt (h));
}

/* The Stadtteil whose centre is nearest to a pinned place. */
static const char *
nearest_stadtteil (double lat,
                   double lon)
{
  GPtrArray *areas = pm_city_get_areas (pm_city_get_default ());
  const char *best = NULL;
  double best_km = G_MAXDOUBLE;

  for (guint i = 0; i < areas->len; i++)
    {
      const PmArea *area = g_ptr_array_index (areas, i);
      double km;

      if (g_strcmp0 (area->level, "stadtteil") != 0 || (area->lat == 0 && area->lon == 0))
        continue;
      km = km_between (lat, lon, area->lat, area->lon);
      if (km < best_km)
        {
          best_km = km;
          best = area->code;
        }
    }
  return best;
}

/* Street, number, postcode, Stadtteil and coordinates onto the visit. */
static gboolean
locate (PmVisitRequest  *request,
        PmRecord        *visit,
        GError         **error)
{
  PmCity *city = pm_city_get_default ();
  const PmGazetteerFacility *facility = pm_gazetteer_lookup_facility (request->facility_name);
  const char *street = request->street;
  const char *number = request->house_number;
  const char *postcode = request->postcode;
  const char *stadtteil = request->stadtteil;
  double lat = request->lat, lon = request->lon;

  /* A known care home or hospital brings its own address. */
  if (facility && is_blank (street) && g_strcmp0 (request->location_type, "home") != 0)
    {
      street = facility->street;
      number = facility->number;
      postcode = is_blank (postcode) ? facility->postcode : postcode;
      stadtteil = facility->area;
      if (!request->manual_pin)
        {
          lat = facility->lat;
          lon = facility->lon;
        }
    }
  if (is_blank (street))
    {
      pm_set_field_error (error, visit, "street", _("must not be empty"));
      return FALSE;
    }
  if (!check_house_number (visit, number, error))
    return FALSE;
  if (request->manual_pin)
    {
      double depot_lat, depot_lon;

      pm_city_get_depot_location (city, &depot_lat, &depot_lon);
      if (!(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180) ||
          km_between (lat, lon, depot_lat, depot_lon) > CITY_RADIUS_KM)
        {
          pm_set_field_error (error, visit, "lat", _("the place pinned on the map is outside the city"));
          return FALSE;
        }
      if (is_blank (stadtteil))
        stadtteil = nearest_stadtteil (lat, lon);
    }
  else if (facility == NULL || street != facility->street)
    {
      const PmGazetteerStreet *known = pm_gazetteer_lookup_street (street);

      if (known == NULL)
        {
          pm_set_field_error (error, visit, "street",
                              _("is not in the city's street list; check the spelling or pin the place on the map"));
          return FALSE;
        }
      street = known->street;
      postcode = is_blank (postcode) ? known->postcode : postcode;
      stadtteil = is_blank (stadtteil) ? known->area : stadtteil;
      lat = known->lat;
      lon = known->lon;
    }
  if (is_blank (postcode) || !pm_city_postcode_is_local (city, postcode))
    {
      pm_set_field_error (error, visit, "postcode", _("is not a postcode of the city"));
      return FALSE;
    }
  pm_record_set_string (visit, "street", street);
  pm_record_set_string (visit, "house_number", number);
  pm_record_set_string (visit, "postcode", postcode);
  pm_record_set_string (visit, "stadtteil", stadtteil);
  pm_record_set_double (visit, "lat", lat);
  pm_record_set_double (visit, "lon", lon);
  return TRUE;
}

static gboolean
check_windows (PmVisitRequest  *request,
               PmRecord        *visit,
               GError         **error)
{
  g_autoptr(GDateTime) now = pm_clock_now ();
  g_autoptr(GDateTime) local = g_date_time_to_local (now);
  g_autofree char *now_text = g_date_time_format (local, "%Y-%m-%dT%H:%M");

  if (request->windows == NULL || request->windows[0] == NULL)
    {
      pm_set_field_error (error, visit, "windows", _("give at least one time when the person can be visited"));
      return FALSE;
    }
  /* The format is the visit's own check; here only what is over. */
  for (guint i = 0; request->windows[i]; i++)
    {
      const char *end = strchr (request->windows[i], '/');

      if (end && strlen (end + 1) == 16 && strcmp (end + 1, now_text) <= 0)
        {
          g_autofree char *message = g_strdup_printf (_("%s lies in the past"), request->windows[i]);

          pm_set_field_error (error, visit, "windows", message);
          return FALSE;
        }
    }
  return TRUE;
}

/* The sum of the services' times, within what a visit may take. */
static gint64
duration_of (char **services)
{
  PmCatalogue *catalogue = pm_catalogue_get_default ();
  gint64 minutes = 0;

  for (guint i = 0; services && services[i]; i++)
    {
      const PmService *service = pm_catalogue_lookup_service (catalogue, services[i]);

      minutes += service ? service->duration_min : 0;
    }
  return CLAMP (minutes, 15, 480);
}

static PmRecord *
new_person (PmVisitRequest  *request,
            PmRecord        *visit,
            GError         **error)
{
  g_autoptr(PmRecord) person = pm_record_new (PM_TYPE_CITIZEN);
  g_autofree char *birth = iso_date (request->birth_date);
  static const char * const address[] = { "street", "house_number", "postcode", "stadtteil", NULL };

  if (!check_name (person, "family_name", request->family_name, error) ||
      !check_name (person, "given_names", request->given_names, error))
    return NULL;
  pm_record_set_string (person, "family_name", request->family_name);
  pm_record_set_string (person, "given_names", request->given_names);
  pm_record_set_string (person, "birth_date", birth);
  pm_record_set_string (person, "phone", is_blank (request->phone) ? NULL : request->phone);
  pm_record_set_string (person, "city", pm_city_get_name (pm_city_get_default ()));
  /* The address given is where the person lives or stays. */
  for (guint i = 0; address[i]; i++)
    pm_record_set_string (person, address[i], pm_record_get_string (visit, address[i]));
  pm_record_set_double (person, "lat", pm_record_get_double (visit, "lat"));
  pm_record_set_double (person, "lon", pm_record_get_double (visit, "lon"));
  if (!pm_record_validate (person, error))
    return NULL;
  return g_steal_pointer (&person);
}

/**
 * pm_visit_request_build:
 * @citizen: (nullable): the known person the request is for, or NULL to
 *   make a new one from the request
 * @new_citizen: (out) (transfer full) (nullable): the new person, or NULL
 * @visit: (out) (transfer full): the visit in "requested"
 *
 * Checks every field of the request; on the first that is wrong, @error
 * names it ("Street: …") and nothing is returned.
 */
gboolean
pm_visit_request_build (PmVisitRequest  *request,
                        PmRecord        *citizen,
                        PmRecord       **new_citizen,
                        PmRecord       **visit,
                        GError         **error)
{
  g_autoptr(PmRecord) made = pm_record_new (PM_TYPE_VISIT);
  g_autoptr(PmRecord) person = NULL;
  g_autofree char *persons = NULL;
  const char *ids[2] = { NULL, NULL };

  g_return_val_if_fail (request != NULL, FALSE);
  tidy (request);
  *new_citizen = NULL;
  *visit = NULL;
  if (!locate (request, made, error))
    return FALSE;
  if (citizen == NULL)
    {
      person = new_person (request, made, error);
      if (person == NULL)
        return FALSE;
    }
  if (!is_blank (request->facility_name) || g_strcmp0 (request->location_type, "home") == 0)
    pm_record_set_string (made, "facility_name", is_blank (request->facility_name) ? NULL : request->facility_name);
  else if (request->location_type && g_strv_contains ((const char * const[]) { "care_home", "hospital", NULL }, request->location_type))
    {
      pm_set_field_error (error, made, "facility_name", _("is needed for a care home or hospital"));
      return FALSE;
    }
  if (!check_windows (request, made, error))
    return FALSE;
  if (request->notes && g_utf8_strlen (request->notes, -1) > PM_VISIT_REQUEST_MAX_NOTES)
    {
      g_autofree char *message = g_strdup_printf (_("may be at most %d characters long"),
                                                  PM_VISIT_REQUEST_MAX_NOTES);

      pm_set_field_error (error, made, "notes", message);
      return FALSE;
    }

  ids[0] = pm_record_get_id (person ? person : citizen);
  persons = g_strdup_printf ("%s %s", pm_record_get_string (person ? person : citizen, "given_names"),
                             pm_record_get_string (person ? person : citizen, "family_name"));
  pm_record_set_strv (made, "citizen_ids", ids);
  pm_record_set_string (made, "persons", persons);
  pm_record_set_string (made, "location_type", request->location_type);
  pm_record_set_strv (made, "services", (const char * const *) request->services);
  pm_record_set_int (made, "duration_min", duration_of (request->services));
  pm_record_set_strv (made, "windows", (const char * const *) request->windows);
  pm_record_set_int (made, "priority", request->priority);
  pm_record_set_string (made, "priority_reason", is_blank (request->priority_reason) ? NULL : request->priority_reason);
  pm_record_set_string (made, "source", request->source);
  pm_record_set_string (made, "notes", is_blank (request->notes) ? NULL : request->notes);
  pm_record_set_string (made, "status", "requested");
  /* The rest (types, lists, codes, ranges) is the visit's own check. */
  if (!pm_record_validate (made, error))
    return FALSE;
  *new_citizen = g_steal_pointer (&person);
  *visit = g_steal_pointer (&made);
  return TRUE;
}
