/* pm-server-admin.h: pepamo-server's admin subcommands
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "pm-server-config.h"

G_BEGIN_DECLS

int pm_server_admin_main (int                    argc,
                          char                 **argv,
                          const PmServerConfig  *config,
                          const char            *key_path);

G_END_DECLS
