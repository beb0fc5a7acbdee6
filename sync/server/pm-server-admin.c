/* pm-server-admin.c: pepamo-server's admin subcommands
 *
 * `pepamo-server --data-dir D admin enrol|devices|revoke|export|backup`: run
 * on the server's own store, also while the server runs, and exit; the
 * running server sees the change at the device's next request, since it
 * looks every token up in the store. `admin restore` replaces the store and
 * so runs only while nothing else has it open (the data dir's lock).
 * Exit codes: 0 done, 1 failed, 2 wrong usage.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pepamo-server"

#include "config.h"

#include <stdio.h>
#include <unistd.h>

#include "pm-export.h"
#include "pm-server-admin.h"
#include "pm-server-store.h"
#include "pm-store-backup.h"
#include "pm-store-sync.h"

#define USAGE "usage: pepamo-server --data-dir DIR [--key-file FILE] admin " \
              "enrol --role ROLE --city CITY | devices | revoke DEVICE_ID | export | " \
              "backup FILE | restore [--force] FILE"

/* Who reads in `admin export`: the audit log names the server's admin. */
#define ADMIN_ACTOR "pepamo-server-admin"

static int
fail_usage (const char *message)
{
  fprintf (stderr, "pepamo-server: admin: %s\n%s\n", message, USAGE);
  return 2;
}

static int
fail (const char   *command,
      const GError *error)
{
  fprintf (stderr, "pepamo-server: admin %s: %s\n", command, error->message);
  return 1;
}

static gboolean
is_device_role (PmRole role)
{
  return role != PM_ROLE_INVALID && role != PM_ROLE_ADMIN;
}

/* The token is the last line of stdout, so that a script can take it with
 * `tail -n 1`; it is shown only here. */
static int
enrol (PmStore    *store,
       PmRole      role,
       const char *city)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *device_id = NULL;
  g_autofree char *token = pm_store_add_device (store, role, city, &device_id, &error);

  if (token == NULL)
    return fail ("enrol", error);
  printf ("Enrolled device %s (%s, %s). Its token, shown only this once:\n%s\n",
          device_id, pm_role_to_wire (role), city, token);
  return 0;
}

static int
list_devices (PmStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) devices = pm_store_list_devices (store, &error);

  if (devices == NULL)
    return fail ("devices", error);
  for (guint i = 0; i < json_array_get_length (devices); i++)
    {
      JsonObject *device = json_array_get_object_element (devices, i);

      printf ("%s\t%s\t%s\trevoked: %s\n",
              json_object_get_string_member (device, "device_id"),
              json_object_get_string_member (device, "role"),
              json_object_get_string_member (device, "city"),
              json_object_get_boolean_member (device, "revoked") ? "yes" : "no");
    }
  return 0;
}

static int
revoke_device (PmStore    *store,
               const char *device_id)
{
  g_autoptr(GError) error = NULL;

  if (!pm_store_revoke_device (store, device_id, &error))
    return fail ("revoke", error);
  printf ("Revoked device %s\n", device_id);
  return 0;
}

/* Every record the server holds, in the shape of `pepamo-cli export`; the
 * reads of counselling records and cases are audited like any export. */
static int
export_records (PmStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  pm_store_set_actor (store, ADMIN_ACTOR, PM_ROLE_ADMIN, NULL);
  root = pm_export_json (store, &error);
  if (root == NULL)
    return fail ("export", error);
  text = json_to_string (root, TRUE);
  printf ("%s\n", text);
  return 0;
}

/* The key file that opens the store; never made here (a new key would open
 * nothing). */
static char *
existing_key_path (const char  *data_dir,
                   const char  *key_path,
                   GError     **error)
{
  g_autofree char *path = key_path ? g_strdup (key_path) : pm_server_store_default_key_path (data_dir);

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "the key file %s does not exist (give the server's key with --key-file)", path);
      return NULL;
    }
  return g_steal_pointer (&path);
}

/* An encrypted copy of the store that opens with the server's key, taken
 * while the server may be writing. */
