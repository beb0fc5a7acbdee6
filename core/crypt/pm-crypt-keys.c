/* pm-crypt-keys.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The store header: cipher, database id, the wrapped data key, the page
 * write counter and the key slots (A/B copies), plus the key derivations
 * that turn a passphrase, recovery key or key file into the master key.
 */

#define G_LOG_DOMAIN "pm-crypt"

#include "pm-crypt-private.h"

#include <string.h>

#define PM_CRYPT_MAGIC        "PePaMo store\0\0\0\0"
#define PM_CRYPT_FORMAT       1
#define PM_CRYPT_SLOTS_MAGIC  "PMSL"
#define PM_CRYPT_COUNTER_MAGIC "PMCT"
#define PM_CRYPT_SLOT_FIXED   100
#define PM_CRYPT_SLOT_AD_HEAD 28
#define PM_CRYPT_TABLE_HEAD   16
#define PM_CRYPT_TABLE_MAC_AT (PM_CRYPT_SLOTS_SIZE - PM_CRYPT_SLOTS_MAC_SIZE - PM_CRYPT_SLOTS_SUM_SIZE)
#define PM_CRYPT_TABLE_SUM_AT (PM_CRYPT_SLOTS_SIZE - PM_CRYPT_SLOTS_SUM_SIZE)

/* Every read-modify-write of a header region in this process. */
static GMutex header_lock;

G_DEFINE_QUARK (pm-crypt-error-quark, pm_crypt_error)

PmCryptKeys *
pm_crypt_keys_new (void)
{
  PmCryptKeys *keys = sodium_malloc (sizeof *keys);

  if (keys == NULL)
    g_error ("Out of locked memory for key material");
  sodium_memzero (keys, sizeof *keys);
  return keys;
}

void
pm_crypt_keys_free (PmCryptKeys *keys)
{
  if (keys != NULL)
    sodium_free (keys);
}

void
pm_crypt_kdf_cost_default (PmCryptKdfCost *cost)
{
  cost->opslimit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
  cost->memlimit = crypto_pwhash_MEMLIMIT_INTERACTIVE;
}

void
pm_crypt_secret_free (PmCryptSecret *secret)
{
  if (secret != NULL)
    sodium_free (secret);
}

void
pm_crypt_full_path (const char *path,
                    char       *out,
                    int         out_len)
{
  sqlite3_vfs *unix_vfs = sqlite3_vfs_find ("unix");

  if (unix_vfs->xFullPathname (unix_vfs, path, out_len, out) != SQLITE_OK)
    g_strlcpy (out, path, out_len);
}

/* Header I/O goes through the unix VFS: closing a plain fd would drop the
 * POSIX locks SQLite holds on the same file in this process, the unix VFS
 * defers such closes. */
struct _PmCryptRaw
{
  sqlite3_file *file;
  char         *name;
};

PmCryptRaw *
pm_crypt_raw_open (const char  *path,
                   int          flags,
                   GError     **error)
{
  sqlite3_vfs *unix_vfs = sqlite3_vfs_find ("unix");
  PmCryptRaw *raw = g_new0 (PmCryptRaw, 1);
  int out_flags = 0;
  int rc;

  /* The unix VFS keeps pointing at the name; SQLite's filename helpers
   * expect it double NUL terminated. */
  raw->name = g_malloc0 (unix_vfs->mxPathname + 4);
  pm_crypt_full_path (path, raw->name, unix_vfs->mxPathname + 1);
  raw->file = g_malloc0 (unix_vfs->szOsFile);

  rc = unix_vfs->xOpen (unix_vfs, raw->name, raw->file, flags | SQLITE_OPEN_MAIN_DB, &out_flags);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, PM_CRYPT_ERROR, PM_CRYPT_ERROR_IO,
                   "Cannot open %s (SQLite error %d)", path, rc);
      raw->file->pMethods = NULL;
      pm_crypt_raw_close (raw);
      return NULL;
    }
  return raw;
}

void
pm_crypt_raw_close (PmCryptRaw *raw)
{
  if (raw == NULL)
    return;
  if (raw->file->pMethods != NULL)
    raw->file->pMethods->xClose (raw->file);
  g_free (raw->file);
  g_free (raw->name);
  g_free (raw);
}

sqlite3_file *
pm_crypt_raw_file (PmCryptRaw *raw)
{
  return raw->file;
}

