/* pm-planner.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Route planner: a vehicle-routing problem with time windows over several
 * days.  Pure C11 (no GLib), no global state: one call plans one model and
 * may run on any thread.
 */

#pragma once

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum
{
  PM_PLAN_FREE,
  PM_PLAN_PINNED,   /* van and day are fixed; order among locked visits kept */
  PM_PLAN_STARTED,  /* already under way: stays at the head of its van-day */
} PmPlanLock;

/* Service must start inside [open, close]; arriving early means waiting.
 * Times are seconds from the start of the horizon (day 0, 00:00).
 */
typedef struct
{
  double open;
  double close;
} PmPlanWindow;

typedef struct
{
  int                 location;        /* row/column of the travel matrix */
  double              service;
  double              load;            /* generic capacity dimension */
  const PmPlanWindow *windows;         /* sorted, disjoint; none = any time */
  int                 n_windows;
  int                 priority;        /* >= 1: weight of leaving it out */
  unsigned int        skills;          /* required skills, a bit set */
  int                 preferred_staff; /* -1: no preference */
  PmPlanLock          lock;
  int                 lock_van;        /* with PINNED and STARTED */
  int                 lock_day;
  int                 lock_position;   /* order among the locked visits */
} PmPlanVisit;

typedef struct
{
  int          start_location;
  int          end_location;
  double       capacity;        /* <= 0: unlimited */
  unsigned int skills;
  int          staff;
  double       work_start;      /* seconds after the start of each day */
  double       work_end;        /* regular end: later return is overtime */
  double       max_overtime;
  double       break_open;      /* the break starts in [open, close], */
  double       break_close;     /* time of day, between two stops */
  double       break_duration;  /* 0: no break */
} PmPlanVan;

/* Weighted sum; the defaults are so far apart that, for a city week, the
 * order is lexicographic: unassigned priority, overtime, van-days, travel,
 * preferred-staff misses, waiting.  `moved` prices a visit that a re-plan
 * puts on another van-day than the previous plan.
 */
typedef struct
{
  double unassigned;
  double overtime;
  double vehicle;
  double travel;
  double preferred_staff;
  double waiting;
  double moved;
} PmPlanWeights;

typedef struct
{
  int    n_stops;
  int   *visits;        /* visit indices in service order */
  double *starts;       /* service start of each stop */
  int    break_after;   /* -1: none; 0: before the first stop; k: after stop k */
  double break_start;
  double depart;       /* as late as the first stop allows */
  double arrive;        /* back at the end location */
  double travel;
} PmPlanRoute;

typedef struct
{
  double unassigned;    /* sum of the priorities left out */
  double overtime;
  double vehicles;      /* van-days used */
  double travel;
  double preferred_staff;
  double waiting;
  double moved;
  double total;         /* the weighted sum that was minimised */
} PmPlanCost;

typedef struct
{
  int          n_routes;      /* n_vans * n_days, index day * n_vans + van */
  PmPlanRoute *routes;
  int          n_unassigned;
  int         *unassigned;
  PmPlanCost   cost;
  long         iterations;
  double       elapsed_ms;
  bool         stopped;       /* cancelled or out of time before the budget */
} PmPlanSolution;

typedef struct
{
  int                   n_locations;
  const double         *travel;     /* n_locations², row-major, seconds */
  int                   n_visits;
  const PmPlanVisit    *visits;
  int                   n_vans;
  const PmPlanVan      *vans;
  int                   n_days;
  double                day_length; /* seconds from one day's 00:00 to the next */
  PmPlanWeights         weights;
  const PmPlanSolution *previous;   /* optional: start here, prefer few moves */
} PmPlanModel;

/* Return false to stop the search (it returns the best plan so far). */
typedef bool (*PmPlanProgressFunc) (void   *data,
                                    long    iteration,
                                    double  best_cost);

typedef struct
{
  uint64_t            seed;
  long                iterations;     /* the budget; 0: until the time limit */
  double              time_limit_ms;  /* 0: none */
  const atomic_int   *cancel;         /* optional, checked every iteration */
  PmPlanProgressFunc  progress;
  void               *progress_data;
  long                progress_every; /* iterations between progress calls */
} PmPlanParams;

typedef enum
{
  PM_PLAN_OK,
  PM_PLAN_ERROR_INVALID,
  PM_PLAN_ERROR_NO_MEMORY,
} PmPlanStatus;

/* What is wrong with a route the planner did not make (a person's edit). */
typedef enum
{
  PM_PLAN_VIOLATION_WINDOW    = 1 << 0,  /* a stop starts after its window closed */
  PM_PLAN_VIOLATION_SHIFT_END = 1 << 1,  /* back after work end + allowed overtime */
  PM_PLAN_VIOLATION_BREAK     = 1 << 2,  /* the break cannot start inside its window */
  PM_PLAN_VIOLATION_SKILLS    = 1 << 3,  /* the van lacks a skill a stop needs */
} PmPlanViolation;

typedef struct
{
  double       arrival;     /* at the door */
  double       start;       /* service start: arrival plus waiting */
  double       travel;      /* from the previous place */
  unsigned int violations;  /* WINDOW and SKILLS, for this stop */
} PmPlanStopTimes;

typedef struct
{
  bool         feasible;    /* as pm_plan_solve would judge it */
  unsigned int violations;  /* PmPlanViolation bits */
  int          break_after; /* as in PmPlanRoute */
  double       break_start;
  double       depart;
  double       arrive;
  double       travel;
  double       service;
  double       waiting;
  double       overtime;
} PmPlanRouteTimes;

void            pm_plan_weights_init_default (PmPlanWeights      *weights);
void            pm_plan_params_init          (PmPlanParams       *params);

/* Haversine distance × detour ÷ speed + per-stop overhead (zero on the
 * diagonal); coordinates in degrees.  Free with free().
 */
double         *pm_plan_matrix_haversine     (const double       *lat,
                                              const double       *lon,
                                              int                 n,
                                              double              detour,
                                              double              speed_kmh,
                                              double              stop_overhead);

/* Plans `model` (read only, owned by the caller, used only during the
 * call).  params NULL means pm_plan_params_init's defaults.  On
 * PM_PLAN_OK *solution holds the best plan found (free it with
 * pm_plan_solution_free); on PM_PLAN_ERROR_INVALID `error` says why.
 */
PmPlanStatus    pm_plan_solve                (const PmPlanModel  *model,
                                              const PmPlanParams *params,
                                              PmPlanSolution    **solution,
                                              char               *error,
                                              int                 error_size);
void            pm_plan_solution_free        (PmPlanSolution     *solution);

/* Times of a given sequence of visits on van `van`, day `day` of `model`,
 * in that order (nothing is reordered): the planner's own evaluation for a
 * feasible route; for one that is not, the earliest schedule that serves
 * every stop anyway (late where a window is missed, the break where it can
 * still be had) with what is violated.  `stops` holds `n` entries.
 */
PmPlanStatus    pm_plan_route_times          (const PmPlanModel  *model,
                                              int                 van,
                                              int                 day,
                                              const int          *visits,
                                              int                 n,
                                              PmPlanStopTimes    *stops,
                                              PmPlanRouteTimes   *times,
                                              char               *error,
                                              int                 error_size);

#ifdef __cplusplus
}
#endif
