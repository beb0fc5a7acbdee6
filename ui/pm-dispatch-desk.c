/* pm-dispatch-desk.c: the dispatch office's desk: requests, the week's board, the map
 *
 * Shown instead of the van's route when the acting person's role is
 * dispatch.  The week's board (core's PmPlanBoard) shows one column per
 * day for the chosen van, the visits not planned beside it with the
 * reason, and the day's route on the map.  Every change goes through the
 * board (re-timed at once, one undo step each); "Publish" saves the
 * changed visits through the store, whose outbox sends them to the vans.
 * Everything is read and written with the store's _async calls.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pm-dispatch-desk"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <stdlib.h>

#include "pm-clock.h"
#include "pm-dispatch-desk.h"
#include "pm-dispatch-map.h"
#include "pm-dispatch-request.h"
#include "pm-model.h"
#include "pm-ui-labels.h"

#define N_DAYS 5
/* The optimiser's budget on the desk: enough for a city week, and the
 * time limit keeps the wait short on a slow office PC. */
#define OPTIMISE_ITERATIONS 20000
#define OPTIMISE_TIME_LIMIT_MS 8000

struct _PmDispatchDesk
{
  GtkWidget        parent_instance;

  PmStore         *store;
  GCancellable    *cancellable;
  PmPlanBoard     *board;
  GPtrArray       *vans;
  char            *monday;
  int              van;
  int              map_day;
  gboolean         optimise_days[N_DAYS];
  gboolean         loading;
  gboolean         optimising;
  gboolean         publishing;
  char            *summary;
  GtkWindow       *request_window;
  PmDispatchMap   *map;

  AdwWindowTitle  *week_title;
  GtkMenuButton   *person_button;
  AdwButtonContent *person_content;
  AdwToastOverlay *toast_overlay;
  GtkStack        *desk_stack;
  AdwStatusPage   *message_page;
  GtkDropDown     *van_dropdown;
  GtkProgressBar  *progress_bar;
  GtkLabel        *summary_label;
  GtkBox          *days_box;
  GtkListBox      *unplanned_list;
  GtkLabel        *unplanned_heading;
  GtkBox          *map_slot;
};

G_DEFINE_FINAL_TYPE (PmDispatchDesk, pm_dispatch_desk, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void load (PmDispatchDesk *self);

/* A GDate from YYYY-MM-DD (invalid if it is none). */
static GDate *
parse_iso (const char *text)
{
  GDate *date = g_date_new ();
  int y, m, d;

  if (text && sscanf (text, "%d-%d-%d", &y, &m, &d) == 3 && g_date_valid_dmy (d, m, y))
    g_date_set_dmy (date, d, m, y);
  return date;
}

static char *
format_iso (GDate *date)
{
  return g_strdup_printf ("%04d-%02d-%02d", g_date_get_year (date), g_date_get_month (date),
                          g_date_get_day (date));
}

static char *
format_time (int seconds)
{
  return g_strdup_printf ("%02d:%02d", seconds / 3600, (seconds / 60) % 60);
}

static char *
format_duration (int seconds)
{
  int minutes = (seconds + 30) / 60;

  if (minutes < 60)
    /* Translators: a duration in minutes */
    return g_strdup_printf (_("%d min"), minutes);
  /* Translators: a duration in hours and minutes */
  return g_strdup_printf (_("%d h %02d min"), minutes / 60, minutes % 60);
}

static void
toast (PmDispatchDesk *self,
       const char     *message)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

static void
update_actions (PmDispatchDesk *self)
{
  gboolean ready = self->board && !self->loading && !self->optimising && !self->publishing;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "desk.undo", ready && pm_plan_board_can_undo (self->board));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "desk.redo", ready && pm_plan_board_can_redo (self->board));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "desk.optimise", ready);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "desk.publish", ready);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "desk.new-request", self->store != NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
set_summary (PmDispatchDesk *self,
             const char     *summary)
{
  g_free (self->summary);
  self->summary = g_strdup (summary);
  gtk_label_set_label (self->summary_label, summary ? summary : "");
}

/* The board, column by column */

