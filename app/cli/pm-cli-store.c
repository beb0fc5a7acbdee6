/* pm-cli-store.c: the store commands of pepamo-cli
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pepamo-cli"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <stdio.h>

#include "pm-catalogue.h"
#include "pm-city.h"
#include "pm-cli-common.h"
#include "pm-cli-dispatch.h"
#include "pm-cli-store.h"
#include "pm-crypt.h"
#include "pm-clock.h"
#include "pm-demo.h"
#include "pm-export.h"
#include "pm-model.h"

/* CLI writes act as the store's first administrator (or first staff member):
 * the person who set the store up. */
static void
act_as_owner (PmStore *store)
{
  g_autoptr(GPtrArray) staff = pm_store_list (store, PM_TYPE_STAFF, NULL);
  PmRecord *owner = NULL;

  for (guint i = 0; staff && i < staff->len && owner == NULL; i++)
    if (g_strcmp0 (pm_record_get_string (g_ptr_array_index (staff, i), "role"), "admin") == 0)
      owner = g_ptr_array_index (staff, i);
  if (owner == NULL && staff && staff->len > 0)
    owner = g_ptr_array_index (staff, 0);
  if (owner)
    pm_store_set_actor (store, pm_record_get_id (owner),
                        pm_role_from_wire (pm_record_get_string (owner, "role")),
                        pm_record_get_string (owner, "department"));
}

PmStore *
pm_cli_open_store (const char  *data_dir,
                   GError     **error)
{
  g_autofree char *path = pm_cli_store_path (data_dir);
  g_autoptr(PmCliSecret) passphrase = NULL;
  PmCryptKeys *keys;
  PmStore *store;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
                   _("No store in %s (run “pepamo-cli --data-dir %s init” first)"), data_dir, data_dir);
      return NULL;
    }
  passphrase = pm_cli_read_secret ("PEPAMO_PASSPHRASE", _("Passphrase: "), error);
  if (passphrase == NULL)
    return NULL;
  /* Any staff member's slot opens the store for the command line. */
  keys = pm_crypt_unlock (path, NULL, passphrase, error);
  if (keys == NULL)
    return NULL;
  store = pm_store_open (path, keys, error);
  if (store)
    act_as_owner (store);
  return store;
}

static const char *
default_role (const char *department)
{
  if (g_strcmp0 (department, "soziales") == 0 || g_strcmp0 (department, "einwohnerwesen") == 0)
    return "field";
  if (g_strcmp0 (department, "dispatch") == 0)
    return "dispatch";
  return "admin";
}

