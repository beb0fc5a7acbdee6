/* pm-cli-store.h: the store commands of pepamo-cli
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "pm-store.h"

G_BEGIN_DECLS

PmStore *pm_cli_open_store (const char  *data_dir,
                            GError     **error);

int      pm_cli_init       (const char  *data_dir,
                            int          argc,
                            char       **argv);
int      pm_cli_demo       (const char  *data_dir,
                            int          argc,
                            char       **argv);
int      pm_cli_visits     (const char  *data_dir,
                            int          argc,
                            char       **argv);
int      pm_cli_export     (const char  *data_dir,
                            int          argc,
                            char       **argv);

G_END_DECLS
