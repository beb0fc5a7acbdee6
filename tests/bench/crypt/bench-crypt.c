/* bench-crypt.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The same workload against plain SQLite and the encrypted store (same
 * libsqlite3, page size 4096, same journal mode and cache size), runs
 * interleaved, medians printed with ratios. Never fails on numbers.
 * PM_BENCH_SCALE scales the row counts (default 1), PM_BENCH_RUNS the
 * number of runs (default 5).
 */

#define G_LOG_DOMAIN "pm-crypt-bench"

#include "pm-crypt.h"

#include <glib/gstdio.h>
#include <sodium.h>
#include <stdlib.h>
#include <sys/stat.h>

typedef enum
{
  OP_INSERT,
  OP_LOOKUP_COLD,
  OP_LOOKUP_WARM,
  OP_SCAN,
  OP_WAL_COMMITS,
  N_OPS
} BenchOp;

typedef struct
{
  int rows;
  int lookups;
  int commits;
} BenchSize;

static double
now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

static void
exec_or_die (sqlite3    *db,
             const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

/* Plain SQLite with the settings pm_crypt_open() applies to a store; both
 * get a page cache that holds the whole table, so "warm" means cached. */
static sqlite3 *
open_db (const char   *path,
         PmCryptKeys  *keys,
         gboolean      wal)
{
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;

  if (keys != NULL)
    {
      db = pm_crypt_open (path, keys, wal ? PM_CRYPT_JOURNAL_WAL : PM_CRYPT_JOURNAL_DELETE, &error);
      if (db == NULL)
        g_error ("%s", error->message);
      exec_or_die (db, "PRAGMA cache_size = -65536;");
      return db;
    }
  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, "unix") != SQLITE_OK)
    g_error ("cannot open %s", path);
  exec_or_die (db, "PRAGMA page_size = 4096; PRAGMA temp_store = MEMORY; PRAGMA mmap_size = 0;"
                   "PRAGMA cache_size = -65536;");
  exec_or_die (db, wal ? "PRAGMA journal_mode = WAL;" : "PRAGMA journal_mode = DELETE;");
  return db;
}

/* NULL for plain SQLite; cost NULL is Argon2id INTERACTIVE. */
static PmCryptKeys *
create_target (const char           *path,
               gboolean              encrypted,
               const PmCryptKdfCost *cost)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PmCryptSecret) recovery = NULL;
  PmCryptKeys *keys;

  if (!encrypted)
    return NULL;
  keys = pm_crypt_create (path, "bench", "Bench", "IT", "bench passphrase", cost, &recovery, &error);
  if (keys == NULL)
    g_error ("%s", error->message);
  return keys;
}

static void
lookups (sqlite3 *db,
         int      rows,
         int      count)
{
  sqlite3_stmt *stmt = NULL;
  GRand *rand = g_rand_new_with_seed (42);

  sqlite3_prepare_v2 (db, "SELECT length(v) FROM t WHERE k = ?", -1, &stmt, NULL);
  for (int i = 0; i < count; i++)
    {
      char key[32];

      g_snprintf (key, sizeof key, "key-%08x", g_rand_int_range (rand, 0, rows) * 2654435761u);
      sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) != SQLITE_ROW)
        g_error ("lookup of %s failed", key);
      sqlite3_reset (stmt);
    }
  sqlite3_finalize (stmt);
  g_rand_free (rand);
}

static void
insert_rows (sqlite3 *db,
             int      rows)
{
  sqlite3_stmt *stmt = NULL;

  exec_or_die (db, "CREATE TABLE t (id INTEGER PRIMARY KEY, k TEXT, v BLOB); CREATE INDEX t_k ON t (k); BEGIN;");
  sqlite3_prepare_v2 (db, "INSERT INTO t (k, v) VALUES (?, randomblob(100))", -1, &stmt, NULL);
  for (int i = 0; i < rows; i++)
    {
      char key[32];

      g_snprintf (key, sizeof key, "key-%08x", i * 2654435761u);
      sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        g_error ("insert failed: %s", sqlite3_errmsg (db));
      sqlite3_reset (stmt);
    }
  sqlite3_finalize (stmt);
  exec_or_die (db, "COMMIT;");
}

static goffset
store_size (const char *path)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 ? st.st_size : 0;
}

