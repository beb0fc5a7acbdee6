/* pm-week-model.c: visits and vans of some days as the planner's model
 *
 * A travel matrix by haversine distance from the depot and the visits'
 * coordinates, time windows relative to the first day, skills from the
 * services' departments.  The working day (08:00–16:00, a 30-minute break
 * between 11:30 and 13:30) is the van's default until vans carry their own
 * hours.  Shared by the week plan and the planning board, so both time a
 * route the same way.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pm-week-model"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pm-catalogue.h"
#include "pm-city.h"
#include "pm-clock.h"
#include "pm-error.h"
#include "pm-week-model.h"

#define DAY            PM_WEEK_MODEL_DAY
#define SKILL_COUNSEL  (1u << 0)
#define SKILL_ID       (1u << 1)
/* Urban driving in Halle: detour over the straight line, average speed,
 * and parking and walking to the door at each stop. */
#define DETOUR         1.35
#define SPEED_KMH      25.0
#define STOP_OVERHEAD  300.0

static const char * const open_statuses[] = { "requested", "scheduled", "confirmed", NULL };
static const char * const started_statuses[] = { "on_the_way", "arrived", NULL };

gboolean
pm_week_model_is_started (PmRecord *visit)
{
  return g_strv_contains (started_statuses, pm_record_get_string (visit, "status"));
}

gboolean
pm_week_model_in_range (PmRecord   *visit,
                        const char *from,
                        const char *until)
{
  const char *status = pm_record_get_string (visit, "status");
  const char *date = pm_record_get_string (visit, "date");

  if (pm_week_model_is_started (visit))
    return g_strcmp0 (date, from) >= 0 && g_strcmp0 (date, until) < 0;
  if (!g_strv_contains (open_statuses, status))
    return FALSE;
  /* A request without a date is planned if one of its windows is in range. */
  return date == NULL || (g_strcmp0 (date, from) >= 0 && g_strcmp0 (date, until) < 0);
}

static GDateTime *
day_start (const char *date)
{
  g_autoptr(GTimeZone) tz = pm_clock_local_zone ();
  g_autofree char *iso = g_strconcat (date, "T00:00:00", NULL);

  return g_date_time_new_from_iso8601 (iso, tz);
}

unsigned int
pm_week_model_skills_of (PmRecord *visit)
{
  PmCatalogue *catalogue = pm_catalogue_get_default ();
  const char * const *codes = pm_record_get_strv (visit, "services");
  unsigned int skills = 0;

  for (guint i = 0; codes && codes[i]; i++)
    {
      const PmService *service = pm_catalogue_lookup_service (catalogue, codes[i]);

      if (service)
        skills |= g_str_equal (service->domain, "soziales") ? SKILL_COUNSEL : SKILL_ID;
    }
  return skills;
}

static unsigned int
van_skills (PmRecord *van)
{
  const char * const *skills = pm_record_get_strv (van, "skills");

  if (skills == NULL)
    return SKILL_COUNSEL | SKILL_ID;
  return (g_strv_contains (skills, "counselling") ? SKILL_COUNSEL : 0) |
         (g_strv_contains (skills, "id_capture") ? SKILL_ID : 0);
}

/* Windows as seconds from the first day's midnight; with `dates_bind` a
 * visit already dated without windows may come any time of its day. */
static GArray *
windows_of (PmRecord  *visit,
            GDateTime *origin,
            int        days,
            gboolean   dates_bind)
{
  GArray *windows = g_array_new (FALSE, FALSE, sizeof (PmPlanWindow));
  const char * const *texts = pm_record_get_strv (visit, "windows");
  g_autoptr(GTimeZone) tz = pm_clock_local_zone ();

  for (guint i = 0; texts && texts[i]; i++)
    {
      g_auto(GStrv) parts = g_strsplit (texts[i], "/", 2);
      g_autofree char *open_text = NULL;
      g_autofree char *close_text = NULL;
      g_autoptr(GDateTime) open = NULL;
      g_autoptr(GDateTime) close = NULL;
      PmPlanWindow window;

      if (g_strv_length (parts) != 2)
        continue;
      open_text = g_strconcat (parts[0], ":00", NULL);
      close_text = g_strconcat (parts[1], ":00", NULL);
      open = g_date_time_new_from_iso8601 (open_text, tz);
      close = g_date_time_new_from_iso8601 (close_text, tz);
      if (open == NULL || close == NULL)
        continue;
      window.open = g_date_time_difference (open, origin) / (double) G_USEC_PER_SEC;
      window.close = g_date_time_difference (close, origin) / (double) G_USEC_PER_SEC;
      /* Only what falls into the planned days. */
      if (window.close <= 0 || window.open >= days * DAY)
        continue;
      g_array_append_val (windows, window);
    }
  if (windows->len == 0 && dates_bind && pm_record_get_string (visit, "date"))
    {
      g_autoptr(GDateTime) day = day_start (pm_record_get_string (visit, "date"));
      PmPlanWindow whole;

      whole.open = day ? g_date_time_difference (day, origin) / (double) G_USEC_PER_SEC : 0;
      whole.close = whole.open + DAY;
      if (whole.open >= 0 && whole.open < days * DAY)
        g_array_append_val (windows, whole);
    }
  return windows;
}

