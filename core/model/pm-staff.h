/* pm-staff.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "pm-record.h"

G_BEGIN_DECLS

#define PM_TYPE_STAFF (pm_staff_get_type ())
G_DECLARE_FINAL_TYPE (PmStaff, pm_staff, PM, STAFF, PmRecord)

PmStaff *pm_staff_new (void);

G_END_DECLS
