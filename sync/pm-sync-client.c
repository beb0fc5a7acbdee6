/* pm-sync-client.c: one device's conversation with pepamo-server
 *
 * Synchronous: pepamo-cli calls it directly, the app's PmSyncService from
 * a worker thread (see README.md). Push always runs before pull, so
 * the server has seen this device's edits before it answers with changes.
 *
 * Failures: a transport error, a 5xx or a 429 answer is retried with the same body
 * (pushes are idempotent by entry UUID, pulls are reads), a 4xx is not,
 * because asking again cannot change the server's mind.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pm-sync"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "pm-json-reader.h"
#include "pm-store-sync.h"
#include "pm-sync-client.h"

#define BATCH_SIZE 500
/* Audit entries a push carries (the server takes up to 2000), and how many
 * such batches a sync sends at most besides the outbox's. */
#define AUDIT_BATCH_SIZE 1000
#define MAX_AUDIT_ROUNDS 10
#define MAX_PULL_PAGES 100000
#define MAX_RETRIES 3
#define FIRST_BACKOFF_MS 200
#define MAX_RETRY_AFTER_SECONDS 5
#define HTTP_TOO_MANY_REQUESTS 429  /* libsoup 3.2 has no name for it */
#define TIMEOUT_SECONDS 30

struct _PmSyncClient
{
  GObject      parent_instance;

  char        *server_url;
  char        *authorization;
  SoupSession *session;
  gint         clock_skew;   /* seconds the device's clock is ahead of the server's; atomic */
};

G_DEFINE_FINAL_TYPE (PmSyncClient, pm_sync_client, G_TYPE_OBJECT)
G_DEFINE_QUARK (pm-sync-client-error-quark, pm_sync_client_error)

static void
pm_sync_client_finalize (GObject *object)
{
  PmSyncClient *self = PM_SYNC_CLIENT (object);

  g_free (self->server_url);
  /* The header holds the device's secret. */
  if (self->authorization)
    explicit_bzero (self->authorization, strlen (self->authorization));
  g_free (self->authorization);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (pm_sync_client_parent_class)->finalize (object);
}

static void
pm_sync_client_class_init (PmSyncClientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pm_sync_client_finalize;
}

static void
pm_sync_client_init (PmSyncClient *self)
{
}

/* @ca_file: PEM certificates to trust instead of the system's, for a city's
 * own CA; the server's certificate is verified either way. */
PmSyncClient *
pm_sync_client_new (const char  *server_url,
                    const char  *token,
                    const char  *ca_file,
                    GError     **error)
{
  g_autoptr(PmSyncClient) self = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GTlsDatabase) database = NULL;
  const char *scheme;

  g_return_val_if_fail (server_url != NULL, NULL);
  g_return_val_if_fail (token != NULL, NULL);

  uri = g_uri_parse (server_url, G_URI_FLAGS_NONE, NULL);
  scheme = uri ? g_uri_get_scheme (uri) : NULL;
  if (uri == NULL || g_uri_get_host (uri) == NULL ||
      (g_strcmp0 (scheme, "http") != 0 && g_strcmp0 (scheme, "https") != 0))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not an http:// or https:// server address"), server_url);
      return NULL;
    }
  if (*token == '\0' || strpbrk (token, " \t\r\n") != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("The token is empty or holds blanks"));
      return NULL;
    }
  if (ca_file)
    {
      database = g_tls_file_database_new (ca_file, error);
      if (database == NULL)
        return NULL;
    }

  self = g_object_new (PM_TYPE_SYNC_CLIENT, NULL);
  /* Paths are appended as "/v1/...": one form of the base, whatever was typed. */
  self->server_url = g_strdup (server_url);
  while (g_str_has_suffix (self->server_url, "/"))
    self->server_url[strlen (self->server_url) - 1] = '\0';
  self->authorization = g_strconcat ("Bearer ", token, NULL);
  self->session = soup_session_new_with_options ("timeout", TIMEOUT_SECONDS,
                                                 "idle-timeout", TIMEOUT_SECONDS,
                                                 NULL);
  if (database)
    soup_session_set_tls_database (self->session, database);
  return g_steal_pointer (&self);
}

