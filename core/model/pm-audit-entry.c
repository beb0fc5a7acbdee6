/* pm-audit-entry.c: who read or changed what, when (append-only)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pm-audit-entry.h"
#include "pm-checks.h"

struct _PmAuditEntry
{
  PmRecord  parent_instance;

  char     *actor_id;
  char     *action;
  char     *record_kind;
  char     *record_id;
  char     *at;
  char     *device;
};

G_DEFINE_FINAL_TYPE (PmAuditEntry, pm_audit_entry, PM_TYPE_RECORD)

#define FIELD(name, label, type, flags) { #name, label, type, flags, G_STRUCT_OFFSET (PmAuditEntry, name) }

static const PmFieldSpec fields[] = {
  FIELD (actor_id, N_("Acting person"), PM_FIELD_STRING, PM_FIELD_REQUIRED | PM_FIELD_COLUMN),
  FIELD (action, N_("Action"), PM_FIELD_STRING, PM_FIELD_REQUIRED),
  FIELD (record_kind, N_("Record type"), PM_FIELD_STRING, PM_FIELD_REQUIRED),
  FIELD (record_id, N_("Record"), PM_FIELD_STRING, PM_FIELD_COLUMN),
  FIELD (at, N_("Time"), PM_FIELD_STRING, PM_FIELD_REQUIRED | PM_FIELD_COLUMN),
  FIELD (device, N_("Device"), PM_FIELD_STRING, 0),
};

static const char * const actions[] = {
  "read", "create", "update", "export", "print", "delete", NULL
};

static gboolean
pm_audit_entry_validate (PmRecord  *record,
                         GError   **error)
{
  return pm_check_one_of (record, "action", actions, TRUE, error) &&
         pm_check_uuid (record, "record_id", FALSE, error);
}

static void
pm_audit_entry_class_init (PmAuditEntryClass *klass)
{
  PmRecordClass *record_class = PM_RECORD_CLASS (klass);

  pm_record_class_install_fields (record_class, "audit", "audit", fields, G_N_ELEMENTS (fields));
  record_class->validate = pm_audit_entry_validate;
}

static void
pm_audit_entry_init (PmAuditEntry *self)
{
}

PmAuditEntry *
pm_audit_entry_new (void)
{
  return g_object_new (PM_TYPE_AUDIT_ENTRY, NULL);
}

/* An entry with its fields set at once, for the store, which writes one
 * for every change: setting them one property at a time showed in the
 * server's profile. Nobody watches a new entry, so nothing is notified. */
PmAuditEntry *
pm_audit_entry_new_for (const char *actor_id,
                        const char *action,
                        const char *record_kind,
                        const char *record_id,
                        const char *at,
                        const char *device)
{
  PmAuditEntry *self = pm_audit_entry_new ();

  self->actor_id = g_strdup (actor_id);
  self->action = g_strdup (action);
  self->record_kind = g_strdup (record_kind);
  self->record_id = g_strdup (record_id);
  self->at = g_strdup (at);
  self->device = g_strdup (device);
  return self;
}
