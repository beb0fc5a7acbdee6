/* pm-server-admin.c: pepamo-server's admin subcommands
 *
 * `pepamo-server --data-dir D admin enrol|devices|revoke|export|report`: run on the
 * server's own store and exit; the running server sees the change at the
 * device's next request, since it looks every token up in the store.
 * Exit codes: 0 done, 1 failed, 2 wrong usage.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pepamo-server"

#include "config.h"

#include <stdio.h>

#include "pm-clock.h"
#include "pm-export.h"
#include "pm-model.h"
#include "pm-muvis-report.h"
#include "pm-server-admin.h"
#include "pm-server-store.h"
#include "pm-store-subject.h"
#include "pm-store-sync.h"
#include "pm-subject-access.h"

#define USAGE "usage: pepamo-server --data-dir DIR [--key-file FILE] admin " \
              "enrol --role ROLE --city CITY | devices | revoke DEVICE_ID | export | " \
              "report --month YYYY-MM --format csv|json | " \
              "subject-access CITIZEN_ID [--json FILE] [--pdf FILE] | withdraw-consent CONSENT_ID [--on YYYY-MM-DD]"

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

/* The MUVIS figures of a month from the server's records, as the report
 * endpoint gives them; only counts leave, small ones suppressed. */
static int
print_report (PmStore    *store,
              const char *month,
              const char *format)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PmMuvisReport) report = NULL;
  g_autofree char *text = NULL;

  pm_store_set_actor (store, ADMIN_ACTOR, PM_ROLE_ADMIN, NULL);
  report = pm_muvis_report_compute (store, month, &error);
  if (report == NULL)
    return fail ("report", error);
  if (g_str_equal (format, "csv"))
    text = pm_muvis_report_to_csv (report);
  else
    {
      g_autoptr(JsonNode) root = pm_muvis_report_to_json (report);
      g_autofree char *json = json_to_string (root, TRUE);

      text = g_strconcat (json, "\n", NULL);
    }
  fputs (text, stdout);
  return 0;
}

/* Art. 15: everything about one person, for the data protection officer;
 * the files are plaintext personal data, so only the owner may read them. */
