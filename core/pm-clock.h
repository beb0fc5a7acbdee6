/* pm-clock.h: the one place core asks for the time, so tests can set it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

GDateTime *pm_clock_now          (void);
char      *pm_clock_today        (void);
GTimeZone *pm_clock_local_zone   (void);
char      *pm_clock_timestamp    (void);
char      *pm_clock_ordered_uuid (void);
void       pm_clock_set_override (GDateTime *now);

G_END_DECLS
