/* pm-test-utils.h: helpers shared by the test programs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <sqlite3.h>

#include "pm-crypt.h"
#include "pm-model.h"
#include "pm-test-dir.h"
#include "pm-store.h"

G_BEGIN_DECLS

#define PM_TEST_PASSPHRASE "test passphrase"
#define PM_TEST_STAFF_ID   "66666666-7777-4888-9999-aaaaaaaaaaaa"

const PmCryptKdfCost *pm_test_cheap_cost (void);
PmCryptKeys *pm_test_unlock    (const char *path);
sqlite3 *pm_test_open_raw      (const char *path);
PmStore *pm_test_open_store    (const char *dir);
PmRecord *pm_test_record_from_json (GType       type,
                                    const char *json);
void     pm_test_save_json     (PmStore    *store,
                                GType       type,
                                const char *json);
void     pm_test_wait_until    (gboolean   (*done) (gpointer data),
                                gpointer     data,
                                const char  *what);

char        *pm_test_server_token (const char  *data_dir,
                                   const char  *role);
GSubprocess *pm_test_server_start (const char  *data_dir,
                                   char       **base);
void         pm_test_server_stop  (GSubprocess *server);
void     pm_test_settle        (guint        ms);
void     pm_test_screenshot    (const char  *suffix);

JsonObject  *pm_test_take_json_object (char        *text);

G_END_DECLS
