/* pm-checks.c: validation rules shared by several record types
 *
 * Every rule names the field in its message, so the UI can show it at the
 * field and the CLI in one line.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "pm-catalogue.h"
#include "pm-checks.h"
#include "pm-city.h"

/* Reads a text field. An empty required one is an error; an empty optional
 * one comes back as NULL, which the caller accepts. */
static gboolean
get_present (PmRecord    *self,
             const char  *field,
             gboolean     required,
             const char **value,
             GError     **error)
{
  *value = pm_record_get_string (self, field);
  if (*value && **value)
    return TRUE;
  *value = NULL;
  if (!required)
    return TRUE;
  pm_set_field_error (error, self, field, _("must not be empty"));
  return FALSE;
}

gboolean
pm_check_one_of (PmRecord           *self,
                 const char         *field,
                 const char * const *allowed,
                 gboolean            required,
                 GError            **error)
{
  const char *value;

  if (!get_present (self, field, required, &value, error))
    return FALSE;
  if (value == NULL)
    return TRUE;
  if (!g_strv_contains (allowed, value))
    {
      g_autofree char *message = g_strdup_printf (_("“%s” is not one of the allowed values"), value);

      pm_set_field_error (error, self, field, message);
      return FALSE;
    }
  return TRUE;
}

gboolean
pm_check_uuid (PmRecord    *self,
               const char  *field,
               gboolean     required,
               GError     **error)
{
  const char *value;

  if (!get_present (self, field, required, &value, error))
    return FALSE;
  if (value == NULL)
    return TRUE;
  if (!g_uuid_string_is_valid (value))
    {
      pm_set_field_error (error, self, field, _("is not a valid record reference"));
      return FALSE;
    }
  return TRUE;
}

gboolean
pm_check_uuid_list (PmRecord    *self,
                    const char  *field,
                    GError     **error)
{
  const char * const *ids = pm_record_get_strv (self, field);

  for (guint i = 0; ids && ids[i]; i++)
    if (!g_uuid_string_is_valid (ids[i]))
      {
        pm_set_field_error (error, self, field, _("is not a valid record reference"));
        return FALSE;
      }
  return TRUE;
}

gboolean
pm_check_location (PmRecord  *self,
                   GError   **error)
{
  double lat = pm_record_get_double (self, "lat");
  double lon = pm_record_get_double (self, "lon");

  /* 0/0 is the unset value; a real place in Germany is far from it. */
  if (lat < -90 || lat > 90 || (lat == 0 && lon == 0))
    {
      pm_set_field_error (error, self, "lat", _("is not a valid latitude"));
      return FALSE;
    }
  if (lon < -180 || lon > 180)
    {
      pm_set_field_error (error, self, "lon", _("is not a valid longitude"));
      return FALSE;
    }
  return TRUE;
}

gboolean
pm_check_stadtteil (PmRecord    *self,
                    const char  *field,
                    gboolean     required,
                    GError     **error)
{
  const char *code;

  if (!get_present (self, field, required, &code, error))
    return FALSE;
  if (code == NULL)
    return TRUE;
  if (pm_city_lookup_area (pm_city_get_default (), code) == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("“%s” is not an area of %s"), code,
                                                  pm_city_get_name (pm_city_get_default ()));

      pm_set_field_error (error, self, field, message);
      return FALSE;
    }
  return TRUE;
}

gboolean
pm_check_postcode (PmRecord    *self,
                   const char  *field,
                   GError     **error)
{
  const char *postcode = pm_record_get_string (self, field);

  if (postcode == NULL || *postcode == '\0')
    return TRUE;
  if (strlen (postcode) != 5 || strspn (postcode, "0123456789") != 5)
    {
      pm_set_field_error (error, self, field, _("must be five digits"));
      return FALSE;
    }
  return TRUE;
}

gboolean
pm_check_int_range (PmRecord    *self,
                    const char  *field,
                    gint64       min,
                    gint64       max,
                    GError     **error)
{
  gint64 value = pm_record_get_int (self, field);

  if (value < min || value > max)
    {
      g_autofree char *low = g_strdup_printf ("%" G_GINT64_FORMAT, min);
      g_autofree char *high = g_strdup_printf ("%" G_GINT64_FORMAT, max);
      /* Translators: the bounds of a number */
      g_autofree char *message = g_strdup_printf (_("must be between %s and %s"), low, high);

      pm_set_field_error (error, self, field, message);
      return FALSE;
    }
  return TRUE;
}

gboolean
pm_check_needed_if (PmRecord    *self,
                    gboolean     condition,
                    const char  *field,
                    GError     **error)
{
  const char *value = pm_record_get_string (self, field);

  while (value && g_ascii_isspace (*value))
    value++;
  if (condition && (value == NULL || *value == '\0'))
    {
      pm_set_field_error (error, self, field, _("is required here"));
      return FALSE;
    }
  return TRUE;
}

gboolean
pm_check_service_list (PmRecord    *self,
                       const char  *field,
                       const char  *domain,
                       GError     **error)
{
  PmCatalogue *catalogue = pm_catalogue_get_default ();
  const char * const *codes = pm_record_get_strv (self, field);

  for (guint i = 0; codes && codes[i]; i++)
    {
      const PmService *service = pm_catalogue_lookup_service (catalogue, codes[i]);

      if (service == NULL || (domain && g_strcmp0 (service->domain, domain) != 0))
        {
          g_autofree char *message = g_strdup_printf (_("“%s” is not a known service"), codes[i]);

          pm_set_field_error (error, self, field, message);
          return FALSE;
        }
    }
  return TRUE;
}

int
pm_compare_dates (const char *a,
                  const char *b)
{
  /* ISO dates and times compare correctly as text. */
  return g_strcmp0 (a, b);
}
