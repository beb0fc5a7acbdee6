/* pm-cli-sync.c: enrol, sync and status: pepamo-cli and pepamo-server
 *
 * The store keeps the server URL, the device token and the role once it is
 * enrolled (pm_store_enrol); the CA file, if the server's certificate needs
 * one, is kept beside them so later syncs verify against the same CA.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pepamo-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "pm-cli-common.h"
#include "pm-cli-store.h"
#include "pm-cli-sync.h"
#include "pm-store-sync.h"
#include "pm-sync-client.h"

/* Beyond this the device's clock is reported as wrong. */
#define MAX_CLOCK_SKEW_SECONDS 120

/* Meta keys written by pm_store_enrol(), and the CA file's own. */
#define META_SERVER_URL "sync.server_url"
#define META_TOKEN      "sync.token"
#define META_ROLE       "sync.role"
#define META_CA_FILE    "sync.ca_file"

/* pm_store_dup_meta() answers NULL without an error for an absent key. */
static char *
dup_required_meta (PmStore     *store,
                   const char  *key,
                   GError     **error)
{
  GError *local_error = NULL;
  char *value = pm_store_dup_meta (store, key, &local_error);

  if (local_error)
    g_propagate_error (error, local_error);
  else if (value == NULL)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                 _("The store's enrolment lacks “%s”; enrol it again"), key);
  return value;
}

static PmStore *
open_enrolled_store (const char  *data_dir,
                     GError     **error)
{
  g_autoptr(PmStore) store = pm_cli_open_store (data_dir, error);

  if (store == NULL)
    return NULL;
  if (!pm_store_is_enrolled (store))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                   _("The store in %s is not enrolled with a server (run “pepamo-cli --data-dir %s enrol” first)"),
                   data_dir, data_dir);
      return NULL;
    }
  return g_steal_pointer (&store);
}

int
pm_cli_enrol (const char  *data_dir,
              int          argc,
              char       **argv)
{
  g_autofree char *server = NULL;
  g_autofree char *token = NULL;
  g_autofree char *ca_file = NULL;
  g_autofree char *ca_path = NULL;
  g_autofree char *enrolled_at = NULL;
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PmStore) store = NULL;
  g_autoptr(PmSyncClient) client = NULL;
  g_autoptr(JsonObject) device = NULL;
  GOptionEntry entries[] = {
    { "server", 0, 0, G_OPTION_ARG_STRING, &server, N_("The server's address, e.g. https://pepamo.example.org"), N_("URL") },
    { "token", 0, 0, G_OPTION_ARG_STRING, &token, N_("The device token from “pepamo-server admin enrol”"), N_("TOKEN") },
    { "ca", 0, 0, G_OPTION_ARG_FILENAME, &ca_file, N_("Trust the CA certificates in FILE (PEM) for this server"), N_("FILE") },
    { NULL }
  };
  const char *role;
  int rc;

  if ((rc = pm_cli_parse_command (context, _("Enrol the store with a server: from then on its changes are synced."), entries, &argc, &argv)) != PM_CLI_OK)
    return rc;
  if (server == NULL || token == NULL)
    return pm_cli_fail_usage (_("--server and --token are required"));
  /* Kept in the store: it must still name the file when run from elsewhere. */
  if (ca_file)
    ca_path = g_canonicalize_filename (ca_file, NULL);

  store = pm_cli_open_store (data_dir, &error);
  if (store == NULL)
    return pm_cli_fail ("%s", error->message);
  /* Moving to another server would strand the outbox and the pull cursor. */
  if (pm_store_is_enrolled (store))
    {
      enrolled_at = pm_store_dup_meta (store, META_SERVER_URL, NULL);
      return pm_cli_fail (_("The store is already enrolled with %s"), enrolled_at ? enrolled_at : "?");
    }

  client = pm_sync_client_new (server, token, ca_path, &error);
  if (client == NULL)
    return pm_cli_fail ("%s", error->message);
  device = pm_sync_client_fetch_device (client, &error);
  if (device == NULL)
    return pm_cli_fail ("%s", error->message);
  role = json_object_get_string_member (device, "role");

  if (ca_path && !pm_store_set_meta (store, META_CA_FILE, ca_path, &error))
    return pm_cli_fail ("%s", error->message);
  if (!pm_store_enrol (store, pm_sync_client_get_server_url (client), token, role, &error))
    return pm_cli_fail ("%s", error->message);

  printf (_("Enrolled as %s device %s at %s\n"), role,
          json_object_get_string_member (device, "device_id"), pm_sync_client_get_server_url (client));
  return PM_CLI_OK;
}

