/* pm-erasure.c: what an erasure under Art. 17 DSGVO deletes, and what it keeps
 *
 * The data protection desk erases a person on request: their record and
 * every record about them (from pm_subject_access_collect()) go, except
 * what the law requires the city to keep (../shared/DOMAIN.md, Retention):
 *
 * - a passport or ID case (service kind passport_id): the application
 *   documents are kept until a new document is issued, at most 5 years
 *   after the document's expiry (§ 23(4), § 26(1) PAuswG; § 21(4) PassG).
 *   PePaMo holds only the hand-over copy; the server's deletion period for
 *   cases still removes it, and the register itself lives in the
 *   registration system.
 * - the signatures on a kept record, which belong to it;
 * - the audit entries: they hold ids only (who did what to which record,
 *   when), keep the processing accountable (Art. 5(2)) and go with the
 *   audit's own deletion period.
 *
 * A visit that names other people too stays for them, without the person.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "pm-catalogue.h"
#include "pm-erasure.h"
#include "pm-model.h"

static const char *
kept_because (PmRecord   *record,
              GHashTable *kept_ids)
{
  const PmService *service;

  if (PM_IS_AUDIT_ENTRY (record))
    return "audit entry (ids only): keeps the processing accountable, deleted with the audit's period";
  if (PM_IS_SIGNATURE (record) && g_hash_table_contains (kept_ids, pm_record_get_string (record, "record_id")))
    return "signature on a kept record";
  if (!PM_IS_CASE (record))
    return NULL;
  service = pm_catalogue_lookup_service (pm_catalogue_get_default (), pm_record_get_string (record, "service"));
  if (service && g_strcmp0 (service->kind, "passport_id") == 0)
    return "passport/ID application (§ 23(4), § 26(1) PAuswG, § 21(4) PassG): kept until the server's case "
           "deletion period ends";
  return NULL;
}

static gboolean
names_others (PmRecord   *visit,
              const char *citizen_id)
{
  const char * const *ids = pm_record_get_strv (visit, "citizen_ids");

  for (guint i = 0; ids && ids[i]; i++)
    if (!g_str_equal (ids[i], citizen_id))
      return TRUE;
  return FALSE;
}

static PmRecord *
without_person (PmRecord   *visit,
                const char *citizen_id)
{
  PmRecord *copy = pm_record_copy (visit);
  const char * const *ids = pm_record_get_strv (visit, "citizen_ids");
  g_autoptr(GStrvBuilder) others = g_strv_builder_new ();
  g_auto(GStrv) remaining = NULL;

  for (guint i = 0; ids[i]; i++)
    if (!g_str_equal (ids[i], citizen_id))
      g_strv_builder_add (others, ids[i]);
  remaining = g_strv_builder_end (others);
  pm_record_set_strv (copy, "citizen_ids", (const char * const *) remaining);
  return copy;
}

/**
 * pm_erasure_plan_new:
 * @records: (element-type PmRecord): everything about @citizen_id, as
 *   pm_subject_access_collect() gathers it (signatures after what they sign)
 *
 * Splits @records into what the erasure deletes, the visits it only
 * removes the person from, and what it keeps, with the reason.
 */
PmErasurePlan *
pm_erasure_plan_new (GPtrArray  *records,
                     const char *citizen_id)
{
  PmErasurePlan *plan = g_new0 (PmErasurePlan, 1);
  g_autoptr(GHashTable) kept_ids = g_hash_table_new (g_str_hash, g_str_equal);

  plan->erase = g_ptr_array_new_with_free_func (g_object_unref);
  plan->unlink = g_ptr_array_new_with_free_func (g_object_unref);
  plan->keep = g_ptr_array_new_with_free_func (g_object_unref);
  plan->reasons = g_ptr_array_new ();
  for (guint i = 0; i < records->len; i++)
    {
      PmRecord *record = g_ptr_array_index (records, i);
      const char *reason = kept_because (record, kept_ids);

      if (reason)
        {
          g_hash_table_add (kept_ids, (gpointer) pm_record_get_id (record));
          g_ptr_array_add (plan->keep, g_object_ref (record));
          g_ptr_array_add (plan->reasons, (gpointer) reason);
        }
      else if (PM_IS_VISIT (record) && names_others (record, citizen_id))
        g_ptr_array_add (plan->unlink, without_person (record, citizen_id));
      else
        g_ptr_array_add (plan->erase, g_object_ref (record));
    }
  return plan;
}

void
pm_erasure_plan_free (PmErasurePlan *plan)
{
  g_ptr_array_unref (plan->erase);
  g_ptr_array_unref (plan->unlink);
  g_ptr_array_unref (plan->keep);
  g_ptr_array_unref (plan->reasons);
  g_free (plan);
}
