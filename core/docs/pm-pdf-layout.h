/* pm-pdf-layout.h: a flow of text, tables and boxes over A4 pages (internal to docs/)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <cairo.h>
#include <pango/pango.h>

G_BEGIN_DECLS

typedef enum
{
  PM_PDF_STYLE_BODY,
  PM_PDF_STYLE_STRONG,
  PM_PDF_STYLE_HEADING,
  PM_PDF_STYLE_TITLE,
  PM_PDF_STYLE_SMALL,
} PmPdfStyle;

typedef enum
{
  PM_PDF_TABLE_GRID  = 1 << 0,  /* header row (repeated on every page) and rules */
  PM_PDF_TABLE_FIELDS = 1 << 1, /* label | value pairs: first column strong */
} PmPdfTableFlags;

typedef struct
{
  const char     *title;     /* translated; header row of a grid table */
  double          fraction;  /* of the text width */
  PangoAlignment  align;
} PmPdfColumn;

typedef struct _PmPdfLayout PmPdfLayout;

/* Builds one document. Called twice by pm_pdf_render(): once to count the
 * pages, once to draw them, so it must produce the same flow both times. */
typedef gboolean (*PmPdfBuildFunc) (PmPdfLayout  *layout,
                                    gpointer      data,
                                    GError      **error);

gboolean pm_pdf_render           (const char         *path,
                                  const char         *title,
                                  const char         *office_id,
                                  PmPdfBuildFunc      build,
                                  gpointer            data,
                                  GError            **error);

void     pm_pdf_layout_text      (PmPdfLayout        *self,
                                  PmPdfStyle          style,
                                  const char         *text);
void     pm_pdf_layout_heading   (PmPdfLayout        *self,
                                  const char         *text);
void     pm_pdf_layout_space     (PmPdfLayout        *self,
                                  double              points);
void     pm_pdf_layout_table     (PmPdfLayout        *self,
                                  PmPdfTableFlags     flags,
                                  const PmPdfColumn  *columns,
                                  guint               n_columns,
                                  GPtrArray          *rows);
GPtrArray *pm_pdf_rows_new       (void);
void     pm_pdf_rows_add         (GPtrArray          *rows,
                                  guint               n_cells,
                                  ...);
cairo_t *pm_pdf_layout_reserve   (PmPdfLayout        *self,
                                  double              height,
                                  double             *x,
                                  double             *y,
                                  double             *width);

G_END_DECLS
