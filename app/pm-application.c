/* pm-application.c: the pepamo application: options, unlock, lock, shutdown
 *
 * Wiring only. Everything slow runs in a thread (Argon2id, opening and
 * migrating the store, making the demo store); the window gets the store
 * once it is unlocked and loses it on lock, after idle time and before the
 * machine sleeps. Locking closes the store, which wipes its keys.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pepamo"

#include "config.h"

#include <glib/gi18n.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "pm-application.h"
#include "pm-cash-day.h"
#include "pm-clock.h"
#include "pm-crypt.h"
#include "pm-demo.h"
#include "pm-model.h"
#include "pm-pdf.h"
#include "pm-sleep-guard.h"
#include "pm-store.h"
#include "pm-store-sync.h"
#include "pm-sync-service.h"
#include "pm-window.h"

#define IDLE_CHECK_SECONDS 15
/* Wrong passphrases before unlocking gets slower, and the longest wait. */
#define FREE_ATTEMPTS      3
#define MAX_WAIT_SECONDS   300

struct _PmApplication
{
  AdwApplication  parent_instance;

  gboolean        demo;
  int             lock_after_minutes;
  char           *data_dir;
  GSettings      *settings;  /* NULL without an installed schema */
  char           *demo_dir;
  char           *path;
  PmStore        *store;
  PmSyncService  *sync_service;
  PmSleepGuard   *sleep_guard;
  PmWindow       *window;
  GPtrArray      *people;      /* Person: signed in on this laptop, at most two */
  char           *acting_id;
  GtkWindow      *sign_in_dialog;
  guint           failures;
  guint           idle_check_id;
};

/* A staff member signed in, with what their role lets them do. */
typedef struct
{
  char   *staff_id;
  char   *name;
  char   *department;
  PmRole  role;
} Person;

static void
person_free (Person *person)
{
  g_free (person->staff_id);
  g_free (person->name);
  g_free (person->department);
  g_free (person);
}

#define MAX_PEOPLE 2

G_DEFINE_FINAL_TYPE (PmApplication, pm_application, ADW_TYPE_APPLICATION)

/* Preparing: the demo store, then the list of key slots */

static gboolean
make_demo_store (const char  *path,
                 GError     **error)
{
  guint n_staff;
  const PmDemoStaff *staff = pm_demo_get_staff (&n_staff);
  g_autoptr(PmCryptSecret) recovery = NULL;
  g_autoptr(PmCryptKeys) keys = NULL;
  g_autoptr(PmStore) store = NULL;
  g_autofree char *today = pm_clock_today ();

  /* The van's two staff can unlock the demo, like a real van laptop, and
   * so can the office staff, each opening their own desk. */
  keys = pm_crypt_create (path, staff[0].id, staff[0].display_name, staff[0].department,
                          PM_DEMO_PASSPHRASE, NULL, &recovery, error);
  if (keys == NULL)
    return FALSE;
  for (guint i = 1; i < n_staff; i++)
    if (!g_str_equal (staff[i].role, "admin") &&
        !pm_crypt_add_slot (path, keys, staff[i].id, staff[i].display_name, staff[i].department,
                            PM_DEMO_PASSPHRASE, NULL, error))
      return FALSE;
  store = pm_store_open (path, g_steal_pointer (&keys), error);
  return store && pm_demo_fill (store, today, 20260207, error);
}

/* The unlock page's list: read from the store's header, no key needed. */
static void
return_slots (GTask      *task,
              const char *path)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *slots = pm_crypt_list_slots (path, &error);

  if (slots == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, slots, (GDestroyNotify) g_ptr_array_unref);
}

static void
prepare_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  PmApplication *self = source;
  g_autoptr(GError) error = NULL;

  if (self->demo && !make_demo_store (self->path, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  return_slots (task, self->path);
}

static void
prepared_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  PmApplication *self = PM_APPLICATION (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) slots = g_task_propagate_pointer (G_TASK (result), &error);
  PmUnlockPage *page;

  if (self->window == NULL)
    return;
  if (slots == NULL)
    {
      g_warning ("Preparing the store %s failed: %s", self->path, error->message);
      pm_window_show_message (self->window, "dialog-error-symbolic",
                              _("The Data on This Device Could Not Be Opened"), error->message);
      return;
    }
  page = pm_window_get_unlock_page (self->window);
  pm_unlock_page_set_staff (page, slots);
  if (self->demo)
    pm_unlock_page_set_hint (page, _("Demo: choose a person and enter the passphrase “demo”. "
                                     "All names and data are invented."));
}

