/* pm-cli-dispatch.c: the dispatch office's letters and exports from the command line
 *
 * The week as iCalendar for the office calendar, the appointment letter of
 * a visit and the van's day sheet: the same documents as the dispatch desk
 * makes, for scripts and for printing in bulk.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pepamo-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "pm-cli-common.h"
#include "pm-cli-dispatch.h"
#include "pm-cli-store.h"
#include "pm-ics.h"
#include "pm-model.h"
#include "pm-pdf-letters.h"

/* Every citizen the acting person may see, by id: the documents name the
 * persons of many visits, and one list is cheaper than a lookup each. */
static GHashTable *
citizens_by_id (PmStore  *store,
                GError  **error)
{
  g_autoptr(GPtrArray) citizens = pm_store_list (store, PM_TYPE_CITIZEN, error);
  GHashTable *by_id;

  if (citizens == NULL)
    return NULL;
  by_id = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_object_unref);
  for (guint i = 0; i < citizens->len; i++)
    {
      PmRecord *citizen = g_ptr_array_index (citizens, i);

      g_hash_table_insert (by_id, (gpointer) pm_record_get_id (citizen), g_object_ref (citizen));
    }
  return by_id;
}

static int
compare_by_time (gconstpointer a,
                 gconstpointer b)
{
  PmRecord *x = *(PmRecord **) a;
  PmRecord *y = *(PmRecord **) b;
  int by_day = g_strcmp0 (pm_record_get_string (x, "date"), pm_record_get_string (y, "date"));

  return by_day ? by_day : g_strcmp0 (pm_record_get_string (x, "planned_start"),
                                      pm_record_get_string (y, "planned_start"));
}

/**
 * pm_cli_export_ics:
 * @data_dir: the store's directory
 * @from: (nullable): the first day, YYYY-MM-DD
 * @to: (nullable): the last day, YYYY-MM-DD
 * @output: (nullable): the file to write (mode 0600), else standard output
 *
 * `export --format ics`: the visits of the days from @from to @to (both
 * inclusive, open where %NULL) as iCalendar.
 *
 * Returns: the exit status
 */
int
pm_cli_export_ics (const char *data_dir,
                   const char *from,
                   const char *to,
                   const char *output)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PmStore) store = NULL;
  g_autoptr(GPtrArray) visits = NULL;
  g_autoptr(GPtrArray) in_range = g_ptr_array_new ();
  g_autoptr(GHashTable) citizens = NULL;
  g_autofree char *text = NULL;

  if ((from && !pm_cli_date_is_iso (from)) || (to && !pm_cli_date_is_iso (to)))
    return pm_cli_fail_usage (_("--from and --to must be YYYY-MM-DD"));
  if (from && to && strcmp (from, to) > 0)
    return pm_cli_fail_usage (_("--from is after --to"));

  store = pm_cli_open_store (data_dir, &error);
  visits = store ? pm_store_list (store, PM_TYPE_VISIT, &error) : NULL;
  citizens = visits ? citizens_by_id (store, &error) : NULL;
  if (citizens == NULL)
    return pm_cli_fail ("%s", error->message);
  for (guint i = 0; i < visits->len; i++)
    {
      PmRecord *visit = g_ptr_array_index (visits, i);
      const char *date = pm_record_get_string (visit, "date");

      if (date && (from == NULL || strcmp (date, from) >= 0) && (to == NULL || strcmp (date, to) <= 0))
        g_ptr_array_add (in_range, visit);
    }
  g_ptr_array_sort (in_range, compare_by_time);
  text = pm_ics_write (in_range, citizens, &error);
  if (text == NULL)
    return pm_cli_fail ("%s", error->message);

  /* CRLF line ends: written as they are, with nothing appended. */
  if (output == NULL)
    fputs (text, stdout);
  else if (!g_file_set_contents_full (output, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
    return pm_cli_fail ("%s", error->message);
  return PM_CLI_OK;
}

int
pm_cli_letter (const char  *data_dir,
               int          argc,
               char       **argv)
{
  g_autofree char *output = NULL;
  g_auto(GStrv) ids = NULL;
  g_autoptr(GOptionContext) context = g_option_context_new (_("VISIT_ID"));
  g_autoptr(GError) error = NULL;
  g_autoptr(PmStore) store = NULL;
  g_autoptr(PmRecord) visit = NULL;
  g_autoptr(GHashTable) citizens = NULL;
  GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("The PDF to write"), N_("FILE") },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &ids, NULL, NULL },
    { NULL }
  };
  int rc;

  if ((rc = pm_cli_parse_command (context, _("Write the appointment letter of a visit as PDF: when the van "
                                             "comes, who comes and which documents to have ready."),
                                  entries, &argc, &argv)) != PM_CLI_OK)
    return rc;
  if (ids == NULL || ids[1] != NULL || !g_uuid_string_is_valid (ids[0]))
    return pm_cli_fail_usage (_("give the visit's id"));
  if (output == NULL)
    return pm_cli_fail_usage (_("--output is required"));

  store = pm_cli_open_store (data_dir, &error);
  visit = store ? pm_store_get (store, PM_TYPE_VISIT, ids[0], &error) : NULL;
  citizens = visit ? citizens_by_id (store, &error) : NULL;
  if (citizens == NULL)
    return pm_cli_fail ("%s", error->message);
  if (!pm_appointment_is_scheduled (visit))
    return pm_cli_fail (_("The visit %s has no appointment to confirm (status: %s)"), ids[0],
                        pm_visit_status_get_label (pm_record_get_string (visit, "status")));
  if (!pm_pdf_write_appointment_letter (output, visit, citizens, &error))
    return pm_cli_fail ("%s", error->message);
  printf (_("Appointment letter written to %s.\n"), output);
  return PM_CLI_OK;
}