void
pm_week_model_free (PmWeekModel *week)
{
  if (week == NULL)
    return;
  g_ptr_array_unref (week->visits);
  g_ptr_array_unref (week->vans);
  g_date_time_unref (week->origin);
  g_ptr_array_unref (week->windows);
  g_free (week->plan_visits);
  g_free (week->plan_vans);
  free (week->matrix);
  g_free (week);
}

PmWeekModel *
pm_week_model_new (GPtrArray   *visits,
                   GPtrArray   *vans,
                   const char  *from,
                   int          days,
                   gboolean     dates_bind,
                   GError     **error)
{
  g_autoptr(GDateTime) origin = from ? day_start (from) : NULL;
  g_autofree double *lat = NULL;
  g_autofree double *lon = NULL;
  PmWeekModel *week;

  if (origin == NULL || days < 1 || days > 31)
    {
      g_set_error (error, PM_ERROR, PM_ERROR_INVALID, _("Plan from a valid date for 1 to 31 days"));
      return NULL;
    }
  if (vans->len == 0)
    {
      g_set_error (error, PM_ERROR, PM_ERROR_INVALID, _("There is no van to plan for"));
      return NULL;
    }

  week = g_new0 (PmWeekModel, 1);
  week->visits = g_ptr_array_new_with_free_func (g_object_unref);
  week->vans = g_ptr_array_new_with_free_func (g_object_unref);
  week->origin = g_steal_pointer (&origin);
  week->windows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  lat = g_new0 (double, visits->len + 1);
  lon = g_new0 (double, visits->len + 1);
  pm_city_get_depot_location (pm_city_get_default (), &lat[0], &lon[0]);
  week->plan_visits = g_new0 (PmPlanVisit, MAX (visits->len, 1));
  for (guint i = 0; i < visits->len; i++)
    {
      PmRecord *visit = g_ptr_array_index (visits, i);
      GArray *w = windows_of (visit, week->origin, days, dates_bind);
      PmPlanVisit *pv = &week->plan_visits[i];

      g_ptr_array_add (week->visits, g_object_ref (visit));
      lat[i + 1] = pm_record_get_double (visit, "lat");
      lon[i + 1] = pm_record_get_double (visit, "lon");
      g_ptr_array_add (week->windows, w);
      pv->location = (int) i + 1;
      pv->service = pm_record_get_int (visit, "duration_min") * 60.0;
      pv->windows = (const PmPlanWindow *) w->data;
      pv->n_windows = (int) w->len;
      pv->priority = (int) MAX (pm_record_get_int (visit, "priority"), 1);
      pv->skills = pm_week_model_skills_of (visit);
      pv->preferred_staff = -1;
    }

  week->plan_vans = g_new0 (PmPlanVan, vans->len);
  for (guint v = 0; v < vans->len; v++)
    {
      PmPlanVan *van = &week->plan_vans[v];

      g_ptr_array_add (week->vans, g_object_ref (g_ptr_array_index (vans, v)));
      van->start_location = van->end_location = 0;
      van->skills = van_skills (g_ptr_array_index (vans, v));
      van->staff = -1;
      van->work_start = 8 * 3600;
      van->work_end = 16 * 3600;
      van->max_overtime = 3600;
      van->break_open = 11.5 * 3600;
      van->break_close = 13.5 * 3600;
      van->break_duration = 30 * 60;
    }

  week->matrix = pm_plan_matrix_haversine (lat, lon, (int) visits->len + 1, DETOUR, SPEED_KMH, STOP_OVERHEAD);
  week->model.n_locations = (int) visits->len + 1;
  week->model.travel = week->matrix;
  week->model.n_visits = (int) visits->len;
  week->model.visits = week->plan_visits;
  week->model.n_vans = (int) vans->len;
  week->model.vans = week->plan_vans;
  week->model.n_days = days;
  week->model.day_length = DAY;
  pm_plan_weights_init_default (&week->model.weights);
  return week;
}

char *
pm_week_model_add_days (const char *date,
                        int         days)
{
  g_autoptr(GDateTime) start = date ? day_start (date) : NULL;
  g_autoptr(GDateTime) end = start ? g_date_time_add_days (start, days) : NULL;

  return end ? g_date_time_format (end, "%Y-%m-%d") : NULL;
}

char *
pm_week_model_date (PmWeekModel *week,
                    int          day)
{
  g_autoptr(GDateTime) date = g_date_time_add_days (week->origin, day);

  return g_date_time_format (date, "%Y-%m-%d");
}

int
pm_week_model_day_of (PmWeekModel *week,
                      const char  *date)
{
  g_autoptr(GDateTime) day = date ? day_start (date) : NULL;
  int index;

  if (day == NULL)
    return -1;
  index = (int) ((g_date_time_difference (day, week->origin) + G_TIME_SPAN_HOUR * 12) / G_TIME_SPAN_DAY);
  if (g_date_time_compare (day, week->origin) < 0)
    return -1;
  return index < week->model.n_days ? index : -1;
}
