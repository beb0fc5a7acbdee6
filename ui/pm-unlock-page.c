/* pm-unlock-page.c: who are you? The page before anything else is shown
 *
 * It only asks: the application unlocks the store off the main thread and
 * answers with pm_unlock_page_refuse() or by showing the route.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "pm-crypt.h"
#include "pm-status.h"
#include "pm-ui-labels.h"
#include "pm-unlock-page.h"

struct _PmUnlockPage
{
  GtkWidget         parent_instance;

  GPtrArray        *staff_ids;
  guint             countdown_id;
  guint             countdown;
  char             *refusal;

  AdwComboRow      *staff_row;
  AdwEntryRow      *passphrase_row;
  GtkLabel         *error_label;
  GtkLabel         *hint_label;
  GtkLabel         *pending_label;
  GtkWidget        *unlock_button;
  GtkSpinner       *spinner;
};

G_DEFINE_FINAL_TYPE (PmUnlockPage, pm_unlock_page, GTK_TYPE_WIDGET)

enum {
  UNLOCK_REQUESTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
unlock_cb (PmUnlockPage *self)
{
  guint selected = adw_combo_row_get_selected (self->staff_row);
  const char *passphrase = gtk_editable_get_text (GTK_EDITABLE (self->passphrase_row));

  if (!gtk_widget_get_sensitive (self->unlock_button) || self->staff_ids == NULL ||
      selected >= self->staff_ids->len)
    return;
  if (*passphrase == '\0')
    {
      pm_unlock_page_refuse (self, _("Please enter your passphrase."), 0);
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  g_signal_emit (self, signals[UNLOCK_REQUESTED], 0, g_ptr_array_index (self->staff_ids, selected), passphrase);
}

static void
show_error (PmUnlockPage *self,
            const char   *message)
{
  gtk_label_set_label (self->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
}

static gboolean
countdown_cb (gpointer data)
{
  PmUnlockPage *self = data;
  g_autofree char *text = NULL;

  if (--self->countdown == 0)
    {
      self->countdown_id = 0;
      show_error (self, self->refusal);
      gtk_widget_set_sensitive (self->unlock_button, TRUE);
      return G_SOURCE_REMOVE;
    }
  /* Translators: the reason for the refusal, then the wait */
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s Try again in %u second.",
                                       "%s Try again in %u seconds.", self->countdown),
                          self->refusal, self->countdown);
  show_error (self, text);
  return G_SOURCE_CONTINUE;
}

static void
pm_unlock_page_dispose (GObject *object)
{
  PmUnlockPage *self = PM_UNLOCK_PAGE (object);

  g_clear_handle_id (&self->countdown_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), PM_TYPE_UNLOCK_PAGE);
  pm_ui_unparent_children (GTK_WIDGET (self));
  g_clear_pointer (&self->staff_ids, g_ptr_array_unref);
  g_clear_pointer (&self->refusal, g_free);
  G_OBJECT_CLASS (pm_unlock_page_parent_class)->dispose (object);
}

