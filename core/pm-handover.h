/* pm-handover.h: cases as a structured hand-over to the registration system
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "pm-store.h"

G_BEGIN_DECLS

#define PM_HANDOVER_FORMAT "pepamo-handover"
#define PM_HANDOVER_FORMAT_VERSION 1

JsonObject *pm_handover_case_json (PmStore     *store,
                                   const char  *case_id,
                                   const char  *audit_action,
                                   GError     **error);
JsonNode   *pm_handover_day_json  (PmStore     *store,
                                   const char  *date,
                                   GError     **error);

G_END_DECLS
