/* pm-store.h: the local store, one SQLite connection owned by one thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "pm-case-workflow.h"
#include "pm-crypt.h"
#include "pm-record.h"
#include "pm-status.h"

G_BEGIN_DECLS

#define PM_STORE_SCHEMA_VERSION 10

#define PM_TYPE_STORE (pm_store_get_type ())
G_DECLARE_FINAL_TYPE (PmStore, pm_store, PM, STORE, GObject)

PmStore    *pm_store_open                       (const char           *path,
                                                 PmCryptKeys          *keys,
                                                 GError              **error);
void        pm_store_close                      (PmStore              *self);
const char *pm_store_get_path                   (PmStore              *self);
const char *pm_store_get_device_id              (PmStore              *self);
int         pm_store_get_schema_version         (PmStore              *self);

void        pm_store_set_actor                  (PmStore              *self,
                                                 const char           *staff_id,
                                                 PmRole                role,
                                                 const char           *department);
const char *pm_store_get_actor_id               (PmStore              *self);
PmRole      pm_store_get_actor_role             (PmStore              *self);
char       *pm_store_dup_actor_department       (PmStore              *self);

gboolean    pm_store_save                       (PmStore              *self,
                                                 PmRecord             *record,
                                                 GError              **error);
gboolean    pm_store_save_all                   (PmStore              *self,
                                                 GPtrArray            *records,
                                                 GError              **error);
void        pm_store_save_all_async             (PmStore              *self,
                                                 GPtrArray            *records,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
GPtrArray  *pm_store_save_all_finish            (PmStore              *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);
PmRecord   *pm_store_get                        (PmStore              *self,
                                                 GType                 type,
                                                 const char           *id,
                                                 GError              **error);
GPtrArray  *pm_store_list                       (PmStore              *self,
                                                 GType                 type,
                                                 GError              **error);
void        pm_store_list_async                 (PmStore              *self,
                                                 GType                 type,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
GPtrArray  *pm_store_list_finish                (PmStore              *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);
gint64      pm_store_count                      (PmStore              *self,
                                                 GType                 type,
                                                 GError              **error);
gboolean    pm_store_log_read                   (PmStore              *self,
                                                 PmRecord             *record,
                                                 const char           *action,
                                                 GError              **error);

GPtrArray  *pm_store_list_visits_for_day        (PmStore              *self,
                                                 const char           *date,
                                                 GError              **error);
void        pm_store_list_visits_for_day_async  (PmStore              *self,
                                                 const char           *date,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
GListModel *pm_store_list_visits_for_day_finish (PmStore              *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);
void        pm_store_list_visits_of_citizen_async  (PmStore           *self,
                                                    const char        *citizen_id,
                                                    GCancellable      *cancellable,
                                                    GAsyncReadyCallback callback,
                                                    gpointer           user_data);
GPtrArray  *pm_store_list_visits_of_citizen_finish (PmStore           *self,
                                                    GAsyncResult      *result,
                                                    GError           **error);
void        pm_store_get_async                  (PmStore              *self,
                                                 GType                 type,
                                                 const char           *id,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
PmRecord   *pm_store_get_finish                 (PmStore              *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);

GPtrArray  *pm_store_advance_case               (PmStore              *self,
                                                 const char           *case_id,
                                                 gint64                version,
                                                 const PmCaseStep     *step,
                                                 GError              **error);
void        pm_store_advance_case_async         (PmStore              *self,
                                                 const char           *case_id,
                                                 gint64                version,
                                                 const PmCaseStep     *step,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
GPtrArray  *pm_store_advance_case_finish        (PmStore              *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);

void        pm_store_list_case_inbox_async      (PmStore              *self,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
GPtrArray  *pm_store_list_case_inbox_finish     (PmStore              *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);
void        pm_store_get_case_file_async        (PmStore              *self,
                                                 const char           *case_id,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
GPtrArray  *pm_store_get_case_file_finish       (PmStore              *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);

int         pm_store_default_case_days          (void);
GPtrArray  *pm_store_purge_cases                (PmStore              *self,
                                                 int                   days,
                                                 gboolean              dry_run,
                                                 GError              **error);
void        pm_store_purge_cases_async          (PmStore              *self,
                                                 int                   days,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
GPtrArray  *pm_store_purge_cases_finish         (PmStore              *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);

gboolean    pm_store_save_draft                 (PmStore              *self,
                                                 const char           *form,
                                                 const char           *record_kind,
                                                 const char           *record_id,
                                                 const char           *json,
                                                 GError              **error);
void        pm_store_save_draft_async           (PmStore              *self,
                                                 const char           *form,
                                                 const char           *record_kind,
                                                 const char           *record_id,
                                                 const char           *json,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
gboolean    pm_store_save_draft_finish          (PmStore              *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);
char       *pm_store_load_draft                 (PmStore              *self,
                                                 const char           *form,
                                                 char                **record_kind,
                                                 GError              **error);
char      **pm_store_list_drafts                (PmStore              *self,
                                                 GError              **error);
gboolean    pm_store_discard_draft              (PmStore              *self,
                                                 const char           *form,
                                                 GError              **error);

G_END_DECLS
