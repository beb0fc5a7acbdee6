/* pm-store-erase.c: deleting a record and what hangs on it
 *
 * One way for every deletion: a case past its deletion period on the
 * device, a record the data protection desk erases at the server (Art. 17
 * DSGVO; the server then keeps a deletion marker in its change log, see
 * pm-store-sync.c), and the same record on each device once the marker
 * arrives with a pull. The record goes with its signatures, drafts and
 * change-log rows; the audit keeps that it was deleted, and by whom (ids
 * only, no content).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pm-store"

#include "config.h"

#include "pm-model.h"
#include "pm-store-private.h"
#include "pm-store-sync.h"

gboolean
_pm_store_delete_record (PmStore     *self,
                         sqlite3     *db,
                         PmRecord    *record,
                         const char  *actor_id,
                         GError     **error)
{
  g_autofree char *delete_row = g_strdup_printf ("DELETE FROM %s WHERE id = ?",
                                                 PM_RECORD_GET_CLASS (record)->table);
  const char * const statements[] = {
    "DELETE FROM changes WHERE record_id IN (SELECT id FROM signatures WHERE record_id = ?)",
    "DELETE FROM signatures WHERE record_id = ?",
    "DELETE FROM drafts WHERE record_id = ?",
    "DELETE FROM changes WHERE record_id = ?",
    delete_row,
  };
  const char *id = pm_record_get_id (record);

  for (guint i = 0; i < G_N_ELEMENTS (statements); i++)
    if (!_pm_store_exec_texts (db, statements[i], "Deleting a record", error, 1, id))
      return FALSE;
  return _pm_store_insert_audit (self, db, actor_id, "delete", record, error);
}

typedef struct
{
  GPtrArray  *records;
  const char *actor_id;
} EraseData;

static gpointer
erase_job (PmStore  *self,
           sqlite3  *db,
           gpointer  data,
           GError  **error)
{
  EraseData *erase = data;

  for (guint i = 0; i < erase->records->len; i++)
    {
      PmRecord *record = g_ptr_array_index (erase->records, i);

      /* The marker replaces the record's change-log row: each device that
       * could see it drops it at its next pull. */
      if (!_pm_store_delete_record (self, db, record, erase->actor_id, error) ||
          !_pm_store_log_deletion (db, record, error))
        return NULL;
    }
  return self;
}

/**
 * pm_store_erase_records:
 * @records: (element-type PmRecord): what to erase, as read from this store
 *
 * Server end, for an erasure under Art. 17: deletes @records in one
 * transaction, each deletion audited under the signed-in actor, and logs a
 * deletion marker for each in the change log, so that every device that
 * holds one of them deletes it at its next pull.
 */
gboolean
pm_store_erase_records (PmStore    *self,
                        GPtrArray  *records,
                        GError    **error)
{
  EraseData erase = { records, pm_store_get_actor_id (self) };

  g_return_val_if_fail (PM_IS_STORE (self), FALSE);
  g_return_val_if_fail (records != NULL, FALSE);
  return _pm_store_run_sync (self, erase_job, &erase, error) != NULL;
}
