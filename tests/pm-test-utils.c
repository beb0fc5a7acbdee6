/* pm-test-utils.c: helpers shared by the test programs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <glib/gstdio.h>

#include "pm-test-utils.h"

char *
pm_test_make_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("pepamo-test-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

void
pm_test_remove_dir (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  while (handle && (name = g_dir_read_name (handle)))
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        pm_test_remove_dir (path);
      else
        g_assert_cmpint (g_remove (path), ==, 0);
    }
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

PmStore *
pm_test_open_store (const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, "pepamo.db", NULL);
  PmStore *store = pm_store_open (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  return store;
}

PmRecord *
pm_test_record_from_json (GType       type,
                          const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string (json, &error);
  PmRecord *record;

  g_assert_no_error (error);
  record = pm_record_new_from_json (type, json_node_get_object (node), &error);
  g_assert_no_error (error);
  return record;
}
