/* pm-server.c: pepamo-server's HTTP front, on libsoup
 *
 * Every answer is JSON; errors carry a reason. The sync protocol comes later
 * (see sync/README.md); this is the frame it will live in.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pm-server"

#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "pm-server.h"

struct _PmServer
{
  GObject     parent_instance;

  SoupServer      *soup;
  guint64          max_body_bytes;
  GTlsCertificate *tls_certificate;
};

G_DEFINE_FINAL_TYPE (PmServer, pm_server, G_TYPE_OBJECT)

static void
reply_json (SoupServerMessage *msg,
            guint              status,
            JsonBuilder       *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autofree char *body = json_to_string (root, FALSE);
  gsize length = strlen (body);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE,
                                    g_steal_pointer (&body), length);
}

static void
reply_error (SoupServerMessage *msg,
             guint              status,
             const char        *reason)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, soup_status_get_phrase (status));
  json_builder_set_member_name (builder, "reason");
  json_builder_add_string_value (builder, reason);
  json_builder_end_object (builder);
  reply_json (msg, status, builder);
}

static void
health_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  g_autoptr(JsonBuilder) builder = NULL;

  if (g_strcmp0 (soup_server_message_get_method (msg), SOUP_METHOD_GET) != 0 &&
      g_strcmp0 (soup_server_message_get_method (msg), SOUP_METHOD_HEAD) != 0)
    {
      soup_message_headers_append (soup_server_message_get_response_headers (msg), "Allow", "GET, HEAD");
      reply_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "health answers GET only");
      return;
    }
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, "ok");
  json_builder_set_member_name (builder, "version");
  json_builder_add_string_value (builder, PACKAGE_VERSION);
  json_builder_set_member_name (builder, "protocol");
  json_builder_add_string_value (builder, "v1");
  json_builder_end_object (builder);
  reply_json (msg, SOUP_STATUS_OK, builder);
}

static void
not_found_cb (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  g_autofree char *reason = g_strdup_printf ("no such endpoint: %s", path);

  reply_error (msg, SOUP_STATUS_NOT_FOUND, reason);
}

/* A body over the limit is refused from its Content-Length, before it is
 * read: libsoup answers at once when the status is set at got-headers. */
static void
got_headers_cb (SoupServerMessage *msg,
                gpointer           user_data)
{
  PmServer *self = user_data;
  goffset length = soup_message_headers_get_content_length (soup_server_message_get_request_headers (msg));

  if (self->max_body_bytes > 0 && length > 0 && (guint64) length > self->max_body_bytes)
    reply_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "the request body is larger than max-body-bytes");
}

static void
request_started_cb (SoupServer        *server,
                    SoupServerMessage *msg,
                    gpointer           user_data)
{
  g_signal_connect (msg, "got-headers", G_CALLBACK (got_headers_cb), user_data);
}

static void
request_finished_cb (SoupServer        *server,
                     SoupServerMessage *msg,
                     gpointer           user_data)
{
  GUri *uri = soup_server_message_get_uri (msg);

  g_info ("%s %s %u", soup_server_message_get_method (msg), g_uri_get_path (uri),
          soup_server_message_get_status (msg));
}

static void
pm_server_dispose (GObject *object)
{
  PmServer *self = PM_SERVER (object);

  if (self->soup)
    soup_server_disconnect (self->soup);
  g_clear_object (&self->soup);
  g_clear_object (&self->tls_certificate);
  G_OBJECT_CLASS (pm_server_parent_class)->dispose (object);
}

static void
pm_server_class_init (PmServerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = pm_server_dispose;
}

static void
pm_server_init (PmServer *self)
{
  self->soup = soup_server_new ("server-header", "pepamo-server/" PACKAGE_VERSION, NULL);
  soup_server_add_handler (self->soup, "/v1/health", health_cb, self, NULL);
  soup_server_add_handler (self->soup, NULL, not_found_cb, self, NULL);
  g_signal_connect (self->soup, "request-started", G_CALLBACK (request_started_cb), self);
  g_signal_connect (self->soup, "request-finished", G_CALLBACK (request_finished_cb), self);
}

PmServer *
pm_server_new (void)
{
  return g_object_new (PM_TYPE_SERVER, NULL);
}

void
pm_server_set_max_body_bytes (PmServer *self,
                              guint64   max_body_bytes)
{
  g_return_if_fail (PM_IS_SERVER (self));
  self->max_body_bytes = max_body_bytes;
}

/* Serve HTTPS; call before pm_server_listen(). */
void
pm_server_set_tls_certificate (PmServer        *self,
                               GTlsCertificate *certificate)
{
  g_return_if_fail (PM_IS_SERVER (self));
  g_return_if_fail (G_IS_TLS_CERTIFICATE (certificate));
  g_set_object (&self->tls_certificate, certificate);
  g_object_set (self->soup, "tls-certificate", certificate, NULL);
}

gboolean
pm_server_listen (PmServer    *self,
                  const char  *address,
                  GError     **error)
{
  g_autoptr(GSocketConnectable) connectable = NULL;
  g_autoptr(GSocketAddressEnumerator) enumerator = NULL;
  g_autoptr(GSocketAddress) socket_address = NULL;

  g_return_val_if_fail (PM_IS_SERVER (self), FALSE);

  connectable = g_network_address_parse (address, 0, error);
  if (connectable == NULL)
    return FALSE;
  enumerator = g_socket_connectable_enumerate (connectable);
  socket_address = g_socket_address_enumerator_next (enumerator, NULL, error);
  if (socket_address == NULL)
    {
      if (error && *error == NULL)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "cannot resolve %s", address);
      return FALSE;
    }
  return soup_server_listen (self->soup, socket_address,
                             self->tls_certificate ? SOUP_SERVER_LISTEN_HTTPS : 0, error);
}

/* Built from the listening sockets, not soup_server_get_uris(): libsoup 3.2
 * leaks an address object in that call. */
GSList *
pm_server_get_uris (PmServer *self)
{
  GSList *listeners;
  GSList *uris = NULL;

  g_return_val_if_fail (PM_IS_SERVER (self), NULL);

  listeners = soup_server_get_listeners (self->soup);
  for (GSList *l = listeners; l; l = l->next)
    {
      g_autoptr(GSocketAddress) address = g_socket_get_local_address (l->data, NULL);
      g_autofree char *host = NULL;

      if (!G_IS_INET_SOCKET_ADDRESS (address))
        continue;
      host = g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address)));
      uris = g_slist_append (uris, g_uri_build (G_URI_FLAGS_NONE, self->tls_certificate ? "https" : "http", NULL, host,
                                                g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address)),
                                                "/", NULL, NULL));
    }
  g_slist_free (listeners);
  return uris;
}

void
pm_server_stop (PmServer *self)
{
  g_return_if_fail (PM_IS_SERVER (self));
  soup_server_disconnect (self->soup);
}
