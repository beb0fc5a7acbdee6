/* pm-registration-case.c: one case on the registration office's desk
 *
 * The case's fields as the pre-registration sheet has them (core's
 * pm_handover_sections), the signature, and the next steps the status
 * machine allows the office from where the case stands, each with what it
 * needs (what is missing, the case number, the hand-over). Everything goes
 * through the store's _async calls; opening a case is audited in core.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pm-registration"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "pm-handover.h"
#include "pm-model.h"
#include "pm-pdf-records.h"
#include "pm-pdf.h"
#include "pm-registration-case.h"

struct _PmRegistrationCase
{
  AdwBin          parent_instance;

  PmStore        *store;
  char           *case_id;
  GPtrArray      *file;      /* case, citizen, then visit and signature if any */
  GCancellable   *cancellable;
  gboolean        busy;

  AdwWindowTitle *title;
  GtkWidget      *back_button;
  GtkStack       *stack;
  AdwStatusPage  *error_page;
  GtkWidget      *step_group;
  AdwEntryRow    *reason_row;
  AdwEntryRow    *number_row;
  AdwComboRow    *handover_row;
  GtkFlowBox     *step_buttons;
  GtkLabel       *step_error;
  GtkBox         *sections;
};

G_DEFINE_FINAL_TYPE (PmRegistrationCase, pm_registration_case, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_BUSY,
  N_PROPS
};

enum {
  CASE_CHANGED,
  BACK,
  MESSAGE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

typedef struct
{
  const char *status;
  const char *label;
} Step;

/* The office's steps, in the order of the workflow. */
static const Step steps[] = {
  { "in_progress", N_("Take into work") },
  { "query", N_("Ask for what is missing") },
  { "booked", N_("Mark as booked") },
  { "document_ready", N_("Document is ready") },
  { "handover_planned", N_("Plan the hand-over") },
  { "handed_over", N_("Mark as handed over") },
  { "closed", N_("Close") },
  { "rejected", N_("Reject") },
};

static const char * const handover_modes[] = { "visit", "proxy", "direct_mail", NULL };

static PmRecord *
file_record (PmRegistrationCase *self,
             GType               type)
{
  for (guint i = 0; self->file && i < self->file->len; i++)
    if (G_TYPE_CHECK_INSTANCE_TYPE (g_ptr_array_index (self->file, i), type))
      return g_ptr_array_index (self->file, i);
  return NULL;
}

static void
set_busy (PmRegistrationCase *self,
          gboolean            busy)
{
  if (self->busy == busy)
    return;
  self->busy = busy;
  gtk_widget_set_sensitive (GTK_WIDGET (self->step_group), !busy);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
remove_children (GtkWidget *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (box)) != NULL)
    {
      if (GTK_IS_FLOW_BOX (box))
        gtk_flow_box_remove (GTK_FLOW_BOX (box), child);
      else
        gtk_box_remove (GTK_BOX (box), child);
    }
}

static void
draw_signature_cb (GtkDrawingArea *area,
                   cairo_t        *cr,
                   int             width,
                   int             height,
                   gpointer        user_data)
{
  PmRecord *signature = user_data;

  pm_signature_draw (cr, pm_record_get_string (signature, "strokes"), 0, 0, width, height);
}

static GtkWidget *
signature_group (PmRecord *signature)
{
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *area = gtk_drawing_area_new ();
  g_autofree char *day = pm_format_timestamp_day (pm_record_get_string (signature, "signed_at"));
  /* Translators: under a signature; the first %s is a name, the second a date */
  g_autofree char *caption = g_strdup_printf (_("Signed by %s on %s"),
                                              pm_record_get_string (signature, "signer_name") ?: "", day ?: "");

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Signature"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), caption);
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (area), 100);
  gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (area), 330);
  gtk_widget_set_halign (area, GTK_ALIGN_START);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (area), draw_signature_cb,
                                  g_object_ref (signature), g_object_unref);
  gtk_accessible_update_property (GTK_ACCESSIBLE (area), GTK_ACCESSIBLE_PROPERTY_LABEL, caption, -1);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), area);
  return group;
}

static GtkWidget *
section_group (PmHandoverSection *section)
{
  GtkWidget *group = adw_preferences_group_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), section->heading);
  for (guint f = 0; f + 1 < section->fields->len; f += 2)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), g_ptr_array_index (section->fields, f));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), g_ptr_array_index (section->fields, f + 1));
      /* Names and addresses are text, not markup. */
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      gtk_widget_add_css_class (row, "property");
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
  return group;
}

static void step_clicked_cb (GtkButton          *button,
                             PmRegistrationCase *self);

/* The steps the machine allows the office from here; a case the van has
 * just sent ("captured") counts as received. */