const char *
pm_sync_client_get_server_url (PmSyncClient *self)
{
  g_return_val_if_fail (PM_IS_SYNC_CLIENT (self), NULL);

  return self->server_url;
}

/* With the strict reader: json-glib's took a quarter of a device's time
 * under load, reading its pull pages. */
static JsonObject *
parse_object (GBytes  *body,
              GError **error)
{
  gsize size;
  const char *data = g_bytes_get_data (body, &size);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonNode) root = NULL;

  if (data && size)
    root = pm_json_read (data, size, &local_error);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      /* An error body (a proxy's page) is read only for a reason it may give. */
      if (error)
        g_message ("Cannot read the server's answer: %s", local_error ? local_error->message : "not a JSON object");
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("The server's answer is not a JSON object"));
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}

/* The reason the server gave for a 4xx, else its status line; the answers
 * the client acts on get PM_SYNC_CLIENT_ERROR codes. */
static void
set_http_error (SoupMessage  *msg,
                GBytes       *body,
                GError      **error)
{
  guint status = soup_message_get_status (msg);
  g_autoptr(JsonObject) answer = body ? parse_object (body, NULL) : NULL;
  const char *reason = answer ? json_object_get_string_member_with_default (answer, "reason", NULL) : NULL;
  const char *code = answer ? json_object_get_string_member_with_default (answer, "code", NULL) : NULL;
  GQuark domain = G_IO_ERROR;
  int error_code = G_IO_ERROR_FAILED;

  if (status == SOUP_STATUS_GONE)
    {
      domain = PM_SYNC_CLIENT_ERROR;
      error_code = PM_SYNC_CLIENT_ERROR_CURSOR_GONE;
    }
  else if (status == SOUP_STATUS_UNAUTHORIZED && g_strcmp0 (code, "device_revoked") == 0)
    {
      domain = PM_SYNC_CLIENT_ERROR;
      error_code = PM_SYNC_CLIENT_ERROR_DEVICE_REVOKED;
    }
  else if (status == SOUP_STATUS_UNAUTHORIZED || status == SOUP_STATUS_FORBIDDEN)
    error_code = G_IO_ERROR_PERMISSION_DENIED;
  g_set_error (error, domain, error_code,
               _("The server refused (%u %s): %s"), status,
               soup_message_get_reason_phrase (msg) ? soup_message_get_reason_phrase (msg) : "",
               reason ? reason : _("no reason given"));
}

/* One request with its retries; @body is sent as JSON when given. */
/* Device clocks are not trusted: the server's Date header tells how far
 * off this one is (to the second, which is all the header carries). */
static void
note_clock_skew (PmSyncClient *self,
                 SoupMessage  *msg)
{
  const char *date = soup_message_headers_get_one (soup_message_get_response_headers (msg), "Date");
  g_autoptr(GDateTime) server = date ? soup_date_time_new_from_http_string (date) : NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  /* Any thread that sends (a sync, a report's fetch) may note it. */
  if (server)
    g_atomic_int_set (&self->clock_skew,
                      (gint) CLAMP (g_date_time_difference (now, server) / G_TIME_SPAN_SECOND, G_MININT, G_MAXINT));
}

/**
 * pm_sync_client_get_clock_skew:
 *
 * Returns: how many seconds this device's clock was ahead of the server's
 *   (negative: behind) at the last answer, 0 before any
 */
gint64
pm_sync_client_get_clock_skew (PmSyncClient *self)
{
  g_return_val_if_fail (PM_IS_SYNC_CLIENT (self), 0);
  return g_atomic_int_get (&self->clock_skew);
}

/* A busy server may say when to come back (Retry-After, in seconds); a
 * sync waits for that, up to a bound, before its next try. */
static guint
retry_after_ms (SoupMessage *msg)
{
  const char *value = soup_message_headers_get_one (soup_message_get_response_headers (msg), "Retry-After");
  guint64 seconds = 0;

  if (value == NULL || !g_ascii_string_to_unsigned (value, 10, 0, G_MAXUINT32, &seconds, NULL))
    return 0;
  return (guint) MIN (seconds, MAX_RETRY_AFTER_SECONDS) * 1000;
}

