/* pm-crypt-test-util.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "pm-crypt.h"
#include "pm-test-dir.h"

G_BEGIN_DECLS

#define PM_TEST_STAFF      "s100"
#define PM_TEST_PASSPHRASE "correct horse battery staple"

/* Argon2id at libsodium's minimum: keeps the suite fast. */
extern const PmCryptKdfCost pm_test_fast_cost;

void         pm_test_init          (int           *argc,
                                    char        ***argv);
PmCryptKeys *pm_test_create_store  (const char    *path,
                                    PmCryptSecret **recovery);
void         pm_test_exec          (sqlite3       *db,
                                    const char    *sql);
gint64       pm_test_query_int     (sqlite3       *db,
                                    const char    *sql);
gboolean     pm_test_read_all      (const char    *path,
                                    PmCryptKeys   *keys,
                                    GError       **error);

G_END_DECLS