static void
show_steps (PmRegistrationCase *self,
            PmRecord           *kase)
{
  const char *status = pm_record_get_string (kase, "status");
  const char *from = g_strcmp0 (status, "captured") == 0 ? "submitted" : status;
  gboolean needs_reason = FALSE, needs_number = FALSE, needs_mode = FALSE;
  guint n = 0;

  remove_children (GTK_WIDGET (self->step_buttons));
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      GtkWidget *button;
      g_autofree char *name = NULL;

      if (!pm_case_status_check_transition (from, steps[i].status, PM_ROLE_EINWOHNERWESEN, NULL))
        continue;
      button = gtk_button_new_with_label (_(steps[i].label));
      name = g_strconcat ("step-", steps[i].status, NULL);
      gtk_widget_set_name (button, name);
      gtk_widget_set_size_request (button, -1, 44);
      if (g_str_equal (steps[i].status, "rejected"))
        gtk_widget_add_css_class (button, "destructive-action");
      else if (n == 0)
        gtk_widget_add_css_class (button, "suggested-action");
      g_object_set_data (G_OBJECT (button), "status", (gpointer) steps[i].status);
      g_signal_connect (button, "clicked", G_CALLBACK (step_clicked_cb), self);
      gtk_flow_box_append (self->step_buttons, button);
      needs_reason |= g_str_equal (steps[i].status, "query") || g_str_equal (steps[i].status, "rejected");
      needs_number |= g_str_equal (steps[i].status, "booked");
      needs_mode |= g_str_equal (steps[i].status, "handover_planned");
      n++;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->reason_row), needs_reason);
  gtk_widget_set_visible (GTK_WIDGET (self->number_row), needs_number);
  gtk_widget_set_visible (GTK_WIDGET (self->handover_row), needs_mode);
  gtk_widget_set_visible (self->step_group, n > 0);
  gtk_editable_set_text (GTK_EDITABLE (self->reason_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->number_row), pm_record_get_string (kase, "registration_number") ?: "");
  for (guint i = 0; handover_modes[i]; i++)
    if (g_strcmp0 (handover_modes[i], pm_record_get_string (kase, "handover_mode")) == 0)
      adw_combo_row_set_selected (self->handover_row, i);
  gtk_widget_set_visible (GTK_WIDGET (self->step_error), FALSE);
}

static void
show_file (PmRegistrationCase *self)
{
  PmRecord *kase = file_record (self, PM_TYPE_CASE);
  PmRecord *citizen = file_record (self, PM_TYPE_CITIZEN);
  PmRecord *signature = file_record (self, PM_TYPE_SIGNATURE);
  g_autoptr(JsonObject) handover = pm_handover_case_from_records (kase, citizen, signature,
                                                                  file_record (self, PM_TYPE_VISIT));
  g_autoptr(GPtrArray) sections = pm_handover_sections (handover);
  g_autofree char *name = g_strdup_printf ("%s %s", pm_record_get_string (citizen, "given_names") ?: "",
                                           pm_record_get_string (citizen, "family_name") ?: "");
  const char *status = pm_case_status_get_label (pm_record_get_string (kase, "status"));

  adw_window_title_set_title (self->title, name);
  adw_window_title_set_subtitle (self->title, status);
  remove_children (GTK_WIDGET (self->sections));
  for (guint i = 0; i < sections->len; i++)
    {
      PmHandoverSection *section = g_ptr_array_index (sections, i);

      if (g_str_equal (section->id, "history") && signature)
        {
          gtk_box_append (self->sections, signature_group (signature));
          signature = NULL;
        }
      gtk_box_append (self->sections, section_group (section));
    }
  if (signature)
    gtk_box_append (self->sections, signature_group (signature));
  show_steps (self, kase);
  gtk_stack_set_visible_child_name (self->stack, "case");
}

static void
file_loaded_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(PmRegistrationCase) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) file = pm_store_get_case_file_finish (PM_STORE (source), result, &error);

  if (file == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_warning ("Opening case %s failed: %s", self->case_id, error->message);
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "error");
      set_busy (self, FALSE);
      return;
    }
  g_clear_pointer (&self->file, g_ptr_array_unref);
  self->file = g_steal_pointer (&file);
  show_file (self);
  set_busy (self, FALSE);
}

static void
load (PmRegistrationCase *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  set_busy (self, TRUE);
  pm_store_get_case_file_async (self->store, self->case_id, self->cancellable, file_loaded_cb, g_object_ref (self));
}

