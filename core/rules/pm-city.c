/* pm-city.c: a municipality's profile (areas, depot, offices, retention)
 *
 * Everything that differs between municipalities is data: the profile is one
 * JSON file per city (core/data/city-*.json), never code.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pm-city"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pm-city.h"
#include "pm-error.h"
#include "pm-json-util.h"

struct _PmCity
{
  GObject     parent_instance;

  char       *id;
  char       *name;
  char       *depot_name;
  char       *tile_server;
  double      depot_lat;
  double      depot_lon;
  char      **postcode_prefixes;
  GPtrArray  *areas;      /* PmArea */
  GHashTable *area_index; /* code → PmArea, borrowed from areas */
  GPtrArray  *offices;    /* PmOffice */
  JsonObject *retention;
};

G_DEFINE_FINAL_TYPE (PmCity, pm_city, G_TYPE_OBJECT)

static void
area_free (PmArea *area)
{
  g_free (area->code);
  g_free (area->name);
  g_free (area->level);
  g_free (area->parent);
  g_free (area);
}

static void
office_free (PmOffice *office)
{
  g_free (office->id);
  g_free (office->name);
  g_free (office->address);
  g_free (office->phone);
  g_free (office->email);
  g_free (office);
}

static void
pm_city_finalize (GObject *object)
{
  PmCity *self = PM_CITY (object);

  g_free (self->id);
  g_free (self->name);
  g_free (self->depot_name);
  g_free (self->tile_server);
  g_strfreev (self->postcode_prefixes);
  g_clear_pointer (&self->area_index, g_hash_table_unref);
  g_clear_pointer (&self->areas, g_ptr_array_unref);
  g_clear_pointer (&self->offices, g_ptr_array_unref);
  g_clear_pointer (&self->retention, json_object_unref);

  G_OBJECT_CLASS (pm_city_parent_class)->finalize (object);
}

static void
pm_city_class_init (PmCityClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pm_city_finalize;
}

static void
pm_city_init (PmCity *self)
{
  self->areas = g_ptr_array_new_with_free_func ((GDestroyNotify) area_free);
  self->area_index = g_hash_table_new (g_str_hash, g_str_equal);
  self->offices = g_ptr_array_new_with_free_func ((GDestroyNotify) office_free);
}

static gboolean
parse_areas (PmCity     *self,
             JsonArray  *areas,
             GError    **error)
{
  for (guint i = 0; i < json_array_get_length (areas); i++)
    {
      JsonObject *o = pm_json_array_get_object (areas, i);
      PmArea *area;

      if (o == NULL || pm_json_get_string (o, "code") == NULL || pm_json_get_string (o, "name") == NULL)
        {
          g_set_error (error, PM_ERROR, PM_ERROR_DATA, "city profile: area %u lacks code or name", i);
          return FALSE;
        }
      area = g_new0 (PmArea, 1);
      area->code = g_strdup (pm_json_get_string (o, "code"));
      area->name = g_strdup (pm_json_get_string (o, "name"));
      area->level = g_strdup (pm_json_get_string (o, "level"));
      area->parent = g_strdup (pm_json_get_string (o, "parent"));
      area->lat = pm_json_get_double (o, "lat", 0);
      area->lon = pm_json_get_double (o, "lon", 0);
      g_ptr_array_add (self->areas, area);
      g_hash_table_insert (self->area_index, area->code, area);
    }
  for (guint i = 0; i < self->areas->len; i++)
    {
      PmArea *area = g_ptr_array_index (self->areas, i);

      if (area->parent && !g_hash_table_contains (self->area_index, area->parent))
        {
          g_set_error (error, PM_ERROR, PM_ERROR_DATA,
                       "city profile: area %s has unknown parent %s", area->code, area->parent);
          return FALSE;
        }
    }
  return TRUE;
}

