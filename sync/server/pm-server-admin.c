/* pm-server-admin.c: pepamo-server's admin subcommands
 *
 * `pepamo-server --data-dir D admin enrol|devices|revoke|export|audit|staff|demo|backup|report|...`:
 * run on the server's own store, also while the server runs, and exit; the
 * running server sees the change at the device's next request, since it
 * looks every token up in the store. `admin restore` replaces the store and
 * so runs only while nothing else has it open (the data dir's lock). Every
 * admin command is written to the server's audit.
 * Exit codes: 0 done, 1 failed, 2 wrong usage.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pepamo-server"

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pm-cash-day.h"
#include "pm-city.h"
#include "pm-clock.h"
#include "pm-demo.h"
#include "pm-erasure.h"
#include "pm-error.h"
#include "pm-export.h"
#include "pm-model.h"
#include "pm-muvis-report.h"
#include "pm-server-admin.h"
#include "pm-server-purge.h"
#include "pm-server-store.h"
#include "pm-status.h"
#include "pm-store-backup.h"
#include "pm-store-subject.h"
#include "pm-store-sync.h"
#include "pm-subject-access.h"

#define USAGE "usage: pepamo-server --data-dir DIR [--key-file FILE] admin " \
              "enrol --role ROLE --city CITY [--van VAN] | devices | revoke DEVICE_ID | assign-van DEVICE_ID --van VAN | " \
              "export | " \
              "audit [--format text|json|csv] [--since DATE] | " \
              "staff add --name NAME --department DEPARTMENT --role ROLE | staff list | staff remove STAFF_ID | " \
              "demo --city halle [--date YYYY-MM-DD] | backup FILE | restore [--force] FILE | " \
              "report --month YYYY-MM --format csv|json | " \
              "subject-access CITIZEN_ID [--json FILE] [--pdf FILE] | withdraw-consent CONSENT_ID [--on YYYY-MM-DD] | " \
              "erase CITIZEN_ID | correct CITIZEN_ID --field FIELD --value VALUE | purge [--dry-run]"

/* Who acts in admin commands: the audit names the server's admin (and the
 * system user who ran the command). */
#define ADMIN_ACTOR PM_SYNC_SERVER_ADMIN

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

/* Appends the admin command to the server's audit; @detail may be NULL. */
static gboolean
audit_admin (PmStore     *store,
             const char  *command,
             const char  *device_id,
             const char  *role,
             gint64       count,
             const char  *detail,
             GError     **error)
{
  g_autofree char *action = g_strconcat ("admin ", command, NULL);
  g_autofree char *full_detail = g_strdup_printf ("system user %s%s%s", g_get_user_name (),
                                                  detail ? "; " : "", detail ? detail : "");

  return pm_store_append_server_audit (store, action, device_id, role, ADMIN_ACTOR, count, full_detail, error);
}

static gboolean
is_device_role (PmRole role)
{
  return role != PM_ROLE_INVALID && role != PM_ROLE_ADMIN;
}

/* The token is the last line of stdout, so that a script can take it with
 * `tail -n 1`; it is shown only here. */
/* A van by its id, name or number plate; a van's id the server does not
 * hold yet is taken as it is (a laptop may be enrolled before dispatch
 * adds its van). */
static char *
find_van_id (PmStore     *store,
             const char  *van,
             GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(PmRecord) found = pm_cash_day_find_van (store, van, &local_error);

  if (found)
    return g_strdup (pm_record_get_id (found));
  if (g_error_matches (local_error, PM_ERROR, PM_ERROR_NOT_FOUND) && g_uuid_string_is_valid (van))
    return g_strdup (van);
  if (g_error_matches (local_error, PM_ERROR, PM_ERROR_NOT_FOUND))
    g_set_error (error, PM_ERROR, PM_ERROR_NOT_FOUND,
                 "the server holds no van “%s”: give a van's id, name or number plate", van);
  else
    g_propagate_error (error, g_steal_pointer (&local_error));
  return NULL;
}

