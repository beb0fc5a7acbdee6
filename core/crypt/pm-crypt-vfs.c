/* pm-crypt-vfs.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The "pepamo" VFS: a shim over the unix VFS that seals every page of the
 * main database, the rollback journal and the WAL with an AEAD. The main
 * database is shifted behind the 4 KiB store header.
 */

#define G_LOG_DOMAIN "pm-crypt"

#include "pm-crypt-private.h"

#include <stdarg.h>
#include <string.h>

#define PAGE          PM_CRYPT_PAGE_SIZE
#define WAL_HEADER    32
#define WAL_FRAME_HDR 24
#define WAL_FRAME     (WAL_FRAME_HDR + PAGE)
#define JOURNAL_ALIGN 512

typedef struct
{
  int            ref;
  char          *name;
  PmCryptCipher  cipher;
  GMutex         counter_lock;
  guint64        count;
  guint64        reserved;
} PmShared;

typedef enum
{
  PM_FILE_MAIN,
  PM_FILE_JOURNAL,
  PM_FILE_WAL,
} PmFileKind;

typedef struct
{
  sqlite3_file   base;
  sqlite3_file  *real;
  PmFileKind     kind;
  PmShared      *shared;
  guint8        *scratch;      /* record header + sealed page, then a plain page */
  gboolean       page1_checked;
  gboolean       page1_cached;
  guint8        *page1;        /* main database: page 1 sealed, then opened */
  sqlite3_int64  hint_offset;  /* where the last page number was written */
  guint32        hint_pgno;
} PmFile;

static sqlite3_vfs *base_vfs;
static gboolean env_keys;
static GMutex registry_lock;
static GHashTable *shared_by_name;
static GHashTable *offered_keys;

static __thread int failure_code = -1;
static __thread char failure_message[256];

void
pm_crypt_vfs_fail (int         code,
                   const char *format,
                   ...)
{
  va_list args;

  va_start (args, format);
  g_vsnprintf (failure_message, sizeof failure_message, format, args);
  va_end (args);
  failure_code = code;

  /* The sqlite3 shell only prints "disk I/O error"; tell the admin why. */
  if (env_keys)
    g_printerr ("pepamo: %s\n", failure_message);
  else
    g_debug ("%s", failure_message);
}

gboolean
pm_crypt_vfs_take_failure (GError **error)
{
  if (failure_code < 0)
    return FALSE;
  g_set_error_literal (error, PM_CRYPT_ERROR, failure_code, failure_message);
  failure_code = -1;
  return TRUE;
}

gboolean
pm_crypt_cipher_init (PmCryptCipher      *cipher,
                      const PmCryptKeys  *keys,
                      GError            **error)
{
  memset (cipher, 0, sizeof *cipher);
  cipher->cipher = keys->cipher;
  memcpy (cipher->db_id, keys->db_id, PM_CRYPT_DB_ID_SIZE);

  if (keys->cipher == PM_CRYPT_CIPHER_AES256GCM && crypto_aead_aes256gcm_is_available ())
    {
      /* sizeof is a multiple of 16, so sodium_malloc returns it aligned. */
      cipher->aes = sodium_malloc (sizeof *cipher->aes);
      crypto_aead_aes256gcm_beforenm (cipher->aes, keys->data);
      return TRUE;
    }
  if (keys->cipher == PM_CRYPT_CIPHER_XCHACHA20)
    {
      cipher->key = sodium_malloc (PM_CRYPT_KEY_SIZE);
      memcpy (cipher->key, keys->data, PM_CRYPT_KEY_SIZE);
      return TRUE;
    }
  g_set_error (error, PM_CRYPT_ERROR, PM_CRYPT_ERROR_UNSUPPORTED,
               keys->cipher == PM_CRYPT_CIPHER_AES256GCM
               ? "The store uses AES-256-GCM, which this CPU does not support"
               : "The store uses an unknown cipher");
  return FALSE;
}

void
pm_crypt_cipher_clear (PmCryptCipher *cipher)
{
  g_clear_pointer (&cipher->aes, sodium_free);
  g_clear_pointer (&cipher->key, sodium_free);
}

static void
page_ad (const PmCryptCipher *cipher,
         guint32              pgno,
         guint8               ad[PM_CRYPT_DB_ID_SIZE + 4])
{
  guint32 le = GUINT32_TO_LE (pgno);

  memcpy (ad, cipher->db_id, PM_CRYPT_DB_ID_SIZE);
  memcpy (ad + PM_CRYPT_DB_ID_SIZE, &le, 4);
}

