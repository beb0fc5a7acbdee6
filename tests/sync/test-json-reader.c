/* test-json-reader.c: the strict reader of request bodies and answers
 *
 * What it takes it reads as json-glib does; what RFC 8259 does not allow,
 * or json-glib would take and leak (a value after the first), it refuses
 * with where the text went wrong.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include "pm-error.h"
#include "pm-json-reader.h"

static JsonNode *
parse (const char  *text,
       GError     **error)
{
  return pm_json_read (text, strlen (text), error);
}

static void
test_reads_as_json_glib (void)
{
  static const char * const texts[] = {
    "{}", "[]", " \t\r\n{ } ", "0", "-0", "12", "-12", "1.5", "-0.25", "1e3", "1E-3", "2.5e+2",
    "9223372036854775807", "-9223372036854775808", "true", "false", "null", "\"\"",
    "\"Müller, Große Ulrichstraße\"", "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\u00e4\\u00DF \\u2013 \\ud83d\\ude00\"",
    "{\"protocol\": 2, \"entries\": [{\"uuid\": \"a\", \"record\": {\"lat\": 51.4797, \"services\": [\"PB\", \"PA\"],"
    " \"notes\": \"Hof \\\"hinten\\\" } ]\", \"priority\": 1, \"fee_waived\": false, \"care_grade\": null}}]}",
    "[1, [2, [3, {\"a\": [true, null]}]], \"x\"]",
    "{\"a\": 1, \"a\": 2}",
    /* Numbers longer than the reader's buffer for their text. */
    "0.1000000000000000000000000000000000000000000000000000000000000000000000001",
    "12345678901234567890123456789012345678901234567890123456789012345.5e-60",
    /* A name read at one depth stays while deeper ones are read. */
    "{\"outer\": {\"inner\": {\"deepest\": 1}, \"next\": 2}, \"last\": [{\"x\": {}}]}",
    /* As json-glib 1.6 writes U+001F, unescaped. */
    "\"a\x1f" "b\"",
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) ours = parse (texts[i], &error);
      g_autoptr(JsonNode) theirs = json_from_string (texts[i], NULL);

      g_assert_no_error (error);
      g_assert_nonnull (ours);
      g_assert_nonnull (theirs);
      g_assert_true (json_node_equal (ours, theirs));
      if (JSON_NODE_HOLDS_VALUE (ours))
        g_assert_true (json_node_get_value_type (ours) == json_node_get_value_type (theirs));
    }
}

static void
test_refuses_what_json_does_not_allow (void)
{
  static const char * const texts[] = {
    "", " ", "{", "}", "[", "]", "{}{}", "0{}", "{} x", "[1,]", "[,1]", "{\"a\":1,}", "{a:1}", "{\"a\" 1}",
    "{\"a\":}", "'a'", "01", "1.", ".5", "-", "+1", "1e", "1e+", "0x10", "NaN", "Infinity", "1e400", "tru",
    "nul", "True", "\"abc", "\"\\x\"", "\"\\u12\"", "\"\\u12g4\"", "\"\\ud800\"", "\"\\ud800\\u0041\"",
    "\"\\udc00\"", "\"a\nb\"", "\"a\tb\"", "\"\xff\"", "\"\xc3\"", "\"\\u0000\"", "/* no */ {}", "{} // no",
    "var a = {}", "[1] [2]",
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = parse (texts[i], &error);

      g_assert_null (node);
      g_assert_error (error, PM_ERROR, PM_ERROR_INVALID);
      g_assert_true (g_str_has_prefix (error->message, "the body is not JSON: "));
      g_assert_nonnull (strstr (error->message, " at byte "));
    }
}

/* A NUL inside the text is no JSON either (json-glib's strings end there). */
static void
test_refuses_a_nul_byte (void)
{
  static const char text[] = "{\"a\": \"b\0c\"}";
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = pm_json_read (text, sizeof text - 1, &error);

  g_assert_null (node);
  g_assert_error (error, PM_ERROR, PM_ERROR_INVALID);
}

/* Nesting is bounded, so no body exhausts the stack; 64 levels pass. */
static void
test_bounds_nesting (void)
{
  g_autoptr(GString) deep = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  for (guint i = 0; i < 64; i++)
    g_string_append_c (deep, '[');
  for (guint i = 0; i < 64; i++)
    g_string_append_c (deep, ']');
  node = parse (deep->str, &error);
  g_assert_no_error (error);
  g_assert_nonnull (node);
  g_clear_pointer (&node, json_node_unref);

  g_string_prepend_c (deep, '[');
  g_string_append_c (deep, ']');
  node = parse (deep->str, &error);
  g_assert_null (node);
  g_assert_error (error, PM_ERROR, PM_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "nested too deep"));
  g_clear_error (&error);

  /* A million brackets end in an error, not a crash. */
  g_string_set_size (deep, 0);
  for (guint i = 0; i < 1000000; i++)
    g_string_append_c (deep, i % 2 ? '{' : '[');
  node = parse (deep->str, &error);
  g_assert_null (node);
  g_assert_error (error, PM_ERROR, PM_ERROR_INVALID);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/json-reader/reads-as-json-glib", test_reads_as_json_glib);
  g_test_add_func ("/json-reader/refuses-what-json-does-not-allow", test_refuses_what_json_does_not_allow);
  g_test_add_func ("/json-reader/refuses-a-nul-byte", test_refuses_a_nul_byte);
  g_test_add_func ("/json-reader/bounds-nesting", test_bounds_nesting);
  return g_test_run ();
}
