/* pm-test-utils.c: helpers shared by the test programs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <glib/gstdio.h>
#include <sodium.h>

#include <signal.h>
#include <string.h>

#include "pm-demo.h"
#include "pm-test-utils.h"

/* Argon2id at its minimum: tests are about the store, not the KDF. */
const PmCryptKdfCost *
pm_test_cheap_cost (void)
{
  static const PmCryptKdfCost cost = { crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN };

  return &cost;
}

/* Creates the store file with one slot on first use, else unlocks it. */
PmCryptKeys *
pm_test_unlock (const char *path)
{
  g_autoptr(GError) error = NULL;
  PmCryptKeys *keys;

  g_assert_true (pm_crypt_init (&error));
  g_assert_no_error (error);
  if (g_file_test (path, G_FILE_TEST_EXISTS))
    keys = pm_crypt_unlock (path, PM_TEST_STAFF_ID, PM_TEST_PASSPHRASE, &error);
  else
    {
      g_autoptr(PmCryptSecret) recovery = NULL;

      keys = pm_crypt_create (path, PM_TEST_STAFF_ID, "Test Person", "it", PM_TEST_PASSPHRASE,
                              pm_test_cheap_cost (), &recovery, &error);
    }
  g_assert_no_error (error);
  return keys;
}

/* The store's SQLite without PmStore, for tests that build old schemas. */
sqlite3 *
pm_test_open_raw (const char *path)
{
  g_autoptr(PmCryptKeys) keys = pm_test_unlock (path);
  g_autoptr(GError) error = NULL;
  sqlite3 *db = pm_crypt_open (path, keys, PM_CRYPT_JOURNAL_WAL, &error);

  g_assert_no_error (error);
  return db;
}

PmStore *
pm_test_open_store (const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, "pepamo.db", NULL);
  PmStore *store = pm_store_open (path, pm_test_unlock (path), &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  return store;
}

PmRecord *
pm_test_record_from_json (GType       type,
                          const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string (json, &error);
  PmRecord *record;

  g_assert_no_error (error);
  record = pm_record_new_from_json (type, json_node_get_object (node), &error);
  g_assert_no_error (error);
  return record;
}

/* Saves the record @json describes, as the store's current actor. */
void
pm_test_save_json (PmStore    *store,
                   GType       type,
                   const char *json)
{
  g_autoptr(PmRecord) record = pm_test_record_from_json (type, json);
  g_autoptr(GError) error = NULL;

  pm_store_save (store, record, &error);
  g_assert_no_error (error);
}

static gboolean
tick_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/**
 * pm_test_wait_until:
 *
 * Iterates the main loop until @done says so, for at most 20 s, then fails
 * naming @what. Some conditions are polled (a draft written from the
 * store's thread), so the loop also wakes every 50 ms.
 */
void
pm_test_wait_until (gboolean   (*done) (gpointer data),
                    gpointer     data,
                    const char  *what)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  guint tick = g_timeout_add (50, tick_cb, NULL);

  while (!done (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("%s did not happen within 20 s", what);
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (tick);
}

static gboolean
flag_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop (blocking, so a display connection is read and the
 * frame clock draws) for `ms` milliseconds. */
void
pm_test_settle (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, flag_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/**
 * pm_test_screenshot:
 * @suffix: (nullable): put before the extension of the file named by
 *   PEPAMO_TEST_SCREENSHOT, for a second picture
 *
 * With PEPAMO_TEST_SCREENSHOT=FILE.png, lets the screen settle and saves it
 * (ImageMagick's import); otherwise does nothing.
 */
void
pm_test_screenshot (const char *suffix)
{
  const char *path = g_getenv ("PEPAMO_TEST_SCREENSHOT");
  g_autofree char *file = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (path == NULL)
    return;
  file = suffix && g_str_has_suffix (path, ".png")
         ? g_strdup_printf ("%.*s%s.png", (int) strlen (path) - 4, path, suffix)
         : g_strdup (path);
  pm_test_settle (1500);
  {
    const char *argv[] = { "import", "-window", "root", file, NULL };

    if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, &error))
      g_test_message ("No screenshot: %s", error->message);
  }
}

/**
 * pm_test_server_token:
 *
 * Enrols a device of @role with the pepamo-server ($PEPAMO_SERVER) whose
 * data is in @data_dir (`admin enrol`), a field device for the demo's van;
 * returns the token it printed.
 */
char *
pm_test_server_token (const char *data_dir,
                      const char *role)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  gboolean field = g_str_equal (role, "field");
  g_autoptr(GSubprocess) admin = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                                                   &error, g_getenv ("PEPAMO_SERVER"), "--data-dir", data_dir,
                                                   "admin", "enrol", "--role", role, "--city", "halle",
                                                   field ? "--van" : NULL, PM_DEMO_VAN_ID, NULL);
  g_auto(GStrv) lines = NULL;

  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (admin, NULL, NULL, &out, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (admin));
  lines = g_strsplit (g_strstrip (out), "\n", -1);
  return g_strdup (lines[g_strv_length (lines) - 1]);
}

/**
 * pm_test_server_start:
 * @base: (out): the URL it listens on
 *
 * Starts pepamo-server on a free port of 127.0.0.1 with its data in
 * @data_dir and waits (at most 20 lines) until it says where it listens.
 */
GSubprocess *
pm_test_server_start (const char  *data_dir,
                      char       **base)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  GSubprocess *server = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                                          g_getenv ("PEPAMO_SERVER"), "--data-dir", data_dir,
                                          "--listen", "127.0.0.1:0", NULL);

  g_assert_no_error (error);
  *base = NULL;
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
  for (guint i = 0; i < 20 && *base == NULL; i++)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (line);
      if (g_str_has_prefix (line, "Listening on http://127.0.0.1:"))
        *base = g_strdup (line + strlen ("Listening on "));
    }
  g_assert_nonnull (*base);
  return server;
}

void
pm_test_server_stop (GSubprocess *server)
{
  g_subprocess_send_signal (server, SIGTERM);
  g_subprocess_wait (server, NULL, NULL);
  g_object_unref (server);
}

/**
 * pm_test_take_json_object:
 * @text: (transfer full) (nullable): a JSON object's text
 *
 * The object @text holds (asserted); %NULL for %NULL, so that a failed
 * call's error can be checked.
 */
JsonObject *
pm_test_take_json_object (char *text)
{
  g_autofree char *owned = text;
  g_autoptr(JsonNode) node = owned ? json_from_string (owned, NULL) : NULL;

  g_assert_true (owned == NULL || (node && JSON_NODE_HOLDS_OBJECT (node)));
  return node ? json_object_ref (json_node_get_object (node)) : NULL;
}