PmCity *
pm_city_new_from_json (JsonObject  *object,
                       GError     **error)
{
  g_autoptr(PmCity) self = g_object_new (PM_TYPE_CITY, NULL);
  JsonObject *depot = pm_json_get_object (object, "depot");
  JsonArray *areas = pm_json_get_array (object, "areas");
  JsonArray *offices = pm_json_get_array (object, "offices");
  JsonObject *retention = pm_json_get_object (object, "retention_days");

  if (pm_json_get_string (object, "id") == NULL || depot == NULL || areas == NULL || retention == NULL)
    {
      g_set_error (error, PM_ERROR, PM_ERROR_DATA,
                   "city profile: id, depot, areas and retention_days are required");
      return NULL;
    }
  self->id = g_strdup (pm_json_get_string (object, "id"));
  self->name = g_strdup (pm_json_get_string (object, "name"));
  self->depot_name = g_strdup (pm_json_get_string (depot, "name"));
  self->tile_server = g_strdup (pm_json_get_string (object, "tile_server"));
  self->depot_lat = pm_json_get_double (depot, "lat", 0);
  self->depot_lon = pm_json_get_double (depot, "lon", 0);
  self->postcode_prefixes = pm_json_get_strv (object, "postcode_prefixes");
  self->retention = json_object_ref (retention);

  if (!parse_areas (self, areas, error))
    return NULL;

  for (guint i = 0; offices && i < json_array_get_length (offices); i++)
    {
      JsonObject *o = pm_json_array_get_object (offices, i);
      PmOffice *office;

      if (o == NULL)
        continue;
      office = g_new0 (PmOffice, 1);
      office->id = g_strdup (pm_json_get_string (o, "id"));
      office->name = g_strdup (pm_json_get_string (o, "name"));
      office->address = g_strdup (pm_json_get_string (o, "address"));
      office->phone = g_strdup (pm_json_get_string (o, "phone"));
      office->email = g_strdup (pm_json_get_string (o, "email"));
      g_ptr_array_add (self->offices, office);
    }
  return g_steal_pointer (&self);
}

PmCity *
pm_city_get_default (void)
{
  static PmCity *city;

  if (g_once_init_enter (&city))
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = pm_json_load_resource ("/de/halle/PePaMo/core/city-halle.json", &error);
      PmCity *loaded = node ? pm_city_new_from_json (json_node_get_object (node), &error) : NULL;

      /* The profile is compiled into the binary: a broken one is a build defect. */
      if (loaded == NULL)
        g_error ("Bundled city profile is broken: %s", error->message);
      g_once_init_leave (&city, loaded);
    }
  return city;
}

const char *
pm_city_get_id (PmCity *self)
{
  g_return_val_if_fail (PM_IS_CITY (self), NULL);
  return self->id;
}

const char *
pm_city_get_name (PmCity *self)
{
  g_return_val_if_fail (PM_IS_CITY (self), NULL);
  return self->name;
}

const PmArea *
pm_city_lookup_area (PmCity     *self,
                     const char *code)
{
  g_return_val_if_fail (PM_IS_CITY (self), NULL);
  return code ? g_hash_table_lookup (self->area_index, code) : NULL;
}

GPtrArray *
pm_city_get_areas (PmCity *self)
{
  g_return_val_if_fail (PM_IS_CITY (self), NULL);
  return self->areas;
}

/* The city's map tile server, {z}/{x}/{y} in the URL; NULL if none. */
const char *
pm_city_get_tile_server (PmCity *self)
{
  g_return_val_if_fail (PM_IS_CITY (self), NULL);
  return self->tile_server;
}

const char *
pm_city_get_depot_name (PmCity *self)
{
  g_return_val_if_fail (PM_IS_CITY (self), NULL);
  return self->depot_name;
}

void
pm_city_get_depot_location (PmCity *self,
                            double *lat,
                            double *lon)
{
  g_return_if_fail (PM_IS_CITY (self));
  *lat = self->depot_lat;
  *lon = self->depot_lon;
}

const PmOffice *
pm_city_get_office (PmCity     *self,
                    const char *id)
{
  g_return_val_if_fail (PM_IS_CITY (self), NULL);
  for (guint i = 0; i < self->offices->len; i++)
    {
      const PmOffice *office = g_ptr_array_index (self->offices, i);

      if (g_strcmp0 (office->id, id) == 0)
        return office;
    }
  return NULL;
}

int
pm_city_get_retention_days (PmCity     *self,
                            const char *where,
                            const char *rule)
{
  JsonObject *group;

  g_return_val_if_fail (PM_IS_CITY (self), -1);
  group = pm_json_get_object (self->retention, where);
  if (group == NULL || !json_object_has_member (group, rule))
    return -1;
  return (int) json_object_get_int_member (group, rule);
}

gboolean
pm_city_postcode_is_local (PmCity     *self,
                           const char *postcode)
{
  g_return_val_if_fail (PM_IS_CITY (self), FALSE);
  if (self->postcode_prefixes == NULL)
    return TRUE;
  for (char **p = self->postcode_prefixes; *p; p++)
    if (g_str_has_prefix (postcode, *p))
      return TRUE;
  return FALSE;
}