static GMenuModel *
stop_menu (PmDispatchDesk    *self,
           const PmBoardStop *stop,
           int                day)
{
  GMenu *menu = g_menu_new ();
  g_autoptr(GMenu) moves = g_menu_new ();
  g_autoptr(GMenu) vans = g_menu_new ();
  const char *id = pm_record_get_id (stop->visit);
  int n_vans = pm_plan_board_get_n_vans (self->board);
  static const struct { const char *action; const char *label; } items[] = {
    { "desk.stop-up", N_("Move up") },
    { "desk.stop-down", N_("Move down") },
    { "desk.stop-earlier", N_("To the day before") },
    { "desk.stop-later", N_("To the day after") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (items); i++)
    {
      g_autoptr(GMenuItem) item = NULL;

      if ((i == 2 && day - 1 < pm_plan_board_get_today (self->board)) || (i == 3 && day == N_DAYS - 1))
        continue;
      item = g_menu_item_new (_(items[i].label), NULL);
      g_menu_item_set_action_and_target (item, items[i].action, "s", id);
      g_menu_append_item (moves, item);
    }
  g_menu_append_section (menu, NULL, G_MENU_MODEL (moves));
  for (int v = 0; v < n_vans; v++)
    if (v != self->van)
      {
        g_autofree char *label = g_strdup_printf (_("To %s"),
                                                  pm_record_get_string (pm_plan_board_get_van (self->board, v), "name"));
        g_autofree char *target = g_strdup_printf ("%s\t%d", id, v);
        g_autoptr(GMenuItem) item = g_menu_item_new (label, NULL);

        g_menu_item_set_action_and_target (item, "desk.stop-to-van", "s", target);
        g_menu_append_item (vans, item);
      }
  if (n_vans > 1)
    g_menu_append_section (menu, NULL, G_MENU_MODEL (vans));
  {
    g_autoptr(GMenu) rest = g_menu_new ();
    g_autoptr(GMenuItem) pin = g_menu_item_new (stop->pinned ? _("Unpin") : _("Pin to this day"), NULL);
    g_autoptr(GMenuItem) unplan = g_menu_item_new (_("Take off the route"), NULL);

    g_menu_item_set_action_and_target (pin, "desk.stop-pin", "s", id);
    g_menu_item_set_action_and_target (unplan, "desk.stop-unplan", "s", id);
    g_menu_append_item (rest, pin);
    g_menu_append_item (rest, unplan);
    g_menu_append_section (menu, NULL, G_MENU_MODEL (rest));
  }
  return G_MENU_MODEL (menu);
}

static GtkWidget *
label_new (const char *text,
           const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  if (css_class)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

static GtkWidget *
stop_row (PmDispatchDesk    *self,
          const PmBoardStop *stop,
          int                number,
          int                day)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *menu_button = gtk_menu_button_new ();
  g_autoptr(GMenuModel) menu = stop_menu (self, stop, day);
  g_autofree char *start = format_time (stop->start);
  g_autofree char *end = format_time (stop->end);
  g_autofree char *times = g_strdup_printf ("%s–%s", start, end);
  g_autofree char *badge = g_strdup_printf ("%d", number);
  g_autofree char *place = pm_ui_visit_place (stop->visit);
  const char *persons = pm_record_get_string (stop->visit, "persons");
  g_autofree char *accessible = NULL;
  GtkWidget *number_label = gtk_label_new (badge);

  gtk_widget_add_css_class (row, "board-stop");
  gtk_widget_add_css_class (number_label, "stop-number");
  gtk_widget_set_valign (number_label, GTK_ALIGN_START);
  gtk_box_append (GTK_BOX (row), number_label);
  gtk_box_append (GTK_BOX (text), label_new (times, "heading"));
  gtk_box_append (GTK_BOX (text), label_new (persons && *persons ? persons : _("Person not known"), NULL));
  gtk_box_append (GTK_BOX (text), label_new (place, "dim-label"));
  if (stop->waiting >= 60)
    {
      g_autofree char *wait = format_duration (stop->waiting);
      /* Translators: %s is a duration */
      g_autofree char *line = g_strdup_printf (_("waits %s"), wait);

      gtk_box_append (GTK_BOX (text), label_new (line, "caption"));
    }
  if (stop->violations)
    gtk_widget_add_css_class (row, "violation");
  gtk_widget_set_hexpand (text, TRUE);
  gtk_box_append (GTK_BOX (row), text);
  if (stop->pinned)
    {
      GtkWidget *pin = gtk_image_new_from_icon_name ("view-pin-symbolic");

      gtk_widget_set_tooltip_text (pin, _("Pinned: stays on this day when optimising"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (pin), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Pinned"), -1);
      gtk_widget_set_valign (pin, GTK_ALIGN_START);
      gtk_box_append (GTK_BOX (row), pin);
    }
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (menu_button), "view-more-symbolic");
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (menu_button), menu);
  gtk_widget_set_valign (menu_button, GTK_ALIGN_START);
  gtk_widget_add_css_class (menu_button, "flat");
  /* Translators: accessible name of a stop's menu; %s are the persons */
  accessible = g_strdup_printf (_("Change the visit of %s"), persons ? persons : place);
  gtk_accessible_update_property (GTK_ACCESSIBLE (menu_button), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  gtk_box_append (GTK_BOX (row), menu_button);
  return row;
}

static char *
route_summary (const PmBoardRoute *route)
{
  g_autofree char *depart = format_time (route->depart);
  g_autofree char *arrive = format_time (route->arrive);
  g_autofree char *travel = format_duration (route->travel);
  g_autofree char *waiting = format_duration (route->waiting);
  g_autofree char *service = format_duration (route->service);

  /* Translators: departure–return, driving, service and waiting time of a route */
  return g_strdup_printf (_("%s–%s\nDriving %s · on site %s · waiting %s"), depart, arrive, travel, service,
                          waiting);
}

static void
optimise_day_toggled_cb (GtkCheckButton *button,
                         PmDispatchDesk *self)
{
  int day = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "day"));

  self->optimise_days[day] = gtk_check_button_get_active (button);
}

