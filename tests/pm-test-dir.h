/* pm-test-dir.h: a temporary directory per test, removed afterwards
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *pm_test_make_dir   (void);
void  pm_test_remove_dir (const char *dir);

G_END_DECLS
