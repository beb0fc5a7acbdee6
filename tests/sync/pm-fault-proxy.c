/* pm-fault-proxy.c: an HTTP/1.1 proxy that injects faults, for sync tests
 *
 *   pm-fault-proxy --upstream http://127.0.0.1:PORT [--seed N] [--rate R]
 *                  [--stats FILE]
 *
 * Listens on 127.0.0.1 on a free port and prints "Listening on URL" once it
 * does. Every client connection carries one request (the answer says
 * "Connection: close"); the request (head and Content-Length body) is read
 * whole, then, with probability R (0..1, default 0.3), one fault drawn from a
 * GRand seeded with N:
 *
 *   drop_request   close the client's connection without forwarding
 *   drop_response  forward, read the server's answer, close without answering
 *   duplicate      forward twice, answer with the second answer
 *   delay          wait 1..200 ms, then forward normally
 *   truncate       forward, answer with half the body under the full length
 *   status_500, status_503, status_429
 *                  answer with that status without forwarding
 *   reset          reset the connection (RST), before forwarding or after
 *                  the server answered (drawn)
 *
 * Faults are counted by kind; the counts go to stdout (one JSON object) on
 * SIGTERM/SIGINT, and to --stats FILE after every request, so a test can read
 * them while the proxy runs. SIGUSR1 stops injecting (a plain forwarder),
 * SIGUSR2 resumes. Only 127.0.0.1: the upstream must be a loopback http URL.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <errno.h>
#include <gio/gio.h>
#include <glib-unix.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define MAX_HEAD (64 * 1024)
#define MAX_BODY (64 * 1024 * 1024)
#define IO_TIMEOUT_S 30
#define MAX_DELAY_MS 200

typedef enum
{
  FAULT_NONE = -1,
  FAULT_DROP_REQUEST,
  FAULT_DROP_RESPONSE,
  FAULT_DUPLICATE,
  FAULT_DELAY,
  FAULT_TRUNCATE,
  FAULT_STATUS_500,
  FAULT_STATUS_503,
  FAULT_STATUS_429,
  FAULT_RESET,
  N_FAULTS
} Fault;

static const char * const fault_names[N_FAULTS] = {
  "drop_request", "drop_response", "duplicate", "delay", "truncate",
  "status_500", "status_503", "status_429", "reset",
};

static GMutex lock;
static GRand *rng;
static double rate = 0.3;
static gboolean injecting = TRUE;
static guint64 counts[N_FAULTS];
static guint64 n_requests;
static guint64 n_upstream_errors;
static char *stats_path;
static char *upstream_host;
static guint16 upstream_port;

/* A whole HTTP message as read from a socket: the head up to and with the
 * blank line, and the body. */
typedef struct
{
  GString *head;
  GBytes  *body;
  char    *start_line;
} Message;

static void
message_clear (Message *m)
{
  if (m->head)
    g_string_free (m->head, TRUE);
  g_clear_pointer (&m->body, g_bytes_unref);
  g_clear_pointer (&m->start_line, g_free);
}

static char *
stats_json (void)
{
  GString *s = g_string_new ("{");

  for (guint i = 0; i < N_FAULTS; i++)
    g_string_append_printf (s, "\"%s\": %" G_GUINT64_FORMAT ", ", fault_names[i], counts[i]);
  g_string_append_printf (s, "\"requests\": %" G_GUINT64_FORMAT ", \"upstream_errors\": %" G_GUINT64_FORMAT "}",
                          n_requests, n_upstream_errors);
  return g_string_free (s, FALSE);
}

/* Called with the lock held. */
static void
write_stats_locked (void)
{
  g_autofree char *text = NULL;
  g_autofree char *tmp = NULL;

  if (stats_path == NULL)
    return;
  text = stats_json ();
  tmp = g_strconcat (stats_path, ".tmp", NULL);
  /* Renamed into place: a reader sees the old counts or the new ones. */
  if (g_file_set_contents (tmp, text, -1, NULL))
    rename (tmp, stats_path);
}

/* The value of header @name in @head (case-insensitive), or NULL. */
static char *
find_header (const char *head,
             const char *name)
{
  g_auto(GStrv) lines = g_strsplit (head, "\r\n", -1);
  gsize len = strlen (name);

  for (guint i = 1; lines[i]; i++)
    if (g_ascii_strncasecmp (lines[i], name, len) == 0 && lines[i][len] == ':')
      return g_strstrip (g_strdup (lines[i] + len + 1));
  return NULL;
}

