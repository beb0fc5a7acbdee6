/* pm-clock.c: the one place core asks for the time, so tests can set it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include "pm-clock.h"

static GMutex lock;
static GDateTime *override;
static GTimeZone *local_zone;
static char *local_zone_tz;

/* GLib 2.74 reads /etc/localtime again for every "now" when TZ is unset,
 * which cost more than writing a record; the zone is kept until TZ changes. */
static GTimeZone *
local_zone_locked (void)
{
  const char *tz = g_getenv ("TZ");

  if (local_zone == NULL || g_strcmp0 (tz, local_zone_tz) != 0)
    {
      g_clear_pointer (&local_zone, g_time_zone_unref);
      g_free (local_zone_tz);
      local_zone = g_time_zone_new_local ();
      local_zone_tz = g_strdup (tz);
    }
  return local_zone;
}

/* Returns local time; deletion periods and "today" are judged in the city's
 * time zone, which is the machine's. */
GDateTime *
pm_clock_now (void)
{
  GDateTime *now;

  g_mutex_lock (&lock);
  now = override ? g_date_time_ref (override) : g_date_time_new_now (local_zone_locked ());
  g_mutex_unlock (&lock);
  return now;
}

/* The machine's time zone, the city's: a new reference. */
GTimeZone *
pm_clock_local_zone (void)
{
  GTimeZone *zone;

  g_mutex_lock (&lock);
  zone = g_time_zone_ref (local_zone_locked ());
  g_mutex_unlock (&lock);
  return zone;
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

/**
 * pm_clock_ordered_uuid:
 *
 * A UUID of version 7 (RFC 9562): the real time in milliseconds, then 74
 * random bits. Ids made one after the other sort together, so an index of
 * them grows at its end instead of touching a random page for each new
 * one (records, audit entries, the outbox). Such an id tells when it was
 * made, as a record's created_at does anyway. The real time, not the
 * override: only the order matters.
 */
char *
pm_clock_ordered_uuid (void)
{
  guint64 ms = (guint64) (g_get_real_time () / 1000);
  guint32 random[3] = { g_random_int (), g_random_int (), g_random_int () };
  guint8 bytes[16];

  for (guint i = 0; i < 6; i++)
    bytes[i] = (guint8) (ms >> (40 - 8 * i));
  /* Each call takes GLib's lock: three for the ten bytes. */
  memcpy (bytes + 6, random, 10);
  bytes[6] = 0x70 | (bytes[6] & 0x0f);
  bytes[8] = 0x80 | (bytes[8] & 0x3f);
  return g_strdup_printf ("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                          bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                          bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]);
}

void
pm_clock_set_override (GDateTime *now)
{
  g_mutex_lock (&lock);
  g_clear_pointer (&override, g_date_time_unref);
  override = now ? g_date_time_ref (now) : NULL;
  g_mutex_unlock (&lock);
}
