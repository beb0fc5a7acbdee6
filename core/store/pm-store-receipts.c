/* pm-store-receipts.c: receipt numbers per van and year, without gaps
 *
 * A paid case gets the next number of its van's counter for the year in the
 * same transaction that stores the case: if the save fails, the counter
 * rolls back with it, so numbers run on without gaps, as cash audits expect.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pm-store"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "pm-error.h"
#include "pm-model.h"
#include "pm-store-private.h"

static char *
lookup_data_field (sqlite3    *db,
                   const char *table,
                   const char *id,
                   const char *field)
{
  g_autofree char *sql = g_strdup_printf ("SELECT json_extract (data, '$.%s') FROM %s WHERE id = ?", field, table);
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  if (id && sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_text (stmt, 0))
        value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
    }
  sqlite3_finalize (stmt);
  return value;
}

static char *
only_van (sqlite3 *db)
{
  sqlite3_stmt *stmt = NULL;
  char *van = NULL;

  if (sqlite3_prepare_v2 (db, "SELECT id FROM vans LIMIT 2", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    {
      van = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      if (sqlite3_step (stmt) == SQLITE_ROW)
        g_clear_pointer (&van, g_free);
    }
  sqlite3_finalize (stmt);
  return van;
}

/* The van that took the payment: the visit's, else the clerk's own, else
 * the one van this laptop belongs to. */
static char *
van_of (sqlite3    *db,
        PmRecord   *kase,
        const char *actor_id)
{
  char *van = lookup_data_field (db, "visits", pm_record_get_string (kase, "visit_id"), "van_id");

  if (van == NULL)
    van = lookup_data_field (db, "staff", actor_id, "van_id");
  return van ? van : only_van (db);
}

static gboolean
next_value (sqlite3     *db,
            const char  *counter,
            gint64      *value,
            GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean ok = FALSE;

  if (sqlite3_prepare_v2 (db, "INSERT INTO counters (name, value) VALUES (?1, 1) "
                              "ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value",
                          -1, &stmt, NULL) == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, counter, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        {
          *value = sqlite3_column_int64 (stmt, 0);
          ok = TRUE;
        }
    }
  if (!ok)
    _pm_store_set_sql_error (error, db, "Counting receipts");
  sqlite3_finalize (stmt);
  return ok;
}

/* "HAL-PM 101" → "HALPM101": short enough for a receipt column. */
static char *
compact_plate (char *plate)
{
  char *out = plate;

  for (const char *in = plate; *in; in++)
    if (g_ascii_isalnum (*in))
      *out++ = g_ascii_toupper (*in);
  *out = '\0';
  return plate;
}

gboolean
_pm_store_assign_receipt (sqlite3     *db,
                          PmRecord    *kase,
                          const char  *actor_id,
                          gboolean    *assigned,
                          GError     **error)
{
  const char *method = pm_record_get_string (kase, "payment_method");
  const char *captured_on = pm_record_get_string (kase, "captured_on");
  g_autofree char *van = NULL;
  g_autofree char *plate = NULL;
  g_autofree char *counter = NULL;
  g_autofree char *receipt = NULL;
  gint64 value;

  *assigned = FALSE;
  if (pm_record_get_string (kase, "receipt_no") || method == NULL || g_str_equal (method, "none") ||
      pm_record_get_int (kase, "fee_cents") <= 0 || captured_on == NULL || strlen (captured_on) < 4)
    return TRUE;

  van = van_of (db, kase, actor_id);
  plate = van ? lookup_data_field (db, "vans", van, "plate") : NULL;
  if (plate == NULL)
    {
      pm_set_field_error (error, kase, "receipt_no", _("can be given only for a van with a number plate"));
      return FALSE;
    }
  counter = g_strdup_printf ("receipt/%s/%.4s", van, captured_on);
  if (!next_value (db, counter, &value, error))
    return FALSE;
  receipt = g_strdup_printf ("%s-%.4s-%05" G_GINT64_FORMAT, compact_plate (plate), captured_on, value);
  pm_record_set_string (kase, "receipt_no", receipt);
  *assigned = TRUE;
  return TRUE;
}