static GtkWidget *
day_column (PmDispatchDesk *self,
            int             day)
{
  const PmBoardRoute *route = pm_plan_board_get_route (self->board, self->van, day);
  g_autofree char *date = pm_plan_board_get_date (self->board, day);
  g_autofree char *title = pm_ui_format_day_short (date);
  g_autofree char *full = pm_ui_format_day (date);
  g_autofree char *include = NULL;
  g_autofree char *show = NULL;
  g_auto(GStrv) problems = pm_plan_board_describe_violations (self->board, self->van, day);
  GtkWidget *column = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *check = gtk_check_button_new_with_label (title);
  GtkWidget *map_button = gtk_button_new_from_icon_name ("mark-location-symbolic");
  GtkWidget *list = gtk_list_box_new ();

  gtk_widget_add_css_class (column, "day-column");
  if (day == self->map_day)
    gtk_widget_add_css_class (column, "map-day");
  gtk_widget_set_size_request (column, 220, -1);

  /* Only days after today are optimised (earlier ones are over, today's
   * route is the van's own). */
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check),
                               self->optimise_days[day] && day > pm_plan_board_get_today (self->board));
  gtk_widget_set_sensitive (check, day > pm_plan_board_get_today (self->board));
  g_object_set_data (G_OBJECT (check), "day", GINT_TO_POINTER (day));
  g_signal_connect_object (check, "toggled", G_CALLBACK (optimise_day_toggled_cb), self, 0);
  /* Translators: %s is a day, e.g. "Monday, 23 November" */
  include = g_strdup_printf (_("Optimise %s"), full);
  gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL, include, -1);
  gtk_widget_set_tooltip_text (check, _("Tick to include this day when optimising"));
  gtk_widget_set_hexpand (check, TRUE);
  gtk_widget_add_css_class (check, "heading");
  gtk_box_append (GTK_BOX (header), check);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (map_button), "desk.show-day");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (map_button), "i", day);
  gtk_widget_add_css_class (map_button, "flat");
  /* Translators: %s is a day */
  show = g_strdup_printf (_("Show the route of %s on the map"), full);
  gtk_widget_set_tooltip_text (map_button, show);
  gtk_accessible_update_property (GTK_ACCESSIBLE (map_button), GTK_ACCESSIBLE_PROPERTY_LABEL, show, -1);
  gtk_box_append (GTK_BOX (header), map_button);
  gtk_box_append (GTK_BOX (column), header);

  if (route->n_stops > 0)
    {
      g_autofree char *summary = route_summary (route);

      gtk_box_append (GTK_BOX (column), label_new (summary, "caption"));
    }
  for (guint i = 0; problems && problems[i]; i++)
    gtk_box_append (GTK_BOX (column), label_new (problems[i], "error"));

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  /* Translators: accessible name of a day's list of stops */
  {
    g_autofree char *name = g_strdup_printf (_("Route of %s"), full);

    gtk_accessible_update_property (GTK_ACCESSIBLE (list), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  }
  for (int k = 0; k <= route->n_stops; k++)
    {
      if (k == route->break_after)
        {
          g_autofree char *from = format_time (route->break_start);
          g_autofree char *to = format_time (route->break_start + 30 * 60);
          /* Translators: the break of a route, from–to */
          g_autofree char *text = g_strdup_printf (_("Break %s–%s"), from, to);
          GtkWidget *label = label_new (text, "dim-label");

          gtk_widget_add_css_class (label, "board-break");
          gtk_list_box_append (GTK_LIST_BOX (list), label);
        }
      if (k < route->n_stops)
        gtk_list_box_append (GTK_LIST_BOX (list),
                             stop_row (self, pm_plan_board_get_stop (self->board, self->van, day, k), k + 1, day));
    }
  if (route->n_stops == 0)
    gtk_list_box_append (GTK_LIST_BOX (list), label_new (_("No visits"), "dim-label"));
  gtk_box_append (GTK_BOX (column), list);
  return column;
}

