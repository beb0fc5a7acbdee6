/* pm-server-push.c: the decoder of a push request's body
 *
 * Apart from the HTTP front so that the fuzz target (tests/sync/fuzz-push.c)
 * drives it with any bytes, as a device could send them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pm-server"

#include "config.h"

#include "pm-error.h"
#include "pm-json-reader.h"
#include "pm-server-push.h"
#include "pm-store-sync.h"

static gboolean
is_integer (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64;
}

/**
 * pm_server_decode_push:
 * @data: (array length=size): the body as received
 * @protocol: (out): the push protocol it was sent in
 * @audit: (out) (transfer full) (nullable): the device's audit entries
 *   that came along, %NULL for none
 * @code: (out): where the body is refused for its protocol, a stable name
 *   for the case (`protocol_too_old`, `protocol_too_new`), else %NULL
 *
 * The push body's frame: `{"protocol": N, "entries": [...], "audit": [...]}`
 * (`audit` optional). The entries and audit entries are the store's to
 * check (count, fields, record), since it answers per entry.
 *
 * Returns: (transfer full): the entries, or %NULL with PM_ERROR_INVALID and
 *   a reason for the device
 */
JsonArray *
pm_server_decode_push (const char   *data,
                       gsize         size,
                       guint        *protocol,
                       JsonArray   **audit,
                       const char  **code,
                       GError      **error)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *push;
  JsonNode *version;
  JsonNode *entries;
  JsonNode *audit_node;
  gint64 number;

  *code = NULL;
  *audit = NULL;
  /* json-glib refuses NULL data with a critical, and an empty body is NULL. */
  if (data == NULL || size == 0)
    {
      g_set_error (error, PM_ERROR, PM_ERROR_INVALID, "the body is empty");
      return NULL;
    }
  root = pm_json_read (data, size, error);
  if (root == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, PM_ERROR, PM_ERROR_INVALID, "the body must be a JSON object");
      return NULL;
    }
  push = json_node_get_object (root);
  version = json_object_get_member (push, "protocol");
  if (!is_integer (version))
    {
      g_set_error (error, PM_ERROR, PM_ERROR_INVALID, "\"protocol\" must be a whole number");
      return NULL;
    }
  /* One version behind is upgraded by the store; older ones are refused
   * with what to do about it. */
  number = json_node_get_int (version);
  if (number < PM_SYNC_PROTOCOL_OLDEST || number > PM_SYNC_PROTOCOL)
    {
      gboolean old = number < PM_SYNC_PROTOCOL_OLDEST;

      *code = old ? "protocol_too_old" : "protocol_too_new";
      g_set_error (error, PM_ERROR, PM_ERROR_INVALID,
                   "push protocol %" G_GINT64_FORMAT " is too %s: this server takes %d to %d; %s",
                   number, old ? "old" : "new", PM_SYNC_PROTOCOL_OLDEST, PM_SYNC_PROTOCOL,
                   old ? "update PePaMo on this device" : "update the server");
      return NULL;
    }
  entries = json_object_get_member (push, "entries");
  if (entries == NULL || !JSON_NODE_HOLDS_ARRAY (entries))
    {
      g_set_error (error, PM_ERROR, PM_ERROR_INVALID, "\"entries\" must be an array");
      return NULL;
    }
  audit_node = json_object_get_member (push, "audit");
  if (audit_node && !JSON_NODE_HOLDS_ARRAY (audit_node))
    {
      g_set_error (error, PM_ERROR, PM_ERROR_INVALID, "\"audit\" must be an array");
      return NULL;
    }
  *protocol = (guint) number;
  if (audit_node && json_array_get_length (json_node_get_array (audit_node)) > 0)
    *audit = json_array_ref (json_node_get_array (audit_node));
  return json_array_ref (json_node_get_array (entries));
}