static gboolean
raw_io (PmCryptRaw    *file,
        gboolean       write,
        void          *buf,
        int            len,
        sqlite3_int64  offset,
        GError       **error)
{
  sqlite3_file *f = file->file;
  int rc;

  if (write)
    rc = f->pMethods->xWrite (f, buf, len, offset);
  else
    rc = f->pMethods->xRead (f, buf, len, offset);

  if (rc == SQLITE_IOERR_SHORT_READ)
    {
      g_set_error (error, PM_CRYPT_ERROR, PM_CRYPT_ERROR_NOT_A_STORE,
                   "The file is too short to be an encrypted store");
      return FALSE;
    }
  if (rc != SQLITE_OK)
    {
      g_set_error (error, PM_CRYPT_ERROR, PM_CRYPT_ERROR_IO,
                   "Cannot %s the store header (SQLite error %d)",
                   write ? "write" : "read", rc);
      return FALSE;
    }
  return TRUE;
}

static gboolean
raw_sync (PmCryptRaw    *file,
          GError       **error)
{
  sqlite3_file *f = file->file;

  if (f->pMethods->xSync (f, SQLITE_SYNC_FULL) != SQLITE_OK)
    {
      g_set_error (error, PM_CRYPT_ERROR, PM_CRYPT_ERROR_IO, "Cannot sync the store header");
      return FALSE;
    }
  return TRUE;
}

/* Little-endian integers of n bytes in the header. */
static void
put_le (guint8  *p,
        guint64  v,
        int      n)
{
  for (int i = 0; i < n; i++)
    p[i] = v >> (8 * i);
}

static guint64
get_le (const guint8 *p,
        int           n)
{
  guint64 v = 0;

  for (int i = n - 1; i >= 0; i--)
    v = (v << 8) | p[i];
  return v;
}

/* Unkeyed checksum: only tells a torn write from a complete one. */
static void
checksum (const guint8 *data,
          gsize         len,
          guint8        out[16])
{
  crypto_generichash (out, 16, data, len, NULL, 0);
}

static gboolean
checksum_ok (const guint8 *data,
             gsize         len,
             const guint8 *expected)
{
  guint8 sum[16];

  checksum (data, len, sum);
  return sodium_memcmp (sum, expected, 16) == 0;
}

static void
table_mac (const guint8 *table,
           const guint8 *master,
           guint8        out[PM_CRYPT_SLOTS_MAC_SIZE])
{
  static const char label[] = "pepamo slot table mac";
  guint8 mac_key[32];

  crypto_generichash (mac_key, sizeof mac_key, (const guint8 *) label, sizeof label, master, PM_CRYPT_KEY_SIZE);
  crypto_generichash (out, PM_CRYPT_SLOTS_MAC_SIZE, table, PM_CRYPT_TABLE_MAC_AT, mac_key, sizeof mac_key);
  sodium_memzero (mac_key, sizeof mac_key);
}

/* Serialises the slot metadata that is authenticated with the wrapped key. */
static gsize
slot_encode_head (const PmCryptSlot *slot,
                  guint8            *out)
{
  gsize id_len = strlen (slot->staff_id);
  gsize name_len = strlen (slot->display_name);
  gsize dept_len = strlen (slot->department);
  guint8 *p = out;

  p[0] = slot->kind;
  p[1] = id_len;
  p[2] = name_len;
  p[3] = dept_len;
  put_le (p + 4, slot->opslimit, 4);
  put_le (p + 8, slot->memlimit_kib, 4);
  memcpy (p + 12, slot->salt, 16);
  p += PM_CRYPT_SLOT_AD_HEAD;
  memcpy (p, slot->staff_id, id_len);
  p += id_len;
  memcpy (p, slot->display_name, name_len);
  p += name_len;
  memcpy (p, slot->department, dept_len);
  p += dept_len;
  return p - out;
}

static void
table_encode (const PmCryptHeader *header,
              const PmCryptKeys   *keys,
              guint8              *table)
{
  gsize at = PM_CRYPT_TABLE_HEAD;

  memset (table, 0, PM_CRYPT_SLOTS_SIZE);
  memcpy (table, PM_CRYPT_SLOTS_MAGIC, 4);
  table[4] = header->n_slots;
  put_le (table + 8, header->generation, 8);

  for (guint i = 0; i < header->n_slots; i++)
    {
      const PmCryptSlot *slot = &header->slots[i];
      guint8 head[PM_CRYPT_SLOT_AD_HEAD + PM_CRYPT_MAX_ID + 2 * PM_CRYPT_MAX_NAME];
      gsize head_len = slot_encode_head (slot, head);

      /* pm_crypt_header_add_slot() keeps the table within its room. */
      g_assert (at + PM_CRYPT_SLOT_FIXED + head_len - PM_CRYPT_SLOT_AD_HEAD <= PM_CRYPT_TABLE_MAC_AT);
      memcpy (table + at, head, PM_CRYPT_SLOT_AD_HEAD);
      memcpy (table + at + PM_CRYPT_SLOT_AD_HEAD, slot->nonce, 24);
      memcpy (table + at + PM_CRYPT_SLOT_AD_HEAD + 24, slot->wrapped, sizeof slot->wrapped);
      memcpy (table + at + PM_CRYPT_SLOT_FIXED, head + PM_CRYPT_SLOT_AD_HEAD, head_len - PM_CRYPT_SLOT_AD_HEAD);
      at += PM_CRYPT_SLOT_FIXED + head_len - PM_CRYPT_SLOT_AD_HEAD;
    }

  table_mac (table, keys->master, table + PM_CRYPT_TABLE_MAC_AT);
  checksum (table, PM_CRYPT_TABLE_SUM_AT, table + PM_CRYPT_TABLE_SUM_AT);
}

