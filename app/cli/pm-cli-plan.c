/* pm-cli-plan.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `pepamo-cli plan`: runs the planner on the store's week, or on a
 * benchmark instance.
 */

#define G_LOG_DOMAIN "pm-cli-plan"

#include "config.h"

#include <stdio.h>

#include <glib.h>

#include "pm-cli-common.h"
#include "pm-cli-plan.h"
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "pm-city.h"
#include "pm-cli-store.h"
#include "pm-plan-bench.h"
#include "pm-week-plan.h"

/* A single line, so a script can show it as it is. */
static int
usage_error (const char *message)
{
  fprintf (stderr, "pepamo-cli: %s (see 'pepamo-cli plan --help')\n", message);
  return PM_CLI_USAGE;
}

static double
instance_distance (const PmPlanInstance *inst,
                   const PmPlanSolution *sol)
{
  return sol->cost.travel / inst->scale;
}

static void
print_solution (const PmPlanInstance *inst,
                const PmPlanSolution *sol,
                gboolean              json,
                int                   decimals)
{
  g_autoptr(GString) out = g_string_new (NULL);
  gboolean first = TRUE;

  if (json)
    {
      /* JSON wants a decimal point whatever the locale. */
      char format[8], number[G_ASCII_DTOSTR_BUF_SIZE];

      g_snprintf (format, sizeof format, "%%.%df", decimals);
      g_string_append_printf (out, "{\"vehicles\": %d, \"distance\": %s, \"routes\": [",
                              (int) sol->cost.vehicles,
                              g_ascii_formatd (number, sizeof number, format, instance_distance (inst, sol)));
    }
  else
    g_string_append_printf (out, "%s: %d vehicles, distance %.*f, %ld iterations, %.0f ms\n",
                            inst->name, (int) sol->cost.vehicles, decimals,
                            instance_distance (inst, sol), sol->iterations, sol->elapsed_ms);

  for (int r = 0; r < sol->n_routes; r++)
    {
      const PmPlanRoute *route = &sol->routes[r];

      if (route->n_stops == 0)
        continue;
      g_string_append (out, json ? (first ? "[" : ", [") : "  route:");
      for (int k = 0; k < route->n_stops; k++)
        g_string_append_printf (out, json && k > 0 ? ", %d" : json ? "%d" : " %d",
                                inst->ids[route->visits[k]]);
      g_string_append (out, json ? "]" : "\n");
      first = FALSE;
    }

  if (json)
    g_string_append (out, "]}\n");
  else if (sol->n_unassigned > 0)
    g_string_append_printf (out, "  unassigned: %d\n", sol->n_unassigned);
  fputs (out->str, stdout);
}

/* Without a benchmark instance: the store's open visits of the days. */
static int
plan_store_week (const char *data_dir,
                 const char *from,
                 int         days,
                 gint64      seed,
                 gint64      iterations,
                 gint64      time_limit_ms,
                 gboolean    json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PmStore) store = pm_cli_open_store (data_dir, &error);
  g_autoptr(PmWeekPlan) plan = NULL;
  PmWeekPlanOptions options = { (char *) from, days, (guint64) seed, 0, (double) time_limit_ms };
  PmCity *city = pm_city_get_default ();

  if (store == NULL)
    return pm_cli_fail ("%s", error->message);
  options.iterations = iterations >= 0 ? (long) iterations : time_limit_ms > 0 ? 0 : 20000;
  plan = pm_week_plan_compute (store, &options, &error);
  if (plan == NULL)
    return pm_cli_fail ("%s", error->message);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *text = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "planned");
      json_builder_begin_array (builder);
      for (guint i = 0; i < plan->planned->len; i++)
        {
          JsonNode *node = json_node_new (JSON_NODE_OBJECT);

          json_node_take_object (node, pm_record_to_json (g_ptr_array_index (plan->planned, i)));
          json_builder_add_value (builder, node);
        }
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "unplanned");
      json_builder_begin_array (builder);
      for (guint i = 0; i < plan->unplanned->len; i++)
        json_builder_add_string_value (builder, pm_record_get_id (g_ptr_array_index (plan->unplanned, i)));
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "van_days");
      json_builder_add_int_value (builder, plan->van_days);
      json_builder_set_member_name (builder, "travel_minutes");
      json_builder_add_int_value (builder, (gint64) (plan->travel_seconds / 60));
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      text = json_to_string (root, TRUE);
      printf ("%s\n", text);
      return PM_CLI_OK;
    }

  for (guint i = 0; i < plan->planned->len; i++)
    {
      PmRecord *visit = g_ptr_array_index (plan->planned, i);
      const PmArea *area = pm_city_lookup_area (city, pm_record_get_string (visit, "stadtteil"));
      const char * const *services = pm_record_get_strv (visit, "services");
      g_autofree char *booked = services ? g_strjoinv (", ", (char **) services) : g_strdup ("");
      g_autofree char *place = pm_cli_pad (area ? area->name : "", 26);

      printf ("%s  %2" G_GINT64_FORMAT "  %s  %s  %s\n", pm_record_get_string (visit, "date"),
              pm_record_get_int (visit, "route_order"), pm_record_get_string (visit, "planned_start"),
              place, booked);
    }
  printf (_("%u visits planned on %d van-days, %d minutes of driving; %u do not fit.\n"),
          plan->planned->len, plan->van_days, (int) (plan->travel_seconds / 60), plan->unplanned->len);
  return PM_CLI_OK;
}

