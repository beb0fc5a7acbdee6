/* pm-server-config.c: pepamo-server's configuration file
 *
 * A GKeyFile (/etc/pepamo/server.conf) with a [server] and a [retention]
 * group. Loading only overwrites what the file sets, so the caller starts
 * from the defaults, loads the file and then applies its command line over
 * it. An administrator reads every error in the journal, so each one names
 * the file, the line, the group and the key, and unknown keys are refused
 * instead of ignored: a misspelt key would otherwise silently keep a default.
 *
 * Needs GLib only, so the tests can build it on its own.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pm-server-config"

#include "config.h"

#include <string.h>

#include "pm-server-config.h"

#define MIN_BODY_BYTES      1024
#define MAX_BODY_BYTES      (1024 * 1024 * 1024)
#define MAX_RETENTION_DAYS  36500

typedef enum
{
  KEY_LISTEN,
  KEY_DATA_DIR,
  KEY_KEY_FILE,
  KEY_TLS_CERT,
  KEY_TLS_KEY,
  KEY_ALLOW_PLAIN_HTTP,
  KEY_MAX_BODY_BYTES,
  KEY_LOG_REQUESTS,
  N_SERVER_KEYS
} ServerKey;

static const char * const server_keys[N_SERVER_KEYS] = {
  "listen", "data-dir", "key-file", "tls-cert", "tls-key", "allow-plain-http", "max-body-bytes",
  "log-requests",
};

/* Key in the file (kebab-case like the [server] keys), rule in the city profile. */
static const struct
{
  const char *key;
  const char *rule;
} retention_names[PM_SERVER_N_RETENTION] = {
  { "case-after-closed", "case_after_closed" },
  { "counselling-after-last-contact", "counselling_after_last_contact" },
  { "visit-after-ended", "visit_after_ended" },
  { "audit", "audit" },
};

G_DEFINE_QUARK (pm-server-config-error-quark, pm_server_config_error)

const char *
pm_server_retention_key (PmServerRetention retention)
{
  g_return_val_if_fail (retention < PM_SERVER_N_RETENTION, NULL);
  return retention_names[retention].key;
}

const char *
pm_server_retention_rule (PmServerRetention retention)
{
  g_return_val_if_fail (retention < PM_SERVER_N_RETENTION, NULL);
  return retention_names[retention].rule;
}

/* The line (1-based) of the last KEY= in [GROUP], the one GKeyFile keeps;
 * 0 when absent (GROUP alone: its header). */
static guint
find_line (const char *data,
           const char *group,
           const char *key)
{
  g_auto(GStrv) lines = g_strsplit (data, "\n", -1);
  g_autofree char *header = g_strdup_printf ("[%s]", group);
  gboolean in_group = FALSE;
  guint found = 0;

  for (guint i = 0; lines[i]; i++)
    {
      const char *line = lines[i];
      const char *equals;
      g_autofree char *name = NULL;

      while (g_ascii_isspace (*line))
        line++;
      if (*line == '[')
        {
          in_group = g_str_has_prefix (line, header);
          if (in_group && key == NULL)
            return i + 1;
          continue;
        }
      if (!in_group || key == NULL || (equals = strchr (line, '=')) == NULL)
        continue;
      name = g_strstrip (g_strndup (line, equals - line));
      if (strcmp (name, key) == 0)
        found = i + 1;
    }
  return found;
}

static gboolean G_GNUC_PRINTF (6, 7)
fail (GError     **error,
      int          code,
      const char  *origin,
      const char  *data,
      const char  *group,
      const char  *format,
      ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, PM_SERVER_CONFIG_ERROR, code, "%s:%u: [%s] %s",
               origin, find_line (data, group, NULL), group, message);
  return FALSE;
}

static gboolean G_GNUC_PRINTF (7, 8)
fail_key (GError     **error,
          int          code,
          const char  *origin,
          const char  *data,
          const char  *group,
          const char  *key,
          const char  *format,
          ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, PM_SERVER_CONFIG_ERROR, code, "%s:%u: [%s] %s: %s",
               origin, find_line (data, group, key), group, key, message);
  return FALSE;
}