static GtkWidget *
unplanned_row (PmDispatchDesk *self,
               guint           index)
{
  PmRecord *visit = pm_plan_board_get_unplanned (self->board, index);
  const char *persons = pm_record_get_string (visit, "persons");
  g_autofree char *place = pm_ui_visit_place (visit);
  g_autofree char *title = g_strdup_printf ("%s · %s", persons && *persons ? persons : _("Person not known"), place);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button = gtk_menu_button_new ();
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autofree char *accessible = NULL;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), pm_plan_board_get_unplanned_reason (self->board, index));
  for (int day = MAX (pm_plan_board_get_today (self->board), 0); day < N_DAYS; day++)
    {
      g_autofree char *date = pm_plan_board_get_date (self->board, day);
      g_autofree char *short_day = pm_ui_format_day_short (date);
      /* Translators: %s is a day, e.g. "Mo 23.11." */
      g_autofree char *label = g_strdup_printf (_("Plan on %s"), short_day);
      g_autofree char *target = g_strdup_printf ("%s\t%d", pm_record_get_id (visit), day);
      g_autoptr(GMenuItem) item = g_menu_item_new (label, NULL);

      g_menu_item_set_action_and_target (item, "desk.plan", "s", target);
      g_menu_append_item (menu, item);
    }
  gtk_menu_button_set_label (GTK_MENU_BUTTON (button), _("Plan"));
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (button), G_MENU_MODEL (menu));
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  /* Translators: accessible name; %s are the persons */
  accessible = g_strdup_printf (_("Plan the visit of %s"), title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  return row;
}

static void
show_board (PmDispatchDesk *self)
{
  GtkWidget *child;
  guint n_unplanned;
  g_autofree char *heading = NULL;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->days_box))))
    gtk_box_remove (self->days_box, child);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->unplanned_list))))
    gtk_list_box_remove (self->unplanned_list, child);
  if (self->board == NULL)
    return;
  for (int day = 0; day < N_DAYS; day++)
    gtk_box_append (self->days_box, day_column (self, day));
  n_unplanned = pm_plan_board_get_n_unplanned (self->board);
  for (guint i = 0; i < n_unplanned; i++)
    gtk_list_box_append (self->unplanned_list, unplanned_row (self, i));
  if (n_unplanned == 0)
    gtk_list_box_append (self->unplanned_list, label_new (_("Every request is planned."), "dim-label"));
  /* Translators: heading with the number of unplanned visits */
  heading = g_strdup_printf (_("Not planned (%u)"), n_unplanned);
  gtk_label_set_label (self->unplanned_heading, heading);
  pm_dispatch_map_set_route (self->map, self->board, self->van, self->map_day);
  update_actions (self);
}

static void
board_changed_cb (PmDispatchDesk *self)
{
  show_board (self);
}

static void
van_selected_cb (PmDispatchDesk *self)
{
  guint selected = gtk_drop_down_get_selected (self->van_dropdown);

  if (self->board == NULL || selected == GTK_INVALID_LIST_POSITION || (int) selected == self->van)
    return;
  self->van = (int) selected;
  show_board (self);
}

/* Loading the week */

static void
show_message (PmDispatchDesk *self,
              const char     *title,
              const char     *description)
{
  adw_status_page_set_title (self->message_page, title);
  adw_status_page_set_description (self->message_page, description);
  gtk_stack_set_visible_child_name (self->desk_stack, "message");
}

static void
set_board (PmDispatchDesk *self,
           PmPlanBoard    *board)
{
  if (self->board)
    g_signal_handlers_disconnect_by_data (self->board, self);
  g_set_object (&self->board, board);
  if (board)
    g_signal_connect_object (board, "changed", G_CALLBACK (board_changed_cb), self, G_CONNECT_SWAPPED);
}

static void
visits_loaded_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) visits = pm_store_list_finish (PM_STORE (source), result, &error);
  g_autoptr(PmPlanBoard) board = NULL;
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  PmDispatchDesk *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = PM_DISPATCH_DESK (user_data);
  self->loading = FALSE;
  if (visits)
    board = pm_plan_board_new (visits, self->vans, self->monday, N_DAYS, &error);
  if (board == NULL)
    {
      g_warning ("Loading the week failed: %s", error->message);
      show_message (self, _("The week could not be loaded"), error->message);
      update_actions (self);
      return;
    }
  set_board (self, board);
  for (guint v = 0; v < self->vans->len; v++)
    gtk_string_list_append (names, pm_record_get_string (g_ptr_array_index (self->vans, v), "name"));
  self->van = MIN (self->van, (int) self->vans->len - 1);
  gtk_drop_down_set_model (self->van_dropdown, G_LIST_MODEL (names));
  gtk_drop_down_set_selected (self->van_dropdown, (guint) self->van);
  gtk_stack_set_visible_child_name (self->desk_stack, "board");
  show_board (self);
}