static int
enrol (PmStore    *store,
       PmRole      role,
       const char *city,
       const char *van)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *device_id = NULL;
  g_autofree char *van_id = van ? find_van_id (store, van, &error) : NULL;
  g_autofree char *token = NULL;
  g_autofree char *detail = NULL;

  if (van && van_id == NULL)
    return fail ("enrol", error);
  token = pm_store_add_device (store, role, city, van_id, &device_id, &error);
  detail = van_id ? g_strdup_printf ("city %s, van %s", city, van_id) : g_strconcat ("city ", city, NULL);
  if (token == NULL ||
      !audit_admin (store, "enrol", device_id, pm_role_to_wire (role), 1, detail, &error))
    return fail ("enrol", error);
  printf ("Enrolled device %s (%s, %s%s%s). Its token, shown only this once:\n%s\n",
          device_id, pm_role_to_wire (role), city, van_id ? ", van " : "", van_id ? van_id : "", token);
  return 0;
}

static int
assign_van (PmStore    *store,
            const char *device_id,
            const char *van)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *van_id = find_van_id (store, van, &error);
  g_autofree char *detail = NULL;

  if (van_id == NULL || !pm_store_set_device_van (store, device_id, van_id, &error))
    return fail ("assign-van", error);
  detail = g_strconcat ("van ", van_id, NULL);
  if (!audit_admin (store, "assign-van", device_id, "field", 1, detail, &error))
    return fail ("assign-van", error);
  printf ("Device %s now pulls the share of van %s\n", device_id, van_id);
  return 0;
}

static int
list_devices (PmStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) devices = pm_store_list_devices (store, &error);

  if (devices == NULL ||
      !audit_admin (store, "devices", NULL, NULL, json_array_get_length (devices), NULL, &error))
    return fail ("devices", error);
  for (guint i = 0; i < json_array_get_length (devices); i++)
    {
      JsonObject *device = json_array_get_object_element (devices, i);

      const char *role = json_object_get_string_member (device, "role");
      g_autofree char *van = g_str_equal (role, "field")
        ? g_strdup_printf ("van: %s\t", json_object_get_string_member_with_default (device, "van_id", "none"))
        : NULL;

      printf ("%s\t%s\t%s\t%srevoked: %s\n",
              json_object_get_string_member (device, "device_id"), role,
              json_object_get_string_member (device, "city"), van ? van : "",
              json_object_get_boolean_member (device, "revoked") ? "yes" : "no");
    }
  return 0;
}

static int
revoke_device (PmStore    *store,
               const char *device_id)
{
  g_autoptr(GError) error = NULL;

  if (!pm_store_revoke_device (store, device_id, &error) ||
      !audit_admin (store, "revoke", device_id, NULL, 1, NULL, &error))
    return fail ("revoke", error);
  printf ("Revoked device %s\n", device_id);
  return 0;
}

static gint64
count_exported (JsonObject *document)
{
  g_autoptr(GList) members = json_object_get_members (document);
  gint64 count = 0;

  for (GList *l = members; l; l = l->next)
    {
      JsonNode *node = json_object_get_member (document, l->data);

      if (JSON_NODE_HOLDS_ARRAY (node))
        count += json_array_get_length (json_node_get_array (node));
    }
  return count;
}

/* Every record the server holds, in the shape of `pepamo-cli export`; the
 * reads of counselling records and cases are audited like any export. */
