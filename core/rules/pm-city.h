/* pm-city.h: a municipality's profile (areas, depot, offices, retention)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct
{
  char   *code;
  char   *name;
  char   *level;   /* "stadtbezirk", "stadtteil" or "stadtviertel" */
  char   *parent;  /* code of the enclosing area, NULL at the top */
  double  lat;
  double  lon;
} PmArea;

typedef struct
{
  char *id;
  char *name;
  char *address;
  char *phone;
  char *email;
} PmOffice;

#define PM_TYPE_CITY (pm_city_get_type ())
G_DECLARE_FINAL_TYPE (PmCity, pm_city, PM, CITY, GObject)

PmCity         *pm_city_get_default        (void);
PmCity         *pm_city_new_from_json      (JsonObject  *object,
                                            GError     **error);
const char     *pm_city_get_id             (PmCity      *self);
const char     *pm_city_get_name           (PmCity      *self);
const PmArea   *pm_city_lookup_area        (PmCity      *self,
                                            const char  *code);
GPtrArray      *pm_city_get_areas          (PmCity      *self);
const char     *pm_city_get_depot_name     (PmCity      *self);
const char     *pm_city_get_tile_server    (PmCity      *self);
void            pm_city_get_depot_location (PmCity      *self,
                                            double      *lat,
                                            double      *lon);
const PmOffice *pm_city_get_office         (PmCity      *self,
                                            const char  *id);
int             pm_city_get_retention_days (PmCity      *self,
                                            const char  *where,
                                            const char  *rule);
gboolean        pm_city_postcode_is_local  (PmCity      *self,
                                            const char  *postcode);

G_END_DECLS