static void
start_preparing (PmApplication *self)
{
  g_autoptr(GTask) task = NULL;

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
      self->path = g_build_filename (self->demo_dir, "pepamo.db", NULL);
    }
  else
    {
      self->path = g_build_filename (self->data_dir, "pepamo.db", NULL);
      if (!g_file_test (self->path, G_FILE_TEST_EXISTS))
        {
          g_autofree char *description =
            g_strdup_printf (_("This laptop has not been set up for PePaMo yet. The IT department sets it up "
                               "with “pepamo-cli init” (data folder: %s). To try PePaMo, start it with --demo."),
                             self->data_dir);

          pm_window_show_message (self->window, "computer-symbolic", _("No Data on This Device"), description);
          return;
        }
    }

  task = g_task_new (self, NULL, prepared_cb, NULL);
  g_task_set_source_tag (task, start_preparing);
  g_task_run_in_thread (task, prepare_thread);
}

/* Unlocking */

typedef struct
{
  char    *staff_id;
  char    *passphrase;
  PmStore *store;    /* set when signing in a second person */
  Person  *person;   /* the result */
} UnlockData;

static void
unlock_data_free (UnlockData *data)
{
  g_clear_object (&data->store);
  g_clear_pointer (&data->person, person_free);
  g_free (data->staff_id);
  explicit_bzero (data->passphrase, strlen (data->passphrase));
  g_free (data->passphrase);
  g_free (data);
}

static Person *
person_from_store (PmStore    *store,
                   const char *staff_id)
{
  g_autoptr(PmRecord) staff = pm_store_get (store, PM_TYPE_STAFF, staff_id, NULL);
  Person *person = g_new0 (Person, 1);

  person->staff_id = g_strdup (staff_id);
  person->name = g_strdup (staff ? pm_record_get_string (staff, "display_name") : staff_id);
  person->department = g_strdup (staff ? pm_record_get_string (staff, "department") : NULL);
  person->role = staff ? pm_role_from_wire (pm_record_get_string (staff, "role")) : PM_ROLE_INVALID;
  return person;
}

static void
unlock_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  PmApplication *self = source;
  UnlockData *data = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(PmStore) store = NULL;
  PmCryptKeys *keys = pm_crypt_unlock (self->path, data->staff_id, data->passphrase, &error);

  /* A second person only proves their passphrase; the store is open. */
  if (keys && data->store)
    {
      pm_crypt_keys_free (keys);
      store = g_object_ref (data->store);
    }
  else if (keys)
    store = pm_store_open (self->path, keys, &error);
  if (store == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  data->person = person_from_store (store, data->staff_id);
  g_task_return_pointer (task, g_steal_pointer (&store), g_object_unref);
}

static void
refuse (PmApplication *self,
        PmUnlockPage  *page,
        GError        *error)
{
  guint wait = 0;

  if (g_error_matches (error, PM_CRYPT_ERROR, PM_CRYPT_ERROR_WRONG_PASSPHRASE))
    {
      /* 5 s after the third failure, doubling up to five minutes. */
      if (++self->failures >= FREE_ATTEMPTS)
        wait = MIN (5u << MIN (self->failures - FREE_ATTEMPTS, 6u), MAX_WAIT_SECONDS);
      g_message ("Unlock refused: wrong passphrase (%u in a row)", self->failures);
      pm_unlock_page_refuse (page, _("The passphrase is wrong."), wait);
      return;
    }
  g_warning ("Unlocking failed: %s", error->message);
  if (g_error_matches (error, PM_CRYPT_ERROR, PM_CRYPT_ERROR_CORRUPT))
    pm_unlock_page_refuse (page, _("The data on this device is damaged or was changed. "
                                   "Do not use the laptop and call the IT department."), 0);
  else
    pm_unlock_page_refuse (page, error->message, 0);
}

static void
show_people (PmApplication *self)
{
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenu) people = g_menu_new ();
  const char *acting_name = NULL;

  for (guint i = 0; i < self->people->len; i++)
    {
      Person *person = g_ptr_array_index (self->people, i);
      g_autoptr(GMenuItem) item = g_menu_item_new (person->name, NULL);

      g_menu_item_set_action_and_target (item, "app.act-as", "s", person->staff_id);
      g_menu_append_item (people, item);
      if (g_strcmp0 (person->staff_id, self->acting_id) == 0)
        acting_name = person->name;
    }
  g_menu_append_section (menu, NULL, G_MENU_MODEL (people));
  if (self->people->len < MAX_PEOPLE)
    g_menu_append (menu, _("Sign in the second person…"), "app.sign-in");
  g_menu_append (menu, _("Cash closure of today"), "app.cash-closure");
  g_menu_append (menu, _("Lock"), "app.lock");
  if (self->window)
    pm_window_set_people (self->window, G_MENU_MODEL (menu), acting_name);
}

