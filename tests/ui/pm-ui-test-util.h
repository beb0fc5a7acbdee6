/* pm-ui-test-util.h: what the UI tests share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

GtkWidget *pm_ui_test_find_by_type (GtkWidget *widget,
                                    GType      type);

G_END_DECLS
