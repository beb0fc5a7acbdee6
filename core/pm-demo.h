/* pm-demo.h: a realistic, wholly fictional demo week in Halle (Saale)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "pm-store.h"

G_BEGIN_DECLS

#define PM_DEMO_CITIZENS 48

gboolean pm_demo_fill (PmStore     *store,
                       const char  *today,
                       guint32      seed,
                       GError     **error);

G_END_DECLS
