/* pm-social-muvis-page.h: the MUVIS figures of a month, as table and chart
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "pm-report-source.h"
#include "pm-store.h"

G_BEGIN_DECLS

#define PM_TYPE_SOCIAL_MUVIS_PAGE (pm_social_muvis_page_get_type ())
G_DECLARE_FINAL_TYPE (PmSocialMuvisPage, pm_social_muvis_page, PM, SOCIAL_MUVIS_PAGE, GtkWidget)

void           pm_social_muvis_page_set_store     (PmSocialMuvisPage   *self,
                                                   PmStore             *store);
void           pm_social_muvis_page_set_source    (PmSocialMuvisPage   *self,
                                                   PmReportSource      *source);
void           pm_social_muvis_page_set_month     (PmSocialMuvisPage   *self,
                                                   const char          *month);
void           pm_social_muvis_page_reload        (PmSocialMuvisPage   *self);
PmMuvisReport *pm_social_muvis_page_get_report    (PmSocialMuvisPage   *self);
gboolean       pm_social_muvis_page_get_loading   (PmSocialMuvisPage   *self);
void           pm_social_muvis_page_export_async  (PmSocialMuvisPage   *self,
                                                   GFile               *file,
                                                   const char          *format,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
gboolean       pm_social_muvis_page_export_finish (PmSocialMuvisPage   *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);

G_END_DECLS
