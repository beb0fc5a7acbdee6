/* pm-demo.h: a realistic, wholly fictional demo week in Halle (Saale)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "pm-store.h"

G_BEGIN_DECLS

#define PM_DEMO_CITIZENS 48
/* The passphrase of every demo staff member's key slot; demo mode only. */
#define PM_DEMO_PASSPHRASE "demo"
/* The demo's van, the same in every store, so that a van's laptop enrolled
 * for it pulls the visits the server's demo week gave it. */
#define PM_DEMO_VAN_ID "d0000000-0000-4000-8000-000000000100"

typedef struct
{
  const char *id;
  const char *display_name;
  const char *department;
  const char *role;
} PmDemoStaff;

const PmDemoStaff *pm_demo_get_staff (guint *n_staff);

gboolean pm_demo_fill (PmStore     *store,
                       const char  *today,
                       guint32      seed,
                       GError     **error);

G_END_DECLS
