/* test-server-config.c: pepamo-server's configuration file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "pm-server-config.h"

static char *
shipped_config_path (void)
{
  return g_build_filename (g_getenv ("PEPAMO_SOURCE_ROOT"), "packaging", "server.conf", NULL);
}

static void
test_defaults (void)
{
  g_autoptr(PmServerConfig) config = pm_server_config_new ();
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (config->listen, ==, "127.0.0.1:8645");
  g_assert_null (config->data_dir);
  g_assert_null (config->key_file);
  g_assert_false (config->allow_plain_http);
  g_assert_false (config->log_requests);
  g_assert_cmpuint (config->max_body_bytes, ==, 8 * 1024 * 1024);
  for (guint i = 0; i < PM_SERVER_N_RETENTION; i++)
    g_assert_cmpint (config->retention_days[i], ==, -1);
  g_assert_true (pm_server_config_check (config, &error));
  g_assert_no_error (error);
}

static void
test_shipped_file (void)
{
  g_autoptr(PmServerConfig) config = pm_server_config_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = shipped_config_path ();

  g_assert_true (pm_server_config_load_file (config, path, &error));
  g_assert_no_error (error);
  g_assert_true (pm_server_config_check (config, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (config->listen, ==, "127.0.0.1:8645");
  g_assert_cmpstr (config->data_dir, ==, "/var/lib/pepamo-server");
  g_assert_cmpstr (config->key_file, ==, "server-key");
  g_assert_null (config->tls_cert);
  for (guint i = 0; i < PM_SERVER_N_RETENTION; i++)
    g_assert_cmpint (config->retention_days[i], ==, -1);
}

/* The shipped file shows the deletion periods as comments; they must be the
 * city profile's, which is what the server uses when they stay commented. */
static void
test_shipped_retention_matches_city (void)
{
  g_autoptr(PmServerConfig) config = pm_server_config_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = shipped_config_path ();
  g_autofree char *city_path = g_build_filename (g_getenv ("PEPAMO_CORE_DATA"), "city-halle.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *text = NULL;
  g_autoptr(GString) uncommented = g_string_new (NULL);
  g_auto(GStrv) lines = NULL;
  gboolean in_retention = FALSE;
  JsonObject *server;

  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      const char *line = lines[i];

      if (*line == '[')
        in_retention = g_str_equal (line, "[retention]");
      else if (in_retention && *line == '#' && strchr (line, '=') != NULL)
        line++;
      g_string_append_printf (uncommented, "%s\n", line);
    }
  g_assert_true (pm_server_config_load_data (config, uncommented->str, path, &error));
  g_assert_no_error (error);

  g_assert_true (json_parser_load_from_file (parser, city_path, &error));
  g_assert_no_error (error);
  server = json_object_get_object_member (
    json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)), "retention_days"),
    "server");
  for (guint i = 0; i < PM_SERVER_N_RETENTION; i++)
    {
      const char *rule = pm_server_retention_rule (i);

      g_assert_true (json_object_has_member (server, rule));
      g_assert_cmpint (config->retention_days[i], ==, json_object_get_int_member (server, rule));
    }
  g_assert_cmpuint (json_object_get_size (server), ==, PM_SERVER_N_RETENTION);
}

