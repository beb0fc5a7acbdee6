/* pm-sleep-guard.h: lock before the machine sleeps
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define PM_TYPE_SLEEP_GUARD (pm_sleep_guard_get_type ())
G_DECLARE_FINAL_TYPE (PmSleepGuard, pm_sleep_guard, PM, SLEEP_GUARD, GObject)

PmSleepGuard *pm_sleep_guard_new (void);

G_END_DECLS