/* @text: (nullable): a JSON body to send */
static JsonObject *
request (PmSyncClient  *self,
         const char    *method,
         const char    *path,
         const char    *text,
         GError       **error)
{
  g_autofree char *uri = g_strconcat (self->server_url, path, NULL);
  g_autoptr(GError) last_error = NULL;
  guint backoff_ms = FIRST_BACKOFF_MS;
  guint wait_ms = 0;

  for (guint attempt = 0; attempt <= MAX_RETRIES; attempt++)
    {
      g_autoptr(SoupMessage) msg = soup_message_new (method, uri);
      g_autoptr(GBytes) answer = NULL;
      guint status;

      if (msg == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("“%s” is not a valid address"), uri);
          return NULL;
        }
      if (attempt > 0)
        {
          g_usleep (MAX (backoff_ms, wait_ms) * G_TIME_SPAN_MILLISECOND);
          backoff_ms *= 2;
          wait_ms = 0;
        }
      /* Every request of the protocol may be repeated (pushes are answered
       * by entry UUID), so libsoup may reuse a kept-alive connection for a
       * POST too instead of opening (and on https, handshaking) a new one. */
      soup_message_add_flags (msg, SOUP_MESSAGE_IDEMPOTENT);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", self->authorization);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Accept", "application/json");
      if (text)
        {
          g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));

          soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
        }

      g_clear_error (&last_error);
      answer = soup_session_send_and_read (self->session, msg, NULL, &last_error);
      if (answer == NULL)
        {
          /* A certificate that failed verification fails the same way again. */
          if (last_error->domain == G_TLS_ERROR)
            break;
          continue;
        }
      note_clock_skew (self, msg);
      status = soup_message_get_status (msg);
      if (SOUP_STATUS_IS_SERVER_ERROR (status) || status == HTTP_TOO_MANY_REQUESTS)
        {
          set_http_error (msg, answer, &last_error);
          wait_ms = retry_after_ms (msg);
          continue;
        }
      if (!SOUP_STATUS_IS_SUCCESSFUL (status))
        {
          set_http_error (msg, answer, error);
          return NULL;
        }
      return parse_object (answer, error);
    }

  g_set_error (error, last_error->domain, last_error->code,
               _("Sync with %s failed: %s"), self->server_url, last_error->message);
  return NULL;
}

/* What the server says about the device its token belongs to: device_id,
 * role and city. */
JsonObject *
pm_sync_client_fetch_device (PmSyncClient  *self,
                             GError       **error)
{
  g_autoptr(JsonObject) device = NULL;

  g_return_val_if_fail (PM_IS_SYNC_CLIENT (self), NULL);

  device = request (self, "GET", "/v1/device", NULL, error);
  if (device == NULL)
    return NULL;
  if (json_object_get_string_member_with_default (device, "device_id", NULL) == NULL ||
      json_object_get_string_member_with_default (device, "role", NULL) == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The server's answer names no device or role"));
      return NULL;
    }
  return g_steal_pointer (&device);
}

/**
 * pm_sync_client_fetch_muvis_report:
 * @month: YYYY-MM
 *
 * The MUVIS figures of @month as the server counts them (devices of role
 * soziales or planning; the server refuses others with a reason).
 */
PmMuvisReport *
pm_sync_client_fetch_muvis_report (PmSyncClient  *self,
                                   const char    *month,
                                   GError       **error)
{
  g_autofree char *path = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (PM_IS_SYNC_CLIENT (self), NULL);
  if (!pm_muvis_month_is_valid (month))
    return pm_muvis_report_new_from_records (month, NULL, NULL, NULL, error);
  path = g_strdup_printf ("/v1/reports/muvis?month=%s", month);
  answer = request (self, "GET", path, NULL, error);
  if (answer == NULL)
    return NULL;
  root = json_node_init_object (json_node_alloc (), answer);
  return pm_muvis_report_new_from_json (root, error);
}

