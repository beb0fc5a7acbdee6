/* pm-sleep-guard.c: lock before the machine sleeps
 *
 * Holds a logind "delay" inhibitor for sleep. When logind announces sleep
 * (PrepareForSleep true), the guard emits ::prepare-for-sleep, whose handlers
 * lock synchronously, and only then releases the inhibitor so the machine
 * may sleep; on resume it takes a new one. Without a system bus or logind
 * (containers, tests) it does nothing and says so in the log.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pm-sleep-guard"

#include "config.h"

#include <gio/gunixfdlist.h>
#include <glib/gi18n.h>
#include <unistd.h>

#include "pm-sleep-guard.h"

struct _PmSleepGuard
{
  GObject          parent_instance;

  GDBusConnection *bus;
  guint            subscription;
  int              inhibitor_fd;
  GCancellable    *cancellable;
};

G_DEFINE_FINAL_TYPE (PmSleepGuard, pm_sleep_guard, G_TYPE_OBJECT)

enum {
  PREPARE_FOR_SLEEP,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
release_inhibitor (PmSleepGuard *self)
{
  if (self->inhibitor_fd >= 0)
    {
      close (self->inhibitor_fd);
      self->inhibitor_fd = -1;
    }
}

static void
inhibit_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  PmSleepGuard *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GUnixFDList) fds = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_with_unix_fd_list_finish (G_DBUS_CONNECTION (source),
                                                                                &fds, result, &error);
  gint32 index;

  if (reply == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("No sleep inhibitor from logind, the store may stay unlocked during sleep: %s", error->message);
      return;
    }
  g_variant_get (reply, "(h)", &index);
  release_inhibitor (self);
  self->inhibitor_fd = g_unix_fd_list_get (fds, index, &error);
  if (self->inhibitor_fd < 0)
    g_warning ("Cannot take the sleep inhibitor: %s", error->message);
}

static void
take_inhibitor (PmSleepGuard *self)
{
  g_dbus_connection_call_with_unix_fd_list (self->bus,
                                            "org.freedesktop.login1", "/org/freedesktop/login1",
                                            "org.freedesktop.login1.Manager", "Inhibit",
                                            g_variant_new ("(ssss)", "sleep", "PePaMo",
                                                           "Locks the store and wipes its keys before sleep",
                                                           "delay"),
                                            G_VARIANT_TYPE ("(h)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL,
                                            self->cancellable, inhibit_cb, self);
}

static void
prepare_for_sleep_cb (GDBusConnection *bus,
                      const char      *sender,
                      const char      *path,
                      const char      *interface,
                      const char      *signal,
                      GVariant        *parameters,
                      gpointer         user_data)
{
  PmSleepGuard *self = user_data;
  gboolean sleeping;

  g_variant_get (parameters, "(b)", &sleeping);
  if (sleeping)
    {
      g_signal_emit (self, signals[PREPARE_FOR_SLEEP], 0);
      /* The handlers have locked: now the machine may go. */
      release_inhibitor (self);
    }
  else
    take_inhibitor (self);
}

static void
pm_sleep_guard_dispose (GObject *object)
{
  PmSleepGuard *self = PM_SLEEP_GUARD (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->bus && self->subscription)
    g_dbus_connection_signal_unsubscribe (self->bus, self->subscription);
  self->subscription = 0;
  g_clear_object (&self->bus);
  release_inhibitor (self);
  G_OBJECT_CLASS (pm_sleep_guard_parent_class)->dispose (object);
}

static void
pm_sleep_guard_class_init (PmSleepGuardClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = pm_sleep_guard_dispose;

  /**
   * PmSleepGuard::prepare-for-sleep:
   *
   * The machine is about to sleep: lock now, synchronously.
   */
  signals[PREPARE_FOR_SLEEP] =
    g_signal_new ("prepare-for-sleep", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
pm_sleep_guard_init (PmSleepGuard *self)
{
  g_autoptr(GError) error = NULL;

  self->inhibitor_fd = -1;
  self->cancellable = g_cancellable_new ();
  self->bus = g_bus_get_sync (G_BUS_TYPE_SYSTEM, NULL, &error);
  if (self->bus == NULL)
    {
      g_info ("No system bus, so no lock before sleep: %s", error->message);
      return;
    }
  self->subscription = g_dbus_connection_signal_subscribe (self->bus, "org.freedesktop.login1",
                                                           "org.freedesktop.login1.Manager",
                                                           "PrepareForSleep", "/org/freedesktop/login1",
                                                           NULL, G_DBUS_SIGNAL_FLAGS_NONE,
                                                           prepare_for_sleep_cb, self, NULL);
  take_inhibitor (self);
}

PmSleepGuard *
pm_sleep_guard_new (void)
{
  return g_object_new (PM_TYPE_SLEEP_GUARD, NULL);
}
