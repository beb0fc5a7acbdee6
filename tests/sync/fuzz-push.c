/* fuzz-push.c: libFuzzer on the server's push decoder and on the store's
 * checks of what it decoded, as pepamo-server runs them
 *
 * Any bytes a device could send: the decoder either refuses them with a
 * reason (PM_ERROR_INVALID) or hands entries to a real encrypted store,
 * which answers each entry or refuses the batch as invalid; never a store
 * failure, a critical or a crash. Built with -Dfuzzing=true (clang only),
 * run by run_fuzz.py for a bounded time; see tests/sync/meson.build.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <stdint.h>
#include <stdlib.h>

#include "pm-error.h"
#include "pm-server-push.h"
#include "pm-store-sync.h"
#include "pm-test-utils.h"

#define DEVICE "0a7c6c4e-6b1f-4a55-9d0e-3f6f1c2b9a01"

int LLVMFuzzerInitialize   (int           *argc,
                            char        ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static char *dir;
static PmStore *store;

static void
remove_store (void)
{
  pm_store_close (store);
  g_clear_object (&store);
  pm_test_remove_dir (dir);
  g_free (dir);
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  dir = pm_test_make_dir ();
  store = pm_test_open_store (dir);
  atexit (remove_store);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static const PmRole roles[] = { PM_ROLE_FIELD, PM_ROLE_DISPATCH, PM_ROLE_EINWOHNERWESEN, PM_ROLE_SOZIALES };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) entries = NULL;
  g_autoptr(JsonArray) results = NULL;
  g_autoptr(JsonArray) audit = NULL;
  const char *code = NULL;
  guint protocol = 0;

  entries = pm_server_decode_push ((const char *) data, size, &protocol, &audit, &code, &error);
  if (entries == NULL)
    {
      g_assert_true (g_error_matches (error, PM_ERROR, PM_ERROR_INVALID));
      return 0;
    }
  g_assert_cmpuint (protocol, >=, PM_SYNC_PROTOCOL_OLDEST);
  g_assert_cmpuint (protocol, <=, PM_SYNC_PROTOCOL);
  if (audit && pm_store_append_device_audit (store, DEVICE, audit, &error) < 0)
    {
      g_assert_true (g_error_matches (error, PM_ERROR, PM_ERROR_INVALID));
      return 0;
    }
  results = pm_store_apply_push_protocol (store, DEVICE, roles[size % G_N_ELEMENTS (roles)], protocol,
                                          entries, &error);
  if (results == NULL)
    g_assert_true (g_error_matches (error, PM_ERROR, PM_ERROR_INVALID));
  else
    g_assert_cmpuint (json_array_get_length (results), ==, json_array_get_length (entries));
  return 0;
}
