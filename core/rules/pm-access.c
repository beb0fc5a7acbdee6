/* pm-access.c: what a person may read, by role and department
 *
 * Two data domains never mix (DESIGN.md): counselling, care grade and health
 * notes belong to Soziales; identity documents, fees and registration forms
 * to Einwohnerwesen. Both share the appointment layer (persons, addresses,
 * visits). The store applies these rules to every record it hands out, so
 * no screen can show more than the acting person may see.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "pm-access.h"
#include "pm-model.h"

/* The part of a case that the appointment layer needs: what was asked for
 * and where it stands. */
static const char * const case_summary_fields[] = {
  "visit_id", "citizen_id", "staff_id", "service", "status", "captured_on", NULL
};

static gboolean
is_admin (const PmViewer *viewer)
{
  return viewer->role == PM_ROLE_ADMIN;
}

static gboolean
in_department (const PmViewer *viewer,
               const char     *department)
{
  return is_admin (viewer) || g_strcmp0 (viewer->department, department) == 0;
}

static void
clear_all_but (PmRecord           *record,
               const char * const *keep)
{
  PmRecordClass *klass = PM_RECORD_GET_CLASS (record);

  for (guint i = 0; i < klass->n_fields; i++)
    {
      const PmFieldSpec *spec = &klass->fields[i];

      if (g_strv_contains (keep, spec->name))
        continue;
      switch (spec->type)
        {
        case PM_FIELD_STRING:
        case PM_FIELD_DATE:
        case PM_FIELD_JSON:
          pm_record_set_string (record, spec->name, NULL);
          break;
        case PM_FIELD_STRV:
          pm_record_set_strv (record, spec->name, NULL);
          break;
        case PM_FIELD_INT:
          pm_record_set_int (record, spec->name, 0);
          break;
        case PM_FIELD_DOUBLE:
          pm_record_set_double (record, spec->name, 0);
          break;
        case PM_FIELD_BOOLEAN:
          pm_record_set_boolean (record, spec->name, FALSE);
          break;
        default:
          g_assert_not_reached ();
        }
    }
}

static const char *
domain_of_signature (PmRecord *signature)
{
  return g_strcmp0 (pm_record_get_string (signature, "record_kind"), "case") == 0 ? "einwohnerwesen" : "soziales";
}

typedef enum
{
  SCOPE_NONE,    /* never sees a record of the kind */
  SCOPE_WHOLE,   /* sees every record of the kind whole */
  SCOPE_RECORD,  /* depends on the record, or sees part of it */
} Scope;

static Scope
scope_of (GType           type,
          const PmViewer *viewer)
{
  if (is_admin (viewer))
    return SCOPE_WHOLE;
  /* The social planning works with figures, never a single record; the
   * staff roster only, for its key slots. */
  if (viewer->role == PM_ROLE_PLANNING)
    return g_type_is_a (type, PM_TYPE_STAFF) ? SCOPE_WHOLE : SCOPE_NONE;
  if (g_type_is_a (type, PM_TYPE_COUNSELLING_RECORD))
    return in_department (viewer, "soziales") ? SCOPE_WHOLE : SCOPE_NONE;
  if (g_type_is_a (type, PM_TYPE_CONSENT))
    return in_department (viewer, "soziales") ? SCOPE_WHOLE
           : in_department (viewer, "einwohnerwesen") ? SCOPE_RECORD : SCOPE_NONE;
  if (g_type_is_a (type, PM_TYPE_SIGNATURE))
    return SCOPE_RECORD;
  if (g_type_is_a (type, PM_TYPE_AUDIT_ENTRY))
    return SCOPE_NONE;
  if (g_type_is_a (type, PM_TYPE_CASH_CLOSURE))
    return pm_access_sees_case_details (viewer) ? SCOPE_WHOLE : SCOPE_NONE;
  if (g_type_is_a (type, PM_TYPE_CASE))
    return pm_access_sees_case_details (viewer) ? SCOPE_WHOLE : SCOPE_RECORD;
  if (g_type_is_a (type, PM_TYPE_CITIZEN))
    return in_department (viewer, "soziales") ? SCOPE_WHOLE : SCOPE_RECORD;
  return SCOPE_WHOLE;
}