void
pm_crypt_page_seal (const PmCryptCipher *cipher,
                    guint32              pgno,
                    const guint8        *in,
                    guint8              *out)
{
  guint8 ad[PM_CRYPT_DB_ID_SIZE + 4];
  guint8 *nonce = out + PM_CRYPT_NONCE_OFFSET;
  guint8 *tag = out + PM_CRYPT_TAG_OFFSET;

  page_ad (cipher, pgno, ad);
  if (cipher->aes != NULL)
    {
      /* 96-bit nonce; the unused 12 bytes must stay zero (checked on open). */
      randombytes_buf (nonce, crypto_aead_aes256gcm_NPUBBYTES);
      memset (nonce + crypto_aead_aes256gcm_NPUBBYTES, 0, 24 - crypto_aead_aes256gcm_NPUBBYTES);
      crypto_aead_aes256gcm_encrypt_detached_afternm (out, tag, NULL, in, PM_CRYPT_USABLE,
                                                      ad, sizeof ad, NULL, nonce, cipher->aes);
    }
  else
    {
      randombytes_buf (nonce, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
      crypto_aead_xchacha20poly1305_ietf_encrypt_detached (out, tag, NULL, in, PM_CRYPT_USABLE,
                                                           ad, sizeof ad, NULL, nonce, cipher->key);
    }
}

gboolean
pm_crypt_page_open (const PmCryptCipher *cipher,
                    guint32              pgno,
                    const guint8        *in,
                    guint8              *out)
{
  guint8 ad[PM_CRYPT_DB_ID_SIZE + 4];
  const guint8 *nonce = in + PM_CRYPT_NONCE_OFFSET;
  const guint8 *tag = in + PM_CRYPT_TAG_OFFSET;
  int rc;

  page_ad (cipher, pgno, ad);
  if (cipher->aes != NULL)
    rc = sodium_is_zero (nonce + crypto_aead_aes256gcm_NPUBBYTES, 24 - crypto_aead_aes256gcm_NPUBBYTES)
         ? crypto_aead_aes256gcm_decrypt_detached_afternm (out, NULL, in, PM_CRYPT_USABLE, tag,
                                                           ad, sizeof ad, nonce, cipher->aes)
         : -1;
  else
    rc = crypto_aead_xchacha20poly1305_ietf_decrypt_detached (out, NULL, in, PM_CRYPT_USABLE, tag,
                                                              ad, sizeof ad, nonce, cipher->key);
  memset (out + PM_CRYPT_USABLE, 0, PM_CRYPT_RESERVE);
  return rc == 0;
}

guint32
pm_crypt_be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

static PmCryptKeys *
keys_from_environment (const PmCryptHeader  *header,
                       GError              **error)
{
  const char *passphrase = g_getenv ("PEPAMO_PASSPHRASE");
  const char *recovery = g_getenv ("PEPAMO_RECOVERY_KEY");
  const char *key_file = g_getenv ("PEPAMO_KEY_FILE");
  guint8 key[PM_CRYPT_KEY_SIZE];
  PmCryptKeys *keys = NULL;

  if (passphrase != NULL)
    return pm_crypt_header_unlock_any (header, PM_CRYPT_SLOT_PASSPHRASE,
                                       (const guint8 *) passphrase, strlen (passphrase), error);
  if (recovery != NULL)
    {
      if (pm_crypt_recovery_decode (recovery, key))
        keys = pm_crypt_header_unlock_any (header, PM_CRYPT_SLOT_RECOVERY, key, sizeof key, error);
      else
        g_set_error (error, PM_CRYPT_ERROR, PM_CRYPT_ERROR_WRONG_PASSPHRASE, "PEPAMO_RECOVERY_KEY is malformed");
    }
  else if (key_file != NULL)
    {
      if (pm_crypt_read_key_file (key_file, key, error))
        keys = pm_crypt_header_unlock_any (header, PM_CRYPT_SLOT_KEY_FILE, key, sizeof key, error);
    }
  else
    g_set_error (error, PM_CRYPT_ERROR, PM_CRYPT_ERROR_REFUSED,
                 "Set PEPAMO_PASSPHRASE, PEPAMO_RECOVERY_KEY or PEPAMO_KEY_FILE to open an encrypted store");
  sodium_memzero (key, sizeof key);
  return keys;
}

static PmShared *
shared_new (const char         *name,
            const PmCryptKeys  *offered,
            GError            **error)
{
  g_autoptr(PmCryptKeys) env = NULL;
  PmCryptHeader header;
  PmShared *shared;

  if (!pm_crypt_header_load (name, &header, error))
    return NULL;
  if (offered == NULL && env_keys)
    offered = env = keys_from_environment (&header, error);
  else if (offered == NULL)
    g_set_error (error, PM_CRYPT_ERROR, PM_CRYPT_ERROR_REFUSED,
                 "The store %s is locked; open it with pm_crypt_open()", name);
  if (offered == NULL || !pm_crypt_header_check_keys (&header, offered, error))
    return NULL;

  shared = g_new0 (PmShared, 1);
  if (!pm_crypt_cipher_init (&shared->cipher, offered, error))
    {
      g_free (shared);
      return NULL;
    }
  shared->ref = 1;
  shared->name = g_strdup (name);
  g_mutex_init (&shared->counter_lock);
  /* Counts reserved by an earlier run are skipped, never reused. */
  shared->count = shared->reserved = header.counter;
  return shared;
}

static PmShared *
shared_acquire (const char  *name,
                gboolean     create,
                GError     **error)
{
  PmShared *shared;
  PmCryptKeys *offered;

  g_mutex_lock (&registry_lock);
  shared = g_hash_table_lookup (shared_by_name, name);
  offered = g_hash_table_lookup (offered_keys, name);
  if (shared != NULL && offered != NULL
      && (sodium_memcmp (shared->cipher.db_id, offered->db_id, PM_CRYPT_DB_ID_SIZE) != 0
          || shared->cipher.cipher != offered->cipher))
    {
      g_set_error (error, PM_CRYPT_ERROR, PM_CRYPT_ERROR_REFUSED,
                   "The store %s is already open with other keys", name);
      shared = NULL;
    }
  else if (shared != NULL)
    shared->ref++;
  else if (create)
    {
      shared = shared_new (name, offered, error);
      if (shared != NULL)
        g_hash_table_insert (shared_by_name, shared->name, shared);
    }
  else
    g_set_error (error, PM_CRYPT_ERROR, PM_CRYPT_ERROR_REFUSED, "%s belongs to no open store", name);
  g_mutex_unlock (&registry_lock);
  return shared;
}

static void
shared_release (PmShared *shared)
{
  g_mutex_lock (&registry_lock);
  if (--shared->ref == 0)
    {
      g_hash_table_remove (shared_by_name, shared->name);
      pm_crypt_cipher_clear (&shared->cipher);
      g_mutex_clear (&shared->counter_lock);
      g_free (shared->name);
      g_free (shared);
    }
  g_mutex_unlock (&registry_lock);
}

void
pm_crypt_vfs_offer_keys (const char  *full_path,
                         PmCryptKeys *keys)
{
  g_mutex_lock (&registry_lock);
  g_hash_table_insert (offered_keys, g_strdup (full_path), keys);
  g_mutex_unlock (&registry_lock);
}

void
pm_crypt_vfs_withdraw_keys (const char *full_path)
{
  g_mutex_lock (&registry_lock);
  g_hash_table_remove (offered_keys, full_path);
  g_mutex_unlock (&registry_lock);
}

/* Counts one more page encryption with the data key (see README: nonces). */
static gboolean
shared_count_write (PmShared *shared)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = TRUE;

  g_mutex_lock (&shared->counter_lock);
  if (shared->count >= PM_CRYPT_NONCE_LIMIT)
    {
      pm_crypt_vfs_fail (PM_CRYPT_ERROR_NONCE_LIMIT,
                         "The data key has sealed 2^32 pages; writes are refused until the store is rekeyed");
      ok = FALSE;
    }
  else if (shared->count >= shared->reserved)
    {
      guint64 next = MIN (shared->count + PM_CRYPT_COUNTER_CHUNK, PM_CRYPT_NONCE_LIMIT);

      ok = pm_crypt_header_store_counter (shared->name, next, &error);
      if (!ok)
        pm_crypt_vfs_fail (PM_CRYPT_ERROR_IO, "%s", error->message);
      else
        shared->reserved = next;
      if (ok && shared->count >= PM_CRYPT_NONCE_WARN)
        g_warning ("The data key of %s has sealed %" G_GUINT64_FORMAT " pages; rekey the store soon "
                   "(writes stop at 2^32)", shared->name, shared->count);
    }
  if (ok)
    shared->count++;
  g_mutex_unlock (&shared->counter_lock);
  return ok;
}