static gsize
table_used (const PmCryptHeader *header)
{
  gsize used = PM_CRYPT_TABLE_HEAD;

  for (guint i = 0; i < header->n_slots; i++)
    used += PM_CRYPT_SLOT_FIXED + strlen (header->slots[i].staff_id)
            + strlen (header->slots[i].display_name) + strlen (header->slots[i].department);
  return used;
}

static void
copy_field (char         *dest,
            const guint8 *src,
            gsize         len)
{
  memcpy (dest, src, len);
  dest[len] = '\0';
}

static gboolean
table_decode (const guint8  *table,
              PmCryptHeader *header)
{
  const guint8 *p = table + PM_CRYPT_TABLE_HEAD;
  const guint8 *end = table + PM_CRYPT_TABLE_MAC_AT;

  if (memcmp (table, PM_CRYPT_SLOTS_MAGIC, 4) != 0
      || !checksum_ok (table, PM_CRYPT_TABLE_SUM_AT, table + PM_CRYPT_TABLE_SUM_AT)
      || table[4] > PM_CRYPT_MAX_SLOTS)
    return FALSE;

  header->n_slots = table[4];
  header->generation = get_le (table + 8, 8);

  for (guint i = 0; i < header->n_slots; i++)
    {
      PmCryptSlot *slot = &header->slots[i];

      if (p + PM_CRYPT_SLOT_FIXED > end
          || p[1] > PM_CRYPT_MAX_ID || p[2] > PM_CRYPT_MAX_NAME || p[3] > PM_CRYPT_MAX_NAME
          || p + PM_CRYPT_SLOT_FIXED + p[1] + p[2] + p[3] > end)
        return FALSE;

      slot->kind = p[0];
      slot->opslimit = get_le (p + 4, 4);
      slot->memlimit_kib = get_le (p + 8, 4);
      memcpy (slot->salt, p + 12, 16);
      memcpy (slot->nonce, p + PM_CRYPT_SLOT_AD_HEAD, 24);
      memcpy (slot->wrapped, p + PM_CRYPT_SLOT_AD_HEAD + 24, sizeof slot->wrapped);
      copy_field (slot->staff_id, p + PM_CRYPT_SLOT_FIXED, p[1]);
      copy_field (slot->display_name, p + PM_CRYPT_SLOT_FIXED + p[1], p[2]);
      copy_field (slot->department, p + PM_CRYPT_SLOT_FIXED + p[1] + p[2], p[3]);
      p += PM_CRYPT_SLOT_FIXED + p[1] + p[2] + p[3];
    }
  return TRUE;
}

static gboolean
counter_decode (const guint8 *record,
                guint64      *value)
{
  if (memcmp (record, PM_CRYPT_COUNTER_MAGIC, 4) != 0 || !checksum_ok (record, 16, record + 16))
    return FALSE;
  *value = get_le (record + 8, 8);
  return TRUE;
}

