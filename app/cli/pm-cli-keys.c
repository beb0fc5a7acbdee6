/* pm-cli-keys.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * pepamo-cli's key subcommands. Secrets never come from argv: the current
 * passphrase from PEPAMO_PASSPHRASE, a new one from PEPAMO_NEW_PASSPHRASE,
 * the recovery key from PEPAMO_RECOVERY_KEY, otherwise from a prompt
 * without echo when stdin is a terminal.
 */

#define G_LOG_DOMAIN "pm-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "pm-cli-common.h"
#include "pm-cli-keys.h"

#include "pm-crypt.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>


typedef struct
{
  const char *db_path;
  char       *staff;
  char       *name;
  char       *department;
  char       *as_staff;
  char       *key_file;
  gboolean    recovery;
  gboolean    new_recovery_key;
} PmCliKeys;

static PmCryptKeys *
unlock (const PmCliKeys  *cli,
        GError          **error)
{
  g_autoptr(PmCliSecret) secret = NULL;

  if (cli->key_file != NULL)
    return pm_crypt_unlock_key_file (cli->db_path, cli->key_file, error);
  if (cli->recovery)
    {
      secret = pm_cli_read_secret ("PEPAMO_RECOVERY_KEY", _("Recovery key: "), error);
      return secret != NULL ? pm_crypt_unlock_recovery (cli->db_path, secret, error) : NULL;
    }
  secret = pm_cli_read_secret ("PEPAMO_PASSPHRASE", _("Passphrase: "), error);
  return secret != NULL ? pm_crypt_unlock (cli->db_path, cli->as_staff, secret, error) : NULL;
}

static void
add_unlock_options (GOptionContext *context,
                    PmCliKeys      *cli)
{
  GOptionEntry entries[] = {
    { "as", 0, 0, G_OPTION_ARG_STRING, &cli->as_staff,
      N_("Unlock with this staff member's slot (default: whichever matches PEPAMO_PASSPHRASE)"), N_("ID") },
    { "recovery", 0, 0, G_OPTION_ARG_NONE, &cli->recovery,
      N_("Unlock with the IT recovery key (PEPAMO_RECOVERY_KEY)"), NULL },
    { "key-file", 0, 0, G_OPTION_ARG_FILENAME, &cli->key_file,
      N_("Unlock with a raw 32-byte key file"), N_("FILE") },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
}

static void
add_staff_options (GOptionContext *context,
                   PmCliKeys      *cli,
                   gboolean        with_names)
{
  GOptionEntry entries[] = {
    { "staff", 0, 0, G_OPTION_ARG_STRING, &cli->staff, N_("Staff id of the key slot"), N_("ID") },
    { "name", 0, 0, G_OPTION_ARG_STRING, &cli->name, N_("Display name shown on the unlock page"), N_("NAME") },
    { "department", 0, 0, G_OPTION_ARG_STRING, &cli->department, N_("Department"), N_("DEPT") },
    { NULL }
  };

  if (!with_names)
    entries[1] = entries[3];
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
}

static int
run_verify (PmCliKeys *cli)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PmCryptKeys) keys = unlock (cli, &error);
  guint32 bad_page = 0;

  if (keys == NULL)
    return pm_cli_fail ("%s", error->message);
  if (!pm_crypt_verify (cli->db_path, keys, &bad_page, &error))
    {
      if (bad_page != 0)
        g_print (_("First bad page: %u\n"), bad_page);
      return pm_cli_fail ("%s", error->message);
    }
  g_print (_("%s: every page authenticates\n"), cli->db_path);
  return PM_CLI_OK;
}

static int
run_passwd (PmCliKeys *cli)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PmCliSecret) old = NULL;
  g_autoptr(PmCliSecret) fresh = NULL;

  old = pm_cli_read_secret ("PEPAMO_PASSPHRASE", _("Current passphrase: "), &error);
  if (old != NULL)
    fresh = pm_cli_read_new_secret ("PEPAMO_NEW_PASSPHRASE", _("New passphrase: "), &error);
  if (fresh == NULL || !pm_crypt_change_passphrase (cli->db_path, cli->staff, old, fresh, NULL, &error))
    return pm_cli_fail ("%s", error->message);
  g_print (_("Passphrase of %s changed\n"), cli->staff);
  return PM_CLI_OK;
}

static int
run_key_add (PmCliKeys *cli)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PmCryptKeys) keys = unlock (cli, &error);
  g_autoptr(PmCliSecret) fresh = NULL;

  if (keys != NULL)
    fresh = pm_cli_read_new_secret ("PEPAMO_NEW_PASSPHRASE", _("Passphrase of the new slot: "), &error);
  if (fresh == NULL
      || !pm_crypt_add_slot (cli->db_path, keys, cli->staff, cli->name, cli->department, fresh, NULL, &error))
    return pm_cli_fail ("%s", error->message);
  g_print (_("Key slot for %s added\n"), cli->staff);
  return PM_CLI_OK;
}

