/* pm-form-util.c: small helpers shared by the record forms
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pm-forms"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "pm-form-util.h"

void
pm_form_combo_set_choices (AdwComboRow    *row,
                           const PmChoice *choices)
{
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);

  for (const PmChoice *c = choices; c->label; c++)
    gtk_string_list_append (labels, _(c->label));
  adw_combo_row_set_model (row, G_LIST_MODEL (labels));
}

const char *
pm_form_combo_get_id (AdwComboRow    *row,
                      const PmChoice *choices)
{
  guint selected = adw_combo_row_get_selected (row);

  for (guint i = 0; choices[i].label; i++)
    if (i == selected)
      return choices[i].id;
  return NULL;
}

/* An id the table does not know selects the first entry. */
void
pm_form_combo_set_id (AdwComboRow    *row,
                      const PmChoice *choices,
                      const char     *id)
{
  guint selected = 0;

  for (guint i = 0; choices[i].label; i++)
    if (g_strcmp0 (choices[i].id, id) == 0)
      selected = i;
  adw_combo_row_set_selected (row, selected);
}

const char *
pm_form_choice_label (const PmChoice *choices,
                      const char     *id)
{
  const PmChoice *choice = pm_choice_find (choices, id);

  return choice ? _(choice->label) : id;
}

/* The text without surrounding blanks, or NULL when nothing is left: an
 * empty field is a field not filled in. */
char *
pm_form_get_text (gpointer editable)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (editable))));

  return *text ? g_steal_pointer (&text) : NULL;
}

void
pm_form_set_text (gpointer    editable,
                  const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (editable), text ? text : "");
}

char *
pm_form_get_buffer_text (GtkTextView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = g_strstrip (gtk_text_buffer_get_text (buffer, &start, &end, FALSE));
  return *text ? g_steal_pointer (&text) : NULL;
}

/* Form data kept in a JSON field: a member per filled-in field, so an empty
 * field stays absent rather than "". */
void
pm_form_json_set_text (JsonObject *object,
                       const char *member,
                       gpointer    editable)
{
  g_autofree char *text = pm_form_get_text (editable);

  if (text)
    json_object_set_string_member (object, member, text);
}

void
pm_form_json_get_text (JsonObject *object,
                       const char *member,
                       gpointer    editable)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  pm_form_set_text (editable, node && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_string (node) : NULL);
}

char *
pm_form_json_to_string (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);

  return json_to_string (node, FALSE);
}

/* Staff type dates as they write them (31.12.2026, 12/31/2026 or
 * 2026-12-31). What cannot be read is kept as typed, so the record's own
 * check refuses it with a message naming the field. */
char *
pm_form_parse_date (const char *text)
{
  int a, b, c;
  char end;
  GDate date;

  if (text == NULL || *text == '\0')
    return NULL;
  g_date_clear (&date, 1);
  if (sscanf (text, "%d-%d-%d%c", &a, &b, &c, &end) == 3 && g_date_valid_dmy (c, b, a))
    g_date_set_dmy (&date, c, b, a);
  else if (sscanf (text, "%d.%d.%d%c", &a, &b, &c, &end) == 3 && g_date_valid_dmy (a, b, c))
    g_date_set_dmy (&date, a, b, c);
  else if (sscanf (text, "%d/%d/%d%c", &a, &b, &c, &end) == 3 && g_date_valid_dmy (b, a, c))
    g_date_set_dmy (&date, b, a, c);
  else
    return g_strdup (text);
  return g_strdup_printf ("%04d-%02d-%02d", g_date_get_year (&date), g_date_get_month (&date),
                          g_date_get_day (&date));
}

