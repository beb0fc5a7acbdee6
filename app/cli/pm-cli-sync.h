/* pm-cli-sync.h: enrol, sync and status: pepamo-cli and pepamo-server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

int pm_cli_enrol  (const char  *data_dir,
                   int          argc,
                   char       **argv);
int pm_cli_sync   (const char  *data_dir,
                   int          argc,
                   char       **argv);
int pm_cli_status (const char  *data_dir,
                   int          argc,
                   char       **argv);

G_END_DECLS
