/* pm-test-old-store.h: stores as an older PePaMo left them, with data
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <sqlite3.h>

#include <glib.h>

G_BEGIN_DECLS

#define PM_TEST_OLD_STORE_DAY "2026-11-23"

void        pm_test_make_old_store (sqlite3 *db,
                                    int      version);
GHashTable *pm_test_dump_tables (sqlite3 *db);

G_END_DECLS
