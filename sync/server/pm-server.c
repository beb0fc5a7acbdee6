/* pm-server.c: pepamo-server's HTTP front, on libsoup
 *
 * Every answer is JSON; errors carry a reason. The sync endpoints need a
 * storage (pm_server_set_storage(), the only way to the data) and a device
 * token; the wire shapes are in sync/PROTOCOL.md. Push and pull are served
 * in threads (see serve_off_loop()), the rest on the main loop.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pm-server"

#include "config.h"

#include <json-glib/json-glib.h>
#include <sys/socket.h>
#include <libsoup/soup.h>

#include "pm-error.h"
#include "pm-server-push.h"
#include "pm-muvis-report.h"
#include "pm-server.h"
#include "pm-store-sync.h"

#define DEFAULT_PULL_LIMIT 500
#define MAX_PULL_LIMIT     1000

/* Threads serving push and pull requests. They mostly wait for the store;
 * the more pushes wait there together, the more share a commit (GTask's
 * own pool of 10 measured 7 % more server CPU under fifty devices). */
#define MAX_REQUEST_THREADS 32

struct _PmServer
{
  GObject     parent_instance;

  SoupServer      *soup;
  guint64          max_body_bytes;
  gboolean         log_requests;
  GTlsCertificate *tls_certificate;
  PmServerStorage *storage;
  GThreadPool     *pool;
  guint            in_flight;  /* requests served off the main loop */
  gboolean         stopping;
};

G_DEFINE_FINAL_TYPE (PmServer, pm_server, G_TYPE_OBJECT)

/* Takes @body, a JSON text. */
static void
reply_text (SoupServerMessage *msg,
            guint              status,
            char              *body)
{
  gsize length = strlen (body);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, body, length);
}

static void
reply_json (SoupServerMessage *msg,
            guint              status,
            JsonBuilder       *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);

  reply_text (msg, status, json_to_string (root, FALSE));
}

/* @code: (nullable): a stable name for the case, for clients that must act
 * on it (a 410's re-bootstrap, a revoked device's wipe) */
static char *
error_text (guint       status,
            const char *code,
            const char *reason)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, soup_status_get_phrase (status));
  if (code)
    {
      json_builder_set_member_name (builder, "code");
      json_builder_add_string_value (builder, code);
    }
  json_builder_set_member_name (builder, "reason");
  json_builder_add_string_value (builder, reason);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static void
reply_error (SoupServerMessage *msg,
             guint              status,
             const char        *reason)
{
  reply_text (msg, status, error_text (status, NULL, reason));
}

static void
reply_not_found (SoupServerMessage *msg,
                 const char        *path)
{
  g_autofree char *reason = g_strdup_printf ("no such endpoint: %s", path);

  reply_error (msg, SOUP_STATUS_NOT_FOUND, reason);
}

/* An answer made on any thread, set on its message on the main loop
 * (libsoup's objects belong to it). */
typedef struct
{
  guint     status;
  char     *body;       /* JSON text */
  gboolean  challenge;  /* a 401: name the scheme */
} Answer;

static void
answer_error (Answer     *answer,
              guint       status,
              const char *code,
              const char *reason)
{
  g_free (answer->body);
  answer->status = status;
  answer->body = error_text (status, code, reason);
}

/* @code: "device_revoked" tells a revoked device to delete its store; an
 * unknown token never carries it, so a typo wipes nothing. */
static void
answer_unauthorized (Answer     *answer,
                     const char *code,
                     const char *reason)
{
  answer_error (answer, SOUP_STATUS_UNAUTHORIZED, code, reason);
  answer->challenge = TRUE;
}

/* The store failed: the log says what and why (English, for IT), the
 * device gets a 500 it retries, without the store's details. */
static void G_GNUC_PRINTF (3, 4)
answer_store_failed (Answer       *answer,
                     const GError *error,
                     const char   *format,
                     ...)
{
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  g_warning ("%s: %s", what, error->message);
  answer_error (answer, SOUP_STATUS_INTERNAL_SERVER_ERROR, NULL, "the server's store failed");
}

static void
reply_answer (SoupServerMessage *msg,
              Answer            *answer)
{
  if (answer->challenge)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                  "WWW-Authenticate", "Bearer realm=\"pepamo\"");
  reply_text (msg, answer->status, g_steal_pointer (&answer->body));
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
  json_builder_set_member_name (builder, "push_protocol");
  json_builder_add_int_value (builder, PM_SYNC_PROTOCOL);
  json_builder_set_member_name (builder, "oldest_push_protocol");
  json_builder_add_int_value (builder, PM_SYNC_PROTOCOL_OLDEST);
  json_builder_end_object (builder);
  reply_json (msg, SOUP_STATUS_OK, builder);
}

