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
#include "pm-ui-labels.h"

typedef struct
{
  PmStore         *store;
  PmFormDraft     *draft;
  GCancellable    *cancellable;
  GtkWidget       *error_widget;
  gboolean         filling;
  gboolean         ready;

  AdwWindowTitle  *window_title;
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
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root ? gtk_root_get_focus (root) : NULL;

  /* Focus leaves the fields properly before they turn insensitive, or a
   * focused entry keeps blinking its cursor without focus. */
  if (!ready && focus && gtk_widget_is_ancestor (focus, priv->content))
    gtk_root_set_focus (root, NULL);
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

/* Every form's template has the same frame (see pm-counselling-page.ui):
 * a header with Cancel and Finish, a toast overlay, the error banner and
 * the content box; the base class binds it into its own fields. */
void
pm_form_page_class_set_template (GtkWidgetClass *widget_class,
                                 const char     *resource)
{
  gtk_widget_class_set_template_from_resource (widget_class, resource);
  gtk_widget_class_bind_template_child_full (widget_class, "window_title", FALSE,
                                             G_PRIVATE_OFFSET (PmFormPage, window_title));
  gtk_widget_class_bind_template_child_full (widget_class, "content", FALSE, G_PRIVATE_OFFSET (PmFormPage, content));
  gtk_widget_class_bind_template_child_full (widget_class, "error_label", FALSE,
                                             G_PRIVATE_OFFSET (PmFormPage, error_label));
  gtk_widget_class_bind_template_child_full (widget_class, "toast_overlay", FALSE,
                                             G_PRIVATE_OFFSET (PmFormPage, toast_overlay));
  gtk_widget_class_bind_template_child_full (widget_class, "spinner", FALSE, G_PRIVATE_OFFSET (PmFormPage, spinner));
  gtk_widget_class_bind_template_child_full (widget_class, "finish_button", FALSE,
                                             G_PRIVATE_OFFSET (PmFormPage, finish_button));
  gtk_widget_class_bind_template_callback_full (widget_class, "finish_cb", G_CALLBACK (pm_form_page_finish));
  gtk_widget_class_bind_template_callback_full (widget_class, "cancel_cb", G_CALLBACK (pm_form_page_cancel));
}

/* In the subclass's init, instead of gtk_widget_init_template(): until a
 * draft is read the form takes no input. */
void
pm_form_page_init_template (PmFormPage *self)
{
  PmFormPagePrivate *priv = pm_form_page_get_instance_private (self);

  gtk_widget_init_template (GTK_WIDGET (self));
  pm_form_watch (priv->content, G_CALLBACK (pm_form_page_changed), self);
  set_ready (self, FALSE);
}

/* First in the subclass's dispose: the last change is written to the
 * draft while the widgets still hold it, then the template goes. */
void
pm_form_page_dispose_template (PmFormPage *self)
{
  pm_form_page_flush (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), G_OBJECT_TYPE (self));
  pm_ui_unparent_children (GTK_WIDGET (self));
}

GtkWidget *
pm_form_page_get_content (PmFormPage *self)
{
  PmFormPagePrivate *priv = pm_form_page_get_instance_private (self);

  g_return_val_if_fail (PM_IS_FORM_PAGE (self), NULL);
  return priv->content;
}

/* Shows whom the form is about and reads its draft off the main thread,
 * then shows it (or an empty form); #PmFormPage:ready says when. There is
 * one draft per kind of form, visit and person. */
void
pm_form_page_open (PmFormPage *self,
                   PmStore    *store,
                   const char *record_kind,
                   PmRecord   *visit,
                   PmRecord   *citizen,
                   const char *record_id)
{
  PmFormPagePrivate *priv = pm_form_page_get_instance_private (self);
  g_autofree char *form_id = NULL;
  g_autofree char *name = NULL;

  g_return_if_fail (PM_IS_FORM_PAGE (self));
  g_return_if_fail (PM_IS_STORE (store));
  g_return_if_fail (priv->store == NULL);

  name = g_strdup_printf ("%s %s", pm_record_get_string (citizen, "given_names"),
                          pm_record_get_string (citizen, "family_name"));
  adw_window_title_set_subtitle (priv->window_title, name);
  form_id = g_strdup_printf ("%s/%s/%s", record_kind, pm_record_get_id (visit), pm_record_get_id (citizen));
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
