/* pm-dispatch-map.c: a day's route on the map, with or without map tiles
 *
 * A libshumate map: the tiles (when a tile server is set), the Stadtteil
 * names of the city profile, the route as a line from the depot through
 * the stops and back, and each stop as its number.  Without reachable
 * tiles (offline, no server) the tiles layer stays empty and the rest
 * still shows over a plain background, so the map is never a grey box.
 * Tiles come through libshumate's downloader, which keeps them in its
 * file cache on disk (XDG cache folder) and uses them offline.
 *
 * The tile server is the GSettings key map-tile-url; empty means the
 * city profile's server, "none" no tiles.  Without the installed schema
 * (tests, a build tree) there are no tiles either, so nothing reaches the
 * network unasked.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pm-dispatch-map"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <shumate/shumate.h>

#include "pm-city.h"
#include "pm-dispatch-map.h"
#include "pm-ui-labels.h"

#define TILE_SIZE 256.0

struct _PmDispatchMap
{
  GtkWidget           parent_instance;

  GtkWidget          *overlay;
  ShumateMap         *map;
  ShumateViewport    *viewport;
  ShumateMapSource   *source;
  ShumateMapLayer    *tiles;
  ShumateMarkerLayer *areas;
  ShumatePathLayer   *route;
  ShumateMarkerLayer *stops;
  GtkLabel           *caption;
  char               *tile_url;
  guint               n_stops;
  guint               n_areas;
};

G_DEFINE_FINAL_TYPE (PmDispatchMap, pm_dispatch_map, GTK_TYPE_WIDGET)

/* The key, the city's server for an empty one, NULL for none; {z} style
 * placeholders become libshumate's #Z#. */
static char *
configured_tile_url (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = source ? g_settings_schema_source_lookup (source, APP_ID, TRUE) : NULL;
  g_autoptr(GSettings) settings = NULL;
  g_autofree char *url = NULL;

  if (schema == NULL)
    return NULL;
  settings = g_settings_new_full (schema, NULL, NULL);
  url = g_settings_get_string (settings, "map-tile-url");
  if (*url == '\0')
    {
      g_free (url);
      url = g_strdup (pm_city_get_tile_server (pm_city_get_default ()));
    }
  return url && g_strcmp0 (url, "none") != 0 ? g_steal_pointer (&url) : NULL;
}

static char *
shumate_template (const char *url)
{
  static const char * const from[] = { "{z}", "{x}", "{y}" };
  static const char * const to[] = { "#Z#", "#X#", "#Y#" };
  g_autofree char *text = g_strdup (url);

  for (guint i = 0; i < G_N_ELEMENTS (from); i++)
    {
      g_auto(GStrv) parts = g_strsplit (text, from[i], -1);

      g_free (text);
      text = g_strjoinv (to[i], parts);
    }
  return g_steal_pointer (&text);
}

static ShumateMarker *
label_marker (double      lat,
              double      lon,
              const char *text,
              const char *css_class)
{
  ShumateMarker *marker = shumate_marker_new ();
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_add_css_class (label, css_class);
  shumate_marker_set_child (marker, label);
  shumate_location_set_location (SHUMATE_LOCATION (marker), lat, lon);
  return marker;
}

static void
add_areas (PmDispatchMap *self)
{
  GPtrArray *areas = pm_city_get_areas (pm_city_get_default ());

  for (guint i = 0; i < areas->len; i++)
    {
      const PmArea *area = g_ptr_array_index (areas, i);

      if (g_strcmp0 (area->level, "stadtteil") != 0 || (area->lat == 0 && area->lon == 0))
        continue;
      shumate_marker_layer_add_marker (self->areas, label_marker (area->lat, area->lon, area->name, "map-area"));
      self->n_areas++;
    }
}

