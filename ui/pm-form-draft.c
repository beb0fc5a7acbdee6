/* pm-form-draft.c: a form's draft, saved a moment after every change
 *
 * Staff are interrupted all the time in the van; whatever was typed must
 * survive a crash, a flat battery or a lock. A change (re)starts a one-second
 * timer, so a draft is written once typing pauses, not per key. The store's
 * draft calls that have no _async twin run in a thread, so the main thread
 * never waits for the store.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pm-forms"

#include "config.h"

#include <json-glib/json-glib.h>

#include "pm-form-draft.h"

#define SAVE_DELAY_MS 1000

struct _PmFormDraft
{
  GObject              parent_instance;

  PmStore             *store;
  char                *form_id;
  char                *record_kind;
  char                *record_id;
  PmFormDraftSnapshot  snapshot;
  gpointer             snapshot_data;
  guint                save_id;
  gboolean             finished;
};

G_DEFINE_FINAL_TYPE (PmFormDraft, pm_form_draft, G_TYPE_OBJECT)

enum {
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
draft_saved_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(PmFormDraft) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!pm_store_save_draft_finish (PM_STORE (source), result, &error))
    {
      g_warning ("Saving the draft %s failed: %s", self->form_id, error->message);
      return;
    }
  g_signal_emit (self, signals[SAVED], 0);
}

static gboolean
save_cb (gpointer data)
{
  PmFormDraft *self = data;
  g_autofree char *json = NULL;

  self->save_id = 0;
  if (self->finished || self->snapshot == NULL)
    return G_SOURCE_REMOVE;
  json = self->snapshot (self->snapshot_data);
  pm_store_save_draft_async (self->store, self->form_id, self->record_kind, self->record_id, json,
                             NULL, draft_saved_cb, g_object_ref (self));
  return G_SOURCE_REMOVE;
}

static void
load_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  PmFormDraft *self = source;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = pm_store_load_draft (self->store, self->form_id, NULL, &error);
  g_autoptr(JsonNode) node = NULL;

  if (error)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  node = json ? json_from_string (json, &error) : NULL;
  if (node && JSON_NODE_HOLDS_OBJECT (node))
    g_task_return_pointer (task, json_object_ref (json_node_get_object (node)),
                           (GDestroyNotify) json_object_unref);
  else
    g_task_return_pointer (task, NULL, NULL);
}

static void
discard_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  PmFormDraft *self = source;
  g_autoptr(GError) error = NULL;

  if (!pm_store_discard_draft (self->store, self->form_id, &error))
    g_warning ("Discarding the draft %s failed: %s", self->form_id, error->message);
  g_task_return_boolean (task, TRUE);
}

static void
pm_form_draft_finalize (GObject *object)
{
  PmFormDraft *self = PM_FORM_DRAFT (object);

  g_clear_handle_id (&self->save_id, g_source_remove);
  g_clear_object (&self->store);
  g_free (self->form_id);
  g_free (self->record_kind);
  g_free (self->record_id);
  G_OBJECT_CLASS (pm_form_draft_parent_class)->finalize (object);
}

static void
pm_form_draft_class_init (PmFormDraftClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = pm_form_draft_finalize;

  /**
   * PmFormDraft::saved:
   *
   * The store holds the draft as it was when the save was started.
   */
  signals[SAVED] =
    g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
pm_form_draft_init (PmFormDraft *self)
{
}

/* @snapshot is called with @user_data, which must outlive the draft's
 * pending save: its owner calls pm_form_draft_flush() or _discard() first. */
PmFormDraft *
pm_form_draft_new (PmStore             *store,
                   const char          *form_id,
                   const char          *record_kind,
                   PmFormDraftSnapshot  snapshot,
                   gpointer             user_data)
{
  PmFormDraft *self;

  g_return_val_if_fail (PM_IS_STORE (store), NULL);
  g_return_val_if_fail (form_id != NULL && record_kind != NULL, NULL);

  self = g_object_new (PM_TYPE_FORM_DRAFT, NULL);
  self->store = g_object_ref (store);
  self->form_id = g_strdup (form_id);
  self->record_kind = g_strdup (record_kind);
  self->snapshot = snapshot;
  self->snapshot_data = user_data;
  return self;
}

const char *
pm_form_draft_get_form_id (PmFormDraft *self)
{
  g_return_val_if_fail (PM_IS_FORM_DRAFT (self), NULL);
  return self->form_id;
}

void
pm_form_draft_set_record_id (PmFormDraft *self,
                             const char  *record_id)
{
  g_return_if_fail (PM_IS_FORM_DRAFT (self));
  g_free (self->record_id);
  self->record_id = g_strdup (record_id);
}

void
pm_form_draft_changed (PmFormDraft *self)
{
  g_return_if_fail (PM_IS_FORM_DRAFT (self));
  if (self->finished)
    return;
  g_clear_handle_id (&self->save_id, g_source_remove);
  self->save_id = g_timeout_add (SAVE_DELAY_MS, save_cb, self);
}

/* Writes a pending change now, e.g. when the form goes away. */
void
pm_form_draft_flush (PmFormDraft *self)
{
  g_return_if_fail (PM_IS_FORM_DRAFT (self));
  if (self->save_id == 0)
    return;
  g_clear_handle_id (&self->save_id, g_source_remove);
  save_cb (self);
}

/* The record was saved: the draft goes, and no later change brings it back.
 * The store runs jobs in order, so a save already queued is removed too. */
void
pm_form_draft_discard (PmFormDraft *self)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (PM_IS_FORM_DRAFT (self));
  self->finished = TRUE;
  g_clear_handle_id (&self->save_id, g_source_remove);
  task = g_task_new (self, NULL, NULL, NULL);
  g_task_set_source_tag (task, pm_form_draft_discard);
  g_task_run_in_thread (task, discard_thread);
}

void
pm_form_draft_load_async (PmFormDraft         *self,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (PM_IS_FORM_DRAFT (self));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pm_form_draft_load_async);
  g_task_run_in_thread (task, load_thread);
}

/* Returns the draft's JSON object, or NULL without an error when there is
 * none (or it cannot be read: a broken draft must not block the form). */
JsonObject *
pm_form_draft_load_finish (PmFormDraft   *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