static void
act_as (PmApplication *self,
        const char    *staff_id)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "act-as");

  for (guint i = 0; self->store && i < self->people->len; i++)
    {
      Person *person = g_ptr_array_index (self->people, i);

      if (g_strcmp0 (person->staff_id, staff_id) != 0)
        continue;
      /* From now on every write and every read follows this person. */
      pm_store_set_actor (self->store, person->staff_id, person->role, person->department);
      g_free (self->acting_id);
      self->acting_id = g_strdup (staff_id);
      g_simple_action_set_state (G_SIMPLE_ACTION (action), g_variant_new_string (staff_id));
      show_people (self);
      return;
    }
}

/* The deletion period runs on every unlock: a case's details do not stay on
 * the laptop longer than the city's rules allow. */
static int
case_deletion_days (PmApplication *self)
{
  int days = self->settings ? g_settings_get_int (self->settings, "case-deletion-days") : -1;

  return days >= 0 ? days : pm_store_default_case_days ();
}

static void
purged_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) cases = pm_store_purge_cases_finish (PM_STORE (source), result, &error);

  if (cases == NULL)
    g_warning ("Deleting cases past their deletion period failed: %s", error->message);
  else if (cases->len > 0)
    g_message ("Deleted %u cases past their deletion period", cases->len);
}

static void
unlocked_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  PmApplication *self = PM_APPLICATION (source);
  UnlockData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(PmUnlockPage) page = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(PmStore) store = g_task_propagate_pointer (G_TASK (result), &error);
  gboolean second = data->store != NULL;

  if (self->window == NULL)
    return;
  if (store == NULL)
    {
      refuse (self, page, error);
      return;
    }
  self->failures = 0;
  g_ptr_array_add (self->people, g_steal_pointer (&data->person));
  pm_unlock_page_reset (page);
  if (second)
    {
      if (self->sign_in_dialog)
        gtk_window_destroy (self->sign_in_dialog);
      act_as (self, data->staff_id);
      return;
    }
  self->store = g_steal_pointer (&store);
  act_as (self, data->staff_id);
  pm_store_purge_cases_async (self->store, case_deletion_days (self), NULL, purged_cb, NULL);
  pm_window_set_store (self->window, self->store);
  /* Sync runs only while unlocked: catch up now. */
  pm_sync_service_set_store (self->sync_service, self->store);
}

static void
unlock_requested_cb (PmApplication *self,
                     const char    *staff_id,
                     const char    *passphrase,
                     PmUnlockPage  *page)
{
  g_autoptr(GTask) task = NULL;
  gboolean second = page != pm_window_get_unlock_page (self->window);
  UnlockData *data;

  if (self->store && !second)
    return;
  data = g_new0 (UnlockData, 1);
  data->staff_id = g_strdup (staff_id);
  data->passphrase = g_strdup (passphrase);
  data->store = second && self->store ? g_object_ref (self->store) : NULL;
  pm_unlock_page_set_busy (page, TRUE);
  task = g_task_new (self, NULL, unlocked_cb, g_object_ref (page));
  g_task_set_source_tag (task, unlock_requested_cb);
  g_task_set_task_data (task, data, (GDestroyNotify) unlock_data_free);
  g_task_run_in_thread (task, unlock_thread);
}

static void
slots_for_second_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  PmApplication *self = PM_APPLICATION (source);
  g_autoptr(GPtrArray) slots = g_task_propagate_pointer (G_TASK (result), NULL);
  g_autoptr(PmUnlockPage) page = user_data;

  if (slots == NULL || self->sign_in_dialog == NULL)
    return;
  /* Those already signed in are not offered again. */
  for (guint i = slots->len; i > 0; i--)
    for (guint p = 0; p < self->people->len; p++)
      if (g_strcmp0 (((PmCryptSlotInfo *) g_ptr_array_index (slots, i - 1))->staff_id,
                     ((Person *) g_ptr_array_index (self->people, p))->staff_id) == 0)
        {
          g_ptr_array_remove_index (slots, i - 1);
          break;
        }
  pm_unlock_page_set_staff (page, slots);
}

