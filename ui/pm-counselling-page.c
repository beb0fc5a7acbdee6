/* pm-counselling-page.c: the care counselling record of one person at a visit
 *
 * The record (PflBer-RL: needs, topics, results, Versorgungsplan, follow-up)
 * and the consents given during the session are saved together, in one
 * transaction, when the counsellor finishes. Until then the form lives in a
 * draft that survives a crash or a lock.
 *
 * A referral passes social data on, so it can only be added once a referral
 * consent is recorded; the record's own check refuses it otherwise.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pm-forms"

#include "config.h"

#include <glib/gi18n.h>

#include "pm-clock.h"
#include "pm-consent.h"
#include "pm-counselling-page.h"
#include "pm-counselling-record.h"
#include "pm-form-page.h"
#include "pm-json-util.h"

typedef struct
{
  GtkWidget *row;
  GtkWidget *what;
  GtkWidget *who;
  GtkWidget *when;
  GtkWidget *remove;
} Measure;

struct _PmCounsellingPage
{
  PmFormPage            parent_instance;

  PmRecord             *record;
  GPtrArray            *consents;       /* PmRecord, recorded in this session */
  JsonArray            *referrals;
  GPtrArray            *measures;       /* Measure */
  GPtrArray            *topic_checks;   /* GtkCheckButton, in the order of the topics */
  GPtrArray            *need_checks;    /* GtkCheckButton, in the order of the unmet needs */
  GPtrArray            *list_rows;      /* (group, row) pairs of the consent and referral lists */

  GtkWidget            *occasion_row;
  GtkWidget            *participants_row;
  GtkWidget            *mode_row;
  GtkWidget            *duration;
  GtkWidget            *follow_up_row;
  GtkWidget            *care_grade_row;
  GtkWidget            *care_insurance_row;
  GtkWidget            *situation_group;
  GtkWidget            *carers_row;
  GtkWidget            *carer_strain_row;
  GtkWidget            *care_service_row;
  GtkWidget            *day_care;
  GtkWidget            *aids_row;
  GtkWidget            *emergency_call;
  GtkWidget            *barriers_row;
  GtkWidget            *topics_group;
  GtkWidget            *needs_group;
  GtkWidget            *results_frame;
  GtkWidget            *results_view;
  GtkWidget            *measures_group;
  GtkWidget            *plan_handed_over;
  GtkWidget            *consents_group;
  GtkWidget            *consent_purpose_row;
  GtkWidget            *consent_form_row;
  GtkWidget            *consent_witness_row;
  GtkWidget            *consent_given_by_row;
  GtkWidget            *consent_representative_row;
  GtkWidget            *referrals_group;
  GtkWidget            *referral_form_group;
  GtkWidget            *referral_to_row;
  GtkWidget            *referral_date_row;
};

G_DEFINE_FINAL_TYPE (PmCounsellingPage, pm_counselling_page, PM_TYPE_FORM_PAGE)

static const PmChoice occasions[] = {
  { "self", N_("The person themselves") },
  { "relative", N_("A relative") },
  { "care_home", N_("The care home") },
  { "hospital_social_service", N_("Social service of a hospital") },
  { "internal_referral", N_("Internal referral (with consent)") },
  { NULL, NULL }
};

static const PmChoice modes[] = {
  { "home", N_("At home") },
  { "video", N_("Video call") },
  { "phone", N_("Phone") },
  { NULL, NULL }
};

static const PmChoice care_grades[] = {
  { NULL, N_("Not known") },
  { "none", N_("No care grade") },
  { "1", N_("Care grade 1") },
  { "2", N_("Care grade 2") },
  { "3", N_("Care grade 3") },
  { "4", N_("Care grade 4") },
  { "5", N_("Care grade 5") },
  { "applied", N_("Applied for") },
  { "objection", N_("Objection lodged") },
  { NULL, NULL }
};

static const PmChoice strains[] = {
  { NULL, N_("Not asked") },
  { "none", N_("No carers") },
  { "low", N_("Low") },
  { "medium", N_("Medium") },
  { "high", N_("High") },
  { NULL, NULL }
};


static const PmChoice purposes[] = {
  { "social_data", N_("Social data") },
  { "md_report", N_("Medical service assessment") },
  { "referral", N_("Referral") },
  { NULL, NULL }
};

static const PmChoice consent_forms[] = {
  { "written", N_("Written") },
  { "oral", N_("Oral, with a witness") },
  { NULL, NULL }
};

static const PmChoice givers[] = {
  { "person", N_("The person") },
  { "representative", N_("A representative") },
  { NULL, NULL }
};

#define WIDGET(field, member) { field, G_STRUCT_OFFSET (PmCounsellingPage, member) }