static int
export_records (PmStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  root = pm_export_json (store, &error);
  if (root == NULL ||
      !audit_admin (store, "export", NULL, NULL, count_exported (json_node_get_object (root)), NULL, &error))
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

/* RFC 4180: a field with a comma, quote or line break is quoted, its
 * quotes doubled. */
static void
print_csv_field (const char *text,
                 gboolean    last)
{
  if (strpbrk (text, ",\"\r\n") == NULL)
    fputs (text, stdout);
  else
    {
      putchar ('"');
      for (const char *c = text; *c; c++)
        {
          if (*c == '"')
            putchar ('"');
          putchar (*c);
        }
      putchar ('"');
    }
  fputs (last ? "\r\n" : ",", stdout);
}

static const char * const audit_columns[] = {
  "seq", "at", "action", "device_id", "role", "actor_id", "count", "detail", NULL
};

/* A column's value as text; @empty for null. */
static char *
audit_value (JsonObject *entry,
             const char *column,
             const char *empty)
{
  JsonNode *node = json_object_get_member (entry, column);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return g_strdup (empty);
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  return g_strdup (json_node_get_string (node));
}

/* --since: a date (from its midnight, UTC) or an ISO 8601 time, as the
 * audit's UTC timestamp; NULL when it is neither. */
static char *
parse_since (const char *text)
{
  g_autoptr(GTimeZone) utc_zone = g_time_zone_new_utc ();
  g_autoptr(GDateTime) time = NULL;
  g_autofree char *midnight = NULL;
  g_autoptr(GDateTime) utc = NULL;

  if (strchr (text, 'T') == NULL)
    text = midnight = g_strconcat (text, "T00:00:00Z", NULL);
  time = g_date_time_new_from_iso8601 (text, utc_zone);
  if (time == NULL)
    return NULL;
  utc = g_date_time_to_utc (time);
  return g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
}

static int
list_audit (PmStore    *store,
            const char *format,
            const char *since)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) entries = pm_store_list_server_audit (store, since, &error);
  g_autofree char *detail = NULL;

  if (entries == NULL)
    return fail ("audit", error);
  /* Reading the audit is itself audited, after what it lists. */
  detail = g_strdup_printf ("format %s, since %s", format, since ? since : "the start");
  if (!audit_admin (store, "audit", NULL, NULL, json_array_get_length (entries), detail, &error))
    return fail ("audit", error);
  if (g_str_equal (format, "json"))
    {
      g_autoptr(JsonNode) root = json_node_init_array (json_node_alloc (), entries);
      g_autofree char *text = json_to_string (root, TRUE);

      printf ("%s\n", text);
      return 0;
    }
  if (g_str_equal (format, "csv"))
    for (guint i = 0; audit_columns[i]; i++)
      print_csv_field (audit_columns[i], audit_columns[i + 1] == NULL);
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *entry = json_array_get_object_element (entries, i);

      for (guint c = 0; audit_columns[c]; c++)
        {
          gboolean last = audit_columns[c + 1] == NULL;
          g_autofree char *value = audit_value (entry, audit_columns[c], g_str_equal (format, "csv") ? "" : "-");

          if (g_str_equal (format, "csv"))
            print_csv_field (value, last);
          else
            printf ("%s%s", value, last ? "\n" : "\t");
        }
    }
  return 0;
}

/* Staff: the city's roster on the server, pulled by every device. */

static int
add_staff (PmStore    *store,
           const char *name,
           const char *department,
           const char *role)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PmRecord) staff = PM_RECORD (pm_staff_new ());
  g_autofree char *detail = g_strdup_printf ("%s, %s", department, role);

  pm_record_set_string (staff, "display_name", name);
  pm_record_set_string (staff, "department", department);
  pm_record_set_string (staff, "role", role);
  if (!pm_store_save (store, staff, &error) ||
      !audit_admin (store, "staff add", NULL, NULL, 1, detail, &error))
    return fail ("staff add", error);
  /* The id last, like enrol's token: `tail -n 1` takes it. */
  printf ("Added staff member %s (%s, %s); their id:\n%s\n", name, department, role, pm_record_get_id (staff));
  return 0;
}

static int
list_staff (PmStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) staff = pm_store_list (store, PM_TYPE_STAFF, &error);

  if (staff == NULL ||
      !audit_admin (store, "staff list", NULL, NULL, staff->len, NULL, &error))
    return fail ("staff list", error);
  for (guint i = 0; i < staff->len; i++)
    {
      PmRecord *member = g_ptr_array_index (staff, i);
      const char *removed_at = pm_record_get_string (member, "removed_at");

      printf ("%s\t%s\t%s\t%s\tremoved: %s\n", pm_record_get_id (member),
              pm_record_get_string (member, "display_name"), pm_record_get_string (member, "department"),
              pm_record_get_string (member, "role"), removed_at ? removed_at : "no");
    }
  return 0;
}

/* The record stays (the audit and old records name the person); the mark
 * reaches every device with its next pull, which drops the key slot. */