/* Centre and zoom so that every point shows. */
static void
fit (PmDispatchMap *self,
     double         min_lat,
     double         max_lat,
     double         min_lon,
     double         max_lon)
{
  double width = MAX (gtk_widget_get_width (GTK_WIDGET (self)), 320);
  double height = MAX (gtk_widget_get_height (GTK_WIDGET (self)), 240);
  double span_lon = MAX (max_lon - min_lon, 0.01) * 1.3;
  double span_lat = MAX (max_lat - min_lat, 0.006) * 1.3;
  double zoom_x = log2 (360.0 * width / (TILE_SIZE * span_lon));
  /* A degree of latitude is longer than one of longitude here by 1/cos. */
  double zoom_y = log2 (360.0 * height / (TILE_SIZE * span_lat / cos ((min_lat + max_lat) / 2 * G_PI / 180) ));

  shumate_viewport_set_zoom_level (self->viewport, CLAMP (floor (MIN (zoom_x, zoom_y)), 10, 16));
  shumate_map_center_on (self->map, (min_lat + max_lat) / 2, (min_lon + max_lon) / 2);
}

static void
set_tiles (PmDispatchMap *self,
           const char    *url)
{
  g_autofree char *template = url ? shumate_template (url) : g_strdup ("http://127.0.0.1/#Z#/#X#/#Y#.png");

  if (self->tiles)
    shumate_map_remove_layer (self->map, SHUMATE_LAYER (self->tiles));
  self->tiles = NULL;
  g_clear_object (&self->source);
  g_free (self->tile_url);
  self->tile_url = g_strdup (url);
  /* Without a server the source still gives the projection. */
  self->source = SHUMATE_MAP_SOURCE (shumate_raster_renderer_new_full_from_url (
    "pepamo", _("City map"), "© OpenStreetMap", "https://www.openstreetmap.org/copyright", 0, 18, 256,
    SHUMATE_MAP_PROJECTION_MERCATOR, template));
  shumate_viewport_set_reference_map_source (self->viewport, self->source);
  if (url)
    {
      self->tiles = shumate_map_layer_new (self->source, self->viewport);
      shumate_map_insert_layer_behind (self->map, SHUMATE_LAYER (self->tiles), SHUMATE_LAYER (self->areas));
    }
}

static void
pm_dispatch_map_dispose (GObject *object)
{
  PmDispatchMap *self = PM_DISPATCH_MAP (object);

  g_clear_pointer (&self->overlay, gtk_widget_unparent);
  g_clear_object (&self->source);
  G_OBJECT_CLASS (pm_dispatch_map_parent_class)->dispose (object);
}

static void
pm_dispatch_map_finalize (GObject *object)
{
  g_free (PM_DISPATCH_MAP (object)->tile_url);
  G_OBJECT_CLASS (pm_dispatch_map_parent_class)->finalize (object);
}

static void
pm_dispatch_map_class_init (PmDispatchMapClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pm_dispatch_map_dispose;
  object_class->finalize = pm_dispatch_map_finalize;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
pm_dispatch_map_init (PmDispatchMap *self)
{
  g_autofree char *url = configured_tile_url ();
  GdkRGBA line = { 0.11, 0.35, 0.75, 0.85 };
  double lat, lon;

  self->overlay = gtk_overlay_new ();
  gtk_widget_set_parent (self->overlay, GTK_WIDGET (self));
  self->map = shumate_map_new ();
  gtk_widget_add_css_class (GTK_WIDGET (self->map), "dispatch-map");
  gtk_overlay_set_child (GTK_OVERLAY (self->overlay), GTK_WIDGET (self->map));
  self->viewport = shumate_map_get_viewport (self->map);
  shumate_viewport_set_min_zoom_level (self->viewport, 9);
  shumate_viewport_set_max_zoom_level (self->viewport, 18);

  self->areas = shumate_marker_layer_new (self->viewport);
  self->route = shumate_path_layer_new (self->viewport);
  self->stops = shumate_marker_layer_new (self->viewport);
  shumate_path_layer_set_stroke_color (self->route, &line);
  shumate_path_layer_set_stroke_width (self->route, 4);
  shumate_map_add_layer (self->map, SHUMATE_LAYER (self->areas));
  shumate_map_add_layer (self->map, SHUMATE_LAYER (self->route));
  shumate_map_add_layer (self->map, SHUMATE_LAYER (self->stops));
  set_tiles (self, url);
  add_areas (self);

  self->caption = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->caption), "map-caption");
  gtk_widget_set_halign (GTK_WIDGET (self->caption), GTK_ALIGN_START);
  gtk_widget_set_valign (GTK_WIDGET (self->caption), GTK_ALIGN_START);
  gtk_overlay_add_overlay (GTK_OVERLAY (self->overlay), GTK_WIDGET (self->caption));

  pm_city_get_depot_location (pm_city_get_default (), &lat, &lon);
  fit (self, lat - 0.04, lat + 0.04, lon - 0.06, lon + 0.06);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Map of the route"), -1);
}

