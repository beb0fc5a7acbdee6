/* pm-crypt.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The encrypted store: a SQLite VFS ("pepamo") that encrypts every page of
 * the database, its rollback journal and its WAL, plus the key slots that
 * unlock it. See core/crypt/README.md for the file layout and the threat
 * model.
 */

#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

#define PM_CRYPT_VFS_NAME "pepamo"
#define PM_CRYPT_ERROR (pm_crypt_error_quark ())

typedef enum
{
  PM_CRYPT_ERROR_WRONG_PASSPHRASE,
  PM_CRYPT_ERROR_CORRUPT,
  PM_CRYPT_ERROR_NO_SUCH_SLOT,
  PM_CRYPT_ERROR_NOT_A_STORE,
  PM_CRYPT_ERROR_NONCE_LIMIT,
  PM_CRYPT_ERROR_REFUSED,
  PM_CRYPT_ERROR_IO,
  PM_CRYPT_ERROR_EXISTS,
  PM_CRYPT_ERROR_UNSUPPORTED,
} PmCryptError;

typedef enum
{
  PM_CRYPT_SLOT_PASSPHRASE = 1,
  PM_CRYPT_SLOT_RECOVERY   = 2,
  PM_CRYPT_SLOT_KEY_FILE   = 3,
} PmCryptSlotKind;

typedef enum
{
  PM_CRYPT_JOURNAL_DELETE,
  PM_CRYPT_JOURNAL_WAL,
} PmCryptJournalMode;

/* Argon2id cost of a passphrase slot; it is stored with the slot. */
typedef struct
{
  guint64 opslimit;
  gsize   memlimit;
} PmCryptKdfCost;

/* What the unlock page shows; readable without any key. */
typedef struct
{
  PmCryptSlotKind  kind;
  char            *staff_id;     /* "recovery" for the recovery slot */
  char            *display_name;
  char            *department;
  guint64          opslimit;
  gsize            memlimit;
} PmCryptSlotInfo;

/* Unlocked key material, in locked (sodium_malloc) memory. */
typedef struct _PmCryptKeys PmCryptKeys;

/* A secret string (recovery key) in locked memory; free with pm_crypt_secret_free(). */
typedef char PmCryptSecret;

GQuark         pm_crypt_error_quark           (void);

gboolean       pm_crypt_init                  (GError               **error);

void           pm_crypt_kdf_cost_default      (PmCryptKdfCost        *cost);

PmCryptKeys   *pm_crypt_create                (const char            *path,
                                               const char            *staff_id,
                                               const char            *display_name,
                                               const char            *department,
                                               const char            *passphrase,
                                               const PmCryptKdfCost  *cost,
                                               PmCryptSecret        **recovery_key,
                                               GError               **error);
PmCryptKeys   *pm_crypt_create_with_key_file  (const char            *path,
                                               const char            *key_file,
                                               GError               **error);

GPtrArray     *pm_crypt_list_slots            (const char            *path,
                                               GError               **error);
void           pm_crypt_slot_info_free        (PmCryptSlotInfo       *info);

PmCryptKeys   *pm_crypt_unlock                (const char            *path,
                                               const char            *staff_id,
                                               const char            *passphrase,
                                               GError               **error);
PmCryptKeys   *pm_crypt_unlock_recovery       (const char            *path,
                                               const char            *recovery_key,
                                               GError               **error);
PmCryptKeys   *pm_crypt_unlock_key_file       (const char            *path,
                                               const char            *key_file,
                                               GError               **error);
void           pm_crypt_keys_free             (PmCryptKeys           *keys);

sqlite3       *pm_crypt_open                  (const char            *path,
                                               PmCryptKeys           *keys,
                                               PmCryptJournalMode     journal_mode,
                                               GError               **error);

gboolean       pm_crypt_add_slot              (const char            *path,
                                               PmCryptKeys           *keys,
                                               const char            *staff_id,
                                               const char            *display_name,
                                               const char            *department,
                                               const char            *passphrase,
                                               const PmCryptKdfCost  *cost,
                                               GError               **error);
gboolean       pm_crypt_add_key_file_slot     (const char            *path,
                                               PmCryptKeys           *keys,
                                               const char            *label,
                                               const char            *key_file,
                                               GError               **error);
gboolean       pm_crypt_remove_slot           (const char            *path,
                                               PmCryptKeys           *keys,
                                               const char            *staff_id,
                                               GError               **error);
gboolean       pm_crypt_change_passphrase     (const char            *path,
                                               const char            *staff_id,
                                               const char            *old_passphrase,
                                               const char            *new_passphrase,
                                               const PmCryptKdfCost  *cost,
                                               GError               **error);
PmCryptSecret *pm_crypt_set_recovery_key      (const char            *path,
                                               PmCryptKeys           *keys,
                                               GError               **error);
PmCryptKeys   *pm_crypt_create_copy           (const char            *path,
                                               PmCryptKeys           *keys,
                                               const char            *copy_path,
                                               GError               **error);
gboolean       pm_crypt_replace_file          (const char            *temp,
                                               const char            *path,
                                               GError               **error);
gboolean       pm_crypt_rekey                 (const char            *path,
                                               PmCryptKeys           *keys,
                                               GError               **error);
gboolean       pm_crypt_verify                (const char            *path,
                                               PmCryptKeys           *keys,
                                               guint32               *bad_page,
                                               GError               **error);

void           pm_crypt_secret_free           (PmCryptSecret         *secret);
void           pm_crypt_error_from_sqlite     (GError               **error,
                                               sqlite3               *db,
                                               int                    rc);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PmCryptKeys, pm_crypt_keys_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PmCryptSecret, pm_crypt_secret_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PmCryptSlotInfo, pm_crypt_slot_info_free)

G_END_DECLS