static int
remove_staff (PmStore    *store,
              const char *staff_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PmRecord) staff = pm_store_get (store, PM_TYPE_STAFF, staff_id, &error);
  g_autofree char *now = NULL;

  if (staff == NULL)
    return fail ("staff remove", error);
  if (pm_record_get_string (staff, "removed_at"))
    {
      g_set_error (&error, PM_ERROR, PM_ERROR_CONFLICT, "%s was removed already, at %s", staff_id,
                   pm_record_get_string (staff, "removed_at"));
      return fail ("staff remove", error);
    }
  now = pm_clock_timestamp ();
  pm_record_set_string (staff, "removed_at", now);
  if (!pm_store_save (store, staff, &error) ||
      !audit_admin (store, "staff remove", NULL, NULL, 1, staff_id, &error))
    return fail ("staff remove", error);
  printf ("Removed staff member %s: each device drops the key slot at its next sync\n", staff_id);
  return 0;
}

/* The same week as `pepamo-cli demo` with its default seed. */
#define DEMO_SEED 20260207

/* The demo week as the offices hold it, every status included: devices of
 * each role then pull a realistic city, each its slice. */
static int
seed_demo (PmStore    *store,
           const char *city,
           const char *date)
{
  g_autoptr(GError) error = NULL;
  gint64 visits = pm_store_count (store, PM_TYPE_VISIT, &error);
  g_autofree char *detail = NULL;
  gint64 citizens;

  if (visits < 0)
    return fail ("demo", error);
  if (visits > 0)
    {
      g_set_error (&error, PM_ERROR, PM_ERROR_CONFLICT,
                   "the server already holds visits; the demo goes into a new data dir only");
      return fail ("demo", error);
    }
  if (!pm_demo_fill (store, date, DEMO_SEED, &error))
    return fail ("demo", error);
  visits = pm_store_count (store, PM_TYPE_VISIT, NULL);
  citizens = pm_store_count (store, PM_TYPE_CITIZEN, NULL);
  detail = g_strdup_printf ("city %s, week around %s: %" G_GINT64_FORMAT " citizens, %" G_GINT64_FORMAT " visits",
                            city, date, citizens, visits);
  if (!audit_admin (store, "demo", NULL, NULL, visits + citizens, detail, &error))
    return fail ("demo", error);
  printf ("Demo week around %s written for %s: %" G_GINT64_FORMAT " citizens, %" G_GINT64_FORMAT " visits\n",
          date, city, citizens, visits);
  return 0;
}

enum
{
  OPTION_ROLE       = 1 << 0,
  OPTION_CITY       = 1 << 1,
  OPTION_FORMAT     = 1 << 2,
  OPTION_SINCE      = 1 << 3,
  OPTION_NAME       = 1 << 4,
  OPTION_DEPARTMENT = 1 << 5,
  OPTION_DATE       = 1 << 6,
  OPTION_FORCE      = 1 << 7,
  OPTION_MONTH      = 1 << 8,
  OPTION_JSON       = 1 << 9,
  OPTION_PDF        = 1 << 10,
  OPTION_ON         = 1 << 11,
  OPTION_FIELD      = 1 << 12,
  OPTION_VALUE      = 1 << 13,
  OPTION_DRY_RUN    = 1 << 14,
  OPTION_VAN        = 1 << 15,
};

/* What each command takes: its words after "admin" (the command's own
 * included), the options it accepts and those it needs. */
