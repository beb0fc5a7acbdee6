/* pm-server-store.h: pepamo-server's encrypted store and its key
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "pm-store.h"

G_BEGIN_DECLS

#define PM_SERVER_STORE_FILE_NAME "pepamo-server.db"

char    *pm_server_store_default_key_path (const char  *data_dir);
char    *pm_server_store_path             (const char  *data_dir);
int      pm_server_store_lock             (const char  *data_dir,
                                           gboolean     exclusive,
                                           GError     **error);
PmStore *pm_server_store_open             (const char  *data_dir,
                                           const char  *key_path,
                                           GError     **error);

G_END_DECLS
