/* pm-cli-keys.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Runs one of the key subcommands (verify, passwd, key, rekey, recover-key)
 * on the store at db_path. argv[0] is the subcommand's name, the options
 * follow. Returns the exit code: 0 ok, 1 failed, 2 usage. */
int pm_cli_keys_run (const char  *db_path,
                     const char  *command,
                     int          argc,
                     char       **argv);

G_END_DECLS