/* The van whose day sheet is wanted: the one given, or the only one with
 * stops that day (none when no van has any). FALSE when several have. */
static gboolean
choose_van (GPtrArray  *visits,
            char      **van_id)
{
  const char *only = NULL;

  if (*van_id != NULL)
    return TRUE;
  for (guint i = 0; i < visits->len; i++)
    {
      PmRecord *visit = g_ptr_array_index (visits, i);
      const char *van = pm_record_get_string (visit, "van_id");

      if (van == NULL || !pm_appointment_is_scheduled (visit))
        continue;
      if (only != NULL && !g_str_equal (only, van))
        return FALSE;
      only = van;
    }
  *van_id = g_strdup (only);
  return TRUE;
}

int
pm_cli_day_sheet (const char  *data_dir,
                  int          argc,
                  char       **argv)
{
  g_autofree char *date = NULL;
  g_autofree char *van_id = NULL;
  g_autofree char *output = NULL;
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PmStore) store = NULL;
  g_autoptr(GPtrArray) visits = NULL;
  g_autoptr(GPtrArray) stops = g_ptr_array_new ();
  g_autoptr(GHashTable) citizens = NULL;
  g_autoptr(PmRecord) van = NULL;
  GOptionEntry entries[] = {
    { "date", 0, 0, G_OPTION_ARG_STRING, &date, N_("The day (default: today)"), N_("YYYY-MM-DD") },
    { "van", 0, 0, G_OPTION_ARG_STRING, &van_id, N_("The van, when more than one drives that day"), N_("VAN_ID") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("The PDF to write"), N_("FILE") },
    { NULL }
  };
  int rc;

  if ((rc = pm_cli_parse_command (context, _("Write the van's day sheet as PDF: the route in order, one block per stop."),
                                  entries, &argc, &argv)) != PM_CLI_OK)
    return rc;
  if (output == NULL)
    return pm_cli_fail_usage (_("--output is required"));
  if ((rc = pm_cli_default_date (&date)) != PM_CLI_OK)
    return rc;
  if (van_id != NULL && !g_uuid_string_is_valid (van_id))
    return pm_cli_fail_usage (_("--van must be a van's id"));

  store = pm_cli_open_store (data_dir, &error);
  visits = store ? pm_store_list_visits_for_day (store, date, &error) : NULL;
  citizens = visits ? citizens_by_id (store, &error) : NULL;
  if (citizens == NULL)
    return pm_cli_fail ("%s", error->message);
  if (!choose_van (visits, &van_id))
    return pm_cli_fail_usage (_("several vans drive on this day: choose one with --van"));
  if (van_id != NULL && (van = pm_store_get (store, PM_TYPE_VAN, van_id, &error)) == NULL)
    return pm_cli_fail ("%s", error->message);
  for (guint i = 0; i < visits->len; i++)
    {
      PmRecord *visit = g_ptr_array_index (visits, i);

      if (pm_appointment_is_scheduled (visit) && g_strcmp0 (pm_record_get_string (visit, "van_id"), van_id) == 0)
        g_ptr_array_add (stops, visit);
    }
  if (!pm_pdf_write_day_sheet (output, date, van ? pm_record_get_string (van, "name") : NULL, stops, citizens, &error))
    return pm_cli_fail ("%s", error->message);
  printf (g_dngettext (GETTEXT_PACKAGE, "Day sheet of %s written to %s (%u stop).\n",
                       "Day sheet of %s written to %s (%u stops).\n", stops->len), date, output, stops->len);
  return PM_CLI_OK;
}
