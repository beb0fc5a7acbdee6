/* pm-pdf-layout.c: a flow of text, tables and boxes over A4 pages
 *
 * Every page gets the city and office as a header and "Page n of N" as a
 * footer. Text wraps at the margins, paragraphs and tables continue on the
 * next page, and a table cell is cut short (with an ellipsis) rather than
 * drawn beyond the page.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pm-docs"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <cairo-pdf.h>
#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <pango/pangocairo.h>
#include <unistd.h>

#include "pm-city.h"
#include "pm-pdf-layout.h"

/* A4 in PostScript points; margins of 20 mm */
#define PAGE_WIDTH   595.276
#define PAGE_HEIGHT  841.890
#define MARGIN       56.693
#define TEXT_WIDTH   (PAGE_WIDTH - 2 * MARGIN)
#define CELL_PADDING 5.0
#define FOOTER_GAP   14.0

struct _PmPdfLayout
{
  cairo_t        *cr;
  PangoContext   *context;
  const PmOffice *office;
  int             page;     /* the page being drawn, from 1 */
  int             n_pages;  /* 0 while counting */
  double          top;      /* of the body, below the header */
  double          bottom;   /* of the body, above the footer */
  double          y;        /* where the next block goes */
};

/* Large print: body text at 14 pt, nothing below 12 pt. */
static const char * const style_fonts[] = {
  [PM_PDF_STYLE_BODY] = "Sans 14",
  [PM_PDF_STYLE_STRONG] = "Sans Bold 14",
  [PM_PDF_STYLE_HEADING] = "Sans Bold 17",
  [PM_PDF_STYLE_TITLE] = "Sans Bold 22",
  [PM_PDF_STYLE_SMALL] = "Sans 12",
};

static PangoLayout *
make_layout (PmPdfLayout *self,
             PmPdfStyle   style,
             const char  *text,
             double       width)
{
  PangoLayout *layout = pango_layout_new (self->context);
  PangoFontDescription *font = pango_font_description_from_string (style_fonts[style]);

  pango_layout_set_font_description (layout, font);
  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_text (layout, text ? text : "", -1);
  pango_font_description_free (font);
  return layout;
}

static double
layout_height (PangoLayout *layout)
{
  int height;

  pango_layout_get_size (layout, NULL, &height);
  return (double) height / PANGO_SCALE;
}

/* Draws one line of small print at y and returns its height. */
static double
draw_small_line (PmPdfLayout    *self,
                 const char     *text,
                 PangoAlignment  align,
                 double          y)
{
  g_autoptr(PangoLayout) layout = make_layout (self, PM_PDF_STYLE_SMALL, text, TEXT_WIDTH);

  pango_layout_set_alignment (layout, align);
  cairo_move_to (self->cr, MARGIN, y);
  pango_cairo_show_layout (self->cr, layout);
  return layout_height (layout);
}

static void
draw_rule (PmPdfLayout *self,
           double       y,
           double       grey,
           double       width)
{
  cairo_save (self->cr);
  cairo_set_source_rgb (self->cr, grey, grey, grey);
  cairo_set_line_width (self->cr, width);
  cairo_move_to (self->cr, MARGIN, y);
  cairo_line_to (self->cr, MARGIN + TEXT_WIDTH, y);
  cairo_stroke (self->cr);
  cairo_restore (self->cr);
}

static void
start_page (PmPdfLayout *self)
{
  PmCity *city = pm_city_get_default ();
  g_autoptr(PangoLayout) name = make_layout (self, PM_PDF_STYLE_STRONG, pm_city_get_name (city), TEXT_WIDTH);
  double y = MARGIN;

  self->page++;
  cairo_move_to (self->cr, MARGIN, y);
  pango_cairo_show_layout (self->cr, name);
  y += layout_height (name);
  if (self->office != NULL)
    {
      y += draw_small_line (self, self->office->name, PANGO_ALIGN_LEFT, y);
      y += draw_small_line (self, self->office->address, PANGO_ALIGN_LEFT, y);
    }
  y += 6;
  draw_rule (self, y, 0.3, 1.0);
  self->top = y + 18;
  self->y = self->top;

  /* While counting, N is not known yet; the footer's height is. */
  {
    /* Translators: footer of every page of a document */
    g_autofree char *footer = g_strdup_printf (_("Page %d of %d"), self->page, MAX (self->n_pages, self->page));
    g_autoptr(PangoLayout) probe = make_layout (self, PM_PDF_STYLE_SMALL, footer, TEXT_WIDTH);
    double footer_y = PAGE_HEIGHT - MARGIN - layout_height (probe);

    if (self->n_pages > 0)
      draw_small_line (self, footer, PANGO_ALIGN_CENTER, footer_y);
    self->bottom = footer_y - FOOTER_GAP;
  }
}

