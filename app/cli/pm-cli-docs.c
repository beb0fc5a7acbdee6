/* pm-cli-docs.c: the van's documents from the command line
 *
 * The same PDFs as the app draws (core/docs), for reprints and for the end
 * of the day when the laptop sits on a docking station.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "pm-cli-common.h"
#include "pm-cli-docs.h"
#include "pm-cli-store.h"
#include "pm-model.h"
#include "pm-pdf-records.h"
#include "pm-pdf.h"

int
pm_cli_cash_closure (const char  *data_dir,
                     int          argc,
                     char       **argv)
{
  g_autofree char *date = NULL;
  g_autofree char *output = NULL;
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PmStore) store = NULL;
  g_autoptr(GPtrArray) cases = NULL;
  g_autoptr(GPtrArray) vans = NULL;
  g_autoptr(GPtrArray) of_day = g_ptr_array_new ();
  GOptionEntry entries[] = {
    { "date", 0, 0, G_OPTION_ARG_STRING, &date, N_("The day (default: today)"), N_("YYYY-MM-DD") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("The PDF to write"), N_("FILE") },
    { NULL }
  };
  int rc;

  if ((rc = pm_cli_parse_command (context, _("Write the van's cash closure of a day as PDF."),
                                  entries, &argc, &argv)) != PM_CLI_OK)
    return rc;
  if (output == NULL)
    return pm_cli_fail_usage (_("--output is required"));
  if ((rc = pm_cli_default_date (&date)) != PM_CLI_OK)
    return rc;

  store = pm_cli_open_store (data_dir, &error);
  if (store == NULL)
    return pm_cli_fail ("%s", error->message);
  cases = pm_store_list (store, PM_TYPE_CASE, &error);
  vans = cases ? pm_store_list (store, PM_TYPE_VAN, &error) : NULL;
  if (vans == NULL)
    return pm_cli_fail ("%s", error->message);
  for (guint i = 0; i < cases->len; i++)
    if (g_strcmp0 (pm_record_get_string (g_ptr_array_index (cases, i), "captured_on"), date) == 0)
      g_ptr_array_add (of_day, g_ptr_array_index (cases, i));
  if (!pm_pdf_write_cash_closure (output, vans->len == 1 ? pm_record_get_string (g_ptr_array_index (vans, 0), "name") : "",
                                  date, of_day, &error))
    return pm_cli_fail ("%s", error->message);
  printf (_("Cash closure of %s written to %s (%u cases).\n"), date, output, of_day->len);
  return PM_CLI_OK;
}

typedef gboolean (*WriteFunc) (PmStore     *store,
                               GType        type,
                               const char  *id,
                               const char  *path,
                               GError     **error);

/* The record opens as in the app, audited. */
static gboolean
write_record_document (PmStore     *store,
                       GType        type,
                       const char  *id,
                       const char  *path,
                       GError     **error)
{
  g_autoptr(PmRecord) record = pm_store_get (store, type, id, error);

  return record != NULL && pm_pdf_write_for_record (store, record, path, error);
}

static gboolean
write_handover_sheet (PmStore     *store,
                      GType        type,
                      const char  *id,
                      const char  *path,
                      GError     **error)
{
  return pm_pdf_write_handover_sheet (store, id, path, error);
}

/* One record's document, named by its id. */
static int
write_document (const char  *data_dir,
                int          argc,
                char       **argv,
                const char  *summary,
                GType        type,
                WriteFunc    write)
{
  g_autofree char *output = NULL;
  g_autoptr(GOptionContext) context = g_option_context_new (_("ID"));
  g_autoptr(GError) error = NULL;
  g_autoptr(PmStore) store = NULL;
  GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("The PDF to write"), N_("FILE") },
    { NULL }
  };
  g_autofree char *id = NULL;

  g_option_context_set_summary (context, summary);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return pm_cli_fail_usage (error->message);
  if (argc != 2 || !g_uuid_string_is_valid (argv[1]))
    return pm_cli_fail_usage (_("give the record's id"));
  if (output == NULL)
    return pm_cli_fail_usage (_("--output is required"));
  id = g_strdup (argv[1]);

  store = pm_cli_open_store (data_dir, &error);
  if (store == NULL)
    return pm_cli_fail ("%s", error->message);
  if (!write (store, type, id, output, &error))
    return pm_cli_fail ("%s", error->message);
  return PM_CLI_OK;
}

int
pm_cli_receipt (const char  *data_dir,
                int          argc,
                char       **argv)
{
  return write_document (data_dir, argc, argv, _("Write the citizen's receipt for a case as PDF."),
                         PM_TYPE_CASE, write_record_document);
}

int
pm_cli_care_plan (const char  *data_dir,
                  int          argc,
                  char       **argv)
{
  return write_document (data_dir, argc, argv, _("Write the care plan (Versorgungsplan) of a counselling record as PDF."),
                         PM_TYPE_COUNSELLING_RECORD, write_record_document);
}

int
pm_cli_handover_sheet (const char  *data_dir,
                       int          argc,
                       char       **argv)
{
  return write_document (data_dir, argc, argv,
                         _("Write a case's pre-registration sheet for the registration system as PDF."),
                         PM_TYPE_CASE, write_handover_sheet);
}
