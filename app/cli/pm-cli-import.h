/* pm-cli-import.h: pepamo-cli import, records from a JSON document
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

int pm_cli_import (const char  *data_dir,
                   int          argc,
                   char       **argv);

G_END_DECLS