PmDispatchMap *
pm_dispatch_map_new (void)
{
  return g_object_new (PM_TYPE_DISPATCH_MAP, NULL);
}

/* A tile server ({z}/{x}/{y} in the URL), or NULL for none. */
void
pm_dispatch_map_set_tile_url (PmDispatchMap *self,
                              const char    *url)
{
  g_return_if_fail (PM_IS_DISPATCH_MAP (self));
  set_tiles (self, url);
}

const char *
pm_dispatch_map_get_tile_url (PmDispatchMap *self)
{
  g_return_val_if_fail (PM_IS_DISPATCH_MAP (self), NULL);
  return self->tile_url;
}

/* Shows `van`'s route of `day` on the board (NULL board: none). */
void
pm_dispatch_map_set_route (PmDispatchMap *self,
                           PmPlanBoard   *board,
                           int            van,
                           int            day)
{
  const PmBoardRoute *route = board ? pm_plan_board_get_route (board, van, day) : NULL;
  double depot_lat, depot_lon, min_lat, max_lat, min_lon, max_lon;
  g_autofree char *date = NULL;
  g_autofree char *day_text = NULL;
  g_autofree char *caption = NULL;
  g_autofree char *accessible = NULL;

  g_return_if_fail (PM_IS_DISPATCH_MAP (self));
  shumate_marker_layer_remove_all (self->stops);
  shumate_path_layer_remove_all (self->route);
  self->n_stops = 0;
  pm_city_get_depot_location (pm_city_get_default (), &depot_lat, &depot_lon);
  min_lat = max_lat = depot_lat;
  min_lon = max_lon = depot_lon;
  if (route == NULL)
    {
      gtk_label_set_label (self->caption, "");
      return;
    }
  shumate_marker_layer_add_marker (self->stops, label_marker (depot_lat, depot_lon, _("Depot"), "map-depot"));
  shumate_path_layer_add_node (self->route, SHUMATE_LOCATION (shumate_coordinate_new_full (depot_lat, depot_lon)));
  for (int k = 0; k < route->n_stops; k++)
    {
      PmRecord *visit = pm_plan_board_get_stop (board, van, day, k)->visit;
      double lat = pm_record_get_double (visit, "lat"), lon = pm_record_get_double (visit, "lon");
      g_autofree char *number = g_strdup_printf ("%d", k + 1);
      ShumateMarker *marker = label_marker (lat, lon, number, "map-stop");

      gtk_widget_set_tooltip_text (shumate_marker_get_child (marker), pm_record_get_string (visit, "persons"));
      shumate_marker_layer_add_marker (self->stops, marker);
      shumate_path_layer_add_node (self->route, SHUMATE_LOCATION (shumate_coordinate_new_full (lat, lon)));
      min_lat = MIN (min_lat, lat);
      max_lat = MAX (max_lat, lat);
      min_lon = MIN (min_lon, lon);
      max_lon = MAX (max_lon, lon);
      self->n_stops++;
    }
  shumate_path_layer_add_node (self->route, SHUMATE_LOCATION (shumate_coordinate_new_full (depot_lat, depot_lon)));
  fit (self, min_lat, max_lat, min_lon, max_lon);

  date = pm_plan_board_get_date (board, day);
  day_text = pm_ui_format_day (date);
  /* Translators: caption of the map: the day and its number of stops */
  caption = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s: %d stop", "%s: %d stops", route->n_stops),
                             day_text, route->n_stops);
  gtk_label_set_label (self->caption, caption);
  /* Translators: accessible name of the map; %s is the caption */
  accessible = g_strdup_printf (_("Map of the route, %s"), caption);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
}

guint
pm_dispatch_map_get_n_stops (PmDispatchMap *self)
{
  g_return_val_if_fail (PM_IS_DISPATCH_MAP (self), 0);
  return self->n_stops;
}

guint
pm_dispatch_map_get_n_areas (PmDispatchMap *self)
{
  g_return_val_if_fail (PM_IS_DISPATCH_MAP (self), 0);
  return self->n_areas;
}