static const PmFieldWidget record_widgets[] = {
  WIDGET ("occasion", occasion_row),
  WIDGET ("participants", participants_row),
  WIDGET ("care_grade", care_grade_row),
  WIDGET ("care_insurance", care_insurance_row),
  WIDGET ("care_situation", situation_group),
  WIDGET ("topics", topics_group),
  WIDGET ("unmet_needs", needs_group),
  WIDGET ("results", results_frame),
  WIDGET ("measures", measures_group),
  WIDGET ("plan_handed_over", plan_handed_over),
  WIDGET ("referrals", referrals_group),
  WIDGET ("consent_ids", consents_group),
  WIDGET ("follow_up_date", follow_up_row),
  WIDGET ("mode", mode_row),
  WIDGET ("duration_min", duration),
  { NULL, 0 }
};

static const PmFieldWidget consent_widgets[] = {
  WIDGET ("purpose", consent_purpose_row),
  WIDGET ("form", consent_form_row),
  WIDGET ("witness", consent_witness_row),
  WIDGET ("given_by", consent_given_by_row),
  WIDGET ("representative_name", consent_representative_row),
  { NULL, 0 }
};

/* The referral consent a new referral rests on: the latest one given. */
static PmRecord *
find_referral_consent (PmCounsellingPage *self)
{
  /* A withdrawn consent covers no new referral (the store refuses it too). */
  for (guint i = self->consents->len; i > 0; i--)
    if (g_strcmp0 (pm_record_get_string (g_ptr_array_index (self->consents, i - 1), "purpose"), "referral") == 0 &&
        pm_record_get_string (g_ptr_array_index (self->consents, i - 1), "withdrawn_on") == NULL)
      return g_ptr_array_index (self->consents, i - 1);
  return NULL;
}

static GtkWidget *
add_list_row (PmCounsellingPage *self,
              GtkWidget         *group,
              const char        *title,
              const char        *subtitle,
              const char        *remove_label,
              GCallback          remove_cb,
              guint              index)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (remove, "flat");
  gtk_widget_set_tooltip_text (remove, remove_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL, remove_label, -1);
  g_object_set_data (G_OBJECT (remove), "pm-index", GUINT_TO_POINTER (index));
  g_signal_connect_swapped (remove, "clicked", remove_cb, self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  g_ptr_array_add (self->list_rows, group);
  g_ptr_array_add (self->list_rows, row);
  return remove;
}

static void remove_consent_cb (PmCounsellingPage *self,
                               GtkWidget         *button);
static void remove_referral_cb (PmCounsellingPage *self,
                                GtkWidget         *button);

static char *
describe_consent (PmRecord *consent)
{
  g_autofree char *given_on = pm_form_format_date (pm_record_get_string (consent, "given_on"));
  g_autoptr(GString) text = g_string_new (pm_form_choice_label (consent_forms, pm_record_get_string (consent, "form")));

  if (pm_record_get_string (consent, "witness"))
    /* Translators: part of a consent's summary */
    g_string_append_printf (text, _(", witness: %s"), pm_record_get_string (consent, "witness"));
  if (pm_record_get_string (consent, "representative_name"))
    /* Translators: part of a consent's summary */
    g_string_append_printf (text, _(" · given by %s"), pm_record_get_string (consent, "representative_name"));
  g_string_append_printf (text, " · %s", given_on);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* The consent and referral lists are drawn from the data each time: they
 * are short, and a removal renumbers what follows. */
static void
update_lists (PmCounsellingPage *self)
{
  gboolean can_refer = find_referral_consent (self) != NULL;

  for (guint i = 0; i + 1 < self->list_rows->len; i += 2)
    adw_preferences_group_remove (g_ptr_array_index (self->list_rows, i), g_ptr_array_index (self->list_rows, i + 1));
  g_ptr_array_set_size (self->list_rows, 0);

  for (guint i = 0; i < self->consents->len; i++)
    {
      PmRecord *consent = g_ptr_array_index (self->consents, i);
      g_autofree char *summary = describe_consent (consent);

      add_list_row (self, self->consents_group, pm_form_choice_label (purposes, pm_record_get_string (consent, "purpose")),
                    summary, _("Remove consent"), G_CALLBACK (remove_consent_cb), i);
    }
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self->consents_group),
                                         self->consents->len ? NULL : _("No consent recorded yet"));

  for (guint i = 0; i < json_array_get_length (self->referrals); i++)
    {
      JsonObject *referral = json_array_get_object_element (self->referrals, i);
      g_autofree char *date = pm_form_format_date (pm_json_get_string (referral, "date"));

      add_list_row (self, self->referrals_group, pm_json_get_string (referral, "to"), date,
                    _("Remove referral"), G_CALLBACK (remove_referral_cb), i);
    }
  gtk_widget_set_sensitive (self->referral_form_group, can_refer);
  if (!can_refer)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self->referrals_group),
                                           _("A referral passes social data on: record a referral consent first."));
  else
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self->referrals_group),
                                           json_array_get_length (self->referrals) ? NULL : _("No referral yet"));
}

