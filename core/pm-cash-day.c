/* pm-cash-day.c: closing a van's day of payments
 *
 * The van's registration clerk closes the day; the closure is a record like
 * any other, so it reaches the registration office by sync. The office only
 * reads the closures that arrived: it never counts a van's day itself.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pm-cash-day.h"
#include "pm-error.h"
#include "pm-model.h"

/**
 * pm_cash_day_find_van:
 * @van: (nullable): the van's id, name or number plate; %NULL for the
 *   store's only van
 *
 * Returns: (transfer full): the van, or %NULL with %PM_ERROR_NOT_FOUND
 */
PmRecord *
pm_cash_day_find_van (PmStore     *store,
                      const char  *van,
                      GError     **error)
{
  g_autoptr(GPtrArray) vans = pm_store_list (store, PM_TYPE_VAN, error);

  if (vans == NULL)
    return NULL;
  if (van == NULL)
    {
      if (vans->len == 1)
        return g_object_ref (g_ptr_array_index (vans, 0));
      g_set_error (error, PM_ERROR, PM_ERROR_NOT_FOUND,
                   vans->len == 0 ? _("This store holds no van") : _("This store holds several vans: name one"));
      return NULL;
    }
  for (guint i = 0; i < vans->len; i++)
    {
      PmRecord *candidate = g_ptr_array_index (vans, i);

      if (g_strcmp0 (pm_record_get_id (candidate), van) == 0 ||
          g_strcmp0 (pm_record_get_string (candidate, "name"), van) == 0 ||
          g_strcmp0 (pm_record_get_string (candidate, "plate"), van) == 0)
        return g_object_ref (candidate);
    }
  g_set_error (error, PM_ERROR, PM_ERROR_NOT_FOUND, _("No van “%s”"), van);
  return NULL;
}

/* A case belongs to the van of its visit; one without a planned visit to the
 * store's only van (a van's laptop holds just its own). */
static GPtrArray *
list_cases_of_day (PmStore     *store,
                   PmRecord    *van,
                   const char  *day,
                   GError     **error)
{
  g_autoptr(GPtrArray) cases = pm_store_list (store, PM_TYPE_CASE, error);
  g_autoptr(GPtrArray) visits = cases ? pm_store_list (store, PM_TYPE_VISIT, error) : NULL;
  g_autoptr(GHashTable) van_of_visit = g_hash_table_new (g_str_hash, g_str_equal);
  gint64 n_vans = visits ? pm_store_count (store, PM_TYPE_VAN, error) : -1;
  GPtrArray *of_day;

  if (n_vans < 0)
    return NULL;
  for (guint i = 0; i < visits->len; i++)
    {
      PmRecord *visit = g_ptr_array_index (visits, i);
      const char *van_id = pm_record_get_string (visit, "van_id");

      if (van_id)
        g_hash_table_insert (van_of_visit, (gpointer) pm_record_get_id (visit), (gpointer) van_id);
    }
  of_day = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < cases->len; i++)
    {
      PmRecord *kase = g_ptr_array_index (cases, i);
      const char *visit_id = pm_record_get_string (kase, "visit_id");
      const char *van_id = visit_id ? g_hash_table_lookup (van_of_visit, visit_id) : NULL;

      if (g_strcmp0 (pm_record_get_string (kase, "captured_on"), day) != 0)
        continue;
      if (van_id ? g_str_equal (van_id, pm_record_get_id (van)) : n_vans == 1)
        g_ptr_array_add (of_day, g_object_ref (kase));
    }
  return of_day;
}

/**
 * pm_cash_day_lookup:
 *
 * Returns: (transfer full) (nullable): the van's closure of @day, %NULL
 *   without an error when the day was not closed (or has not arrived)
 */
PmCashClosure *
pm_cash_day_lookup (PmStore     *store,
                    PmRecord    *van,
                    const char  *day,
                    GError     **error)
{
  g_autoptr(GPtrArray) closures = pm_store_list (store, PM_TYPE_CASH_CLOSURE, error);
  PmRecord *found = NULL;

  if (closures == NULL)
    return NULL;
  /* A device enrolled twice may have closed the same day twice: the later
   * closure stands. */
  for (guint i = 0; i < closures->len; i++)
    {
      PmRecord *closure = g_ptr_array_index (closures, i);

      if (g_strcmp0 (pm_record_get_string (closure, "van_id"), pm_record_get_id (van)) != 0 ||
          g_strcmp0 (pm_record_get_string (closure, "day"), day) != 0)
        continue;
      if (found == NULL ||
          g_strcmp0 (pm_record_get_string (closure, "closed_at"), pm_record_get_string (found, "closed_at")) > 0)
        found = closure;
    }
  return found ? g_object_ref (PM_CASH_CLOSURE (found)) : NULL;
}

/**
 * pm_cash_day_close:
 *
 * Counts the van's cases of @day and stores the closure under the acting
 * staff member, replacing an earlier closure of the same day. Only the
 * registration office's staff may: the others never see fees.
 *
 * Returns: (transfer full): the stored closure
 */
PmCashClosure *
pm_cash_day_close (PmStore     *store,
                   PmRecord    *van,
                   const char  *day,
                   GError     **error)
{
  g_autofree char *department = pm_store_dup_actor_department (store);
  g_autoptr(GPtrArray) cases = NULL;
  g_autoptr(PmCashClosure) closure = NULL;
  g_autoptr(PmCashClosure) earlier = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (PM_IS_VAN (van), NULL);

  if (pm_store_get_actor_role (store) != PM_ROLE_ADMIN && g_strcmp0 (department, "einwohnerwesen") != 0)
    {
      g_set_error (error, PM_ERROR, PM_ERROR_DENIED,
                   _("The cash closure is made by the registration clerk"));
      return NULL;
    }
  cases = list_cases_of_day (store, van, day, error);
  if (cases == NULL)
    return NULL;
  earlier = pm_cash_day_lookup (store, van, day, &local_error);
  if (local_error)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  closure = pm_cash_closure_new_for_day (pm_record_get_id (van), pm_record_get_string (van, "name"), day, cases);
  pm_record_set_string (PM_RECORD (closure), "staff_id", pm_store_get_actor_id (store));
  if (earlier)
    {
      pm_record_set_id (PM_RECORD (closure), pm_record_get_id (PM_RECORD (earlier)));
      pm_record_set_version (PM_RECORD (closure), pm_record_get_version (PM_RECORD (earlier)));
    }
  if (!pm_store_save (store, PM_RECORD (closure), error))
    return NULL;
  return g_steal_pointer (&closure);
}