static PmSyncClient *
client_for_store (PmStore  *store,
                  GError  **error)
{
  g_autofree char *server = dup_required_meta (store, META_SERVER_URL, error);
  g_autofree char *token = NULL;
  g_autofree char *ca_file = NULL;
  g_autoptr(PmSyncClient) client = NULL;
  g_autoptr(GError) local_error = NULL;

  if (server == NULL)
    return NULL;
  token = dup_required_meta (store, META_TOKEN, error);
  if (token == NULL)
    return NULL;
  /* Absent unless enrol was given --ca. */
  ca_file = pm_store_dup_meta (store, META_CA_FILE, &local_error);
  if (local_error)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  client = pm_sync_client_new (server, token, ca_file, error);
  explicit_bzero (token, strlen (token));
  return g_steal_pointer (&client);
}

/* Fees and deletion dates follow the day; a clock that is off misleads them. */
static void
warn_clock_skew (PmSyncClient *client)
{
  gint64 skew = pm_sync_client_get_clock_skew (client);

  if (ABS (skew) < MAX_CLOCK_SKEW_SECONDS)
    return;
  if (skew > 0)
    g_printerr (_("Warning: this device's clock is %d minutes ahead of the server's; set the right time.\n"),
                (int) (skew / 60));
  else
    g_printerr (_("Warning: this device's clock is %d minutes behind the server's; set the right time.\n"),
                (int) (-skew / 60));
}

/* The server withdrew this device (a lost or stolen laptop): what it holds
 * goes, unsent changes included, since no server would take them. */
static int
delete_revoked_store (PmStore    **store,
                      const char  *data_dir)
{
  g_autofree char *path = g_strdup (pm_store_get_path (*store));
  g_autoptr(GError) error = NULL;

  pm_store_close (*store);
  g_clear_object (store);
  if (!pm_store_delete_files (path, &error))
    return pm_cli_fail (_("The server revoked this device, but its store could not be deleted: %s"), error->message);
  return pm_cli_fail (_("The server revoked this device: its store in %s was deleted"), data_dir);
}

int
pm_cli_sync (const char  *data_dir,
             int          argc,
             char       **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PmStore) store = NULL;
  g_autoptr(PmSyncClient) client = NULL;
  GOptionEntry entries[] = { { NULL } };
  PmSyncStats stats = { 0 };
  gboolean ok;
  gint64 unsent;
  int rc;

  if ((rc = pm_cli_parse_command (context, _("Send the store's changes to the server, then fetch the server's."), entries, &argc, &argv)) != PM_CLI_OK)
    return rc;

  store = open_enrolled_store (data_dir, &error);
  if (store == NULL)
    return pm_cli_fail ("%s", error->message);
  client = client_for_store (store, &error);
  if (client == NULL)
    return pm_cli_fail ("%s", error->message);

  ok = pm_sync_client_sync (client, store, &stats, &error);
  if (g_error_matches (error, PM_SYNC_CLIENT_ERROR, PM_SYNC_CLIENT_ERROR_DEVICE_REVOKED))
    return delete_revoked_store (&store, data_dir);
  warn_clock_skew (client);
  /* Also after a failure: what went through is settled and stays so. */
  printf (_("Pushed %u (%u applied, %u duplicate, %u conflicts, %u rejected), pulled %u changes.\n"),
          stats.pushed, stats.applied, stats.duplicate, stats.conflicts, stats.rejected, stats.pulled);
  if (stats.slots_removed > 0)
    printf (g_dngettext (GETTEXT_PACKAGE, "Removed the key slot of %u staff member whom the server removed.\n",
                         "Removed the key slots of %u staff members whom the server removed.\n", stats.slots_removed),
            stats.slots_removed);
  if (stats.restarted)
    printf (_("The server no longer knew this store's pull position (restored from an older backup?): "
              "sent the unsent changes first, then fetched everything again.\n"));
  if (!ok)
    return pm_cli_fail ("%s", error->message);
  if (stats.conflicts + stats.rejected > 0)
    printf (_("Run “pepamo-cli status” to see the conflicts and rejections.\n"));

  unsent = pm_store_outbox_count (store, &error);
  if (unsent < 0)
    return pm_cli_fail ("%s", error->message);
  if (unsent > 0)
    return pm_cli_fail (g_dngettext (GETTEXT_PACKAGE, "%d change is still unsent", "%d changes are still unsent", unsent),
                        (int) unsent);
  return PM_CLI_OK;
}

