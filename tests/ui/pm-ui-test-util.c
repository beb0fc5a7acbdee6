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

/* Lets the frame clock draw what the window shows now (transitions end). */
static void
settle_drawing (void)
{
  gint64 until = g_get_monotonic_time () + 1500 * G_TIME_SPAN_MILLISECOND;

  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);
}

/**
 * pm_ui_test_screenshot:
 *
 * With PEPAMO_TEST_SCREENSHOT=FILE, saves the screen there (ImageMagick's
 * import), for a person to look at; otherwise does nothing.
 */
void
pm_ui_test_screenshot (void)
{
  const char *path = g_getenv ("PEPAMO_TEST_SCREENSHOT");
  g_autoptr(GError) error = NULL;
  const char *argv[] = { "import", "-window", "root", path, NULL };
  int status = 0;

  if (path == NULL)
    return;
  settle_drawing ();
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, &error))
    g_test_message ("No screenshot: %s", error->message);
}
