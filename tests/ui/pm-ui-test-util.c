/* pm-ui-test-util.c: what the UI tests share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "pm-ui-test-util.h"

/* The first widget of @type in @widget's tree, depth first. */
GtkWidget *
pm_ui_test_find_by_type (GtkWidget *widget,
                         GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = pm_ui_test_find_by_type (child, type);

      if (found)
        return found;
    }
  return NULL;
}