/* GKeyFile's own parse errors give no line; this pass finds the first bad one. */
static gboolean
check_syntax (const char  *data,
              const char  *origin,
              GError     **error)
{
  g_auto(GStrv) lines = g_strsplit (data, "\n", -1);

  for (guint i = 0; lines[i]; i++)
    {
      g_autofree char *line = g_strstrip (g_strdup (lines[i]));

      if (*line == '\0' || *line == '#')
        continue;
      if (*line == '[' ? !g_str_has_suffix (line, "]") : strchr (line, '=') == NULL)
        {
          g_set_error (error, PM_SERVER_CONFIG_ERROR, PM_SERVER_CONFIG_ERROR_SYNTAX,
                       "%s:%u: “%s” is neither a [group], a key = value line nor a # comment",
                       origin, i + 1, line);
          return FALSE;
        }
    }
  return TRUE;
}

/* HOST:PORT or [IPV6]:PORT; HOST and PORT returned when wanted. */
static gboolean
split_listen (const char  *listen,
              char       **host,
              guint       *port)
{
  const char *colon = strrchr (listen, ':');
  g_autofree char *name = NULL;
  guint64 number;

  if (colon == NULL || colon == listen)
    return FALSE;
  if (*listen == '[')
    {
      if (colon[-1] != ']' || colon - listen < 3)
        return FALSE;
      name = g_strndup (listen + 1, colon - listen - 2);
    }
  else
    {
      name = g_strndup (listen, colon - listen);
      if (strchr (name, ':') != NULL)
        return FALSE;
    }
  if (!g_ascii_string_to_unsigned (colon + 1, 10, 0, 65535, &number, NULL))
    return FALSE;
  if (host)
    *host = g_steal_pointer (&name);
  if (port)
    *port = (guint) number;
  return TRUE;
}

static gboolean
is_loopback (const char *host)
{
  return g_str_has_prefix (host, "127.") || strcmp (host, "::1") == 0 ||
         g_ascii_strcasecmp (host, "localhost") == 0;
}

/* A systemd credential name: what LoadCredential=NAME:… makes available. */
static gboolean
is_credential_name (const char *value)
{
  if (*value == '\0' || *value == '.')
    return FALSE;
  for (const char *p = value; *p; p++)
    if (!g_ascii_isalnum (*p) && strchr ("-_.", *p) == NULL)
      return FALSE;
  return TRUE;
}

static void
set_string (char       **field,
            const char  *value)
{
  g_free (*field);
  *field = *value ? g_strdup (value) : NULL;
}