static gboolean
header_parse (PmCryptHeader  *header,
              GError        **error)
{
  const guint8 *raw = header->raw;
  guint64 best_generation = 0;

  if (memcmp (raw, PM_CRYPT_MAGIC, 16) != 0 || get_le (raw + 16, 4) != PM_CRYPT_FORMAT)
    {
      g_set_error (error, PM_CRYPT_ERROR, PM_CRYPT_ERROR_NOT_A_STORE,
                   "The file is not an encrypted PePaMo store");
      return FALSE;
    }
  if (get_le (raw + 24, 4) != PM_CRYPT_PAGE_SIZE || get_le (raw + 28, 4) != PM_CRYPT_RESERVE)
    {
      g_set_error (error, PM_CRYPT_ERROR, PM_CRYPT_ERROR_CORRUPT,
                   "The store header has a page size or reserve this version does not support");
      return FALSE;
    }
  header->cipher = get_le (raw + 20, 4);
  memcpy (header->db_id, raw + 32, PM_CRYPT_DB_ID_SIZE);
  header->counter = 0;
  for (int copy = 0; copy < 2; copy++)
    {
      guint64 value;

      if (counter_decode (raw + PM_CRYPT_COUNTER_OFFSET + copy * PM_CRYPT_COUNTER_SIZE, &value))
        header->counter = MAX (header->counter, value);
    }

  /* The newest copy that was written completely wins. */
  header->active = -1;
  for (int copy = 0; copy < 2; copy++)
    {
      const guint8 *table = raw + PM_CRYPT_SLOTS_OFFSET + copy * PM_CRYPT_SLOTS_SIZE;
      PmCryptHeader candidate;

      if (table_decode (table, &candidate)
          && (header->active < 0 || candidate.generation > best_generation))
        {
          best_generation = candidate.generation;
          header->active = copy;
        }
    }
  if (header->active < 0)
    {
      g_set_error (error, PM_CRYPT_ERROR, PM_CRYPT_ERROR_CORRUPT,
                   "Both copies of the key slot table are damaged");
      return FALSE;
    }
  table_decode (raw + PM_CRYPT_SLOTS_OFFSET + header->active * PM_CRYPT_SLOTS_SIZE, header);
  return TRUE;
}

static gboolean
header_read (PmCryptRaw     *file,
             PmCryptHeader  *header,
             GError        **error)
{
  return raw_io (file, FALSE, header->raw, PM_CRYPT_HEADER_SIZE, 0, error)
         && header_parse (header, error);
}

gboolean
pm_crypt_header_load (const char     *path,
                      PmCryptHeader  *header,
                      GError        **error)
{
  PmCryptRaw *file;
  gboolean ok;

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, PM_CRYPT_ERROR, PM_CRYPT_ERROR_NOT_A_STORE,
                   "No encrypted store at %s", path);
      return FALSE;
    }
  file = pm_crypt_raw_open (path, SQLITE_OPEN_READONLY, error);
  if (file == NULL)
    return FALSE;
  ok = header_read (file, header, error);
  pm_crypt_raw_close (file);
  return ok;
}

/* Wraps keys->data with keys->master, bound to the fixed header fields,
 * and starts the page write counter of that data key at zero. */
void
pm_crypt_header_set_data_key (PmCryptHeader     *header,
                              const PmCryptKeys *keys)
{
  guint8 *raw = header->raw;

  randombytes_buf (raw + 48, 24);
  crypto_aead_xchacha20poly1305_ietf_encrypt (raw + 72, NULL, keys->data, PM_CRYPT_KEY_SIZE,
                                              raw, PM_CRYPT_FIXED_AD_SIZE, NULL, raw + 48, keys->master);
  memset (raw + PM_CRYPT_COUNTER_OFFSET, 0, 2 * PM_CRYPT_COUNTER_SIZE);
  header->counter = 0;
}

void
pm_crypt_header_init (PmCryptHeader *header,
                      PmCryptKeys   *keys,
                      guint32        cipher)
{
  guint8 *raw = header->raw;

  memset (header, 0, sizeof *header);
  randombytes_buf (keys->master, PM_CRYPT_KEY_SIZE);
  crypto_aead_xchacha20poly1305_ietf_keygen (keys->data);
  randombytes_buf (keys->db_id, PM_CRYPT_DB_ID_SIZE);
  keys->cipher = cipher;

  memcpy (raw, PM_CRYPT_MAGIC, 16);
  put_le (raw + 16, PM_CRYPT_FORMAT, 4);
  put_le (raw + 20, cipher, 4);
  put_le (raw + 24, PM_CRYPT_PAGE_SIZE, 4);
  put_le (raw + 28, PM_CRYPT_RESERVE, 4);
  memcpy (raw + 32, keys->db_id, PM_CRYPT_DB_ID_SIZE);
  pm_crypt_header_set_data_key (header, keys);

  header->cipher = cipher;
  memcpy (header->db_id, keys->db_id, PM_CRYPT_DB_ID_SIZE);
}

