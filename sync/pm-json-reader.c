/* pm-json-reader.c: a strict JSON reader for the server's request bodies
 * and the client's answers from the server
 *
 * json-glib 1.6 reads a body with GScanner character by character (about
 * 400 instructions a byte: half of a push's cost at the server, a quarter
 * of a device's under load, its pull pages), and reads it as JavaScript
 * statements: `{…}{…}` passes, and what follows the first value leaks. This reader takes exactly RFC 8259 JSON, one value and white
 * space around it, and builds the same json-glib nodes. Nesting is bounded,
 * so no body can exhaust the stack.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pm-sync"

#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pm-error.h"
#include "pm-json-reader.h"

#define MAX_DEPTH 64

typedef struct
{
  const char *at;
  const char *end;
  const char *start;
  GString    *text;   /* a string being decoded, reused */
  /* The member name being read at each depth, reused: json-glib copies
   * the name it is given, so a copy of our own per member was waste. */
  GString    *names[MAX_DEPTH + 1];
} Reader;

static void
reader_clear (Reader *reader)
{
  g_string_free (reader->text, TRUE);
  for (guint i = 0; i <= MAX_DEPTH; i++)
    if (reader->names[i])
      g_string_free (reader->names[i], TRUE);
}

static gboolean
fail (Reader      *reader,
      GError     **error,
      const char  *what)
{
  g_set_error (error, PM_ERROR, PM_ERROR_INVALID, "the body is not JSON: %s at byte %" G_GSIZE_FORMAT,
               what, (gsize) (reader->at - reader->start));
  return FALSE;
}

static JsonNode *
fail_value (Reader      *reader,
            GError     **error,
            const char  *what)
{
  fail (reader, error, what);
  return NULL;
}

static void
skip_space (Reader *reader)
{
  while (reader->at < reader->end &&
         (*reader->at == ' ' || *reader->at == '\t' || *reader->at == '\n' || *reader->at == '\r'))
    reader->at++;
}

static gboolean
take_word (Reader     *reader,
           const char *word)
{
  gsize length = strlen (word);

  if ((gsize) (reader->end - reader->at) < length || memcmp (reader->at, word, length) != 0)
    return FALSE;
  reader->at += length;
  return TRUE;
}

static int
hex_digit (char c)
{
  return g_ascii_xdigit_value (c);
}

/* Four hex digits after "\u": the code unit, or -1. */
static int
code_unit (Reader *reader)
{
  int value = 0;

  if (reader->end - reader->at < 4)
    return -1;
  for (int i = 0; i < 4; i++)
    {
      int digit = hex_digit (reader->at[i]);

      if (digit < 0)
        return -1;
      value = value * 16 + digit;
    }
  reader->at += 4;
  return value;
}

/* An escape after the backslash, appended to the reader's text. */
static gboolean
read_escape (Reader  *reader,
             GError **error)
{
  int unit;

  if (reader->at == reader->end)
    return fail (reader, error, "an unfinished escape");
  switch (*reader->at++)
    {
    case '"': g_string_append_c (reader->text, '"'); return TRUE;
    case '\\': g_string_append_c (reader->text, '\\'); return TRUE;
    case '/': g_string_append_c (reader->text, '/'); return TRUE;
    case 'b': g_string_append_c (reader->text, '\b'); return TRUE;
    case 'f': g_string_append_c (reader->text, '\f'); return TRUE;
    case 'n': g_string_append_c (reader->text, '\n'); return TRUE;
    case 'r': g_string_append_c (reader->text, '\r'); return TRUE;
    case 't': g_string_append_c (reader->text, '\t'); return TRUE;
    case 'u':
      break;
    default:
      reader->at--;
      return fail (reader, error, "an unknown escape");
    }
  unit = code_unit (reader);
  if (unit < 0)
    return fail (reader, error, "a \\u escape without four hex digits");
  /* A surrogate pair names one character; half of one names none. */
  if (unit >= 0xd800 && unit <= 0xdbff)
    {
      int low;

      if (!take_word (reader, "\\u") || (low = code_unit (reader)) < 0xdc00 || low > 0xdfff)
        return fail (reader, error, "a lone surrogate in a \\u escape");
      unit = 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00);
    }
  else if (unit >= 0xdc00 && unit <= 0xdfff)
    return fail (reader, error, "a lone surrogate in a \\u escape");
  if (unit == 0)
    return fail (reader, error, "a NUL character in a string");
  g_string_append_unichar (reader->text, (gunichar) unit);
  return TRUE;
}

