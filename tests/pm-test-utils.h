/* pm-test-utils.h: helpers shared by the test programs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "pm-model.h"
#include "pm-store.h"

G_BEGIN_DECLS

char    *pm_test_make_dir      (void);
void     pm_test_remove_dir    (const char *dir);
PmStore *pm_test_open_store    (const char *dir);
PmRecord *pm_test_record_from_json (GType       type,
                                    const char *json);

G_END_DECLS
