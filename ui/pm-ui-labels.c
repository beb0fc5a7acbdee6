/* pm-ui-labels.c: how records read on screen, and small widget helpers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "pm-city.h"
#include "pm-ui-labels.h"

char *
pm_ui_visit_place (PmRecord *visit)
{
  const PmArea *area = pm_city_lookup_area (pm_city_get_default (), pm_record_get_string (visit, "stadtteil"));
  const char *facility = pm_record_get_string (visit, "facility_name");

  if (facility)
    return g_strdup_printf ("%s · %s", facility, area ? area->name : "");
  return g_strdup_printf ("%s %s · %s",
                          pm_record_get_string (visit, "street"),
                          pm_record_get_string (visit, "house_number"),
                          area ? area->name : "");
}

static char *
format_date (const char *date,
             const char *format)
{
  g_autofree char *iso = g_strconcat (date, "T12:00:00Z", NULL);
  g_autoptr(GDateTime) parsed = g_date_time_new_from_iso8601 (iso, NULL);

  return parsed ? g_date_time_format (parsed, format) : g_strdup (date);
}

char *
pm_ui_format_day (const char *date)
{
  /* Translators: a day with its year, strftime format; German: "%A, %-d. %B %Y" */
  return format_date (date, _("%A, %B %-d, %Y"));
}

/* For the header, where space is short and the year is plain. */
char *
pm_ui_format_day_short (const char *date)
{
  /* Translators: a short day for the header, strftime format; German: "%a, %d.%m." */
  return format_date (date, _("%a, %m/%d"));
}

const char *
pm_ui_location_label (const char *location_type)
{
  if (g_strcmp0 (location_type, "care_home") == 0)
    return _("Care home");
  if (g_strcmp0 (location_type, "hospital") == 0)
    return _("Hospital");
  return _("Home");
}

/* gtk_widget_dispose_template() unparents only the children bound to fields;
 * the rest of a template's direct children go here. */
void
pm_ui_unparent_children (GtkWidget *widget)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (widget)))
    gtk_widget_unparent (child);
}

/* The header's person button: the menu of the people signed in, the
 * acting person's first name (the full name is in the menu).  `content`
 * is the button's AdwButtonContent. */
void
pm_ui_show_person (GtkMenuButton *button,
                   GtkWidget     *content,
                   GMenuModel    *menu,
                   const char    *acting_name)
{
  g_autofree char *accessible = NULL;
  g_auto(GStrv) words = g_strsplit (acting_name ? acting_name : "", " ", 2);

  gtk_menu_button_set_menu_model (button, menu);
  adw_button_content_set_label (ADW_BUTTON_CONTENT (content), words[0] ? words[0] : "");
  /* Translators: accessible name of the person button; %s is a name */
  accessible = g_strdup_printf (_("Acting person: %s"), acting_name ? acting_name : "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
}
