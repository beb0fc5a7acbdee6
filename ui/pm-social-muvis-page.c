/* pm-social-muvis-page.c: the MUVIS figures of a month, as table and chart
 *
 * Where the figures come from: an enrolled device asks the city's server
 * through the sync layer (PmReportSource): those are the figures of every
 * van, and a planning device gets them without ever holding a record. A
 * device that is not enrolled (the demo, a standalone laptop of Soziales)
 * has core count its own store in a worker thread; core refuses that to
 * anyone outside Soziales. Either way the page holds only the published
 * report: withheld counts never reach it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pm-social-muvis"

#include "config.h"

#include <glib/gi18n.h>

#include "pm-clock.h"
#include "pm-social-chart.h"
#include "pm-social-muvis-page.h"
#include "pm-store-sync.h"
#include "pm-ui-labels.h"

struct _PmSocialMuvisPage
{
  GtkWidget       parent_instance;

  PmStore        *store;
  PmReportSource *source;
  char           *month;
  PmMuvisReport  *report;
  GCancellable   *cancellable;
  gboolean        loading;

  GtkLabel       *month_label;
  GtkDropDown    *section_dropdown;
  GtkWidget      *csv_button;
  GtkWidget      *json_button;
  GtkLabel       *source_label;
  GtkStack       *stack;
  AdwStatusPage  *message_page;
  PmSocialChart  *chart;
  GtkGrid        *table;
};

G_DEFINE_FINAL_TYPE (PmSocialMuvisPage, pm_social_muvis_page, GTK_TYPE_WIDGET)

/* In the order of the section drop-down. */
static const char * const sections[] = { "visits", "services", "topics", "unmet_needs", NULL };

static void
update_month_label (PmSocialMuvisPage *self)
{
  g_autofree char *iso = g_strconcat (self->month, "-15T12:00:00Z", NULL);
  g_autoptr(GDateTime) day = g_date_time_new_from_iso8601 (iso, NULL);
  g_autofree char *text = day ? g_date_time_format (day, "%B %Y") : g_strdup (self->month);

  gtk_label_set_label (self->month_label, text);
}

static void
set_exportable (PmSocialMuvisPage *self,
                gboolean           exportable)
{
  gtk_widget_set_sensitive (self->csv_button, exportable);
  gtk_widget_set_sensitive (self->json_button, exportable);
}

static GtkWidget *
cell_label (const char *text,
            gboolean    number,
            gboolean    bold)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), number ? 1 : 0);
  if (bold)
    gtk_widget_add_css_class (label, "heading");
  if (number)
    gtk_widget_add_css_class (label, "numeric");
  return label;
}

static void
clear_table (PmSocialMuvisPage *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->table))))
    gtk_grid_remove (self->table, child);
}

/* The section's table: the districts with something to count, the columns
 * whose total is not 0, then the totals row. */
static void
show_section (PmSocialMuvisPage *self)
{
  guint selected = gtk_drop_down_get_selected (self->section_dropdown);
  const char *section = sections[MIN (selected, G_N_ELEMENTS (sections) - 2)];
  g_autoptr(GArray) columns = g_array_new (FALSE, FALSE, sizeof (guint));
  guint n_rows;
  guint total_column = 0;
  guint row = 1;
  GtkStringObject *item = GTK_STRING_OBJECT (gtk_drop_down_get_selected_item (self->section_dropdown));

  clear_table (self);
  if (self->report == NULL)
    return;
  n_rows = pm_muvis_report_get_n_rows (self->report);
  for (guint c = 0; c < pm_muvis_report_get_n_columns (self->report); c++)
    {
      if (g_strcmp0 (pm_muvis_report_get_column_section (self->report, c), section) != 0)
        continue;
      total_column = c;
      if (pm_muvis_report_get_count (self->report, n_rows - 1, c) != 0)
        g_array_append_val (columns, c);
    }
  pm_social_chart_show_column (self->chart, self->report, total_column,
                               item ? gtk_string_object_get_string (item) : section);

  gtk_grid_attach (self->table, cell_label (_("District"), FALSE, TRUE), 0, 0, 1, 1);
  for (guint i = 0; i < columns->len; i++)
    gtk_grid_attach (self->table,
                     cell_label (pm_muvis_report_get_column_label (self->report, g_array_index (columns, guint, i)),
                                 TRUE, TRUE),
                     i + 1, 0, 1, 1);
  for (guint r = 0; r < n_rows; r++)
    {
      gboolean total = r + 1 == n_rows;

      if (!total && pm_muvis_report_get_count (self->report, r, total_column) == 0)
        continue;
      gtk_grid_attach (self->table, cell_label (pm_muvis_report_get_row_label (self->report, r), FALSE, total),
                       0, row, 1, 1);
      for (guint i = 0; i < columns->len; i++)
        {
          g_autofree char *text = pm_muvis_report_dup_cell_text (self->report, r, g_array_index (columns, guint, i));

          gtk_grid_attach (self->table, cell_label (text, TRUE, total), i + 1, row, 1, 1);
        }
      row++;
    }
}

