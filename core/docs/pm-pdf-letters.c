/* pm-pdf-letters.c: the appointment letter and the van's day sheet
 *
 * The letter goes to old people: large print, plain words, one thing per
 * line, and a phone number to call. The day sheet is the crew's paper copy
 * of the route, for the day the laptop fails. Both show the appointment
 * layer only (see pm-ics.c): no care grade, no health notes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pm-docs"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <string.h>

#include "pm-catalogue.h"
#include "pm-city.h"
#include "pm-error.h"
#include "pm-ics.h"
#include "pm-pdf-layout.h"
#include "pm-pdf-letters.h"

/* Without a window of its own, a person is told the planned start give or
 * take this much: traffic and the stops before move the van's arrival. */
#define USUAL_MARGIN_MIN 30

static const PmPdfColumn letter_columns[] = {
  { NULL, 0.3, PANGO_ALIGN_LEFT },
  { NULL, 0.7, PANGO_ALIGN_LEFT },
};

/* Who comes, and whom to call, per department: in the words of the
 * person's side of the counter rather than the departments' names. */
static const struct
{
  const char *domain;
  const char *who;
  const char *office;
} domain_staff[] = {
  { "soziales", N_("a member of staff of the care counselling"), N_("Care counselling") },
  { "einwohnerwesen", N_("a member of staff of the citizens' office"), N_("Citizens' office") },
};

/* A label | value row, left out when there is no value. */
static void
add_row (GPtrArray  *rows,
         const char *label,
         const char *value)
{
  if (value != NULL && *value != '\0')
    pm_pdf_rows_add (rows, 2, label, value);
}

static void
draw_rows (PmPdfLayout *layout,
           GPtrArray   *rows)
{
  pm_pdf_layout_table (layout, PM_PDF_TABLE_FIELDS, letter_columns, G_N_ELEMENTS (letter_columns), rows);
}

/* The departments (catalogue domains) of the booked services, each once. */
static GStrv
visit_domains (PmRecord *visit,
               gboolean *id_capture)
{
  const char * const *codes = pm_record_get_strv (visit, "services");
  g_autoptr(GStrvBuilder) domains = g_strv_builder_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  *id_capture = FALSE;
  for (guint i = 0; codes && codes[i]; i++)
    {
      const PmService *service = pm_catalogue_lookup_service (pm_catalogue_get_default (), codes[i]);

      if (service == NULL)
        continue;
      if (g_hash_table_add (seen, service->domain))
        g_strv_builder_add (domains, service->domain);
      /* Photo and fingerprints are taken with the van's capture kit. */
      *id_capture = *id_capture || g_strcmp0 (service->kind, "passport_id") == 0;
    }
  return g_strv_builder_end (domains);
}

/* "HH:MM" of a window's half "YYYY-MM-DDTHH:MM" on the given day. */
static char *
window_time (const char *half,
             const char *date)
{
  if (!g_str_has_prefix (half, date) || strlen (half) != 16)
    return NULL;
  return g_strdup (half + 11);
}

/* The time the person is told: the visit's window around the planned
 * start, else the planned start give or take the usual margin. */
static void
time_window (PmRecord   *visit,
             GDateTime  *start,
             char      **from,
             char      **to)
{
  const char * const *windows = pm_record_get_strv (visit, "windows");
  const char *date = pm_record_get_string (visit, "date");
  const char *planned = pm_record_get_string (visit, "planned_start");
  g_autoptr(GDateTime) early = NULL;
  g_autoptr(GDateTime) late = NULL;

  for (guint i = 0; windows && windows[i]; i++)
    {
      g_auto(GStrv) halves = g_strsplit (windows[i], "/", 2);
      g_autofree char *opens = halves[0] ? window_time (halves[0], date) : NULL;
      g_autofree char *closes = halves[0] && halves[1] ? window_time (halves[1], date) : NULL;

      if (opens && closes && strcmp (opens, planned) <= 0 && strcmp (planned, closes) <= 0)
        {
          *from = g_steal_pointer (&opens);
          *to = g_steal_pointer (&closes);
          return;
        }
    }
  early = g_date_time_add_minutes (start, -USUAL_MARGIN_MIN);
  late = g_date_time_add_minutes (start, USUAL_MARGIN_MIN);
  *from = g_date_time_format (early, "%H:%M");
  *to = g_date_time_format (late, "%H:%M");
}

static char *
format_day (GDateTime *start)
{
  /* Translators: the day of a visit in letters, strftime; German: "%A, %d.%m.%Y" */
  return g_date_time_format (start, _("%A, %Y-%m-%d"));
}

static void
draw_bullet (PmPdfLayout *layout,
             const char  *text)
{
  g_autofree char *line = g_strconcat ("•  ", text, NULL);

  pm_pdf_layout_text (layout, PM_PDF_STYLE_BODY, line);
}

