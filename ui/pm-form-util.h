/* pm-form-util.h: small helpers shared by the record forms
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include <json-glib/json-glib.h>

#include "pm-choice.h"
#include "pm-record.h"

G_BEGIN_DECLS

/* Which widget shows which field of a record, for errors. */
typedef struct
{
  const char *field;
  gsize       offset;  /* of the GtkWidget * in the page's instance struct */
} PmFieldWidget;

void        pm_form_combo_set_choices (AdwComboRow         *row,
                                       const PmChoice      *choices);
const char *pm_form_combo_get_id      (AdwComboRow         *row,
                                       const PmChoice      *choices);
void        pm_form_combo_set_id      (AdwComboRow         *row,
                                       const PmChoice      *choices,
                                       const char          *id);
const char *pm_form_choice_label      (const PmChoice      *choices,
                                       const char          *id);

char       *pm_form_get_text          (gpointer             editable);
void        pm_form_set_text          (gpointer             editable,
                                       const char          *text);
char       *pm_form_get_buffer_text   (GtkTextView         *view);

void        pm_form_json_set_text     (JsonObject          *object,
                                       const char          *member,
                                       gpointer             editable);
void        pm_form_json_get_text     (JsonObject          *object,
                                       const char          *member,
                                       gpointer             editable);
char       *pm_form_json_to_string    (JsonObject          *object);

char       *pm_form_parse_date        (const char          *text);
char       *pm_form_format_date       (const char          *iso);
char       *pm_form_format_money      (gint64               cents);

void        pm_form_watch             (GtkWidget           *root,
                                       GCallback            changed,
                                       gpointer             data);

GtkWidget  *pm_form_widget_for_error  (gpointer             page,
                                       const PmFieldWidget *widgets,
                                       PmRecord            *record,
                                       const GError        *error);
void        pm_form_show_error        (GtkLabel            *banner,
                                       GtkWidget          **marked,
                                       GtkWidget           *widget,
                                       const char          *message);
void        pm_form_clear_error       (GtkLabel            *banner,
                                       GtkWidget          **marked);

G_END_DECLS