static int
run_key_remove (PmCliKeys *cli)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PmCryptKeys) keys = unlock (cli, &error);

  if (keys == NULL || !pm_crypt_remove_slot (cli->db_path, keys, cli->staff, &error))
    return pm_cli_fail ("%s", error->message);
  g_print (_("Key slot for %s removed\n"), cli->staff);
  return PM_CLI_OK;
}

static const char *
kind_label (PmCryptSlotKind kind)
{
  return kind == PM_CRYPT_SLOT_PASSPHRASE ? "passphrase" : kind == PM_CRYPT_SLOT_RECOVERY ? "recovery" : "key-file";
}

static int
run_key_list (PmCliKeys *cli)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) slots = pm_crypt_list_slots (cli->db_path, &error);

  if (slots == NULL)
    return pm_cli_fail ("%s", error->message);
  g_print ("%-10s  %-36s  %-28s  %s\n", _("KIND"), _("ID"), _("NAME"), _("DEPARTMENT"));
  for (guint i = 0; i < slots->len; i++)
    {
      const PmCryptSlotInfo *info = g_ptr_array_index (slots, i);

      g_print ("%-10s  %-36s  %-28s  %s\n", kind_label (info->kind), info->staff_id,
               info->display_name, info->department);
    }
  return PM_CLI_OK;
}

static int
run_rekey (PmCliKeys *cli)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PmCryptKeys) keys = unlock (cli, &error);

  if (keys == NULL || !pm_crypt_rekey (cli->db_path, keys, &error))
    return pm_cli_fail ("%s", error->message);
  g_print (_("%s now uses a new data key\n"), cli->db_path);
  return PM_CLI_OK;
}

/* With the IT recovery key: give a staff member a new passphrase, or
 * replace the recovery key itself. */
static int
run_recover_key (PmCliKeys *cli)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PmCryptKeys) keys = NULL;
  g_autoptr(PmCryptSecret) recovery = NULL;
  g_autoptr(PmCliSecret) fresh = NULL;
  g_autoptr(GPtrArray) slots = NULL;
  g_autofree char *name = g_strdup (cli->name != NULL ? cli->name : "");
  g_autofree char *department = g_strdup (cli->department != NULL ? cli->department : "");

  cli->recovery = TRUE;
  keys = unlock (cli, &error);
  if (keys == NULL)
    return pm_cli_fail ("%s", error->message);

  if (cli->new_recovery_key)
    {
      recovery = pm_crypt_set_recovery_key (cli->db_path, keys, &error);
      if (recovery == NULL)
        return pm_cli_fail ("%s", error->message);
      g_print (_("New recovery key (shown only this once; keep it safe, offline):\n%s\n"), recovery);
      return PM_CLI_OK;
    }

  slots = pm_crypt_list_slots (cli->db_path, &error);
  if (slots == NULL)
    return pm_cli_fail ("%s", error->message);
  for (guint i = 0; i < slots->len; i++)
    {
      const PmCryptSlotInfo *info = g_ptr_array_index (slots, i);

      if (info->kind == PM_CRYPT_SLOT_PASSPHRASE && g_strcmp0 (info->staff_id, cli->staff) == 0)
        {
          if (cli->name == NULL)
            {
              g_free (name);
              name = g_strdup (info->display_name);
            }
          if (cli->department == NULL)
            {
              g_free (department);
              department = g_strdup (info->department);
            }
        }
    }

  fresh = pm_cli_read_new_secret ("PEPAMO_NEW_PASSPHRASE", _("New passphrase: "), &error);
  if (fresh == NULL)
    return pm_cli_fail ("%s", error->message);
  if (!pm_crypt_remove_slot (cli->db_path, keys, cli->staff, &error)
      && !g_error_matches (error, PM_CRYPT_ERROR, PM_CRYPT_ERROR_NO_SUCH_SLOT))
    return pm_cli_fail ("%s", error->message);
  g_clear_error (&error);
  if (!pm_crypt_add_slot (cli->db_path, keys, cli->staff, name, department, fresh, NULL, &error))
    return pm_cli_fail ("%s", error->message);
  g_print (_("New passphrase set for %s\n"), cli->staff);
  return PM_CLI_OK;
}

typedef struct
{
  const char *name;
  const char *summary;
  gboolean    unlocks;
  gboolean    needs_staff;
  gboolean    with_names;
  int       (*run) (PmCliKeys *cli);
} PmCliKeysCommand;