static int
seal_and_write (PmFile        *file,
                guint32        pgno,
                const void    *page,
                sqlite3_int64  offset)
{
  if (!shared_count_write (file->shared))
    return SQLITE_IOERR_WRITE;
  pm_crypt_page_seal (&file->shared->cipher, pgno, page, file->scratch);
  return file->real->pMethods->xWrite (file->real, file->scratch, PAGE, offset);
}

static const char *
kind_name (PmFileKind kind)
{
  return kind == PM_FILE_MAIN ? "database" : kind == PM_FILE_JOURNAL ? "rollback journal" : "WAL";
}

static int
fail_corrupt (PmFile        *file,
              guint32        pgno,
              sqlite3_int64  offset)
{
  pm_crypt_vfs_fail (PM_CRYPT_ERROR_CORRUPT,
                     "Page %u in the %s (file offset %" G_GINT64_FORMAT ") is damaged or was tampered with",
                     pgno, kind_name (file->kind), (gint64) offset);
  return SQLITE_IOERR_DATA;
}

/* Opens a sealed page just read (rc is the read's result) into out; a
 * short read past the end of the file is zeros, not tampering. */
static int
open_sealed (PmFile        *file,
             int            rc,
             guint32        pgno,
             const guint8  *sealed,
             sqlite3_int64  offset,
             guint8        *out)
{
  if (rc == SQLITE_IOERR_SHORT_READ && sodium_is_zero (sealed, PAGE))
    {
      memset (out, 0, PAGE);
      return rc;
    }
  if (rc == SQLITE_IOERR_SHORT_READ)
    return fail_corrupt (file, pgno, offset);
  if (rc != SQLITE_OK)
    return rc;
  if (!pm_crypt_page_open (&file->shared->cipher, pgno, sealed, out))
    return fail_corrupt (file, pgno, offset);
  return SQLITE_OK;
}

