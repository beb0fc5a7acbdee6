/* pm-server-purge.h: the server's deletion periods, by command and once a day
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "pm-server-config.h"
#include "pm-store.h"

G_BEGIN_DECLS

char *pm_server_purge (PmStore               *store,
                       const PmServerConfig  *config,
                       gboolean               dry_run,
                       const char            *by,
                       GError               **error);

G_END_DECLS