typedef struct
{
  PmRecord   *visit;
  GHashTable *citizens;
} Letter;

/* The persons' names and the first person's home address, as on an
 * envelope: people visited together live together. Returns that person. */
static PmRecord *
draw_address (PmPdfLayout *layout,
              Letter      *letter)
{
  const char * const *ids = pm_record_get_strv (letter->visit, "citizen_ids");
  PmRecord *first = NULL;

  for (guint i = 0; ids && ids[i]; i++)
    {
      PmRecord *citizen = g_hash_table_lookup (letter->citizens, ids[i]);
      g_autofree char *name = citizen ? pm_appointment_citizen_name (citizen) : NULL;

      if (citizen == NULL)
        continue;
      first = first ? first : citizen;
      pm_pdf_layout_text (layout, PM_PDF_STYLE_BODY, name);
    }
  if (first != NULL)
    {
      g_autofree char *street = g_strdup_printf ("%s %s", pm_record_get_string (first, "street") ?: "",
                                                 pm_record_get_string (first, "house_number") ?: "");
      g_autofree char *town = g_strdup_printf ("%s %s", pm_record_get_string (first, "postcode") ?: "",
                                               pm_record_get_string (first, "city") ?: "");

      pm_pdf_layout_text (layout, PM_PDF_STYLE_BODY, street);
      pm_pdf_layout_text (layout, PM_PDF_STYLE_BODY, town);
    }
  pm_pdf_layout_space (layout, 12);
  return first;
}

/* Where the van comes, unless that is the address the letter goes to. */
static char *
visit_place (PmRecord *visit,
             PmRecord *home)
{
  static const char * const fields[] = { "street", "house_number", "postcode" };
  gboolean at_home = home != NULL && pm_record_get_string (visit, "facility_name") == NULL;

  for (guint i = 0; at_home && i < G_N_ELEMENTS (fields); i++)
    at_home = g_strcmp0 (pm_record_get_string (visit, fields[i]), pm_record_get_string (home, fields[i])) == 0;
  return at_home ? NULL : pm_appointment_location (visit);
}

static void
draw_letter_when (PmPdfLayout *layout,
                  Letter      *letter,
                  PmRecord    *home,
                  GDateTime   *start,
                  GStrv        domains)
{
  g_autoptr(GPtrArray) rows = pm_pdf_rows_new ();
  g_autofree char *day = format_day (start);
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autofree char *time = NULL;
  g_autofree char *place = visit_place (letter->visit, home);
  g_autofree char *services = pm_appointment_service_names (letter->visit);
  g_autoptr(GString) who = g_string_new (NULL);

  time_window (letter->visit, start, &from, &to);
  /* Translators: the time window of a visit; German: "zwischen %s und %s Uhr" */
  time = g_strdup_printf (_("between %s and %s"), from, to);
  for (guint i = 0; domains[i]; i++)
    for (guint j = 0; j < G_N_ELEMENTS (domain_staff); j++)
      if (g_str_equal (domains[i], domain_staff[j].domain))
        g_string_append_printf (who, "%s%s", who->len ? "\n" : "", _(domain_staff[j].who));

  add_row (rows, _("Day"), day);
  add_row (rows, _("Time"), time);
  add_row (rows, _("Place"), place);
  add_row (rows, _("Who comes"), who->str);
  add_row (rows, _("What for"), services);
  draw_rows (layout, rows);
}

static void
draw_letter_contact (PmPdfLayout *layout,
                     GStrv        domains)
{
  g_autoptr(GPtrArray) rows = pm_pdf_rows_new ();

  pm_pdf_layout_heading (layout, _("If the day does not suit you"));
  pm_pdf_layout_text (layout, PM_PDF_STYLE_BODY,
                      _("Please call us if you want to move or cancel the appointment, or if you have a question."));
  for (guint i = 0; domains[i]; i++)
    for (guint j = 0; j < G_N_ELEMENTS (domain_staff); j++)
      {
        const PmOffice *office = pm_city_get_office (pm_city_get_default (), domains[i]);

        if (office != NULL && g_str_equal (domains[i], domain_staff[j].domain))
          add_row (rows, _(domain_staff[j].office), office->phone);
      }
  draw_rows (layout, rows);
}