/* Every rollback-mode transaction re-reads the change counter on page 1:
 * an unchanged sealed page 1 is not opened again. */
static int
read_page1 (PmFile *file,
            guint8 *out)
{
  guint8 *sealed = file->scratch;
  int rc = file->real->pMethods->xRead (file->real, sealed, PAGE, PM_CRYPT_HEADER_SIZE);

  if (rc == SQLITE_OK && file->page1_cached && memcmp (sealed, file->page1, PAGE) == 0)
    {
      memcpy (out, file->page1 + PAGE, PAGE);
      return SQLITE_OK;
    }
  rc = open_sealed (file, rc, 1, sealed, PM_CRYPT_HEADER_SIZE, out);
  file->page1_cached = rc == SQLITE_OK;
  if (file->page1_cached)
    {
      memcpy (file->page1, sealed, PAGE);
      memcpy (file->page1 + PAGE, out, PAGE);
    }
  return rc;
}

static int
main_read (PmFile        *file,
           guint8        *out,
           int            amount,
           sqlite3_int64  offset)
{
  int rc = SQLITE_OK;

  /* SQLite reads the 100-byte header and the change counter before whole
   * pages; any sub-page read opens the whole page and copies out. */
  while (amount > 0 && (rc == SQLITE_OK || rc == SQLITE_IOERR_SHORT_READ))
    {
      sqlite3_int64 page_offset = offset - offset % PAGE;
      guint32 pgno = page_offset / PAGE + 1;
      int within = offset - page_offset;
      int n = MIN (amount, PAGE - within);
      sqlite3_int64 real_offset = page_offset + PM_CRYPT_HEADER_SIZE;
      guint8 *plain = n == PAGE ? out : file->scratch + WAL_FRAME;

      if (pgno == 1)
        rc = read_page1 (file, plain);
      else
        rc = open_sealed (file, file->real->pMethods->xRead (file->real, file->scratch, PAGE, real_offset),
                          pgno, file->scratch, real_offset, plain);
      if (n != PAGE)
        memcpy (out, plain + within, n);
      out += n;
      offset += n;
      amount -= n;
    }
  return rc;
}

/* Bytes 16-17 and 20 of the database header: page size and reserve. */
static gboolean
page1_layout_ok (const guint8 *page1)
{
  return page1[16] == (PAGE >> 8) && page1[17] == (PAGE & 0xff) && page1[20] == PM_CRYPT_RESERVE;
}

static int
refuse_layout (void)
{
  pm_crypt_vfs_fail (PM_CRYPT_ERROR_REFUSED,
                     "Refused a database layout without 40 reserved bytes per 4096-byte page "
                     "(a page size change or a plaintext copy)");
  return SQLITE_IOERR_WRITE;
}

/* Pages may only be sealed into a file whose page 1 reserves room for the
 * nonce and tag; page 1 may still be unwritten while a new file fills up. */
static int
check_stored_page1 (PmFile *file)
{
  guint8 *sealed = file->scratch;
  guint8 *page1 = file->scratch + WAL_FRAME;
  int rc = file->real->pMethods->xRead (file->real, sealed, PAGE, PM_CRYPT_HEADER_SIZE);

  if ((rc == SQLITE_IOERR_SHORT_READ || rc == SQLITE_OK) && sodium_is_zero (sealed, PAGE))
    return SQLITE_OK;
  if (rc == SQLITE_OK && !pm_crypt_page_open (&file->shared->cipher, 1, sealed, page1))
    rc = fail_corrupt (file, 1, PM_CRYPT_HEADER_SIZE);
  if (rc != SQLITE_OK)
    return rc;
  if (!page1_layout_ok (page1))
    return refuse_layout ();
  file->page1_checked = TRUE;
  return SQLITE_OK;
}