static void
remove_consent_cb (PmCounsellingPage *self,
                   GtkWidget         *button)
{
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "pm-index"));
  PmRecord *consent = g_ptr_array_index (self->consents, index);

  /* Referrals that rest on this consent lose their ground with it. */
  for (guint i = json_array_get_length (self->referrals); i > 0; i--)
    if (g_strcmp0 (pm_json_get_string (json_array_get_object_element (self->referrals, i - 1), "consent_id"),
                   pm_record_get_id (consent)) == 0)
      json_array_remove_element (self->referrals, i - 1);
  g_ptr_array_remove_index (self->consents, index);
  update_lists (self);
  pm_form_page_changed (PM_FORM_PAGE (self));
}

static void
remove_referral_cb (PmCounsellingPage *self,
                    GtkWidget         *button)
{
  json_array_remove_element (self->referrals, GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "pm-index")));
  update_lists (self);
  pm_form_page_changed (PM_FORM_PAGE (self));
}

static void
update_consent_form (PmCounsellingPage *self)
{
  gtk_widget_set_visible (self->consent_witness_row,
                          g_strcmp0 (pm_form_combo_get_id (ADW_COMBO_ROW (self->consent_form_row), consent_forms), "oral") == 0);
  gtk_widget_set_visible (self->consent_representative_row,
                          g_strcmp0 (pm_form_combo_get_id (ADW_COMBO_ROW (self->consent_given_by_row), givers),
                                     "representative") == 0);
}

static void
add_consent_cb (PmCounsellingPage *self)
{
  g_autoptr(PmRecord) consent = PM_RECORD (pm_consent_new ());
  g_autofree char *today = pm_clock_today ();
  g_autofree char *witness = pm_form_get_text (self->consent_witness_row);
  g_autofree char *representative = pm_form_get_text (self->consent_representative_row);
  const char *form = pm_form_combo_get_id (ADW_COMBO_ROW (self->consent_form_row), consent_forms);
  const char *given_by = pm_form_combo_get_id (ADW_COMBO_ROW (self->consent_given_by_row), givers);

  g_object_set (consent,
                "citizen-id", pm_record_get_string (self->record, "citizen_id"),
                "staff-id", pm_record_get_string (self->record, "staff_id"),
                "purpose", pm_form_combo_get_id (ADW_COMBO_ROW (self->consent_purpose_row), purposes),
                "form", form,
                "given-by", given_by,
                "witness", g_str_equal (form, "oral") ? witness : NULL,
                "representative-name", g_str_equal (given_by, "representative") ? representative : NULL,
                "given-on", today,
                NULL);
  if (!pm_form_page_check (PM_FORM_PAGE (self), consent, consent_widgets))
    return;
  pm_form_page_clear_error (PM_FORM_PAGE (self));
  g_ptr_array_add (self->consents, g_steal_pointer (&consent));
  pm_form_set_text (self->consent_witness_row, NULL);
  pm_form_set_text (self->consent_representative_row, NULL);
  update_lists (self);
  pm_form_page_changed (PM_FORM_PAGE (self));
}

static void
add_referral_cb (PmCounsellingPage *self)
{
  PmRecord *consent = find_referral_consent (self);
  g_autofree char *to = pm_form_get_text (self->referral_to_row);
  g_autofree char *typed = pm_form_get_text (self->referral_date_row);
  g_autofree char *date = typed ? pm_form_parse_date (typed) : pm_clock_today ();
  JsonObject *referral;

  if (consent == NULL)
    return;
  if (to == NULL)
    {
      pm_form_page_show_error (PM_FORM_PAGE (self), self->referral_to_row,
                               _("Referred to: say to whom the person is referred"));
      return;
    }
  pm_form_page_clear_error (PM_FORM_PAGE (self));
  referral = json_object_new ();
  json_object_set_string_member (referral, "to", to);
  json_object_set_string_member (referral, "date", date);
  json_object_set_string_member (referral, "consent_id", pm_record_get_id (consent));
  json_array_add_object_element (self->referrals, referral);
  pm_form_set_text (self->referral_to_row, NULL);
  pm_form_set_text (self->referral_date_row, NULL);
  update_lists (self);
  pm_form_page_changed (PM_FORM_PAGE (self));
}

