/* pm-social-chart.h: a bar chart of one MUVIS column per Stadtteil
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "pm-muvis-report.h"

G_BEGIN_DECLS

#define PM_TYPE_SOCIAL_CHART (pm_social_chart_get_type ())
G_DECLARE_FINAL_TYPE (PmSocialChart, pm_social_chart, PM, SOCIAL_CHART, GtkWidget)

GtkWidget  *pm_social_chart_new              (void);
void        pm_social_chart_show_column      (PmSocialChart *self,
                                              PmMuvisReport *report,
                                              guint          column,
                                              const char    *title);
const char *pm_social_chart_get_text         (PmSocialChart *self);
guint       pm_social_chart_get_n_bars       (PmSocialChart *self);

G_END_DECLS
