/* pm-cli-plan.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

/* `pepamo-cli plan …` (argv[0] is "plan"); returns 0 ok, 1 failed, 2 usage. */
int pm_cli_plan_run (const char  *data_dir,
                     int          argc,
                     char       **argv);