static int
main_write (PmFile        *file,
            const guint8  *page,
            int            amount,
            sqlite3_int64  offset)
{
  guint32 pgno = offset / PAGE + 1;
  int rc;

  if (amount != PAGE || offset % PAGE != 0)
    {
      pm_crypt_vfs_fail (PM_CRYPT_ERROR_REFUSED,
                         "Refused a write of %d bytes at offset %" G_GINT64_FORMAT
                         ": pages of an encrypted store are 4096 bytes", amount, (gint64) offset);
      return SQLITE_IOERR_WRITE;
    }
  if (pgno == 1)
    {
      if (!page1_layout_ok (page))
        return refuse_layout ();
      file->page1_checked = TRUE;
      file->page1_cached = FALSE;
    }
  else if (!file->page1_checked && (rc = check_stored_page1 (file)) != SQLITE_OK)
    return rc;
  return seal_and_write (file, pgno, page, offset + PM_CRYPT_HEADER_SIZE);
}

/* Journal records and WAL frames carry the page number in front of the
 * page: head is 4 or 24 bytes. */
static int
record_read (PmFile        *file,
             guint8        *out,
             sqlite3_int64  offset,
             int            head)
{
  guint8 *record = file->scratch + WAL_FRAME_HDR - head;
  int rc = file->real->pMethods->xRead (file->real, record, head + PAGE, offset - head);

  if (rc == SQLITE_IOERR_SHORT_READ && sodium_is_zero (record + head, PAGE))
    {
      memset (out, 0, PAGE);
      return rc;
    }
  if (rc != SQLITE_OK && rc != SQLITE_IOERR_SHORT_READ)
    return rc;
  if (rc != SQLITE_OK || !pm_crypt_page_open (&file->shared->cipher, pm_crypt_be32 (record), record + head, out))
    return fail_corrupt (file, pm_crypt_be32 (record), offset);
  return SQLITE_OK;
}

static guint32
record_pgno (PmFile        *file,
             sqlite3_int64  offset)
{
  guint8 be[4] = { 0 };

  if (file->hint_offset == offset)
    return file->hint_pgno;
  file->real->pMethods->xRead (file->real, be, 4, offset);
  return pm_crypt_be32 (be);
}

static gboolean
is_wal_frame (sqlite3_int64 offset)
{
  return offset >= WAL_HEADER && (offset - WAL_HEADER) % WAL_FRAME == 0;
}

/* After a crash the last frames may be torn; SQLite's checksum drops them.
 * A frame that fails while a later commit frame of the same WAL generation
 * exists was part of a committed transaction: that is tampering. */
static gboolean
wal_commit_follows (PmFile        *file,
                    sqlite3_int64  offset)
{
  sqlite3_file *real = file->real;
  guint8 header[WAL_HEADER];
  guint8 frame[WAL_FRAME_HDR];
  sqlite3_int64 size = 0;

  if (real->pMethods->xRead (real, header, sizeof header, 0) != SQLITE_OK
      || real->pMethods->xFileSize (real, &size) != SQLITE_OK)
    return FALSE;
  for (sqlite3_int64 at = offset + WAL_FRAME; at + WAL_FRAME_HDR <= size; at += WAL_FRAME)
    if (real->pMethods->xRead (real, frame, sizeof frame, at) == SQLITE_OK
        && memcmp (frame + 8, header + 16, 8) == 0 && pm_crypt_be32 (frame + 4) != 0)
      return TRUE;
  return FALSE;
}

static int
wal_frame_read (PmFile        *file,
                guint8        *out,
                sqlite3_int64  offset)
{
  guint8 *frame = file->scratch;
  int rc = file->real->pMethods->xRead (file->real, frame, WAL_FRAME, offset);

  memcpy (out, frame, WAL_FRAME_HDR);
  if (rc != SQLITE_OK)
    {
      memset (out + WAL_FRAME_HDR, 0, PAGE);
      return rc;
    }
  if (pm_crypt_page_open (&file->shared->cipher, pm_crypt_be32 (frame), frame + WAL_FRAME_HDR, out + WAL_FRAME_HDR))
    return SQLITE_OK;
  if (wal_commit_follows (file, offset))
    return fail_corrupt (file, pm_crypt_be32 (frame), offset);
  /* A zero page fails SQLite's frame checksum: recovery stops here. */
  memset (out + WAL_FRAME_HDR, 0, PAGE);
  return SQLITE_OK;
}

static int
pm_file_read (sqlite3_file  *base,
              void          *buf,
              int            amount,
              sqlite3_int64  offset)
{
  PmFile *file = (PmFile *) base;

  if (file->kind == PM_FILE_MAIN)
    return main_read (file, buf, amount, offset);
  if (file->kind == PM_FILE_JOURNAL && amount == PAGE && offset % JOURNAL_ALIGN != 0)
    return record_read (file, buf, offset, 4);
  if (file->kind == PM_FILE_WAL && amount == PAGE && is_wal_frame (offset - WAL_FRAME_HDR))
    return record_read (file, buf, offset, WAL_FRAME_HDR);
  if (file->kind == PM_FILE_WAL && amount == WAL_FRAME && is_wal_frame (offset))
    return wal_frame_read (file, buf, offset);
  return file->real->pMethods->xRead (file->real, buf, amount, offset);
}

