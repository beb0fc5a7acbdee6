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

/* One heading of the sheet and the desk, with its label/value pairs
 * (fields holds label, value, label, value…; empty values are left out). */
typedef struct
{
  const char *id;
  char       *heading;
  GPtrArray  *fields;
} PmHandoverSection;

GPtrArray  *pm_handover_sections  (JsonObject  *handover);
JsonObject *pm_handover_case_from_records (PmRecord *kase,
                                           PmRecord *citizen,
                                           PmRecord *signature,
                                           PmRecord *visit);
JsonObject *pm_handover_case_json (PmStore     *store,
                                   const char  *case_id,
                                   const char  *audit_action,
                                   GError     **error);
JsonNode   *pm_handover_day_json  (PmStore     *store,
                                   const char  *date,
                                   GError     **error);

G_END_DECLS
