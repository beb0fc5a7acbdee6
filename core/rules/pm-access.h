/* pm-access.h: what a person may read, by role and department
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "pm-record.h"
#include "pm-status.h"

G_BEGIN_DECLS

typedef struct
{
  PmRole      role;
  const char *department;
} PmViewer;

gboolean pm_access_filter   (PmRecord       *record,
                             const PmViewer *viewer);
gboolean pm_access_keeps_whole (GType        type,
                                const PmViewer *viewer);
gboolean pm_access_is_audited (PmRecord     *record);
gboolean pm_access_sees_case_details (const PmViewer *viewer);
gboolean pm_access_may_push  (PmRecord       *record,
                              PmRole          role);
PmViewer pm_access_device_viewer (PmRole     role);

G_END_DECLS