static JsonArray *
array_member (JsonObject  *object,
              const char  *name,
              GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The server's answer has no “%s” list"), name);
      return NULL;
    }
  return json_node_get_array (node);
}

static void
count_outcomes (JsonArray   *results,
                PmSyncStats *stats)
{
  for (guint i = 0; i < json_array_get_length (results); i++)
    {
      JsonNode *node = json_array_get_element (results, i);
      const char *outcome = JSON_NODE_HOLDS_OBJECT (node)
        ? json_object_get_string_member_with_default (json_node_get_object (node), "outcome", "") : "";

      if (g_str_equal (outcome, "applied"))
        stats->applied++;
      else if (g_str_equal (outcome, "duplicate"))
        stats->duplicate++;
      else if (g_str_equal (outcome, "conflict"))
        stats->conflicts++;
      else if (g_str_equal (outcome, "rejected"))
        stats->rejected++;
    }
}

/* One answer per sent entry, in order: then settling empties what was
 * sent, and the loop below always moves on. */
static gboolean
answers_match (GStrv      uuids,
               JsonArray *results)
{
  if (json_array_get_length (results) != g_strv_length (uuids))
    return FALSE;
  for (guint i = 0; uuids[i]; i++)
    {
      JsonNode *node = json_array_get_element (results, i);
      JsonObject *result = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;

      if (result == NULL ||
          g_strcmp0 (json_object_get_string_member_with_default (result, "uuid", NULL), uuids[i]) != 0)
        return FALSE;
    }
  return TRUE;
}

/* One push batch: the outbox's next entries and the audit entries not yet
 * at the server, and (once the answers are being stored on a thread of its
 * own) that thread with its outcome. */
typedef struct
{
  PmStore    *store;
  GStrv       uuids;
  gint64      last;         /* the outbox's place of its last entry */
  char       *entries;      /* as JSON text */
  char       *audit;
  gint64      audit_count;
  gint64      audit_last;
  JsonObject *answer;
  JsonArray  *results;      /* the answer's */
  gboolean    audit_taken;
  GThread    *thread;
  gboolean    settled;
  GError     *error;
  GThread    *peeking;      /* reads the next batch while this one is out */
  GError     *peek_error;
} PushBatch;

static void
push_batch_free (PushBatch *batch)
{
  /* A batch is never dropped while its transaction may still run, nor
   * while the next one is being read. */
  if (batch->thread)
    g_thread_join (batch->thread);
  if (batch->peeking)
    {
      PushBatch *next = g_thread_join (batch->peeking);

      if (next)
        push_batch_free (next);
    }
  g_clear_error (&batch->peek_error);
  g_strfreev (batch->uuids);
  g_free (batch->entries);
  g_free (batch->audit);
  g_clear_pointer (&batch->answer, json_object_unref);
  g_clear_error (&batch->error);
  g_free (batch);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PushBatch, push_batch_free)

/* The entries and the audit entries after those of @previous (NULL: from
 * the start), which may still be settling. */
static PushBatch *
peek_push_batch (PmStore    *store,
                 PushBatch  *previous,
                 GError    **error)
{
  g_autoptr(PushBatch) batch = g_new0 (PushBatch, 1);

  batch->store = store;
  batch->entries = pm_store_outbox_peek_text (store, previous ? previous->last : 0, BATCH_SIZE, &batch->uuids,
                                              &batch->last, error);
  if (batch->entries == NULL)
    return NULL;
  batch->audit = pm_store_audit_peek_text (store, previous ? previous->audit_last : 0, AUDIT_BATCH_SIZE,
                                           &batch->audit_count, &batch->audit_last, error);
  if (batch->audit == NULL)
    return NULL;
  return g_steal_pointer (&batch);
}

static gpointer
peek_next_batch (gpointer data)
{
  PushBatch *batch = data;

  return peek_push_batch (batch->store, batch, &batch->peek_error);
}