static void
step_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(PmRegistrationCase) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) written = pm_store_advance_case_finish (PM_STORE (source), result, &error);
  g_autofree char *message = NULL;
  PmRecord *kase;

  if (written == NULL)
    {
      /* The core's message says what is wrong, in the user's language. */
      gtk_label_set_label (self->step_error, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->step_error), TRUE);
      set_busy (self, FALSE);
      return;
    }
  kase = g_ptr_array_index (written, 0);
  /* Translators: %s is the case's new status */
  message = g_strdup_printf (_("The case is now “%s”."), pm_case_status_get_label (pm_record_get_string (kase, "status")));
  if (written->len > 1)
    {
      PmRecord *visit = g_ptr_array_index (written, 1);

      g_free (message);
      message = g_strcmp0 (pm_record_get_string (visit, "status"), "requested") == 0
        ? g_strdup (_("Saved. Dispatch has a new visit request for it."))
        : g_strdup (_("Saved. The van has the task on the person's next visit."));
    }
  g_signal_emit (self, signals[MESSAGE], 0, message);
  g_signal_emit (self, signals[CASE_CHANGED], 0, kase);
  load (self);
}

static void
step_clicked_cb (GtkButton          *button,
                 PmRegistrationCase *self)
{
  const char *status = g_object_get_data (G_OBJECT (button), "status");
  PmRecord *kase = file_record (self, PM_TYPE_CASE);
  guint mode = adw_combo_row_get_selected (self->handover_row);
  PmCaseStep step = {
    status,
    gtk_editable_get_text (GTK_EDITABLE (self->reason_row)),
    gtk_editable_get_text (GTK_EDITABLE (self->number_row)),
    mode < g_strv_length ((char **) handover_modes) ? handover_modes[mode] : NULL,
  };

  if (kase == NULL || self->busy)
    return;
  gtk_widget_set_visible (GTK_WIDGET (self->step_error), FALSE);
  set_busy (self, TRUE);
  pm_store_advance_case_async (self->store, self->case_id, pm_record_get_version (kase), &step,
                               NULL, step_done_cb, g_object_ref (self));
}

/* Documents for the registration system */

typedef struct
{
  PmStore  *store;
  char     *case_id;
  char     *path;
  gboolean  json;
} HandoverJob;

static void
handover_job_free (HandoverJob *job)
{
  g_object_unref (job->store);
  g_free (job->case_id);
  g_free (job->path);
  g_free (job);
}

/* Like the window's documents: written off the main thread, into the
 * documents folder, mode 0600. */
static void
handover_thread (GTask        *task,
                 gpointer      source,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  HandoverJob *job = task_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (job->path);
  gboolean ok;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (errno), "Cannot create %s: %s",
                               dir, g_strerror (errno));
      return;
    }
  if (job->json)
    {
      g_autoptr(JsonObject) object = pm_handover_case_json (job->store, job->case_id, "export", &error);
      g_autoptr(JsonNode) node = object ? json_node_init_object (json_node_alloc (), object) : NULL;
      g_autofree char *text = node ? json_to_string (node, TRUE) : NULL;

      ok = text && g_file_set_contents_full (job->path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error);
    }
  else
    ok = pm_pdf_write_handover_sheet (job->store, job->case_id, job->path, &error);
  if (!ok)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
handover_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  PmRegistrationCase *self = PM_REGISTRATION_CASE (source);
  HandoverJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_warning ("Writing the hand-over failed: %s", error->message);
      /* Translators: %s says why */
      message = g_strdup_printf (_("The document could not be written: %s"), error->message);
    }
  else
    /* Translators: %s is a file name */
    message = g_strdup_printf (_("Saved as %s"), job->path);
  g_signal_emit (self, signals[MESSAGE], 0, message);
}

static void
write_handover (PmRegistrationCase *self,
                gboolean            json)
{
  PmRecord *kase = file_record (self, PM_TYPE_CASE);
  PmRecord *citizen = file_record (self, PM_TYPE_CITIZEN);
  const char *documents = g_get_user_special_dir (G_USER_DIRECTORY_DOCUMENTS);
  g_autoptr(GTask) task = NULL;
  g_autofree char *name = NULL;
  HandoverJob *job;

  if (kase == NULL || citizen == NULL)
    return;
  /* Translators: file name part of the pre-registration; short, no spaces */
  name = g_strdup_printf ("%s-%s-%s.%s", _("Pre-registration"), pm_record_get_string (citizen, "family_name"),
                          pm_record_get_string (kase, "captured_on"), json ? "json" : "pdf");
  g_strdelimit (name, " /\\", '-');
  job = g_new0 (HandoverJob, 1);
  job->store = g_object_ref (self->store);
  job->case_id = g_strdup (self->case_id);
  job->path = g_build_filename (documents ? documents : g_get_home_dir (), "PePaMo", name, NULL);
  job->json = json;
  task = g_task_new (self, NULL, handover_done_cb, NULL);
  g_task_set_task_data (task, job, (GDestroyNotify) handover_job_free);
  g_task_run_in_thread (task, handover_thread);
}

static void
sheet_clicked_cb (PmRegistrationCase *self)
{
  write_handover (self, FALSE);
}