char *
pm_form_format_date (const char *iso)
{
  g_autofree char *full = NULL;
  g_autoptr(GDateTime) date = NULL;

  if (iso == NULL)
    return NULL;
  full = g_strconcat (iso, "T12:00:00Z", NULL);
  date = g_date_time_new_from_iso8601 (full, NULL);
  /* Translators: date of birth, strftime format; German: "%d.%m.%Y" */
  return date ? g_date_time_format (date, _("%m/%d/%Y")) : g_strdup (iso);
}

/* Fees are German money whatever the locale: the receipt and the cash box
 * speak euros with a decimal comma ("1.046,00 €"). */
char *
pm_form_format_money (gint64 cents)
{
  g_autoptr(GString) text = g_string_new (cents < 0 ? "-" : "");
  g_autofree char *euros = g_strdup_printf ("%" G_GINT64_FORMAT, ABS (cents) / 100);
  gsize len = strlen (euros);

  for (gsize i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append_c (text, '.');
      g_string_append_c (text, euros[i]);
    }
  g_string_append_printf (text, ",%02d €", (int) (ABS (cents) % 100));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* Calls @changed (swapped: with @data only) whenever an input below @root
 * changes, so a form saves its draft without wiring every field by hand. */
void
pm_form_watch (GtkWidget *root,
               GCallback  changed,
               gpointer   data)
{
  if (GTK_IS_EDITABLE (root))
    {
      g_signal_connect_swapped (root, "changed", changed, data);
      return;
    }
  if (ADW_IS_COMBO_ROW (root))
    {
      g_signal_connect_swapped (root, "notify::selected", changed, data);
      return;
    }
  if (GTK_IS_CHECK_BUTTON (root))
    g_signal_connect_swapped (root, "toggled", changed, data);
  else if (GTK_IS_SWITCH (root))
    g_signal_connect_swapped (root, "notify::active", changed, data);
  else if (GTK_IS_TEXT_VIEW (root))
    g_signal_connect_swapped (gtk_text_view_get_buffer (GTK_TEXT_VIEW (root)), "changed", changed, data);
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    pm_form_watch (child, changed, data);
}

/* Validation messages start with the field's label ("Fingerprints: …"), in
 * the language shown; that is how an error finds its widget. */
GtkWidget *
pm_form_widget_for_error (gpointer             page,
                          const PmFieldWidget *widgets,
                          PmRecord            *record,
                          const GError        *error)
{
  for (const PmFieldWidget *w = widgets; w->field; w++)
    {
      const PmFieldSpec *spec = pm_record_class_find_field (PM_RECORD_GET_CLASS (record), w->field);
      g_autofree char *prefix = NULL;

      if (spec == NULL || spec->label == NULL)
        continue;
      prefix = g_strconcat (g_dgettext (GETTEXT_PACKAGE, spec->label), ":", NULL);
      if (g_str_has_prefix (error->message, prefix))
        return G_STRUCT_MEMBER (GtkWidget *, page, w->offset);
    }
  return NULL;
}

/* The message goes to the banner at the top (read out: it is an alert) and
 * the field gets the error style and the focus, which scrolls it into view;
 * the message names the field, so nothing relies on colour alone. */
void
pm_form_show_error (GtkLabel   *banner,
                    GtkWidget **marked,
                    GtkWidget  *widget,
                    const char *message)
{
  pm_form_clear_error (banner, marked);
  gtk_label_set_label (banner, message);
  gtk_widget_set_visible (GTK_WIDGET (banner), TRUE);
  if (widget)
    {
      gtk_widget_add_css_class (widget, "error");
      gtk_widget_set_tooltip_text (widget, message);
      gtk_widget_grab_focus (widget);
      *marked = g_object_ref (widget);
    }
}

void
pm_form_clear_error (GtkLabel   *banner,
                     GtkWidget **marked)
{
  gtk_widget_set_visible (GTK_WIDGET (banner), FALSE);
  if (*marked)
    {
      gtk_widget_remove_css_class (*marked, "error");
      gtk_widget_set_tooltip_text (*marked, NULL);
    }
  g_clear_object (marked);
}