static void
next_page (PmPdfLayout *self)
{
  cairo_show_page (self->cr);
  start_page (self);
}

/* Starts a new page unless height fits below the current position. */
static void
need (PmPdfLayout *self,
      double       height)
{
  if (self->y + height > self->bottom && self->y > self->top)
    next_page (self);
}

/* Draws a layout line by line so that a long paragraph continues on the
 * next page instead of running into the footer. */
static void
flow_layout (PmPdfLayout *self,
             PangoLayout *layout)
{
  PangoLayoutIter *iter = pango_layout_get_iter (layout);
  double origin = self->y;

  do
    {
      PangoRectangle rect;
      double line_top, line_bottom;

      pango_layout_iter_get_line_extents (iter, NULL, &rect);
      line_top = origin + (double) rect.y / PANGO_SCALE;
      line_bottom = line_top + (double) rect.height / PANGO_SCALE;
      if (line_bottom > self->bottom && line_top > self->top)
        {
          next_page (self);
          origin = self->top - (double) rect.y / PANGO_SCALE;
        }
      cairo_move_to (self->cr, MARGIN + (double) rect.x / PANGO_SCALE,
                     origin + (double) pango_layout_iter_get_baseline (iter) / PANGO_SCALE);
      pango_cairo_show_layout_line (self->cr, pango_layout_iter_get_line_readonly (iter));
      self->y = origin + (double) (rect.y + rect.height) / PANGO_SCALE;
    }
  while (pango_layout_iter_next_line (iter));
  pango_layout_iter_free (iter);
}

void
pm_pdf_layout_text (PmPdfLayout *self,
                    PmPdfStyle   style,
                    const char  *text)
{
  g_autoptr(PangoLayout) layout = make_layout (self, style, text, TEXT_WIDTH);

  flow_layout (self, layout);
  self->y += 6;
}

void
pm_pdf_layout_heading (PmPdfLayout *self,
                       const char  *text)
{
  g_autoptr(PangoLayout) layout = make_layout (self, PM_PDF_STYLE_HEADING, text, TEXT_WIDTH);

  /* Keep a heading together with the first lines below it. */
  self->y += 10;
  need (self, layout_height (layout) + 90);
  flow_layout (self, layout);
  self->y += 6;
}

void
pm_pdf_layout_space (PmPdfLayout *self,
                     double       points)
{
  self->y = MIN (self->y + points, self->bottom);
}

GPtrArray *
pm_pdf_rows_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
}

/* Adds a row of n_cells strings; a NULL cell stays empty. */
void
pm_pdf_rows_add (GPtrArray *rows,
                 guint      n_cells,
                 ...)
{
  char **row = g_new0 (char *, n_cells + 1);
  va_list args;

  va_start (args, n_cells);
  for (guint i = 0; i < n_cells; i++)
    {
      const char *cell = va_arg (args, const char *);

      row[i] = g_strdup (cell ? cell : "");
    }
  va_end (args);
  g_ptr_array_add (rows, row);
}

/* Lays out one row's cells; returns the row's height. A cell never grows
 * beyond max_height: the rest of its text is replaced by an ellipsis. */
static double
make_row (PmPdfLayout        *self,
          const PmPdfColumn  *columns,
          guint               n_columns,
          const char * const *cells,
          PmPdfStyle          first_style,
          PmPdfStyle          style,
          double              max_height,
          PangoLayout       **layouts)
{
  double height = 0;
  gboolean ended = FALSE;

  for (guint i = 0; i < n_columns; i++)
    {
      /* A short row leaves its last cells empty rather than reading past it. */
      const char *text = ended ? NULL : cells[i];

      ended = ended || cells[i] == NULL;
      layouts[i] = make_layout (self, i == 0 ? first_style : style, text,
                                columns[i].fraction * TEXT_WIDTH - 2 * CELL_PADDING);
      pango_layout_set_alignment (layouts[i], columns[i].align);
      pango_layout_set_ellipsize (layouts[i], PANGO_ELLIPSIZE_END);
      pango_layout_set_height (layouts[i], (int) (max_height * PANGO_SCALE));
      height = MAX (height, layout_height (layouts[i]));
    }
  return height + 2 * CELL_PADDING;
}