static void
list_slots_thread (GTask        *task,
                   gpointer      source,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  return_slots (task, PM_APPLICATION (source)->path);
}

static void
sign_in_action (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  PmApplication *self = PM_APPLICATION (user_data);
  g_autoptr(GTask) task = NULL;
  PmUnlockPage *page;

  if (self->store == NULL || self->people->len >= MAX_PEOPLE || self->sign_in_dialog)
    return;
  page = g_object_new (PM_TYPE_UNLOCK_PAGE, NULL);
  self->sign_in_dialog = GTK_WINDOW (adw_window_new ());
  g_object_add_weak_pointer (G_OBJECT (self->sign_in_dialog), (gpointer *) &self->sign_in_dialog);
  gtk_window_set_title (self->sign_in_dialog, _("Sign in the second person"));
  gtk_window_set_modal (self->sign_in_dialog, TRUE);
  gtk_window_set_transient_for (self->sign_in_dialog, GTK_WINDOW (self->window));
  gtk_window_set_default_size (self->sign_in_dialog, 480, 520);
  adw_window_set_content (ADW_WINDOW (self->sign_in_dialog), GTK_WIDGET (page));
  g_signal_connect_object (page, "unlock-requested", G_CALLBACK (unlock_requested_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (self->sign_in_dialog);

  task = g_task_new (self, NULL, slots_for_second_cb, g_object_ref (page));
  g_task_run_in_thread (task, list_slots_thread);
}

static gboolean
acting_in (PmApplication *self,
           const char    *department)
{
  for (guint i = 0; i < self->people->len; i++)
    {
      Person *person = g_ptr_array_index (self->people, i);

      if (g_strcmp0 (person->staff_id, self->acting_id) == 0)
        return g_strcmp0 (person->department, department) == 0;
    }
  return FALSE;
}

/* The end of the day: every payment of today, stored as the van's closure
 * (which reaches the office by sync) and written as a PDF. */
static void
cash_closure_thread (GTask        *task,
                     gpointer      source,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  PmStore *store = task_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *today = pm_clock_today ();
  g_autoptr(PmRecord) van = pm_cash_day_find_van (store, NULL, &error);
  g_autoptr(PmCashClosure) closure = van ? pm_cash_day_close (store, van, today, &error) : NULL;
  const char *documents = g_get_user_special_dir (G_USER_DIRECTORY_DOCUMENTS);
  g_autofree char *dir = g_build_filename (documents ? documents : g_get_home_dir (), "PePaMo", NULL);
  g_autofree char *name = g_strdup_printf ("Tagesabschluss-%s.pdf", today);
  g_autofree char *path = g_build_filename (dir, name, NULL);

  if (closure == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (g_mkdir_with_parents (dir, 0700) != 0 ||
      !pm_pdf_write_cash_closure (path, closure, &error))
    {
      if (error == NULL)
        g_set_error (&error, G_IO_ERROR, g_io_error_from_errno (errno), "Cannot create %s: %s", dir, g_strerror (errno));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&path), g_free);
}

static void
cash_closure_done_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  PmApplication *self = PM_APPLICATION (source);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_task_propagate_pointer (G_TASK (result), &error);
  g_autofree char *message = NULL;
  g_autofree char *uri = NULL;

  if (self->window == NULL)
    return;
  if (path == NULL)
    {
      g_warning ("The cash closure failed: %s", error->message);
      /* Translators: %s says why */
      message = g_strdup_printf (_("The cash closure could not be written: %s"), error->message);
      pm_window_notify (self->window, message, NULL, NULL, NULL);
      return;
    }
  /* Translators: %s is a file name */
  message = g_strdup_printf (_("Cash closure saved as %s; the office receives it with the next sync"), path);
  uri = g_filename_to_uri (path, NULL, NULL);
  pm_window_notify (self->window, message, _("Open"), "app.open-uri", g_variant_new_string (uri));
}

static void
cash_closure_action (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  PmApplication *self = PM_APPLICATION (user_data);
  g_autoptr(GTask) task = NULL;

  if (self->store == NULL)
    return;
  /* Fees and payments are Einwohnerwesen data: only its clerk sees them all. */
  if (pm_store_get_actor_role (self->store) != PM_ROLE_ADMIN && !acting_in (self, "einwohnerwesen"))
    {
      pm_window_notify (self->window, _("The cash closure is made by the registration clerk: switch to them first."),
                        NULL, NULL, NULL);
      return;
    }
  task = g_task_new (self, NULL, cash_closure_done_cb, NULL);
  g_task_set_task_data (task, g_object_ref (self->store), g_object_unref);
  g_task_run_in_thread (task, cash_closure_thread);
}

static void
open_uri_action (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  PmApplication *self = PM_APPLICATION (user_data);

  if (self->window)
    gtk_show_uri (GTK_WINDOW (self->window), g_variant_get_string (parameter, NULL), GDK_CURRENT_TIME);
}

static void
act_as_action (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  act_as (PM_APPLICATION (user_data), g_variant_get_string (parameter, NULL));
}

/* Locking */

static void
lock (PmApplication *self,
      const char    *why)
{
  if (self->store == NULL)
    return;
  g_message ("Locking: %s", why);
  if (self->window)
    {
      pm_window_lock (self->window);
      pm_unlock_page_set_pending (pm_window_get_unlock_page (self->window),
                                  pm_sync_status_get_pending (PM_SYNC_STATUS (self->sync_service)));
    }
  pm_sync_service_set_store (self->sync_service, NULL);
  /* Waits for queued work, closes SQLite and wipes the keys. */
  pm_store_close (self->store);
  g_clear_object (&self->store);
  g_ptr_array_set_size (self->people, 0);
  g_clear_pointer (&self->acting_id, g_free);
  show_people (self);
  if (self->sign_in_dialog)
    gtk_window_destroy (self->sign_in_dialog);
}

/* The city's server withdrew this laptop (lost, stolen, handed back): its
 * data goes at once, and the window says why instead of asking to unlock. */
static void
device_revoked_cb (PmApplication *self)
{
  g_autoptr(GError) error = NULL;

  g_warning ("The server revoked this device: deleting its store %s", self->path);
  lock (self, "device revoked");
  if (!pm_store_delete_files (self->path, &error))
    {
      g_warning ("Cannot delete the revoked device's store: %s", error->message);
      if (self->window)
        pm_window_show_message (self->window, "dialog-error-symbolic", _("This Device Was Withdrawn"),
                                _("The city's server has withdrawn this device, but its data could not be "
                                  "deleted. Do not use the laptop and call the IT department."));
      return;
    }
  if (self->window)
    pm_window_show_message (self->window, "dialog-warning-symbolic", _("This Device Was Withdrawn"),
                            _("The city's server has withdrawn this device, so its data has been deleted "
                              "from it. Unsent changes could not be sent. Please give the laptop back to "
                              "the IT department."));
}

static void
lock_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  lock (PM_APPLICATION (user_data), "on request");
}

