/* pm-json-util.h: tolerant accessors for JSON read from files and the network
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

const char *pm_json_get_string       (JsonObject  *object,
                                      const char  *member);
double      pm_json_get_double       (JsonObject  *object,
                                      const char  *member,
                                      double       fallback);
gint64      pm_json_get_int          (JsonObject  *object,
                                      const char  *member,
                                      gint64       fallback);
JsonObject *pm_json_get_object       (JsonObject  *object,
                                      const char  *member);
JsonArray  *pm_json_get_array        (JsonObject  *object,
                                      const char  *member);
char      **pm_json_get_strv         (JsonObject  *object,
                                      const char  *member);
JsonObject *pm_json_array_get_object (JsonArray   *array,
                                      guint        index);
JsonNode   *pm_json_load_resource    (const char  *path,
                                      GError     **error);

G_END_DECLS