static void
vans_loaded_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *vans = pm_store_list_finish (PM_STORE (source), result, &error);
  PmDispatchDesk *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = PM_DISPATCH_DESK (user_data);
  g_clear_pointer (&self->vans, g_ptr_array_unref);
  self->vans = vans;
  if (vans == NULL || vans->len == 0)
    {
      self->loading = FALSE;
      if (error)
        g_warning ("Loading the vans failed: %s", error->message);
      show_message (self, _("No van to plan for"),
                    error ? error->message : _("The IT department adds the vans to the city's data."));
      update_actions (self);
      return;
    }
  pm_store_list_async (self->store, PM_TYPE_VISIT, self->cancellable, visits_loaded_cb, self);
}

static void
update_week_title (PmDispatchDesk *self)
{
  g_autoptr(GDate) first = parse_iso (self->monday);
  g_autofree char *friday = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autofree char *subtitle = NULL;

  g_date_add_days (first, N_DAYS - 1);
  friday = format_iso (first);
  from = pm_ui_format_day_short (self->monday);
  to = pm_ui_format_day_short (friday);
  /* Translators: the week shown: week number, first and last day */
  subtitle = g_strdup_printf (_("Week %u: %s – %s"), g_date_get_iso8601_week_of_year (first), from, to);
  adw_window_title_set_subtitle (self->week_title, subtitle);
}

static void
load (PmDispatchDesk *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  set_board (self, NULL);
  self->optimising = FALSE;
  self->publishing = FALSE;
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), FALSE);
  if (self->store == NULL)
    {
      show_board (self);
      update_actions (self);
      return;
    }
  self->cancellable = g_cancellable_new ();
  self->loading = TRUE;
  update_week_title (self);
  gtk_stack_set_visible_child_name (self->desk_stack, "loading");
  update_actions (self);
  pm_store_list_async (self->store, PM_TYPE_VAN, self->cancellable, vans_loaded_cb, self);
}

/* Changes on the board */

static void
report (PmDispatchDesk *self,
        GError         *error)
{
  if (error)
    toast (self, error->message);
}

static void
move_by (PmDispatchDesk *self,
         const char     *id,
         int             van_change,
         int             day_change,
         int             position_change)
{
  g_autoptr(GError) error = NULL;
  int van, day, position;

  if (self->board == NULL || self->optimising || !pm_plan_board_find (self->board, id, &van, &day, &position) || van < 0)
    return;
  if (position_change < 0 && position == 0)
    return;
  pm_plan_board_move (self->board, id, van_change >= 0 ? van_change : van, day + day_change,
                      day_change == 0 && van_change < 0 ? position + position_change : -1, &error);
  report (self, error);
}

static void
stop_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  PmDispatchDesk *self = PM_DISPATCH_DESK (widget);
  const char *id = g_variant_get_string (parameter, NULL);
  g_autoptr(GError) error = NULL;
  int van, day, position;

  if (self->board == NULL)
    return;
  if (g_str_equal (action_name, "desk.stop-up"))
    move_by (self, id, -1, 0, -1);
  else if (g_str_equal (action_name, "desk.stop-down"))
    move_by (self, id, -1, 0, 1);
  else if (g_str_equal (action_name, "desk.stop-earlier"))
    move_by (self, id, -1, -1, 0);
  else if (g_str_equal (action_name, "desk.stop-later"))
    move_by (self, id, -1, 1, 0);
  else if (g_str_equal (action_name, "desk.stop-unplan"))
    pm_plan_board_unplan (self->board, id, &error);
  else if (g_str_equal (action_name, "desk.stop-pin") && pm_plan_board_find (self->board, id, &van, &day, &position))
    pm_plan_board_set_pinned (self->board, id, !pm_plan_board_get_stop (self->board, van, day, position)->pinned,
                              &error);
  report (self, error);
}

/* "ID\tNUMBER" targets: a visit and a van or a day. */
static gboolean
split_target (GVariant  *parameter,
              char     **id,
              int       *number)
{
  g_auto(GStrv) parts = g_strsplit (g_variant_get_string (parameter, NULL), "\t", 2);

  if (g_strv_length (parts) != 2)
    return FALSE;
  *id = g_strdup (parts[0]);
  *number = atoi (parts[1]);
  return TRUE;
}