static void
show_message (PmSocialMuvisPage *self,
              const char        *icon,
              const char        *title,
              const char        *description)
{
  adw_status_page_set_icon_name (self->message_page, icon);
  adw_status_page_set_title (self->message_page, title);
  adw_status_page_set_description (self->message_page, description);
  gtk_stack_set_visible_child_name (self->stack, "message");
}

static void
report_arrived (PmSocialMuvisPage *self,
                PmMuvisReport     *report,
                const GError      *error)
{
  self->loading = FALSE;
  g_clear_object (&self->report);
  if (report == NULL)
    {
      /* Refused, or no network: routine, not a fault of the program. */
      g_message ("The MUVIS figures of %s could not be loaded: %s", self->month, error->message);
      set_exportable (self, FALSE);
      show_message (self, "dialog-error-symbolic", _("The Figures Could Not Be Loaded"), error->message);
      return;
    }
  self->report = g_object_ref (report);
  set_exportable (self, TRUE);
  show_section (self);
  gtk_stack_set_visible_child_name (self->stack, "report");
}

static void
fetched_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(PmSocialMuvisPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(PmMuvisReport) report = pm_report_source_fetch_muvis_finish (PM_REPORT_SOURCE (source), result, &error);

  if (g_cancellable_is_cancelled (self->cancellable) && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    report_arrived (self, report, error);
}

static void
compute_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  PmStore *store = g_object_get_data (G_OBJECT (task), "store");
  GError *error = NULL;
  PmMuvisReport *report = pm_muvis_report_compute (store, task_data, &error);

  if (report)
    g_task_return_pointer (task, report, g_object_unref);
  else
    g_task_return_error (task, error);
}

static void
computed_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  PmSocialMuvisPage *self = PM_SOCIAL_MUVIS_PAGE (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(PmMuvisReport) report = g_task_propagate_pointer (G_TASK (result), &error);

  /* A newer request (another month, a lock) took over. */
  if (g_task_get_cancellable (G_TASK (result)) != self->cancellable)
    return;
  report_arrived (self, report, error);
}

void
pm_social_muvis_page_reload (PmSocialMuvisPage *self)
{
  g_return_if_fail (PM_IS_SOCIAL_MUVIS_PAGE (self));

  update_month_label (self);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->store == NULL)
    return;
  self->cancellable = g_cancellable_new ();
  self->loading = TRUE;
  set_exportable (self, FALSE);
  gtk_stack_set_visible_child_name (self->stack, "loading");
  if (self->source && pm_store_is_enrolled (self->store))
    {
      gtk_label_set_label (self->source_label, _("Figures of all vans, as the city's server counts them."));
      pm_report_source_fetch_muvis_async (self->source, self->month, self->cancellable, fetched_cb,
                                          g_object_ref (self));
    }
  else
    {
      g_autoptr(GTask) task = g_task_new (self, self->cancellable, computed_cb, NULL);

      gtk_label_set_label (self->source_label,
                           _("Counted from the records on this device: it is not connected to the city's server."));
      g_task_set_task_data (task, g_strdup (self->month), g_free);
      g_object_set_data_full (G_OBJECT (task), "store", g_object_ref (self->store), g_object_unref);
      g_task_run_in_thread (task, compute_thread);
    }
}