static gboolean
load_server_key (PmServerConfig  *self,
                 GKeyFile        *keys,
                 ServerKey        which,
                 const char      *data,
                 const char      *origin,
                 GError         **error)
{
  const char *key = server_keys[which];
  g_autoptr(GError) local_error = NULL;
  g_autofree char *value = g_key_file_get_string (keys, "server", key, &local_error);
  guint64 number;

  if (value == NULL)
    return fail_key (error, PM_SERVER_CONFIG_ERROR_VALUE, origin, data, "server", key,
                     "%s", local_error->message);
  g_strstrip (value);

  switch (which)
    {
    case KEY_LISTEN:
      if (!split_listen (value, NULL, NULL))
        return fail_key (error, PM_SERVER_CONFIG_ERROR_VALUE, origin, data, "server", key,
                         "“%s” is not ADDRESS:PORT with a port up to 65535 "
                         "(e.g. 127.0.0.1:8645, or [::1]:8645 for IPv6)", value);
      set_string (&self->listen, value);
      break;

    case KEY_DATA_DIR:
    case KEY_TLS_CERT:
    case KEY_TLS_KEY:
      if (*value && !g_path_is_absolute (value))
        return fail_key (error, PM_SERVER_CONFIG_ERROR_VALUE, origin, data, "server", key,
                         "“%s” is not an absolute path", value);
      set_string (which == KEY_DATA_DIR ? &self->data_dir :
                  which == KEY_TLS_CERT ? &self->tls_cert : &self->tls_key, value);
      break;

    case KEY_KEY_FILE:
      if (*value && !g_path_is_absolute (value) && !is_credential_name (value))
        return fail_key (error, PM_SERVER_CONFIG_ERROR_VALUE, origin, data, "server", key,
                         "“%s” is neither an absolute path nor a systemd credential name", value);
      set_string (&self->key_file, value);
      break;

    case KEY_ALLOW_PLAIN_HTTP:
    case KEY_LOG_REQUESTS:
      if (strcmp (value, "true") != 0 && strcmp (value, "false") != 0)
        return fail_key (error, PM_SERVER_CONFIG_ERROR_VALUE, origin, data, "server", key,
                         "“%s” is not true or false", value);
      *(which == KEY_ALLOW_PLAIN_HTTP ? &self->allow_plain_http : &self->log_requests) = strcmp (value, "true") == 0;
      break;

    case KEY_MAX_BODY_BYTES:
      if (!g_ascii_string_to_unsigned (value, 10, MIN_BODY_BYTES, MAX_BODY_BYTES, &number, NULL))
        return fail_key (error, PM_SERVER_CONFIG_ERROR_VALUE, origin, data, "server", key,
                         "“%s” is not a number of bytes from %d to %d", value,
                         MIN_BODY_BYTES, MAX_BODY_BYTES);
      self->max_body_bytes = number;
      break;

    case N_SERVER_KEYS:
    default:
      g_assert_not_reached ();
    }
  return TRUE;
}

static gboolean
load_retention_key (PmServerConfig  *self,
                    GKeyFile        *keys,
                    const char      *key,
                    const char      *data,
                    const char      *origin,
                    GError         **error)
{
  g_autofree char *value = g_key_file_get_value (keys, "retention", key, NULL);
  guint64 days;

  for (guint i = 0; i < PM_SERVER_N_RETENTION; i++)
    {
      if (strcmp (key, retention_names[i].key) != 0)
        continue;
      g_strstrip (value);
      if (!g_ascii_string_to_unsigned (value, 10, 0, MAX_RETENTION_DAYS, &days, NULL))
        return fail_key (error, PM_SERVER_CONFIG_ERROR_VALUE, origin, data, "retention", key,
                         "“%s” is not a number of days from 0 to %d", value, MAX_RETENTION_DAYS);
      self->retention_days[i] = (int) days;
      return TRUE;
    }
  return fail_key (error, PM_SERVER_CONFIG_ERROR_UNKNOWN, origin, data, "retention", key,
                   "unknown key (known: case-after-closed, counselling-after-last-contact, "
                   "visit-after-ended, audit)");
}

/**
 * pm_server_config_new:
 *
 * The defaults: listen on 127.0.0.1:8645, no data directory, key or TLS
 * files, plain HTTP only on loopback, 8 MiB request bodies, request lines
 * at info level only, and the city profile's deletion periods (-1 in
 * @retention_days).
 */
PmServerConfig *
pm_server_config_new (void)
{
  PmServerConfig *self = g_new0 (PmServerConfig, 1);

  self->listen = g_strdup (PM_SERVER_DEFAULT_LISTEN);
  self->max_body_bytes = PM_SERVER_DEFAULT_MAX_BODY_BYTES;
  for (guint i = 0; i < PM_SERVER_N_RETENTION; i++)
    self->retention_days[i] = -1;
  return self;
}

void
pm_server_config_free (PmServerConfig *self)
{
  if (self == NULL)
    return;
  g_free (self->listen);
  g_free (self->data_dir);
  g_free (self->key_file);
  g_free (self->tls_cert);
  g_free (self->tls_key);
  g_free (self);
}

/**
 * pm_server_config_load_data:
 * @origin: the file name used in error messages
 *
 * Overwrites the values @data sets. On error @self may be partly changed;
 * the caller stops anyway.
 */
