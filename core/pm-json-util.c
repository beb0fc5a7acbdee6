/* pm-json-util.c: tolerant accessors for JSON read from files and the network
 *
 * json-glib's own getters abort on a wrong type; data from outside must give a
 * clear error instead, so these return NULL or a fallback.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>

#include "pm-core-resources.h"
#include "pm-error.h"
#include "pm-json-util.h"

static JsonNode *
member_of_type (JsonObject *object,
                const char *member,
                JsonNodeType type)
{
  JsonNode *node;

  if (object == NULL || !json_object_has_member (object, member))
    return NULL;
  node = json_object_get_member (object, member);
  return JSON_NODE_TYPE (node) == type ? node : NULL;
}

const char *
pm_json_get_string (JsonObject *object,
                    const char *member)
{
  JsonNode *node = member_of_type (object, member, JSON_NODE_VALUE);

  return node && json_node_get_value_type (node) == G_TYPE_STRING ? json_node_get_string (node) : NULL;
}

double
pm_json_get_double (JsonObject *object,
                    const char *member,
                    double      fallback)
{
  JsonNode *node = member_of_type (object, member, JSON_NODE_VALUE);

  if (node == NULL)
    return fallback;
  if (json_node_get_value_type (node) == G_TYPE_DOUBLE || json_node_get_value_type (node) == G_TYPE_INT64)
    return json_node_get_double (node);
  return fallback;
}

gint64
pm_json_get_int (JsonObject *object,
                 const char *member,
                 gint64      fallback)
{
  JsonNode *node = member_of_type (object, member, JSON_NODE_VALUE);

  return node && json_node_get_value_type (node) == G_TYPE_INT64 ? json_node_get_int (node) : fallback;
}

JsonObject *
pm_json_get_object (JsonObject *object,
                    const char *member)
{
  JsonNode *node = member_of_type (object, member, JSON_NODE_OBJECT);

  return node ? json_node_get_object (node) : NULL;
}

JsonArray *
pm_json_get_array (JsonObject *object,
                   const char *member)
{
  JsonNode *node = member_of_type (object, member, JSON_NODE_ARRAY);

  return node ? json_node_get_array (node) : NULL;
}

char **
pm_json_get_strv (JsonObject *object,
                  const char *member)
{
  JsonArray *array = pm_json_get_array (object, member);
  g_autoptr(GStrvBuilder) builder = NULL;

  if (array == NULL)
    return NULL;
  builder = g_strv_builder_new ();
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        g_strv_builder_add (builder, json_node_get_string (node));
    }
  return g_strv_builder_end (builder);
}

JsonObject *
pm_json_array_get_object (JsonArray *array,
                          guint      index)
{
  JsonNode *node;

  if (array == NULL || index >= json_array_get_length (array))
    return NULL;
  node = json_array_get_element (array, index);
  return JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

JsonNode *
pm_json_load_resource (const char  *path,
                       GError     **error)
{
  /* Asking core's own bundle (not the global list) also keeps the static
   * linker from dropping it. */
  g_autoptr(GBytes) bytes = g_resource_lookup_data (pm_core_get_resource (), path,
                                                    G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  g_autoptr(JsonParser) parser = NULL;
  gsize size;
  const char *data;

  if (bytes == NULL)
    return NULL;
  data = g_bytes_get_data (bytes, &size);
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, size, error))
    return NULL;
  return json_parser_steal_root (parser);
}
