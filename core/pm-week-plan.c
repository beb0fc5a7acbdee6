/* pm-week-plan.c: the planner run on the store's visits
 *
 * Turns the open visits of a range of days into the planner's model
 * (core/planner): a travel matrix by haversine distance from the depot and
 * the visits' coordinates, time windows relative to the first day, skills
 * from the services' departments, started visits locked at the head of their
 * day. The working day (08:00–16:00, a 30-minute break between 11:30 and
 * 13:30) is the van's default until vans carry their own hours.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pm-week-plan"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pm-catalogue.h"
#include "pm-city.h"
#include "pm-error.h"
#include "pm-model.h"
#include "pm-planner.h"
#include "pm-week-plan.h"

#define DAY            86400.0
#define SKILL_COUNSEL  (1u << 0)
#define SKILL_ID       (1u << 1)
/* Urban driving in Halle: detour over the straight line, average speed,
 * and parking and walking to the door at each stop. */
#define DETOUR         1.35
#define SPEED_KMH      25.0
#define STOP_OVERHEAD  300.0

static const char * const open_statuses[] = { "requested", "scheduled", "confirmed", NULL };
static const char * const started_statuses[] = { "on_the_way", "arrived", NULL };

void
pm_week_plan_free (PmWeekPlan *plan)
{
  if (plan == NULL)
    return;
  g_ptr_array_unref (plan->planned);
  g_ptr_array_unref (plan->unplanned);
  g_free (plan);
}

static GDateTime *
day_start (const char *date)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_local ();
  g_autofree char *iso = g_strconcat (date, "T00:00:00", NULL);

  return g_date_time_new_from_iso8601 (iso, tz);
}

static unsigned int
skills_of (PmRecord *visit)
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

/* Windows as seconds from the first day's midnight; a visit already dated
 * without windows may come any time of its day. */
