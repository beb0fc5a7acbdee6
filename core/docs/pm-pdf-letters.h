/* pm-pdf-letters.h: the appointment letter and the van's day sheet, as PDF
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "pm-record.h"

G_BEGIN_DECLS

gboolean pm_pdf_write_appointment_letter (const char  *path,
                                          PmRecord    *visit,
                                          GHashTable  *citizens,
                                          GError     **error);
gboolean pm_pdf_write_day_sheet          (const char  *path,
                                          const char  *date,
                                          const char  *van_name,
                                          GPtrArray   *visits,
                                          GHashTable  *citizens,
                                          GError     **error);

G_END_DECLS