/* libsoup hands a handler every path below its own: only the exact one is
 * the endpoint. */
static gboolean
check_request (SoupServerMessage *msg,
               const char        *path,
               const char        *endpoint,
               const char        *method)
{
  g_autofree char *reason = NULL;

  if (g_strcmp0 (path, endpoint) != 0)
    {
      reply_not_found (msg, path);
      return FALSE;
    }
  if (g_strcmp0 (soup_server_message_get_method (msg), method) == 0)
    return TRUE;
  soup_message_headers_append (soup_server_message_get_response_headers (msg), "Allow", method);
  reason = g_strdup_printf ("%s answers %s only", endpoint, method);
  reply_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, reason);
  return FALSE;
}

/* The device behind @authorization (the request's header), or %NULL with
 * @answer set: 401 for a missing, unknown or revoked token, 500 when the
 * store fails. Any thread. */
static JsonObject *
authenticate (PmServerStorage *storage,
              const char      *authorization,
              const char      *path,
              Answer          *answer)
{
  g_autofree char *token = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) device = NULL;

  /* The scheme is case-insensitive (RFC 9110, section 11.1). */
  if (authorization == NULL || g_ascii_strncasecmp (authorization, "Bearer ", strlen ("Bearer ")) != 0)
    {
      answer_unauthorized (answer, NULL, "no bearer token: send Authorization: Bearer TOKEN");
      return NULL;
    }
  token = g_strstrip (g_strdup (authorization + strlen ("Bearer ")));
  device = pm_server_storage_find_device (storage, token, &error);
  if (device == NULL && (error == NULL || g_error_matches (error, PM_ERROR, PM_ERROR_NOT_FOUND)))
    {
      answer_unauthorized (answer, NULL, "unknown token");
      return NULL;
    }
  if (device == NULL)
    {
      answer_store_failed (answer, error, "Cannot look up a device token");
      return NULL;
    }
  if (json_object_get_boolean_member_with_default (device, "revoked", FALSE))
    {
      const char *device_id = json_object_get_string_member (device, "device_id");

      g_message ("Refused revoked device %s", device_id);
      if (!pm_server_storage_append_audit (storage, "refuse revoked", device_id,
                                           json_object_get_string_member (device, "role"), NULL, 0, path, &error))
        g_warning ("Cannot audit a revoked device's request: %s", error->message);
      answer_unauthorized (answer, "device_revoked", "this device was revoked: it must delete its store");
      return NULL;
    }
  return g_steal_pointer (&device);
}

/* Whether the server has a store to sync with; a 503 on @msg if not. */
static gboolean
has_storage (PmServer          *self,
             SoupServerMessage *msg)
{
  if (self->storage)
    return TRUE;
  reply_error (msg, SOUP_STATUS_SERVICE_UNAVAILABLE,
               "this server was started without a data dir: it has no store to sync with");
  return FALSE;
}

/* authenticate() for a handler on the main loop: a 503 without a storage,
 * and the error answer set on @msg. */
static JsonObject *
authenticate_here (PmServer          *self,
                   SoupServerMessage *msg)
{
  Answer answer = { 0 };
  JsonObject *device;

  if (!has_storage (self, msg))
    return NULL;
  device = authenticate (self->storage,
                         soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Authorization"),
                         g_uri_get_path (soup_server_message_get_uri (msg)), &answer);
  if (device == NULL)
    reply_answer (msg, &answer);
  return device;
}

static void
device_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  PmServer *self = user_data;
  g_autoptr(JsonObject) device = NULL;
  g_autoptr(JsonBuilder) builder = NULL;

  if (!check_request (msg, path, "/v1/device", SOUP_METHOD_GET) || (device = authenticate_here (self, msg)) == NULL)
    return;
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "device_id");
  json_builder_add_string_value (builder, json_object_get_string_member (device, "device_id"));
  json_builder_set_member_name (builder, "role");
  json_builder_add_string_value (builder, json_object_get_string_member (device, "role"));
  json_builder_set_member_name (builder, "city");
  json_builder_add_string_value (builder, json_object_get_string_member (device, "city"));
  if (json_object_has_member (device, "van_id"))
    {
      json_builder_set_member_name (builder, "van_id");
      json_builder_add_string_value (builder, json_object_get_string_member (device, "van_id"));
    }
  json_builder_end_object (builder);
  reply_json (msg, SOUP_STATUS_OK, builder);
}

