/* main.c: pepamo-server, the reference city backend
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pepamo-server"

#include "config.h"

#include <glib-unix.h>
#include <locale.h>
#include <stdio.h>

#include "pm-server.h"

static gboolean
quit_cb (gpointer data)
{
  g_message ("Stopping on signal");
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *listen = NULL;
  g_autofree char *data_dir = NULL;
  gboolean version = FALSE;
  GOptionEntry entries[] = {
    { "listen", 0, 0, G_OPTION_ARG_STRING, &listen, "Address to listen on (default 127.0.0.1:8645; port 0 picks a free one)", "ADDR:PORT" },
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &data_dir, "Where the server keeps its data", "DIR" },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, "Print the version", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PmServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  GSList *uris;

  setlocale (LC_ALL, "");
  g_option_context_set_summary (context, "The PePaMo city backend.");
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

  /* Handlers first: a stop request right after start must still be clean. */
  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGTERM, quit_cb, loop);
  g_unix_signal_add (SIGINT, quit_cb, loop);

  server = pm_server_new ();
  if (!pm_server_listen (server, listen ? listen : "127.0.0.1:8645", &error))
    {
      fprintf (stderr, "pepamo-server: cannot listen on %s: %s\n", listen ? listen : "127.0.0.1:8645", error->message);
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
  g_message ("Stopped");
  return 0;
}
