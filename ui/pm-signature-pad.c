/* pm-signature-pad.c: the citizen signs on the touchscreen
 *
 * A drag gesture takes finger, stylus and mouse alike. Points are kept
 * normalised to 0..1 of the pad, as PmSignature stores them, so the
 * signature renders at any size in a PDF.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pm-forms"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "pm-signature-pad.h"
#include "pm-ui-labels.h"

typedef struct
{
  double x;
  double y;
} Point;

struct _PmSignaturePad
{
  GtkWidget       parent_instance;

  GPtrArray      *strokes;  /* of GArray of Point */
  double          start_x;
  double          start_y;

  GtkWidget      *area;
  GtkWidget      *hint;
  GtkWidget      *clear_button;
};

G_DEFINE_FINAL_TYPE (PmSignaturePad, pm_signature_pad, GTK_TYPE_WIDGET)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
strokes_changed (PmSignaturePad *self)
{
  gboolean empty = pm_signature_pad_is_empty (self);

  gtk_widget_set_visible (self->hint, self->strokes->len == 0);
  gtk_widget_set_sensitive (self->clear_button, self->strokes->len > 0);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->area), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  empty ? _("Not signed yet") : _("Signed"), -1);
  gtk_widget_queue_draw (self->area);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
add_point (PmSignaturePad *self,
           double          x,
           double          y)
{
  GArray *stroke = g_ptr_array_index (self->strokes, self->strokes->len - 1);
  int width = MAX (gtk_widget_get_width (self->area), 1);
  int height = MAX (gtk_widget_get_height (self->area), 1);
  Point point = { CLAMP (x / width, 0.0, 1.0), CLAMP (y / height, 0.0, 1.0) };

  g_array_append_val (stroke, point);
}

static void
drag_begin_cb (GtkGestureDrag *gesture,
               double          x,
               double          y,
               PmSignaturePad *self)
{
  self->start_x = x;
  self->start_y = y;
  g_ptr_array_add (self->strokes, g_array_new (FALSE, FALSE, sizeof (Point)));
  add_point (self, x, y);
  gtk_widget_queue_draw (self->area);
}

static void
drag_update_cb (GtkGestureDrag *gesture,
                double          dx,
                double          dy,
                PmSignaturePad *self)
{
  add_point (self, self->start_x + dx, self->start_y + dy);
  gtk_widget_queue_draw (self->area);
}

static void
drag_end_cb (GtkGestureDrag *gesture,
             double          dx,
             double          dy,
             PmSignaturePad *self)
{
  strokes_changed (self);
}

static void
draw_cb (GtkDrawingArea *area,
         cairo_t        *cr,
         int             width,
         int             height,
         gpointer        data)
{
  PmSignaturePad *self = data;
  GdkRGBA color;

  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (area)), &color);
  gdk_cairo_set_source_rgba (cr, &color);

  /* The line to sign on, faint so ink stands out. */
  cairo_save (cr);
  cairo_set_line_width (cr, 1);
  cairo_set_source_rgba (cr, color.red, color.green, color.blue, 0.3);
  cairo_move_to (cr, 16, height * 0.75 + 0.5);
  cairo_line_to (cr, width - 16, height * 0.75 + 0.5);
  cairo_stroke (cr);
  cairo_restore (cr);

  cairo_set_line_width (cr, 2.5);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  for (guint i = 0; i < self->strokes->len; i++)
    {
      GArray *stroke = g_ptr_array_index (self->strokes, i);

      for (guint j = 0; j < stroke->len; j++)
        {
          Point *p = &g_array_index (stroke, Point, j);

          if (j == 0)
            cairo_move_to (cr, p->x * width, p->y * height);
          cairo_line_to (cr, p->x * width, p->y * height);
        }
      cairo_stroke (cr);
    }
}

static void
pm_signature_pad_dispose (GObject *object)
{
  PmSignaturePad *self = PM_SIGNATURE_PAD (object);

  pm_ui_unparent_children (GTK_WIDGET (self));
  g_clear_pointer (&self->strokes, g_ptr_array_unref);
  G_OBJECT_CLASS (pm_signature_pad_parent_class)->dispose (object);
}

static void
pm_signature_pad_class_init (PmSignaturePadClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pm_signature_pad_dispose;

  /**
   * PmSignaturePad::changed:
   *
   * A stroke was finished or the pad was cleared.
   */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
  gtk_widget_class_set_css_name (widget_class, "signaturepad");
}

