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

#include "pm-cash-day.h"
#include "pm-cli-common.h"
#include "pm-cli-docs.h"
#include "pm-cli-store.h"
#include "pm-model.h"
#include "pm-pdf-records.h"
#include "pm-pdf.h"
#include "pm-store-sync.h"

/* An office store receives the vans' closures by sync; a van's store (or
 * one not enrolled) closes its own day. */
static gboolean
is_office_store (PmStore *store)
{
  g_autofree char *role = pm_store_dup_meta (store, "sync.role", NULL);

  return role != NULL && !g_str_equal (role, "field");
}

int
pm_cli_cash_closure (const char  *data_dir,
                     int          argc,
                     char       **argv)
{
  g_autofree char *date = NULL;
  g_autofree char *output = NULL;
  g_autofree char *van_name = NULL;
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PmStore) store = NULL;
  g_autoptr(PmRecord) van = NULL;
  g_autoptr(PmCashClosure) closure = NULL;
  GOptionEntry entries[] = {
    { "date", 0, 0, G_OPTION_ARG_STRING, &date, N_("The day (default: today)"), N_("YYYY-MM-DD") },
    { "van", 0, 0, G_OPTION_ARG_STRING, &van_name, N_("The van: name, number plate or id (default: the store's only van)"), N_("VAN") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("The PDF to write"), N_("FILE") },
    { NULL }
  };
  int rc;

  if ((rc = pm_cli_parse_command (context, _("Close the van's day and write its cash closure as PDF; on an office store, write the closure a van sent."),
                                  entries, &argc, &argv)) != PM_CLI_OK)
    return rc;
  if (output == NULL)
    return pm_cli_fail_usage (_("--output is required"));
  if ((rc = pm_cli_default_date (&date)) != PM_CLI_OK)
    return rc;

  store = pm_cli_open_store (data_dir, &error);
  if (store == NULL)
    return pm_cli_fail ("%s", error->message);
  van = pm_cash_day_find_van (store, van_name, &error);
  if (van == NULL)
    return pm_cli_fail ("%s", error->message);
  if (is_office_store (store))
    {
      closure = pm_cash_day_lookup (store, van, date, &error);
      if (closure == NULL && error == NULL)
        return pm_cli_fail (_("No cash closure of %s for %s has arrived yet"), pm_record_get_string (van, "name"), date);
    }
  else
    closure = pm_cash_day_close (store, van, date, &error);
  if (closure == NULL || !pm_pdf_write_cash_closure (output, closure, &error))
    return pm_cli_fail ("%s", error->message);
  {
    g_autofree char *total = pm_format_money (pm_record_get_int (PM_RECORD (closure), "total_cents"));
    int paid = pm_record_get_int (PM_RECORD (closure), "paid_count");

    /* Translators: cash closure of VAN on DATE written to FILE: N paid cases, TOTAL */
    printf (ngettext ("Cash closure of %s on %s written to %s: %d paid case, %s.\n",
                      "Cash closure of %s on %s written to %s: %d paid cases, %s.\n", paid),
            pm_record_get_string (van, "name"), date, output, paid, total);
  }
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