/* The batch after @batch, which was read while @batch was out. */
static PushBatch *
take_next_batch (PushBatch  *batch,
                 GError    **error)
{
  PushBatch *next = g_thread_join (g_steal_pointer (&batch->peeking));

  if (next == NULL)
    g_propagate_error (error, g_steal_pointer (&batch->peek_error));
  return next;
}

/* Sends @batch: the entries as the outbox holds them (parsing and writing
 * them again cost more than the server's work on them). */
static gboolean
send_push_batch (PmSyncClient  *self,
                 PushBatch     *batch,
                 GError       **error)
{
  g_autofree char *body = g_strdup_printf ("{\"protocol\":%d,\"entries\":%s%s%s}", PM_SYNC_PROTOCOL, batch->entries,
                                           batch->audit_count ? ",\"audit\":" : "",
                                           batch->audit_count ? batch->audit : "");

  batch->answer = request (self, "POST", "/v1/sync/push", body, error);
  if (batch->answer == NULL)
    return FALSE;
  batch->results = array_member (batch->answer, "results", error);
  if (batch->results == NULL)
    return FALSE;
  /* A server from before audit entries were pushed says nothing of them:
   * they go again with the next push. */
  batch->audit_taken = json_object_has_member (batch->answer, "audit_stored");
  if (!answers_match (batch->uuids, batch->results) ||
      (batch->audit_taken && json_object_get_int_member (batch->answer, "audit_stored") != batch->audit_count))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The server's answer to the push does not match the entries sent"));
      return FALSE;
    }
  return TRUE;
}

static gpointer
settle_push_batch (gpointer data)
{
  PushBatch *batch = data;

  batch->settled = pm_store_outbox_settle (batch->store, batch->results, &batch->error) &&
                   (batch->audit_count == 0 || !batch->audit_taken ||
                    pm_store_audit_confirm (batch->store, batch->audit_last, &batch->error));
  return NULL;
}

/* Waits for the batch's thread, if it has one, and frees the batch. */
static gboolean
finish_push_batch (PushBatch    *batch,
                   PmSyncStats  *stats,
                   GError      **error)
{
  g_autoptr(PushBatch) finished = batch;

  if (finished->thread)
    g_thread_join (g_steal_pointer (&finished->thread));
  if (!finished->settled)
    {
      g_propagate_error (error, g_steal_pointer (&finished->error));
      return FALSE;
    }
  stats->pushed += g_strv_length (finished->uuids);
  count_outcomes (finished->results, stats);
  return TRUE;
}

/* Pipelined like the pull: while the store keeps the answers to batch N
 * (in one transaction), batch N+1, the entries and audit entries after
 * N's, is already out; and batch N+1 is read while batch N is out. The
 * last batch may still be settling on return (@settling): the pull
 * finishes it before it applies a page.
 *
 * Bounded: what was queued when the push began, in batches (the audit
 * entries go along, a round more for every batch of them); writes made
 * meanwhile go with the next sync. */
static gboolean
push (PmSyncClient  *self,
      PmStore       *store,
      PmSyncStats   *stats,
      PushBatch    **settling,
      GError       **error)
{
  gint64 queued = pm_store_outbox_count (store, error);
  gint64 rounds = queued < 0 ? -1 : (queued + BATCH_SIZE - 1) / BATCH_SIZE + MAX_AUDIT_ROUNDS;
  g_autoptr(PushBatch) previous = NULL;

  for (gint64 round = 0; round < rounds; round++)
    {
      g_autoptr(PushBatch) batch = NULL;
      g_autoptr(GError) send_error = NULL;
      gboolean sent;
      gboolean done;

      if (previous == NULL)
        batch = peek_push_batch (store, NULL, error);
      else if (previous->peeking)
        batch = take_next_batch (previous, error);
      else
        break;   /* the last batch was short: the outbox held no more */
      if (batch == NULL)
        return FALSE;
      if (batch->uuids[0] == NULL && batch->audit_count == 0)
        break;
      if (g_strv_length (batch->uuids) == BATCH_SIZE || batch->audit_count == AUDIT_BATCH_SIZE)
        batch->peeking = g_thread_new ("pm-sync-peek", peek_next_batch, batch);
      sent = send_push_batch (self, batch, &send_error);
      /* Batch N's own failure counts before anything N+1 met. */
      if (previous && !finish_push_batch (g_steal_pointer (&previous), stats, error))
        return FALSE;
      if (!sent)
        {
          g_propagate_error (error, g_steal_pointer (&send_error));
          return FALSE;
        }
      /* Such a server's answer to the audit entries alone ends the push. */
      done = !batch->audit_taken && batch->uuids[0] == NULL;
      batch->thread = g_thread_new ("pm-sync-push", settle_push_batch, batch);
      previous = g_steal_pointer (&batch);
      if (done)
        break;
    }
  *settling = g_steal_pointer (&previous);
  return rounds >= 0;
}