static const struct
{
  const char *command;
  const char *subcommand;
  int         n_words;
  guint       allowed;
  guint       required;
  const char *usage;
} commands[] = {
  { "enrol", NULL, 1, OPTION_ROLE | OPTION_CITY | OPTION_VAN, OPTION_ROLE | OPTION_CITY,
    "enrol needs --role (field, dispatch, einwohnerwesen, soziales or planning) and --city, and --van for field only" },
  { "devices", NULL, 1, 0, 0, "devices takes no arguments" },
  { "revoke", NULL, 2, 0, 0, "revoke takes one DEVICE_ID" },
  { "assign-van", NULL, 2, OPTION_VAN, OPTION_VAN, "assign-van takes one DEVICE_ID and --van VAN" },
  { "export", NULL, 1, 0, 0, "export takes no arguments" },
  { "audit", NULL, 1, OPTION_FORMAT | OPTION_SINCE, 0, "audit takes only --format and --since" },
  { "staff", "add", 2, OPTION_NAME | OPTION_DEPARTMENT | OPTION_ROLE, OPTION_NAME | OPTION_DEPARTMENT | OPTION_ROLE,
    "staff add needs --name, --department and --role" },
  { "staff", "list", 2, 0, 0, "staff list takes no arguments" },
  { "staff", "remove", 3, 0, 0, "staff remove takes one STAFF_ID" },
  { "demo", NULL, 1, OPTION_CITY | OPTION_DATE, OPTION_CITY, "demo needs --city halle (and takes --date YYYY-MM-DD)" },
  { "backup", NULL, 2, 0, 0, "backup takes one FILE" },
  { "restore", NULL, 2, OPTION_FORCE, 0, "restore takes one FILE (and --force to replace a store)" },
  { "report", NULL, 1, OPTION_MONTH | OPTION_FORMAT, OPTION_MONTH | OPTION_FORMAT,
    "report needs --month YYYY-MM and --format csv or json" },
  { "subject-access", NULL, 2, OPTION_JSON | OPTION_PDF, 0,
    "subject-access takes one CITIZEN_ID and --json FILE, --pdf FILE or both" },
  { "withdraw-consent", NULL, 2, OPTION_ON, 0, "withdraw-consent takes one CONSENT_ID (and --on YYYY-MM-DD)" },
  { "erase", NULL, 2, 0, 0, "erase takes one CITIZEN_ID" },
  { "correct", NULL, 2, OPTION_FIELD | OPTION_VALUE, OPTION_FIELD | OPTION_VALUE,
    "correct takes one CITIZEN_ID, --field FIELD and --value VALUE" },
  { "purge", NULL, 1, OPTION_DRY_RUN, 0, "purge takes only --dry-run" },
};

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
  if (!audit_admin (store, "report", NULL, NULL, 0, month, &error))
    return fail ("report", error);
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
  if ((pdf_path && !pm_subject_access_write_pdf (records, devices, pdf_path, &error)) ||
      !audit_admin (store, "subject-access", NULL, NULL, records->len, citizen_id, &error))
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

  consent = pm_store_get (store, PM_TYPE_CONSENT, consent_id, &error);
  if (consent == NULL)
    return fail ("withdraw-consent", error);
  if (pm_record_get_string (consent, "withdrawn_on"))
    {
      printf ("Consent %s was already withdrawn on %s\n", consent_id, pm_record_get_string (consent, "withdrawn_on"));
      return 0;
    }
  pm_record_set_string (consent, "withdrawn_on", on ? on : today);
  if (!pm_store_save (store, consent, &error) ||
      !audit_admin (store, "withdraw-consent", NULL, NULL, 1, consent_id, &error))
    return fail ("withdraw-consent", error);
  printf ("Consent %s withdrawn on %s; no new referral may use it\n", consent_id, pm_record_get_string (consent, "withdrawn_on"));
  return 0;
}

static void
print_records (GPtrArray *records)
{
  for (guint i = 0; i < records->len; i++)
    {
      PmRecord *record = g_ptr_array_index (records, i);

      printf ("  %s\t%s\n", pm_record_get_kind (record), pm_record_get_id (record));
    }
}

/* Art. 17: the person and the records about them go, at the server and, by
 * deletion markers in the change log, on every device at its next sync;
 * what the law requires stays, each with the reason (pm-erasure.c). */
static int
erase_subject (PmStore    *store,
               const char *citizen_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(PmErasurePlan) plan = NULL;
  g_autofree char *detail = NULL;
  guint n_audit = 0;

  records = pm_subject_access_collect (store, citizen_id, &error);
  if (records == NULL)
    return fail ("erase", error);
  plan = pm_erasure_plan_new (records, citizen_id);
  detail = g_strdup_printf ("%s: erased %u, removed from %u visits, kept %u", citizen_id, plan->erase->len,
                            plan->unlink->len, plan->keep->len);
  if (!pm_store_erase_records (store, plan->erase, plan->unlink, &error) ||
      !audit_admin (store, "erase", NULL, NULL, plan->erase->len, detail, &error))
    return fail ("erase", error);

  printf ("Erased %u records about %s; each device deletes them at its next sync:\n", plan->erase->len, citizen_id);
  print_records (plan->erase);
  if (plan->unlink->len > 0)
    {
      printf ("Removed %s from %u visits that name other people too:\n", citizen_id, plan->unlink->len);
      print_records (plan->unlink);
    }
  printf ("Kept, as the law requires:\n");
  for (guint i = 0; i < plan->keep->len; i++)
    {
      PmRecord *record = g_ptr_array_index (plan->keep, i);

      if (PM_IS_AUDIT_ENTRY (record))
        n_audit++;
      else
        printf ("  %s\t%s\t%s\n", pm_record_get_kind (record), pm_record_get_id (record),
                (const char *) g_ptr_array_index (plan->reasons, i));
    }
  if (n_audit > 0)
    printf ("  audit\t%u entries\tids only: who did what and when stays accountable; deleted with the audit's period\n",
            n_audit);
  return 0;
}