static gboolean
unwrap_data_key (const PmCryptHeader  *header,
                 PmCryptKeys          *keys,
                 GError              **error)
{
  const guint8 *raw = header->raw;
  guint8 table_check[PM_CRYPT_SLOTS_MAC_SIZE];
  const guint8 *table = raw + PM_CRYPT_SLOTS_OFFSET + header->active * PM_CRYPT_SLOTS_SIZE;

  table_mac (table, keys->master, table_check);
  if (sodium_memcmp (table_check, table + PM_CRYPT_TABLE_MAC_AT, PM_CRYPT_SLOTS_MAC_SIZE) != 0)
    {
      g_set_error (error, PM_CRYPT_ERROR, PM_CRYPT_ERROR_CORRUPT,
                   "The key slot table was tampered with (bad MAC)");
      return FALSE;
    }
  if (crypto_aead_xchacha20poly1305_ietf_decrypt (keys->data, NULL, NULL, raw + 72, PM_CRYPT_KEY_SIZE + 16,
                                                  raw, PM_CRYPT_FIXED_AD_SIZE, raw + 48, keys->master) != 0)
    {
      g_set_error (error, PM_CRYPT_ERROR, PM_CRYPT_ERROR_CORRUPT,
                   "The store header was tampered with (data key does not authenticate)");
      return FALSE;
    }
  memcpy (keys->db_id, header->db_id, PM_CRYPT_DB_ID_SIZE);
  keys->cipher = header->cipher;
  return TRUE;
}

gboolean
pm_crypt_header_check_keys (const PmCryptHeader  *header,
                            const PmCryptKeys    *keys,
                            GError              **error)
{
  g_autoptr(PmCryptKeys) check = pm_crypt_keys_new ();

  /* Unwrapping again proves the header (and slot table) belong to these keys. */
  memcpy (check->master, keys->master, PM_CRYPT_KEY_SIZE);
  if (sodium_memcmp (header->db_id, keys->db_id, PM_CRYPT_DB_ID_SIZE) == 0
      && !unwrap_data_key (header, check, error))
    return FALSE;
  if (sodium_memcmp (check->data, keys->data, PM_CRYPT_KEY_SIZE) != 0
      || sodium_memcmp (header->db_id, keys->db_id, PM_CRYPT_DB_ID_SIZE) != 0)
    {
      g_set_error (error, PM_CRYPT_ERROR, PM_CRYPT_ERROR_REFUSED,
                   "The keys belong to a different store");
      return FALSE;
    }
  return TRUE;
}

/* Turns the slot's secret into the key that wraps the master key. */
static gboolean
derive_kek (const PmCryptSlot  *slot,
            const guint8       *secret,
            gsize               secret_len,
            guint8              kek[32],
            GError            **error)
{
  if (slot->kind != PM_CRYPT_SLOT_PASSPHRASE)
    {
      if (secret_len != PM_CRYPT_KEY_SIZE)
        {
          g_set_error (error, PM_CRYPT_ERROR, PM_CRYPT_ERROR_WRONG_PASSPHRASE, "The key has the wrong length");
          return FALSE;
        }
      crypto_generichash (kek, 32, slot->salt, sizeof slot->salt, secret, secret_len);
      return TRUE;
    }

  if (crypto_pwhash (kek, 32, (const char *) secret, secret_len, slot->salt,
                     slot->opslimit, (gsize) slot->memlimit_kib * 1024,
                     crypto_pwhash_ALG_ARGON2ID13) != 0)
    {
      g_set_error (error, PM_CRYPT_ERROR, PM_CRYPT_ERROR_IO,
                   "Not enough memory for the key derivation");
      return FALSE;
    }
  return TRUE;
}

PmCryptKeys *
pm_crypt_header_unlock_slot (const PmCryptHeader  *header,
                             guint                 index,
                             const guint8         *secret,
                             gsize                 secret_len,
                             GError              **error)
{
  const PmCryptSlot *slot = &header->slots[index];
  g_autoptr(PmCryptKeys) keys = pm_crypt_keys_new ();
  guint8 ad[PM_CRYPT_SLOT_AD_HEAD + PM_CRYPT_MAX_ID + 2 * PM_CRYPT_MAX_NAME];
  gsize ad_len = slot_encode_head (slot, ad);
  guint8 kek[32];
  int rc;

  if (!derive_kek (slot, secret, secret_len, kek, error))
    return NULL;
  rc = crypto_aead_xchacha20poly1305_ietf_decrypt (keys->master, NULL, NULL, slot->wrapped, sizeof slot->wrapped,
                                                   ad, ad_len, slot->nonce, kek);
  sodium_memzero (kek, sizeof kek);
  if (rc != 0)
    {
      g_set_error (error, PM_CRYPT_ERROR, PM_CRYPT_ERROR_WRONG_PASSPHRASE,
                   slot->kind == PM_CRYPT_SLOT_PASSPHRASE ? "Wrong passphrase" : "Wrong key");
      return NULL;
    }
  if (!unwrap_data_key (header, keys, error))
    return NULL;
  return g_steal_pointer (&keys);
}

