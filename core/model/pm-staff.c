/* pm-staff.c: a member of staff, with department
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pm-checks.h"
#include "pm-staff.h"
#include "pm-status.h"

struct _PmStaff
{
  PmRecord  parent_instance;

  char     *display_name;
  char     *department;
  char     *role;
  char     *van_id;
  char     *phone;
  char     *removed_at;
};

G_DEFINE_FINAL_TYPE (PmStaff, pm_staff, PM_TYPE_RECORD)

#define FIELD(name, label, type, flags) { #name, label, type, flags, G_STRUCT_OFFSET (PmStaff, name) }

static const PmFieldSpec fields[] = {
  FIELD (display_name, N_("Name"), PM_FIELD_STRING, PM_FIELD_REQUIRED),
  FIELD (department, N_("Department"), PM_FIELD_STRING, PM_FIELD_REQUIRED | PM_FIELD_COLUMN),
  FIELD (role, N_("Role"), PM_FIELD_STRING, PM_FIELD_REQUIRED),
  FIELD (van_id, N_("Van"), PM_FIELD_STRING, 0),
  FIELD (phone, N_("Phone"), PM_FIELD_STRING, 0),
  /* Set by the server's `admin staff remove`: each laptop then drops the
   * person's key slot at its next sync. */
  FIELD (removed_at, N_("Removed"), PM_FIELD_STRING, 0),
};

static gboolean
pm_staff_validate (PmRecord  *record,
                   GError   **error)
{
  PmStaff *self = PM_STAFF (record);

  if (!pm_check_one_of (record, "department", pm_departments (), TRUE, error))
    return FALSE;
  if (pm_role_from_wire (self->role) == PM_ROLE_INVALID)
    {
      pm_set_field_error (error, record, "role", _("is not a known role"));
      return FALSE;
    }
  return pm_check_uuid (record, "van_id", FALSE, error);
}

static void
pm_staff_class_init (PmStaffClass *klass)
{
  PmRecordClass *record_class = PM_RECORD_CLASS (klass);

  pm_record_class_install_fields (record_class, "staff", "staff", fields, G_N_ELEMENTS (fields));
  record_class->validate = pm_staff_validate;
}

static void
pm_staff_init (PmStaff *self)
{
}

PmStaff *
pm_staff_new (void)
{
  return g_object_new (PM_TYPE_STAFF, NULL);
}