/* One page of the server's changes, checked, and (once it is being applied
 * on its own thread) that thread with its outcome. */
typedef struct
{
  PmStore    *store;
  JsonObject *answer;
  JsonArray  *changes;
  gint64      cursor;
  const char *epoch;     /* the answer's */
  gboolean    complete;
  GThread    *thread;
  gboolean    applied;
  GError     *error;
} PullPage;

static void
pull_page_free (PullPage *page)
{
  /* A page is never dropped while its transaction may still run. */
  if (page->thread)
    g_thread_join (page->thread);
  g_clear_pointer (&page->answer, json_object_unref);
  g_clear_error (&page->error);
  g_free (page);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PullPage, pull_page_free)

static PullPage *
fetch_pull_page (PmSyncClient  *self,
                 PmStore       *store,
                 gint64         cursor,
                 const char    *epoch,
                 GError       **error)
{
  g_autofree char *escaped = epoch ? g_uri_escape_string (epoch, NULL, FALSE) : NULL;
  /* The epoch lets a restored server tell a cursor it never gave out;
   * issues=1 takes the office's share of other devices' sync issues. */
  g_autofree char *path = g_strdup_printf ("/v1/sync/pull?after=%" G_GINT64_FORMAT "&limit=%d&issues=1%s%s",
                                           cursor, BATCH_SIZE, escaped ? "&epoch=" : "",
                                           escaped ? escaped : "");
  g_autoptr(PullPage) page = g_new0 (PullPage, 1);
  JsonNode *next;

  page->store = store;
  page->answer = request (self, "GET", path, NULL, error);
  if (page->answer == NULL)
    return NULL;
  page->changes = array_member (page->answer, "changes", error);
  if (page->changes == NULL)
    return NULL;
  next = json_object_get_member (page->answer, "cursor");
  if (next == NULL || json_node_get_value_type (next) != G_TYPE_INT64)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("The server's answer has no cursor"));
      return NULL;
    }
  page->cursor = json_node_get_int (next);
  page->complete = json_object_get_boolean_member_with_default (page->answer, "complete", FALSE);
  /* An incomplete page that does not move the cursor would be asked for again and again. */
  if (!page->complete && page->cursor <= cursor)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The server's cursor did not advance"));
      return NULL;
    }
  page->epoch = json_object_get_string_member_with_default (page->answer, "epoch", NULL);
  return g_steal_pointer (&page);
}

static gpointer
apply_pull_page (gpointer data)
{
  PullPage *page = data;

  page->applied = pm_store_apply_pull_page (page->store, page->changes, page->cursor, page->epoch, &page->error);
  return NULL;
}

/* Waits for the page's thread, if it has one. */
static gboolean
finish_pull_page (PullPage     *page,
                  PmSyncStats  *stats,
                  GError      **error)
{
  if (page->thread)
    g_thread_join (g_steal_pointer (&page->thread));
  if (!page->applied)
    {
      g_propagate_error (error, g_steal_pointer (&page->error));
      return FALSE;
    }
  stats->pulled += json_array_get_length (page->changes);
  return TRUE;
}

