/* pm-test-server.h: the real pepamo-server for tests, on 127.0.0.1
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

char        *pm_test_server_enrol (const char  *data_dir,
                                   const char  *role);
GSubprocess *pm_test_server_start (const char  *data_dir,
                                   char       **base_url);
void         pm_test_server_stop  (GSubprocess *server);

G_END_DECLS