static void
stop_to_van_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  PmDispatchDesk *self = PM_DISPATCH_DESK (widget);
  g_autofree char *id = NULL;
  int van;

  if (split_target (parameter, &id, &van))
    move_by (self, id, van, 0, 0);
}

static void
plan_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  PmDispatchDesk *self = PM_DISPATCH_DESK (widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  int day;

  if (self->board && !self->optimising && split_target (parameter, &id, &day))
    pm_plan_board_move (self->board, id, self->van, day, -1, &error);
  report (self, error);
}

static void
undo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  PmDispatchDesk *self = PM_DISPATCH_DESK (widget);

  if (self->board && !self->optimising)
    {
      if (g_str_equal (action_name, "desk.undo"))
        pm_plan_board_undo (self->board);
      else
        pm_plan_board_redo (self->board);
    }
}

static void
show_day_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  PmDispatchDesk *self = PM_DISPATCH_DESK (widget);

  self->map_day = CLAMP (g_variant_get_int32 (parameter), 0, N_DAYS - 1);
  show_board (self);
}

static void
move_week (PmDispatchDesk *self,
           int             days)
{
  g_autoptr(GDate) date = parse_iso (self->monday);
  g_autofree char *monday = NULL;

  if (days < 0)
    g_date_subtract_days (date, (guint) -days);
  else
    g_date_add_days (date, (guint) days);
  monday = format_iso (date);
  pm_dispatch_desk_set_week (self, monday);
}

static void
week_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  move_week (PM_DISPATCH_DESK (widget), g_str_equal (action_name, "desk.next-week") ? 7 : -7);
}

/* Optimising */

static void
progress_cb (double   fraction,
             gpointer user_data)
{
  PmDispatchDesk *self = user_data;
  g_autofree char *text = g_strdup_printf ("%d %%", (int) (fraction * 100));

  gtk_progress_bar_set_fraction (self->progress_bar, fraction);
  gtk_progress_bar_set_text (self->progress_bar, text);
}

static void
optimised_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(PmDispatchDesk) self = user_data;
  g_autoptr(GError) error = NULL;
  PmBoardSummary summary;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *text = NULL;

  if (PM_PLAN_BOARD (source) != self->board)
    return;
  self->optimising = FALSE;
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), FALSE);
  if (!pm_plan_board_optimise_finish (self->board, result, &summary, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast (self, error->message);
      update_actions (self);
      return;
    }
  before = format_duration ((int) summary.travel_before);
  after = format_duration ((int) summary.travel_after);
  /* Translators: the result of an optimisation */
  text = g_strdup_printf (_("Optimised: %d visits planned (before: %d); driving %s (before: %s)"),
                          summary.placed_after, summary.placed_before, after, before);
  set_summary (self, text);
  update_actions (self);
}

static void
optimise_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  PmDispatchDesk *self = PM_DISPATCH_DESK (widget);
  PmBoardOptimiseOptions options = { OPTIMISE_ITERATIONS, OPTIMISE_TIME_LIMIT_MS, 1 };
  gboolean any = FALSE;

  if (self->board == NULL || self->optimising)
    return;
  for (int d = pm_plan_board_get_today (self->board) + 1; d < N_DAYS; d++)
    any |= self->optimise_days[MAX (d, 0)];
  if (!any)
    {
      toast (self, _("Tick at least one day after today to optimise"));
      return;
    }
  self->optimising = TRUE;
  set_summary (self, NULL);
  progress_cb (0, self);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), TRUE);
  update_actions (self);
  pm_plan_board_optimise_async (self->board, self->optimise_days, &options, progress_cb, self,
                                self->cancellable, optimised_cb, g_object_ref (self));
}

/* Publishing */

static void
published_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(PmDispatchDesk) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) saved = pm_store_save_all_finish (PM_STORE (source), result, &error);
  g_autofree char *message = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || PM_STORE (source) != self->store)
    return;
  self->publishing = FALSE;
  if (saved == NULL)
    {
      g_warning ("Publishing the plan failed: %s", error->message);
      toast (self, error->message);
      update_actions (self);
      return;
    }
  message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u visit published to the vans",
                                          "%u visits published to the vans", saved->len),
                             saved->len);
  set_summary (self, message);
  toast (self, message);
  load (self);
}

static void
publish_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  PmDispatchDesk *self = PM_DISPATCH_DESK (widget);
  g_autoptr(GPtrArray) changes = NULL;

  if (self->board == NULL || self->publishing || self->optimising)
    return;
  changes = pm_plan_board_get_changes (self->board);
  if (changes->len == 0)
    {
      toast (self, _("Nothing has changed since the last publication"));
      return;
    }
  self->publishing = TRUE;
  update_actions (self);
  pm_store_save_all_async (self->store, changes, self->cancellable, published_cb, g_object_ref (self));
}

