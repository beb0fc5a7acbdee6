/* pm-server-store.c: pepamo-server's encrypted store and its key
 *
 * The store is DATA_DIR/pepamo-server.db, encrypted with a raw 32-byte key
 * file. Without a configured key file the key lives beside the data dir
 * (DATA_DIR.key), never inside it, so that a copy of the data dir alone does
 * not open the store.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pepamo-server"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <sys/file.h>
#include <unistd.h>

#include "pm-server-store.h"

#define KEY_BYTES 32

char *
pm_server_store_default_key_path (const char *data_dir)
{
  g_autofree char *trimmed = g_strdup (data_dir);
  gsize len = strlen (trimmed);

  /* "/srv/pepamo/" must give /srv/pepamo.key, not /srv/pepamo/.key. */
  while (len > 1 && trimmed[len - 1] == G_DIR_SEPARATOR)
    trimmed[--len] = '\0';
  return g_strconcat (trimmed, ".key", NULL);
}

char *
pm_server_store_path (const char *data_dir)
{
  return g_build_filename (data_dir, PM_SERVER_STORE_FILE_NAME, NULL);
}

static gboolean
make_data_dir (const char  *data_dir,
               GError     **error)
{
  int saved_errno;

  if (g_mkdir_with_parents (data_dir, 0700) == 0)
    return TRUE;
  saved_errno = errno;
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
               "cannot create the data dir %s: %s", data_dir, g_strerror (saved_errno));
  return FALSE;
}

/**
 * pm_server_store_lock:
 * @exclusive: %TRUE to replace the store (admin restore), %FALSE to use it
 *
 * Locks the data dir itself (flock on the directory: no lock file whose
 * owner could keep the service user out). The server and the admin commands
 * share the lock for as long as they run; admin restore needs it alone.
 * Never waits.
 *
 * Returns: a descriptor to close to release the lock, or -1 with @error set
 */
int
pm_server_store_lock (const char  *data_dir,
                      gboolean     exclusive,
                      GError     **error)
{
  int fd;
  int saved_errno;

  g_return_val_if_fail (data_dir != NULL, -1);

  if (!make_data_dir (data_dir, error))
    return -1;
  fd = g_open (data_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  if (fd >= 0 && flock (fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) == 0)
    return fd;
  saved_errno = errno;
  if (fd >= 0)
    close (fd);
  if (saved_errno == EWOULDBLOCK && exclusive)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                 "the store in %s is in use by a running pepamo-server or admin command; "
                 "stop the server first (systemctl stop pepamo-server)", data_dir);
  else if (saved_errno == EWOULDBLOCK)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                 "the store in %s is being restored (admin restore); try again when that has finished",
                 data_dir);
  else
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                 "cannot lock the data dir %s: %s", data_dir, g_strerror (saved_errno));
  return -1;
}

/* O_EXCL: two servers started at once must not overwrite each other's key. */
static gboolean
create_key_file (const char  *path,
                 GError     **error)
{
  guint8 key[KEY_BYTES];
  gboolean ok;
  int saved_errno = 0;
  int fd;

  fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      saved_errno = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "cannot create the key file %s: %s", path, g_strerror (saved_errno));
      return FALSE;
    }
  randombytes_buf (key, sizeof key);
  ok = write (fd, key, sizeof key) == sizeof key && fsync (fd) == 0;
  if (!ok)
    saved_errno = errno;
  sodium_memzero (key, sizeof key);
  if (close (fd) != 0 && ok)
    {
      ok = FALSE;
      saved_errno = errno;
    }
  if (!ok)
    {
      g_unlink (path);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "cannot write the key file %s: %s", path, g_strerror (saved_errno));
    }
  return ok;
}

/**
 * pm_server_store_open:
 * @data_dir: the server's data dir; created (0700) when missing
 * @key_path: (nullable): the key file; %NULL for DATA_DIR.key, which is
 *   created on first start
 *
 * Opens the server's store, creating it on first start.
 */
PmStore *
pm_server_store_open (const char  *data_dir,
                      const char  *key_path,
                      GError     **error)
{
  g_autofree char *db_path = pm_server_store_path (data_dir);
  g_autofree char *default_key_path = NULL;
  gboolean db_exists = g_file_test (db_path, G_FILE_TEST_EXISTS);
  PmCryptKeys *keys;

  g_return_val_if_fail (data_dir != NULL, NULL);

  /* sodium_init() before randombytes_buf(). */
  if (!pm_crypt_init (error))
    return NULL;
  if (key_path == NULL)
    {
      key_path = default_key_path = pm_server_store_default_key_path (data_dir);
      if (!g_file_test (key_path, G_FILE_TEST_EXISTS))
        {
          /* A new key cannot open an existing store: say what is missing. */
          if (db_exists)
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           "%s exists, but its key file %s is missing", db_path, key_path);
              return NULL;
            }
          if (!create_key_file (key_path, error))
            return NULL;
          g_warning ("Created a new database key in %s: keep a copy of it apart from the data dir, "
                     "the store cannot be read without it", key_path);
        }
    }

  if (!make_data_dir (data_dir, error))
    return NULL;
  if (db_exists)
    keys = pm_crypt_unlock_key_file (db_path, key_path, error);
  else
    keys = pm_crypt_create_with_key_file (db_path, key_path, error);
  if (keys == NULL)
    return NULL;
  return pm_store_open (db_path, keys, error);
}
