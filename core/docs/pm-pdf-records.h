/* pm-pdf-records.h: a record's document, with what it needs from the store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "pm-store.h"

G_BEGIN_DECLS

gboolean pm_pdf_write_for_record (PmStore     *store,
                                  PmRecord    *record,
                                  const char  *path,
                                  GError     **error);
char    *pm_pdf_default_path     (PmRecord    *record,
                                  PmRecord    *citizen);
PmRecord *pm_pdf_find_signature  (PmStore     *store,
                                  PmRecord    *record,
                                  GError     **error);
gboolean pm_pdf_write_handover_sheet (PmStore     *store,
                                      const char  *case_id,
                                      const char  *path,
                                      GError     **error);

G_END_DECLS
