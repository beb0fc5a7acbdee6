/* pm-model.h: all record types, and lookup by wire id
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "pm-audit-entry.h"
#include "pm-case.h"
#include "pm-cash-closure.h"
#include "pm-citizen.h"
#include "pm-consent.h"
#include "pm-counselling-record.h"
#include "pm-record.h"
#include "pm-signature.h"
#include "pm-staff.h"
#include "pm-van.h"
#include "pm-visit.h"

G_BEGIN_DECLS

const GType *pm_model_get_types   (guint      *n_types);
GType        pm_model_type_for    (const char *kind);

G_END_DECLS
