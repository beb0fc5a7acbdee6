/* pm-cli-dispatch.h: the dispatch office's letters and exports from the command line
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

int pm_cli_export_ics (const char  *data_dir,
                       const char  *from,
                       const char  *to,
                       const char  *output);
int pm_cli_letter     (const char  *data_dir,
                       int          argc,
                       char       **argv);
int pm_cli_day_sheet  (const char  *data_dir,
                       int          argc,
                       char       **argv);

G_END_DECLS