static void
json_clicked_cb (PmRegistrationCase *self)
{
  write_handover (self, TRUE);
}

static void
back_clicked_cb (PmRegistrationCase *self)
{
  g_signal_emit (self, signals[BACK], 0);
}

static void
pm_registration_case_dispose (GObject *object)
{
  PmRegistrationCase *self = PM_REGISTRATION_CASE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->file, g_ptr_array_unref);
  g_clear_object (&self->store);
  g_clear_pointer (&self->case_id, g_free);
  G_OBJECT_CLASS (pm_registration_case_parent_class)->dispose (object);
}

static void
pm_registration_case_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  PmRegistrationCase *self = PM_REGISTRATION_CASE (object);

  switch (prop_id)
    {
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pm_registration_case_class_init (PmRegistrationCaseClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pm_registration_case_dispose;
  object_class->get_property = pm_registration_case_get_property;

  /* Loading the case or taking a step. */
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * PmRegistrationCase::case-changed:
   * @kase: the case as saved
   *
   * A step was taken: the inbox follows.
   */
  signals[CASE_CHANGED] = g_signal_new ("case-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 1, PM_TYPE_CASE);
  /**
   * PmRegistrationCase::back:
   *
   * The person wants the inbox again (narrow window).
   */
  signals[BACK] = g_signal_new ("back", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * PmRegistrationCase::message:
   * @text: what to tell the person, translated
   */
  signals[MESSAGE] = g_signal_new ("message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/de/halle/PePaMo/ui/pm-registration-case.ui");
  gtk_widget_class_bind_template_child (widget_class, PmRegistrationCase, title);
  gtk_widget_class_bind_template_child (widget_class, PmRegistrationCase, back_button);
  gtk_widget_class_bind_template_child (widget_class, PmRegistrationCase, stack);
  gtk_widget_class_bind_template_child (widget_class, PmRegistrationCase, error_page);
  gtk_widget_class_bind_template_child (widget_class, PmRegistrationCase, step_group);
  gtk_widget_class_bind_template_child (widget_class, PmRegistrationCase, reason_row);
  gtk_widget_class_bind_template_child (widget_class, PmRegistrationCase, number_row);
  gtk_widget_class_bind_template_child (widget_class, PmRegistrationCase, handover_row);
  gtk_widget_class_bind_template_child (widget_class, PmRegistrationCase, step_buttons);
  gtk_widget_class_bind_template_child (widget_class, PmRegistrationCase, step_error);
  gtk_widget_class_bind_template_child (widget_class, PmRegistrationCase, sections);
  gtk_widget_class_bind_template_callback (widget_class, back_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, sheet_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, json_clicked_cb);
}

static void
pm_registration_case_init (PmRegistrationCase *self)
{
  g_autoptr(GtkStringList) modes = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));
  for (guint i = 0; handover_modes[i]; i++)
    gtk_string_list_append (modes, pm_case_value_label ("handover_mode", handover_modes[i]));
  adw_combo_row_set_model (self->handover_row, G_LIST_MODEL (modes));
}

void
pm_registration_case_show (PmRegistrationCase *self,
                           PmStore            *store,
                           const char         *case_id)
{
  g_return_if_fail (PM_IS_REGISTRATION_CASE (self));
  g_return_if_fail (PM_IS_STORE (store));

  g_set_object (&self->store, store);
  g_free (self->case_id);
  self->case_id = g_strdup (case_id);
  gtk_stack_set_visible_child_name (self->stack, "loading");
  load (self);
}

/* Drops the decrypted case (on lock). */
void
pm_registration_case_clear (PmRegistrationCase *self)
{
  g_return_if_fail (PM_IS_REGISTRATION_CASE (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_pointer (&self->file, g_ptr_array_unref);
  g_clear_object (&self->store);
  g_clear_pointer (&self->case_id, g_free);
  remove_children (GTK_WIDGET (self->sections));
  adw_window_title_set_title (self->title, "");
  adw_window_title_set_subtitle (self->title, "");
  gtk_stack_set_visible_child_name (self->stack, "empty");
  set_busy (self, FALSE);
}

PmRecord *
pm_registration_case_get_case (PmRegistrationCase *self)
{
  g_return_val_if_fail (PM_IS_REGISTRATION_CASE (self), NULL);
  return file_record (self, PM_TYPE_CASE);
}

gboolean
pm_registration_case_get_busy (PmRegistrationCase *self)
{
  g_return_val_if_fail (PM_IS_REGISTRATION_CASE (self), FALSE);
  return self->busy;
}

void
pm_registration_case_set_back_visible (PmRegistrationCase *self,
                                       gboolean            visible)
{
  g_return_if_fail (PM_IS_REGISTRATION_CASE (self));
  gtk_widget_set_visible (self->back_button, visible);
}