/* Pipelined: while the store applies page N (each page with its cursor in
 * one transaction, in order), the request for page N+1 is already out, so
 * the server's encoding and this device's writing overlap. A failure stops
 * the pull with nothing after the failed page applied; page N's own failure
 * counts before anything the request for N+1 met. It starts from @cursor
 * and @epoch, the store's as the sync began: read before the push, they
 * cost no wait for the push's last answers being stored. */
static gboolean
pull (PmSyncClient  *self,
      PmStore       *store,
      PmSyncStats   *stats,
      PushBatch     *settling,
      gint64         cursor,
      const char    *epoch,
      GError       **error)
{
  g_autoptr(PushBatch) pushed = settling;
  g_autoptr(PullPage) applying = NULL;

  for (guint n = 0; n < MAX_PULL_PAGES; n++)
    {
      g_autoptr(GError) fetch_error = NULL;
      g_autoptr(PullPage) page = fetch_pull_page (self, store, cursor, epoch, &fetch_error);

      /* The push's last answers are stored before a page is applied. */
      if (pushed && !finish_push_batch (g_steal_pointer (&pushed), stats, error))
        return FALSE;
      if (applying && !finish_pull_page (applying, stats, error))
        return FALSE;
      if (page == NULL)
        {
          g_propagate_error (error, g_steal_pointer (&fetch_error));
          return FALSE;
        }
      /* The last page has nothing to overlap with. */
      if (page->complete)
        {
          apply_pull_page (page);
          return finish_pull_page (page, stats, error);
        }
      page->thread = g_thread_new ("pm-sync-pull", apply_pull_page, page);
      cursor = page->cursor;
      epoch = page->epoch;
      g_clear_pointer (&applying, pull_page_free);
      applying = g_steal_pointer (&page);
    }
  if (applying && !finish_pull_page (applying, stats, error))
    return FALSE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
               _("The pull did not complete within %d pages"), MAX_PULL_PAGES);
  return FALSE;
}

/* A staff member the server removed can no longer unlock this store once
 * the pull brought the news. */
static gboolean
drop_removed_staff (PmStore      *store,
                    PmSyncStats  *stats,
                    GError      **error)
{
  gint64 dropped = pm_store_drop_removed_staff_slots (store, error);

  if (dropped < 0)
    return FALSE;
  stats->slots_removed = (guint) dropped;
  return TRUE;
}

/* Push the whole outbox, then pull to the end. @stats counts what was done,
 * also when it fails halfway. */
gboolean
pm_sync_client_sync (PmSyncClient  *self,
                     PmStore       *store,
                     PmSyncStats   *stats,
                     GError       **error)
{
  g_return_val_if_fail (PM_IS_SYNC_CLIENT (self), FALSE);
  g_return_val_if_fail (PM_IS_STORE (store), FALSE);
  g_return_val_if_fail (stats != NULL, FALSE);

  g_autoptr(GError) local_error = NULL;
  g_autoptr(PushBatch) settling = NULL;
  gint64 cursor = pm_store_get_pull_cursor (store);
  g_autofree char *epoch = pm_store_dup_pull_epoch (store);

  *stats = (PmSyncStats) { 0 };
  if (!push (self, store, stats, &settling, error))
    return FALSE;
  if (pull (self, store, stats, g_steal_pointer (&settling), cursor, epoch, &local_error))
    return drop_removed_staff (store, stats, error);
  if (!g_error_matches (local_error, PM_SYNC_CLIENT_ERROR, PM_SYNC_CLIENT_ERROR_CURSOR_GONE))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  /* The server lost what the cursor points at (restored from a backup):
   * whatever was written since the push above goes first, then
   * everything is pulled again. Local rows stay; those with unsent edits
   * are not overwritten by pulled ones. */
  g_message ("%s; pulling everything again", local_error->message);
  stats->restarted = TRUE;
  if (!push (self, store, stats, &settling, error) ||
      (settling && !finish_push_batch (g_steal_pointer (&settling), stats, error)))
    return FALSE;
  /* Only once nothing is left unsent; from the start, of no epoch. */
  return pm_store_restart_pull (store, error) &&
         pull (self, store, stats, NULL, 0, NULL, error) &&
         drop_removed_staff (store, stats, error);
}
