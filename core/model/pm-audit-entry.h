/* pm-audit-entry.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "pm-record.h"

G_BEGIN_DECLS

#define PM_TYPE_AUDIT_ENTRY (pm_audit_entry_get_type ())
G_DECLARE_FINAL_TYPE (PmAuditEntry, pm_audit_entry, PM, AUDIT_ENTRY, PmRecord)

PmAuditEntry *pm_audit_entry_new (void);
PmAuditEntry *pm_audit_entry_new_for (const char *actor_id,
                                      const char *action,
                                      const char *record_kind,
                                      const char *record_id,
                                      const char *at,
                                      const char *device);

G_END_DECLS
