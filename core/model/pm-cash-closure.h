/* pm-cash-closure.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "pm-record.h"

G_BEGIN_DECLS

#define PM_TYPE_CASH_CLOSURE (pm_cash_closure_get_type ())
G_DECLARE_FINAL_TYPE (PmCashClosure, pm_cash_closure, PM, CASH_CLOSURE, PmRecord)

/* The methods a day's takings are counted by, in the order of the totals. */
#define PM_CASH_CLOSURE_N_METHODS 3
extern const char * const pm_cash_closure_methods[PM_CASH_CLOSURE_N_METHODS + 1];

PmCashClosure *pm_cash_closure_new         (void);
PmCashClosure *pm_cash_closure_new_for_day (const char    *van_id,
                                            const char    *van_name,
                                            const char    *day,
                                            GPtrArray     *cases);
JsonArray     *pm_cash_closure_dup_lines   (PmCashClosure *self);

G_END_DECLS
