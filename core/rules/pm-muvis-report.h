/* pm-muvis-report.h: the MUVIS figures per Stadtteil and month
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "pm-store.h"
#include "pm-suppression.h"

G_BEGIN_DECLS

#define PM_TYPE_MUVIS_REPORT (pm_muvis_report_get_type ())
G_DECLARE_FINAL_TYPE (PmMuvisReport, pm_muvis_report, PM, MUVIS_REPORT, GObject)

PmMuvisReport *pm_muvis_report_new_from_records (const char     *month,
                                                 GPtrArray      *visits,
                                                 GPtrArray      *counselling,
                                                 GPtrArray      *citizens,
                                                 GError        **error);
PmMuvisReport *pm_muvis_report_compute          (PmStore        *store,
                                                 const char     *month,
                                                 GError        **error);
PmMuvisReport *pm_muvis_report_new_from_json    (JsonNode       *root,
                                                 GError        **error);
JsonNode      *pm_muvis_report_to_json          (PmMuvisReport  *self);
char          *pm_muvis_report_to_csv           (PmMuvisReport  *self);

const char    *pm_muvis_report_get_month        (PmMuvisReport  *self);
guint          pm_muvis_report_get_n_rows       (PmMuvisReport  *self);
const char    *pm_muvis_report_get_row_id       (PmMuvisReport  *self,
                                                 guint           row);
const char    *pm_muvis_report_get_row_label    (PmMuvisReport  *self,
                                                 guint           row);
guint          pm_muvis_report_get_n_columns    (PmMuvisReport  *self);
const char    *pm_muvis_report_get_column_id    (PmMuvisReport  *self,
                                                 guint           col);
const char    *pm_muvis_report_get_column_label (PmMuvisReport  *self,
                                                 guint           col);
const char    *pm_muvis_report_get_column_section (PmMuvisReport *self,
                                                 guint           col);
gint64         pm_muvis_report_get_count        (PmMuvisReport  *self,
                                                 guint           row,
                                                 guint           col);
PmCellState    pm_muvis_report_get_state        (PmMuvisReport  *self,
                                                 guint           row,
                                                 guint           col);
char          *pm_muvis_report_dup_cell_text    (PmMuvisReport  *self,
                                                 guint           row,
                                                 guint           col);

gboolean       pm_muvis_month_is_valid          (const char     *month);

G_END_DECLS