static gboolean
build_letter (PmPdfLayout  *layout,
              gpointer      data,
              GError      **error)
{
  Letter *letter = data;
  g_autoptr(GDateTime) start = pm_appointment_get_start (letter->visit);
  g_autofree char *names = pm_appointment_person_names (letter->visit, letter->citizens);
  g_autofree char *greeting = NULL;
  g_auto(GStrv) documents = pm_appointment_documents (letter->visit);
  gboolean id_capture;
  g_auto(GStrv) domains = visit_domains (letter->visit, &id_capture);
  PmRecord *home;

  if (start == NULL || *names == '\0')
    {
      pm_set_field_error (error, letter->visit, start ? "citizen_ids" : "planned_start",
                          _("an appointment letter needs a day, a time and a person"));
      return FALSE;
    }

  home = draw_address (layout, letter);
  pm_pdf_layout_text (layout, PM_PDF_STYLE_TITLE, _("Your appointment"));
  /* Translators: the greeting of the appointment letter; %s are the persons' names */
  greeting = g_strdup_printf (_("Dear %s,"), names);
  pm_pdf_layout_text (layout, PM_PDF_STYLE_BODY, greeting);
  pm_pdf_layout_text (layout, PM_PDF_STYLE_BODY,
                      _("here is when we visit you and what to have ready."));
  pm_pdf_layout_space (layout, 6);
  draw_letter_when (layout, letter, home, start, domains);
  draw_letter_contact (layout, domains);

  if (documents[0] != NULL || id_capture)
    pm_pdf_layout_heading (layout, _("Please have ready"));
  for (guint i = 0; documents[i]; i++)
    draw_bullet (layout, documents[i]);
  if (id_capture)
    draw_bullet (layout, _("a table with a socket nearby, for taking photo and fingerprints"));
  return TRUE;
}

/**
 * pm_pdf_write_appointment_letter:
 * @path: the PDF file to write; replaced only when the whole document is written
 * @visit: a scheduled #PmVisit
 * @citizens: (element-type utf8 PmCitizen): the visit's persons by id
 * @error: a #GError, %G_IO_ERROR when the file cannot be written, or
 *   %PM_ERROR_INVALID when the visit has no day, time or person
 *
 * Writes the letter that tells the persons of a visit when the van comes
 * (the visit's window, or the planned start give or take half an hour), who
 * comes, which documents to have ready, what to prepare for taking photo and
 * fingerprints, and whom to call to move or cancel. The letterhead is the
 * office of the first booked service.
 *
 * Returns: %TRUE on success
 */
