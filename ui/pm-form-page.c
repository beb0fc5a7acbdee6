/* pm-form-page.c: what every record form shares: draft, finish, errors
 *
 * A form page opens by reading its draft (off the main thread), shows it,
 * writes a new draft a moment after each change and, on "Finish", saves
 * all its records in one transaction: a record never saves half. Bad input
 * is refused with the record's own message, which names the field; the
 * field is marked and focused, and the message shown at the top and as a
 * toast.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pm-forms"

#include "config.h"

#include "pm-form-draft.h"
#include "pm-form-page.h"

typedef struct
{
  PmStore         *store;
  PmFormDraft     *draft;
  GCancellable    *cancellable;
  GtkWidget       *error_widget;
  gboolean         filling;
  gboolean         ready;

  GtkWidget       *content;
  GtkLabel        *error_label;
  AdwToastOverlay *toast_overlay;
  GtkSpinner      *spinner;
  GtkWidget       *finish_button;
} PmFormPagePrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (PmFormPage, pm_form_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_READY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  FINISHED,
  CANCELLED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
set_ready (PmFormPage *self,
           gboolean    ready)
{
  PmFormPagePrivate *priv = pm_form_page_get_instance_private (self);

  priv->ready = ready;
  gtk_widget_set_sensitive (priv->content, ready);
  gtk_widget_set_sensitive (priv->finish_button, ready);
  gtk_spinner_set_spinning (priv->spinner, !ready);
  gtk_widget_set_visible (GTK_WIDGET (priv->spinner), !ready);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READY]);
}

static char *
snapshot_cb (gpointer data)
{
  g_autoptr(JsonObject) draft = PM_FORM_PAGE_GET_CLASS (data)->snapshot (data);

  return pm_form_json_to_string (draft);
}

static void
draft_loaded_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) draft = pm_form_draft_load_finish (PM_FORM_DRAFT (source), result, &error);
  PmFormPage *self = user_data;
  PmFormPagePrivate *priv;

  /* Cancelled only by dispose: the page may be gone, so touch nothing. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error)
    g_warning ("Reading the draft failed, the form starts empty: %s", error->message);
  priv = pm_form_page_get_instance_private (self);
  priv->filling = TRUE;
  PM_FORM_PAGE_GET_CLASS (self)->restore (self, draft);
  priv->filling = FALSE;
  set_ready (self, TRUE);
}

static void
saved_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(PmFormPage) self = user_data;
  PmFormPagePrivate *priv = pm_form_page_get_instance_private (self);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) saved = pm_store_save_all_finish (PM_STORE (source), result, &error);

  if (saved == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      set_ready (self, TRUE);
      pm_form_page_show_error (self, NULL, error->message);
      return;
    }
  pm_form_draft_discard (priv->draft);
  g_signal_emit (self, signals[FINISHED], 0, g_ptr_array_index (saved, 0));
}

static void
pm_form_page_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  PmFormPage *self = PM_FORM_PAGE (object);

  switch (prop_id)
    {
    case PROP_READY:
      g_value_set_boolean (value, pm_form_page_get_ready (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pm_form_page_dispose (GObject *object)
{
  PmFormPage *self = PM_FORM_PAGE (object);
  PmFormPagePrivate *priv = pm_form_page_get_instance_private (self);

  g_cancellable_cancel (priv->cancellable);
  g_clear_object (&priv->cancellable);
  g_clear_object (&priv->draft);
  g_clear_object (&priv->store);
  g_clear_object (&priv->error_widget);
  G_OBJECT_CLASS (pm_form_page_parent_class)->dispose (object);
}

static void
pm_form_page_class_init (PmFormPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = pm_form_page_get_property;
  object_class->dispose = pm_form_page_dispose;

  /* The draft has been read and the form shows it: input is taken. */
  properties[PROP_READY] =
    g_param_spec_boolean ("ready", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * PmFormPage::finished:
   * @record: the saved main record (a copy with its new version)
   *
   * The records are stored together and the draft is gone.
   */
  signals[FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, PM_TYPE_RECORD);
  /**
   * PmFormPage::cancelled:
   *
   * Staff left the form; its draft stays for the next time.
   */
  signals[CANCELLED] =
    g_signal_new ("cancelled", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  gtk_widget_class_set_layout_manager_type (GTK_WIDGET_CLASS (klass), GTK_TYPE_BOX_LAYOUT);
}

static void
pm_form_page_init (PmFormPage *self)
{
  gtk_orientable_set_orientation (GTK_ORIENTABLE (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                                  GTK_ORIENTATION_VERTICAL);
}

/* The parts of the subclass's template the form needs; called from its
 * init, after the template is built. Until a draft is read it takes no
 * input. */
void
pm_form_page_set_frame (PmFormPage      *self,
                        GtkWidget       *content,
                        GtkLabel        *error_label,
                        AdwToastOverlay *toast_overlay,
                        GtkSpinner      *spinner,
                        GtkWidget       *finish_button)
{
  PmFormPagePrivate *priv = pm_form_page_get_instance_private (self);

  priv->content = content;
  priv->error_label = error_label;
  priv->toast_overlay = toast_overlay;
  priv->spinner = spinner;
  priv->finish_button = finish_button;
  pm_form_watch (content, G_CALLBACK (pm_form_page_changed), self);
  set_ready (self, FALSE);
}

/* Reads the draft of @form_id off the main thread, then shows it (or an
 * empty form); #PmFormPage:ready says when. */
void
pm_form_page_open (PmFormPage *self,
                   PmStore    *store,
                   const char *form_id,
                   const char *record_kind,
                   const char *record_id)
{
  PmFormPagePrivate *priv = pm_form_page_get_instance_private (self);

  g_return_if_fail (PM_IS_FORM_PAGE (self));
  g_return_if_fail (PM_IS_STORE (store));
  g_return_if_fail (priv->store == NULL);

  priv->store = g_object_ref (store);
  priv->cancellable = g_cancellable_new ();
  priv->draft = pm_form_draft_new (store, form_id, record_kind, snapshot_cb, self);
  pm_form_draft_set_record_id (priv->draft, record_id);
  pm_form_draft_load_async (priv->draft, priv->cancellable, draft_loaded_cb, self);
}

/* A restored draft brings its record's id. */
void
pm_form_page_set_record_id (PmFormPage *self,
                            const char *record_id)
{
  PmFormPagePrivate *priv = pm_form_page_get_instance_private (self);

  g_return_if_fail (PM_IS_FORM_PAGE (self));
  if (priv->draft)
    pm_form_draft_set_record_id (priv->draft, record_id);
}

const char *
pm_form_page_get_form_id (PmFormPage *self)
{
  PmFormPagePrivate *priv = pm_form_page_get_instance_private (self);

  g_return_val_if_fail (PM_IS_FORM_PAGE (self), NULL);
  return priv->draft ? pm_form_draft_get_form_id (priv->draft) : NULL;
}

gboolean
pm_form_page_get_ready (PmFormPage *self)
{
  PmFormPagePrivate *priv = pm_form_page_get_instance_private (self);

  g_return_val_if_fail (PM_IS_FORM_PAGE (self), FALSE);
  return priv->ready;
}

/* Any input changed: the draft is written once typing pauses. Changes made
 * while a draft is being shown are not input. */
void
pm_form_page_changed (PmFormPage *self)
{
  PmFormPagePrivate *priv = pm_form_page_get_instance_private (self);

  if (!priv->filling && priv->ready && priv->draft)
    pm_form_draft_changed (priv->draft);
}

/* Writes a pending change now; subclasses call this first in dispose, while
 * their widgets still hold the input. */
void
pm_form_page_flush (PmFormPage *self)
{
  PmFormPagePrivate *priv = pm_form_page_get_instance_private (self);

  if (priv->draft && priv->ready)
    pm_form_draft_flush (priv->draft);
}

void
pm_form_page_finish (PmFormPage *self)
{
  PmFormPagePrivate *priv = pm_form_page_get_instance_private (self);
  g_autoptr(GPtrArray) records = NULL;

  if (!priv->ready)
    return;
  pm_form_page_clear_error (self);
  records = PM_FORM_PAGE_GET_CLASS (self)->collect (self);
  if (records == NULL)
    return;
  set_ready (self, FALSE);
  pm_store_save_all_async (priv->store, records, priv->cancellable, saved_cb, g_object_ref (self));
}

void
pm_form_page_cancel (PmFormPage *self)
{
  pm_form_page_flush (self);
  g_signal_emit (self, signals[CANCELLED], 0);
}

void
pm_form_page_show_error (PmFormPage *self,
                         GtkWidget  *widget,
                         const char *message)
{
  PmFormPagePrivate *priv = pm_form_page_get_instance_private (self);

  pm_form_show_error (priv->error_label, &priv->error_widget, widget, message);
  adw_toast_overlay_add_toast (priv->toast_overlay, adw_toast_new (message));
}

/* Validates @record; a refusal is shown at the widget @widgets names for
 * the field in the message. */
gboolean
pm_form_page_check (PmFormPage          *self,
                    PmRecord            *record,
                    const PmFieldWidget *widgets)
{
  g_autoptr(GError) error = NULL;

  if (pm_record_validate (record, &error))
    return TRUE;
  pm_form_page_show_error (self, pm_form_widget_for_error (self, widgets, record, error), error->message);
  return FALSE;
}

void
pm_form_page_clear_error (PmFormPage *self)
{
  PmFormPagePrivate *priv = pm_form_page_get_instance_private (self);

  pm_form_clear_error (priv->error_label, &priv->error_widget);
}
