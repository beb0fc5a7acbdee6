/* pm-cli-cases.h: the registration office's commands: hand-over and deletion
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

int pm_cli_handover (const char  *data_dir,
                     int          argc,
                     char       **argv);
int pm_cli_purge    (const char  *data_dir,
                     int          argc,
                     char       **argv);

G_END_DECLS
