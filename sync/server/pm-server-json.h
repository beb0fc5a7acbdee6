/* pm-server-json.h: a strict JSON reader for request bodies
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

JsonNode *pm_server_json_parse (const char  *data,
                                gsize        size,
                                GError     **error);

G_END_DECLS