static gboolean
journal_plain_write_ok (const guint8  *buf,
                        int            amount,
                        sqlite3_int64  offset)
{
  static const guint8 journal_magic[8] = { 0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7 };

  if (amount <= JOURNAL_ALIGN)
    return TRUE;
  /* A sector-sized journal header: the magic (or zeros) and padding. */
  return offset % JOURNAL_ALIGN == 0
         && (memcmp (buf, journal_magic, 8) == 0 || sodium_is_zero (buf, 8))
         && sodium_is_zero (buf + 28, amount - 28);
}

static gboolean
wal_plain_write_ok (const guint8  *buf,
                    int            amount,
                    sqlite3_int64  offset)
{
  if (amount == WAL_HEADER && offset == 0)
    return pm_crypt_be32 (buf + 8) == PAGE;
  return amount == WAL_FRAME_HDR && is_wal_frame (offset);
}

static int
pm_file_write (sqlite3_file  *base,
               const void    *buf,
               int            amount,
               sqlite3_int64  offset)
{
  PmFile *file = (PmFile *) base;
  int head = file->kind == PM_FILE_JOURNAL ? 4 : WAL_FRAME_HDR;
  gboolean page;

  if (file->kind == PM_FILE_MAIN)
    return main_write (file, buf, amount, offset);

  page = amount == PAGE && (file->kind == PM_FILE_JOURNAL
                            ? offset % JOURNAL_ALIGN != 0
                            : is_wal_frame (offset - WAL_FRAME_HDR));
  if (page)
    return seal_and_write (file, record_pgno (file, offset - head), buf, offset);

  if (file->kind == PM_FILE_JOURNAL ? !journal_plain_write_ok (buf, amount, offset)
                                    : !wal_plain_write_ok (buf, amount, offset))
    {
      pm_crypt_vfs_fail (PM_CRYPT_ERROR_REFUSED,
                         "Refused an unexpected write of %d bytes to the %s", amount, kind_name (file->kind));
      return SQLITE_IOERR_WRITE;
    }
  if (amount == head)
    {
      file->hint_offset = offset;
      file->hint_pgno = pm_crypt_be32 (buf);
    }
  return file->real->pMethods->xWrite (file->real, buf, amount, offset);
}

static int
pm_file_close (sqlite3_file *base)
{
  PmFile *file = (PmFile *) base;
  int rc = file->real->pMethods->xClose (file->real);

  shared_release (file->shared);
  sodium_memzero (file->scratch, WAL_FRAME + PAGE);
  g_free (file->scratch);
  if (file->page1 != NULL)
    sodium_memzero (file->page1, 2 * PAGE);
  g_free (file->page1);
  return rc;
}

static int
pm_file_truncate (sqlite3_file  *base,
                  sqlite3_int64  size)
{
  PmFile *file = (PmFile *) base;

  if (file->kind == PM_FILE_MAIN)
    size += PM_CRYPT_HEADER_SIZE;
  return file->real->pMethods->xTruncate (file->real, size);
}

static int
pm_file_sync (sqlite3_file *base,
              int           flags)
{
  PmFile *file = (PmFile *) base;

  return file->real->pMethods->xSync (file->real, flags);
}

static int
pm_file_size (sqlite3_file  *base,
              sqlite3_int64 *size)
{
  PmFile *file = (PmFile *) base;
  int rc = file->real->pMethods->xFileSize (file->real, size);

  if (rc == SQLITE_OK && file->kind == PM_FILE_MAIN)
    *size = MAX (*size - PM_CRYPT_HEADER_SIZE, 0);
  return rc;
}

static int
pm_file_lock (sqlite3_file *base,
              int           level)
{
  PmFile *file = (PmFile *) base;

  return file->real->pMethods->xLock (file->real, level);
}

static int
pm_file_unlock (sqlite3_file *base,
                int           level)
{
  PmFile *file = (PmFile *) base;

  return file->real->pMethods->xUnlock (file->real, level);
}

static int
pm_file_check_reserved_lock (sqlite3_file *base,
                             int          *out)
{
  PmFile *file = (PmFile *) base;

  return file->real->pMethods->xCheckReservedLock (file->real, out);
}

static int
refuse_pragma (char       **args,
               const char  *message)
{
  args[0] = sqlite3_mprintf ("%s", message);
  pm_crypt_vfs_fail (PM_CRYPT_ERROR_REFUSED, "%s", message);
  return SQLITE_ERROR;
}