int
pm_cli_init (const char  *data_dir,
             int          argc,
             char       **argv)
{
  g_autofree char *staff_name = NULL;
  g_autofree char *department = NULL;
  g_autofree char *role = NULL;
  g_autofree char *path = pm_cli_store_path (data_dir);
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PmStore) store = NULL;
  g_autoptr(PmStaff) staff = NULL;
  g_autoptr(PmCliSecret) passphrase = NULL;
  g_autoptr(PmCryptSecret) recovery_key = NULL;
  g_autofree char *recovery_key_file = NULL;
  PmCryptKeys *keys;
  GOptionEntry entries[] = {
    { "staff", 0, 0, G_OPTION_ARG_STRING, &staff_name, N_("Name of the first staff member (default: an administrator)"), N_("NAME") },
    { "department", 0, 0, G_OPTION_ARG_STRING, &department, N_("Their department: soziales, einwohnerwesen, dispatch or it"), N_("DEPT") },
    { "role", 0, 0, G_OPTION_ARG_STRING, &role, N_("Their role (default follows the department)"), N_("ROLE") },
    { "recovery-key-file", 0, 0, G_OPTION_ARG_FILENAME, &recovery_key_file, N_("Write the IT recovery key to FILE instead of printing it"), N_("FILE") },
    { NULL }
  };
  int rc;

  if ((rc = pm_cli_parse_command (context, _("Create a new store with its first staff member."), entries, &argc, &argv)) != PM_CLI_OK)
    return rc;
  if (department && !g_strv_contains (pm_departments (), department))
    return pm_cli_fail_usage (_("unknown department"));
  if (staff_name && department == NULL)
    return pm_cli_fail_usage (_("--staff needs --department"));
  if (role && pm_role_from_wire (role) == PM_ROLE_INVALID)
    return pm_cli_fail_usage (_("unknown role"));

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    return pm_cli_fail (_("A store already exists in %s"), data_dir);

  passphrase = pm_cli_read_secret ("PEPAMO_PASSPHRASE", _("New passphrase: "), &error);
  if (passphrase == NULL)
    return pm_cli_fail ("%s", error->message);

  if (g_mkdir_with_parents (data_dir, 0700) != 0)
    return pm_cli_fail (_("Cannot create %s: %s"), data_dir, g_strerror (errno));

  staff = pm_staff_new ();
  g_object_set (staff,
                "display-name", staff_name ? staff_name : _("Administrator"),
                "department", department ? department : "it",
                "role", role ? role : default_role (department),
                NULL);
  if (!pm_record_validate (PM_RECORD (staff), &error))
    return pm_cli_fail ("%s", error->message);

  /* The first key slot belongs to this staff member. */
  keys = pm_crypt_create (path, pm_record_get_id (PM_RECORD (staff)),
                          pm_record_get_string (PM_RECORD (staff), "display_name"),
                          pm_record_get_string (PM_RECORD (staff), "department"),
                          passphrase, NULL, &recovery_key, &error);
  if (keys == NULL)
    return pm_cli_fail ("%s", error->message);
  store = pm_store_open (path, keys, &error);
  if (store == NULL)
    return pm_cli_fail ("%s", error->message);
  pm_store_set_actor (store, pm_record_get_id (PM_RECORD (staff)),
                      pm_role_from_wire (pm_record_get_string (PM_RECORD (staff), "role")),
                      pm_record_get_string (PM_RECORD (staff), "department"));
  if (!pm_store_save (store, PM_RECORD (staff), &error))
    return pm_cli_fail ("%s", error->message);

  if (recovery_key_file)
    {
      g_autofree char *contents = g_strconcat (recovery_key, "\n", NULL);

      if (!g_file_set_contents_full (recovery_key_file, contents, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
        return pm_cli_fail (_("The store was created, but the recovery key could not be written: %s"), error->message);
    }
  else
    printf (_("IT recovery key (shown only this once; keep it safe, offline):\n%s\n"), recovery_key);
  printf (_("Created the store %s for %s.\n"), path,
          pm_record_get_string (PM_RECORD (staff), "display_name"));
  return PM_CLI_OK;
}

int
pm_cli_demo (const char  *data_dir,
             int          argc,
             char       **argv)
{
  g_autofree char *date = NULL;
  gint seed = 20260207;
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PmStore) store = NULL;
  GOptionEntry entries[] = {
    { "date", 0, 0, G_OPTION_ARG_STRING, &date, N_("The day the demo week is centred on (default: today)"), N_("YYYY-MM-DD") },
    { "seed", 0, 0, G_OPTION_ARG_INT, &seed, N_("Seed of the random generator"), N_("N") },
    { NULL }
  };
  gint64 visits;
  int rc;

  if ((rc = pm_cli_parse_command (context, _("Fill the store with a fictional week of the van in Halle (Saale)."), entries, &argc, &argv)) != PM_CLI_OK)
    return rc;
  if ((rc = pm_cli_default_date (&date)) != PM_CLI_OK)
    return rc;

  store = pm_cli_open_store (data_dir, &error);
  if (store == NULL)
    return pm_cli_fail ("%s", error->message);
  visits = pm_store_count (store, PM_TYPE_VISIT, &error);
  if (visits < 0)
    return pm_cli_fail ("%s", error->message);
  if (visits > 0)
    return pm_cli_fail (_("The store already holds visits; demo data goes into a new store only"));
  if (!pm_demo_fill (store, date, (guint32) seed, &error))
    return pm_cli_fail ("%s", error->message);

  printf (_("Demo week around %s written: %d citizens, %d visits.\n"), date,
          (int) pm_store_count (store, PM_TYPE_CITIZEN, NULL), (int) pm_store_count (store, PM_TYPE_VISIT, NULL));
  return PM_CLI_OK;
}

static char *
services_text (PmRecord *visit)
{
  const char * const *codes = pm_record_get_strv (visit, "services");

  return codes ? g_strjoinv (", ", (char **) codes) : g_strdup ("");
}