/* The sync requests are served off the main loop, each in a thread of
 * the server's pool: the loop goes on reading the next requests (decoding a
 * push body is a fifth of the server's work) while the store applies
 * others, and pushes queued together share a commit (core/store). */

typedef struct _Request Request;
typedef void (*ServeFunc) (Request    *request,
                           JsonObject *device);

struct _Request
{
  PmServerStorage   *storage;
  SoupServerMessage *msg;           /* the main loop's */
  char              *authorization;
  char              *path;
  GBytes            *body;
  GHashTable        *query;
  ServeFunc          serve;
  Answer             answer;
  JsonArray         *spent;           /* a push's decoded entries */
};

static void
request_free (Request *request)
{
  g_object_unref (request->storage);
  g_object_unref (request->msg);
  g_free (request->authorization);
  g_free (request->path);
  g_clear_pointer (&request->body, g_bytes_unref);
  g_clear_pointer (&request->query, g_hash_table_unref);
  g_free (request->answer.body);
  g_free (request);
}

static void
serve_in_thread (gpointer data,
                 gpointer unused)
{
  GTask *task = data;   /* served_cb() drops it, on the main loop */
  Request *request = g_task_get_task_data (task);
  g_autoptr(JsonObject) device = authenticate (request->storage, request->authorization, request->path,
                                               &request->answer);
  g_autoptr(JsonArray) spent = NULL;

  if (device)
    request->serve (request, device);
  /* Freeing a push of 500 decoded entries takes 2 ms: once the answer is
   * on its way, not before. */
  spent = g_steal_pointer (&request->spent);
  g_task_return_boolean (task, TRUE);
  /* The main loop, just woken to send the answer, goes first: behind this
   * thread's free it waited up to 3 ms on two busy cores. */
  g_thread_yield ();
}

static void
served_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  PmServer *self = PM_SERVER (source);
  Request *request = g_task_get_task_data (G_TASK (result));

  reply_answer (request->msg, &request->answer);
  soup_server_message_unpause (request->msg);
  self->in_flight--;
  /* The thread's reference: dropped here, so that the request (libsoup's
   * message) and the server are let go on the main loop. */
  g_object_unref (result);
}

/* @priority: in the pool, a pull (G_PRIORITY_HIGH) goes before the
 * pushes waiting for a thread: a device whose push is answered gets its
 * pull while the others' pushes are applied, instead of after all of them. */
static void
serve_off_loop (PmServer          *self,
                SoupServerMessage *msg,
                GHashTable        *query,
                int                priority,
                ServeFunc          serve)
{
  g_autoptr(GTask) task = NULL;
  Request *request;

  if (!has_storage (self, msg))
    return;
  if (self->stopping)
    {
      reply_error (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "the server is stopping: try again later");
      return;
    }
  request = g_new0 (Request, 1);
  request->storage = g_object_ref (self->storage);
  request->msg = g_object_ref (msg);
  request->authorization = g_strdup (soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                                   "Authorization"));
  request->path = g_strdup (g_uri_get_path (soup_server_message_get_uri (msg)));
  if (g_strcmp0 (soup_server_message_get_method (msg), SOUP_METHOD_POST) == 0)
    request->body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  request->query = query ? g_hash_table_ref (query) : NULL;
  request->serve = serve;
  soup_server_message_pause (msg);
  self->in_flight++;
  task = g_task_new (self, NULL, served_cb, NULL);
  g_task_set_priority (task, priority);
  g_task_set_task_data (task, request, (GDestroyNotify) request_free);
  g_thread_pool_push (self->pool, g_steal_pointer (&task), NULL);
}