static void
pm_signature_pad_init (PmSignaturePad *self)
{
  GtkWidget *overlay = gtk_overlay_new ();
  GtkGesture *drag = gtk_gesture_drag_new ();

  self->strokes = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  gtk_orientable_set_orientation (GTK_ORIENTABLE (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                                  GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (gtk_widget_get_layout_manager (GTK_WIDGET (self))), 6);

  self->area = gtk_drawing_area_new ();
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (self->area), 160);
  gtk_widget_set_hexpand (self->area, TRUE);
  gtk_widget_add_css_class (self->area, "card");
  gtk_widget_add_css_class (self->area, "signature-area");
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (self->area), draw_cb, self, NULL);
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), 0);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (drag_update_cb), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (drag_end_cb), self);
  gtk_widget_add_controller (self->area, GTK_EVENT_CONTROLLER (drag));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->area),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Signature area"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, _("Not signed yet"),
                                  -1);
  gtk_overlay_set_child (GTK_OVERLAY (overlay), self->area);

  self->hint = gtk_label_new (_("Sign here with a finger, the pen or the mouse"));
  gtk_widget_set_can_target (self->hint, FALSE);
  gtk_widget_set_valign (self->hint, GTK_ALIGN_END);
  gtk_widget_set_margin_bottom (self->hint, 12);
  gtk_widget_add_css_class (self->hint, "dim-label");
  gtk_overlay_add_overlay (GTK_OVERLAY (overlay), self->hint);
  gtk_widget_set_parent (overlay, GTK_WIDGET (self));

  self->clear_button = gtk_button_new_with_mnemonic (_("C_lear Signature"));
  gtk_widget_set_halign (self->clear_button, GTK_ALIGN_END);
  gtk_widget_set_sensitive (self->clear_button, FALSE);
  g_signal_connect_swapped (self->clear_button, "clicked", G_CALLBACK (pm_signature_pad_clear), self);
  gtk_widget_set_parent (self->clear_button, GTK_WIDGET (self));

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Signature"), -1);
}

GtkWidget *
pm_signature_pad_new (void)
{
  return g_object_new (PM_TYPE_SIGNATURE_PAD, NULL);
}

/* [[[x,y],…],…] with four decimals: finer than any finger, and short. */
char *
pm_signature_pad_get_strokes_json (PmSignaturePad *self)
{
  g_autoptr(GString) json = g_string_new ("[");

  g_return_val_if_fail (PM_IS_SIGNATURE_PAD (self), NULL);
  for (guint i = 0; i < self->strokes->len; i++)
    {
      GArray *stroke = g_ptr_array_index (self->strokes, i);

      g_string_append (json, i ? ",[" : "[");
      for (guint j = 0; j < stroke->len; j++)
        {
          Point *p = &g_array_index (stroke, Point, j);
          char x[G_ASCII_DTOSTR_BUF_SIZE], y[G_ASCII_DTOSTR_BUF_SIZE];

          g_string_append_printf (json, "%s[%s,%s]", j ? "," : "",
                                  g_ascii_formatd (x, sizeof x, "%.4f", p->x),
                                  g_ascii_formatd (y, sizeof y, "%.4f", p->y));
        }
      g_string_append_c (json, ']');
    }
  g_string_append_c (json, ']');
  return g_string_free (g_steal_pointer (&json), FALSE);
}

/* Restores strokes from a draft; anything but a list of point lists is
 * refused and leaves the pad as it was. */
gboolean
pm_signature_pad_set_strokes_json (PmSignaturePad *self,
                                   const char     *json)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GPtrArray) strokes = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  JsonArray *array;

  g_return_val_if_fail (PM_IS_SIGNATURE_PAD (self), FALSE);
  node = json ? json_from_string (json, NULL) : NULL;
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return FALSE;
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      GArray *stroke;

      if (!JSON_NODE_HOLDS_ARRAY (element))
        return FALSE;
      stroke = g_array_new (FALSE, FALSE, sizeof (Point));
      g_ptr_array_add (strokes, stroke);
      for (guint j = 0; j < json_array_get_length (json_node_get_array (element)); j++)
        {
          JsonArray *xy = json_array_get_array_element (json_node_get_array (element), j);
          Point point;

          if (xy == NULL || json_array_get_length (xy) != 2)
            return FALSE;
          point.x = CLAMP (json_array_get_double_element (xy, 0), 0.0, 1.0);
          point.y = CLAMP (json_array_get_double_element (xy, 1), 0.0, 1.0);
          g_array_append_val (stroke, point);
        }
    }
  g_ptr_array_unref (self->strokes);
  self->strokes = g_steal_pointer (&strokes);
  strokes_changed (self);
  return TRUE;
}

/* A dot is not a signature: PmSignature wants at least one line. */
gboolean
pm_signature_pad_is_empty (PmSignaturePad *self)
{
  g_return_val_if_fail (PM_IS_SIGNATURE_PAD (self), TRUE);
  for (guint i = 0; i < self->strokes->len; i++)
    if (((GArray *) g_ptr_array_index (self->strokes, i))->len >= 2)
      return FALSE;
  return TRUE;
}

void
pm_signature_pad_clear (PmSignaturePad *self)
{
  g_return_if_fail (PM_IS_SIGNATURE_PAD (self));
  if (self->strokes->len == 0)
    return;
  g_ptr_array_set_size (self->strokes, 0);
  strokes_changed (self);
}

/* @xy holds @n_points pairs of coordinates between 0 and 1: what a finger
 * would draw, for tests and for replaying strokes. */
void
pm_signature_pad_add_stroke (PmSignaturePad *self,
                             const double   *xy,
                             guint           n_points)
{
  GArray *stroke;

  g_return_if_fail (PM_IS_SIGNATURE_PAD (self));
  g_return_if_fail (xy != NULL || n_points == 0);
  stroke = g_array_sized_new (FALSE, FALSE, sizeof (Point), n_points);
  for (guint i = 0; i < n_points; i++)
    {
      Point point = { CLAMP (xy[2 * i], 0.0, 1.0), CLAMP (xy[2 * i + 1], 0.0, 1.0) };

      g_array_append_val (stroke, point);
    }
  g_ptr_array_add (self->strokes, stroke);
  strokes_changed (self);
}
