/* main.c: pepamo-cli, PePaMo without a window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pepamo-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <stdio.h>

#include "pm-cli-cases.h"
#include "pm-cli-common.h"
#include "pm-cli-dispatch.h"
#include "pm-cli-docs.h"
#include "pm-cli-fees.h"
#include "pm-cli-import.h"
#include "pm-cli-keys.h"
#include "pm-cli-plan.h"
#include "pm-cli-store.h"
#include "pm-cli-sync.h"
#include "pm-crypt.h"

typedef int (*CommandFunc) (const char *data_dir,
                            int         argc,
                            char      **argv);

typedef struct
{
  const char  *name;
  CommandFunc  run;
  const char  *summary;
} Command;

static int
run_plan (const char  *data_dir,
          int          argc,
          char       **argv)
{
  return pm_cli_plan_run (data_dir, argc, argv);
}

static int
run_keys (const char  *data_dir,
          int          argc,
          char       **argv)
{
  g_autofree char *path = pm_cli_store_path (data_dir);

  return pm_cli_keys_run (path, argv[0], argc, argv);
}

static const Command commands[] = {
  { "init", pm_cli_init, N_("Create a new store") },
  { "demo", pm_cli_demo, N_("Fill the store with the demo week") },
  { "visits", pm_cli_visits, N_("List the visits of a day") },
  { "export", pm_cli_export, N_("Print every record of the store") },
  { "import", pm_cli_import, N_("Save the records of a JSON document to the store") },
  { "fee", pm_cli_fee, N_("Print the fee of a service") },
  { "receipt", pm_cli_receipt, N_("Write a case's receipt as PDF") },
  { "care-plan", pm_cli_care_plan, N_("Write a counselling record's care plan as PDF") },
  { "cash-closure", pm_cli_cash_closure, N_("Write the cash closure of a day as PDF") },
  { "handover", pm_cli_handover, N_("Print a day's cases for the registration system as JSON") },
  { "handover-sheet", pm_cli_handover_sheet, N_("Write a case's pre-registration sheet as PDF") },
  { "purge", pm_cli_purge, N_("Delete cases past their deletion period") },
  { "letter", pm_cli_letter, N_("Write a visit's appointment letter as PDF") },
  { "day-sheet", pm_cli_day_sheet, N_("Write the van's day sheet as PDF") },
  { "services", pm_cli_services, N_("List the services, their codes and options") },
  { "plan", run_plan, N_("Plan the week's routes (or a benchmark instance)") },
  { "verify", run_keys, N_("Check every page of the store for tampering") },
  { "passwd", run_keys, N_("Change a staff member's passphrase") },
  { "key", run_keys, N_("Add, remove or list key slots") },
  { "rekey", run_keys, N_("Encrypt the store with a new data key") },
  { "recover-key", run_keys, N_("Unlock with the IT recovery key and set a new passphrase") },
  { "enrol", pm_cli_enrol, N_("Enrol the store with a server") },
  { "sync", pm_cli_sync, N_("Send changes to the server and fetch its changes") },
  { "status", pm_cli_status, N_("Show unsent changes and sync issues") },
};

static void
print_help (void)
{
  printf (_("Usage: pepamo-cli [--data-dir DIR] COMMAND [OPTIONS]\n\n"));
  printf (_("PePaMo without a window: administration, scripts and tests.\n\n"));
  printf (_("Options:\n"));
  printf (_("  --data-dir DIR   Where the store lives (default: %s)\n"), "$XDG_DATA_HOME/pepamo");
  printf (_("  --version        Print the version\n"));
  printf (_("  -h, --help       Show this help\n\n"));
  printf (_("Commands:\n"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    printf ("  %-15s %s\n", commands[i].name, _(commands[i].summary));
  printf (_("\nRun “pepamo-cli COMMAND --help” for a command's options.\n"
            "Passphrases come from PEPAMO_PASSPHRASE or a prompt on a terminal.\n"
            "Exit status: 0 ok, 1 failed, 2 usage.\n"));
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *data_dir = NULL;
  int i;

  setlocale (LC_ALL, "");
  /* PEPAMO_LOCALEDIR lets an uninstalled build (tests, the README demo) find its catalogue. */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("PEPAMO_LOCALEDIR") ? g_getenv ("PEPAMO_LOCALEDIR") : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_prgname ("pepamo-cli");

  /* Global options stand before the command; the rest belongs to it. */
  for (i = 1; i < argc && argv[i][0] == '-'; i++)
    {
      if (g_str_equal (argv[i], "--data-dir") && i + 1 < argc)
        {
          g_free (data_dir);
          data_dir = g_strdup (argv[++i]);
        }
      else if (g_str_has_prefix (argv[i], "--data-dir="))
        {
          g_free (data_dir);
          data_dir = g_strdup (argv[i] + strlen ("--data-dir="));
        }
      else if (g_str_equal (argv[i], "--version"))
        {
          printf ("pepamo-cli %s\n", PACKAGE_VERSION);
          return PM_CLI_OK;
        }
      else if (g_str_equal (argv[i], "--help") || g_str_equal (argv[i], "-h"))
        {
          print_help ();
          return PM_CLI_OK;
        }
      else
        {
          g_autofree char *message = g_strdup_printf (_("unknown option “%s”"), argv[i]);

          return pm_cli_fail_usage (message);
        }
    }

  /* Before any SQLite use: the encrypted store installs its allocator. */
  {
    g_autoptr(GError) error = NULL;

    if (!pm_crypt_init (&error))
      return pm_cli_fail ("%s", error->message);
  }

  if (i >= argc)
    return pm_cli_fail_usage (_("no command given"));
  if (data_dir == NULL)
    data_dir = g_build_filename (g_get_user_data_dir (), "pepamo", NULL);

  for (guint c = 0; c < G_N_ELEMENTS (commands); c++)
    if (g_str_equal (argv[i], commands[c].name))
      {
        g_autofree char *prgname = g_strdup_printf ("pepamo-cli %s", commands[c].name);

        g_set_prgname (prgname);
        return commands[c].run (data_dir, argc - i, argv + i);
      }

  {
    g_autofree char *message = g_strdup_printf (_("unknown command “%s”"), argv[i]);

    return pm_cli_fail_usage (message);
  }
}