gboolean
pm_pdf_write_appointment_letter (const char  *path,
                                 PmRecord    *visit,
                                 GHashTable  *citizens,
                                 GError     **error)
{
  Letter letter = { visit, citizens };
  gboolean id_capture;
  g_auto(GStrv) domains = NULL;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (PM_IS_RECORD (visit), FALSE);
  g_return_val_if_fail (citizens != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  domains = visit_domains (visit, &id_capture);
  return pm_pdf_render (path, _("Your appointment"), domains[0], build_letter, &letter, error);
}

typedef struct
{
  const char *date;
  const char *van_name;
  GPtrArray  *visits;
  GHashTable *citizens;
} DaySheet;

/* One line per person of the visit who has the field, "Name: value" when
 * the visit has several persons. */
static char *
per_person (PmRecord   *visit,
            GHashTable *citizens,
            const char *field)
{
  const char * const *ids = pm_record_get_strv (visit, "citizen_ids");
  g_autoptr(GStrvBuilder) lines = g_strv_builder_new ();
  g_auto(GStrv) list = NULL;

  for (guint i = 0; ids && ids[i]; i++)
    {
      PmRecord *citizen = g_hash_table_lookup (citizens, ids[i]);
      const char *value = citizen ? pm_record_get_string (citizen, field) : NULL;
      g_autofree char *name = NULL;
      g_autofree char *line = NULL;

      if (value == NULL || *value == '\0')
        continue;
      name = pm_appointment_citizen_name (citizen);
      line = ids[1] != NULL ? g_strdup_printf ("%s: %s", name, value) : g_strdup (value);
      g_strv_builder_add (lines, line);
    }
  list = g_strv_builder_end (lines);
  return g_strjoinv ("\n", list);
}

static void
draw_stop (PmPdfLayout *layout,
           PmRecord    *visit,
           GHashTable  *citizens)
{
  g_autoptr(GDateTime) start = pm_appointment_get_start (visit);
  g_autoptr(GDateTime) end = g_date_time_add_minutes (start, (int) pm_record_get_int (visit, "duration_min"));
  g_autoptr(GPtrArray) rows = pm_pdf_rows_new ();
  g_autofree char *names = pm_appointment_person_names (visit, citizens);
  g_autofree char *heading = g_strdup_printf ("%" G_GINT64_FORMAT ".  %s  %s", pm_record_get_int (visit, "route_order"),
                                              pm_record_get_string (visit, "planned_start"), names);
  g_autofree char *until = g_date_time_format (end, "%H:%M");
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autofree char *time = NULL;
  g_autofree char *place = pm_appointment_location (visit);
  g_autofree char *access = per_person (visit, citizens, "access_notes");
  g_autofree char *phones = per_person (visit, citizens, "phone");
  g_autofree char *services = pm_appointment_service_names (visit);
  g_auto(GStrv) documents = pm_appointment_documents (visit);
  g_autofree char *documents_text = g_strjoinv ("\n", documents);

  time_window (visit, start, &from, &to);
  /* Translators: a stop's time on the day sheet: planned start and end, then the window the person was told */
  time = g_strdup_printf (_("%s–%s (told: %s–%s)"), pm_record_get_string (visit, "planned_start"), until, from, to);
  pm_pdf_layout_heading (layout, heading);
  add_row (rows, _("Time"), time);
  add_row (rows, _("Place"), place);
  add_row (rows, _("Access"), access);
  add_row (rows, _("Phone"), phones);
  add_row (rows, _("Services"), services);
  add_row (rows, _("Documents to bring"), documents_text);
  add_row (rows, _("Facility contact"), pm_record_get_string (visit, "facility_contact"));
  draw_rows (layout, rows);
}

static gboolean
build_day_sheet (PmPdfLayout  *layout,
                 gpointer      data,
                 GError      **error)
{
  DaySheet *sheet = data;
  g_autoptr(GPtrArray) head = pm_pdf_rows_new ();
  g_autoptr(GPtrArray) totals = pm_pdf_rows_new ();
  g_autoptr(GDateTime) noon = NULL;
  g_autofree char *day = NULL;
  g_autofree char *stops = NULL;
  g_autofree char *minutes = NULL;
  gint64 sum = 0;
  int year, month, mday;

  if (sscanf (sheet->date, "%4d-%2d-%2d", &year, &month, &mday) != 3 ||
      (noon = g_date_time_new_local (year, month, mday, 12, 0, 0)) == NULL)
    {
      g_set_error (error, PM_ERROR, PM_ERROR_INVALID, _("Day sheet: “%s” is not a day"), sheet->date);
      return FALSE;
    }
  day = format_day (noon);

  pm_pdf_layout_text (layout, PM_PDF_STYLE_TITLE, _("Day sheet"));
  add_row (head, _("Van"), sheet->van_name);
  add_row (head, _("Day"), day);
  draw_rows (layout, head);

  for (guint i = 0; i < sheet->visits->len; i++)
    {
      PmRecord *visit = g_ptr_array_index (sheet->visits, i);

      draw_stop (layout, visit, sheet->citizens);
      sum += pm_record_get_int (visit, "duration_min");
    }
  if (sheet->visits->len == 0)
    pm_pdf_layout_text (layout, PM_PDF_STYLE_BODY, _("No visits on this day."));

  stops = g_strdup_printf ("%u", sheet->visits->len);
  /* Translators: a duration on the day sheet */
  minutes = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d minute", "%d minutes", (gulong) sum), (int) sum);
  pm_pdf_layout_heading (layout, _("Totals"));
  add_row (totals, _("Stops"), stops);
  add_row (totals, _("Planned service time"), minutes);
  draw_rows (layout, totals);
  return TRUE;
}

/**
 * pm_pdf_write_day_sheet:
 * @path: the PDF file to write; replaced only when the whole document is written
 * @date: the day, YYYY-MM-DD
 * @van_name: (nullable): the van's name
 * @visits: (element-type PmVisit): the van's scheduled visits of the day, in route order
 * @citizens: (element-type utf8 PmCitizen): their persons by id
 * @error: a #GError, %G_IO_ERROR when the file cannot be written, or
 *   %PM_ERROR_INVALID when a visit has no day and time or @date is no day
 *
 * Writes the van's day sheet: one block per stop in the order given (planned
 * time and the window the person was told, persons, place, access notes,
 * phone, services, the documents the person was asked to have ready, the
 * facility's contact) and the totals (stops, planned service minutes).
 *
 * Returns: %TRUE on success
 */
gboolean
pm_pdf_write_day_sheet (const char  *path,
                        const char  *date,
                        const char  *van_name,
                        GPtrArray   *visits,
                        GHashTable  *citizens,
                        GError     **error)
{
  DaySheet sheet = { date, van_name, visits, citizens };

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (date != NULL, FALSE);
  g_return_val_if_fail (visits != NULL, FALSE);
  g_return_val_if_fail (citizens != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  for (guint i = 0; i < visits->len; i++)
    if (!pm_appointment_is_scheduled (g_ptr_array_index (visits, i)))
      {
        pm_set_field_error (error, g_ptr_array_index (visits, i), "planned_start",
                            _("a stop on the day sheet needs a day and a time"));
        return FALSE;
      }

  return pm_pdf_render (path, _("Day sheet"), NULL, build_day_sheet, &sheet, error);
}
