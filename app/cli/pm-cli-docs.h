/* pm-cli-docs.h: the van's documents from the command line
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

int pm_cli_cash_closure (const char  *data_dir,
                         int          argc,
                         char       **argv);
int pm_cli_receipt      (const char  *data_dir,
                         int          argc,
                         char       **argv);
int pm_cli_care_plan    (const char  *data_dir,
                         int          argc,
                         char       **argv);
int pm_cli_handover_sheet (const char  *data_dir,
                           int          argc,
                           char       **argv);

G_END_DECLS