static const PmCliKeysCommand commands[] = {
  { "verify", N_("Check the authentication tag of every page (database and WAL)."), TRUE, FALSE, FALSE, run_verify },
  { "passwd", N_("Change the passphrase of one key slot (PEPAMO_PASSPHRASE, PEPAMO_NEW_PASSPHRASE)."),
    FALSE, TRUE, FALSE, run_passwd },
  { "key add", N_("Add a key slot for a staff member (its passphrase from PEPAMO_NEW_PASSPHRASE)."),
    TRUE, TRUE, TRUE, run_key_add },
  { "key remove", N_("Remove a staff member's key slot."), TRUE, TRUE, FALSE, run_key_remove },
  { "key list", N_("List the key slots; needs no key."), FALSE, FALSE, FALSE, run_key_list },
  { "rekey", N_("Re-encrypt the store with a new data key (nobody else may have it open)."),
    TRUE, FALSE, FALSE, run_rekey },
  { "recover-key", N_("With the IT recovery key (PEPAMO_RECOVERY_KEY): set a new passphrase for --staff, "
    "or --new-recovery-key."), FALSE, FALSE, TRUE, run_recover_key },
};

static const PmCliKeysCommand *
find_command (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (commands[i].name, name))
      return &commands[i];
  return NULL;
}

static int
run_command (const PmCliKeysCommand  *command,
             const char              *db_path,
             int                      argc,
             char                   **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char **args = g_new0 (char *, argc + 1);
  PmCliKeys cli = { .db_path = db_path };
  GOptionEntry recover_entries[] = {
    { "new-recovery-key", 0, 0, G_OPTION_ARG_NONE, &cli.new_recovery_key,
      N_("Replace the recovery key and print the new one"), NULL },
    { NULL }
  };
  int n = argc;
  int rc;

  /* GOptionContext rearranges the vector it parses; keep the caller's. */
  memcpy (args, argv, argc * sizeof (char *));
  g_option_context_set_summary (context, _(command->summary));
  if (command->unlocks)
    add_unlock_options (context, &cli);
  if (command->needs_staff || command->with_names)
    add_staff_options (context, &cli, command->with_names);
  if (command->run == run_recover_key)
    g_option_context_add_main_entries (context, recover_entries, GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, &n, &args, &error))
    rc = pm_cli_fail_usage (error->message);
  else if (n > 1)
    rc = pm_cli_fail_usage (_("Unexpected argument"));
  else if (db_path == NULL)
    rc = pm_cli_fail_usage (_("No store given"));
  else if ((command->needs_staff || (command->run == run_recover_key && !cli.new_recovery_key)) && cli.staff == NULL)
    rc = pm_cli_fail_usage (_("--staff is required"));
  else if (command->run == run_key_add && cli.name == NULL)
    rc = pm_cli_fail_usage (_("--name is required"));
  else if (cli.recovery && cli.key_file != NULL)
    rc = pm_cli_fail_usage (_("Use either --recovery or --key-file"));
  else
    rc = command->run (&cli);

  g_free (cli.staff);
  g_free (cli.name);
  g_free (cli.department);
  g_free (cli.as_staff);
  g_free (cli.key_file);
  return rc;
}

int
pm_cli_keys_run (const char  *db_path,
                 const char  *command,
                 int          argc,
                 char       **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  const PmCliKeysCommand *found;
  int shift = 0;

  g_return_val_if_fail (command != NULL && argc >= 1, PM_CLI_USAGE);

  if (g_str_equal (command, "key"))
    {
      if (argc >= 2 && (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h")))
        {
          g_print (_("Usage: pepamo-cli key add|remove|list [OPTIONS]\n\n"));
          for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
            if (g_str_has_prefix (commands[i].name, "key "))
              g_print ("  %-12s %s\n", commands[i].name + 4, _(commands[i].summary));
          g_print (_("\nRun “pepamo-cli key SUBCOMMAND --help” for its options.\n"));
          return PM_CLI_OK;
        }
      if (argc < 2 || argv[1][0] == '-')
        return pm_cli_fail_usage (_("key needs a subcommand: add, remove or list"));
      name = g_strdup_printf ("key %s", argv[1]);
      shift = 1;
    }
  else
    name = g_strdup (command);

  found = find_command (name);
  if (found == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("unknown command “%s”"), name);

      return pm_cli_fail_usage (message);
    }
  if (!pm_crypt_init (&error))
    return pm_cli_fail ("%s", error->message);
  return run_command (found, db_path, argc - shift, argv + shift);
}