static void
label_entry (GtkWidget  *entry,
             const char *format,
             guint       number)
{
  g_autofree char *label = g_strdup_printf (format, number);

  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

/* Screen readers hear which measure a field belongs to; after a removal the
 * measures are numbered again. */
static void
label_measure (Measure *measure,
               guint    number)
{
  g_autofree char *title = g_strdup_printf (_("Measure %u"), number);
  g_autofree char *remove_label = g_strdup_printf (_("Remove measure %u"), number);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (measure->row), title);
  /* Translators: %u numbers the measures of the care plan */
  label_entry (measure->what, _("Measure %u: what"), number);
  label_entry (measure->who, _("Measure %u: who is responsible"), number);
  label_entry (measure->when, _("Measure %u: by when"), number);
  gtk_widget_set_tooltip_text (measure->remove, remove_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (measure->remove), GTK_ACCESSIBLE_PROPERTY_LABEL, remove_label, -1);
}

static void
remove_measure_cb (PmCounsellingPage *self,
                   GtkWidget         *button)
{
  for (guint i = 0; i < self->measures->len; i++)
    {
      Measure *measure = g_ptr_array_index (self->measures, i);

      if (measure->remove == button)
        {
          adw_preferences_group_remove (ADW_PREFERENCES_GROUP (self->measures_group), measure->row);
          g_ptr_array_remove_index (self->measures, i);
          break;
        }
    }
  for (guint i = 0; i < self->measures->len; i++)
    label_measure (g_ptr_array_index (self->measures, i), i + 1);
  pm_form_page_changed (PM_FORM_PAGE (self));
}

static GtkWidget *
add_measure_entry (GtkWidget  *box,
                   const char *placeholder,
                   int         width_chars)
{
  GtkWidget *entry = gtk_entry_new ();

  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), placeholder);
  gtk_editable_set_width_chars (GTK_EDITABLE (entry), width_chars);
  gtk_widget_set_hexpand (entry, width_chars > 12);
  gtk_box_append (GTK_BOX (box), entry);
  return entry;
}

/* A measure of the Versorgungsplan is one row: what, who, by when. */
static Measure *
add_measure (PmCounsellingPage *self,
             JsonObject        *data)
{
  Measure *measure = g_new0 (Measure, 1);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  g_autofree char *deadline = pm_form_format_date (data ? pm_json_get_string (data, "deadline") : NULL);

  measure->row = adw_preferences_row_new ();
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (measure->row), FALSE);
  gtk_widget_add_css_class (measure->row, "measure-row");
  measure->what = add_measure_entry (box, _("Measure"), 20);
  measure->who = add_measure_entry (box, _("Who"), 14);
  measure->when = add_measure_entry (box, _("By when"), 10);
  measure->remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
  gtk_widget_add_css_class (measure->remove, "flat");
  g_signal_connect_swapped (measure->remove, "clicked", G_CALLBACK (remove_measure_cb), self);
  gtk_box_append (GTK_BOX (box), measure->remove);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (measure->row), box);
  label_measure (measure, self->measures->len + 1);

  pm_form_json_get_text (data, "measure", measure->what);
  pm_form_json_get_text (data, "who", measure->who);
  pm_form_set_text (measure->when, deadline);
  pm_form_watch (box, G_CALLBACK (pm_form_page_changed), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->measures_group), measure->row);
  g_ptr_array_add (self->measures, measure);
  return measure;
}

static void
add_measure_cb (PmCounsellingPage *self)
{
  Measure *measure = add_measure (self, NULL);

  gtk_widget_grab_focus (measure->what);
  pm_form_page_changed (PM_FORM_PAGE (self));
}

static void
clear_measures (PmCounsellingPage *self)
{
  for (guint i = 0; i < self->measures->len; i++)
    adw_preferences_group_remove (ADW_PREFERENCES_GROUP (self->measures_group),
                                  ((Measure *) g_ptr_array_index (self->measures, i))->row);
  g_ptr_array_set_size (self->measures, 0);
}

/* An empty row is no measure; a half-filled one is kept as it is, and the
 * record's check says what it lacks. */
static char *
collect_measures (PmCounsellingPage *self)
{
  g_autoptr(JsonArray) array = json_array_new ();
  g_autoptr(JsonNode) node = NULL;

  for (guint i = 0; i < self->measures->len; i++)
    {
      Measure *measure = g_ptr_array_index (self->measures, i);
      g_autoptr(JsonObject) object = json_object_new ();
      g_autofree char *when = pm_form_get_text (measure->when);
      g_autofree char *deadline = pm_form_parse_date (when);

      pm_form_json_set_text (object, "measure", measure->what);
      pm_form_json_set_text (object, "who", measure->who);
      if (deadline)
        json_object_set_string_member (object, "deadline", deadline);
      if (json_object_get_size (object) > 0)
        json_array_add_object_element (array, g_steal_pointer (&object));
    }
  if (json_array_get_length (array) == 0)
    return NULL;
  node = json_node_init_array (json_node_alloc (), array);
  return json_to_string (node, FALSE);
}