int
pm_cli_plan_run (const char  *data_dir,
                 int          argc,
                 char       **argv)
{
  g_autofree char *solomon = NULL;
  g_autofree char *tsplib = NULL;
  g_autofree char *objective = NULL;
  gint64 time_limit_ms = 0, iterations = -1, seed = 1;
  g_autofree char *from = NULL;
  gint days = 5;
  int customers = 0;
  gboolean json = FALSE, help = FALSE;
  GOptionEntry entries[] = {
    { "solomon", 0, 0, G_OPTION_ARG_FILENAME, &solomon, "Solomon VRPTW instance", "FILE" },
    { "customers", 0, 0, G_OPTION_ARG_INT, &customers,
      "Use the first 25, 50 or 100 customers", "N" },
    { "objective", 0, 0, G_OPTION_ARG_STRING, &objective,
      "dimacs (default) or hierarchical", "NAME" },
    { "tsplib", 0, 0, G_OPTION_ARG_FILENAME, &tsplib, "TSPLIB EUC_2D instance", "FILE" },
    { "time-limit-ms", 0, 0, G_OPTION_ARG_INT64, &time_limit_ms, "Stop after N ms", "N" },
    { "iterations", 0, 0, G_OPTION_ARG_INT64, &iterations,
      "Iteration budget (default 20000, or none with a time limit)", "N" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Random seed (default 1)", "S" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the result as JSON", NULL },
    { "from", 0, 0, G_OPTION_ARG_STRING, &from, "Plan the store's visits from this day (default: today)", "YYYY-MM-DD" },
    { "days", 0, 0, G_OPTION_ARG_INT, &days, "How many days to plan (default 5)", "N" },
    { "help", 'h', 0, G_OPTION_ARG_NONE, &help, "Show this help", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    g_option_context_new ("- plan routes for a benchmark instance");
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) args = g_new0 (char *, argc + 1);
  PmPlanObjective obj = PM_PLAN_OBJECTIVE_DIMACS;
  PmPlanInstance *inst;
  PmPlanParams params;
  PmPlanSolution *sol = NULL;
  char message[256] = "";
  int decimals, rc;

  /* Parse a copy: GOption removes (and frees) what it consumed. */
  for (int i = 0; i < argc; i++)
    args[i] = g_strdup (argv[i]);
  g_option_context_set_help_enabled (context, FALSE);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse_strv (context, &args, &error))
    return usage_error (error->message);

  if (help)
    {
      g_autofree char *text = g_option_context_get_help (context, TRUE, NULL);

      fputs (text, stdout);
      return PM_CLI_OK;
    }
  if (g_strv_length (args) > 1)
    return usage_error ("unexpected argument");
  if (solomon != NULL && tsplib != NULL)
    return usage_error ("give at most one of --solomon FILE and --tsplib FILE");
  if (time_limit_ms < 0 || seed < 0 || iterations < -1)
    return usage_error ("limits and seed must not be negative");
  if (solomon == NULL && tsplib == NULL)
    {
      if ((rc = pm_cli_default_date (&from)) != PM_CLI_OK)
        return rc;
      if (days < 1 || days > 31)
        return usage_error ("--days must be between 1 and 31");
      return plan_store_week (data_dir, from, days, seed, iterations, time_limit_ms, json);
    }
  if (customers != 0 && customers != 25 && customers != 50 && customers != 100)
    return usage_error ("--customers must be 25, 50 or 100");
  if (objective != NULL && g_strcmp0 (objective, "dimacs") != 0)
    {
      if (g_strcmp0 (objective, "hierarchical") != 0)
        return usage_error ("--objective must be dimacs or hierarchical");
      obj = PM_PLAN_OBJECTIVE_HIERARCHICAL;
    }

  inst = solomon != NULL
         ? pm_plan_instance_read_solomon (solomon, customers, obj, message, sizeof message)
         : pm_plan_instance_read_tsplib (tsplib, message, sizeof message);
  if (inst == NULL)
    return pm_cli_fail ("%s", message[0] ? message : "out of memory");

  pm_plan_params_init (&params);
  params.seed = (guint64) seed;
  params.time_limit_ms = (double) time_limit_ms;
  if (iterations >= 0)
    params.iterations = (long) iterations;
  else if (time_limit_ms > 0)
    params.iterations = 0;

  if (pm_plan_solve (&inst->model, &params, &sol, message, sizeof message) != PM_PLAN_OK)
    {
      pm_plan_instance_free (inst);
      return pm_cli_fail ("planning failed: %s", message[0] ? message : "out of memory");
    }

  decimals = tsplib != NULL ? 0 : obj == PM_PLAN_OBJECTIVE_DIMACS ? 1 : 2;
  print_solution (inst, sol, json, decimals);
  rc = sol->n_unassigned > 0
       ? pm_cli_fail ("%d customers could not be served", sol->n_unassigned)
       : PM_CLI_OK;

  pm_plan_solution_free (sol);
  pm_plan_instance_free (inst);
  return rc;
}