/* Pragmas that would defeat the encryption or its page layout. */
static int
check_pragma (char **args)
{
  const char *name = args[1];
  const char *value = args[2];

  if (value == NULL)
    return SQLITE_NOTFOUND;
  if (sqlite3_stricmp (name, "page_size") == 0 && g_ascii_strtoll (value, NULL, 10) != PAGE)
    return refuse_pragma (args, "The page size of an encrypted store is fixed at 4096");
  if (sqlite3_stricmp (name, "mmap_size") == 0 && g_ascii_strtoll (value, NULL, 10) != 0)
    return refuse_pragma (args, "Memory-mapped I/O is off for an encrypted store");
  if (sqlite3_stricmp (name, "temp_store") == 0 && sqlite3_stricmp (value, "memory") != 0
      && sqlite3_stricmp (value, "2") != 0)
    return refuse_pragma (args, "Temporary files of an encrypted store stay in memory");
  return SQLITE_NOTFOUND;
}

static int
pm_file_control (sqlite3_file *base,
                 int           op,
                 void         *arg)
{
  PmFile *file = (PmFile *) base;

  if (op == SQLITE_FCNTL_PRAGMA && file->kind == PM_FILE_MAIN)
    {
      int rc = check_pragma (arg);

      if (rc != SQLITE_NOTFOUND)
        return rc;
    }
  /* Growing a file ahead of use would leave zero pages that read as
   * tampering, and the offsets would need shifting: ignore the hints. */
  if (op == SQLITE_FCNTL_SIZE_HINT || op == SQLITE_FCNTL_CHUNK_SIZE)
    return SQLITE_OK;
  return file->real->pMethods->xFileControl (file->real, op, arg);
}

static int
pm_file_sector_size (sqlite3_file *base)
{
  PmFile *file = (PmFile *) base;

  return file->real->pMethods->xSectorSize (file->real);
}

static int
pm_file_device_characteristics (sqlite3_file *base)
{
  /* Powersafe overwrite keeps SQLite from padding or splitting WAL frames,
   * so every page arrives in one write. */
  return SQLITE_IOCAP_POWERSAFE_OVERWRITE;
}

static int
pm_file_shm_map (sqlite3_file  *base,
                 int            region,
                 int            size,
                 int            extend,
                 void volatile **out)
{
  PmFile *file = (PmFile *) base;

  return file->real->pMethods->xShmMap (file->real, region, size, extend, out);
}

static int
pm_file_shm_lock (sqlite3_file *base,
                  int           offset,
                  int           n,
                  int           flags)
{
  PmFile *file = (PmFile *) base;

  return file->real->pMethods->xShmLock (file->real, offset, n, flags);
}

static void
pm_file_shm_barrier (sqlite3_file *base)
{
  PmFile *file = (PmFile *) base;

  file->real->pMethods->xShmBarrier (file->real);
}

static int
pm_file_shm_unmap (sqlite3_file *base,
                   int           delete_flag)
{
  PmFile *file = (PmFile *) base;

  return file->real->pMethods->xShmUnmap (file->real, delete_flag);
}

/* Version 2: no xFetch, so SQLite never memory-maps a store. */
static const sqlite3_io_methods pm_io_methods = {
  .iVersion = 2,
  .xClose = pm_file_close,
  .xRead = pm_file_read,
  .xWrite = pm_file_write,
  .xTruncate = pm_file_truncate,
  .xSync = pm_file_sync,
  .xFileSize = pm_file_size,
  .xLock = pm_file_lock,
  .xUnlock = pm_file_unlock,
  .xCheckReservedLock = pm_file_check_reserved_lock,
  .xFileControl = pm_file_control,
  .xSectorSize = pm_file_sector_size,
  .xDeviceCharacteristics = pm_file_device_characteristics,
  .xShmMap = pm_file_shm_map,
  .xShmLock = pm_file_shm_lock,
  .xShmBarrier = pm_file_shm_barrier,
  .xShmUnmap = pm_file_shm_unmap,
};

static int
pm_vfs_open (sqlite3_vfs      *vfs,
             sqlite3_filename  name,
             sqlite3_file     *base,
             int               flags,
             int              *out_flags)
{
  PmFile *file = (PmFile *) base;
  g_autoptr(GError) error = NULL;
  int rc;

  memset (file, 0, sizeof *file);
  file->real = (sqlite3_file *) (file + 1);
  file->hint_offset = -1;

  if (name == NULL || !(flags & (SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_MAIN_JOURNAL | SQLITE_OPEN_WAL)))
    {
      pm_crypt_vfs_fail (PM_CRYPT_ERROR_REFUSED,
                         "Refused a temporary file on disk; use PRAGMA temp_store=MEMORY");
      return SQLITE_CANTOPEN;
    }

  if (flags & SQLITE_OPEN_MAIN_DB)
    file->kind = PM_FILE_MAIN;
  else
    file->kind = (flags & SQLITE_OPEN_WAL) ? PM_FILE_WAL : PM_FILE_JOURNAL;

  /* The keys must be known here: a hot journal is played back before any
   * statement could pass them. */
  if (file->kind == PM_FILE_MAIN)
    file->shared = shared_acquire (name, TRUE, &error);
  else
    file->shared = shared_acquire (sqlite3_filename_database (name), FALSE, &error);
  if (file->shared == NULL)
    {
      pm_crypt_vfs_fail (error->code, "%s", error->message);
      return SQLITE_CANTOPEN;
    }

  rc = base_vfs->xOpen (base_vfs, name, file->real, flags, out_flags);
  if (rc != SQLITE_OK)
    {
      shared_release (file->shared);
      return rc;
    }
  file->scratch = g_malloc (WAL_FRAME + PAGE);
  if (file->kind == PM_FILE_MAIN)
    file->page1 = g_malloc (2 * PAGE);
  file->base.pMethods = &pm_io_methods;
  return SQLITE_OK;
}

