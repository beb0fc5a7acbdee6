/* pm-test-utils.c: helpers shared by the test programs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <glib/gstdio.h>
#include <sodium.h>

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

/**
 * pm_test_screenshot:
 * @stage: (nullable): names the picture when a test takes several
 *
 * With PEPAMO_TEST_SCREENSHOT=FILE.png, lets the frame clock draw for half
 * a second, then saves the screen to FILE.png (or FILE-@stage.png) with
 * ImageMagick's import, so that a person can look at what a UI test saw.
 */
void
pm_test_screenshot (const char *stage)
{
  const char *path = g_getenv ("PEPAMO_TEST_SCREENSHOT");
  g_autoptr(GError) error = NULL;
  g_autofree char *file = NULL;
  gint64 until = g_get_monotonic_time () + 500 * G_TIME_SPAN_MILLISECOND;
  int status = 0;

  if (path == NULL)
    return;
  if (stage && g_str_has_suffix (path, ".png"))
    file = g_strdup_printf ("%.*s-%s.png", (int) strlen (path) - 4, path, stage);
  else
    file = g_strdup (path);
  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);
  if (!g_spawn_sync (NULL, (char *[]) { "import", "-window", "root", file, NULL }, NULL, G_SPAWN_SEARCH_PATH,
                     NULL, NULL, NULL, NULL, &status, &error))
    g_test_message ("No screenshot: %s", error->message);
}