/* One run of every workload; fills ms[] and the main file's size. */
static void
run_once (gboolean         encrypted,
          const BenchSize *size,
          double           ms[N_OPS],
          goffset         *bytes)
{
  g_autofree char *dir = g_dir_make_tmp ("pm-bench-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "bench.db", NULL);
  g_autofree char *wal_path = g_build_filename (dir, "wal.db", NULL);
  static const PmCryptKdfCost cheap = { 1, 8192 };
  g_autoptr(PmCryptKeys) keys = create_target (path, encrypted, &cheap);
  g_autoptr(PmCryptKeys) wal_keys = create_target (wal_path, encrypted, &cheap);
  const char *names[] = { "bench.db", "bench.db-journal", "wal.db", "wal.db-wal", "wal.db-shm" };
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db;
  double start;

  db = open_db (path, keys, FALSE);
  start = now_ms ();
  insert_rows (db, size->rows);
  ms[OP_INSERT] = now_ms () - start;
  sqlite3_close (db);
  *bytes = store_size (path);

  db = open_db (path, keys, FALSE);
  start = now_ms ();
  lookups (db, size->rows, size->lookups);
  ms[OP_LOOKUP_COLD] = now_ms () - start;
  start = now_ms ();
  lookups (db, size->rows, size->lookups);
  ms[OP_LOOKUP_WARM] = now_ms () - start;
  start = now_ms ();
  exec_or_die (db, "SELECT sum(length(v)) FROM t;");
  ms[OP_SCAN] = now_ms () - start;
  sqlite3_close (db);

  db = open_db (wal_path, wal_keys, TRUE);
  exec_or_die (db, "CREATE TABLE log (id INTEGER PRIMARY KEY, v TEXT);");
  sqlite3_prepare_v2 (db, "INSERT INTO log (v) VALUES ('a small commit')", -1, &stmt, NULL);
  start = now_ms ();
  for (int i = 0; i < size->commits; i++)
    {
      sqlite3_step (stmt);
      sqlite3_reset (stmt);
    }
  ms[OP_WAL_COMMITS] = now_ms () - start;
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *file = g_build_filename (dir, names[i], NULL);

      g_unlink (file);
    }
  g_rmdir (dir);
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
median (double *values,
        int     n)
{
  qsort (values, n, sizeof (double), compare_double);
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

/* Argon2id at INTERACTIVE cost: unlock and one passphrase change. */
static void
measure_keys (int     runs,
              double *unlock_ms,
              double *passwd_ms)
{
  g_autofree char *dir = g_dir_make_tmp ("pm-bench-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "keys.db", NULL);
  g_autoptr(PmCryptKeys) keys = NULL;
  g_autofree double *unlocks = g_new (double, runs);
  g_autofree double *changes = g_new (double, runs);
  const char *words[] = { "bench passphrase", "other passphrase" };

  keys = create_target (path, TRUE, NULL);

  for (int i = 0; i < runs; i++)
    {
      g_autoptr(GError) error = NULL;
      PmCryptKeys *unlocked;
      double start = now_ms ();

      unlocked = pm_crypt_unlock (path, "bench", words[i % 2], &error);
      unlocks[i] = now_ms () - start;
      if (unlocked == NULL)
        g_error ("%s", error->message);
      pm_crypt_keys_free (unlocked);

      start = now_ms ();
      if (!pm_crypt_change_passphrase (path, "bench", words[i % 2], words[1 - i % 2], NULL, &error))
        g_error ("%s", error->message);
      changes[i] = now_ms () - start;
    }
  *unlock_ms = median (unlocks, runs);
  *passwd_ms = median (changes, runs);
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  const char *scale_env = g_getenv ("PM_BENCH_SCALE");
  const char *runs_env = g_getenv ("PM_BENCH_RUNS");
  double scale = scale_env != NULL ? g_ascii_strtod (scale_env, NULL) : 1.0;
  int runs = runs_env != NULL ? MAX (1, atoi (runs_env)) : 5;
  BenchSize size = { MAX (1000, 100000 * scale), MAX (100, 10000 * scale), MAX (10, 1000 * scale) };
  const char *labels[N_OPS] = {
    "inserts, one transaction", "indexed lookups, cold", "indexed lookups, warm",
    "full scan", "small commits, WAL",
  };
  const int counts[N_OPS] = { size.rows, size.lookups, size.lookups, size.rows, size.commits };
  const char *targets[N_OPS] = { "<= 1.25x", "<= 2.5x", "<= 1.10x", "<= 2.2x", "<= 1.5x" };
  double *samples[2][N_OPS];
  goffset bytes[2] = { 0, 0 };
  double unlock_ms;
  double passwd_ms;

  if (!pm_crypt_init (&error))
    g_error ("%s", error->message);

  for (int e = 0; e < 2; e++)
    for (int op = 0; op < N_OPS; op++)
      samples[e][op] = g_new0 (double, runs);

  /* Interleaved, so drift in the machine hits both engines alike. */
  for (int r = 0; r < runs; r++)
    for (int e = 0; e < 2; e++)
      {
        double ms[N_OPS];

        run_once (e == 1, &size, ms, &bytes[e]);
        for (int op = 0; op < N_OPS; op++)
          samples[e][op][r] = ms[op];
      }
  measure_keys (runs, &unlock_ms, &passwd_ms);

  g_print ("\nEncrypted store vs plain SQLite %s, cipher %s, median of %d interleaved runs\n\n",
           sqlite3_libversion (),
           crypto_aead_aes256gcm_is_available () ? "AES-256-GCM" : "XChaCha20-Poly1305", runs);
  g_print ("%-36s %12s %12s %8s  %s\n", "workload", "plain ms", "pepamo ms", "ratio", "target");
  for (int op = 0; op < N_OPS; op++)
    {
      g_autofree char *label = g_strdup_printf ("%d %s", counts[op], labels[op]);
      double plain = median (samples[0][op], runs);
      double crypt = median (samples[1][op], runs);

      g_print ("%-36s %12.1f %12.1f %7.2fx  %s\n", label, plain, crypt, crypt / plain, targets[op]);
    }
  g_print ("%-36s %12s %12.1f %8s  %s\n", "unlock (Argon2id INTERACTIVE)", "-", unlock_ms, "", "<= 100 ms");
  g_print ("%-36s %12s %12.1f %8s  %s\n", "passphrase change", "-", passwd_ms, "", "< 200 ms");
  g_print ("%-36s %12" G_GOFFSET_FORMAT " %12" G_GOFFSET_FORMAT " %+7.2f%%  %s\n", "file size after inserts (bytes)",
           bytes[0], bytes[1], 100.0 * (bytes[1] - bytes[0]) / bytes[0], "<= 1% + 4 KiB");

  for (int e = 0; e < 2; e++)
    for (int op = 0; op < N_OPS; op++)
      g_free (samples[e][op]);
  return 0;
}
