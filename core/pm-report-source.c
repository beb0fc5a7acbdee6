/* pm-report-source.c: where the UI gets the MUVIS figures from the server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "pm-report-source.h"

G_DEFINE_INTERFACE (PmReportSource, pm_report_source, G_TYPE_OBJECT)

static void
pm_report_source_default_init (PmReportSourceInterface *iface)
{
}

/**
 * pm_report_source_fetch_muvis_async:
 * @month: YYYY-MM
 *
 * Asks for the report of @month; the finish function returns it or fails
 * (not connected, refused for this device's role, network).
 */
void
pm_report_source_fetch_muvis_async (PmReportSource      *self,
                                    const char          *month,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (PM_IS_REPORT_SOURCE (self));
  PM_REPORT_SOURCE_GET_IFACE (self)->fetch_muvis_async (self, month, cancellable, callback, user_data);
}

PmMuvisReport *
pm_report_source_fetch_muvis_finish (PmReportSource  *self,
                                     GAsyncResult    *result,
                                     GError         **error)
{
  g_return_val_if_fail (PM_IS_REPORT_SOURCE (self), NULL);
  return PM_REPORT_SOURCE_GET_IFACE (self)->fetch_muvis_finish (self, result, error);
}