static int
backup_store (const char *data_dir,
              const char *key_path,
              const char *backup_path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *db_path = pm_server_store_path (data_dir);
  g_autofree char *key = NULL;
  g_autoptr(PmCryptKeys) keys = NULL;

  if (!g_file_test (db_path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (&error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "there is no store in %s", data_dir);
      return fail ("backup", error);
    }
  key = existing_key_path (data_dir, key_path, &error);
  if (key == NULL ||
      (keys = pm_crypt_unlock_key_file (db_path, key, &error)) == NULL ||
      !pm_store_backup (db_path, keys, backup_path, &error))
    return fail ("backup", error);
  printf ("Backed up %s to %s\n", db_path, backup_path);
  return 0;
}

/* The caller holds the data dir's lock alone: no server has the store open. */
static int
restore_store (const char *data_dir,
               const char *key_path,
               const char *backup_path,
               gboolean    force)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *db_path = pm_server_store_path (data_dir);
  g_autofree char *key = NULL;
  g_autoptr(PmCryptKeys) keys = NULL;

  if (!force && g_file_test (db_path, G_FILE_TEST_EXISTS))
    {
      g_set_error (&error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   "%s already holds a store; --force replaces it with the backup", data_dir);
      return fail ("restore", error);
    }
  key = existing_key_path (data_dir, key_path, &error);
  if (key == NULL)
    return fail ("restore", error);
  keys = pm_crypt_unlock_key_file (backup_path, key, &error);
  if (g_error_matches (error, PM_CRYPT_ERROR, PM_CRYPT_ERROR_WRONG_PASSPHRASE))
    {
      g_clear_error (&error);
      g_set_error (&error, PM_CRYPT_ERROR, PM_CRYPT_ERROR_WRONG_PASSPHRASE,
                   "the key file %s does not open this backup (it belongs to another server key)", key);
    }
  if (keys == NULL)
    {
      g_prefix_error (&error, "%s: ", backup_path);
      return fail ("restore", error);
    }
  if (!pm_store_restore_backup (backup_path, keys, db_path, &error))
    return fail ("restore", error);
  printf ("Restored %s from %s\n", db_path, backup_path);
  return 0;
}

/**
 * pm_server_admin_main:
 * @argv: the arguments from "admin" on
 * @data_dir: (nullable): the server's data dir
 * @key_path: (nullable): its key file; %NULL for the default beside the data dir
 *
 * Returns: the exit code
 */
int
pm_server_admin_main (int          argc,
                      char       **argv,
                      const char  *data_dir,
                      const char  *key_path)
{
  g_autofree char *role_wire = NULL;
  g_autofree char *city = NULL;
  gboolean force = FALSE;
  GOptionEntry entries[] = {
    { "role", 0, 0, G_OPTION_ARG_STRING, &role_wire, "enrol: the device's role (field, dispatch, einwohnerwesen, soziales, planning)", "ROLE" },
    { "city", 0, 0, G_OPTION_ARG_STRING, &city, "enrol: the device's city", "CITY" },
    { "force", 0, 0, G_OPTION_ARG_NONE, &force, "restore: replace an existing store", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("enrol|devices|revoke|export|backup|restore");
  g_autoptr(GError) error = NULL;
  g_autoptr(PmStore) store = NULL;
  const char *command;
  gboolean restore;
  PmRole role;
  int lock_fd;
  int rc;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return fail_usage (error->message);
  /* argv[0] is "admin". */
  if (argc < 2)
    return fail_usage ("which admin command?");
  command = argv[1];
  /* Wrong usage is found before the store is opened (or created). */
  role = pm_role_from_wire (role_wire);
  restore = g_str_equal (command, "restore");
  if (force && !restore)
    return fail_usage ("--force belongs to restore");
  if (g_str_equal (command, "enrol"))
    {
      if (argc != 2 || !is_device_role (role) || city == NULL || *city == '\0')
        return fail_usage ("enrol needs --role (field, dispatch, einwohnerwesen, soziales or planning) and --city");
    }
  else if (g_str_equal (command, "devices") || g_str_equal (command, "export"))
    {
      if (argc != 2 || role_wire || city)
        return fail_usage ("devices and export take no arguments");
    }
  else if (g_str_equal (command, "revoke"))
    {
      if (argc != 3 || role_wire || city)
        return fail_usage ("revoke takes one DEVICE_ID");
    }
  else if (g_str_equal (command, "backup") || restore)
    {
      if (argc != 3 || role_wire || city)
        return fail_usage ("backup and restore take one FILE");
    }
  else
    {
      g_autofree char *message = g_strdup_printf ("unknown admin command “%s”", command);

      return fail_usage (message);
    }
  if (data_dir == NULL)
    return fail_usage ("admin needs --data-dir (or data-dir in the config file)");

  lock_fd = pm_server_store_lock (data_dir, restore, &error);
  if (lock_fd < 0)
    return fail (command, error);
  if (restore)
    rc = restore_store (data_dir, key_path, argv[2], force);
  else if (g_str_equal (command, "backup"))
    rc = backup_store (data_dir, key_path, argv[2]);
  else if ((store = pm_server_store_open (data_dir, key_path, &error)) == NULL)
    rc = fail (command, error);
  else
    {
      if (g_str_equal (command, "enrol"))
        rc = enrol (store, role, city);
      else if (g_str_equal (command, "revoke"))
        rc = revoke_device (store, argv[2]);
      else if (g_str_equal (command, "export"))
        rc = export_records (store);
      else
        rc = list_devices (store);
      pm_store_close (store);
    }
  close (lock_fd);
  return rc;
}
