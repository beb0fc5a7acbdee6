/* pm-crypt-sqlite.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The same sources build into the core library (linked against libsqlite3)
 * and into the loadable extension, where every sqlite3_* call has to go
 * through the routines table the host hands to the entry point.
 */

#pragma once

#ifdef PM_CRYPT_SQLITE_EXTENSION
# include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3
#else
# include <sqlite3.h>
#endif
