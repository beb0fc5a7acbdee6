/* pm-test-server.c: the real pepamo-server for tests, on 127.0.0.1
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <signal.h>
#include <string.h>

#include "pm-test-server.h"

/* `pepamo-server admin enrol`: the device's token is the last line. */
char *
pm_test_server_enrol (const char *data_dir,
                      const char *role)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autoptr(GSubprocess) admin = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                                                   &error, g_getenv ("PEPAMO_SERVER"), "--data-dir", data_dir,
                                                   "admin", "enrol", "--role", role, "--city", "halle", NULL);
  g_auto(GStrv) lines = NULL;

  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (admin, NULL, NULL, &out, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (admin));
  lines = g_strsplit (g_strstrip (out), "\n", -1);
  return g_strdup (lines[g_strv_length (lines) - 1]);
}

/* Starts the server on a free port and reads its URL from "Listening on". */
GSubprocess *
pm_test_server_start (const char  *data_dir,
                      char       **base_url)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  GSubprocess *server = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                                          g_getenv ("PEPAMO_SERVER"), "--data-dir", data_dir,
                                          "--listen", "127.0.0.1:0", NULL);

  g_assert_no_error (error);
  *base_url = NULL;
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
  for (guint i = 0; i < 20 && *base_url == NULL; i++)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (line);
      if (g_str_has_prefix (line, "Listening on http://127.0.0.1:"))
        *base_url = g_strdup (line + strlen ("Listening on "));
    }
  g_assert_nonnull (*base_url);
  return server;
}

void
pm_test_server_stop (GSubprocess *server)
{
  g_subprocess_send_signal (server, SIGTERM);
  g_subprocess_wait (server, NULL, NULL);
  g_object_unref (server);
}
