/* pm-server-config.h: pepamo-server's configuration file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PM_SERVER_CONFIG_ERROR (pm_server_config_error_quark ())

typedef enum
{
  PM_SERVER_CONFIG_ERROR_READ,     /* the file cannot be read */
  PM_SERVER_CONFIG_ERROR_SYNTAX,   /* not a key file */
  PM_SERVER_CONFIG_ERROR_UNKNOWN,  /* a group or key this server does not know */
  PM_SERVER_CONFIG_ERROR_VALUE,    /* a known key with a bad value */
  PM_SERVER_CONFIG_ERROR_CONFLICT, /* values that do not fit together */
} PmServerConfigError;

/* The server's deletion periods; each is the city profile's
 * retention_days.server rule of the same name. */
typedef enum
{
  PM_SERVER_RETENTION_CASE_AFTER_CLOSED,
  PM_SERVER_RETENTION_COUNSELLING_AFTER_LAST_CONTACT,
  PM_SERVER_RETENTION_VISIT_AFTER_ENDED,
  PM_SERVER_RETENTION_AUDIT,
  PM_SERVER_N_RETENTION
} PmServerRetention;

#define PM_SERVER_DEFAULT_LISTEN         "127.0.0.1:8645"
#define PM_SERVER_DEFAULT_MAX_BODY_BYTES (8 * 1024 * 1024)

typedef struct
{
  char     *listen;           /* ADDR:PORT */
  char     *data_dir;         /* absolute, or NULL */
  char     *key_file;         /* absolute path, or a systemd credential name, or NULL */
  char     *tls_cert;         /* absolute PEM file, or NULL */
  char     *tls_key;          /* absolute PEM file, or NULL */
  gboolean  allow_plain_http; /* plain HTTP on a non-loopback address */
  guint64   max_body_bytes;
  gboolean  log_requests;     /* request lines at message level, not info */
  int       retention_days[PM_SERVER_N_RETENTION]; /* -1: the city profile's value */
} PmServerConfig;

GQuark          pm_server_config_error_quark (void);

const char     *pm_server_retention_key      (PmServerRetention  retention);
const char     *pm_server_retention_rule     (PmServerRetention  retention);

PmServerConfig *pm_server_config_new         (void);
void            pm_server_config_free        (PmServerConfig    *self);
gboolean        pm_server_config_load_file   (PmServerConfig    *self,
                                              const char        *path,
                                              GError           **error);
gboolean        pm_server_config_load_data   (PmServerConfig    *self,
                                              const char        *data,
                                              const char        *origin,
                                              GError           **error);
gboolean        pm_server_config_check       (PmServerConfig    *self,
                                              GError           **error);
PmServerConfig *pm_server_config_load        (const char            *path,
                                              const PmServerConfig  *overrides,
                                              GError               **error);
void            pm_server_config_keep_restart_values (PmServerConfig       *self,
                                                      const PmServerConfig *running);
char           *pm_server_config_get_key_path (PmServerConfig   *self,
                                               const char       *credentials_dir,
                                               GError          **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PmServerConfig, pm_server_config_free)

G_END_DECLS