static void
move_month (PmSocialMuvisPage *self,
            int                months)
{
  g_autofree char *iso = g_strconcat (self->month, "-15T12:00:00Z", NULL);
  g_autoptr(GDateTime) day = g_date_time_new_from_iso8601 (iso, NULL);
  g_autoptr(GDateTime) moved = day ? g_date_time_add_months (day, months) : NULL;
  g_autofree char *month = moved ? g_date_time_format (moved, "%Y-%m") : NULL;

  if (month)
    pm_social_muvis_page_set_month (self, month);
}

static void
previous_month_cb (PmSocialMuvisPage *self)
{
  move_month (self, -1);
}

static void
next_month_cb (PmSocialMuvisPage *self)
{
  move_month (self, 1);
}

static void
section_changed_cb (PmSocialMuvisPage *self)
{
  show_section (self);
}

static void
saved_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  PmSocialMuvisPage *self = PM_SOCIAL_MUVIS_PAGE (source);
  g_autoptr(GFile) file = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_file_get_parse_name (file);
  g_autofree char *message = NULL;

  if (pm_social_muvis_page_export_finish (self, result, &error))
    /* Translators: %s is a file name */
    message = g_strdup_printf (_("Saved as %s"), path);
  else
    {
      g_warning ("Saving the MUVIS figures failed: %s", error->message);
      /* Translators: %s says why */
      message = g_strdup_printf (_("The figures could not be saved: %s"), error->message);
    }
  gtk_label_set_label (self->source_label, message);
}

static void
chooser_response_cb (GtkNativeDialog *chooser,
                     int              response,
                     gpointer         user_data)
{
  PmSocialMuvisPage *self = user_data;
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT &&
      (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser))))
    pm_social_muvis_page_export_async (self, file, g_object_get_data (G_OBJECT (chooser), "format"), saved_cb,
                                       g_object_ref (file));
  g_object_unref (chooser);
}

