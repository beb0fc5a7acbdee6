/* pm-cash-day.h: closing a van's day of payments
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "pm-cash-closure.h"
#include "pm-store.h"

G_BEGIN_DECLS

PmRecord      *pm_cash_day_find_van (PmStore     *store,
                                     const char  *van,
                                     GError     **error);
PmCashClosure *pm_cash_day_close    (PmStore     *store,
                                     PmRecord    *van,
                                     const char  *day,
                                     GError     **error);
PmCashClosure *pm_cash_day_lookup   (PmStore     *store,
                                     PmRecord    *van,
                                     const char  *day,
                                     GError     **error);

G_END_DECLS