static void
test_full_file (void)
{
  g_autoptr(PmServerConfig) config = pm_server_config_new ();
  g_autoptr(GError) error = NULL;
  const char *data =
    "# a comment\n"
    "[server]\n"
    "listen = [::]:443\n"
    "data-dir = /srv/pepamo\n"
    "key-file = /etc/pepamo/server.key\n"
    "tls-cert = /etc/pepamo/tls/server.crt\n"
    "tls-key = /etc/pepamo/tls/server.key\n"
    "allow-plain-http = false\n"
    "max-body-bytes = 1048576\n"
    "log-requests = true\n"
    "\n"
    "[retention]\n"
    "case-after-closed = 60\n"
    "audit = 0\n";

  g_assert_true (pm_server_config_load_data (config, data, "test.conf", &error));
  g_assert_no_error (error);
  g_assert_true (pm_server_config_check (config, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (config->listen, ==, "[::]:443");
  g_assert_cmpstr (config->data_dir, ==, "/srv/pepamo");
  g_assert_cmpstr (config->tls_cert, ==, "/etc/pepamo/tls/server.crt");
  g_assert_cmpstr (config->tls_key, ==, "/etc/pepamo/tls/server.key");
  g_assert_cmpuint (config->max_body_bytes, ==, 1048576);
  g_assert_true (config->log_requests);
  g_assert_cmpint (config->retention_days[PM_SERVER_RETENTION_CASE_AFTER_CLOSED], ==, 60);
  g_assert_cmpint (config->retention_days[PM_SERVER_RETENTION_AUDIT], ==, 0);
  g_assert_cmpint (config->retention_days[PM_SERVER_RETENTION_VISIT_AFTER_ENDED], ==, -1);
}

/* Only what the file sets changes: the caller's values (command line, earlier
 * defaults) survive for everything else. */
static void
test_partial_file_keeps_values (void)
{
  g_autoptr(PmServerConfig) config = pm_server_config_new ();
  g_autoptr(GError) error = NULL;

  config->data_dir = g_strdup ("/tmp/x");
  g_assert_true (pm_server_config_load_data (config, "[server]\nmax-body-bytes=2048\n", "t", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (config->data_dir, ==, "/tmp/x");
  g_assert_cmpstr (config->listen, ==, "127.0.0.1:8645");
  g_assert_cmpuint (config->max_body_bytes, ==, 2048);
}

typedef struct
{
  const char *name;
  const char *data;
  int         code;
  const char *message; /* the start of the error message */
} BadFile;

static const BadFile bad_files[] = {
  { "listen-no-port", "[server]\nlisten = 127.0.0.1\n", PM_SERVER_CONFIG_ERROR_VALUE,
    "bad.conf:2: [server] listen: “127.0.0.1” is not ADDRESS:PORT" },
  { "listen-big-port", "[server]\n\nlisten = 127.0.0.1:70000\n", PM_SERVER_CONFIG_ERROR_VALUE,
    "bad.conf:3: [server] listen: “127.0.0.1:70000”" },
  { "listen-bare-ipv6", "[server]\nlisten = ::1:8645\n", PM_SERVER_CONFIG_ERROR_VALUE,
    "bad.conf:2: [server] listen:" },
  { "data-dir-relative", "[server]\ndata-dir = var/lib\n", PM_SERVER_CONFIG_ERROR_VALUE,
    "bad.conf:2: [server] data-dir: “var/lib” is not an absolute path" },
  { "tls-relative", "[server]\ntls-cert = cert.pem\n", PM_SERVER_CONFIG_ERROR_VALUE,
    "bad.conf:2: [server] tls-cert:" },
  { "key-file-bad-name", "[server]\nkey-file = ../key\n", PM_SERVER_CONFIG_ERROR_VALUE,
    "bad.conf:2: [server] key-file: “../key” is neither" },
  { "bool", "[server]\nallow-plain-http = yes\n", PM_SERVER_CONFIG_ERROR_VALUE,
    "bad.conf:2: [server] allow-plain-http: “yes” is not true or false" },
  { "bool-log", "[server]\nlog-requests = 1\n", PM_SERVER_CONFIG_ERROR_VALUE,
    "bad.conf:2: [server] log-requests: “1” is not true or false" },
  { "body-text", "[server]\nmax-body-bytes = 8M\n", PM_SERVER_CONFIG_ERROR_VALUE,
    "bad.conf:2: [server] max-body-bytes: “8M” is not a number of bytes" },
  { "body-small", "[server]\nmax-body-bytes = 10\n", PM_SERVER_CONFIG_ERROR_VALUE,
    "bad.conf:2: [server] max-body-bytes:" },
  { "retention-negative", "[retention]\n# x\naudit = -1\n", PM_SERVER_CONFIG_ERROR_VALUE,
    "bad.conf:3: [retention] audit: “-1” is not a number of days" },
  { "retention-unknown", "[retention]\nsignature = 3\n", PM_SERVER_CONFIG_ERROR_UNKNOWN,
    "bad.conf:2: [retention] signature: unknown key" },
  { "unknown-key", "[server]\nlisten = 127.0.0.1:1\nlistn = 0.0.0.0:1\n", PM_SERVER_CONFIG_ERROR_UNKNOWN,
    "bad.conf:3: [server] listn: unknown key" },
  { "unknown-group", "[server]\n[database]\npath = /x\n", PM_SERVER_CONFIG_ERROR_UNKNOWN,
    "bad.conf:2: [database] unknown group" },
  { "syntax", "[server]\nlisten 127.0.0.1:8645\n", PM_SERVER_CONFIG_ERROR_SYNTAX,
    "bad.conf:2: “listen 127.0.0.1:8645” is neither" },
  { "key-before-group", "listen = 127.0.0.1:1\n", PM_SERVER_CONFIG_ERROR_SYNTAX,
    "bad.conf: " },
};

static void
test_bad_file (gconstpointer data)
{
  const BadFile *bad = data;
  g_autoptr(PmServerConfig) config = pm_server_config_new ();
  g_autoptr(GError) error = NULL;

  g_assert_false (pm_server_config_load_data (config, bad->data, "bad.conf", &error));
  g_assert_error (error, PM_SERVER_CONFIG_ERROR, bad->code);
  if (!g_str_has_prefix (error->message, bad->message))
    g_error ("%s: “%s” does not start with “%s”", bad->name, error->message, bad->message);
}

static void
test_missing_file (void)
{
  g_autoptr(PmServerConfig) config = pm_server_config_new ();
  g_autoptr(GError) error = NULL;

  g_assert_false (pm_server_config_load_file (config, "/nonexistent/server.conf", &error));
  g_assert_error (error, PM_SERVER_CONFIG_ERROR, PM_SERVER_CONFIG_ERROR_READ);
  g_assert_nonnull (strstr (error->message, "/nonexistent/server.conf"));
}

/* SIGHUP: the file again with the command line over it; what only a
 * restart can change keeps its running value. */
static void
test_reload_keeps_restart_values (void)
{
  g_autofree char *dir = g_dir_make_tmp ("pepamo-config-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "server.conf", NULL);
  PmServerConfig overrides = { .data_dir = "/srv/from-command-line" };
  g_autoptr(PmServerConfig) running = NULL;
  g_autoptr(PmServerConfig) fresh = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, "[server]\nlisten = 127.0.0.1:9000\ndata-dir = /srv/file\n"
                                      "tls-cert = /etc/a.pem\ntls-key = /etc/a.key\nmax-body-bytes = 4096\n", -1, NULL));
  running = pm_server_config_load (path, &overrides, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (running->data_dir, ==, "/srv/from-command-line");

  g_assert_true (g_file_set_contents (path, "[server]\nlisten = 127.0.0.1:9001\nkey-file = /etc/other.key\n"
                                      "max-body-bytes = 2048\n[retention]\naudit = 10\n", -1, NULL));
  fresh = pm_server_config_load (path, &overrides, &error);
  g_assert_no_error (error);
  g_test_expect_message ("pm-server-config", G_LOG_LEVEL_WARNING, "Reload: listen changed*");
  g_test_expect_message ("pm-server-config", G_LOG_LEVEL_WARNING, "Reload: key-file changed*");
  g_test_expect_message ("pm-server-config", G_LOG_LEVEL_WARNING, "Reload: tls-cert and tls-key switch TLS off*");
  pm_server_config_keep_restart_values (fresh, running);
  g_test_assert_expected_messages ();
  g_assert_cmpstr (fresh->listen, ==, "127.0.0.1:9000");
  g_assert_cmpstr (fresh->data_dir, ==, "/srv/from-command-line");
  g_assert_null (fresh->key_file);
  g_assert_cmpstr (fresh->tls_cert, ==, "/etc/a.pem");
  g_assert_cmpstr (fresh->tls_key, ==, "/etc/a.key");
  g_assert_cmpuint (fresh->max_body_bytes, ==, 2048);
  g_assert_cmpint (fresh->retention_days[PM_SERVER_RETENTION_AUDIT], ==, 10);

  /* A file that does not load gives no configuration at all. */
  g_assert_true (g_file_set_contents (path, "[server]\nmax-body-bytes = 1\n", -1, NULL));
  g_assert_null (pm_server_config_load (path, &overrides, &error));
  g_assert_error (error, PM_SERVER_CONFIG_ERROR, PM_SERVER_CONFIG_ERROR_VALUE);
  g_assert_true (g_str_has_prefix (error->message, path));
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_check (void)
{
  struct
  {
    const char *data;
    gboolean    ok;
    const char *message;
  } cases[] = {
    { "[server]\nlisten = 0.0.0.0:8645\n", FALSE, "listen: 0.0.0.0:8645 is not a loopback address" },
    { "[server]\nlisten = 0.0.0.0:8645\nallow-plain-http = true\n", TRUE, NULL },
    { "[server]\nlisten = [::1]:8645\n", TRUE, NULL },
    { "[server]\nlisten = localhost:8645\n", TRUE, NULL },
    { "[server]\nlisten = 192.0.2.1:443\ntls-cert = /c\ntls-key = /k\n", TRUE, NULL },
    { "[server]\ntls-cert = /c\n", FALSE, "tls-cert and tls-key must be set together" },
    { "[server]\ntls-key = /k\n", FALSE, "tls-cert and tls-key must be set together" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(PmServerConfig) config = pm_server_config_new ();
      g_autoptr(GError) error = NULL;

      g_assert_true (pm_server_config_load_data (config, cases[i].data, "t", &error));
      g_assert_no_error (error);
      g_assert_cmpint (pm_server_config_check (config, &error), ==, cases[i].ok);
      if (cases[i].ok)
        g_assert_no_error (error);
      else
        {
          g_assert_error (error, PM_SERVER_CONFIG_ERROR, PM_SERVER_CONFIG_ERROR_CONFLICT);
          g_assert_true (g_str_has_prefix (error->message, cases[i].message));
        }
    }
}

static void
test_key_path (void)
{
  g_autoptr(PmServerConfig) config = pm_server_config_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  g_assert_null (pm_server_config_get_key_path (config, "/run/credentials/x", &error));
  g_assert_no_error (error);

  config->key_file = g_strdup ("/etc/pepamo/server.key");
  path = pm_server_config_get_key_path (config, "/run/credentials/x", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (path, ==, "/etc/pepamo/server.key");
  g_clear_pointer (&path, g_free);

  g_free (config->key_file);
  config->key_file = g_strdup ("server-key");
  path = pm_server_config_get_key_path (config, "/run/credentials/pepamo-server.service", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (path, ==, "/run/credentials/pepamo-server.service/server-key");

  g_assert_null (pm_server_config_get_key_path (config, NULL, &error));
  g_assert_error (error, PM_SERVER_CONFIG_ERROR, PM_SERVER_CONFIG_ERROR_CONFLICT);
  g_assert_nonnull (strstr (error->message, "CREDENTIALS_DIRECTORY"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server-config/defaults", test_defaults);
  g_test_add_func ("/server-config/shipped-file", test_shipped_file);
  g_test_add_func ("/server-config/shipped-retention-matches-city", test_shipped_retention_matches_city);
  g_test_add_func ("/server-config/full-file", test_full_file);
  g_test_add_func ("/server-config/partial-file-keeps-values", test_partial_file_keeps_values);
  for (guint i = 0; i < G_N_ELEMENTS (bad_files); i++)
    {
      g_autofree char *path = g_strdup_printf ("/server-config/bad/%s", bad_files[i].name);

      g_test_add_data_func (path, &bad_files[i], test_bad_file);
    }
  g_test_add_func ("/server-config/missing-file", test_missing_file);
  g_test_add_func ("/server-config/check", test_check);
  g_test_add_func ("/server-config/reload-keeps-restart-values", test_reload_keeps_restart_values);
  g_test_add_func ("/server-config/key-path", test_key_path);

  return g_test_run ();
}
