/* pm-plan-board.h: the dispatch office's planning board of a week
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "pm-planner.h"
#include "pm-record.h"

G_BEGIN_DECLS

/* Times are seconds after the day's local midnight. */
typedef struct
{
  PmRecord     *visit;       /* the board's copy, schedule fields kept current */
  int           arrival;
  int           start;
  int           end;
  int           travel;      /* from the previous place */
  int           waiting;
  unsigned int  violations;  /* PmPlanViolation bits of this stop */
  gboolean      pinned;
} PmBoardStop;

typedef struct
{
  int           n_stops;
  int           depart;
  int           arrive;
  int           travel;
  int           service;
  int           waiting;
  int           overtime;
  int           break_after; /* -1: none; k: after the k-th stop (0: before the first) */
  int           break_start;
  unsigned int  violations;  /* PmPlanViolation bits of the route */
} PmBoardRoute;

typedef struct
{
  int    placed_before;
  int    placed_after;
  double travel_before;      /* seconds, over the optimised days */
  double travel_after;
  long   iterations;
  double elapsed_ms;
} PmBoardSummary;

typedef struct
{
  long    iterations;        /* the planner's budget */
  double  time_limit_ms;     /* 0: none */
  guint64 seed;
} PmBoardOptimiseOptions;

/* `fraction` of the budget done, 0–1. */
typedef void (*PmBoardProgressFunc) (double   fraction,
                                     gpointer user_data);

#define PM_TYPE_PLAN_BOARD (pm_plan_board_get_type ())
G_DECLARE_FINAL_TYPE (PmPlanBoard, pm_plan_board, PM, PLAN_BOARD, GObject)

PmPlanBoard        *pm_plan_board_new                 (GPtrArray                    *visits,
                                                       GPtrArray                    *vans,
                                                       const char                   *from,
                                                       int                           days,
                                                       GError                      **error);
int                 pm_plan_board_get_n_days          (PmPlanBoard                  *self);
int                 pm_plan_board_get_n_vans          (PmPlanBoard                  *self);
int                 pm_plan_board_get_today           (PmPlanBoard                  *self);
char               *pm_plan_board_get_date            (PmPlanBoard                  *self,
                                                       int                           day);
PmRecord           *pm_plan_board_get_van             (PmPlanBoard                  *self,
                                                       int                           van);
const PmBoardRoute *pm_plan_board_get_route           (PmPlanBoard                  *self,
                                                       int                           van,
                                                       int                           day);
const PmBoardStop  *pm_plan_board_get_stop            (PmPlanBoard                  *self,
                                                       int                           van,
                                                       int                           day,
                                                       int                           position);
char              **pm_plan_board_describe_violations (PmPlanBoard                  *self,
                                                       int                           van,
                                                       int                           day);
guint               pm_plan_board_get_n_unplanned     (PmPlanBoard                  *self);
PmRecord           *pm_plan_board_get_unplanned       (PmPlanBoard                  *self,
                                                       guint                         index);
const char         *pm_plan_board_get_unplanned_reason (PmPlanBoard                 *self,
                                                       guint                         index);
gboolean            pm_plan_board_find                (PmPlanBoard                  *self,
                                                       const char                   *visit_id,
                                                       int                          *van,
                                                       int                          *day,
                                                       int                          *position);

gboolean            pm_plan_board_move                (PmPlanBoard                  *self,
                                                       const char                   *visit_id,
                                                       int                           van,
                                                       int                           day,
                                                       int                           position,
                                                       GError                      **error);
gboolean            pm_plan_board_unplan              (PmPlanBoard                  *self,
                                                       const char                   *visit_id,
                                                       GError                      **error);
gboolean            pm_plan_board_set_pinned          (PmPlanBoard                  *self,
                                                       const char                   *visit_id,
                                                       gboolean                      pinned,
                                                       GError                      **error);
gboolean            pm_plan_board_can_undo            (PmPlanBoard                  *self);
gboolean            pm_plan_board_can_redo            (PmPlanBoard                  *self);
gboolean            pm_plan_board_undo                (PmPlanBoard                  *self);
gboolean            pm_plan_board_redo                (PmPlanBoard                  *self);

gboolean            pm_plan_board_optimise            (PmPlanBoard                  *self,
                                                       const gboolean               *days,
                                                       const PmBoardOptimiseOptions *options,
                                                       PmBoardProgressFunc           progress,
                                                       gpointer                      progress_data,
                                                       PmBoardSummary               *summary,
                                                       GError                      **error);
void                pm_plan_board_optimise_async      (PmPlanBoard                  *self,
                                                       const gboolean               *days,
                                                       const PmBoardOptimiseOptions *options,
                                                       PmBoardProgressFunc           progress,
                                                       gpointer                      progress_data,
                                                       GCancellable                 *cancellable,
                                                       GAsyncReadyCallback           callback,
                                                       gpointer                      user_data);
gboolean            pm_plan_board_optimise_finish     (PmPlanBoard                  *self,
                                                       GAsyncResult                 *result,
                                                       PmBoardSummary               *summary,
                                                       GError                      **error);

GPtrArray          *pm_plan_board_get_changes         (PmPlanBoard                  *self);

G_END_DECLS
