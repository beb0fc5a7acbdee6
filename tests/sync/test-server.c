/* test-server.c: the real pepamo-server on 127.0.0.1, a random port
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>

typedef struct
{
  GSubprocess *server;
  char        *base;
  SoupSession *session;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;

  f->server = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                                g_getenv ("PEPAMO_SERVER"), "--listen", "127.0.0.1:0", NULL);
  g_assert_no_error (error);
  /* The server prints its address once it listens: wait for that line. */
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (f->server));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (line, "Listening on http://127.0.0.1:"));
  f->base = g_strdup (line + strlen ("Listening on "));
  f->session = soup_session_new_with_options ("timeout", 10, NULL);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  if (g_subprocess_get_identifier (f->server))
    {
      g_subprocess_force_exit (f->server);
      g_subprocess_wait (f->server, NULL, NULL);
    }
  g_clear_object (&f->server);
  g_clear_object (&f->session);
  g_free (f->base);
}

static JsonObject *
request (Fixture    *f,
         const char *method,
         const char *path,
         guint      *status)
{
  g_autofree char *uri = g_strconcat (f->base, path + 1, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, uri);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read (f->session, msg, NULL, &error);
  g_autoptr(JsonNode) node = NULL;

  g_assert_no_error (error);
  *status = soup_message_get_status (msg);
  g_assert_cmpstr (soup_message_headers_get_content_type (soup_message_get_response_headers (msg), NULL),
                   ==, "application/json");
  node = json_from_string (g_bytes_get_data (body, NULL), &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_object_ref (json_node_get_object (node));
}

static void
test_health (Fixture       *f,
             gconstpointer  data)
{
  guint status;
  g_autoptr(JsonObject) health = request (f, "GET", "/v1/health", &status);

  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (health, "status"), ==, "ok");
  g_assert_cmpstr (json_object_get_string_member (health, "protocol"), ==, "v1");
}

static void
test_errors_are_json (Fixture       *f,
                      gconstpointer  data)
{
  guint status;
  g_autoptr(JsonObject) missing = request (f, "GET", "/v1/nothing-here", &status);
  g_autoptr(JsonObject) wrong_method = NULL;
  g_autoptr(JsonObject) still_ok = NULL;

  g_assert_cmpuint (status, ==, 404);
  g_assert_true (json_object_has_member (missing, "reason"));
  wrong_method = request (f, "POST", "/v1/health", &status);
  g_assert_cmpuint (status, ==, 405);
  /* Started without a data dir: the sync endpoints (served on the main
   * loop and in the request threads alike) say why they cannot serve. */
  for (guint i = 0; i < 3; i++)
    {
      static const char * const endpoints[][2] = {
        { "GET", "/v1/device" }, { "GET", "/v1/sync/pull" }, { "POST", "/v1/sync/push" },
      };
      g_autoptr(JsonObject) unavailable = request (f, endpoints[i][0], endpoints[i][1], &status);

      g_assert_cmpuint (status, ==, 503);
      g_assert_nonnull (strstr (json_object_get_string_member (unavailable, "reason"), "without a data dir"));
    }
  /* And it keeps serving. */
  still_ok = request (f, "GET", "/v1/health", &status);
  g_assert_cmpuint (status, ==, 200);
}

static void
exited_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  gboolean *done = user_data;

  g_assert_true (g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL));
  *done = TRUE;
}

static gboolean
timeout_cb (gpointer data)
{
  g_error ("pepamo-server did not stop within 10 s of SIGTERM");
  return G_SOURCE_REMOVE;
}

static void
test_sigterm (Fixture       *f,
              gconstpointer  data)
{
  gboolean done = FALSE;
  guint timeout = g_timeout_add_seconds (10, timeout_cb, NULL);

  g_subprocess_send_signal (f->server, SIGTERM);
  g_subprocess_wait_async (f->server, NULL, exited_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timeout);
  g_assert_true (g_subprocess_get_if_exited (f->server));
  g_assert_cmpint (g_subprocess_get_exit_status (f->server), ==, 0);
}

static void
test_bad_listen_address (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) server = g_subprocess_new (G_SUBPROCESS_FLAGS_STDERR_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error,
                                                    g_getenv ("PEPAMO_SERVER"), "--listen", "not an address", NULL);
  g_autofree char *err = NULL;

  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (server, NULL, NULL, NULL, &err, &error));
  g_assert_true (g_subprocess_get_if_exited (server));
  g_assert_cmpint (g_subprocess_get_exit_status (server), ==, 1);
  g_assert_nonnull (strstr (err, "cannot listen"));
}

/* A mistyped key in the config file: one line naming it, exit 1. */
static void
test_bad_config (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("pepamo-server-config-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "server.conf", NULL);
  g_autoptr(GSubprocess) server = NULL;
  g_autofree char *err = NULL;

  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (path, "[server]\nlistn = 127.0.0.1:0\n", -1, &error));
  server = g_subprocess_new (G_SUBPROCESS_FLAGS_STDERR_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error,
                             g_getenv ("PEPAMO_SERVER"), "--config", path, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (server, NULL, NULL, NULL, &err, &error));
  g_assert_true (g_subprocess_get_if_exited (server));
  g_assert_cmpint (g_subprocess_get_exit_status (server), ==, 1);
  g_assert_nonnull (strstr (err, "listn"));
  g_assert_cmpint (g_remove (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/server/health", Fixture, NULL, fixture_set_up, test_health, fixture_tear_down);
  g_test_add ("/server/errors-are-json", Fixture, NULL, fixture_set_up, test_errors_are_json, fixture_tear_down);
  g_test_add ("/server/sigterm", Fixture, NULL, fixture_set_up, test_sigterm, fixture_tear_down);
  g_test_add_func ("/server/bad-listen-address", test_bad_listen_address);
  g_test_add_func ("/server/bad-config", test_bad_config);
  return g_test_run ();
}
