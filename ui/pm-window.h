/* pm-window.h: the main window of the van: the day's route and a visit
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "pm-store.h"
#include "pm-sync-status.h"
#include "pm-unlock-page.h"

G_BEGIN_DECLS

#define PM_TYPE_WINDOW (pm_window_get_type ())
G_DECLARE_FINAL_TYPE (PmWindow, pm_window, PM, WINDOW, AdwApplicationWindow)

PmWindow   *pm_window_new          (GtkApplication *application,
                                    PmSyncStatus   *sync_status);
void        pm_window_set_store    (PmWindow       *self,
                                    PmStore        *store);
void        pm_window_show_message (PmWindow       *self,
                                    const char     *icon_name,
                                    const char     *title,
                                    const char     *description);
void        pm_window_set_date     (PmWindow       *self,
                                    const char     *date);
const char *pm_window_get_date     (PmWindow       *self);
GListModel *pm_window_get_visits   (PmWindow       *self);
PmUnlockPage *pm_window_get_unlock_page (PmWindow   *self);
void        pm_window_lock         (PmWindow       *self);
gint64      pm_window_get_idle_seconds (PmWindow   *self);
void        pm_window_notify       (PmWindow       *self,
                                    const char     *message,
                                    const char     *button_label,
                                    const char     *action_name,
                                    GVariant       *target);
void        pm_window_set_people   (PmWindow       *self,
                                    GMenuModel     *menu,
                                    const char     *acting_name);

G_END_DECLS
