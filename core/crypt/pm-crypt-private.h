/* pm-crypt-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Inside the crypt module (and its tests): the on-disk header layout, key
 * slots, the page cipher and the VFS's shared per-store state.
 */

#pragma once

#include "pm-crypt-sqlite.h"
#include "pm-crypt.h"

#include <sodium.h>

G_BEGIN_DECLS

#define PM_CRYPT_PAGE_SIZE      4096
#define PM_CRYPT_RESERVE        40
#define PM_CRYPT_USABLE         (PM_CRYPT_PAGE_SIZE - PM_CRYPT_RESERVE)
#define PM_CRYPT_NONCE_OFFSET   PM_CRYPT_USABLE
#define PM_CRYPT_TAG_OFFSET     (PM_CRYPT_USABLE + 24)
#define PM_CRYPT_HEADER_SIZE    4096
#define PM_CRYPT_KEY_SIZE       32
#define PM_CRYPT_DB_ID_SIZE     16

/* Header regions (see README.md). */
#define PM_CRYPT_FIXED_AD_SIZE  48
#define PM_CRYPT_COUNTER_OFFSET 256
#define PM_CRYPT_COUNTER_SIZE   32
#define PM_CRYPT_SLOTS_OFFSET   512
#define PM_CRYPT_SLOTS_SIZE     1792
#define PM_CRYPT_SLOTS_MAC_SIZE 32
#define PM_CRYPT_SLOTS_SUM_SIZE 16

#define PM_CRYPT_CIPHER_AES256GCM 1
#define PM_CRYPT_CIPHER_XCHACHA20 2

/* AES-GCM with random 96-bit nonces: stay far below the birthday bound. */
#define PM_CRYPT_NONCE_WARN     (G_GUINT64_CONSTANT (1) << 31)
#define PM_CRYPT_NONCE_LIMIT    (G_GUINT64_CONSTANT (1) << 32)
#define PM_CRYPT_COUNTER_CHUNK  (G_GUINT64_CONSTANT (1) << 16)

#define PM_CRYPT_MAX_SLOTS      16
#define PM_CRYPT_MAX_ID         36  /* a UUID: staff ids are record ids */
#define PM_CRYPT_MAX_NAME       64

struct _PmCryptKeys
{
  guint8  master[PM_CRYPT_KEY_SIZE];
  guint8  data[PM_CRYPT_KEY_SIZE];
  guint8  db_id[PM_CRYPT_DB_ID_SIZE];
  guint32 cipher;
};

typedef struct
{
  guint8  kind;
  char    staff_id[PM_CRYPT_MAX_ID + 1];
  char    display_name[PM_CRYPT_MAX_NAME + 1];
  char    department[PM_CRYPT_MAX_NAME + 1];
  guint32 opslimit;
  guint32 memlimit_kib;
  guint8  salt[16];
  guint8  nonce[24];
  guint8  wrapped[PM_CRYPT_KEY_SIZE + 16];
} PmCryptSlot;

/* What a new slot is made of; secret is a passphrase (kind PASSPHRASE,
 * cost NULL = INTERACTIVE) or a 32-byte key. */
typedef struct
{
  PmCryptSlotKind       kind;
  const char           *staff_id;
  const char           *display_name;
  const char           *department;
  const guint8         *secret;
  gsize                 secret_len;
  const PmCryptKdfCost *cost;
} PmCryptSlotSpec;

/* The header as read from disk, with the newest valid slot table parsed. */
typedef struct
{
  guint8      raw[PM_CRYPT_HEADER_SIZE];
  guint32     cipher;
  guint8      db_id[PM_CRYPT_DB_ID_SIZE];
  int         active;        /* slot table copy in use: 0 (A) or 1 (B) */
  guint64     generation;
  guint64     counter;       /* page writes reserved so far for the data key */
  guint       n_slots;
  PmCryptSlot slots[PM_CRYPT_MAX_SLOTS];
} PmCryptHeader;

/* A handle on a store file through the unix VFS. */
typedef struct _PmCryptRaw PmCryptRaw;

