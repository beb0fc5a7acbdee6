/* pm-pdf.h: the documents of the van's working day, as PDF (cairo + pango, no GTK)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <cairo.h>
#include <json-glib/json-glib.h>

#include "pm-cash-closure.h"
#include "pm-record.h"

G_BEGIN_DECLS

gboolean  pm_pdf_write_care_plan    (const char  *path,
                                     PmRecord    *counselling,
                                     PmRecord    *citizen,
                                     PmRecord    *counsellor,
                                     GError     **error);
gboolean  pm_pdf_write_receipt      (const char  *path,
                                     PmRecord    *kase,
                                     PmRecord    *citizen,
                                     PmRecord    *signature,
                                     GError     **error);
gboolean  pm_pdf_write_cash_closure (const char     *path,
                                     PmCashClosure  *closure,
                                     GError        **error);
gboolean  pm_pdf_write_preregistration (const char  *path,
                                        JsonObject  *handover,
                                        GError     **error);

char     *pm_format_money           (gint64       cents);
char     *pm_format_date            (const char  *iso);
char     *pm_format_timestamp_day   (const char  *timestamp);
gboolean  pm_signature_draw         (cairo_t     *cr,
                                     const char  *strokes,
                                     double       x,
                                     double       y,
                                     double       width,
                                     double       height);

G_END_DECLS
