/* pm-server.h: pepamo-server's HTTP front, on libsoup
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "pm-server-storage.h"

G_BEGIN_DECLS

#define PM_TYPE_SERVER (pm_server_get_type ())
G_DECLARE_FINAL_TYPE (PmServer, pm_server, PM, SERVER, GObject)

PmServer *pm_server_new    (void);
void      pm_server_set_max_body_bytes  (PmServer        *self,
                                         guint64          max_body_bytes);
void      pm_server_set_log_requests    (PmServer        *self,
                                         gboolean         log_requests);
void      pm_server_set_storage         (PmServer        *self,
                                         PmServerStorage *storage);
void      pm_server_set_tls_certificate (PmServer        *self,
                                         GTlsCertificate *certificate);
gboolean  pm_server_listen (PmServer    *self,
                            const char  *address,
                            GError     **error);
GSList   *pm_server_get_uris (PmServer  *self);
void      pm_server_stop   (PmServer    *self);

G_END_DECLS