static char *
collect_situation (PmCounsellingPage *self)
{
  g_autoptr(JsonObject) situation = json_object_new ();
  const char *strain = pm_form_combo_get_id (ADW_COMBO_ROW (self->carer_strain_row), strains);

  pm_form_json_set_text (situation, "carers", self->carers_row);
  if (strain)
    json_object_set_string_member (situation, "carer_strain", strain);
  pm_form_json_set_text (situation, "care_service", self->care_service_row);
  json_object_set_boolean_member (situation, "day_care", gtk_switch_get_active (GTK_SWITCH (self->day_care)));
  pm_form_json_set_text (situation, "aids", self->aids_row);
  json_object_set_boolean_member (situation, "emergency_call", gtk_switch_get_active (GTK_SWITCH (self->emergency_call)));
  pm_form_json_set_text (situation, "housing_barriers", self->barriers_row);
  return pm_form_json_to_string (situation);
}

static void
fill_situation (PmCounsellingPage *self,
                const char        *json)
{
  g_autoptr(JsonNode) node = json ? json_from_string (json, NULL) : NULL;
  JsonObject *situation = node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;

  pm_form_json_get_text (situation, "carers", self->carers_row);
  pm_form_combo_set_id (ADW_COMBO_ROW (self->carer_strain_row), strains,
                        situation ? pm_json_get_string (situation, "carer_strain") : NULL);
  pm_form_json_get_text (situation, "care_service", self->care_service_row);
  gtk_switch_set_active (GTK_SWITCH (self->day_care),
                         situation && json_object_get_boolean_member_with_default (situation, "day_care", FALSE));
  pm_form_json_get_text (situation, "aids", self->aids_row);
  gtk_switch_set_active (GTK_SWITCH (self->emergency_call),
                         situation && json_object_get_boolean_member_with_default (situation, "emergency_call", FALSE));
  pm_form_json_get_text (situation, "housing_barriers", self->barriers_row);
}

/* A card of check buttons in two columns, one per choice: half the
 * scrolling of a list of rows. */
static GPtrArray *
add_check_grid (PmCounsellingPage *self,
                GtkWidget         *group,
                const PmChoice    *choices)
{
  GPtrArray *checks = g_ptr_array_new ();
  GtkWidget *grid = gtk_grid_new ();

  gtk_grid_set_column_homogeneous (GTK_GRID (grid), TRUE);
  gtk_widget_add_css_class (grid, "card");
  gtk_widget_add_css_class (grid, "topic-grid");
  for (guint i = 0; choices[i].label; i++)
    {
      GtkWidget *check = gtk_check_button_new_with_label (_(choices[i].label));

      gtk_widget_set_hexpand (check, TRUE);
      gtk_grid_attach (GTK_GRID (grid), check, i % 2, i / 2, 1, 1);
      g_signal_connect_swapped (check, "toggled", G_CALLBACK (pm_form_page_changed), self);
      g_ptr_array_add (checks, check);
    }
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), grid);
  return checks;
}

static GStrv
collect_checks (GPtrArray      *checks,
                const PmChoice *choices)
{
  g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();

  for (guint i = 0; i < checks->len; i++)
    if (gtk_check_button_get_active (g_ptr_array_index (checks, i)))
      g_strv_builder_add (ids, choices[i].id);
  return g_strv_builder_end (ids);
}

static void
fill_checks (GPtrArray          *checks,
             const PmChoice     *choices,
             const char * const *chosen)
{
  for (guint i = 0; i < checks->len; i++)
    gtk_check_button_set_active (g_ptr_array_index (checks, i), chosen && g_strv_contains (chosen, choices[i].id));
}