gboolean
pm_server_config_load_data (PmServerConfig  *self,
                            const char      *data,
                            const char      *origin,
                            GError         **error)
{
  g_autoptr(GKeyFile) keys = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;
  g_auto(GStrv) groups = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (data != NULL && origin != NULL, FALSE);

  if (!check_syntax (data, origin, error))
    return FALSE;
  if (!g_key_file_load_from_data (keys, data, -1, G_KEY_FILE_NONE, &local_error))
    {
      g_set_error (error, PM_SERVER_CONFIG_ERROR, PM_SERVER_CONFIG_ERROR_SYNTAX,
                   "%s: %s", origin, local_error->message);
      return FALSE;
    }

  groups = g_key_file_get_groups (keys, NULL);
  for (guint g = 0; groups[g]; g++)
    {
      g_auto(GStrv) names = NULL;
      gboolean server = strcmp (groups[g], "server") == 0;

      if (!server && strcmp (groups[g], "retention") != 0)
        return fail (error, PM_SERVER_CONFIG_ERROR_UNKNOWN, origin, data, groups[g],
                     "unknown group (known: [server], [retention])");
      names = g_key_file_get_keys (keys, groups[g], NULL, NULL);
      for (guint k = 0; names[k]; k++)
        {
          guint which = 0;

          if (!server)
            {
              if (!load_retention_key (self, keys, names[k], data, origin, error))
                return FALSE;
              continue;
            }
          while (which < N_SERVER_KEYS && strcmp (names[k], server_keys[which]) != 0)
            which++;
          if (which == N_SERVER_KEYS)
            return fail_key (error, PM_SERVER_CONFIG_ERROR_UNKNOWN, origin, data, "server", names[k],
                             "unknown key (known: listen, data-dir, key-file, tls-cert, tls-key, "
                             "allow-plain-http, max-body-bytes, log-requests)");
          if (!load_server_key (self, keys, which, data, origin, error))
            return FALSE;
        }
    }
  return TRUE;
}

gboolean
pm_server_config_load_file (PmServerConfig  *self,
                            const char      *path,
                            GError         **error)
{
  g_autofree char *data = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (!g_file_get_contents (path, &data, NULL, &local_error))
    {
      g_set_error (error, PM_SERVER_CONFIG_ERROR, PM_SERVER_CONFIG_ERROR_READ,
                   "cannot read the configuration: %s", local_error->message);
      return FALSE;
    }
  return pm_server_config_load_data (self, data, path, error);
}

/**
 * pm_server_config_check:
 *
 * The checks that involve more than one value, run after the command line
 * was applied: TLS needs both files, and plain HTTP leaves the machine only
 * when the administrator says so (a TLS reverse proxy on another host).
 */
gboolean
pm_server_config_check (PmServerConfig  *self,
                        GError         **error)
{
  g_autofree char *host = NULL;

  g_return_val_if_fail (self != NULL, FALSE);

  if ((self->tls_cert == NULL) != (self->tls_key == NULL))
    {
      g_set_error_literal (error, PM_SERVER_CONFIG_ERROR, PM_SERVER_CONFIG_ERROR_CONFLICT,
                           "tls-cert and tls-key must be set together");
      return FALSE;
    }
  /* An address from the command line that does not parse is left to
   * pm_server_listen(), which says why it cannot listen there. */
  if (self->tls_cert == NULL && !self->allow_plain_http &&
      split_listen (self->listen, &host, NULL) && !is_loopback (host))
    {
      g_set_error (error, PM_SERVER_CONFIG_ERROR, PM_SERVER_CONFIG_ERROR_CONFLICT,
                   "listen: %s is not a loopback address, but there is no tls-cert: set tls-cert "
                   "and tls-key, or allow-plain-http = true when a TLS reverse proxy on another "
                   "host is the only client", self->listen);
      return FALSE;
    }
  return TRUE;
}