/* A control character, which a string must escape. json-glib 1.6 writes
 * U+001F as it is (it escapes only those below), and clients one version
 * behind send its text: that one is taken. */
static gboolean
is_control (char c)
{
  return (guchar) c < 0x1f;
}

/* A string after its opening quote, into the reader's text (valid UTF-8,
 * no NUL: json-glib's strings are C strings). */
static gboolean
read_string (Reader  *reader,
             GError **error)
{
  g_string_truncate (reader->text, 0);
  while (reader->at < reader->end)
    {
      const char *run = reader->at;

      while (reader->at < reader->end && *reader->at != '"' && *reader->at != '\\' &&
             !is_control (*reader->at))
        reader->at++;
      g_string_append_len (reader->text, run, reader->at - run);
      if (reader->at == reader->end)
        break;
      if (*reader->at == '"')
        {
          reader->at++;
          if (!g_utf8_validate (reader->text->str, reader->text->len, NULL))
            return fail (reader, error, "a string that is not UTF-8");
          return TRUE;
        }
      if (is_control (*reader->at))
        return fail (reader, error, "a control character in a string");
      reader->at++;
      if (!read_escape (reader, error))
        return FALSE;
    }
  return fail (reader, error, "an unfinished string");
}

static gboolean
is_digit (Reader *reader)
{
  return reader->at < reader->end && g_ascii_isdigit (*reader->at);
}

/* A number by RFC 8259's grammar: a whole number that fits is an integer
 * node (as json-glib makes it), anything else a double. */
static JsonNode *
read_number (Reader  *reader,
             GError **error)
{
  const char *start = reader->at;
  gboolean whole = TRUE;
  char digits[64];      /* a number's text as strtod needs it, mostly here */
  g_autofree char *long_text = NULL;
  char *text;
  char *rest = NULL;
  gsize length;

  if (reader->at < reader->end && *reader->at == '-')
    reader->at++;
  if (!is_digit (reader))
    return fail_value (reader, error, "a number without digits");
  if (*reader->at == '0')
    reader->at++;
  else
    while (is_digit (reader))
      reader->at++;
  if (reader->at < reader->end && *reader->at == '.')
    {
      whole = FALSE;
      reader->at++;
      if (!is_digit (reader))
        return fail_value (reader, error, "a number without digits after its point");
      while (is_digit (reader))
        reader->at++;
    }
  if (reader->at < reader->end && (*reader->at == 'e' || *reader->at == 'E'))
    {
      whole = FALSE;
      reader->at++;
      if (reader->at < reader->end && (*reader->at == '+' || *reader->at == '-'))
        reader->at++;
      if (!is_digit (reader))
        return fail_value (reader, error, "a number without digits in its exponent");
      while (is_digit (reader))
        reader->at++;
    }
  length = reader->at - start;
  text = length < sizeof digits ? digits : (long_text = g_malloc (length + 1));
  memcpy (text, start, length);
  text[length] = '\0';
  if (whole)
    {
      gint64 value;

      errno = 0;
      value = g_ascii_strtoll (text, &rest, 10);
      if (errno == 0 && *rest == '\0')
        return json_node_init_int (json_node_alloc (), value);
    }
  errno = 0;
  {
    double value = g_ascii_strtod (text, &rest);

    if (errno != 0 || *rest != '\0' || !isfinite (value))
      return fail_value (reader, error, "a number out of range");
    return json_node_init_double (json_node_alloc (), value);
  }
}

static JsonNode *read_value (Reader  *reader,
                             guint    depth,
                             GError **error);