static void
serve_push (Request    *request,
            JsonObject *device)
{
  const char *device_id = json_object_get_string_member (device, "device_id");
  JsonArray *entries;
  g_autoptr(JsonArray) audit = NULL;
  g_autoptr(JsonArray) results = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  const char *code = NULL;
  gsize size = 0;
  const char *data = g_bytes_get_data (request->body, &size);
  guint protocol = 0;
  gint64 audit_kept = 0;

  entries = pm_server_decode_push (data, size, &protocol, &audit, &code, &error);
  if (entries == NULL)
    {
      answer_error (&request->answer, SOUP_STATUS_BAD_REQUEST, code, error->message);
      return;
    }
  request->spent = entries;
  /* The audit entries first: a batch refused for one of them is refused
   * before any entry is applied. */
  if (audit)
    audit_kept = pm_server_storage_keep_device_audit (request->storage, device_id, audit, &error);
  if (audit_kept >= 0)
    results = pm_server_storage_apply_push (request->storage, device_id,
                                            pm_role_from_wire (json_object_get_string_member (device, "role")),
                                            protocol, entries, &error);
  if (results == NULL)
    {
      if (g_error_matches (error, PM_ERROR, PM_ERROR_INVALID))
        answer_error (&request->answer, SOUP_STATUS_BAD_REQUEST, NULL, error->message);
      else
        answer_store_failed (&request->answer, error, "Cannot apply a push of device %s", device_id);
      return;
    }
  answer = json_object_new ();
  json_object_set_array_member (answer, "results", g_steal_pointer (&results));
  if (audit)
    json_object_set_int_member (answer, "audit_stored", json_array_get_length (audit));
  root = json_node_init_object (json_node_alloc (), answer);
  request->answer.status = SOUP_STATUS_OK;
  request->answer.body = json_to_string (root, FALSE);
}

static void
push_cb (SoupServer        *server,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  if (check_request (msg, path, "/v1/sync/push", SOUP_METHOD_POST))
    serve_off_loop (user_data, msg, query, G_PRIORITY_DEFAULT, serve_push);
}

/* A query parameter that is absent (@fallback) or a whole number >= 0. */
static gboolean
parse_query_count (Request    *request,
                   const char *name,
                   gint64      fallback,
                   gint64     *value)
{
  const char *text = request->query ? g_hash_table_lookup (request->query, name) : NULL;
  g_autofree char *reason = NULL;

  *value = fallback;
  if (text == NULL || g_ascii_string_to_signed (text, 10, 0, G_MAXINT64, value, NULL))
    return TRUE;
  reason = g_strdup_printf ("%s must be a whole number, 0 or more", name);
  answer_error (&request->answer, SOUP_STATUS_BAD_REQUEST, NULL, reason);
  return FALSE;
}

static void
serve_pull (Request    *request,
            JsonObject *device)
{
  GHashTable *query = request->query;
  const char *device_id = json_object_get_string_member (device, "device_id");
  g_autoptr(GError) error = NULL;
  char *page;
  gint64 after;
  gint64 limit;

  if (!parse_query_count (request, "after", 0, &after) ||
      !parse_query_count (request, "limit", DEFAULT_PULL_LIMIT, &limit))
    return;
  /* A client asking for more (or less) than a page gets a page. */
  limit = CLAMP (limit, 1, MAX_PULL_LIMIT);
  page = pm_server_storage_changes_since (request->storage, after, query ? g_hash_table_lookup (query, "epoch") : NULL,
                                          query && g_strcmp0 (g_hash_table_lookup (query, "issues"), "1") == 0,
                                          (guint) limit, device_id,
                                          pm_role_from_wire (json_object_get_string_member (device, "role")), &error);
  if (page == NULL && g_error_matches (error, PM_ERROR, PM_ERROR_NOT_FOUND))
    answer_error (&request->answer, SOUP_STATUS_GONE, "cursor_gone", error->message);
  else if (page == NULL)
    answer_store_failed (&request->answer, error, "Cannot read changes for device %s", device_id);
  else
    {
      request->answer.status = SOUP_STATUS_OK;
      request->answer.body = page;
    }
}

static void
pull_cb (SoupServer        *server,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  if (check_request (msg, path, "/v1/sync/pull", SOUP_METHOD_GET))
    serve_off_loop (user_data, msg, query, G_PRIORITY_HIGH, serve_pull);
}

/* The MUVIS figures of a month: for Soziales and the social planning only,
 * computed over all records of the city by the storage, so that the
 * planning sees figures without ever holding a record. */
static void
report_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  PmServer *self = user_data;
  g_autoptr(JsonObject) device = NULL;
  g_autoptr(PmMuvisReport) report = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  const char *month;
  PmRole role;

  if (!check_request (msg, path, "/v1/reports/muvis", SOUP_METHOD_GET) ||
      (device = authenticate_here (self, msg)) == NULL)
    return;
  role = pm_role_from_wire (json_object_get_string_member (device, "role"));
  if (role != PM_ROLE_SOZIALES && role != PM_ROLE_PLANNING)
    {
      reply_error (msg, SOUP_STATUS_FORBIDDEN, "the MUVIS figures are for devices of role soziales or planning");
      return;
    }
  month = query ? g_hash_table_lookup (query, "month") : NULL;
  if (!pm_muvis_month_is_valid (month))
    {
      reply_error (msg, SOUP_STATUS_BAD_REQUEST, "month must be given as YYYY-MM");
      return;
    }
  report = pm_server_storage_muvis_report (self->storage, month, &error);
  if (report == NULL)
    {
      Answer answer = { 0 };

      answer_store_failed (&answer, error, "Cannot compute the MUVIS report for %s", month);
      reply_answer (msg, &answer);
      return;
    }
  g_message ("MUVIS report %s sent to device %s", month, json_object_get_string_member (device, "device_id"));
  root = pm_muvis_report_to_json (report);
  reply_text (msg, SOUP_STATUS_OK, json_to_string (root, FALSE));
}