/**
 * pm_server_config_get_key_path:
 * @credentials_dir: (nullable): `$CREDENTIALS_DIRECTORY` of a systemd service
 *
 * Where the database key file is: key-file itself when it is a path, else the
 * credential of that name that systemd loaded (LoadCredential=). %NULL
 * without an error when no key-file is set.
 */
char *
pm_server_config_get_key_path (PmServerConfig  *self,
                               const char      *credentials_dir,
                               GError         **error)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (self->key_file == NULL)
    return NULL;
  if (g_path_is_absolute (self->key_file))
    return g_strdup (self->key_file);
  if (credentials_dir == NULL || *credentials_dir == '\0')
    {
      g_set_error (error, PM_SERVER_CONFIG_ERROR, PM_SERVER_CONFIG_ERROR_CONFLICT,
                   "key-file: “%s” names a systemd credential, but the server was started "
                   "without credentials ($CREDENTIALS_DIRECTORY is not set)", self->key_file);
      return NULL;
    }
  return g_build_filename (credentials_dir, self->key_file, NULL);
}

static void
override_string (char       **field,
                 const char  *value)
{
  if (value == NULL)
    return;
  g_free (*field);
  *field = g_strdup (value);
}

/**
 * pm_server_config_load:
 * @path: (nullable): the configuration file; %NULL for the defaults
 * @overrides: what the command line sets over the file: listen, data_dir
 *   and key_file, %NULL where it sets nothing (other fields are ignored)
 *
 * The defaults, the file over them, the command line over that, checked.
 * Used at start and again on SIGHUP with the same @overrides.
 */
PmServerConfig *
pm_server_config_load (const char            *path,
                       const PmServerConfig  *overrides,
                       GError               **error)
{
  g_autoptr(PmServerConfig) self = pm_server_config_new ();

  g_return_val_if_fail (overrides != NULL, NULL);

  if (path != NULL && !pm_server_config_load_file (self, path, error))
    return NULL;
  override_string (&self->listen, overrides->listen);
  override_string (&self->data_dir, overrides->data_dir);
  override_string (&self->key_file, overrides->key_file);
  if (!pm_server_config_check (self, error))
    {
      if (path != NULL)
        g_prefix_error (error, "%s: ", path);
      return NULL;
    }
  return g_steal_pointer (&self);
}

static void
keep_string (const char  *key,
             char       **fresh,
             const char  *running)
{
  if (g_strcmp0 (*fresh, running) == 0)
    return;
  g_warning ("Reload: %s changed; it takes effect at the next restart, the running value stays", key);
  g_free (*fresh);
  *fresh = g_strdup (running);
}

/**
 * pm_server_config_keep_restart_values:
 * @self: a configuration read again (SIGHUP)
 * @running: the one the server runs with
 *
 * A running server keeps its address, data dir, key and whether it speaks
 * TLS at all: @self gets @running's values for those, with a warning for
 * each that differed. Body limit, request log, retention and the TLS files
 * (when TLS stays on) stay as @self has them.
 */
void
pm_server_config_keep_restart_values (PmServerConfig       *self,
                                      const PmServerConfig *running)
{
  g_return_if_fail (self != NULL && running != NULL);

  keep_string ("listen", &self->listen, running->listen);
  keep_string ("data-dir", &self->data_dir, running->data_dir);
  keep_string ("key-file", &self->key_file, running->key_file);
  if (self->allow_plain_http != running->allow_plain_http)
    {
      g_warning ("Reload: allow-plain-http changed; it takes effect at the next restart, the running value stays");
      self->allow_plain_http = running->allow_plain_http;
    }
  if ((self->tls_cert == NULL) != (running->tls_cert == NULL))
    {
      g_warning ("Reload: tls-cert and tls-key switch TLS %s; that takes effect at the next restart",
                 self->tls_cert ? "on" : "off");
      g_free (self->tls_cert);
      g_free (self->tls_key);
      self->tls_cert = g_strdup (running->tls_cert);
      self->tls_key = g_strdup (running->tls_key);
    }
}