/* @head with every Connection/Keep-Alive/Proxy-Connection header replaced
 * by one "Connection: close". */
static GString *
close_head (const char *head)
{
  g_auto(GStrv) lines = g_strsplit (head, "\r\n", -1);
  GString *out = g_string_new (lines[0]);

  g_string_append (out, "\r\n");
  for (guint i = 1; lines[i]; i++)
    {
      if (*lines[i] == '\0')
        continue;
      if (g_ascii_strncasecmp (lines[i], "Connection:", 11) == 0 ||
          g_ascii_strncasecmp (lines[i], "Keep-Alive:", 11) == 0 ||
          g_ascii_strncasecmp (lines[i], "Proxy-Connection:", 17) == 0)
        continue;
      g_string_append_printf (out, "%s\r\n", lines[i]);
    }
  g_string_append (out, "Connection: close\r\n\r\n");
  return out;
}

/* Reads one message from @in: the head, then a Content-Length body, or (for
 * an answer without one) the body up to EOF. @is_response: 1xx/204/304 and
 * answers to HEAD have no body. */
static gboolean
read_message (GInputStream  *in,
              gboolean       is_response,
              gboolean       head_request,
              Message       *m,
              GError       **error)
{
  g_autofree char *length_text = NULL;
  g_autofree char *encoding = NULL;
  gboolean bodyless = FALSE;
  char c;

  m->head = g_string_new (NULL);
  /* Byte by byte: slow but simple, and heads are short. */
  while (!g_str_has_suffix (m->head->str, "\r\n\r\n"))
    {
      gssize n = g_input_stream_read (in, &c, 1, NULL, error);

      if (n < 0)
        return FALSE;
      if (n == 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                       m->head->len ? "EOF inside the head" : "EOF before a message");
          return FALSE;
        }
      g_string_append_c (m->head, c);
      if (m->head->len > MAX_HEAD)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE, "head too large");
          return FALSE;
        }
    }
  m->start_line = g_strndup (m->head->str, strcspn (m->head->str, "\r"));
  encoding = find_header (m->head->str, "Transfer-Encoding");
  if (encoding && g_ascii_strcasecmp (encoding, "identity") != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "Transfer-Encoding %s is not supported", encoding);
      return FALSE;
    }
  if (is_response)
    {
      int status = 0;

      sscanf (m->start_line, "HTTP/%*d.%*d %d", &status);
      bodyless = head_request || status / 100 == 1 || status == 204 || status == 304;
    }
  length_text = find_header (m->head->str, "Content-Length");
  if (bodyless || (length_text == NULL && !is_response))
    {
      m->body = g_bytes_new (NULL, 0);
      return TRUE;
    }
  if (length_text)
    {
      char *end = NULL;
      guint64 length = g_ascii_strtoull (length_text, &end, 10);
      g_autofree char *data = NULL;
      gsize got = 0;

      if (end == length_text || *end != '\0' || length > MAX_BODY)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "bad Content-Length %s", length_text);
          return FALSE;
        }
      data = g_malloc (length + 1);
      if (!g_input_stream_read_all (in, data, length, &got, NULL, error))
        return FALSE;
      if (got != length)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED, "EOF inside the body");
          return FALSE;
        }
      m->body = g_bytes_new_take (g_steal_pointer (&data), length);
      return TRUE;
    }
  else
    {
      /* An answer without a length ends with the connection. */
      GByteArray *data = g_byte_array_new ();
      char buf[8192];
      gssize n;

      while ((n = g_input_stream_read (in, buf, sizeof buf, NULL, error)) > 0)
        {
          g_byte_array_append (data, (guint8 *) buf, n);
          if (data->len > MAX_BODY)
            break;
        }
      if (n < 0)
        {
          g_byte_array_unref (data);
          return FALSE;
        }
      m->body = g_byte_array_free_to_bytes (data);
      return TRUE;
    }
}

static gboolean
write_all (GOutputStream  *out,
           const void     *data,
           gsize           size,
           GError        **error)
{
  return g_output_stream_write_all (out, data, size, NULL, NULL, error) &&
         g_output_stream_flush (out, NULL, error);
}

