/* pm-subject-access.h: everything stored about one person (Art. 15 DSGVO)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "pm-store.h"

G_BEGIN_DECLS

#define PM_SUBJECT_ACCESS_FORMAT         "pepamo-subject-access"
#define PM_SUBJECT_ACCESS_FORMAT_VERSION 1

GPtrArray *pm_subject_access_collect   (PmStore     *store,
                                        const char  *citizen_id,
                                        GError     **error);
JsonNode  *pm_subject_access_to_json   (GPtrArray   *records,
                                        const char  *citizen_id,
                                        JsonObject  *devices);
gboolean   pm_subject_access_write_pdf (GPtrArray   *records,
                                        JsonObject  *devices,
                                        const char  *path,
                                        GError     **error);

G_END_DECLS
