/* pm-cli-fees.c: the service catalogue from the command line
 *
 * "What does it cost?" on the phone, computed by the same catalogue code as
 * the van's case capture. Needs no store.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "pm-catalogue.h"
#include "pm-cli-common.h"
#include "pm-cli-fees.h"

static gboolean
parse_date (const char *text,
            GDate      *date)
{
  g_date_clear (date, 1);
  if (text == NULL || !pm_cli_date_is_iso (text))
    return FALSE;
  g_date_set_parse (date, text);
  return g_date_valid (date);
}

int
pm_cli_fee (const char  *data_dir,
            int          argc,
            char       **argv)
{
  g_autofree char *service = NULL;
  g_autofree char *birth = NULL;
  g_autofree char *day = NULL;
  g_auto(GStrv) options = NULL;
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  GOptionEntry entries[] = {
    { "service", 0, 0, G_OPTION_ARG_STRING, &service, N_("Service code (see “pepamo-cli services”)"), N_("CODE") },
    { "birth-date", 0, 0, G_OPTION_ARG_STRING, &birth, N_("Date of birth; fees by age are computed from it"), N_("YYYY-MM-DD") },
    { "date", 0, 0, G_OPTION_ARG_STRING, &day, N_("Day of the application (default: today)"), N_("YYYY-MM-DD") },
    { "option", 0, 0, G_OPTION_ARG_STRING_ARRAY, &options, N_("An option of the service, e.g. express (repeatable)"), N_("NAME") },
    { NULL }
  };
  GDate birth_date, on;
  gint64 cents;
  int rc;

  if ((rc = pm_cli_parse_command (context, _("Print the fee of a service in euros, e.g. 46.00."),
                                  entries, &argc, &argv)) != PM_CLI_OK)
    return rc;
  if (service == NULL)
    return pm_cli_fail_usage (_("--service is required"));
  if ((rc = pm_cli_default_date (&day)) != PM_CLI_OK)
    return rc;
  parse_date (day, &on);
  if (birth && !parse_date (birth, &birth_date))
    return pm_cli_fail_usage (_("--birth-date must be YYYY-MM-DD"));

  if (!pm_catalogue_compute_fee (pm_catalogue_get_default (), service, birth ? &birth_date : NULL, &on,
                                 (const char * const *) options, &cents, &error))
    return pm_cli_fail ("%s", error->message);
  /* Machine-readable: a decimal point whatever the locale. */
  printf ("%" G_GINT64_FORMAT ".%02d\n", cents / 100, (int) (cents % 100));
  return PM_CLI_OK;
}

int
pm_cli_services (const char  *data_dir,
                 int          argc,
                 char       **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  GOptionEntry entries[] = { { NULL } };
  GPtrArray *services = pm_catalogue_get_services (pm_catalogue_get_default ());
  int rc;

  if ((rc = pm_cli_parse_command (context, _("List the service codes, names and options."),
                                  entries, &argc, &argv)) != PM_CLI_OK)
    return rc;
  for (guint i = 0; i < services->len; i++)
    {
      const PmService *service = g_ptr_array_index (services, i);
      g_autoptr(GString) opts = g_string_new (NULL);
      g_autofree char *name = pm_cli_pad (service->name, 44);

      for (guint o = 0; o < service->options->len; o++)
        g_string_append_printf (opts, "%s%s", o ? ", " : "",
                                g_array_index (service->options, PmServiceOption, o).id);
      printf ("%-8s %s %s\n", service->code, name, opts->str);
    }
  return PM_CLI_OK;
}
