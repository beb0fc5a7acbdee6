/* pm-van.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "pm-record.h"

G_BEGIN_DECLS

#define PM_TYPE_VAN (pm_van_get_type ())
G_DECLARE_FINAL_TYPE (PmVan, pm_van, PM, VAN, PmRecord)

PmVan *pm_van_new (void);

G_END_DECLS
