/* main.c: pepamo-server, the reference city backend
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pepamo-server"

#include "config.h"

#include <glib-unix.h>
#include <locale.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>

#include "pm-server-admin.h"
#include "pm-server-config.h"
#include "pm-server-purge.h"
#include "pm-server-sqlite-storage.h"
#include "pm-server-store.h"
#include "pm-server.h"

/* The deletion periods, once a day while the server runs (the running
 * configuration's, so a reload's new periods count from the next run). */
#define PURGE_INTERVAL_SECONDS (24 * 60 * 60)

typedef struct
{
  PmStore         *store;
  PmServerConfig **config;
} DailyPurge;

static gboolean
purge_cb (gpointer data)
{
  DailyPurge *purge = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = pm_server_purge (purge->store, *purge->config, FALSE, "daily run", &error);

  if (summary)
    g_message ("Deletion periods: %s", summary);
  else
    g_warning ("Deletion periods: the daily run failed, it is tried again tomorrow: %s", error->message);
  return G_SOURCE_CONTINUE;
}

/* Also once at start: a server restarted more often than daily (updates,
 * reboots) would otherwise never apply the periods. */
static gboolean
first_purge_cb (gpointer data)
{
  purge_cb (data);
  return G_SOURCE_REMOVE;
}

static gboolean
quit_cb (gpointer data)
{
  g_message ("Stopping on signal");
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

/* What a running server can change: the body limit, the request log and
 * the certificate (new connections get it). Retention is kept in the config. */
static gboolean
apply_config (PmServer        *server,
              PmServerConfig  *config,
              GError         **error)
{
  if (config->tls_cert)
    {
      g_autoptr(GTlsCertificate) certificate = g_tls_certificate_new_from_files (config->tls_cert, config->tls_key, error);

      if (certificate == NULL)
        {
          g_prefix_error (error, "tls-cert, tls-key: ");
          return FALSE;
        }
      pm_server_set_tls_certificate (server, certificate);
    }
  pm_server_set_max_body_bytes (server, config->max_body_bytes);
  pm_server_set_log_requests (server, config->log_requests);
  return TRUE;
}

typedef struct
{
  PmServer        *server;
  PmServerConfig **config;   /* the one that runs */
  const char      *path;
  PmServerConfig  *overrides;
} Reload;

/* SIGHUP (systemctl reload): the file again, with the same command line
 * over it. A file that does not load, or a certificate that does not,
 * changes nothing; a value only a restart can change keeps running. */
static gboolean
reload_cb (gpointer data)
{
  Reload *reload = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(PmServerConfig) fresh = NULL;
  g_autoptr(GString) retention = g_string_new (NULL);

  if (reload->path == NULL)
    {
      g_warning ("Reload: the server was started without --config; nothing to re-read");
      return G_SOURCE_CONTINUE;
    }
  fresh = pm_server_config_load (reload->path, reload->overrides, &error);
  if (fresh != NULL)
    pm_server_config_keep_restart_values (fresh, *reload->config);
  if (fresh == NULL || !apply_config (reload->server, fresh, &error))
    {
      g_warning ("Reload refused, the running configuration stays: %s", error->message);
      return G_SOURCE_CONTINUE;
    }
  for (guint i = 0; i < PM_SERVER_N_RETENTION; i++)
    g_string_append_printf (retention, " %s=%d", pm_server_retention_key (i), fresh->retention_days[i]);
  g_message ("Reloaded %s: max-body-bytes=%" G_GUINT64_FORMAT ", log-requests=%s%s, "
             "retention days (-1: the city profile's):%s",
             reload->path, fresh->max_body_bytes, fresh->log_requests ? "true" : "false",
             fresh->tls_cert ? ", TLS certificate read again" : "", retention->str);
  pm_server_config_free (*reload->config);
  *reload->config = g_steal_pointer (&fresh);
  return G_SOURCE_CONTINUE;
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *config_path = NULL;
  g_autofree char *listen = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *key_file = NULL;
  gboolean version = FALSE;
  GOptionEntry entries[] = {
    { "config", 0, 0, G_OPTION_ARG_FILENAME, &config_path, "Read the configuration from FILE (options given here override it)", "FILE" },
    { "listen", 0, 0, G_OPTION_ARG_STRING, &listen, "Address to listen on (default 127.0.0.1:8645; port 0 picks a free one)", "ADDR:PORT" },
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &data_dir, "Where the server keeps its data (without it, only /v1/health answers)", "DIR" },
    { "key-file", 0, 0, G_OPTION_ARG_FILENAME, &key_file, "The store's raw 32-byte key (default: DIR.key beside the data dir, created on first start)", "FILE" },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, "Print the version", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PmServerConfig) config = NULL;
  PmServerConfig overrides = { NULL };
  Reload reload = { NULL };
  DailyPurge daily = { NULL };
  g_autoptr(PmStore) store = NULL;
  g_autoptr(PmServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *key_path = NULL;
  GSList *uris;

#ifdef __GLIBC__
  /* glibc walks all its fast bins on every free of a block of 64 KiB or
   * more, and the server frees a push body of up to a few hundred KiB with
   * every push: that walk took a tenth of its CPU. */
  mallopt (M_MXFAST, 0);
#endif
  setlocale (LC_ALL, "");
  g_option_context_set_summary (context, "The PePaMo city backend.");
  g_option_context_set_description (context,
                                    "Admin commands (run on the store, then exit):\n"
                                    "  admin enrol --role ROLE --city CITY   add a device, print its token last\n"
                                    "  admin devices                         list the devices\n"
                                    "  admin revoke DEVICE_ID                refuse the device from now on\n"
                                    "  admin export                          print every record as JSON\n"
                                    "  admin audit [--format F] [--since D]  list the server's audit (text, json, csv)\n"
                                    "  admin staff add|list|remove           the staff roster; remove drops key slots\n"
                                    "  admin demo --city halle [--date D]    seed a new server with the demo week\n"
                                    "  admin backup FILE                     an encrypted copy, also while the server runs\n"
                                    "  admin restore [--force] FILE          put a backup back (server stopped)\n"
                                    "  admin report --month YYYY-MM --format csv|json\n"
                                    "                                        the MUVIS figures of a month\n"
                                    "  admin subject-access CITIZEN_ID [--json FILE] [--pdf FILE]\n"
                                    "                                        everything about one person (Art. 15)\n"
                                    "  admin withdraw-consent CONSENT_ID [--on YYYY-MM-DD]\n"
                                    "                                        record a consent's withdrawal\n"
                                    "  admin erase CITIZEN_ID                erase a person, also on the devices (Art. 17)\n"
                                    "  admin correct CITIZEN_ID --field F --value V\n"
                                    "                                        correct a person's record (Art. 16)\n"
                                    "  admin purge [--dry-run]               apply the deletion periods now\n");
  /* Options after "admin" belong to the admin command. */
  g_option_context_set_strict_posix (context, TRUE);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "pepamo-server: %s\n", error->message);
      return 2;
    }
  if (version)
    {
      printf ("pepamo-server %s\n", PACKAGE_VERSION);
      return 0;
    }
  if (argc > 1 && !g_str_equal (argv[1], "admin"))
    {
      fprintf (stderr, "pepamo-server: unknown argument “%s” (see --help)\n", argv[1]);
      return 2;
    }

  /* A relative name in the config file is a systemd credential; on the
   * command line it is a path from here. */
  if (key_file)
    {
      g_autofree char *relative = g_steal_pointer (&key_file);

      key_file = g_canonicalize_filename (relative, NULL);
    }
  overrides.listen = listen;
  overrides.data_dir = data_dir;
  overrides.key_file = key_file;
  config = pm_server_config_load (config_path, &overrides, &error);
  if (config == NULL)
    {
      fprintf (stderr, "pepamo-server: %s\n", error->message);
      return 1;
    }
  key_path = pm_server_config_get_key_path (config, g_getenv ("CREDENTIALS_DIRECTORY"), &error);
  if (error)
    {
      fprintf (stderr, "pepamo-server: %s\n", error->message);
      return 1;
    }
  if (key_path && !g_file_test (key_path, G_FILE_TEST_IS_REGULAR))
    {
      fprintf (stderr, "pepamo-server: key-file: %s does not exist\n", key_path);
      return 1;
    }
  if (argc > 1)
    return pm_server_admin_main (argc - 1, argv + 1, config, key_path);

  /* Caught from here on (an upgrade of the store may take a while), handled
   * once the main loop runs, when the server exists. */
  reload.config = &config;
  reload.path = config_path;
  reload.overrides = &overrides;
  g_unix_signal_add (SIGHUP, reload_cb, &reload);
  if (config->data_dir)
    {
      /* Held until exit: admin restore must not replace the store under us. */
      if (pm_server_store_lock (config->data_dir, FALSE, &error) < 0)
        {
          fprintf (stderr, "pepamo-server: %s\n", error->message);
          return 1;
        }
      store = pm_server_store_open (config->data_dir, key_path, &error);
      if (store == NULL)
        {
          fprintf (stderr, "pepamo-server: data-dir %s: %s\n", config->data_dir, error->message);
          return 1;
        }
    }

  /* Handlers first: a stop request right after start must still be clean. */
  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGTERM, quit_cb, loop);
  g_unix_signal_add (SIGINT, quit_cb, loop);
  if (store)
    {
      daily.store = store;
      daily.config = &config;
      g_idle_add (first_purge_cb, &daily);
      g_timeout_add_seconds (PURGE_INTERVAL_SECONDS, purge_cb, &daily);
    }

  server = pm_server_new ();
  if (store)
    {
      g_autoptr(PmServerSqliteStorage) storage = pm_server_sqlite_storage_new (store);

      pm_server_set_storage (server, PM_SERVER_STORAGE (storage));
    }
  if (!apply_config (server, config, &error))
    {
      fprintf (stderr, "pepamo-server: %s\n", error->message);
      return 1;
    }
  reload.server = server;
  if (!pm_server_listen (server, config->listen, &error))
    {
      fprintf (stderr, "pepamo-server: cannot listen on %s: %s\n", config->listen, error->message);
      return 1;
    }

  /* Tests and service managers read the real address from this line. */
  uris = pm_server_get_uris (server);
  for (GSList *l = uris; l; l = l->next)
    {
      g_autofree char *uri = g_uri_to_string (l->data);

      printf ("Listening on %s\n", uri);
    }
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  fflush (stdout);

  g_main_loop_run (loop);

  pm_server_stop (server);
  if (store)
    pm_store_close (store);
  g_message ("Stopped");
  return 0;
}