static gboolean
idle_check_cb (gpointer data)
{
  PmApplication *self = data;

  if (self->store && self->window &&
      pm_window_get_idle_seconds (self->window) >= self->lock_after_minutes * 60)
    lock (self, "idle");
  return G_SOURCE_CONTINUE;
}

static void
prepare_for_sleep_cb (PmApplication *self)
{
  lock (self, "the system is going to sleep");
}

/* The application */

/* An administrator's defaults (GSettings, lockable by policy); absent when
 * the schema is not installed, e.g. a binary run straight from a build dir. */
static GSettings *
open_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = source ? g_settings_schema_source_lookup (source, APP_ID, TRUE) : NULL;

  if (schema == NULL)
    {
      g_info ("GSettings schema %s not installed; using built-in defaults", APP_ID);
      return NULL;
    }
  return g_settings_new_full (schema, NULL, NULL);
}

static gboolean
window_close_request_cb (PmApplication *self,
                         GtkWindow     *window)
{
  int width, height;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  return FALSE;
}

static void
restore_window_size (PmApplication *self)
{
  if (self->settings == NULL)
    return;
  gtk_window_set_default_size (GTK_WINDOW (self->window),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  g_settings_bind (self->settings, "window-maximized", self->window, "maximized", G_SETTINGS_BIND_DEFAULT);
  g_signal_connect_object (self->window, "close-request", G_CALLBACK (window_close_request_cb),
                           self, G_CONNECT_SWAPPED);
}

static void
pm_application_activate (GApplication *application)
{
  PmApplication *self = PM_APPLICATION (application);

  if (self->window == NULL)
    {
      self->window = pm_window_new (GTK_APPLICATION (self), PM_SYNC_STATUS (self->sync_service));
      g_object_add_weak_pointer (G_OBJECT (self->window), (gpointer *) &self->window);
      restore_window_size (self);
      g_signal_connect_object (pm_window_get_unlock_page (self->window), "unlock-requested",
                               G_CALLBACK (unlock_requested_cb), self, G_CONNECT_SWAPPED);
      start_preparing (self);
    }
  gtk_window_present (GTK_WINDOW (self->window));
}

static void
pm_application_startup (GApplication *application)
{
  PmApplication *self = PM_APPLICATION (application);
  g_autoptr(GError) error = NULL;

  G_APPLICATION_CLASS (pm_application_parent_class)->startup (application);

  /* Before any SQLite use: it installs the zeroing allocator. */
  if (!pm_crypt_init (&error))
    g_error ("Cannot set up the encrypted store: %s", error->message);
  self->sleep_guard = pm_sleep_guard_new ();
  g_signal_connect_object (self->sleep_guard, "prepare-for-sleep",
                           G_CALLBACK (prepare_for_sleep_cb), self, G_CONNECT_SWAPPED);
  if (self->lock_after_minutes > 0)
    self->idle_check_id = g_timeout_add_seconds (IDLE_CHECK_SECONDS, idle_check_cb, self);
}

static int
pm_application_handle_local_options (GApplication *application,
                                     GVariantDict *options)
{
  PmApplication *self = PM_APPLICATION (application);
  const char *data_dir = NULL;
  g_autofree char *settings_dir = NULL;

  if (g_variant_dict_contains (options, "version"))
    {
      printf ("pepamo %s\n", PACKAGE_VERSION);
      return 0;
    }
  self->demo = g_variant_dict_contains (options, "demo");
  self->settings = open_settings ();
  if (self->settings)
    self->lock_after_minutes = g_settings_get_uint (self->settings, "lock-after-minutes");
  g_variant_dict_lookup (options, "lock-after", "i", &self->lock_after_minutes);
  if (self->lock_after_minutes < 0)
    {
      g_printerr ("pepamo: --lock-after must be 0 (never) or more minutes\n");
      return 2;
    }
  if (g_variant_dict_lookup (options, "data-dir", "^&ay", &data_dir))
    self->data_dir = g_strdup (data_dir);
  else if (self->settings && (settings_dir = g_settings_get_string (self->settings, "data-dir")) && *settings_dir)
    self->data_dir = g_steal_pointer (&settings_dir);
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

  lock (self, "quitting");
  g_clear_handle_id (&self->idle_check_id, g_source_remove);
  g_clear_object (&self->sleep_guard);
  if (self->demo_dir)
    rm_rf (self->demo_dir);
  G_APPLICATION_CLASS (pm_application_parent_class)->shutdown (application);
}

static void
pm_application_finalize (GObject *object)
{
  PmApplication *self = PM_APPLICATION (object);

  g_clear_object (&self->sync_service);
  g_clear_pointer (&self->people, g_ptr_array_unref);
  g_free (self->acting_id);
  g_free (self->data_dir);
  g_clear_object (&self->settings);
  g_free (self->demo_dir);
  g_free (self->path);
  G_OBJECT_CLASS (pm_application_parent_class)->finalize (object);
}

static void
pm_application_class_init (PmApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = pm_application_finalize;
  app_class->activate = pm_application_activate;
  app_class->startup = pm_application_startup;
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
    { "lock", lock_action },
    { "sign-in", sign_in_action },
    { "act-as", act_as_action, "s", "''", NULL },
    { "cash-closure", cash_closure_action },
    { "open-uri", open_uri_action, "s" },
  };
  const GOptionEntry options[] = {
    { "demo", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Start on a throwaway demo data set"), NULL },
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, NULL, N_("Where the data lives"), N_("DIR") },
    { "lock-after", 0, 0, G_OPTION_ARG_INT, NULL, N_("Lock after this many idle minutes (default 10; 0: never)"), N_("MINUTES") },
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the version"), NULL },
    { NULL }
  };

  self->lock_after_minutes = 10;
  self->people = g_ptr_array_new_with_free_func ((GDestroyNotify) person_free);
  g_application_add_main_option_entries (G_APPLICATION (self), options);
  g_action_map_add_action_entries (G_ACTION_MAP (self), actions, G_N_ELEMENTS (actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", (const char *[]) { "<Control>q", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.lock", (const char *[]) { "<Control>l", NULL });
  self->sync_service = pm_sync_service_new ();
  g_signal_connect_object (self->sync_service, "device-revoked", G_CALLBACK (device_revoked_cb), self,
                           G_CONNECT_SWAPPED);
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
