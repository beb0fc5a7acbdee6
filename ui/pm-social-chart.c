/* pm-social-chart.c: a bar chart of one MUVIS column per Stadtteil
 *
 * One horizontal bar per Stadtteil with something to show, longest first.
 * A withheld count is drawn as a short hatched bar with its marker (`<5` or
 * `x`), never as a length that would hint at its value. The same figures
 * are the chart's accessible description (its text alternative), and the
 * table beside it shows them too.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "pm-social-chart.h"

#define BAR_HEIGHT   22
#define BAR_GAP      8
#define LABEL_WIDTH  220
#define VALUE_WIDTH  56

typedef struct
{
  char   *label;
  gint64  value;    /* -1 when withheld */
  char   *text;     /* "12", "<5" or "x" */
} Bar;

struct _PmSocialChart
{
  GtkWidget  parent_instance;

  GArray    *bars;
  gint64     max;
  char      *text;
};

G_DEFINE_FINAL_TYPE (PmSocialChart, pm_social_chart, GTK_TYPE_WIDGET)

static void
bar_clear (Bar *bar)
{
  g_free (bar->label);
  g_free (bar->text);
}

static int
compare_bars (gconstpointer a,
              gconstpointer b)
{
  const Bar *x = a;
  const Bar *y = b;

  if (x->value != y->value)
    return x->value < y->value ? 1 : -1;
  return g_utf8_collate (x->label, y->label);
}

static void
layout_text (GtkWidget  *widget,
             cairo_t    *cr,
             const char *text,
             double      x,
             double      y,
             double      width,
             gboolean    right)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, text);
  int w, h;

  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_alignment (layout, right ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_move_to (cr, x, y + (BAR_HEIGHT - h) / 2.0);
  pango_cairo_show_layout (cr, layout);
}

static void
pm_social_chart_snapshot (GtkWidget   *widget,
                          GtkSnapshot *snapshot)
{
  PmSocialChart *self = PM_SOCIAL_CHART (widget);
  int width = gtk_widget_get_width (widget);
  double bar_space = MAX (40, width - LABEL_WIDTH - VALUE_WIDTH - 24);
  cairo_t *cr;
  GdkRGBA fg;

  if (self->bars->len == 0)
    return;
  /* GTK 4.8: the style context is the way to the foreground colour. */
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, gtk_widget_get_height (widget)));
  for (guint i = 0; i < self->bars->len; i++)
    {
      Bar *bar = &g_array_index (self->bars, Bar, i);
      double y = i * (BAR_HEIGHT + BAR_GAP);
      double x = LABEL_WIDTH + 12;
      double length;

      gdk_cairo_set_source_rgba (cr, &fg);
      layout_text (widget, cr, bar->label, 0, y, LABEL_WIDTH, TRUE);
      if (bar->value >= 0)
        {
          length = self->max > 0 ? bar_space * bar->value / self->max : 0;
          /* The accent blue of Adwaita. */
          cairo_set_source_rgb (cr, 0.21, 0.52, 0.89);
          cairo_rectangle (cr, x, y, MAX (length, bar->value > 0 ? 2 : 0), BAR_HEIGHT);
          cairo_fill (cr);
        }
      else
        {
          /* Withheld: a fixed short hatched stub, no length to read. */
          length = 24;
          cairo_save (cr);
          cairo_rectangle (cr, x, y, length, BAR_HEIGHT);
          cairo_clip (cr);
          cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.45);
          cairo_set_line_width (cr, 1.5);
          for (double h = -BAR_HEIGHT; h < length; h += 5)
            {
              cairo_move_to (cr, x + h, y + BAR_HEIGHT);
              cairo_line_to (cr, x + h + BAR_HEIGHT, y);
            }
          cairo_stroke (cr);
          cairo_restore (cr);
        }
      gdk_cairo_set_source_rgba (cr, &fg);
      layout_text (widget, cr, bar->text, x + length + 6, y, VALUE_WIDTH, FALSE);
    }
  cairo_destroy (cr);
}

static void
pm_social_chart_measure (GtkWidget      *widget,
                         GtkOrientation  orientation,
                         int             for_size,
                         int            *minimum,
                         int            *natural,
                         int            *minimum_baseline,
                         int            *natural_baseline)
{
  PmSocialChart *self = PM_SOCIAL_CHART (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *minimum = *natural = LABEL_WIDTH + VALUE_WIDTH + 80;
  else
    *minimum = *natural = self->bars->len * (BAR_HEIGHT + BAR_GAP);
}

static void
pm_social_chart_finalize (GObject *object)
{
  PmSocialChart *self = PM_SOCIAL_CHART (object);

  g_array_unref (self->bars);
  g_free (self->text);
  G_OBJECT_CLASS (pm_social_chart_parent_class)->finalize (object);
}

static void
pm_social_chart_class_init (PmSocialChartClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = pm_social_chart_finalize;
  widget_class->snapshot = pm_social_chart_snapshot;
  widget_class->measure = pm_social_chart_measure;
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
pm_social_chart_init (PmSocialChart *self)
{
  self->bars = g_array_new (FALSE, TRUE, sizeof (Bar));
  g_array_set_clear_func (self->bars, (GDestroyNotify) bar_clear);
}

GtkWidget *
pm_social_chart_new (void)
{
  return g_object_new (PM_TYPE_SOCIAL_CHART, NULL);
}

/**
 * pm_social_chart_show_column:
 *
 * Bars for @column of @report, one per Stadtteil that has a count above 0
 * or a withheld one (the totals row is left out); @title says what they
 * count, for the accessible name.
 */
void
pm_social_chart_show_column (PmSocialChart *self,
                             PmMuvisReport *report,
                             guint          column,
                             const char    *title)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *name = NULL;

  g_return_if_fail (PM_IS_SOCIAL_CHART (self));
  g_array_set_size (self->bars, 0);
  self->max = 0;
  for (guint r = 0; report && r + 1 < pm_muvis_report_get_n_rows (report); r++)
    {
      Bar bar = { 0 };

      bar.value = pm_muvis_report_get_count (report, r, column);
      if (bar.value == 0)
        continue;
      bar.label = g_strdup (pm_muvis_report_get_row_label (report, r));
      bar.text = pm_muvis_report_dup_cell_text (report, r, column);
      self->max = MAX (self->max, bar.value);
      g_array_append_val (self->bars, bar);
    }
  g_array_sort (self->bars, compare_bars);
  for (guint i = 0; i < self->bars->len; i++)
    {
      Bar *bar = &g_array_index (self->bars, Bar, i);

      g_string_append_printf (text, "%s%s: %s", i ? "; " : "", bar->label, bar->text);
    }
  g_free (self->text);
  self->text = g_string_free (g_steal_pointer (&text), FALSE);
  /* Translators: accessible name of the chart; %s names what it counts */
  name = g_strdup_printf (_("Bar chart: %s per district"), title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, name,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  self->bars->len ? self->text : _("No district has anything to count."),
                                  -1);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

/* The text alternative: every bar as "Stadtteil: value". */
const char *
pm_social_chart_get_text (PmSocialChart *self)
{
  g_return_val_if_fail (PM_IS_SOCIAL_CHART (self), NULL);
  return self->text;
}

guint
pm_social_chart_get_n_bars (PmSocialChart *self)
{
  g_return_val_if_fail (PM_IS_SOCIAL_CHART (self), 0);
  return self->bars->len;
}
