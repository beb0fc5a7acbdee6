/* pm-store-subject.c: which device reported each record (server end)
 *
 * For an answer under Art. 15 the server says, per record, which device
 * created it and which device sent its latest version (the change log and
 * the record origins of sync), with each device's role; a record written
 * on the server itself (an admin command) names none.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "pm-store-private.h"
#include "pm-store-subject.h"

static char *
query_text (sqlite3    *db,
            const char *sql,
            const char *first,
            const char *second)
{
  sqlite3_stmt *stmt = NULL;
  char *text = NULL;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    return NULL;
  sqlite3_bind_text (stmt, 1, first, -1, SQLITE_STATIC);
  if (second)
    sqlite3_bind_text (stmt, 2, second, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_text (stmt, 0))
    text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return text;
}

static void
set_device (JsonObject *object,
            sqlite3    *db,
            const char *member,
            const char *device_id)
{
  g_autofree char *role = NULL;
  JsonObject *device;

  if (device_id == NULL)
    return;
  role = query_text (db, "SELECT role FROM devices WHERE id = ?", device_id, NULL);
  device = json_object_new ();
  json_object_set_string_member (device, "device_id", device_id);
  json_object_set_string_member (device, "role", role);
  json_object_set_object_member (object, member, device);
}

static gpointer
record_devices_job (PmStore  *self,
                    sqlite3  *db,
                    gpointer  data,
                    GError  **error)
{
  GPtrArray *records = data;
  JsonObject *devices = json_object_new ();

  for (guint i = 0; i < records->len; i++)
    {
      PmRecord *record = g_ptr_array_index (records, i);
      const char *kind = pm_record_get_kind (record);
      const char *id = pm_record_get_id (record);
      g_autofree char *created = query_text (db, "SELECT device_id FROM record_origins WHERE kind = ? AND record_id = ?",
                                             kind, id);
      g_autofree char *changed = query_text (db, "SELECT device_id FROM changes WHERE kind = ? AND record_id = ?",
                                             kind, id);
      JsonObject *entry = json_object_new ();

      set_device (entry, db, "created_by", created);
      set_device (entry, db, "last_changed_by", changed);
      json_object_set_object_member (devices, id, entry);
    }
  return devices;
}

/**
 * pm_store_dup_record_devices:
 *
 * `{RECORD_ID: {"created_by": {"device_id", "role"}, "last_changed_by":
 * {...}}}` for @records; a member is left out where no device wrote it.
 */
JsonObject *
pm_store_dup_record_devices (PmStore    *self,
                             GPtrArray  *records,
                             GError    **error)
{
  g_return_val_if_fail (PM_IS_STORE (self), NULL);
  return _pm_store_run_sync (self, record_devices_job, records, error);
}
