/* pm-social-desk.h: the Soziales office desk
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "pm-report-source.h"
#include "pm-store.h"

G_BEGIN_DECLS

#define PM_TYPE_SOCIAL_DESK (pm_social_desk_get_type ())
G_DECLARE_FINAL_TYPE (PmSocialDesk, pm_social_desk, PM, SOCIAL_DESK, GtkWidget)

void     pm_social_desk_set_store        (PmSocialDesk *self,
                                          PmStore      *store);
void     pm_social_desk_set_people       (PmSocialDesk *self,
                                          GMenuModel   *menu,
                                          const char   *acting_name);
void     pm_social_desk_set_report_source (PmSocialDesk   *self,
                                           PmReportSource *source);
void     pm_social_desk_reload           (PmSocialDesk *self);
gboolean pm_social_desk_get_loading      (PmSocialDesk *self);
guint    pm_social_desk_get_n_follow_ups (PmSocialDesk *self);
guint    pm_social_desk_get_n_referrals  (PmSocialDesk *self);

G_END_DECLS