static void
choose_file (PmSocialMuvisPage *self,
             const char        *format)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *chooser;
  g_autofree char *name = g_strdup_printf ("muvis-%s.%s", self->month, format);

  if (self->report == NULL)
    return;
  chooser = gtk_file_chooser_native_new (_("Save the MUVIS Figures"), GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_object_set_data_full (G_OBJECT (chooser), "format", g_strdup (format), g_free);
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
save_csv_cb (PmSocialMuvisPage *self)
{
  choose_file (self, "csv");
}

static void
save_json_cb (PmSocialMuvisPage *self)
{
  choose_file (self, "json");
}

static void
pm_social_muvis_page_dispose (GObject *object)
{
  PmSocialMuvisPage *self = PM_SOCIAL_MUVIS_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  g_clear_object (&self->source);
  g_clear_object (&self->report);
  gtk_widget_dispose_template (GTK_WIDGET (self), PM_TYPE_SOCIAL_MUVIS_PAGE);
  pm_ui_unparent_children (GTK_WIDGET (self));
  G_OBJECT_CLASS (pm_social_muvis_page_parent_class)->dispose (object);
}

static void
pm_social_muvis_page_finalize (GObject *object)
{
  g_free (PM_SOCIAL_MUVIS_PAGE (object)->month);
  G_OBJECT_CLASS (pm_social_muvis_page_parent_class)->finalize (object);
}

static void
pm_social_muvis_page_class_init (PmSocialMuvisPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pm_social_muvis_page_dispose;
  object_class->finalize = pm_social_muvis_page_finalize;

  g_type_ensure (PM_TYPE_SOCIAL_CHART);
  gtk_widget_class_set_template_from_resource (widget_class, "/de/halle/PePaMo/ui/pm-social-muvis-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PmSocialMuvisPage, month_label);
  gtk_widget_class_bind_template_child (widget_class, PmSocialMuvisPage, section_dropdown);
  gtk_widget_class_bind_template_child (widget_class, PmSocialMuvisPage, csv_button);
  gtk_widget_class_bind_template_child (widget_class, PmSocialMuvisPage, json_button);
  gtk_widget_class_bind_template_child (widget_class, PmSocialMuvisPage, source_label);
  gtk_widget_class_bind_template_child (widget_class, PmSocialMuvisPage, stack);
  gtk_widget_class_bind_template_child (widget_class, PmSocialMuvisPage, message_page);
  gtk_widget_class_bind_template_child (widget_class, PmSocialMuvisPage, chart);
  gtk_widget_class_bind_template_child (widget_class, PmSocialMuvisPage, table);
  gtk_widget_class_bind_template_callback (widget_class, previous_month_cb);
  gtk_widget_class_bind_template_callback (widget_class, next_month_cb);
  gtk_widget_class_bind_template_callback (widget_class, section_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, save_csv_cb);
  gtk_widget_class_bind_template_callback (widget_class, save_json_cb);
}

static void
pm_social_muvis_page_init (PmSocialMuvisPage *self)
{
  g_autofree char *today = pm_clock_today ();

  gtk_widget_init_template (GTK_WIDGET (self));
  self->month = g_strndup (today, 7);
  update_month_label (self);
  set_exportable (self, FALSE);
}

/* The store to count or to ask about; NULL (on lock) drops the report. */
void
pm_social_muvis_page_set_store (PmSocialMuvisPage *self,
                                PmStore           *store)
{
  g_return_if_fail (PM_IS_SOCIAL_MUVIS_PAGE (self));
  g_set_object (&self->store, store);
  if (store == NULL)
    {
      g_cancellable_cancel (self->cancellable);
      self->loading = FALSE;
      g_clear_object (&self->report);
      clear_table (self);
      pm_social_chart_show_column (self->chart, NULL, 0, "");
      set_exportable (self, FALSE);
    }
}

void
pm_social_muvis_page_set_source (PmSocialMuvisPage *self,
                                 PmReportSource    *source)
{
  g_return_if_fail (PM_IS_SOCIAL_MUVIS_PAGE (self));
  g_set_object (&self->source, source);
}

void
pm_social_muvis_page_set_month (PmSocialMuvisPage *self,
                                const char        *month)
{
  g_return_if_fail (PM_IS_SOCIAL_MUVIS_PAGE (self));
  g_return_if_fail (pm_muvis_month_is_valid (month));
  g_free (self->month);
  self->month = g_strdup (month);
  pm_social_muvis_page_reload (self);
}

PmMuvisReport *
pm_social_muvis_page_get_report (PmSocialMuvisPage *self)
{
  g_return_val_if_fail (PM_IS_SOCIAL_MUVIS_PAGE (self), NULL);
  return self->report;
}

gboolean
pm_social_muvis_page_get_loading (PmSocialMuvisPage *self)
{
  g_return_val_if_fail (PM_IS_SOCIAL_MUVIS_PAGE (self), FALSE);
  return self->loading;
}

static void
written_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * pm_social_muvis_page_export_async:
 * @format: "csv" or "json"
 *
 * Writes the report shown to @file (core's CSV or JSON), off the main
 * thread.
 */
void
pm_social_muvis_page_export_async (PmSocialMuvisPage   *self,
                                   GFile               *file,
                                   const char          *format,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);
  g_autofree char *text = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gsize length;

  g_task_set_source_tag (task, pm_social_muvis_page_export_async);
  if (self->report == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s", _("There are no figures to save yet"));
      return;
    }
  if (g_strcmp0 (format, "json") == 0)
    {
      g_autoptr(JsonNode) root = pm_muvis_report_to_json (self->report);
      g_autofree char *json = json_to_string (root, TRUE);

      text = g_strconcat (json, "\n", NULL);
    }
  else
    text = pm_muvis_report_to_csv (self->report);
  length = strlen (text);
  bytes = g_bytes_new_take (g_steal_pointer (&text), length);
  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION, NULL,
                                       written_cb, g_steal_pointer (&task));
}

gboolean
pm_social_muvis_page_export_finish (PmSocialMuvisPage  *self,
                                    GAsyncResult       *result,
                                    GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
