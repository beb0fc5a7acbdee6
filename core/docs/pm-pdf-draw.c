/* pm-pdf-draw.c: money and signatures, for the documents and the UI
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pm-docs"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

#include "pm-pdf.h"

/**
 * pm_format_money:
 * @cents: an amount in euro cents
 *
 * Formats an amount the German way, "1.234,50 €", whatever the process
 * locale: only integers are printed, and they do not depend on LC_NUMERIC.
 * A no-break space keeps the amount and the euro sign on one line.
 *
 * Returns: (transfer full): the amount
 */
char *
pm_format_money (gint64 cents)
{
  guint64 magnitude = cents < 0 ? -(guint64) cents : (guint64) cents;
  g_autofree char *euros = g_strdup_printf ("%" G_GUINT64_FORMAT, magnitude / 100);
  gsize len = strlen (euros);
  GString *text = g_string_new (cents < 0 ? "-" : "");

  for (gsize i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append_c (text, '.');
      g_string_append_c (text, euros[i]);
    }
  g_string_append_printf (text, ",%02u\u00a0€", (guint) (magnitude % 100));
  return g_string_free (text, FALSE);
}

static gboolean
is_number (JsonNode *node)
{
  GType type = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;

  return type == G_TYPE_DOUBLE || type == G_TYPE_INT64;
}

static gboolean
get_point (JsonNode *node,
           double   *x,
           double   *y)
{
  JsonArray *pair = JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;

  if (pair == NULL || json_array_get_length (pair) < 2 ||
      !is_number (json_array_get_element (pair, 0)) || !is_number (json_array_get_element (pair, 1)))
    return FALSE;
  *x = json_node_get_double (json_array_get_element (pair, 0));
  *y = json_node_get_double (json_array_get_element (pair, 1));
  return TRUE;
}

/**
 * pm_signature_draw:
 * @cr: where to draw
 * @strokes: the "strokes" field of a signature: a JSON array of strokes,
 *   each an array of [x, y] points with coordinates from 0 to 1
 * @x, @y, @width, @height: the rectangle the signing pad maps to
 *
 * Draws a signature in the current source colour. Points that are not
 * pairs of numbers are skipped, and nothing is drawn outside the rectangle.
 *
 * Returns: %FALSE if @strokes is not a JSON array of strokes
 */
gboolean
pm_signature_draw (cairo_t    *cr,
                   const char *strokes,
                   double      x,
                   double      y,
                   double      width,
                   double      height)
{
  g_autoptr(JsonNode) root = strokes ? json_from_string (strokes, NULL) : NULL;
  JsonArray *array;

  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    return FALSE;
  array = json_node_get_array (root);

  cairo_save (cr);
  cairo_rectangle (cr, x, y, width, height);
  cairo_clip (cr);
  cairo_set_line_width (cr, MAX (1.0, height / 60));
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  for (guint s = 0; s < json_array_get_length (array); s++)
    {
      JsonNode *stroke = json_array_get_element (array, s);
      gboolean started = FALSE;

      if (!JSON_NODE_HOLDS_ARRAY (stroke))
        continue;
      for (guint p = 0; p < json_array_get_length (json_node_get_array (stroke)); p++)
        {
          double px, py;

          if (!get_point (json_array_get_element (json_node_get_array (stroke), p), &px, &py))
            continue;
          px = x + px * width;
          py = y + py * height;
          /* A stroke of a single point still shows, as a dot (round cap). */
          if (!started)
            cairo_move_to (cr, px, py);
          cairo_line_to (cr, px, py);
          started = TRUE;
        }
      cairo_stroke (cr);
    }
  cairo_restore (cr);
  return TRUE;
}

/* "YYYY-MM-DD…" in the documents' date format; other text as it is. */
char *
pm_format_date (const char *iso)
{
  int year, month, day;
  GDate date;
  char text[64];

  if (iso == NULL)
    return NULL;
  if (sscanf (iso, "%4d-%2d-%2d", &year, &month, &day) != 3 || !g_date_valid_dmy (day, month, year))
    return g_strdup (iso);
  g_date_clear (&date, 1);
  g_date_set_dmy (&date, day, month, year);
  /* Translators: date in documents, strftime; German: "%d.%m.%Y" */
  if (g_date_strftime (text, sizeof text, _("%Y-%m-%d"), &date) == 0)
    return g_strdup (iso);
  return g_strdup (text);
}

/* The local day of a UTC timestamp, in the documents' date format. */
char *
pm_format_timestamp_day (const char *timestamp)
{
  g_autoptr(GDateTime) utc = timestamp ? g_date_time_new_from_iso8601 (timestamp, NULL) : NULL;
  g_autoptr(GDateTime) local = utc ? g_date_time_to_local (utc) : NULL;
  g_autofree char *day = local ? g_date_time_format (local, "%Y-%m-%d") : NULL;

  return pm_format_date (day ? day : timestamp);
}
