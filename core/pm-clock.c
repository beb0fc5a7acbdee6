/* pm-clock.c: the one place core asks for the time, so tests can set it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "pm-clock.h"

static GMutex lock;
static GDateTime *override;

/* Returns local time; deletion periods and "today" are judged in the city's
 * time zone, which is the machine's. */
GDateTime *
pm_clock_now (void)
{
  GDateTime *now;

  g_mutex_lock (&lock);
  now = override ? g_date_time_ref (override) : g_date_time_new_now_local ();
  g_mutex_unlock (&lock);
  return now;
}

char *
pm_clock_today (void)
{
  g_autoptr(GDateTime) now = pm_clock_now ();

  return g_date_time_format (now, "%Y-%m-%d");
}

char *
pm_clock_timestamp (void)
{
  g_autoptr(GDateTime) now = pm_clock_now ();
  g_autoptr(GDateTime) utc = g_date_time_to_utc (now);

  return g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
}

void
pm_clock_set_override (GDateTime *now)
{
  g_mutex_lock (&lock);
  g_clear_pointer (&override, g_date_time_unref);
  override = now ? g_date_time_ref (now) : NULL;
  g_mutex_unlock (&lock);
}
