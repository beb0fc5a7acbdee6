/* pm-store-social.h: what the Soziales desk asks of the store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "pm-store.h"

G_BEGIN_DECLS

JsonArray *pm_store_list_follow_ups                  (PmStore              *self,
                                                      const char           *today,
                                                      GError              **error);
void       pm_store_list_follow_ups_async            (PmStore              *self,
                                                      const char           *today,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
JsonArray *pm_store_list_follow_ups_finish           (PmStore              *self,
                                                      GAsyncResult         *result,
                                                      GError              **error);
JsonArray *pm_store_list_referrals                   (PmStore              *self,
                                                      GError              **error);
void       pm_store_list_referrals_async             (PmStore              *self,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
JsonArray *pm_store_list_referrals_finish            (PmStore              *self,
                                                      GAsyncResult         *result,
                                                      GError              **error);
JsonArray *pm_store_list_counselled_persons          (PmStore              *self,
                                                      GError              **error);
void       pm_store_list_counselled_persons_async    (PmStore              *self,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
JsonArray *pm_store_list_counselled_persons_finish   (PmStore              *self,
                                                      GAsyncResult         *result,
                                                      GError              **error);
JsonArray *pm_store_list_counselling_history         (PmStore              *self,
                                                      const char           *citizen_id,
                                                      GError              **error);
void       pm_store_list_counselling_history_async   (PmStore              *self,
                                                      const char           *citizen_id,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
JsonArray *pm_store_list_counselling_history_finish  (PmStore              *self,
                                                      GAsyncResult         *result,
                                                      GError              **error);

G_END_DECLS