/* Sends @request to the upstream on a fresh connection and reads its answer. */
static gboolean
forward (Message   *request,
         gboolean   head_request,
         Message   *response,
         GError   **error)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GString) head = close_head (request->head->str);
  GOutputStream *out;
  gsize size;
  const void *data;

  g_socket_client_set_timeout (client, IO_TIMEOUT_S);
  connection = g_socket_client_connect_to_host (client, upstream_host, upstream_port, NULL, error);
  if (connection == NULL)
    return FALSE;
  out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  data = g_bytes_get_data (request->body, &size);
  if (!g_output_stream_write_all (out, head->str, head->len, NULL, NULL, error) ||
      (size > 0 && !g_output_stream_write_all (out, data, size, NULL, NULL, error)) ||
      !g_output_stream_flush (out, NULL, error))
    return FALSE;
  return read_message (g_io_stream_get_input_stream (G_IO_STREAM (connection)), TRUE, head_request,
                       response, error);
}

static void
reset_connection (GSocketConnection *connection)
{
  GSocket *socket = g_socket_connection_get_socket (connection);
  struct linger linger = { 1, 0 };

  /* SO_LINGER with a zero timeout: close() sends RST instead of FIN. */
  setsockopt (g_socket_get_fd (socket), SOL_SOCKET, SO_LINGER, &linger, sizeof linger);
  g_socket_close (socket, NULL);
}

static void
answer_status (GOutputStream *out,
               int            status,
               const char    *reason)
{
  g_autofree char *body = g_strdup_printf ("{\"error\": \"%s\", \"reason\": \"injected by pm-fault-proxy\"}", reason);
  g_autofree char *head = g_strdup_printf ("HTTP/1.1 %d %s\r\nContent-Type: application/json\r\n"
                                           "Content-Length: %zu\r\n%sConnection: close\r\n\r\n",
                                           status, reason, strlen (body),
                                           status == 429 || status == 503 ? "Retry-After: 0\r\n" : "");

  if (write_all (out, head, strlen (head), NULL))
    write_all (out, body, strlen (body), NULL);
}

/* The answer toward the client; @truncate sends half the body. */
static void
answer_with (GOutputStream *out,
             Message       *response,
             gboolean       truncate)
{
  g_autoptr(GString) head = close_head (response->head->str);
  gsize size;
  const char *data = g_bytes_get_data (response->body, &size);

  if (!write_all (out, head->str, head->len, NULL))
    return;
  if (size > 0)
    write_all (out, data, truncate ? size / 2 : size, NULL);
}

static Fault
draw_fault (guint *delay_ms,
            gboolean *reset_after)
{
  Fault fault = FAULT_NONE;

  g_mutex_lock (&lock);
  n_requests++;
  if (injecting && g_rand_double (rng) < rate)
    {
      fault = g_rand_int_range (rng, 0, N_FAULTS);
      counts[fault]++;
    }
  *delay_ms = g_rand_int_range (rng, 1, MAX_DELAY_MS + 1);
  *reset_after = g_rand_boolean (rng);
  g_mutex_unlock (&lock);
  return fault;
}

static void
note_upstream_error (const GError *error)
{
  g_mutex_lock (&lock);
  n_upstream_errors++;
  g_mutex_unlock (&lock);
  g_printerr ("pm-fault-proxy: upstream: %s\n", error->message);
}