/* Requests */

static void
request_saved_cb (PmDispatchDesk *self,
                  PmRecord       *visit)
{
  g_autofree char *message = NULL;

  if (self->request_window)
    gtk_window_destroy (self->request_window);
  /* Translators: %s are the persons of the new request */
  message = g_strdup_printf (_("Request for %s saved"), pm_record_get_string (visit, "persons"));
  toast (self, message);
  load (self);
}

static void
new_request_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  PmDispatchDesk *self = PM_DISPATCH_DESK (widget);
  PmDispatchRequest *form;

  if (self->store == NULL)
    return;
  if (self->request_window)
    {
      gtk_window_present (self->request_window);
      return;
    }
  form = pm_dispatch_request_new (self->store);
  g_signal_connect_object (form, "saved", G_CALLBACK (request_saved_cb), self, G_CONNECT_SWAPPED);
  self->request_window = GTK_WINDOW (adw_window_new ());
  g_object_add_weak_pointer (G_OBJECT (self->request_window), (gpointer *) &self->request_window);
  gtk_window_set_title (self->request_window, _("New visit request"));
  gtk_window_set_modal (self->request_window, TRUE);
  gtk_window_set_transient_for (self->request_window, GTK_WINDOW (gtk_widget_get_root (widget)));
  gtk_window_set_default_size (self->request_window, 640, 760);
  adw_window_set_content (ADW_WINDOW (self->request_window), GTK_WIDGET (form));
  gtk_window_present (self->request_window);
}

/* GObject */

static void
pm_dispatch_desk_dispose (GObject *object)
{
  PmDispatchDesk *self = PM_DISPATCH_DESK (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->request_window)
    gtk_window_destroy (self->request_window);
  set_board (self, NULL);
  g_clear_pointer (&self->vans, g_ptr_array_unref);
  g_clear_object (&self->store);
  gtk_widget_dispose_template (GTK_WIDGET (self), PM_TYPE_DISPATCH_DESK);
  /* The header bar and the page are not bound, so not cleared above. */
  pm_ui_unparent_children (GTK_WIDGET (self));
  G_OBJECT_CLASS (pm_dispatch_desk_parent_class)->dispose (object);
}

static void
pm_dispatch_desk_finalize (GObject *object)
{
  PmDispatchDesk *self = PM_DISPATCH_DESK (object);

  g_free (self->monday);
  g_free (self->summary);
  G_OBJECT_CLASS (pm_dispatch_desk_parent_class)->finalize (object);
}

