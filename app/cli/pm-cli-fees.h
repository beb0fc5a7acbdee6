/* pm-cli-fees.h: the service catalogue from the command line
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

int pm_cli_fee      (const char  *data_dir,
                     int          argc,
                     char       **argv);
int pm_cli_services (const char  *data_dir,
                     int          argc,
                     char       **argv);

G_END_DECLS
