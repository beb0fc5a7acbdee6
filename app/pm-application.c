/* pm-application.c: the pepamo application: options, windows, shutdown
 *
 * Wiring only: it opens the store off the main thread, gives the window the
 * store and the sync service, and cleans up a demo store on exit.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pepamo"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <stdio.h>

#include "pm-application.h"
#include "pm-clock.h"
#include "pm-demo.h"
#include "pm-store.h"
#include "pm-sync-service.h"
#include "pm-window.h"

struct _PmApplication
{
  AdwApplication  parent_instance;

  gboolean        demo;
  char           *data_dir;
  char           *demo_dir;
  PmStore        *store;
  PmSyncService  *sync_service;
  PmWindow       *window;
};

G_DEFINE_FINAL_TYPE (PmApplication, pm_application, ADW_TYPE_APPLICATION)

static void
open_store_thread (GTask        *task,
                   gpointer      source,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  PmApplication *self = source;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (self->demo ? self->demo_dir : self->data_dir, "pepamo.db", NULL);
  g_autoptr(PmStore) store = pm_store_open (path, &error);

  if (store && self->demo)
    {
      g_autofree char *today = pm_clock_today ();

      if (!pm_demo_fill (store, today, 20260207, &error))
        g_clear_object (&store);
    }
  if (store == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, g_steal_pointer (&store), g_object_unref);
}

static void
store_opened_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  PmApplication *self = PM_APPLICATION (source);
  g_autoptr(GError) error = NULL;

  self->store = g_task_propagate_pointer (G_TASK (result), &error);
  if (self->window == NULL)
    return;
  if (self->store == NULL)
    {
      g_warning ("Opening the store failed: %s", error->message);
      pm_window_show_message (self->window, "dialog-error-symbolic",
                              _("The Data on This Device Could Not Be Opened"), error->message);
      return;
    }
  pm_window_set_store (self->window, self->store);
}

static void
start_opening (PmApplication *self)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *path = g_build_filename (self->data_dir, "pepamo.db", NULL);

  if (self->demo)
    {
      g_autoptr(GError) error = NULL;

      /* A throwaway store: the demo never touches real data. */
      self->demo_dir = g_dir_make_tmp ("pepamo-demo-XXXXXX", &error);
      if (self->demo_dir == NULL)
        {
          pm_window_show_message (self->window, "dialog-error-symbolic",
                                  _("The Demo Could Not Be Prepared"), error->message);
          return;
        }
    }
  else if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_autofree char *description =
        g_strdup_printf (_("This laptop has not been set up for PePaMo yet. The IT department sets it up "
                           "with “pepamo-cli init” (data folder: %s). To try PePaMo, start it with --demo."),
                         self->data_dir);

      pm_window_show_message (self->window, "computer-symbolic", _("No Data on This Device"), description);
      return;
    }

  task = g_task_new (self, NULL, store_opened_cb, NULL);
  g_task_set_source_tag (task, start_opening);
  g_task_run_in_thread (task, open_store_thread);
}

static void
pm_application_activate (GApplication *application)
{
  PmApplication *self = PM_APPLICATION (application);

  if (self->window == NULL)
    {
      self->window = pm_window_new (GTK_APPLICATION (self), PM_SYNC_STATUS (self->sync_service));
      g_object_add_weak_pointer (G_OBJECT (self->window), (gpointer *) &self->window);
      start_opening (self);
    }
  gtk_window_present (GTK_WINDOW (self->window));
}

static int
pm_application_handle_local_options (GApplication *application,
                                     GVariantDict *options)
{
  PmApplication *self = PM_APPLICATION (application);
  const char *data_dir = NULL;

  if (g_variant_dict_contains (options, "version"))
    {
      printf ("pepamo %s\n", PACKAGE_VERSION);
      return 0;
    }
  self->demo = g_variant_dict_contains (options, "demo");
  if (g_variant_dict_lookup (options, "data-dir", "^&ay", &data_dir))
    self->data_dir = g_strdup (data_dir);
  else
    self->data_dir = g_build_filename (g_get_user_data_dir (), "pepamo", NULL);
  return -1;
}

static void
rm_rf (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  while (handle && (name = g_dir_read_name (handle)))
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_remove (path);
    }
  g_rmdir (dir);
}

static void
pm_application_shutdown (GApplication *application)
{
  PmApplication *self = PM_APPLICATION (application);

  if (self->store)
    pm_store_close (self->store);
  g_clear_object (&self->store);
  if (self->demo_dir)
    rm_rf (self->demo_dir);
  G_APPLICATION_CLASS (pm_application_parent_class)->shutdown (application);
}

static void
pm_application_finalize (GObject *object)
{
  PmApplication *self = PM_APPLICATION (object);

  g_clear_object (&self->sync_service);
  g_free (self->data_dir);
  g_free (self->demo_dir);
  G_OBJECT_CLASS (pm_application_parent_class)->finalize (object);
}

static void
pm_application_class_init (PmApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = pm_application_finalize;
  app_class->activate = pm_application_activate;
  app_class->handle_local_options = pm_application_handle_local_options;
  app_class->shutdown = pm_application_shutdown;
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static void
pm_application_init (PmApplication *self)
{
  static const GActionEntry actions[] = {
    { "quit", quit_action },
  };
  const GOptionEntry options[] = {
    { "demo", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Start on a throwaway demo data set"), NULL },
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, NULL, N_("Where the data lives"), N_("DIR") },
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the version"), NULL },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), options);
  g_action_map_add_action_entries (G_ACTION_MAP (self), actions, G_N_ELEMENTS (actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", (const char *[]) { "<Control>q", NULL });
  /* Sync is not enrolled yet: the service reports that truthfully. */
  self->sync_service = pm_sync_service_new (NULL);
}

PmApplication *
pm_application_new (void)
{
  /* NON_UNIQUE: a demo beside a real session must not be merged into it. */
  return g_object_new (PM_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_NON_UNIQUE,
                       "resource-base-path", "/de/halle/PePaMo",
                       NULL);
}
