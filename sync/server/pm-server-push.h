/* pm-server-push.h: the decoder of a push request's body
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

JsonArray *pm_server_decode_push (const char   *data,
                                  gsize         size,
                                  guint        *protocol,
                                  JsonArray   **audit,
                                  const char  **code,
                                  GError      **error);

G_END_DECLS
