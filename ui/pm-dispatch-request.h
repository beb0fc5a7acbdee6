/* pm-dispatch-request.h: the visit request form, fast enough for a phone call
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "pm-store.h"

G_BEGIN_DECLS

#define PM_TYPE_DISPATCH_REQUEST (pm_dispatch_request_get_type ())
G_DECLARE_FINAL_TYPE (PmDispatchRequest, pm_dispatch_request, PM, DISPATCH_REQUEST, GtkWidget)

PmDispatchRequest *pm_dispatch_request_new            (PmStore           *store);
guint              pm_dispatch_request_get_n_duplicates (PmDispatchRequest *self);
const char        *pm_dispatch_request_get_error      (PmDispatchRequest *self);
gboolean           pm_dispatch_request_get_saving     (PmDispatchRequest *self);

G_END_DECLS