static void
draw_row (PmPdfLayout        *self,
          const PmPdfColumn  *columns,
          guint               n_columns,
          PangoLayout       **layouts,
          double              height,
          gboolean            shaded)
{
  double x = MARGIN;

  if (shaded)
    {
      cairo_save (self->cr);
      cairo_set_source_rgb (self->cr, 0.9, 0.9, 0.9);
      cairo_rectangle (self->cr, MARGIN, self->y, TEXT_WIDTH, height);
      cairo_fill (self->cr);
      cairo_restore (self->cr);
    }
  for (guint i = 0; i < n_columns; i++)
    {
      cairo_move_to (self->cr, x + CELL_PADDING, self->y + CELL_PADDING);
      pango_cairo_show_layout (self->cr, layouts[i]);
      g_object_unref (layouts[i]);
      x += columns[i].fraction * TEXT_WIDTH;
    }
  self->y += height;
}

static void
free_layouts (PangoLayout **layouts,
              guint         n_layouts)
{
  for (guint i = 0; i < n_layouts; i++)
    g_object_unref (layouts[i]);
}

static double
draw_header_row (PmPdfLayout       *self,
                 const PmPdfColumn *columns,
                 guint              n_columns,
                 double             max_height,
                 gboolean           draw)
{
  g_autofree const char **titles = g_new0 (const char *, n_columns + 1);
  g_autofree PangoLayout **layouts = g_new0 (PangoLayout *, n_columns);
  double height;

  for (guint i = 0; i < n_columns; i++)
    titles[i] = columns[i].title;
  height = make_row (self, columns, n_columns, titles, PM_PDF_STYLE_STRONG, PM_PDF_STYLE_STRONG,
                     max_height, layouts);
  if (draw)
    {
      draw_row (self, columns, n_columns, layouts, height, TRUE);
      draw_rule (self, self->y, 0.3, 1.0);
    }
  if (!draw)
    free_layouts (layouts, n_columns);
  return height;
}

static double
measure_rows (PmPdfLayout       *self,
              const PmPdfColumn *columns,
              guint              n_columns,
              GPtrArray         *rows,
              PmPdfStyle         first_style,
              double             max_height,
              PangoLayout      **layouts)
{
  double height = 0;

  for (guint r = 0; r < rows->len; r++)
    {
      height += make_row (self, columns, n_columns, g_ptr_array_index (rows, r), first_style,
                          PM_PDF_STYLE_BODY, max_height, layouts);
      free_layouts (layouts, n_columns);
    }
  return height;
}

void
pm_pdf_layout_table (PmPdfLayout       *self,
                     PmPdfTableFlags    flags,
                     const PmPdfColumn *columns,
                     guint              n_columns,
                     GPtrArray         *rows)
{
  g_autofree PangoLayout **layouts = g_new0 (PangoLayout *, n_columns);
  gboolean grid = (flags & PM_PDF_TABLE_GRID) != 0;
  PmPdfStyle first_style = (flags & PM_PDF_TABLE_FIELDS) ? PM_PDF_STYLE_STRONG : PM_PDF_STYLE_BODY;
  /* A cell must fit on a page together with the header row. */
  double max_height = (self->bottom - self->top) / 2 - 2 * CELL_PADDING;
  double header_height = grid ? draw_header_row (self, columns, n_columns, max_height, FALSE) : 0;
  gboolean header_due = grid;

  /* A short list of fields is not split over two pages. */
  if (!grid)
    need (self, measure_rows (self, columns, n_columns, rows, first_style, max_height, layouts));
  for (guint r = 0; r < rows->len; r++)
    {
      const char * const *cells = g_ptr_array_index (rows, r);
      double height = make_row (self, columns, n_columns, cells, first_style, PM_PDF_STYLE_BODY,
                                max_height, layouts);

      /* The header row goes at the top of every page the table reaches,
       * never alone at the bottom of one. */
      if (self->y + (header_due ? header_height : 0) + height > self->bottom)
        {
          next_page (self);
          header_due = grid;
        }
      if (header_due)
        draw_header_row (self, columns, n_columns, max_height, TRUE);
      header_due = FALSE;
      draw_row (self, columns, n_columns, layouts, height, FALSE);
      if (grid)
        draw_rule (self, self->y, 0.7, 0.5);
    }
  self->y += 10;
}

/* Reserves a block of the given height for the caller to draw into,
 * on a new page if it does not fit on this one. */