/* Widgets → record: what the draft holds and what finishing saves. */
static void
collect_record (PmCounsellingPage *self)
{
  PmRecord *record = self->record;
  g_autofree char *participants = pm_form_get_text (self->participants_row);
  g_auto(GStrv) names = participants ? g_strsplit (participants, ",", -1) : NULL;
  g_autoptr(GStrvBuilder) participant_list = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) consent_ids = g_strv_builder_new ();
  g_auto(GStrv) participant_strv = NULL;
  g_auto(GStrv) topic_strv = collect_checks (self->topic_checks, pm_counselling_topics ());
  g_auto(GStrv) need_strv = collect_checks (self->need_checks, pm_counselling_unmet_needs ());
  g_auto(GStrv) consent_strv = NULL;
  g_autofree char *follow_up = pm_form_get_text (self->follow_up_row);
  g_autofree char *follow_up_date = pm_form_parse_date (follow_up);
  g_autofree char *insurance = pm_form_get_text (self->care_insurance_row);
  g_autofree char *results = pm_form_get_buffer_text (GTK_TEXT_VIEW (self->results_view));
  g_autofree char *situation = collect_situation (self);
  g_autofree char *measures = collect_measures (self);
  g_autoptr(JsonNode) referrals = json_node_init_array (json_node_alloc (), self->referrals);
  g_autofree char *referrals_json = json_array_get_length (self->referrals) ? json_to_string (referrals, FALSE) : NULL;

  for (guint i = 0; names && names[i]; i++)
    if (*g_strstrip (names[i]))
      g_strv_builder_add (participant_list, names[i]);
  participant_strv = g_strv_builder_end (participant_list);
  for (guint i = 0; i < self->consents->len; i++)
    g_strv_builder_add (consent_ids, pm_record_get_id (g_ptr_array_index (self->consents, i)));
  consent_strv = g_strv_builder_end (consent_ids);

  pm_record_set_string (record, "occasion", pm_form_combo_get_id (ADW_COMBO_ROW (self->occasion_row), occasions));
  pm_record_set_strv (record, "participants", participant_strv[0] ? (const char * const *) participant_strv : NULL);
  pm_record_set_string (record, "mode", pm_form_combo_get_id (ADW_COMBO_ROW (self->mode_row), modes));
  pm_record_set_int (record, "duration_min", gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (self->duration)));
  pm_record_set_string (record, "follow_up_date", follow_up_date);
  pm_record_set_string (record, "care_grade", pm_form_combo_get_id (ADW_COMBO_ROW (self->care_grade_row), care_grades));
  pm_record_set_string (record, "care_insurance", insurance);
  pm_record_set_string (record, "care_situation", situation);
  pm_record_set_strv (record, "topics", topic_strv[0] ? (const char * const *) topic_strv : NULL);
  pm_record_set_strv (record, "unmet_needs", need_strv[0] ? (const char * const *) need_strv : NULL);
  pm_record_set_string (record, "results", results);
  pm_record_set_string (record, "measures", measures);
  pm_record_set_boolean (record, "plan_handed_over", gtk_switch_get_active (GTK_SWITCH (self->plan_handed_over)));
  pm_record_set_string (record, "referrals", referrals_json);
  pm_record_set_strv (record, "consent_ids", consent_strv[0] ? (const char * const *) consent_strv : NULL);
}

/* Record → widgets, when a draft is restored (or a new record shown). */
static void
fill_from_record (PmCounsellingPage *self)
{
  PmRecord *record = self->record;
  const char * const *participants = pm_record_get_strv (record, "participants");
  const char * const *chosen = pm_record_get_strv (record, "topics");
  g_autofree char *joined = participants ? g_strjoinv (", ", (char **) participants) : NULL;
  g_autofree char *follow_up = pm_form_format_date (pm_record_get_string (record, "follow_up_date"));
  const char *results = pm_record_get_string (record, "results");
  const char *measures = pm_record_get_string (record, "measures");
  g_autoptr(JsonNode) measure_node = measures ? json_from_string (measures, NULL) : NULL;
  const char *referrals = pm_record_get_string (record, "referrals");
  g_autoptr(JsonNode) referral_node = referrals ? json_from_string (referrals, NULL) : NULL;

  pm_form_combo_set_id (ADW_COMBO_ROW (self->occasion_row), occasions, pm_record_get_string (record, "occasion"));
  pm_form_set_text (self->participants_row, joined);
  pm_form_combo_set_id (ADW_COMBO_ROW (self->mode_row), modes, pm_record_get_string (record, "mode"));
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->duration), pm_record_get_int (record, "duration_min"));
  pm_form_set_text (self->follow_up_row, follow_up);
  pm_form_combo_set_id (ADW_COMBO_ROW (self->care_grade_row), care_grades, pm_record_get_string (record, "care_grade"));
  pm_form_set_text (self->care_insurance_row, pm_record_get_string (record, "care_insurance"));
  fill_situation (self, pm_record_get_string (record, "care_situation"));
  fill_checks (self->topic_checks, pm_counselling_topics (), chosen);
  fill_checks (self->need_checks, pm_counselling_unmet_needs (), pm_record_get_strv (record, "unmet_needs"));
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->results_view)), results ? results : "", -1);
  clear_measures (self);
  for (guint i = 0; measure_node && JSON_NODE_HOLDS_ARRAY (measure_node) &&
                    i < json_array_get_length (json_node_get_array (measure_node)); i++)
    add_measure (self, pm_json_array_get_object (json_node_get_array (measure_node), i));
  gtk_switch_set_active (GTK_SWITCH (self->plan_handed_over), pm_record_get_boolean (record, "plan_handed_over"));
  g_clear_pointer (&self->referrals, json_array_unref);
  self->referrals = referral_node && JSON_NODE_HOLDS_ARRAY (referral_node)
                      ? json_array_ref (json_node_get_array (referral_node))
                      : json_array_new ();
  update_lists (self);
}

/* The draft: the record as the widgets say, and the consents recorded so
 * far (they are saved only with the record). */