static int
subject_access (PmStore    *store,
                const char *citizen_id,
                const char *json_path,
                const char *pdf_path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(JsonObject) devices = NULL;

  pm_store_set_actor (store, ADMIN_ACTOR, PM_ROLE_ADMIN, NULL);
  records = pm_subject_access_collect (store, citizen_id, &error);
  if (records == NULL || (devices = pm_store_dup_record_devices (store, records, &error)) == NULL)
    return fail ("subject-access", error);
  if (json_path)
    {
      g_autoptr(JsonNode) root = pm_subject_access_to_json (records, citizen_id, devices);
      g_autofree char *text = json_to_string (root, TRUE);

      if (!g_file_set_contents_full (json_path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
        return fail ("subject-access", error);
    }
  if (pdf_path && !pm_subject_access_write_pdf (records, devices, pdf_path, &error))
    return fail ("subject-access", error);
  printf ("%u records about %s written to %s%s%s\n", records->len, citizen_id, json_path ? json_path : "",
          json_path && pdf_path ? " and " : "", pdf_path ? pdf_path : "");
  return 0;
}

/* A consent withdrawn on request is recorded like any edit (audited, sent
 * to the devices at their next pull); the store refuses new referrals
 * under it from then on. */
static int
withdraw_consent (PmStore    *store,
                  const char *consent_id,
                  const char *on)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PmRecord) consent = NULL;
  g_autofree char *today = pm_clock_today ();

  pm_store_set_actor (store, ADMIN_ACTOR, PM_ROLE_ADMIN, NULL);
  consent = pm_store_get (store, PM_TYPE_CONSENT, consent_id, &error);
  if (consent == NULL)
    return fail ("withdraw-consent", error);
  if (pm_record_get_string (consent, "withdrawn_on"))
    {
      printf ("Consent %s was already withdrawn on %s\n", consent_id, pm_record_get_string (consent, "withdrawn_on"));
      return 0;
    }
  pm_record_set_string (consent, "withdrawn_on", on ? on : today);
  if (!pm_store_save (store, consent, &error))
    return fail ("withdraw-consent", error);
  printf ("Consent %s withdrawn on %s; no new referral may use it\n", consent_id, pm_record_get_string (consent, "withdrawn_on"));
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
  g_autofree char *month = NULL;
  g_autofree char *format = NULL;
  g_autofree char *json_path = NULL;
  g_autofree char *pdf_path = NULL;
  g_autofree char *on = NULL;
  GOptionEntry entries[] = {
    { "role", 0, 0, G_OPTION_ARG_STRING, &role_wire, "enrol: the device's role (field, dispatch, einwohnerwesen, soziales, planning)", "ROLE" },
    { "city", 0, 0, G_OPTION_ARG_STRING, &city, "enrol: the device's city", "CITY" },
    { "month", 0, 0, G_OPTION_ARG_STRING, &month, "report: the month", "YYYY-MM" },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format, "report: csv or json", "FORMAT" },
    { "json", 0, 0, G_OPTION_ARG_FILENAME, &json_path, "subject-access: write the JSON file", "FILE" },
    { "pdf", 0, 0, G_OPTION_ARG_FILENAME, &pdf_path, "subject-access: write the PDF", "FILE" },
    { "on", 0, 0, G_OPTION_ARG_STRING, &on, "withdraw-consent: the day of the withdrawal (default today)", "YYYY-MM-DD" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("enrol|devices|revoke|export|report|subject-access|withdraw-consent");
  g_autoptr(GError) error = NULL;
  g_autoptr(PmStore) store = NULL;
  const char *command;
  PmRole role;
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
  if ((month || format) && !g_str_equal (command, "report"))
    return fail_usage ("--month and --format belong to report");
  if ((json_path || pdf_path) && !g_str_equal (command, "subject-access"))
    return fail_usage ("--json and --pdf belong to subject-access");
  if (on && !g_str_equal (command, "withdraw-consent"))
    return fail_usage ("--on belongs to withdraw-consent");
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
  else if (g_str_equal (command, "report"))
    {
      if (argc != 2 || role_wire || city || !pm_muvis_month_is_valid (month) ||
          (g_strcmp0 (format, "csv") != 0 && g_strcmp0 (format, "json") != 0))
        return fail_usage ("report needs --month YYYY-MM and --format csv or json");
    }
  else if (g_str_equal (command, "subject-access"))
    {
      if (argc != 3 || role_wire || city || (json_path == NULL && pdf_path == NULL))
        return fail_usage ("subject-access takes one CITIZEN_ID and --json FILE, --pdf FILE or both");
    }
  else if (g_str_equal (command, "withdraw-consent"))
    {
      if (argc != 3 || role_wire || city)
        return fail_usage ("withdraw-consent takes one CONSENT_ID (and --on YYYY-MM-DD)");
    }
  else
    {
      g_autofree char *message = g_strdup_printf ("unknown admin command “%s”", command);

      return fail_usage (message);
    }
  if (data_dir == NULL)
    return fail_usage ("admin needs --data-dir (or data-dir in the config file)");

  store = pm_server_store_open (data_dir, key_path, &error);
  if (store == NULL)
    return fail (command, error);
  if (g_str_equal (command, "enrol"))
    rc = enrol (store, role, city);
  else if (g_str_equal (command, "revoke"))
    rc = revoke_device (store, argv[2]);
  else if (g_str_equal (command, "export"))
    rc = export_records (store);
  else if (g_str_equal (command, "report"))
    rc = print_report (store, month, format);
  else if (g_str_equal (command, "subject-access"))
    rc = subject_access (store, argv[2], json_path, pdf_path);
  else if (g_str_equal (command, "withdraw-consent"))
    rc = withdraw_consent (store, argv[2], on);
  else
    rc = list_devices (store);
  pm_store_close (store);
  return rc;
}
