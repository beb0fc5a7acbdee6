/* pm-store-subject.h: which device reported each record (server end)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "pm-store.h"

G_BEGIN_DECLS

JsonObject *pm_store_dup_record_devices (PmStore    *self,
                                         GPtrArray  *records,
                                         GError    **error);

G_END_DECLS
