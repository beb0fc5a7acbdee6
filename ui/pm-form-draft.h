/* pm-form-draft.h: a form's draft, saved a moment after every change
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "pm-store.h"

G_BEGIN_DECLS

#define PM_TYPE_FORM_DRAFT (pm_form_draft_get_type ())
G_DECLARE_FINAL_TYPE (PmFormDraft, pm_form_draft, PM, FORM_DRAFT, GObject)

/* Returns the form's state as JSON, newly allocated. */
typedef char *(*PmFormDraftSnapshot) (gpointer user_data);

PmFormDraft *pm_form_draft_new            (PmStore             *store,
                                           const char          *form_id,
                                           const char          *record_kind,
                                           PmFormDraftSnapshot  snapshot,
                                           gpointer             user_data);
const char  *pm_form_draft_get_form_id    (PmFormDraft         *self);
void         pm_form_draft_set_record_id  (PmFormDraft         *self,
                                           const char          *record_id);
void         pm_form_draft_changed        (PmFormDraft         *self);
void         pm_form_draft_flush          (PmFormDraft         *self);
void         pm_form_draft_discard        (PmFormDraft         *self);
void         pm_form_draft_load_async     (PmFormDraft         *self,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
JsonObject  *pm_form_draft_load_finish    (PmFormDraft         *self,
                                           GAsyncResult        *result,
                                           GError             **error);

G_END_DECLS