PmCryptKeys *
pm_crypt_header_unlock_any (const PmCryptHeader  *header,
                            PmCryptSlotKind       kind,
                            const guint8         *secret,
                            gsize                 secret_len,
                            GError              **error)
{
  g_autoptr(GError) last_error = NULL;

  for (guint i = 0; i < header->n_slots; i++)
    {
      PmCryptKeys *keys;

      if (header->slots[i].kind != kind)
        continue;
      g_clear_error (&last_error);
      keys = pm_crypt_header_unlock_slot (header, i, secret, secret_len, &last_error);
      if (keys != NULL)
        return keys;
      if (!g_error_matches (last_error, PM_CRYPT_ERROR, PM_CRYPT_ERROR_WRONG_PASSPHRASE))
        break;
    }
  if (last_error == NULL)
    g_set_error (error, PM_CRYPT_ERROR, PM_CRYPT_ERROR_NO_SUCH_SLOT, "The store has no slot of that kind");
  else
    g_propagate_error (error, g_steal_pointer (&last_error));
  return NULL;
}

int
pm_crypt_header_find_slot (const PmCryptHeader *header,
                           PmCryptSlotKind      kind,
                           const char          *staff_id)
{
  for (guint i = 0; i < header->n_slots; i++)
    if (header->slots[i].kind == kind && (staff_id == NULL || g_strcmp0 (header->slots[i].staff_id, staff_id) == 0))
      return i;
  return -1;
}

static gboolean
check_field (const char  *what,
             const char  *value,
             gsize        max,
             GError     **error)
{
  if (strlen (value) > max || !g_utf8_validate (value, -1, NULL))
    {
      g_set_error (error, PM_CRYPT_ERROR, PM_CRYPT_ERROR_REFUSED,
                   "The %s must be valid UTF-8 of at most %" G_GSIZE_FORMAT " bytes", what, max);
      return FALSE;
    }
  return TRUE;
}

gboolean
pm_crypt_header_add_slot (PmCryptHeader          *header,
                          const PmCryptKeys      *keys,
                          const PmCryptSlotSpec  *spec,
                          GError                **error)
{
  PmCryptSlot slot = { .kind = spec->kind };
  PmCryptKdfCost default_cost;
  const PmCryptKdfCost *cost = spec->cost;
  const char *display_name = spec->display_name != NULL ? spec->display_name : "";
  const char *department = spec->department != NULL ? spec->department : "";
  guint8 ad[PM_CRYPT_SLOT_AD_HEAD + PM_CRYPT_MAX_ID + 2 * PM_CRYPT_MAX_NAME];
  gsize ad_len;
  guint8 kek[32];

  if (!check_field ("staff id", spec->staff_id, PM_CRYPT_MAX_ID, error)
      || !check_field ("display name", display_name, PM_CRYPT_MAX_NAME, error)
      || !check_field ("department", department, PM_CRYPT_MAX_NAME, error))
    return FALSE;
  if (*spec->staff_id == '\0')
    {
      g_set_error (error, PM_CRYPT_ERROR, PM_CRYPT_ERROR_REFUSED, "A key slot needs an id");
      return FALSE;
    }
  if (pm_crypt_header_find_slot (header, PM_CRYPT_SLOT_PASSPHRASE, spec->staff_id) >= 0
      || pm_crypt_header_find_slot (header, PM_CRYPT_SLOT_KEY_FILE, spec->staff_id) >= 0
      || (spec->kind == PM_CRYPT_SLOT_RECOVERY && pm_crypt_header_find_slot (header, spec->kind, NULL) >= 0))
    {
      g_set_error (error, PM_CRYPT_ERROR, PM_CRYPT_ERROR_EXISTS,
                   "The store already has a key slot for %s", spec->staff_id);
      return FALSE;
    }

  if (spec->kind == PM_CRYPT_SLOT_PASSPHRASE)
    {
      if (cost == NULL)
        {
          pm_crypt_kdf_cost_default (&default_cost);
          cost = &default_cost;
        }
      if (cost->opslimit < crypto_pwhash_OPSLIMIT_MIN || cost->opslimit > G_MAXUINT32
          || cost->memlimit < crypto_pwhash_MEMLIMIT_MIN || cost->memlimit / 1024 > G_MAXUINT32)
        {
          g_set_error (error, PM_CRYPT_ERROR, PM_CRYPT_ERROR_REFUSED, "Unsupported Argon2id cost");
          return FALSE;
        }
      slot.opslimit = cost->opslimit;
      slot.memlimit_kib = cost->memlimit / 1024;
    }

  g_strlcpy (slot.staff_id, spec->staff_id, sizeof slot.staff_id);
  g_strlcpy (slot.display_name, display_name, sizeof slot.display_name);
  g_strlcpy (slot.department, department, sizeof slot.department);
  randombytes_buf (slot.salt, sizeof slot.salt);
  randombytes_buf (slot.nonce, sizeof slot.nonce);

  header->slots[header->n_slots++] = slot;
  if (header->n_slots > PM_CRYPT_MAX_SLOTS || table_used (header) > PM_CRYPT_TABLE_MAC_AT)
    {
      header->n_slots--;
      g_set_error (error, PM_CRYPT_ERROR, PM_CRYPT_ERROR_REFUSED,
                   "The store header has no room for another key slot");
      return FALSE;
    }

  if (!derive_kek (&slot, spec->secret, spec->secret_len, kek, error))
    {
      header->n_slots--;
      return FALSE;
    }
  /* The slot's own metadata is authenticated with its wrapped key; the
   * store binding comes from the data key's wrap (see README). */
  ad_len = slot_encode_head (&slot, ad);
  crypto_aead_xchacha20poly1305_ietf_encrypt (header->slots[header->n_slots - 1].wrapped, NULL,
                                              keys->master, PM_CRYPT_KEY_SIZE, ad, ad_len, NULL,
                                              slot.nonce, kek);
  sodium_memzero (kek, sizeof kek);
  return TRUE;
}