static void
pm_dispatch_desk_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  PmDispatchDesk *self = PM_DISPATCH_DESK (object);

  switch (prop_id)
    {
    case PROP_BUSY:
      g_value_set_boolean (value, pm_dispatch_desk_get_busy (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pm_dispatch_desk_class_init (PmDispatchDeskClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  static const char * const stop_actions[] = {
    "desk.stop-up", "desk.stop-down", "desk.stop-earlier", "desk.stop-later", "desk.stop-pin", "desk.stop-unplan",
  };

  object_class->dispose = pm_dispatch_desk_dispose;
  object_class->finalize = pm_dispatch_desk_finalize;
  object_class->get_property = pm_dispatch_desk_get_property;

  /* Loading, optimising or publishing: the board waits. */
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  for (guint i = 0; i < G_N_ELEMENTS (stop_actions); i++)
    gtk_widget_class_install_action (widget_class, stop_actions[i], "s", stop_action);
  gtk_widget_class_install_action (widget_class, "desk.stop-to-van", "s", stop_to_van_action);
  gtk_widget_class_install_action (widget_class, "desk.plan", "s", plan_action);
  gtk_widget_class_install_action (widget_class, "desk.undo", NULL, undo_action);
  gtk_widget_class_install_action (widget_class, "desk.redo", NULL, undo_action);
  gtk_widget_class_install_action (widget_class, "desk.show-day", "i", show_day_action);
  gtk_widget_class_install_action (widget_class, "desk.previous-week", NULL, week_action);
  gtk_widget_class_install_action (widget_class, "desk.next-week", NULL, week_action);
  gtk_widget_class_install_action (widget_class, "desk.optimise", NULL, optimise_action);
  gtk_widget_class_install_action (widget_class, "desk.publish", NULL, publish_action);
  gtk_widget_class_install_action (widget_class, "desk.new-request", NULL, new_request_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK, "desk.undo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "desk.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "desk.new-request", NULL);

  gtk_widget_class_set_template_from_resource (widget_class, "/de/halle/PePaMo/ui/pm-dispatch-desk.ui");
  gtk_widget_class_bind_template_child (widget_class, PmDispatchDesk, week_title);
  gtk_widget_class_bind_template_child (widget_class, PmDispatchDesk, person_button);
  gtk_widget_class_bind_template_child (widget_class, PmDispatchDesk, person_content);
  gtk_widget_class_bind_template_child (widget_class, PmDispatchDesk, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, PmDispatchDesk, desk_stack);
  gtk_widget_class_bind_template_child (widget_class, PmDispatchDesk, message_page);
  gtk_widget_class_bind_template_child (widget_class, PmDispatchDesk, van_dropdown);
  gtk_widget_class_bind_template_child (widget_class, PmDispatchDesk, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, PmDispatchDesk, summary_label);
  gtk_widget_class_bind_template_child (widget_class, PmDispatchDesk, days_box);
  gtk_widget_class_bind_template_child (widget_class, PmDispatchDesk, unplanned_list);
  gtk_widget_class_bind_template_child (widget_class, PmDispatchDesk, unplanned_heading);
  gtk_widget_class_bind_template_child (widget_class, PmDispatchDesk, map_slot);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

/* Monday of the week of `date` (YYYY-MM-DD); at the weekend, of the next. */
static char *
monday_of (const char *date)
{
  g_autoptr(GDate) day = parse_iso (date);

  if (!g_date_valid (day))
    return g_strdup (date);
  if (g_date_get_weekday (day) >= G_DATE_SATURDAY)
    g_date_add_days (day, 8 - g_date_get_weekday (day));
  else
    g_date_subtract_days (day, g_date_get_weekday (day) - G_DATE_MONDAY);
  return format_iso (day);
}

static void
pm_dispatch_desk_init (PmDispatchDesk *self)
{
  g_autofree char *today = pm_clock_today ();

  gtk_widget_init_template (GTK_WIDGET (self));
  self->monday = monday_of (today);
  for (int d = 0; d < N_DAYS; d++)
    self->optimise_days[d] = TRUE;
  self->map = pm_dispatch_map_new ();
  gtk_widget_set_vexpand (GTK_WIDGET (self->map), TRUE);
  gtk_box_append (self->map_slot, GTK_WIDGET (self->map));
  g_signal_connect_object (self->van_dropdown, "notify::selected", G_CALLBACK (van_selected_cb), self,
                           G_CONNECT_SWAPPED);
  update_week_title (self);
  update_actions (self);
}

PmDispatchDesk *
pm_dispatch_desk_new (void)
{
  return g_object_new (PM_TYPE_DISPATCH_DESK, NULL);
}

/* With a store, the week loads; without one everything decrypted is
 * dropped (the window locked). */
void
pm_dispatch_desk_set_store (PmDispatchDesk *self,
                            PmStore        *store)
{
  g_return_if_fail (PM_IS_DISPATCH_DESK (self));
  if (store == self->store && store != NULL)
    return;
  g_set_object (&self->store, store);
  if (store == NULL && self->request_window)
    gtk_window_destroy (self->request_window);
  set_summary (self, NULL);
  load (self);
}

void
pm_dispatch_desk_set_people (PmDispatchDesk *self,
                             GMenuModel     *menu,
                             const char     *acting_name)
{
  g_return_if_fail (PM_IS_DISPATCH_DESK (self));
  pm_ui_show_person (self->person_button, GTK_WIDGET (self->person_content), menu, acting_name);
}

/* Shows the week from `monday` (YYYY-MM-DD, moved to a Monday). */
void
pm_dispatch_desk_set_week (PmDispatchDesk *self,
                           const char     *monday)
{
  g_return_if_fail (PM_IS_DISPATCH_DESK (self));
  g_free (self->monday);
  self->monday = monday_of (monday);
  set_summary (self, NULL);
  load (self);
}

gboolean
pm_dispatch_desk_get_busy (PmDispatchDesk *self)
{
  g_return_val_if_fail (PM_IS_DISPATCH_DESK (self), FALSE);
  return self->loading || self->optimising || self->publishing;
}

PmPlanBoard *
pm_dispatch_desk_get_board (PmDispatchDesk *self)
{
  g_return_val_if_fail (PM_IS_DISPATCH_DESK (self), NULL);
  return self->board;
}

const char *
pm_dispatch_desk_get_summary (PmDispatchDesk *self)
{
  g_return_val_if_fail (PM_IS_DISPATCH_DESK (self), NULL);
  return self->summary;
}

/* The open request form, if any (for tests). */
GtkWidget *
pm_dispatch_desk_get_request (PmDispatchDesk *self)
{
  g_return_val_if_fail (PM_IS_DISPATCH_DESK (self), NULL);
  return self->request_window ? adw_window_get_content (ADW_WINDOW (self->request_window)) : NULL;
}
