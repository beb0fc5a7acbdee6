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
 * @code: (out): where the body is refused for its protocol, a stable name
 *   for the case (`protocol_too_old`, `protocol_too_new`), else %NULL
 *
 * The push body's frame: `{"protocol": N, "entries": [...]}`. The entries
 * are the store's to check (count, fields, record), since it answers per
 * entry.
 *
 * Returns: (transfer full): the entries, or %NULL with PM_ERROR_INVALID and
 *   a reason for the device
 */
/* Whether @data is one JSON object and nothing after it but white space.
 * json-glib 1.6 takes more values after the first (JavaScript statements,
 * e.g. `{…}{…}` or `0{…}`): it answers success and leaks what follows, so
 * a body with a tail is refused before it is parsed. Only the brackets
 * outside strings are counted; the parser checks the rest. */
static gboolean
is_one_object (const char *data,
               gsize       size)
{
  gsize i = 0;
  gsize depth = 0;
  gboolean in_string = FALSE;

  while (i < size && g_ascii_isspace (data[i]))
    i++;
  if (i == size || data[i] != '{')
    return FALSE;
  for (; i < size; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if (c == '{' || c == '[')
        depth++;
      else if ((c == '}' || c == ']') && --depth == 0)
        break;
    }
  for (i++; i < size; i++)
    if (!g_ascii_isspace (data[i]))
      return FALSE;
  return TRUE;
}

JsonArray *
pm_server_decode_push (const char   *data,
                       gsize         size,
                       guint        *protocol,
                       const char  **code,
                       GError      **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  JsonObject *push;
  JsonNode *version;
  JsonNode *entries;
  gint64 number;

  *code = NULL;
  /* json-glib refuses NULL data with a critical, and an empty body is NULL. */
  if (data == NULL || size == 0)
    {
      g_set_error (error, PM_ERROR, PM_ERROR_INVALID, "the body is empty");
      return NULL;
    }
  if (!is_one_object (data, size))
    {
      g_set_error (error, PM_ERROR, PM_ERROR_INVALID, "the body must be one JSON object and nothing after it");
      return NULL;
    }
  if (size > G_MAXSSIZE || !json_parser_load_from_data (parser, data, (gssize) size, &local_error))
    {
      g_set_error (error, PM_ERROR, PM_ERROR_INVALID, "the body is not JSON: %s",
                   local_error ? local_error->message : "too large");
      return NULL;
    }
  /* One object, checked above. */
  push = json_node_get_object (json_parser_get_root (parser));
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
  *protocol = (guint) number;
  return json_array_ref (json_node_get_array (entries));
}