static JsonObject *
pm_counselling_page_snapshot (PmFormPage *page)
{
  PmCounsellingPage *self = PM_COUNSELLING_PAGE (page);
  JsonObject *draft = json_object_new ();
  JsonArray *consents = json_array_new ();

  collect_record (self);
  json_object_set_object_member (draft, "record", pm_record_to_json (self->record));
  for (guint i = 0; i < self->consents->len; i++)
    json_array_add_object_element (consents, pm_record_to_json (g_ptr_array_index (self->consents, i)));
  json_object_set_array_member (draft, "consents", consents);
  return draft;
}

static void
pm_counselling_page_restore (PmFormPage *page,
                             JsonObject *draft)
{
  PmCounsellingPage *self = PM_COUNSELLING_PAGE (page);
  JsonObject *record = draft ? pm_json_get_object (draft, "record") : NULL;
  JsonArray *consents = draft ? pm_json_get_array (draft, "consents") : NULL;
  g_autoptr(GError) error = NULL;

  if (record && !pm_record_update_from_json (self->record, record, &error))
    g_warning ("The draft %s is broken, some of it is lost: %s",
               pm_form_page_get_form_id (page), error->message);
  for (guint i = 0; consents && i < json_array_get_length (consents); i++)
    {
      PmRecord *consent = pm_record_new_from_json (PM_TYPE_CONSENT, pm_json_array_get_object (consents, i), NULL);

      if (consent)
        g_ptr_array_add (self->consents, consent);
    }
  pm_form_page_set_record_id (page, pm_record_get_id (self->record));
  fill_from_record (self);
}

/* The record comes first: it is what #PmFormPage::finished hands on. */
static GPtrArray *
pm_counselling_page_collect (PmFormPage *page)
{
  PmCounsellingPage *self = PM_COUNSELLING_PAGE (page);
  GPtrArray *records;

  collect_record (self);
  pm_record_set_string (self->record, "status", "final");
  if (!pm_form_page_check (page, self->record, record_widgets))
    {
      pm_record_set_string (self->record, "status", "draft");
      return NULL;
    }
  records = g_ptr_array_new ();
  g_ptr_array_add (records, self->record);
  g_ptr_array_extend (records, self->consents, NULL, NULL);
  return records;
}

static void
pm_counselling_page_dispose (GObject *object)
{
  PmCounsellingPage *self = PM_COUNSELLING_PAGE (object);

  pm_form_page_dispose_template (PM_FORM_PAGE (self));
  g_clear_object (&self->record);
  g_clear_pointer (&self->consents, g_ptr_array_unref);
  g_clear_pointer (&self->referrals, json_array_unref);
  g_clear_pointer (&self->measures, g_ptr_array_unref);
  g_clear_pointer (&self->topic_checks, g_ptr_array_unref);
  g_clear_pointer (&self->need_checks, g_ptr_array_unref);
  g_clear_pointer (&self->list_rows, g_ptr_array_unref);
  G_OBJECT_CLASS (pm_counselling_page_parent_class)->dispose (object);
}

