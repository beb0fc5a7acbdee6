/* pm-server-purge.c: the server's deletion periods, by command and once a day
 *
 * `admin purge` and the running server's daily run do the same: the
 * periods of the config file's [retention] group (each defaulting to the
 * city profile's retention_days.server rule) go to core's
 * pm_store_purge_periods(), and the run is written to the server's audit
 * (action `purge`, with what went). The server's own audit is not purged:
 * its triggers refuse every deletion, so the rules do not allow it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pepamo-server"

#include "config.h"

#include "pm-city.h"
#include "pm-model.h"
#include "pm-server-purge.h"
#include "pm-store-sync.h"

static int
period (const PmServerConfig *config,
        PmServerRetention     retention)
{
  if (config->retention_days[retention] >= 0)
    return config->retention_days[retention];
  return pm_city_get_retention_days (pm_city_get_default (), "server", pm_server_retention_rule (retention));
}

static guint
count_kind (GPtrArray *records,
            GType      type)
{
  guint n = 0;

  for (guint i = 0; i < records->len; i++)
    n += G_TYPE_CHECK_INSTANCE_TYPE (g_ptr_array_index (records, i), type);
  return n;
}

/**
 * pm_server_purge:
 * @by: who runs it, for the audit (the system user, or the daily run)
 *
 * Applies the deletion periods (or, with @dry_run, only finds what is
 * due) and audits the run. Returns one line that says what went.
 */
char *
pm_server_purge (PmStore               *store,
                 const PmServerConfig  *config,
                 gboolean               dry_run,
                 const char            *by,
                 GError               **error)
{
  PmStorePeriods periods = {
    period (config, PM_SERVER_RETENTION_CASE_AFTER_CLOSED),
    period (config, PM_SERVER_RETENTION_COUNSELLING_AFTER_LAST_CONTACT),
    period (config, PM_SERVER_RETENTION_VISIT_AFTER_ENDED),
    period (config, PM_SERVER_RETENTION_AUDIT),
  };
  g_autoptr(GPtrArray) due = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *detail = NULL;
  gint64 n_audit = 0;

  due = pm_store_purge_periods (store, &periods, dry_run, &n_audit, error);
  if (due == NULL)
    return NULL;
  summary = g_strdup_printf ("%s %u cases (closed %d days), %u visits (ended %d days), "
                             "%u counselling records (last contact %d days), %" G_GINT64_FORMAT
                             " audit entries (%d days); the server's audit is kept (append-only)",
                             dry_run ? "Due:" : "Deleted", count_kind (due, PM_TYPE_CASE), periods.case_after_closed,
                             count_kind (due, PM_TYPE_VISIT), periods.visit_after_ended,
                             count_kind (due, PM_TYPE_COUNSELLING_RECORD), periods.counselling_after_last_contact,
                             n_audit, periods.audit);
  detail = g_strdup_printf ("%s; %s", by, summary);
  if (!pm_store_append_server_audit (store, dry_run ? "purge dry-run" : "purge", NULL, NULL, PM_SYNC_SERVER_ADMIN,
                                     due->len + n_audit, detail, error))
    return NULL;
  return g_steal_pointer (&summary);
}
