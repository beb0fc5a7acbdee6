/* pm-week-plan.c: the planner run on the store's visits
 *
 * Turns the open visits of a range of days into the planner's model
 * (pm-week-model.c), started visits locked at the head of their day.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pm-week-plan"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pm-error.h"
#include "pm-model.h"
#include "pm-planner.h"
#include "pm-week-model.h"
#include "pm-week-plan.h"

void
pm_week_plan_free (PmWeekPlan *plan)
{
  if (plan == NULL)
    return;
  g_ptr_array_unref (plan->planned);
  g_ptr_array_unref (plan->unplanned);
  g_free (plan);
}

PmWeekPlan *
pm_week_plan_compute (PmStore                  *store,
                      const PmWeekPlanOptions  *options,
                      GError                  **error)
{
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) vans = NULL;
  g_autoptr(GPtrArray) visits = g_ptr_array_new ();
  g_autoptr(PmWeekModel) week = NULL;
  g_autofree char *until = NULL;
  PmPlanParams params;
  PmPlanSolution *solution = NULL;
  char message[256] = "";
  PmWeekPlan *plan;

  g_return_val_if_fail (PM_IS_STORE (store), NULL);
  all = pm_store_list (store, PM_TYPE_VISIT, error);
  vans = all ? pm_store_list (store, PM_TYPE_VAN, error) : NULL;
  if (vans == NULL)
    return NULL;
  until = pm_week_model_add_days (options->from, options->days);
  for (guint i = 0; until && i < all->len; i++)
    if (pm_week_model_in_range (g_ptr_array_index (all, i), options->from, until))
      g_ptr_array_add (visits, g_ptr_array_index (all, i));
  week = pm_week_model_new (visits, vans, options->from, options->days, TRUE, error);
  if (week == NULL)
    return NULL;

  for (guint i = 0; i < visits->len; i++)
    {
      PmRecord *visit = g_ptr_array_index (visits, i);
      PmPlanVisit *pv = &week->plan_visits[i];

      if (pm_week_model_is_started (visit))
        {
          pv->lock = PM_PLAN_STARTED;
          pv->lock_van = 0;
          pv->lock_day = pm_week_model_day_of (week, pm_record_get_string (visit, "date"));
        }
    }

  pm_plan_params_init (&params);
  params.seed = options->seed;
  params.iterations = options->iterations;
  params.time_limit_ms = options->time_limit_ms;
  if (pm_plan_solve (&week->model, &params, &solution, message, sizeof message) != PM_PLAN_OK)
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
      int day = r / week->model.n_vans;
      PmRecord *van = g_ptr_array_index (vans, r % week->model.n_vans);
      g_autofree char *date_text = pm_week_model_date (week, day);

      for (int k = 0; k < route->n_stops; k++)
        {
          PmRecord *visit = pm_record_copy (g_ptr_array_index (visits, route->visits[k]));
          int start = (int) (route->starts[k] - day * PM_WEEK_MODEL_DAY);
          g_autofree char *start_text = g_strdup_printf ("%02d:%02d", start / 3600, (start / 60) % 60);

          pm_record_set_string (visit, "date", date_text);
          pm_record_set_string (visit, "planned_start", start_text);
          pm_record_set_int (visit, "route_order", k + 1);
          pm_record_set_string (visit, "van_id", pm_record_get_id (van));
          g_ptr_array_add (plan->planned, visit);
        }
    }
  for (int u = 0; u < solution->n_unassigned; u++)
    g_ptr_array_add (plan->unplanned, pm_record_copy (g_ptr_array_index (visits, solution->unassigned[u])));
  pm_plan_solution_free (solution);
  return plan;
}