static JsonNode *
read_object (Reader  *reader,
             guint    depth,
             GError **error)
{
  g_autoptr(JsonObject) object = json_object_new ();

  skip_space (reader);
  if (reader->at < reader->end && *reader->at == '}')
    {
      reader->at++;
      return json_node_init_object (json_node_alloc (), object);
    }
  while (TRUE)
    {
      GString *name;
      JsonNode *value;

      skip_space (reader);
      if (reader->at == reader->end || *reader->at != '"')
        return fail_value (reader, error, "an object member without a quoted name");
      reader->at++;
      if (!read_string (reader, error))
        return NULL;
      if (reader->names[depth] == NULL)
        reader->names[depth] = g_string_sized_new (32);
      name = reader->names[depth];
      g_string_truncate (name, 0);
      g_string_append_len (name, reader->text->str, reader->text->len);
      skip_space (reader);
      if (reader->at == reader->end || *reader->at != ':')
        return fail_value (reader, error, "an object member without a colon");
      reader->at++;
      value = read_value (reader, depth, error);
      if (value == NULL)
        return NULL;
      json_object_set_member (object, name->str, value);
      skip_space (reader);
      if (reader->at < reader->end && *reader->at == ',')
        {
          reader->at++;
          continue;
        }
      if (reader->at < reader->end && *reader->at == '}')
        {
          reader->at++;
          return json_node_init_object (json_node_alloc (), object);
        }
      return fail_value (reader, error, "an object without a comma or closing brace");
    }
}

static JsonNode *
read_array (Reader  *reader,
            guint    depth,
            GError **error)
{
  g_autoptr(JsonArray) array = json_array_new ();

  skip_space (reader);
  if (reader->at < reader->end && *reader->at == ']')
    {
      reader->at++;
      return json_node_init_array (json_node_alloc (), array);
    }
  while (TRUE)
    {
      JsonNode *value = read_value (reader, depth, error);

      if (value == NULL)
        return NULL;
      json_array_add_element (array, value);
      skip_space (reader);
      if (reader->at < reader->end && *reader->at == ',')
        {
          reader->at++;
          continue;
        }
      if (reader->at < reader->end && *reader->at == ']')
        {
          reader->at++;
          return json_node_init_array (json_node_alloc (), array);
        }
      return fail_value (reader, error, "an array without a comma or closing bracket");
    }
}

static JsonNode *
read_value (Reader  *reader,
            guint    depth,
            GError **error)
{
  skip_space (reader);
  if (reader->at == reader->end)
    return fail_value (reader, error, "a value missing");
  switch (*reader->at)
    {
    case '{':
    case '[':
      if (depth == MAX_DEPTH)
        return fail_value (reader, error, "values nested too deep");
      return *reader->at++ == '{' ? read_object (reader, depth + 1, error) : read_array (reader, depth + 1, error);
    case '"':
      reader->at++;
      if (!read_string (reader, error))
        return NULL;
      return json_node_init_string (json_node_alloc (), reader->text->str);
    case 't':
      if (take_word (reader, "true"))
        return json_node_init_boolean (json_node_alloc (), TRUE);
      break;
    case 'f':
      if (take_word (reader, "false"))
        return json_node_init_boolean (json_node_alloc (), FALSE);
      break;
    case 'n':
      if (take_word (reader, "null"))
        return json_node_init_null (json_node_alloc ());
      break;
    default:
      if (*reader->at == '-' || g_ascii_isdigit (*reader->at))
        return read_number (reader, error);
      break;
    }
  return fail_value (reader, error, "an unexpected character");
}

/**
 * pm_json_read:
 * @data: (array length=size): the text, not necessarily NUL-terminated
 *
 * Reads exactly one JSON value (RFC 8259), with nothing but white space
 * around it.
 *
 * Returns: (transfer full): the value, or %NULL with PM_ERROR_INVALID and
 *   where the text went wrong
 */
JsonNode *
pm_json_read (const char  *data,
              gsize        size,
              GError     **error)
{
  Reader reader = { data, data + size, data, NULL, { NULL } };
  g_autoptr(JsonNode) value = NULL;

  g_return_val_if_fail (data != NULL || size == 0, NULL);

  reader.text = g_string_new (NULL);
  value = read_value (&reader, 0, error);
  skip_space (&reader);
  if (value && reader.at != reader.end)
    {
      fail (&reader, error, "more after the value");
      g_clear_pointer (&value, json_node_unref);
    }
  reader_clear (&reader);
  return g_steal_pointer (&value);
}
