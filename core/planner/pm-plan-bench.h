/* pm-plan-bench.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Readers for the public benchmark instances (Solomon VRPTW, TSPLIB
 * EUC_2D) into a planner model, for the CLI and the bench.
 */

#pragma once

#include "pm-planner.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum
{
  PM_PLAN_OBJECTIVE_DIMACS,        /* distance only, arcs truncated to 0.1 */
  PM_PLAN_OBJECTIVE_HIERARCHICAL,  /* vehicles first, then exact distance */
} PmPlanObjective;

typedef struct
{
  PmPlanModel   model;
  char          name[64];
  double        scale;        /* model units per instance unit (10 for DIMACS) */
  int           max_vehicles;
  int          *ids;          /* instance id of each visit */
  double       *travel;
  PmPlanVisit  *visits;
  PmPlanWindow *windows;
  PmPlanVan    *vans;
} PmPlanInstance;

/* customers: 0 for all, else the first `customers` customers. */
PmPlanInstance *pm_plan_instance_read_solomon (const char      *path,
                                               int              customers,
                                               PmPlanObjective  objective,
                                               char            *error,
                                               int              error_size);
PmPlanInstance *pm_plan_instance_read_tsplib  (const char      *path,
                                               char            *error,
                                               int              error_size);
void            pm_plan_instance_free         (PmPlanInstance  *instance);

#ifdef __cplusplus
}
#endif