static GArray *
windows_of (PmRecord  *visit,
            GDateTime *origin,
            int        days)
{
  GArray *windows = g_array_new (FALSE, FALSE, sizeof (PmPlanWindow));
  const char * const *texts = pm_record_get_strv (visit, "windows");
  g_autoptr(GTimeZone) tz = g_time_zone_new_local ();

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
  if (windows->len == 0 && pm_record_get_string (visit, "date"))
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

static gboolean
belongs_to_range (PmRecord   *visit,
                  const char *from,
                  const char *until)
{
  const char *status = pm_record_get_string (visit, "status");
  const char *date = pm_record_get_string (visit, "date");

  if (g_strv_contains (started_statuses, status))
    return g_strcmp0 (date, from) >= 0 && g_strcmp0 (date, until) < 0;
  if (!g_strv_contains (open_statuses, status))
    return FALSE;
  /* A request without a date is planned if one of its windows is in range. */
  return date == NULL || (g_strcmp0 (date, from) >= 0 && g_strcmp0 (date, until) < 0);
}

static PmRecord *
copy_of (PmRecord *record)
{
  g_autoptr(JsonObject) json = pm_record_to_json (record);

  return pm_record_new_from_json (G_OBJECT_TYPE (record), json, NULL);
}

PmWeekPlan *
pm_week_plan_compute (PmStore                  *store,
                      const PmWeekPlanOptions  *options,
                      GError                  **error)
{
  g_autoptr(GDateTime) origin = day_start (options->from);
  g_autoptr(GDateTime) end = NULL;
  g_autofree char *until = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) vans = NULL;
  g_autoptr(GPtrArray) visits = g_ptr_array_new ();
  g_autoptr(GPtrArray) windows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  g_autofree PmPlanVisit *plan_visits = NULL;
  g_autofree PmPlanVan *plan_vans = NULL;
  g_autofree double *lat = NULL;
  g_autofree double *lon = NULL;
  g_autofree double *matrix = NULL;
  PmPlanModel model = { 0 };
  PmPlanParams params;
  PmPlanSolution *solution = NULL;
  char message[256] = "";
  PmWeekPlan *plan;

  g_return_val_if_fail (PM_IS_STORE (store), NULL);
  if (origin == NULL || options->days < 1 || options->days > 31)
    {
      g_set_error (error, PM_ERROR, PM_ERROR_INVALID, _("Plan from a valid date for 1 to 31 days"));
      return NULL;
    }
  end = g_date_time_add_days (origin, options->days);
  until = g_date_time_format (end, "%Y-%m-%d");

  all = pm_store_list (store, PM_TYPE_VISIT, error);
  vans = all ? pm_store_list (store, PM_TYPE_VAN, error) : NULL;
  if (vans == NULL)
    return NULL;
  if (vans->len == 0)
    {
      g_set_error (error, PM_ERROR, PM_ERROR_INVALID, _("There is no van to plan for"));
      return NULL;
    }

  for (guint i = 0; i < all->len; i++)
    if (belongs_to_range (g_ptr_array_index (all, i), options->from, until))
      g_ptr_array_add (visits, g_ptr_array_index (all, i));

  /* Location 0 is the depot; visit i is at location i + 1. */
  lat = g_new0 (double, visits->len + 1);
  lon = g_new0 (double, visits->len + 1);
  pm_city_get_depot_location (pm_city_get_default (), &lat[0], &lon[0]);
  plan_visits = g_new0 (PmPlanVisit, MAX (visits->len, 1));
  for (guint i = 0; i < visits->len; i++)
    {
      PmRecord *visit = g_ptr_array_index (visits, i);
      GArray *w = windows_of (visit, origin, options->days);
      PmPlanVisit *pv = &plan_visits[i];

      lat[i + 1] = pm_record_get_double (visit, "lat");
      lon[i + 1] = pm_record_get_double (visit, "lon");
      g_ptr_array_add (windows, w);
      pv->location = (int) i + 1;
      pv->service = pm_record_get_int (visit, "duration_min") * 60.0;
      pv->windows = (const PmPlanWindow *) w->data;
      pv->n_windows = (int) w->len;
      pv->priority = (int) MAX (pm_record_get_int (visit, "priority"), 1);
      pv->skills = skills_of (visit);
      pv->preferred_staff = -1;
      if (g_strv_contains (started_statuses, pm_record_get_string (visit, "status")))
        {
          g_autoptr(GDateTime) day = day_start (pm_record_get_string (visit, "date"));

          pv->lock = PM_PLAN_STARTED;
          pv->lock_van = 0;
          pv->lock_day = (int) (g_date_time_difference (day, origin) / G_TIME_SPAN_DAY);
        }
    }

  plan_vans = g_new0 (PmPlanVan, vans->len);
  for (guint v = 0; v < vans->len; v++)
    {
      PmPlanVan *van = &plan_vans[v];

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

  matrix = pm_plan_matrix_haversine (lat, lon, (int) visits->len + 1, DETOUR, SPEED_KMH, STOP_OVERHEAD);
  model.n_locations = (int) visits->len + 1;
  model.travel = matrix;
  model.n_visits = (int) visits->len;
  model.visits = plan_visits;
  model.n_vans = (int) vans->len;
  model.vans = plan_vans;
  model.n_days = options->days;
  model.day_length = DAY;
  pm_plan_weights_init_default (&model.weights);

  pm_plan_params_init (&params);
  params.seed = options->seed;
  params.iterations = options->iterations;
  params.time_limit_ms = options->time_limit_ms;
  if (pm_plan_solve (&model, &params, &solution, message, sizeof message) != PM_PLAN_OK)
    {
      g_set_error (error, PM_ERROR, PM_ERROR_INVALID, _("The planner refused the week: %s"), message);
      return NULL;
    }

  plan = g_new0 (PmWeekPlan, 1);
  plan->planned = g_ptr_array_new_with_free_func (g_object_unref);
  plan->unplanned = g_ptr_array_new_with_free_func (g_object_unref);
  plan->travel_seconds = solution->cost.travel;
  plan->van_days = (int) solution->cost.vehicles;
  for (int r = 0; r < solution->n_routes; r++)
    {
      const PmPlanRoute *route = &solution->routes[r];
      int day = r / model.n_vans;
      PmRecord *van = g_ptr_array_index (vans, r % model.n_vans);
      g_autoptr(GDateTime) date = g_date_time_add_days (origin, day);
      g_autofree char *date_text = g_date_time_format (date, "%Y-%m-%d");

      for (int k = 0; k < route->n_stops; k++)
        {
          PmRecord *visit = copy_of (g_ptr_array_index (visits, route->visits[k]));
          int start = (int) (route->starts[k] - day * DAY);
          g_autofree char *start_text = g_strdup_printf ("%02d:%02d", start / 3600, (start / 60) % 60);

          pm_record_set_string (visit, "date", date_text);
          pm_record_set_string (visit, "planned_start", start_text);
          pm_record_set_int (visit, "route_order", k + 1);
          pm_record_set_string (visit, "van_id", pm_record_get_id (van));
          g_ptr_array_add (plan->planned, visit);
        }
    }
  for (int u = 0; u < solution->n_unassigned; u++)
    g_ptr_array_add (plan->unplanned, copy_of (g_ptr_array_index (visits, solution->unassigned[u])));
  pm_plan_solution_free (solution);
  return plan;
}
