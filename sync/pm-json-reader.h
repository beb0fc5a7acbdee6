/* pm-json-reader.h: a strict JSON reader for request bodies and answers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

JsonNode *pm_json_read (const char  *data,
                        gsize        size,
                        GError     **error);

G_END_DECLS