/* The person's own fields that hold text or a date: what a correction may set. */
static const PmFieldSpec *
correctable_field (const char *name)
{
  g_autoptr(PmRecordClass) klass = g_type_class_ref (PM_TYPE_CITIZEN);
  const PmFieldSpec *spec = pm_record_class_find_field (klass, name);

  if (spec == NULL || (spec->flags & PM_FIELD_TRANSIENT) ||
      (spec->type != PM_FIELD_STRING && spec->type != PM_FIELD_DATE))
    return NULL;
  return spec;
}

/* Art. 16: an audited edit by the admin, checked like any edit and sent to
 * the devices at their next pull. The server's audit names the field, not
 * the values (the records' audit and the record hold those). */
static int
correct_subject (PmStore    *store,
                 const char *citizen_id,
                 const char *field,
                 const char *value)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PmRecord) citizen = pm_store_get (store, PM_TYPE_CITIZEN, citizen_id, &error);
  g_autofree char *detail = NULL;

  if (citizen == NULL)
    return fail ("correct", error);
  if (g_strcmp0 (pm_record_get_string (citizen, field), value) == 0)
    {
      printf ("%s of %s already reads so; nothing changed\n", field, citizen_id);
      return 0;
    }
  pm_record_set_string (citizen, field, *value ? value : NULL);
  detail = g_strdup_printf ("%s: %s", citizen_id, field);
  if (!pm_store_save (store, citizen, &error) ||
      !audit_admin (store, "correct", NULL, NULL, 1, detail, &error))
    return fail ("correct", error);
  printf ("Corrected %s of %s; each device gets it at its next sync\n", field, citizen_id);
  return 0;
}

/* The deletion periods now, as the running server applies them daily. */
static int
purge (PmStore              *store,
       const PmServerConfig *config,
       gboolean              dry_run)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *by = g_strdup_printf ("system user %s", g_get_user_name ());
  g_autofree char *summary = pm_server_purge (store, config, dry_run, by, &error);

  if (summary == NULL)
    return fail ("purge", error);
  printf ("%s\n", summary);
  return 0;
}

/**
 * pm_server_admin_main:
 * @argv: the arguments from "admin" on
 * @config: the server's configuration (data dir, deletion periods)
 * @key_path: (nullable): its key file; %NULL for the default beside the data dir
 *
 * Returns: the exit code
 */