static void
pm_unlock_page_class_init (PmUnlockPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pm_unlock_page_dispose;

  /**
   * PmUnlockPage::unlock-requested:
   * @staff_id: the chosen staff member's id
   * @passphrase: what they typed
   *
   * The person asks to unlock; answer with pm_unlock_page_refuse() or by
   * leaving the page.
   */
  signals[UNLOCK_REQUESTED] =
    g_signal_new ("unlock-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/de/halle/PePaMo/ui/pm-unlock-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PmUnlockPage, staff_row);
  gtk_widget_class_bind_template_child (widget_class, PmUnlockPage, passphrase_row);
  gtk_widget_class_bind_template_child (widget_class, PmUnlockPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, PmUnlockPage, hint_label);
  gtk_widget_class_bind_template_child (widget_class, PmUnlockPage, pending_label);
  gtk_widget_class_bind_template_child (widget_class, PmUnlockPage, unlock_button);
  gtk_widget_class_bind_template_child (widget_class, PmUnlockPage, spinner);
  gtk_widget_class_bind_template_callback (widget_class, unlock_cb);
}

static void
pm_unlock_page_init (PmUnlockPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* @slots: PmCryptSlotInfo of the store; only passphrase slots are people. */
void
pm_unlock_page_set_staff (PmUnlockPage *self,
                          GPtrArray    *slots)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);

  g_return_if_fail (PM_IS_UNLOCK_PAGE (self));

  g_clear_pointer (&self->staff_ids, g_ptr_array_unref);
  self->staff_ids = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; slots && i < slots->len; i++)
    {
      const PmCryptSlotInfo *slot = g_ptr_array_index (slots, i);
      g_autofree char *name = NULL;

      if (slot->kind != PM_CRYPT_SLOT_PASSPHRASE)
        continue;
      /* Translators: staff member's name (department) */
      name = g_strdup_printf (_("%s (%s)"), slot->display_name,
                              pm_department_get_label (slot->department) ? pm_department_get_label (slot->department)
                                                                        : slot->department);
      gtk_string_list_append (names, name);
      g_ptr_array_add (self->staff_ids, g_strdup (slot->staff_id));
    }
  adw_combo_row_set_model (self->staff_row, G_LIST_MODEL (names));
  gtk_widget_set_sensitive (self->unlock_button, self->staff_ids->len > 0);
  if (self->staff_ids->len == 0)
    show_error (self, _("No staff member can unlock this store. Ask the IT department to add your key."));
}

void
pm_unlock_page_set_hint (PmUnlockPage *self,
                         const char   *hint)
{
  g_return_if_fail (PM_IS_UNLOCK_PAGE (self));
  gtk_label_set_label (self->hint_label, hint);
  gtk_widget_set_visible (GTK_WIDGET (self->hint_label), hint != NULL);
}

void
pm_unlock_page_set_pending (PmUnlockPage *self,
                            guint         pending)
{
  g_autofree char *text = NULL;

  g_return_if_fail (PM_IS_UNLOCK_PAGE (self));
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u change waits to be sent to the server.",
                                       "%u changes wait to be sent to the server.", pending),
                          pending);
  gtk_label_set_label (self->pending_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->pending_label), pending > 0);
}

void
pm_unlock_page_set_busy (PmUnlockPage *self,
                         gboolean      busy)
{
  g_return_if_fail (PM_IS_UNLOCK_PAGE (self));
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_widget_set_sensitive (self->unlock_button, !busy && self->countdown_id == 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->passphrase_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->staff_row), !busy);
}

/* Shows why unlocking failed; with @wait_seconds, unlocking stays off that
 * long, so guessing passphrases gets slower with every failure. */
void
pm_unlock_page_refuse (PmUnlockPage *self,
                       const char   *message,
                       guint         wait_seconds)
{
  g_return_if_fail (PM_IS_UNLOCK_PAGE (self));

  pm_unlock_page_set_busy (self, FALSE);
  g_free (self->refusal);
  self->refusal = g_strdup (message);
  gtk_editable_set_text (GTK_EDITABLE (self->passphrase_row), "");
  g_clear_handle_id (&self->countdown_id, g_source_remove);
  show_error (self, message);
  if (wait_seconds > 0)
    {
      self->countdown = wait_seconds + 1;
      gtk_widget_set_sensitive (self->unlock_button, FALSE);
      countdown_cb (self);
      self->countdown_id = g_timeout_add_seconds (1, countdown_cb, self);
    }
  gtk_widget_grab_focus (GTK_WIDGET (self->passphrase_row));
}

void
pm_unlock_page_reset (PmUnlockPage *self)
{
  g_return_if_fail (PM_IS_UNLOCK_PAGE (self));
  gtk_editable_set_text (GTK_EDITABLE (self->passphrase_row), "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  pm_unlock_page_set_busy (self, FALSE);
}
