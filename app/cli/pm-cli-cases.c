/* pm-cli-cases.c: the registration office's commands: hand-over and deletion
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "pm-cli-cases.h"
#include "pm-cli-common.h"
#include "pm-cli-store.h"
#include "pm-handover.h"

int
pm_cli_handover (const char  *data_dir,
                 int          argc,
                 char       **argv)
{
  g_autofree char *date = NULL;
  g_autofree char *output = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PmStore) store = NULL;
  g_autoptr(JsonNode) root = NULL;
  GOptionEntry entries[] = {
    { "date", 0, 0, G_OPTION_ARG_STRING, &date, N_("The day the cases were captured (default: today)"), N_("YYYY-MM-DD") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("Write to FILE instead of standard output"), N_("FILE") },
    { NULL }
  };
  int rc;

  if ((rc = pm_cli_parse_command (context, _("Print the cases captured on a day as one hand-over document for the\n"
                                           "registration system (schema: core/data/handover.schema.json)."),
                                  entries, &argc, &argv)) != PM_CLI_OK)
    return rc;
  if ((rc = pm_cli_default_date (&date)) != PM_CLI_OK)
    return rc;

  store = pm_cli_open_store (data_dir, &error);
  if (store == NULL)
    return pm_cli_fail ("%s", error->message);
  root = pm_handover_day_json (store, date, &error);
  if (root == NULL)
    return pm_cli_fail ("%s", error->message);
  text = json_to_string (root, TRUE);
  return pm_cli_write_text (output, text);
}

int
pm_cli_purge (const char  *data_dir,
              int          argc,
              char       **argv)
{
  int days = -1;
  gboolean dry_run = FALSE;
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PmStore) store = NULL;
  g_autoptr(GPtrArray) cases = NULL;
  GOptionEntry entries[] = {
    { "dry-run", 0, 0, G_OPTION_ARG_NONE, &dry_run, N_("Only list the cases that would be deleted"), NULL },
    { "days", 0, 0, G_OPTION_ARG_INT, &days, N_("The deletion period in days (default: the city profile's)"), N_("N") },
    { NULL }
  };
  int rc;

  if ((rc = pm_cli_parse_command (context, _("Delete the details of cases that are over (handed over, closed or\n"
                                           "rejected) since the deletion period and have reached the server."),
                                  entries, &argc, &argv)) != PM_CLI_OK)
    return rc;
  if (days == -1)
    days = pm_store_default_case_days ();

  store = pm_cli_open_store (data_dir, &error);
  if (store == NULL)
    return pm_cli_fail ("%s", error->message);
  cases = pm_store_purge_cases (store, days, dry_run, &error);
  if (cases == NULL)
    return pm_cli_fail ("%s", error->message);
  for (guint i = 0; i < cases->len; i++)
    {
      PmRecord *kase = g_ptr_array_index (cases, i);

      printf ("%s\t%s\t%s\t%s\n", pm_record_get_id (kase), pm_record_get_string (kase, "service"),
              pm_record_get_string (kase, "status"), pm_record_get_updated_at (kase));
    }
  if (dry_run)
    printf (g_dngettext (GETTEXT_PACKAGE, "%u case would be deleted (deletion period %d days).\n",
                         "%u cases would be deleted (deletion period %d days).\n", cases->len),
            cases->len, days);
  else
    printf (g_dngettext (GETTEXT_PACKAGE, "%u case deleted (deletion period %d days).\n",
                         "%u cases deleted (deletion period %d days).\n", cases->len),
            cases->len, days);
  return PM_CLI_OK;
}
