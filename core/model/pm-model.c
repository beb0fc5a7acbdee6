/* pm-model.c: all record types, and lookup by wire id
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "pm-model.h"

/* In dependency order: a record only refers to kinds listed before it, which
 * is the order export and import use. */
const GType *
pm_model_get_types (guint *n_types)
{
  static GType types[10];
  static gsize initialized;

  if (g_once_init_enter (&initialized))
    {
      GType t[] = {
        PM_TYPE_STAFF, PM_TYPE_VAN, PM_TYPE_CITIZEN, PM_TYPE_VISIT,
        PM_TYPE_COUNSELLING_RECORD, PM_TYPE_CASE, PM_TYPE_CONSENT,
        PM_TYPE_SIGNATURE, PM_TYPE_CASH_CLOSURE, PM_TYPE_AUDIT_ENTRY,
      };

      G_STATIC_ASSERT (G_N_ELEMENTS (t) == G_N_ELEMENTS (types));
      /* Class refs are kept for the life of the process: the kinds must be
       * known before the first record of each type is made. */
      for (guint i = 0; i < G_N_ELEMENTS (t); i++)
        {
          g_type_class_ref (t[i]);
          types[i] = t[i];
        }
      g_once_init_leave (&initialized, 1);
    }
  *n_types = G_N_ELEMENTS (types);
  return types;
}

GType
pm_model_type_for (const char *kind)
{
  guint n;
  const GType *types = pm_model_get_types (&n);

  for (guint i = 0; kind && i < n; i++)
    {
      PmRecordClass *klass = g_type_class_peek (types[i]);

      if (g_str_equal (klass->kind, kind))
        return types[i];
    }
  return G_TYPE_INVALID;
}