/**
 * pm_access_filter:
 *
 * Returns %FALSE when @viewer may not see @record at all; otherwise strips
 * the fields outside the viewer's domain and returns %TRUE.
 */
gboolean
pm_access_filter (PmRecord       *record,
                  const PmViewer *viewer)
{
  g_return_val_if_fail (PM_IS_RECORD (record), FALSE);

  switch (scope_of (G_OBJECT_TYPE (record), viewer))
    {
    case SCOPE_NONE:
      return FALSE;
    case SCOPE_WHOLE:
      return TRUE;
    case SCOPE_RECORD:
    default:
      break;
    }
  /* The registration office sees a consent to disclose a PIN letter. */
  if (PM_IS_CONSENT (record))
    return g_strcmp0 (pm_record_get_string (record, "purpose"), "pin_disclosure") == 0;
  if (PM_IS_SIGNATURE (record))
    return in_department (viewer, domain_of_signature (record));
  if (PM_IS_CASE (record))
    clear_all_but (record, case_summary_fields);
  if (PM_IS_CITIZEN (record))
    /* The care grade is health data. */
    pm_record_set_string (record, "care_grade", NULL);
  return TRUE;
}

/**
 * pm_access_keeps_whole:
 *
 * Whether @viewer sees every record of @type whole, whatever it holds: then
 * pm_access_filter() neither hides nor changes any of them, and a record
 * may be handed out as stored.
 */
gboolean
pm_access_keeps_whole (GType           type,
                       const PmViewer *viewer)
{
  return scope_of (type, viewer) == SCOPE_WHOLE;
}

/* A case's details (form, documents, fee, number) are Einwohnerwesen's. */
gboolean
pm_access_sees_case_details (const PmViewer *viewer)
{
  return in_department (viewer, "einwohnerwesen");
}

/* Opening one of these (not a list row) is written to the audit log. */
gboolean
pm_access_is_audited (PmRecord *record)
{
  return PM_IS_COUNSELLING_RECORD (record) || PM_IS_CASE (record);
}

/**
 * pm_access_may_push:
 *
 * Whether a device enrolled with @role may send edits of @record to the
 * server: the van records what happened, dispatch owns the schedule, each
 * office its own domain.
 */
gboolean
pm_access_may_push (PmRecord *record,
                    PmRole    role)
{
  g_return_val_if_fail (PM_IS_RECORD (record), FALSE);

  if (PM_IS_AUDIT_ENTRY (record))
    return FALSE;
  switch (role)
    {
    case PM_ROLE_ADMIN:
      return TRUE;
    case PM_ROLE_FIELD:
      return PM_IS_VISIT (record) || PM_IS_CITIZEN (record) || PM_IS_COUNSELLING_RECORD (record) ||
             PM_IS_CASE (record) || PM_IS_CONSENT (record) || PM_IS_SIGNATURE (record) ||
             PM_IS_CASH_CLOSURE (record);
    case PM_ROLE_DISPATCH:
      return PM_IS_VISIT (record) || PM_IS_CITIZEN (record) || PM_IS_VAN (record) || PM_IS_STAFF (record);
    case PM_ROLE_EINWOHNERWESEN:
      /* A query or a hand-over becomes a task on a visit or a visit request. */
      return PM_IS_CASE (record) || PM_IS_VISIT (record);
    case PM_ROLE_SOZIALES:
      /* A follow-up visit is ordered as a request; dispatch plans it. */
      return PM_IS_COUNSELLING_RECORD (record) || PM_IS_CITIZEN (record) || PM_IS_CONSENT (record) ||
             (PM_IS_VISIT (record) && g_strcmp0 (pm_record_get_string (record, "status"), "requested") == 0);
    case PM_ROLE_PLANNING:
    case PM_ROLE_INVALID:
    default:
      return FALSE;
    }
}

/* What a device of @role receives: the offices see their own department's
 * records; the van and dispatch see schedules and case summaries. */
PmViewer
pm_access_device_viewer (PmRole role)
{
  PmViewer viewer = { role, NULL };

  if (role == PM_ROLE_EINWOHNERWESEN)
    viewer.department = "einwohnerwesen";
  else if (role == PM_ROLE_SOZIALES)
    viewer.department = "soziales";
  return viewer;
}
