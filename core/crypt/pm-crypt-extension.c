/* pm-crypt-extension.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The loadable extension "pepamo-sqlite": `.load .../pepamo-sqlite` in the
 * sqlite3 shell registers the "pepamo" VFS, which takes its key from
 * PEPAMO_PASSPHRASE (or PEPAMO_RECOVERY_KEY, PEPAMO_KEY_FILE).
 */

#define G_LOG_DOMAIN "pm-crypt"

#include "pm-crypt-private.h"

#include <gmodule.h>

SQLITE_EXTENSION_INIT1

G_MODULE_EXPORT int sqlite3_pepamosqlite_init (sqlite3                     *db,
                                               char                       **error_message,
                                               const sqlite3_api_routines  *api);

G_MODULE_EXPORT int
sqlite3_pepamosqlite_init (sqlite3                     *db,
                           char                       **error_message,
                           const sqlite3_api_routines  *api)
{
  int rc;

  SQLITE_EXTENSION_INIT2 (api);

  if (sodium_init () < 0)
    {
      *error_message = sqlite3_mprintf ("pepamo: libsodium could not be initialised");
      return SQLITE_ERROR;
    }
  rc = pm_crypt_vfs_register (TRUE);
  if (rc != SQLITE_OK)
    {
      *error_message = sqlite3_mprintf ("pepamo: the VFS could not be registered");
      return rc;
    }
  /* The VFS outlives this connection: `.open` closes it right away. */
  return SQLITE_OK_LOAD_PERMANENTLY;
}