static void
not_found_cb (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  reply_not_found (msg, path);
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
  PmServer *self = user_data;
  GUri *uri = soup_server_message_get_uri (msg);

  g_log (G_LOG_DOMAIN, self->log_requests ? G_LOG_LEVEL_MESSAGE : G_LOG_LEVEL_INFO, "%s %s %u",
         soup_server_message_get_method (msg), g_uri_get_path (uri), soup_server_message_get_status (msg));
}

static void
pm_server_dispose (GObject *object)
{
  PmServer *self = PM_SERVER (object);

  if (self->soup)
    soup_server_disconnect (self->soup);
  g_clear_object (&self->soup);
  g_clear_object (&self->tls_certificate);
  g_clear_object (&self->storage);
  /* No request is left: each holds the server. */
  if (self->pool)
    g_thread_pool_free (g_steal_pointer (&self->pool), FALSE, TRUE);
  G_OBJECT_CLASS (pm_server_parent_class)->dispose (object);
}

static void
pm_server_class_init (PmServerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = pm_server_dispose;
}

static int
compare_priority (gconstpointer a,
                  gconstpointer b,
                  gpointer      unused)
{
  return g_task_get_priority ((GTask *) a) - g_task_get_priority ((GTask *) b);
}

static void
pm_server_init (PmServer *self)
{
  self->pool = g_thread_pool_new (serve_in_thread, NULL, MAX_REQUEST_THREADS, FALSE, NULL);
  g_thread_pool_set_sort_function (self->pool, compare_priority, NULL);
  self->soup = soup_server_new ("server-header", "pepamo-server/" PACKAGE_VERSION, NULL);
  soup_server_add_handler (self->soup, "/v1/health", health_cb, self, NULL);
  soup_server_add_handler (self->soup, "/v1/device", device_cb, self, NULL);
  soup_server_add_handler (self->soup, "/v1/sync/push", push_cb, self, NULL);
  soup_server_add_handler (self->soup, "/v1/sync/pull", pull_cb, self, NULL);
  soup_server_add_handler (self->soup, "/v1/reports/muvis", report_cb, self, NULL);
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

/* Request lines go to the journal always (TRUE) or only when
 * G_MESSAGES_DEBUG asks for info messages (FALSE). */
void
pm_server_set_log_requests (PmServer *self,
                            gboolean  log_requests)
{
  g_return_if_fail (PM_IS_SERVER (self));
  self->log_requests = log_requests;
}

/* The storage behind the sync endpoints; without one they answer 503. */
void
pm_server_set_storage (PmServer        *self,
                       PmServerStorage *storage)
{
  g_return_if_fail (PM_IS_SERVER (self));
  g_return_if_fail (storage == NULL || PM_IS_SERVER_STORAGE (storage));
  g_set_object (&self->storage, storage);
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
  g_autoptr(GSocket) socket = NULL;

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
  /* Our own socket for its backlog: soup_server_listen() keeps GLib's 10,
   * and when a whole city's devices connect at once while a request runs,
   * the kernel drops the connections beyond it, each retried a second or
   * more later. */
  socket = g_socket_new (g_socket_address_get_family (socket_address), G_SOCKET_TYPE_STREAM,
                         G_SOCKET_PROTOCOL_TCP, error);
  if (socket == NULL)
    return FALSE;
  g_socket_set_listen_backlog (socket, SOMAXCONN);
  if (!g_socket_bind (socket, socket_address, TRUE, error) || !g_socket_listen (socket, error))
    return FALSE;
  return soup_server_listen_socket (self->soup, socket,
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

/* Requests already being served get their answers first; new ones get
 * a 503, which devices retry. */
void
pm_server_stop (PmServer *self)
{
  g_autoptr(GMainContext) context = g_main_context_ref_thread_default ();

  g_return_if_fail (PM_IS_SERVER (self));
  self->stopping = TRUE;
  while (self->in_flight > 0)
    g_main_context_iteration (context, TRUE);
  soup_server_disconnect (self->soup);
}
