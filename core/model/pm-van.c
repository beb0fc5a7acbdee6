/* pm-van.c: a van of the mobile service
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pm-checks.h"
#include "pm-van.h"

struct _PmVan
{
  PmRecord   parent_instance;

  char      *name;
  char      *plate;
  char     **staff_ids;
  char     **skills;
};

G_DEFINE_FINAL_TYPE (PmVan, pm_van, PM_TYPE_RECORD)

#define FIELD(name, label, type, flags) { #name, label, type, flags, G_STRUCT_OFFSET (PmVan, name) }

static const PmFieldSpec fields[] = {
  FIELD (name, N_("Name"), PM_FIELD_STRING, PM_FIELD_REQUIRED),
  FIELD (plate, N_("Number plate"), PM_FIELD_STRING, 0),
  FIELD (staff_ids, N_("Staff"), PM_FIELD_STRV, 0),
  FIELD (skills, N_("Skills"), PM_FIELD_STRV, 0),
};

static gboolean
pm_van_validate (PmRecord  *record,
                 GError   **error)
{
  PmVan *self = PM_VAN (record);
  static const char * const skills[] = { "counselling", "id_capture", NULL };

  for (guint i = 0; self->skills && self->skills[i]; i++)
    if (!g_strv_contains (skills, self->skills[i]))
      {
        pm_set_field_error (error, record, "skills", _("contains an unknown skill"));
        return FALSE;
      }
  return pm_check_uuid_list (record, "staff_ids", error);
}

static void
pm_van_class_init (PmVanClass *klass)
{
  PmRecordClass *record_class = PM_RECORD_CLASS (klass);

  pm_record_class_install_fields (record_class, "van", "vans", fields, G_N_ELEMENTS (fields));
  record_class->validate = pm_van_validate;
}

static void
pm_van_init (PmVan *self)
{
}

PmVan *
pm_van_new (void)
{
  return g_object_new (PM_TYPE_VAN, NULL);
}
