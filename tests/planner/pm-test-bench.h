/* pm-test-bench.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Glue between the planner's benchmark results and the independent
 * checker, shared by the tests and the bench.
 */

#pragma once

#include <glib.h>

#include "pm-check.h"
#include "pm-plan-bench.h"

/* Plans with an iteration budget; fails the test unless the planner says OK. */
PmPlanSolution *pm_test_solve    (const PmPlanModel    *model,
                                  long                  iterations,
                                  uint64_t              seed);

/* Instance names (without .txt) in bench_dir/solomon, sorted. */
GPtrArray *pm_test_solomon_names (const char           *bench_dir,
                                  const char           *prefix);

/* The plan as customer-id routes through the checker. */
gboolean   pm_test_check_solomon (const PmPlanInstance *inst,
                                  const PmPlanSolution *sol,
                                  const char           *path,
                                  int                   customers,
                                  gboolean              dimacs,
                                  double               *distance,
                                  char                 *why,
                                  int                   why_size);

/* Length of the tour in a TSPLIB .opt.tour file, by the checker; -1. */
long       pm_test_tsp_optimum   (const PmCheckTsp     *check,
                                  const char           *opt_path);

/* The single route, depot first, through the checker. */
gboolean   pm_test_check_tsp     (const PmPlanInstance *inst,
                                  const PmPlanSolution *sol,
                                  const PmCheckTsp     *check,
                                  long                 *length,
                                  char                 *why,
                                  int                   why_size);
