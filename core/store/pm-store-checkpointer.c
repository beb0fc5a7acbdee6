/* pm-store-checkpointer.c: the WAL copied back on a thread of its own
 *
 * SQLite copies the WAL into the database file in the commit that takes it
 * past 1,000 pages, so that commit takes several times as long (8 of the
 * 13 ms of a push batch's commit at the server). Here the commit only
 * wakes a thread, which checkpoints on a connection of its own while the
 * store's worker goes on. Only when the thread falls far behind (16,000
 * pages written since what it copied last) does the commit checkpoint
 * itself, so the WAL stays bounded.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pm-store"

#include "config.h"

#include "pm-store-private.h"

/* SQLite's own threshold, for the thread: a checkpoint per 1,000 pages
 * written since the last (a hot page copied once for them, as SQLite
 * would); 16 times that for the commit. */
#define CHECKPOINT_PAGES 1000
#define CHECKPOINT_PAGES_AT_COMMIT (16 * CHECKPOINT_PAGES)

struct _PmStoreCheckpointer
{
  sqlite3  *writer;     /* the worker's connection, whose commits wake it */
  sqlite3  *db;         /* its own, used by its thread only */
  GThread  *thread;
  GMutex    lock;
  GCond     cond;
  gboolean  wanted;
  gboolean  quit;
  int       copied;     /* the WAL's pages the last checkpoint copied */
};

/* Called by SQLite after each commit of the writer, on the worker. */
static int
wal_committed (gpointer     data,
               sqlite3     *writer,
               const char  *name,
               int          pages)
{
  PmStoreCheckpointer *self = data;
  int behind;
  int copied = 0;

  g_mutex_lock (&self->lock);
  /* Fewer pages than copied: the WAL started over from its beginning. */
  if (pages < self->copied)
    self->copied = 0;
  behind = pages - self->copied;
  if (behind >= CHECKPOINT_PAGES && behind < CHECKPOINT_PAGES_AT_COMMIT)
    {
      self->wanted = TRUE;
      g_cond_signal (&self->cond);
    }
  g_mutex_unlock (&self->lock);
  if (behind >= CHECKPOINT_PAGES_AT_COMMIT &&
      sqlite3_wal_checkpoint_v2 (writer, name, SQLITE_CHECKPOINT_PASSIVE, NULL, &copied) == SQLITE_OK)
    {
      g_mutex_lock (&self->lock);
      self->copied = MAX (copied, self->copied);
      g_mutex_unlock (&self->lock);
    }
  return SQLITE_OK;
}

static gpointer
checkpoint_main (gpointer data)
{
  PmStoreCheckpointer *self = data;

  g_mutex_lock (&self->lock);
  while (TRUE)
    {
      int copied = 0;
      int rc;

      while (!self->wanted && !self->quit)
        g_cond_wait (&self->cond, &self->lock);
      if (self->quit)
        break;
      self->wanted = FALSE;
      g_mutex_unlock (&self->lock);
      /* PASSIVE: it copies what no reader still needs and never waits;
       * the next commit past the threshold asks again. */
      rc = sqlite3_wal_checkpoint_v2 (self->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, &copied);
      if (rc != SQLITE_OK && rc != SQLITE_BUSY)
        g_warning ("A checkpoint of the store's WAL failed: %s", sqlite3_errmsg (self->db));
      g_mutex_lock (&self->lock);
      self->copied = MAX (copied, 0);
    }
  g_mutex_unlock (&self->lock);
  return NULL;
}

/**
 * _pm_store_checkpointer_new:
 * @writer: the store's connection (WAL), whose commits start checkpoints
 * @db: (transfer full): a second connection to the same store
 *
 * Takes over @writer's checkpoints (its WAL hook) until freed.
 */
PmStoreCheckpointer *
_pm_store_checkpointer_new (sqlite3 *writer,
                            sqlite3 *db)
{
  PmStoreCheckpointer *self = g_new0 (PmStoreCheckpointer, 1);

  self->writer = writer;
  self->db = db;
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->thread = g_thread_new ("pm-store-checkpoint", checkpoint_main, self);
  sqlite3_wal_hook (writer, wal_committed, self);
  return self;
}

/* On the worker, before the writer closes (which checkpoints what is left). */
void
_pm_store_checkpointer_free (PmStoreCheckpointer *self)
{
  sqlite3_wal_hook (self->writer, NULL, NULL);
  g_mutex_lock (&self->lock);
  self->quit = TRUE;
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->lock);
  g_thread_join (self->thread);
  sqlite3_close (self->db);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  g_free (self);
}
