/* pm-citizen.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "pm-record.h"

G_BEGIN_DECLS

#define PM_TYPE_CITIZEN (pm_citizen_get_type ())
G_DECLARE_FINAL_TYPE (PmCitizen, pm_citizen, PM, CITIZEN, PmRecord)

PmCitizen *pm_citizen_new (void);

G_END_DECLS