int
pm_server_admin_main (int                    argc,
                      char                 **argv,
                      const PmServerConfig  *config,
                      const char            *key_path)
{
  const char *data_dir = config->data_dir;
  g_autofree char *role_wire = NULL;
  g_autofree char *city = NULL;
  g_autofree char *format = NULL;
  g_autofree char *since_text = NULL;
  g_autofree char *since = NULL;
  g_autofree char *name = NULL;
  g_autofree char *department = NULL;
  g_autofree char *date = NULL;
  g_autofree char *date_check = NULL;
  g_autofree char *month = NULL;
  g_autofree char *json_path = NULL;
  g_autofree char *pdf_path = NULL;
  g_autofree char *on = NULL;
  g_autofree char *field = NULL;
  g_autofree char *value = NULL;
  g_autofree char *van = NULL;
  gboolean force = FALSE;
  gboolean dry_run = FALSE;
  GOptionEntry entries[] = {
    { "role", 0, 0, G_OPTION_ARG_STRING, &role_wire, "enrol: the device's role (field, dispatch, einwohnerwesen, soziales, planning); staff add: the person's", "ROLE" },
    { "city", 0, 0, G_OPTION_ARG_STRING, &city, "enrol: the device's city; demo: the city (halle)", "CITY" },
    { "van", 0, 0, G_OPTION_ARG_STRING, &van, "enrol (field) and assign-van: the van's id, name or number plate", "VAN" },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format, "audit: text (default), json or csv; report: csv or json", "FORMAT" },
    { "month", 0, 0, G_OPTION_ARG_STRING, &month, "report: the month", "YYYY-MM" },
    { "json", 0, 0, G_OPTION_ARG_FILENAME, &json_path, "subject-access: write the JSON file", "FILE" },
    { "pdf", 0, 0, G_OPTION_ARG_FILENAME, &pdf_path, "subject-access: write the PDF", "FILE" },
    { "on", 0, 0, G_OPTION_ARG_STRING, &on, "withdraw-consent: the day of the withdrawal (default today)", "YYYY-MM-DD" },
    { "field", 0, 0, G_OPTION_ARG_STRING, &field, "correct: the person's field, e.g. family_name or street", "FIELD" },
    { "value", 0, 0, G_OPTION_ARG_STRING, &value, "correct: its right value (empty: none)", "VALUE" },
    { "since", 0, 0, G_OPTION_ARG_STRING, &since_text, "audit: only entries from DATE (YYYY-MM-DD, UTC) or an ISO 8601 time on", "DATE" },
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, "staff add: the person's name", "NAME" },
    { "department", 0, 0, G_OPTION_ARG_STRING, &department, "staff add: soziales, einwohnerwesen, dispatch or it", "DEPARTMENT" },
    { "date", 0, 0, G_OPTION_ARG_STRING, &date, "demo: the day the demo week is centred on (default: today)", "YYYY-MM-DD" },
    { "force", 0, 0, G_OPTION_ARG_NONE, &force, "restore: replace an existing store", NULL },
    { "dry-run", 0, 0, G_OPTION_ARG_NONE, &dry_run, "purge: only say what is due", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("enrol|devices|revoke|assign-van|export|audit|staff|demo|backup|restore|report|subject-access|withdraw-consent|erase|correct|purge");
  g_autoptr(GError) error = NULL;
  g_autoptr(PmStore) store = NULL;
  const char *command;
  PmRole role;
  gboolean restore;
  guint given;
  int found = -1;
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
  for (guint i = 0; i < G_N_ELEMENTS (commands) && found < 0; i++)
    if (g_str_equal (command, commands[i].command) &&
        (commands[i].subcommand == NULL || (argc > 2 && g_str_equal (argv[2], commands[i].subcommand))))
      found = i;
  if (found < 0)
    {
      g_autofree char *message = g_str_equal (command, "staff")
        ? g_strdup ("staff needs add, list or remove")
        : g_strdup_printf ("unknown admin command “%s”", command);

      return fail_usage (message);
    }
  given = (role_wire ? OPTION_ROLE : 0) | (city && *city ? OPTION_CITY : 0) | (format ? OPTION_FORMAT : 0) |
          (since_text ? OPTION_SINCE : 0) | (name && *name ? OPTION_NAME : 0) |
          (department ? OPTION_DEPARTMENT : 0) | (date ? OPTION_DATE : 0) | (force ? OPTION_FORCE : 0) |
          (month ? OPTION_MONTH : 0) | (json_path ? OPTION_JSON : 0) | (pdf_path ? OPTION_PDF : 0) | (on ? OPTION_ON : 0) |
          (field ? OPTION_FIELD : 0) | (value ? OPTION_VALUE : 0) | (dry_run ? OPTION_DRY_RUN : 0) |
          (van && *van ? OPTION_VAN : 0);
  role = pm_role_from_wire (role_wire);
  if (argc - 1 != commands[found].n_words || (given & ~commands[found].allowed) != 0 ||
      (given & commands[found].required) != commands[found].required ||
      (g_str_equal (command, "enrol") && !is_device_role (role)) ||
      /* A van's laptop reads its van's share, and only a van's laptop has one. */
      (g_str_equal (command, "enrol") && (role == PM_ROLE_FIELD) != ((given & OPTION_VAN) != 0)) ||
      (g_str_equal (command, "staff") && role_wire && role == PM_ROLE_INVALID))
    return fail_usage (commands[found].usage);
  if (department && !g_strv_contains (pm_departments (), department))
    return fail_usage ("--department must be soziales, einwohnerwesen, dispatch or it");
  if (g_str_equal (command, "demo"))
    {
      /* The demo's people, streets and routes are Halle's. */
      if (!g_str_equal (city, pm_city_get_id (pm_city_get_default ())))
        return fail_usage ("only halle has a demo week");
      if (date == NULL)
        date = pm_clock_today ();
      if (strlen (date) != 10 || (date_check = parse_since (date)) == NULL)
        return fail_usage ("--date must be YYYY-MM-DD");
    }
  if (g_str_equal (command, "report") &&
      (!pm_muvis_month_is_valid (month) || (g_strcmp0 (format, "csv") != 0 && g_strcmp0 (format, "json") != 0)))
    return fail_usage (commands[found].usage);
  if (g_str_equal (command, "subject-access") && json_path == NULL && pdf_path == NULL)
    return fail_usage (commands[found].usage);
  if (on && (strlen (on) != 10 || (date_check = parse_since (on)) == NULL))
    return fail_usage ("--on must be YYYY-MM-DD");
  if (g_str_equal (command, "correct") && correctable_field (field) == NULL)
    return fail_usage ("--field must be one of the person's text or date fields, e.g. family_name, street, phone");
  if (g_str_equal (command, "audit"))
    {
      if (format == NULL)
        format = g_strdup ("text");
      if (!g_str_equal (format, "text") && !g_str_equal (format, "json") && !g_str_equal (format, "csv"))
        return fail_usage ("--format must be text, json or csv");
      if (since_text && (since = parse_since (since_text)) == NULL)
        return fail_usage ("--since must be a date (YYYY-MM-DD) or an ISO 8601 time");
    }
  if (data_dir == NULL)
    return fail_usage ("admin needs --data-dir (or data-dir in the config file)");

  restore = g_str_equal (command, "restore");
  lock_fd = pm_server_store_lock (data_dir, restore, &error);
  if (lock_fd < 0)
    return fail (command, error);
  if (restore)
    rc = restore_store (data_dir, key_path, argv[2], force);
  else if (g_str_equal (command, "backup"))
    rc = backup_store (data_dir, key_path, argv[2]);
  else
    rc = -1;
  /* Backup and restore work on the file, and the store records them
   * afterwards (a restored store, that it was restored); the other commands
   * run on the store. */
  if (rc <= 0 && (store = pm_server_store_open (data_dir, key_path, &error)) == NULL)
    rc = fail (command, error);
  else if (rc <= 0)
    {
      /* Writes and reads name the server's admin in the records' audit. */
      pm_store_set_actor (store, ADMIN_ACTOR, PM_ROLE_ADMIN, NULL);
      if (rc == 0)
        rc = audit_admin (store, command, NULL, NULL, 0, argv[2], &error) ? 0 : fail (command, error);
      else if (g_str_equal (command, "enrol"))
        rc = enrol (store, role, city, van);
      else if (g_str_equal (command, "revoke"))
        rc = revoke_device (store, argv[2]);
      else if (g_str_equal (command, "assign-van"))
        rc = assign_van (store, argv[2], van);
      else if (g_str_equal (command, "export"))
        rc = export_records (store);
      else if (g_str_equal (command, "audit"))
        rc = list_audit (store, format, since);
      else if (g_str_equal (command, "staff") && g_str_equal (argv[2], "add"))
        rc = add_staff (store, name, department, role_wire);
      else if (g_str_equal (command, "staff") && g_str_equal (argv[2], "list"))
        rc = list_staff (store);
      else if (g_str_equal (command, "staff"))
        rc = remove_staff (store, argv[3]);
      else if (g_str_equal (command, "demo"))
        rc = seed_demo (store, city, date);
      else if (g_str_equal (command, "report"))
        rc = print_report (store, month, format);
      else if (g_str_equal (command, "subject-access"))
        rc = subject_access (store, argv[2], json_path, pdf_path);
      else if (g_str_equal (command, "withdraw-consent"))
        rc = withdraw_consent (store, argv[2], on);
      else if (g_str_equal (command, "erase"))
        rc = erase_subject (store, argv[2]);
      else if (g_str_equal (command, "correct"))
        rc = correct_subject (store, argv[2], field, value);
      else if (g_str_equal (command, "purge"))
        rc = purge (store, config, dry_run);
      else
        rc = list_devices (store);
      pm_store_close (store);
    }
  close (lock_fd);
  return rc;
}
