/* pm-check.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An independent solution checker for the planner's tests and bench.  It
 * shares no code with the solver: its own readers, its own arithmetic
 * (integers for the DIMACS convention), its own schedule simulation.
 */

#pragma once

#include <stdbool.h>

#include "pm-planner.h"

typedef struct PmCheckSolomon PmCheckSolomon;
typedef struct PmCheckTsp     PmCheckTsp;

PmCheckSolomon *pm_check_solomon_load      (const char           *path,
                                            int                   customers);
int             pm_check_solomon_customers (const PmCheckSolomon *inst);
void            pm_check_solomon_free      (PmCheckSolomon       *inst);

/* routes: customer ids, each route's stops in order.  Returns feasibility;
 * on success *distance is the recomputed total (DIMACS: truncated arcs).
 */
bool            pm_check_solomon_routes    (const PmCheckSolomon *inst,
                                            bool                  dimacs,
                                            int                   n_routes,
                                            const int            *lengths,
                                            const int *const     *routes,
                                            double               *distance,
                                            char                 *why,
                                            int                   why_size);

PmCheckTsp     *pm_check_tsp_load          (const char           *path);
void            pm_check_tsp_free          (PmCheckTsp           *inst);
/* tour: node ids 1..n, each once, in order. */
bool            pm_check_tsp_tour          (const PmCheckTsp     *inst,
                                            int                   n,
                                            const int            *tour,
                                            long                 *length,
                                            char                 *why,
                                            int                   why_size);

/* The value in `column` of the row `instance` of solomon_bks.csv, or -1. */
double          pm_check_bks               (const char           *csv_path,
                                            const char           *instance,
                                            const char           *column);

/* A plan against its model: every visit at most once, locks, skills,
 * capacity, windows, break, working hours; starts recomputed.
 */
bool            pm_check_plan              (const PmPlanModel    *model,
                                            const PmPlanSolution *plan,
                                            char                 *why,
                                            int                   why_size);
