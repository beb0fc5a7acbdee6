/* pm-export.h: every record of a store as one JSON document
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "pm-store.h"

G_BEGIN_DECLS

#define PM_EXPORT_FORMAT "pepamo-export"
#define PM_EXPORT_FORMAT_VERSION 1

JsonNode *pm_export_json (PmStore  *store,
                          GError  **error);

G_END_DECLS