static gboolean
header_write_table (PmCryptRaw     *file,
                    PmCryptHeader  *header,
                    const PmCryptKeys *keys,
                    GError        **error)
{
  guint8 table[PM_CRYPT_SLOTS_SIZE];
  int target = 1 - header->active;

  header->generation++;
  table_encode (header, keys, table);
  if (!raw_io (file, TRUE, table, sizeof table, PM_CRYPT_SLOTS_OFFSET + target * PM_CRYPT_SLOTS_SIZE, error)
      || !raw_sync (file, error))
    return FALSE;
  memcpy (header->raw + PM_CRYPT_SLOTS_OFFSET + target * PM_CRYPT_SLOTS_SIZE, table, sizeof table);
  header->active = target;
  return TRUE;
}

gboolean
pm_crypt_header_write_new (const char           *path,
                           const PmCryptHeader  *header,
                           const PmCryptKeys    *keys,
                           GError              **error)
{
  PmCryptHeader copy = *header;
  PmCryptRaw *file;
  sqlite3_int64 size = 0;
  gboolean ok;

  file = pm_crypt_raw_open (path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, error);
  if (file == NULL)
    return FALSE;
  file->file->pMethods->xFileSize (file->file, &size);
  if (size != 0)
    {
      g_set_error (error, PM_CRYPT_ERROR, PM_CRYPT_ERROR_EXISTS, "%s already exists", path);
      pm_crypt_raw_close (file);
      return FALSE;
    }
  /* The table goes to copy A; B starts empty, so the first change lands there. */
  copy.active = 1;
  memset (copy.raw + PM_CRYPT_SLOTS_OFFSET + PM_CRYPT_SLOTS_SIZE, 0, PM_CRYPT_SLOTS_SIZE);
  ok = raw_io (file, TRUE, copy.raw, PM_CRYPT_SLOTS_OFFSET, 0, error)
       && raw_io (file, TRUE, copy.raw + PM_CRYPT_SLOTS_OFFSET + PM_CRYPT_SLOTS_SIZE, PM_CRYPT_SLOTS_SIZE,
                  PM_CRYPT_SLOTS_OFFSET + PM_CRYPT_SLOTS_SIZE, error)
       && header_write_table (file, &copy, keys, error);
  pm_crypt_raw_close (file);
  return ok;
}

/* Writes header's slots as the next generation, over the older copy. The
 * caller built them from a fresh pm_crypt_header_load(); a concurrent change
 * made in this process since then is refused rather than overwritten. */
gboolean
pm_crypt_header_commit_slots (const char         *path,
                              PmCryptHeader      *header,
                              const PmCryptKeys  *keys,
                              GError            **error)
{
  PmCryptHeader current;
  PmCryptRaw *file;
  gboolean ok;

  g_mutex_lock (&header_lock);
  file = pm_crypt_raw_open (path, SQLITE_OPEN_READWRITE, error);
  ok = file != NULL && header_read (file, &current, error);
  if (ok && current.generation != header->generation)
    {
      g_set_error (error, PM_CRYPT_ERROR, PM_CRYPT_ERROR_REFUSED,
                   "The key slots changed meanwhile; try again");
      ok = FALSE;
    }
  if (ok)
    ok = header_write_table (file, header, keys, error);
  pm_crypt_raw_close (file);
  g_mutex_unlock (&header_lock);
  return ok;
}

