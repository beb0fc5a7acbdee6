/* pm-store-backup.h: consistent encrypted copies of a store, and putting one back
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "pm-crypt.h"

G_BEGIN_DECLS

gboolean pm_store_backup         (const char   *path,
                                  PmCryptKeys  *keys,
                                  const char   *backup_path,
                                  GError      **error);
gboolean pm_store_restore_backup (const char   *backup_path,
                                  PmCryptKeys  *keys,
                                  const char   *path,
                                  GError      **error);

G_END_DECLS