cairo_t *
pm_pdf_layout_reserve (PmPdfLayout *self,
                       double       height,
                       double      *x,
                       double      *y,
                       double      *width)
{
  need (self, height);
  *x = MARGIN;
  *y = self->y;
  *width = TEXT_WIDTH;
  self->y += height;
  return self->cr;
}

typedef struct
{
  int fd;      /* -1: discard what cairo writes */
  int errsv;   /* errno of the first failed write */
} Sink;

static cairo_status_t
write_sink_cb (void                *closure,
               const unsigned char *data,
               unsigned int         length)
{
  Sink *sink = closure;

  while (sink->fd >= 0 && length > 0)
    {
      ssize_t n = write (sink->fd, data, length);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          sink->errsv = errno;
          return CAIRO_STATUS_WRITE_ERROR;
        }
      data += n;
      length -= n;
    }
  return CAIRO_STATUS_SUCCESS;
}

/* One pass over the document into sink; returns the number of pages, or 0
 * with error set. */
static int
render_pass (Sink           *sink,
             const char     *title,
             const char     *office_id,
             int             n_pages,
             PmPdfBuildFunc  build,
             gpointer        data,
             GError        **error)
{
  cairo_surface_t *surface = cairo_pdf_surface_create_for_stream (write_sink_cb, sink, PAGE_WIDTH, PAGE_HEIGHT);
  cairo_font_options_t *options = cairo_font_options_create ();
  PmPdfLayout self = { 0 };
  cairo_status_t status;
  gboolean built;

  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, title);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "PePaMo");
  self.cr = cairo_create (surface);
  self.context = pango_cairo_create_context (self.cr);
  /* Font sizes are in points, and a PDF's unit is the point. */
  pango_cairo_context_set_resolution (self.context, 72);
  /* Unhinted metrics: both passes, and every machine, break lines alike. */
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options (self.context, options);
  cairo_font_options_destroy (options);
  self.office = pm_city_get_office (pm_city_get_default (), office_id);
  self.n_pages = n_pages;

  start_page (&self);
  built = build (&self, data, error);
  cairo_show_page (self.cr);
  g_object_unref (self.context);
  cairo_destroy (self.cr);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (!built)
    return 0;
  if (status != CAIRO_STATUS_SUCCESS)
    {
      int code = sink->errsv ? g_io_error_from_errno (sink->errsv) : G_IO_ERROR_FAILED;

      g_set_error (error, G_IO_ERROR, code, _("Could not write the document: %s"),
                   sink->errsv ? g_strerror (sink->errsv) : cairo_status_to_string (status));
      return 0;
    }
  return self.page;
}

static gboolean
set_errno_error (GError     **error,
                 const char  *path,
                 int          errsv)
{
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
               _("Could not write %s: %s"), path, g_strerror (errsv));
  return FALSE;
}

/* Writes the document to a temporary file beside path and renames it into
 * place, so a failure never leaves a half-written document behind. The file
 * is private to the user (0600): documents carry personal data. */
gboolean
pm_pdf_render (const char      *path,
               const char      *title,
               const char      *office_id,
               PmPdfBuildFunc   build,
               gpointer         data,
               GError         **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *tmp_name = g_strdup_printf (".%s.XXXXXX", base);
  g_autofree char *tmp_path = g_build_filename (dir, tmp_name, NULL);
  Sink counter = { -1, 0 };
  Sink file = { -1, 0 };
  int n_pages;
  int errsv = 0;

  /* The first pass only counts the pages, for "Page 1 of N". It draws on
   * the same kind of surface, so lines break the same way in both. */
  n_pages = render_pass (&counter, title, office_id, 0, build, data, error);
  if (n_pages == 0)
    return FALSE;

  file.fd = g_mkstemp_full (tmp_path, O_WRONLY | O_CLOEXEC, 0600);
  if (file.fd < 0)
    return set_errno_error (error, path, errno);
  if (render_pass (&file, title, office_id, n_pages, build, data, error) == 0)
    {
      g_close (file.fd, NULL);
      g_unlink (tmp_path);
      return FALSE;
    }
  if (fsync (file.fd) != 0)
    errsv = errno;
  if (close (file.fd) != 0 && errsv == 0)
    errsv = errno;
  if (errsv == 0 && g_rename (tmp_path, path) != 0)
    errsv = errno;
  if (errsv != 0)
    {
      g_unlink (tmp_path);
      return set_errno_error (error, path, errsv);
    }
  return TRUE;
}