int
pm_cli_visits (const char  *data_dir,
               int          argc,
               char       **argv)
{
  g_autofree char *date = NULL;
  gboolean json = FALSE;
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PmStore) store = NULL;
  g_autoptr(GPtrArray) visits = NULL;
  GOptionEntry entries[] = {
    { "date", 0, 0, G_OPTION_ARG_STRING, &date, N_("The day (default: today)"), N_("YYYY-MM-DD") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  PmCity *city = pm_city_get_default ();
  int rc;

  if ((rc = pm_cli_parse_command (context, _("List the visits of a day in route order."), entries, &argc, &argv)) != PM_CLI_OK)
    return rc;
  if ((rc = pm_cli_default_date (&date)) != PM_CLI_OK)
    return rc;

  store = pm_cli_open_store (data_dir, &error);
  if (store == NULL)
    return pm_cli_fail ("%s", error->message);
  visits = pm_store_list_visits_for_day (store, date, &error);
  if (visits == NULL)
    return pm_cli_fail ("%s", error->message);

  if (json)
    {
      g_autoptr(JsonArray) array = json_array_new ();
      g_autoptr(JsonNode) root = json_node_new (JSON_NODE_ARRAY);
      g_autofree char *text = NULL;

      for (guint i = 0; i < visits->len; i++)
        json_array_add_object_element (array, pm_record_to_json (g_ptr_array_index (visits, i)));
      json_node_set_array (root, array);
      text = json_to_string (root, TRUE);
      printf ("%s\n", text);
      return PM_CLI_OK;
    }

  for (guint i = 0; i < visits->len; i++)
    {
      PmRecord *visit = g_ptr_array_index (visits, i);
      const PmArea *area = pm_city_lookup_area (city, pm_record_get_string (visit, "stadtteil"));
      g_autofree char *services = services_text (visit);
      g_autofree char *persons = pm_cli_pad (pm_record_get_string (visit, "persons"), 28);
      g_autofree char *place = pm_cli_pad (area ? area->name : pm_record_get_string (visit, "stadtteil"), 26);
      g_autofree char *booked = pm_cli_pad (services, 12);

      printf ("%2" G_GINT64_FORMAT "  %-5s  %s  %s  %s  %s\n",
              pm_record_get_int (visit, "route_order"),
              pm_record_get_string (visit, "planned_start") ? pm_record_get_string (visit, "planned_start") : "",
              persons, place, booked,
              pm_visit_status_get_label (pm_record_get_string (visit, "status")));
    }
  if (visits->len == 0)
    printf (_("No visits on %s.\n"), date);
  return PM_CLI_OK;
}

int
pm_cli_export (const char  *data_dir,
               int          argc,
               char       **argv)
{
  g_autofree char *format = NULL;
  g_autofree char *output = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PmStore) store = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  GOptionEntry entries[] = {
    { "format", 0, 0, G_OPTION_ARG_STRING, &format, N_("Output format: json, or ics for the visits as iCalendar"), N_("FORMAT") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("Write to FILE instead of standard output"), N_("FILE") },
    { "from", 0, 0, G_OPTION_ARG_STRING, &from, N_("With --format ics: the first day (default: the earliest)"), N_("YYYY-MM-DD") },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to, N_("With --format ics: the last day (default: the latest)"), N_("YYYY-MM-DD") },
    { NULL }
  };
  int rc;

  if ((rc = pm_cli_parse_command (context, _("Print every record of the store as one JSON document\n"
                                           "(schema: core/data/export.schema.json), or the visits as\n"
                                           "iCalendar (RFC 5545) for the office calendar."), entries, &argc, &argv)) != PM_CLI_OK)
    return rc;
  if (g_strcmp0 (format, "ics") == 0)
    return pm_cli_export_ics (data_dir, from, to, output);
  if (g_strcmp0 (format, "json") != 0)
    return pm_cli_fail_usage (_("--format json or --format ics is required"));
  if (from != NULL || to != NULL)
    return pm_cli_fail_usage (_("--from and --to go with --format ics"));

  store = pm_cli_open_store (data_dir, &error);
  if (store == NULL)
    return pm_cli_fail ("%s", error->message);
  root = pm_export_json (store, &error);
  if (root == NULL)
    return pm_cli_fail ("%s", error->message);
  text = json_to_string (root, TRUE);
  return pm_cli_write_text (output, text);
}
