/* pm-pdf-records.c: a record's document, with what it needs from the store
 *
 * The care plan needs the person and the counsellor, the receipt the person
 * and the signature: one place looks them up for the app and the CLI.
 * Blocking: call it off the main thread in a GUI.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pm-error.h"
#include "pm-handover.h"
#include "pm-model.h"
#include "pm-pdf-records.h"
#include "pm-pdf.h"

/* The signature given for @record, or NULL (with @error set only when the
 * store failed). */
PmRecord *
pm_pdf_find_signature (PmStore   *store,
                       PmRecord  *record,
                       GError   **error)
{
  g_autoptr(GPtrArray) signatures = pm_store_list (store, PM_TYPE_SIGNATURE, error);

  for (guint i = 0; signatures && i < signatures->len; i++)
    if (g_strcmp0 (pm_record_get_string (g_ptr_array_index (signatures, i), "record_id"),
                   pm_record_get_id (record)) == 0)
      return g_object_ref (g_ptr_array_index (signatures, i));
  return NULL;
}

gboolean
pm_pdf_write_for_record (PmStore     *store,
                         PmRecord    *record,
                         const char  *path,
                         GError     **error)
{
  g_autoptr(PmRecord) citizen = NULL;

  g_return_val_if_fail (PM_IS_STORE (store), FALSE);
  g_return_val_if_fail (PM_IS_CASE (record) || PM_IS_COUNSELLING_RECORD (record), FALSE);

  citizen = pm_store_get (store, PM_TYPE_CITIZEN, pm_record_get_string (record, "citizen_id"), error);
  if (citizen == NULL)
    return FALSE;
  /* Printing opens the record as much as its page does. */
  if (!pm_store_log_read (store, record, "print", error))
    return FALSE;
  if (PM_IS_CASE (record))
    {
      g_autoptr(GError) missing = NULL;
      g_autoptr(PmRecord) signature = pm_pdf_find_signature (store, record, &missing);

      return pm_pdf_write_receipt (path, record, citizen, signature, error);
    }
  {
    g_autoptr(PmRecord) counsellor = pm_store_get (store, PM_TYPE_STAFF,
                                                   pm_record_get_string (record, "staff_id"), NULL);

    return pm_pdf_write_care_plan (path, record, citizen, counsellor, error);
  }
}

/* The pre-registration sheet is drawn from the hand-over object, so the
 * sheet and the JSON export always carry the same fields. */
gboolean
pm_pdf_write_handover_sheet (PmStore     *store,
                             const char  *case_id,
                             const char  *path,
                             GError     **error)
{
  g_autoptr(JsonObject) handover = pm_handover_case_json (store, case_id, "print", error);

  return handover != NULL && pm_pdf_write_preregistration (path, handover, error);
}

/* "Versorgungsplan-Muster-2026-11-22.pdf" in the documents folder. */
char *
pm_pdf_default_path (PmRecord *record,
                     PmRecord *citizen)
{
  const char *documents = g_get_user_special_dir (G_USER_DIRECTORY_DOCUMENTS);
  g_autofree char *dir = g_build_filename (documents ? documents : g_get_home_dir (), "PePaMo", NULL);
  /* Translators: file name parts of the documents; keep them short, no spaces */
  const char *what = PM_IS_CASE (record) ? _("Receipt") : _("Care-plan");
  g_autofree char *day = g_strndup (pm_record_get_updated_at (record) ? pm_record_get_updated_at (record) : "", 10);
  g_autofree char *name = g_strdup_printf ("%s-%s-%s.pdf", what,
                                           citizen ? pm_record_get_string (citizen, "family_name") : "",
                                           day);

  g_strdelimit (name, " /\\\\", '-');
  return g_build_filename (dir, name, NULL);
}
