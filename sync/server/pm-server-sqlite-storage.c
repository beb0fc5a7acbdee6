/* pm-server-sqlite-storage.c: PmServerStorage on the encrypted SQLite store
 *
 * The same store as on the devices (core/store), whose one writer thread
 * serializes the transactions. Its actor is the server itself as admin, for
 * the reads of the MUVIS report (the figures span every department); pushes
 * name their own actors and pulls filter for the device's role.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "pm-server-sqlite-storage.h"
#include "pm-store-sync.h"

struct _PmServerSqliteStorage
{
  GObject  parent_instance;

  PmStore *store;
};

static void storage_iface_init (PmServerStorageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PmServerSqliteStorage, pm_server_sqlite_storage, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (PM_TYPE_SERVER_STORAGE, storage_iface_init))

static JsonObject *
find_device (PmServerStorage  *storage,
             const char       *token,
             GError          **error)
{
  return pm_store_find_device (PM_SERVER_SQLITE_STORAGE (storage)->store, token, error);
}

static gboolean
append_audit (PmServerStorage  *storage,
              const char       *action,
              const char       *device_id,
              const char       *role,
              const char       *actor_id,
              gint64            count,
              const char       *detail,
              GError          **error)
{
  return pm_store_append_server_audit (PM_SERVER_SQLITE_STORAGE (storage)->store, action, device_id, role, actor_id,
                                       count, detail, error);
}

static JsonArray *
apply_push (PmServerStorage  *storage,
            const char       *device_id,
            PmRole            role,
            guint             protocol,
            JsonArray        *entries,
            GError          **error)
{
  return pm_store_apply_push_protocol (PM_SERVER_SQLITE_STORAGE (storage)->store, device_id, role, protocol, entries,
                                       error);
}

static gint64
keep_device_audit (PmServerStorage  *storage,
                   const char       *device_id,
                   JsonArray        *audit,
                   GError          **error)
{
  return pm_store_append_device_audit (PM_SERVER_SQLITE_STORAGE (storage)->store, device_id, audit, error);
}

static char *
changes_since (PmServerStorage  *storage,
               gint64            after,
               const char       *epoch,
               gboolean          with_issues,
               guint             limit,
               const char       *device_id,
               PmRole            role,
               GError          **error)
{
  return pm_store_changes_since_text (PM_SERVER_SQLITE_STORAGE (storage)->store, after, epoch, with_issues, limit,
                                      device_id, role, error);
}

static PmMuvisReport *
muvis_report (PmServerStorage  *storage,
              const char       *month,
              GError          **error)
{
  return pm_muvis_report_compute (PM_SERVER_SQLITE_STORAGE (storage)->store, month, error);
}

static void
storage_iface_init (PmServerStorageInterface *iface)
{
  iface->find_device = find_device;
  iface->append_audit = append_audit;
  iface->apply_push = apply_push;
  iface->keep_device_audit = keep_device_audit;
  iface->changes_since = changes_since;
  iface->muvis_report = muvis_report;
}

static void
pm_server_sqlite_storage_dispose (GObject *object)
{
  g_clear_object (&PM_SERVER_SQLITE_STORAGE (object)->store);
  G_OBJECT_CLASS (pm_server_sqlite_storage_parent_class)->dispose (object);
}

static void
pm_server_sqlite_storage_class_init (PmServerSqliteStorageClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = pm_server_sqlite_storage_dispose;
}

static void
pm_server_sqlite_storage_init (PmServerSqliteStorage *self)
{
}

/**
 * pm_server_sqlite_storage_new:
 * @store: the server's open store (pm_server_store_open()); it becomes the
 *   server's own, acting as admin
 */
PmServerSqliteStorage *
pm_server_sqlite_storage_new (PmStore *store)
{
  PmServerSqliteStorage *self;

  g_return_val_if_fail (PM_IS_STORE (store), NULL);

  self = g_object_new (PM_TYPE_SERVER_SQLITE_STORAGE, NULL);
  self->store = g_object_ref (store);
  pm_store_set_actor (store, "pepamo-server", PM_ROLE_ADMIN, NULL);
  return self;
}
