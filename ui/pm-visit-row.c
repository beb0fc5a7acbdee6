/* pm-visit-row.c: one visit in the day's route
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "pm-catalogue.h"
#include "pm-city.h"
#include "pm-status.h"
#include "pm-ui-labels.h"
#include "pm-visit-row.h"

struct _PmVisitRow
{
  GtkWidget  parent_instance;

  PmVisit   *visit;

  GtkLabel  *order_label;
  GtkLabel  *time_label;
  GtkLabel  *persons_label;
  GtkLabel  *place_label;
  GtkBox    *services_box;
  GtkLabel  *status_label;
};

G_DEFINE_FINAL_TYPE (PmVisitRow, pm_visit_row, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_VISIT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
clear_services (PmVisitRow *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->services_box))))
    gtk_box_remove (self->services_box, child);
}

static void
show_visit (PmVisitRow *self)
{
  PmRecord *visit = PM_RECORD (self->visit);
  const char *status;
  g_autofree char *order = NULL;
  g_autofree char *place = NULL;
  g_autofree char *accessible = NULL;
  g_autofree char *status_class = NULL;
  g_autofree char *status_text = NULL;
  const char * const *services;

  clear_services (self);
  gtk_widget_set_css_classes (GTK_WIDGET (self->status_label), (const char *[]) { "status-pill", NULL });
  if (visit == NULL)
    return;

  status = pm_record_get_string (visit, "status");
  order = g_strdup_printf ("%" G_GINT64_FORMAT, pm_record_get_int (visit, "route_order"));
  place = pm_ui_visit_place (visit);
  gtk_label_set_label (self->order_label, order);
  gtk_label_set_label (self->time_label, pm_record_get_string (visit, "planned_start"));
  gtk_label_set_label (self->persons_label, pm_record_get_string (visit, "persons"));
  gtk_label_set_label (self->place_label, place);
  /* Dispatch changed it after the van had the plan: the van must see that. */
  if (pm_record_get_boolean (visit, "rescheduled") &&
      g_strv_contains ((const char * const[]) { "scheduled", "confirmed", NULL }, status))
    {
      /* Translators: a visit's status, then that dispatch changed it after publishing */
      status_text = g_strdup_printf (_("%s · changed"), pm_visit_status_get_label (status));
      gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "rescheduled");
    }
  else
    status_text = g_strdup (pm_visit_status_get_label (status));
  gtk_label_set_label (self->status_label, status_text);
  status_class = g_strconcat ("status-", status, NULL);
  gtk_widget_add_css_class (GTK_WIDGET (self->status_label), status_class);

  services = pm_record_get_strv (visit, "services");
  for (guint i = 0; services && services[i]; i++)
    {
      const PmService *service = pm_catalogue_lookup_service (pm_catalogue_get_default (), services[i]);
      GtkWidget *chip = gtk_label_new (services[i]);

      gtk_widget_add_css_class (chip, "service-chip");
      gtk_widget_add_css_class (chip, service && g_str_equal (service->domain, "soziales") ? "soziales" : "einwohnerwesen");
      if (service)
        gtk_widget_set_tooltip_text (chip, service->name);
      gtk_box_append (self->services_box, chip);
    }

  /* Translators: accessible description of a visit: time, persons, place, status */
  accessible = g_strdup_printf (_("%s, %s, %s, %s"),
                                pm_record_get_string (visit, "planned_start"),
                                pm_record_get_string (visit, "persons"), place, status_text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
}

static void
pm_visit_row_dispose (GObject *object)
{
  PmVisitRow *self = PM_VISIT_ROW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), PM_TYPE_VISIT_ROW);
  pm_ui_unparent_children (GTK_WIDGET (self));
  g_clear_object (&self->visit);
  G_OBJECT_CLASS (pm_visit_row_parent_class)->dispose (object);
}

static void
pm_visit_row_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  PmVisitRow *self = PM_VISIT_ROW (object);

  switch (prop_id)
    {
    case PROP_VISIT:
      g_value_set_object (value, self->visit);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pm_visit_row_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  PmVisitRow *self = PM_VISIT_ROW (object);

  switch (prop_id)
    {
    case PROP_VISIT:
      pm_visit_row_set_visit (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pm_visit_row_class_init (PmVisitRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pm_visit_row_dispose;
  object_class->get_property = pm_visit_row_get_property;
  object_class->set_property = pm_visit_row_set_property;

  properties[PROP_VISIT] =
    g_param_spec_object ("visit", NULL, NULL, PM_TYPE_VISIT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/de/halle/PePaMo/ui/pm-visit-row.ui");
  gtk_widget_class_bind_template_child (widget_class, PmVisitRow, order_label);
  gtk_widget_class_bind_template_child (widget_class, PmVisitRow, time_label);
  gtk_widget_class_bind_template_child (widget_class, PmVisitRow, persons_label);
  gtk_widget_class_bind_template_child (widget_class, PmVisitRow, place_label);
  gtk_widget_class_bind_template_child (widget_class, PmVisitRow, services_box);
  gtk_widget_class_bind_template_child (widget_class, PmVisitRow, status_label);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
pm_visit_row_init (PmVisitRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

PmVisit *
pm_visit_row_get_visit (PmVisitRow *self)
{
  g_return_val_if_fail (PM_IS_VISIT_ROW (self), NULL);
  return self->visit;
}

void
pm_visit_row_set_visit (PmVisitRow *self,
                        PmVisit    *visit)
{
  g_return_if_fail (PM_IS_VISIT_ROW (self));
  if (!g_set_object (&self->visit, visit))
    return;
  show_visit (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VISIT]);
}
