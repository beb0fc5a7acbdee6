/* pm-server-storage.h: what pepamo-server's HTTP front needs from its storage
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "pm-muvis-report.h"
#include "pm-status.h"

G_BEGIN_DECLS

#define PM_TYPE_SERVER_STORAGE (pm_server_storage_get_type ())
G_DECLARE_INTERFACE (PmServerStorage, pm_server_storage, PM, SERVER_STORAGE, GObject)

/* Every operation is synchronous (the HTTP front calls it on its main loop)
 * and, where it writes, one transaction. The wire shapes of what goes in and
 * out are those of sync/PROTOCOL.md. */
struct _PmServerStorageInterface
{
  GTypeInterface parent_iface;

  JsonObject    * (*find_device)   (PmServerStorage  *self,
                                    const char       *token,
                                    GError          **error);
  gboolean        (*append_audit)  (PmServerStorage  *self,
                                    const char       *action,
                                    const char       *device_id,
                                    const char       *role,
                                    const char       *actor_id,
                                    gint64            count,
                                    const char       *detail,
                                    GError          **error);
  JsonArray     * (*apply_push)    (PmServerStorage  *self,
                                    const char       *device_id,
                                    PmRole            role,
                                    guint             protocol,
                                    JsonArray        *entries,
                                    GError          **error);
  gint64          (*keep_device_audit) (PmServerStorage  *self,
                                        const char       *device_id,
                                        JsonArray        *audit,
                                        GError          **error);
  char          * (*changes_since) (PmServerStorage  *self,
                                    gint64            after,
                                    const char       *epoch,
                                    gboolean          with_issues,
                                    guint             limit,
                                    const char       *device_id,
                                    PmRole            role,
                                    GError          **error);
  PmMuvisReport * (*muvis_report)  (PmServerStorage  *self,
                                    const char       *month,
                                    GError          **error);
};

JsonObject    *pm_server_storage_find_device   (PmServerStorage  *self,
                                                const char       *token,
                                                GError          **error);
gboolean       pm_server_storage_append_audit  (PmServerStorage  *self,
                                                const char       *action,
                                                const char       *device_id,
                                                const char       *role,
                                                const char       *actor_id,
                                                gint64            count,
                                                const char       *detail,
                                                GError          **error);
JsonArray     *pm_server_storage_apply_push    (PmServerStorage  *self,
                                                const char       *device_id,
                                                PmRole            role,
                                                guint             protocol,
                                                JsonArray        *entries,
                                                GError          **error);
gint64         pm_server_storage_keep_device_audit (PmServerStorage  *self,
                                                    const char       *device_id,
                                                    JsonArray        *audit,
                                                    GError          **error);
char          *pm_server_storage_changes_since (PmServerStorage  *self,
                                                gint64            after,
                                                const char       *epoch,
                                                gboolean          with_issues,
                                                guint             limit,
                                                const char       *device_id,
                                                PmRole            role,
                                                GError          **error);
PmMuvisReport *pm_server_storage_muvis_report  (PmServerStorage  *self,
                                                const char       *month,
                                                GError          **error);

G_END_DECLS
