/* test-drafts.c: a form being filled survives the app being killed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <signal.h>
#include <stdio.h>

#include "pm-test-utils.h"

#define FORM "counselling/11111111-2222-4333-8444-555555555555"
#define DRAFT_PREFIX "{\"results\":\"Eingabe "

static void
test_round_trip (void)
{
  g_autofree char *dir = pm_test_make_dir ();
  g_autoptr(PmStore) store = pm_test_open_store (dir);
  g_autoptr(GError) error = NULL;
  g_autofree char *kind = NULL;
  g_autofree char *json = NULL;
  g_auto(GStrv) forms = NULL;

  g_assert_null (pm_store_load_draft (store, FORM, NULL, &error));
  g_assert_no_error (error);

  g_assert_true (pm_store_save_draft (store, FORM, "counselling", NULL, "{\"results\":\"erster\"}", &error));
  g_assert_true (pm_store_save_draft (store, FORM, "counselling", NULL, "{\"results\":\"zweiter\"}", &error));
  g_assert_no_error (error);
  json = pm_store_load_draft (store, FORM, &kind, &error);
  g_assert_cmpstr (json, ==, "{\"results\":\"zweiter\"}");
  g_assert_cmpstr (kind, ==, "counselling");
  forms = pm_store_list_drafts (store, &error);
  g_assert_cmpint (g_strv_length (forms), ==, 1);

  g_assert_true (pm_store_discard_draft (store, FORM, &error));
  g_clear_pointer (&json, g_free);
  json = pm_store_load_draft (store, FORM, NULL, &error);
  g_assert_null (json);
  g_clear_object (&store);
  pm_test_remove_dir (dir);
}

/* The writer: saves a draft with a growing counter, reports each commit. */
static int
run_writer (const char *dir)
{
  g_autoptr(PmStore) store = pm_test_open_store (dir);

  for (guint n = 1;; n++)
    {
      g_autofree char *json = g_strdup_printf (DRAFT_PREFIX "%u\"}", n);

      if (!pm_store_save_draft (store, FORM, "counselling", NULL, json, NULL))
        return 1;
      printf ("%u\n", n);
      fflush (stdout);
    }
}

static void
test_killed_writer (void)
{
  g_autofree char *dir = pm_test_make_dir ();
  const char *env = g_getenv ("PM_CRASH_ITERATIONS");
  guint iterations = env ? (guint) g_ascii_strtoull (env, NULL, 10) : 5;
  g_autofree char *self = g_test_build_filename (G_TEST_BUILT, "core", "test-drafts", NULL);

  for (guint i = 0; i < iterations; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GSubprocess) writer = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                                                        self, "--writer", dir, NULL);
      g_autoptr(GDataInputStream) out = NULL;
      guint wanted = g_test_rand_int_range (1, 40);
      guint last = 0;
      g_autoptr(PmStore) store = NULL;
      g_autofree char *json = NULL;
      g_autoptr(PmCryptKeys) keys = NULL;
      g_autofree char *path = g_build_filename (dir, "pepamo.db", NULL);
      guint32 bad_page = 0;

      g_assert_no_error (error);
      out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (writer));
      while (last < wanted)
        {
          g_autofree char *line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);

          g_assert_no_error (error);
          g_assert_nonnull (line);
          last = (guint) g_ascii_strtoull (line, NULL, 10);
        }
      g_subprocess_send_signal (writer, SIGKILL);
      g_subprocess_wait (writer, NULL, NULL);

      /* Every reported commit is there: the draft is that one or a later one. */
      keys = pm_test_unlock (path);
      g_assert_true (pm_crypt_verify (path, keys, &bad_page, &error));
      g_assert_no_error (error);
      store = pm_test_open_store (dir);
      json = pm_store_load_draft (store, FORM, NULL, &error);
      g_assert_no_error (error);
      g_assert_nonnull (json);
      /* The writer does not wait for us: it may have committed more after
       * its last line was read, never less. */
      if (!g_str_has_prefix (json, DRAFT_PREFIX) ||
          g_ascii_strtoull (json + strlen (DRAFT_PREFIX), NULL, 10) < last)
        g_error ("after the commit of %u the draft is %s", last, json);
    }
  pm_test_remove_dir (dir);
}

int
main (int    argc,
      char **argv)
{
  if (argc == 3 && g_str_equal (argv[1], "--writer"))
    return run_writer (argv[2]);

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/drafts/round-trip", test_round_trip);
  g_test_add_func ("/drafts/killed-writer", test_killed_writer);
  return g_test_run ();
}