static gboolean
handle_cb (GThreadedSocketService *service,
           GSocketConnection      *connection,
           GObject                *source_object,
           gpointer                user_data)
{
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  Message request = { 0 };
  Message response = { 0 };
  Message first = { 0 };
  g_autoptr(GError) error = NULL;
  gboolean head_request;
  guint delay_ms;
  gboolean reset_after;
  Fault fault;

  g_socket_set_timeout (g_socket_connection_get_socket (connection), IO_TIMEOUT_S);
  if (!read_message (in, FALSE, FALSE, &request, &error))
    {
      /* A client that connected and went away: nothing to count. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED))
        g_printerr ("pm-fault-proxy: request: %s\n", error->message);
      message_clear (&request);
      return TRUE;
    }
  head_request = g_str_has_prefix (request.start_line, "HEAD ");
  fault = draw_fault (&delay_ms, &reset_after);

  switch (fault)
    {
    case FAULT_DROP_REQUEST:
      g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
      break;
    case FAULT_RESET:
      if (reset_after && !forward (&request, head_request, &response, &error))
        note_upstream_error (error);
      reset_connection (connection);
      break;
    case FAULT_STATUS_500:
      answer_status (out, 500, "Internal Server Error");
      break;
    case FAULT_STATUS_503:
      answer_status (out, 503, "Service Unavailable");
      break;
    case FAULT_STATUS_429:
      answer_status (out, 429, "Too Many Requests");
      break;
    case FAULT_DUPLICATE:
      if (!forward (&request, head_request, &first, &error))
        {
          note_upstream_error (error);
          g_clear_error (&error);
        }
      G_GNUC_FALLTHROUGH;
    case FAULT_DELAY:
    case FAULT_DROP_RESPONSE:
    case FAULT_TRUNCATE:
    case FAULT_NONE:
    default:
      if (fault == FAULT_DELAY)
        g_usleep (delay_ms * G_TIME_SPAN_MILLISECOND);
      if (!forward (&request, head_request, &response, &error))
        {
          note_upstream_error (error);
          answer_status (out, 502, "Bad Gateway");
        }
      else if (fault == FAULT_DROP_RESPONSE)
        g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
      else
        answer_with (out, &response, fault == FAULT_TRUNCATE);
      break;
    }

  g_mutex_lock (&lock);
  write_stats_locked ();
  g_mutex_unlock (&lock);
  message_clear (&request);
  message_clear (&response);
  message_clear (&first);
  /* The connection is closed when the service drops it. */
  return TRUE;
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static gboolean
set_injecting_cb (gpointer data)
{
  g_mutex_lock (&lock);
  injecting = GPOINTER_TO_INT (data);
  write_stats_locked ();
  g_mutex_unlock (&lock);
  return G_SOURCE_CONTINUE;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("- HTTP proxy that injects faults");
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GSocketService) service = NULL;
  g_autoptr(GInetAddress) loopback = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *upstream = NULL;
  g_autofree char *stats = NULL;
  gint64 seed = 1;
  char *rate_text = NULL;
  GOptionEntry entries[] = {
    { "upstream", 0, 0, G_OPTION_ARG_STRING, &upstream, "The server, http://127.0.0.1:PORT", "URL" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Seed of the fault generator (default 1)", "N" },
    { "rate", 0, 0, G_OPTION_ARG_STRING, &rate_text, "Share of requests that get a fault, 0..1 (default 0.3)", "R" },
    { "stats", 0, 0, G_OPTION_ARG_FILENAME, &stats, "Write the fault counts here after every request", "FILE" },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("pm-fault-proxy: %s\n", error->message);
      return 2;
    }
  if (rate_text)
    {
      char *end = NULL;

      rate = g_ascii_strtod (rate_text, &end);
      if (end == rate_text || *end != '\0' || !(rate >= 0 && rate <= 1))
        {
          g_printerr ("pm-fault-proxy: --rate must be a number from 0 to 1\n");
          return 2;
        }
      g_free (rate_text);
    }
  uri = upstream ? g_uri_parse (upstream, G_URI_FLAGS_NONE, NULL) : NULL;
  if (uri == NULL || g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 ||
      g_strcmp0 (g_uri_get_host (uri), "127.0.0.1") != 0 || g_uri_get_port (uri) <= 0)
    {
      g_printerr ("pm-fault-proxy: --upstream must be http://127.0.0.1:PORT\n");
      return 2;
    }
  upstream_host = g_strdup (g_uri_get_host (uri));
  upstream_port = g_uri_get_port (uri);
  stats_path = g_steal_pointer (&stats);
  rng = g_rand_new_with_seed ((guint32) seed);

  service = g_threaded_socket_service_new (32);
  loopback = g_inet_address_new_from_string ("127.0.0.1");
  address = g_inet_socket_address_new (loopback, 0);
  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (service), address, G_SOCKET_TYPE_STREAM,
                                      G_SOCKET_PROTOCOL_TCP, NULL, &effective, &error))
    {
      g_printerr ("pm-fault-proxy: %s\n", error->message);
      return 1;
    }
  g_signal_connect (service, "run", G_CALLBACK (handle_cb), NULL);
  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGTERM, quit_cb, loop);
  g_unix_signal_add (SIGINT, quit_cb, loop);
  g_unix_signal_add (SIGUSR1, set_injecting_cb, GINT_TO_POINTER (FALSE));
  g_unix_signal_add (SIGUSR2, set_injecting_cb, GINT_TO_POINTER (TRUE));
  g_socket_service_start (service);
  g_mutex_lock (&lock);
  write_stats_locked ();
  g_mutex_unlock (&lock);
  printf ("Listening on http://127.0.0.1:%u\n",
          g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective)));
  fflush (stdout);

  g_main_loop_run (loop);
  g_socket_service_stop (service);

  g_mutex_lock (&lock);
  {
    g_autofree char *text = stats_json ();

    write_stats_locked ();
    printf ("%s\n", text);
    fflush (stdout);
  }
  g_mutex_unlock (&lock);
  return 0;
}
