/* pm-checks.h: validation rules shared by several record types
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "pm-record.h"

G_BEGIN_DECLS

gboolean pm_check_one_of       (PmRecord           *self,
                                const char         *field,
                                const char * const *allowed,
                                gboolean            required,
                                GError            **error);
gboolean pm_check_uuid         (PmRecord           *self,
                                const char         *field,
                                gboolean            required,
                                GError            **error);
gboolean pm_check_uuid_list    (PmRecord           *self,
                                const char         *field,
                                GError            **error);
gboolean pm_check_location     (PmRecord           *self,
                                GError            **error);
gboolean pm_check_stadtteil    (PmRecord           *self,
                                const char         *field,
                                gboolean            required,
                                GError            **error);
gboolean pm_check_postcode     (PmRecord           *self,
                                const char         *field,
                                GError            **error);
gboolean pm_check_int_range    (PmRecord           *self,
                                const char         *field,
                                gint64              min,
                                gint64              max,
                                GError            **error);
gboolean pm_check_needed_if    (PmRecord           *self,
                                gboolean            condition,
                                const char         *field,
                                GError            **error);
gboolean pm_check_service_list (PmRecord           *self,
                                const char         *field,
                                const char         *domain,
                                GError            **error);
int      pm_compare_dates      (const char         *a,
                                const char         *b);

G_END_DECLS
