/* pm-form-page.h: what every record form shares: draft, finish, errors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "pm-form-util.h"
#include "pm-store.h"

G_BEGIN_DECLS

#define PM_TYPE_FORM_PAGE (pm_form_page_get_type ())
G_DECLARE_DERIVABLE_TYPE (PmFormPage, pm_form_page, PM, FORM_PAGE, GtkWidget)

struct _PmFormPageClass
{
  GtkWidgetClass parent_class;

  /* Applies a draft (or nothing, for a new form) and shows it. */
  void        (*restore)  (PmFormPage  *self,
                           JsonObject  *draft);
  /* The form as it stands, for the draft. */
  JsonObject *(*snapshot) (PmFormPage  *self);
  /* The records to save, all valid; or NULL after pm_form_page_show_error(). */
  GPtrArray  *(*collect)  (PmFormPage  *self);

  gpointer padding[4];
};

void        pm_form_page_class_set_template (GtkWidgetClass      *widget_class,
                                             const char          *resource);
void        pm_form_page_init_template      (PmFormPage          *self);
void        pm_form_page_dispose_template   (PmFormPage          *self);
void        pm_form_page_open               (PmFormPage          *self,
                                             PmStore             *store,
                                             const char          *record_kind,
                                             PmRecord            *visit,
                                             PmRecord            *citizen,
                                             const char          *record_id);
GtkWidget  *pm_form_page_get_content        (PmFormPage          *self);
void        pm_form_page_set_record_id      (PmFormPage          *self,
                                             const char          *record_id);
const char *pm_form_page_get_form_id        (PmFormPage          *self);
gboolean    pm_form_page_get_ready          (PmFormPage          *self);
void        pm_form_page_changed            (PmFormPage          *self);
void        pm_form_page_flush              (PmFormPage          *self);
void        pm_form_page_finish             (PmFormPage          *self);
void        pm_form_page_cancel             (PmFormPage          *self);
void        pm_form_page_show_error         (PmFormPage          *self,
                                             GtkWidget           *widget,
                                             const char          *message);
gboolean    pm_form_page_check              (PmFormPage          *self,
                                             PmRecord            *record,
                                             const PmFieldWidget *widgets);
void        pm_form_page_clear_error        (PmFormPage          *self);

G_END_DECLS