static int
pm_vfs_delete (sqlite3_vfs *vfs,
               const char  *name,
               int          sync_dir)
{
  return base_vfs->xDelete (base_vfs, name, sync_dir);
}

static int
pm_vfs_access (sqlite3_vfs *vfs,
               const char  *name,
               int          flags,
               int         *out)
{
  return base_vfs->xAccess (base_vfs, name, flags, out);
}

static int
pm_vfs_full_pathname (sqlite3_vfs *vfs,
                      const char  *name,
                      int          n,
                      char        *out)
{
  return base_vfs->xFullPathname (base_vfs, name, n, out);
}

static void *
pm_vfs_dl_open (sqlite3_vfs *vfs,
                const char  *path)
{
  return base_vfs->xDlOpen (base_vfs, path);
}

static void
pm_vfs_dl_error (sqlite3_vfs *vfs,
                 int          n,
                 char        *out)
{
  base_vfs->xDlError (base_vfs, n, out);
}

static void
(*pm_vfs_dl_sym (sqlite3_vfs *vfs,
                 void        *handle,
                 const char  *symbol)) (void)
{
  return base_vfs->xDlSym (base_vfs, handle, symbol);
}

static void
pm_vfs_dl_close (sqlite3_vfs *vfs,
                 void        *handle)
{
  base_vfs->xDlClose (base_vfs, handle);
}

static int
pm_vfs_randomness (sqlite3_vfs *vfs,
                   int          n,
                   char        *out)
{
  randombytes_buf (out, n);
  return n;
}

static int
pm_vfs_sleep (sqlite3_vfs *vfs,
              int          microseconds)
{
  return base_vfs->xSleep (base_vfs, microseconds);
}

static int
pm_vfs_current_time (sqlite3_vfs *vfs,
                     double      *out)
{
  return base_vfs->xCurrentTime (base_vfs, out);
}

static int
pm_vfs_get_last_error (sqlite3_vfs *vfs,
                       int          n,
                       char        *out)
{
  return base_vfs->xGetLastError (base_vfs, n, out);
}

static int
pm_vfs_current_time_int64 (sqlite3_vfs   *vfs,
                           sqlite3_int64 *out)
{
  return base_vfs->xCurrentTimeInt64 (base_vfs, out);
}

static sqlite3_vfs pm_vfs = {
  .iVersion = 2,
  .zName = PM_CRYPT_VFS_NAME,
  .xOpen = pm_vfs_open,
  .xDelete = pm_vfs_delete,
  .xAccess = pm_vfs_access,
  .xFullPathname = pm_vfs_full_pathname,
  .xDlOpen = pm_vfs_dl_open,
  .xDlError = pm_vfs_dl_error,
  .xDlSym = pm_vfs_dl_sym,
  .xDlClose = pm_vfs_dl_close,
  .xRandomness = pm_vfs_randomness,
  .xSleep = pm_vfs_sleep,
  .xCurrentTime = pm_vfs_current_time,
  .xGetLastError = pm_vfs_get_last_error,
  .xCurrentTimeInt64 = pm_vfs_current_time_int64,
};

/* Registers the VFS once per process; keys_from_environment is for the
 * sqlite3 shell extension only. */
int
pm_crypt_vfs_register (gboolean keys_from_environment)
{
  if (sqlite3_vfs_find (PM_CRYPT_VFS_NAME) != NULL)
    return SQLITE_OK;

  base_vfs = sqlite3_vfs_find ("unix");
  if (base_vfs == NULL)
    return SQLITE_ERROR;
  env_keys = keys_from_environment;
  shared_by_name = g_hash_table_new (g_str_hash, g_str_equal);
  offered_keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  pm_vfs.szOsFile = sizeof (PmFile) + base_vfs->szOsFile;
  pm_vfs.mxPathname = base_vfs->mxPathname;
  return sqlite3_vfs_register (&pm_vfs, 0);
}