/* Per-page AEAD state, key material in sodium memory. */
typedef struct
{
  guint32                      cipher;
  guint8                       db_id[PM_CRYPT_DB_ID_SIZE];
  guint8                      *key;
  crypto_aead_aes256gcm_state *aes;
} PmCryptCipher;

/* keys and header (pm-crypt-keys.c) */
PmCryptKeys *pm_crypt_keys_new              (void);
gboolean     pm_crypt_header_load           (const char            *path,
                                             PmCryptHeader         *header,
                                             GError               **error);
gboolean     pm_crypt_header_write_new      (const char            *path,
                                             const PmCryptHeader   *header,
                                             const PmCryptKeys     *keys,
                                             GError               **error);
gboolean     pm_crypt_header_commit_slots   (const char            *path,
                                             PmCryptHeader         *header,
                                             const PmCryptKeys     *keys,
                                             GError               **error);
void         pm_crypt_header_set_data_key   (PmCryptHeader         *header,
                                             const PmCryptKeys     *keys);
void         pm_crypt_header_init           (PmCryptHeader         *header,
                                             PmCryptKeys           *keys,
                                             guint32                cipher);
int          pm_crypt_header_find_slot      (const PmCryptHeader   *header,
                                             PmCryptSlotKind        kind,
                                             const char            *staff_id);
gboolean     pm_crypt_header_add_slot       (PmCryptHeader         *header,
                                             const PmCryptKeys     *keys,
                                             const PmCryptSlotSpec *spec,
                                             GError               **error);
PmCryptKeys *pm_crypt_header_unlock_slot    (const PmCryptHeader   *header,
                                             guint                  index,
                                             const guint8          *secret,
                                             gsize                  secret_len,
                                             GError               **error);
PmCryptKeys *pm_crypt_header_unlock_any     (const PmCryptHeader   *header,
                                             PmCryptSlotKind        kind,
                                             const guint8          *secret,
                                             gsize                  secret_len,
                                             GError               **error);
gboolean     pm_crypt_header_check_keys     (const PmCryptHeader   *header,
                                             const PmCryptKeys     *keys,
                                             GError               **error);
gboolean     pm_crypt_header_store_counter  (const char            *path,
                                             guint64                value,
                                             GError               **error);
gboolean     pm_crypt_read_key_file         (const char            *key_file,
                                             guint8                *key,
                                             GError               **error);
PmCryptSecret *pm_crypt_recovery_encode     (const guint8          *key);
gboolean     pm_crypt_recovery_decode       (const char            *text,
                                             guint8                *key);
PmCryptRaw  *pm_crypt_raw_open              (const char            *path,
                                             int                    flags,
                                             GError               **error);
void         pm_crypt_raw_close             (PmCryptRaw            *raw);
sqlite3_file *pm_crypt_raw_file             (PmCryptRaw            *raw);
void         pm_crypt_full_path             (const char            *path,
                                             char                  *out,
                                             int                    out_len);

/* page cipher and VFS (pm-crypt-vfs.c) */
gboolean     pm_crypt_cipher_init           (PmCryptCipher         *cipher,
                                             const PmCryptKeys     *keys,
                                             GError               **error);
void         pm_crypt_cipher_clear          (PmCryptCipher         *cipher);
void         pm_crypt_page_seal             (const PmCryptCipher   *cipher,
                                             guint32                pgno,
                                             const guint8          *in,
                                             guint8                *out);
gboolean     pm_crypt_page_open             (const PmCryptCipher   *cipher,
                                             guint32                pgno,
                                             const guint8          *in,
                                             guint8                *out);
guint32      pm_crypt_be32                  (const guint8          *p);
int          pm_crypt_vfs_register          (gboolean               keys_from_env);
void         pm_crypt_vfs_offer_keys        (const char            *full_path,
                                             PmCryptKeys           *keys);
void         pm_crypt_vfs_withdraw_keys     (const char            *full_path);
void         pm_crypt_vfs_fail              (int                    code,
                                             const char            *format,
                                             ...) G_GNUC_PRINTF (2, 3);
gboolean     pm_crypt_vfs_take_failure      (GError               **error);

G_END_DECLS