static void
pm_counselling_page_class_init (PmCounsellingPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  PmFormPageClass *page_class = PM_FORM_PAGE_CLASS (klass);

  object_class->dispose = pm_counselling_page_dispose;
  page_class->restore = pm_counselling_page_restore;
  page_class->snapshot = pm_counselling_page_snapshot;
  page_class->collect = pm_counselling_page_collect;

  pm_form_page_class_set_template (widget_class, "/de/halle/PePaMo/ui/pm-counselling-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PmCounsellingPage, occasion_row);
  gtk_widget_class_bind_template_child (widget_class, PmCounsellingPage, participants_row);
  gtk_widget_class_bind_template_child (widget_class, PmCounsellingPage, mode_row);
  gtk_widget_class_bind_template_child (widget_class, PmCounsellingPage, duration);
  gtk_widget_class_bind_template_child (widget_class, PmCounsellingPage, follow_up_row);
  gtk_widget_class_bind_template_child (widget_class, PmCounsellingPage, care_grade_row);
  gtk_widget_class_bind_template_child (widget_class, PmCounsellingPage, care_insurance_row);
  gtk_widget_class_bind_template_child (widget_class, PmCounsellingPage, situation_group);
  gtk_widget_class_bind_template_child (widget_class, PmCounsellingPage, carers_row);
  gtk_widget_class_bind_template_child (widget_class, PmCounsellingPage, carer_strain_row);
  gtk_widget_class_bind_template_child (widget_class, PmCounsellingPage, care_service_row);
  gtk_widget_class_bind_template_child (widget_class, PmCounsellingPage, day_care);
  gtk_widget_class_bind_template_child (widget_class, PmCounsellingPage, aids_row);
  gtk_widget_class_bind_template_child (widget_class, PmCounsellingPage, emergency_call);
  gtk_widget_class_bind_template_child (widget_class, PmCounsellingPage, barriers_row);
  gtk_widget_class_bind_template_child (widget_class, PmCounsellingPage, topics_group);
  gtk_widget_class_bind_template_child (widget_class, PmCounsellingPage, needs_group);
  gtk_widget_class_bind_template_child (widget_class, PmCounsellingPage, results_frame);
  gtk_widget_class_bind_template_child (widget_class, PmCounsellingPage, results_view);
  gtk_widget_class_bind_template_child (widget_class, PmCounsellingPage, measures_group);
  gtk_widget_class_bind_template_child (widget_class, PmCounsellingPage, plan_handed_over);
  gtk_widget_class_bind_template_child (widget_class, PmCounsellingPage, consents_group);
  gtk_widget_class_bind_template_child (widget_class, PmCounsellingPage, consent_purpose_row);
  gtk_widget_class_bind_template_child (widget_class, PmCounsellingPage, consent_form_row);
  gtk_widget_class_bind_template_child (widget_class, PmCounsellingPage, consent_witness_row);
  gtk_widget_class_bind_template_child (widget_class, PmCounsellingPage, consent_given_by_row);
  gtk_widget_class_bind_template_child (widget_class, PmCounsellingPage, consent_representative_row);
  gtk_widget_class_bind_template_child (widget_class, PmCounsellingPage, referrals_group);
  gtk_widget_class_bind_template_child (widget_class, PmCounsellingPage, referral_form_group);
  gtk_widget_class_bind_template_child (widget_class, PmCounsellingPage, referral_to_row);
  gtk_widget_class_bind_template_child (widget_class, PmCounsellingPage, referral_date_row);
  gtk_widget_class_bind_template_callback (widget_class, add_measure_cb);
  gtk_widget_class_bind_template_callback (widget_class, add_consent_cb);
  gtk_widget_class_bind_template_callback (widget_class, add_referral_cb);
}

static void
pm_counselling_page_init (PmCounsellingPage *self)
{
  pm_form_page_init_template (PM_FORM_PAGE (self));
  self->consents = g_ptr_array_new_with_free_func (g_object_unref);
  self->referrals = json_array_new ();
  self->measures = g_ptr_array_new_with_free_func (g_free);
  self->list_rows = g_ptr_array_new ();

  pm_form_combo_set_choices (ADW_COMBO_ROW (self->occasion_row), occasions);
  pm_form_combo_set_choices (ADW_COMBO_ROW (self->mode_row), modes);
  pm_form_combo_set_choices (ADW_COMBO_ROW (self->care_grade_row), care_grades);
  pm_form_combo_set_choices (ADW_COMBO_ROW (self->carer_strain_row), strains);
  pm_form_combo_set_choices (ADW_COMBO_ROW (self->consent_purpose_row), purposes);
  pm_form_combo_set_choices (ADW_COMBO_ROW (self->consent_form_row), consent_forms);
  pm_form_combo_set_choices (ADW_COMBO_ROW (self->consent_given_by_row), givers);
  self->topic_checks = add_check_grid (self, self->topics_group, pm_counselling_topics ());
  self->need_checks = add_check_grid (self, self->needs_group, pm_counselling_unmet_needs ());
  g_signal_connect_swapped (self->consent_form_row, "notify::selected", G_CALLBACK (update_consent_form), self);
  g_signal_connect_swapped (self->consent_given_by_row, "notify::selected", G_CALLBACK (update_consent_form), self);
  update_consent_form (self);
  update_lists (self);
}

GtkWidget *
pm_counselling_page_new (void)
{
  return g_object_new (PM_TYPE_COUNSELLING_PAGE, NULL);
}

/* Opens the form for @citizen at @visit, with the draft left last time if
 * there is one; #PmFormPage:ready says when it can be filled. */
void
pm_counselling_page_edit (PmCounsellingPage *self,
                          PmStore           *store,
                          PmRecord          *visit,
                          PmRecord          *citizen,
                          const char        *staff_id)
{
  g_return_if_fail (PM_IS_COUNSELLING_PAGE (self));
  g_return_if_fail (PM_IS_RECORD (visit) && PM_IS_RECORD (citizen));
  g_return_if_fail (self->record == NULL);

  self->record = PM_RECORD (pm_counselling_record_new ());
  g_object_set (self->record,
                "visit-id", pm_record_get_id (visit),
                "citizen-id", pm_record_get_id (citizen),
                "staff-id", staff_id,
                "care-grade", pm_record_get_string (citizen, "care_grade"),
                NULL);
  pm_form_page_open (PM_FORM_PAGE (self), store, "counselling", visit, citizen, pm_record_get_id (self->record));
}
