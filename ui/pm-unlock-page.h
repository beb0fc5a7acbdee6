/* pm-unlock-page.h: who are you? The page before anything else is shown
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define PM_TYPE_UNLOCK_PAGE (pm_unlock_page_get_type ())
G_DECLARE_FINAL_TYPE (PmUnlockPage, pm_unlock_page, PM, UNLOCK_PAGE, GtkWidget)

void pm_unlock_page_set_staff   (PmUnlockPage *self,
                                 GPtrArray    *slots);
void pm_unlock_page_set_hint    (PmUnlockPage *self,
                                 const char   *hint);
void pm_unlock_page_set_pending (PmUnlockPage *self,
                                 guint         pending);
void pm_unlock_page_set_busy    (PmUnlockPage *self,
                                 gboolean      busy);
void pm_unlock_page_refuse      (PmUnlockPage *self,
                                 const char   *message,
                                 guint         wait_seconds);
void pm_unlock_page_reset       (PmUnlockPage *self);

G_END_DECLS