static const char *
string_in (JsonObject *issue,
           const char *object,
           const char *name)
{
  JsonNode *node = json_object_get_member (issue, object);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return "";
  return json_object_get_string_member_with_default (json_node_get_object (node), name, "");
}

int
pm_cli_status (const char  *data_dir,
               int          argc,
               char       **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PmStore) store = NULL;
  g_autoptr(JsonArray) issues = NULL;
  g_autofree char *server = NULL;
  g_autofree char *role = NULL;
  /* A literal and G_GINT64_FORMAT would split the msgid for xgettext. */
  g_autofree char *cursor = NULL;
  GOptionEntry entries[] = { { NULL } };
  gint64 unsent;
  int rc;

  if ((rc = pm_cli_parse_command (context, _("Show what is not yet at the server and every sync issue."), entries, &argc, &argv)) != PM_CLI_OK)
    return rc;

  store = open_enrolled_store (data_dir, &error);
  if (store == NULL)
    return pm_cli_fail ("%s", error->message);
  server = dup_required_meta (store, META_SERVER_URL, &error);
  if (server == NULL)
    return pm_cli_fail ("%s", error->message);
  role = dup_required_meta (store, META_ROLE, &error);
  if (role == NULL)
    return pm_cli_fail ("%s", error->message);
  unsent = pm_store_outbox_count (store, &error);
  if (unsent < 0)
    return pm_cli_fail ("%s", error->message);
  issues = pm_store_list_sync_issues (store, &error);
  if (issues == NULL)
    return pm_cli_fail ("%s", error->message);

  cursor = g_strdup_printf ("%" G_GINT64_FORMAT, pm_store_get_pull_cursor (store));
  printf (_("Server: %s\n"), server);
  printf (_("Role: %s\n"), role);
  printf (_("Unsent changes: %d\n"), (int) unsent);
  printf (_("Pull cursor: %s\n"), cursor);
  printf (_("Sync issues: %u\n"), json_array_get_length (issues));
  for (guint i = 0; i < json_array_get_length (issues); i++)
    {
      JsonNode *node = json_array_get_element (issues, i);
      JsonObject *issue = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;

      if (issue == NULL)
        continue;
      /* The entry says what was sent, the server's result why it did not stand:
       * a rejection carries a message, a conflict the server's record. */
      printf ("  %s  %s  %s %s  %s",
              json_object_get_string_member_with_default (issue, "at", ""),
              json_object_get_string_member_with_default (issue, "outcome", ""),
              string_in (issue, "entry", "kind"), string_in (issue, "entry", "record_id"),
              string_in (issue, "result", "message"));
      /* Another device's push, sent to this office by the server */
      if (*string_in (issue, "result", "reported_by"))
        printf (_("  (pushed by a %s device)"), string_in (issue, "result", "reported_by"));
      printf ("\n");
    }
  return PM_CLI_OK;
}
