/* pm-report-source.h: where the UI gets the MUVIS figures from the server
 *
 * The UI never speaks HTTP: app/ puts an object implementing this interface
 * (the sync service of sync/) into the window, as with PmSyncStatus.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "pm-muvis-report.h"

G_BEGIN_DECLS

#define PM_TYPE_REPORT_SOURCE (pm_report_source_get_type ())
G_DECLARE_INTERFACE (PmReportSource, pm_report_source, PM, REPORT_SOURCE, GObject)

struct _PmReportSourceInterface
{
  GTypeInterface parent_iface;

  void            (*fetch_muvis_async)  (PmReportSource       *self,
                                         const char           *month,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
  PmMuvisReport * (*fetch_muvis_finish) (PmReportSource       *self,
                                         GAsyncResult         *result,
                                         GError              **error);
};

void           pm_report_source_fetch_muvis_async  (PmReportSource       *self,
                                                    const char           *month,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
PmMuvisReport *pm_report_source_fetch_muvis_finish (PmReportSource       *self,
                                                    GAsyncResult         *result,
                                                    GError              **error);

G_END_DECLS