static gboolean
counter_read (PmCryptRaw    *file,
              guint64        values[2],
              GError       **error)
{
  guint8 records[2 * PM_CRYPT_COUNTER_SIZE];

  if (!raw_io (file, FALSE, records, sizeof records, PM_CRYPT_COUNTER_OFFSET, error))
    return FALSE;
  for (int i = 0; i < 2; i++)
    if (!counter_decode (records + i * PM_CRYPT_COUNTER_SIZE, &values[i]))
      values[i] = 0;
  return TRUE;
}

/* The counter only grows; the copy holding the smaller value is replaced,
 * so a torn write leaves the other one. */
gboolean
pm_crypt_header_store_counter (const char  *path,
                               guint64      value,
                               GError     **error)
{
  guint8 record[PM_CRYPT_COUNTER_SIZE] = { 0 };
  guint64 values[2];
  PmCryptRaw *file;
  gboolean ok;

  memcpy (record, PM_CRYPT_COUNTER_MAGIC, 4);
  put_le (record + 8, value, 8);
  checksum (record, 16, record + 16);

  g_mutex_lock (&header_lock);
  file = pm_crypt_raw_open (path, SQLITE_OPEN_READWRITE, error);
  ok = file != NULL && counter_read (file, values, error);
  if (ok)
    ok = raw_io (file, TRUE, record, sizeof record,
                 PM_CRYPT_COUNTER_OFFSET + (values[0] <= values[1] ? 0 : PM_CRYPT_COUNTER_SIZE), error)
         && raw_sync (file, error);
  pm_crypt_raw_close (file);
  g_mutex_unlock (&header_lock);
  return ok;
}

gboolean
pm_crypt_read_key_file (const char  *key_file,
                        guint8      *key,
                        GError     **error)
{
  g_autofree char *contents = NULL;
  gsize len = 0;
  gboolean ok;

  if (!g_file_get_contents (key_file, &contents, &len, error))
    return FALSE;
  ok = len == PM_CRYPT_KEY_SIZE;
  if (ok)
    memcpy (key, contents, PM_CRYPT_KEY_SIZE);
  else
    g_set_error (error, PM_CRYPT_ERROR, PM_CRYPT_ERROR_REFUSED,
                 "The key file %s must hold exactly 32 raw bytes", key_file);
  sodium_memzero (contents, len);
  return ok;
}

static const char base32_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/* 256 bits as 52 base32 characters in groups of four. */
PmCryptSecret *
pm_crypt_recovery_encode (const guint8 *key)
{
  PmCryptSecret *text = sodium_malloc (72);
  guint bits = 0;
  guint32 acc = 0;
  int n = 0;
  int written = 0;

  for (int i = 0; i <= PM_CRYPT_KEY_SIZE; i++)
    {
      if (i < PM_CRYPT_KEY_SIZE)
        {
          acc = (acc << 8) | key[i];
          bits += 8;
        }
      else if (bits > 0)
        {
          acc <<= 5 - bits;
          bits = 5;
        }
      while (bits >= 5)
        {
          if (written > 0 && written % 4 == 0)
            text[n++] = '-';
          text[n++] = base32_alphabet[(acc >> (bits - 5)) & 31];
          written++;
          bits -= 5;
        }
    }
  text[n] = '\0';
  sodium_memzero (&acc, sizeof acc);
  return text;
}

gboolean
pm_crypt_recovery_decode (const char *text,
                          guint8     *key)
{
  guint32 acc = 0;
  guint bits = 0;
  int n = 0;

  for (const char *p = text; *p != '\0'; p++)
    {
      const char *hit;

      if (*p == '-' || g_ascii_isspace (*p))
        continue;
      hit = strchr (base32_alphabet, g_ascii_toupper (*p));
      if (hit == NULL)
        return FALSE;
      acc = (acc << 5) | (guint32) (hit - base32_alphabet);
      bits += 5;
      if (bits >= 8)
        {
          if (n == PM_CRYPT_KEY_SIZE)
            return FALSE;
          key[n++] = (acc >> (bits - 8)) & 0xff;
          bits -= 8;
        }
    }
  sodium_memzero (&acc, sizeof acc);
  return n == PM_CRYPT_KEY_SIZE;
}
