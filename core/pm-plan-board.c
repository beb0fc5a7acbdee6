/* pm-plan-board.c: the dispatch office's planning board of a week
 *
 * The board holds a layout (which visits each van serves on each day, in
 * which order, which are pinned) over the week's planner model
 * (pm-week-model.c).  Every change re-times the routes it touches with
 * the planner's own evaluation (pm_plan_route_times), so the board shows
 * what the optimiser would compute; each change first saves the layout
 * for undo.  "Optimise" hands the selected days to pm_plan_solve, the
 * other days and pinned visits held in place, starting from the current
 * layout.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pm-plan-board"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "pm-clock.h"
#include "pm-error.h"
#include "pm-model.h"
#include "pm-plan-board.h"
#include "pm-week-model.h"

#define DAY PM_WEEK_MODEL_DAY

/* Which visits each van-day serves (route r = day * n_vans + van). */
typedef struct
{
  int      n_routes;
  GArray **routes;      /* of int: visit indices in service order */
  GArray  *unplanned;   /* of int */
  guint8  *pinned;      /* per visit */
  int      n_visits;
} Layout;

struct _PmPlanBoard
{
  GObject       parent_instance;

  PmWeekModel  *week;
  GPtrArray    *originals;   /* the records given, for what changed */
  GPtrArray    *copies;      /* the board's records, index as in the model */
  GPtrArray    *baseline;    /* the copies as first timed: what changes are against */
  Layout       *layout;
  GPtrArray    *undo;        /* Layout */
  GPtrArray    *redo;
  PmBoardRoute *routes;
  GArray      **stops;       /* PmBoardStop per route */
  GPtrArray    *reasons;     /* per unplanned visit; NULL until asked */
  int           today;       /* day index of today: -1 before the days, n_days after */
  gboolean      optimising;
};

G_DEFINE_FINAL_TYPE (PmPlanBoard, pm_plan_board, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
layout_free (Layout *layout)
{
  for (int r = 0; r < layout->n_routes; r++)
    g_array_unref (layout->routes[r]);
  g_free (layout->routes);
  g_array_unref (layout->unplanned);
  g_free (layout->pinned);
  g_free (layout);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Layout, layout_free)

static GArray *
int_array_copy (GArray *array)
{
  GArray *copy = g_array_sized_new (FALSE, FALSE, sizeof (int), array->len);

  g_array_append_vals (copy, array->data, array->len);
  return copy;
}

static Layout *
layout_new (int n_routes,
            int n_visits)
{
  Layout *layout = g_new0 (Layout, 1);

  layout->n_routes = n_routes;
  layout->routes = g_new0 (GArray *, n_routes);
  for (int r = 0; r < n_routes; r++)
    layout->routes[r] = g_array_new (FALSE, FALSE, sizeof (int));
  layout->unplanned = g_array_new (FALSE, FALSE, sizeof (int));
  layout->n_visits = n_visits;
  layout->pinned = g_new0 (guint8, MAX (n_visits, 1));
  return layout;
}

static Layout *
layout_copy (const Layout *layout)
{
  Layout *copy = g_new0 (Layout, 1);

  copy->n_routes = layout->n_routes;
  copy->routes = g_new0 (GArray *, layout->n_routes);
  for (int r = 0; r < layout->n_routes; r++)
    copy->routes[r] = int_array_copy (layout->routes[r]);
  copy->unplanned = int_array_copy (layout->unplanned);
  copy->n_visits = layout->n_visits;
  copy->pinned = g_memdup2 (layout->pinned, MAX (layout->n_visits, 1));
  return copy;
}

/* Route and position of visit `v`; route -1 when it is unplanned. */
static int
layout_locate (const Layout *layout,
               int           v,
               int          *position)
{
  for (int r = 0; r < layout->n_routes; r++)
    for (guint k = 0; k < layout->routes[r]->len; k++)
      if (g_array_index (layout->routes[r], int, k) == v)
        {
          *position = (int) k;
          return r;
        }
  for (guint k = 0; k < layout->unplanned->len; k++)
    if (g_array_index (layout->unplanned, int, k) == v)
      *position = (int) k;
  return -1;
}

static void
layout_remove (Layout *layout,
               int     v)
{
  int position = -1;
  int r = layout_locate (layout, v, &position);

  if (position >= 0)
    g_array_remove_index (r >= 0 ? layout->routes[r] : layout->unplanned, (guint) position);
}

static char *
format_time (int seconds)
{
  return g_strdup_printf ("%02d:%02d", seconds / 3600, (seconds / 60) % 60);
}

/* Who or where, for messages: the persons, else the address. */
static char *
visit_label (PmRecord *visit)
{
  const char *persons = pm_record_get_string (visit, "persons");

  if (persons && *persons)
    return g_strdup (persons);
  return g_strdup_printf ("%s %s", pm_record_get_string (visit, "street"),
                          pm_record_get_string (visit, "house_number"));
}

static void
set_unplanned_fields (PmPlanBoard *self,
                      int          v)
{
  PmRecord *copy = g_ptr_array_index (self->copies, v);
  PmRecord *original = g_ptr_array_index (self->originals, v);
  gboolean was_request = g_strcmp0 (pm_record_get_string (original, "status"), "requested") == 0;

  /* A scheduled visit cannot go back to requested: it keeps its date. */
  pm_record_set_string (copy, "van_id", NULL);
  pm_record_set_string (copy, "planned_start", NULL);
  pm_record_set_int (copy, "route_order", 0);
  if (was_request)
    {
      pm_record_set_string (copy, "status", "requested");
      pm_record_set_string (copy, "date", pm_record_get_string (original, "date"));
    }
}

static void
retime_route (PmPlanBoard *self,
              int          r)
{
  GArray *seq = self->layout->routes[r];
  int n_vans = self->week->model.n_vans;
  int van = r % n_vans, day = r / n_vans;
  double base = day * DAY;
  g_autofree PmPlanStopTimes *times = g_new0 (PmPlanStopTimes, MAX (seq->len, 1));
  g_autofree char *date = pm_week_model_date (self->week, day);
  PmRecord *van_record = g_ptr_array_index (self->week->vans, van);
  PmBoardRoute *route = &self->routes[r];
  PmPlanRouteTimes rt;
  char message[256];

  /* The board builds the model itself; a refusal would be a bug here. */
  if (pm_plan_route_times (&self->week->model, van, day, (const int *) seq->data, (int) seq->len,
                           times, &rt, message, sizeof message) != PM_PLAN_OK)
    {
      g_critical ("Route timing refused the board's own model: %s", message);
      return;
    }

  g_array_set_size (self->stops[r], 0);
  route->n_stops = (int) seq->len;
  route->depart = (int) (rt.depart - base);
  route->arrive = (int) (rt.arrive - base);
  route->travel = (int) rt.travel;
  route->service = (int) rt.service;
  route->waiting = (int) rt.waiting;
  route->overtime = (int) rt.overtime;
  route->break_after = rt.break_after;
  route->break_start = rt.break_after >= 0 ? (int) (rt.break_start - base) : -1;
  route->violations = rt.violations;
  for (guint k = 0; k < seq->len; k++)
    {
      int v = g_array_index (seq, int, k);
      PmRecord *copy = g_ptr_array_index (self->copies, v);
      g_autofree char *start = NULL;
      PmBoardStop stop = {
        .visit = copy,
        .arrival = (int) lround (times[k].arrival - base),
        .start = (int) lround (times[k].start - base),
        .end = (int) lround (times[k].start + self->week->plan_visits[v].service - base),
        .travel = (int) lround (times[k].travel),
        .violations = times[k].violations,
        .pinned = self->layout->pinned[v],
      };

      stop.waiting = stop.start - stop.arrival;
      start = format_time (stop.start);
      pm_record_set_string (copy, "date", date);
      pm_record_set_string (copy, "planned_start", start);
      pm_record_set_int (copy, "route_order", (gint64) k + 1);
      pm_record_set_string (copy, "van_id", pm_record_get_id (van_record));
      if (g_strcmp0 (pm_record_get_string (copy, "status"), "requested") == 0)
        pm_record_set_string (copy, "status", "scheduled");
      g_array_append_val (self->stops[r], stop);
    }
}

static void
retime_all (PmPlanBoard *self)
{
  for (int r = 0; r < self->layout->n_routes; r++)
    retime_route (self, r);
  for (guint k = 0; k < self->layout->unplanned->len; k++)
    {
      int v = g_array_index (self->layout->unplanned, int, k);

      self->layout->pinned[v] = FALSE;
      set_unplanned_fields (self, v);
    }
  g_clear_pointer (&self->reasons, g_ptr_array_unref);
  g_signal_emit (self, signals[CHANGED], 0);
}

/* Saves the layout for undo before a change. */
static void
remember (PmPlanBoard *self)
{
  g_ptr_array_add (self->undo, layout_copy (self->layout));
  g_ptr_array_set_size (self->redo, 0);
}

static void
pm_plan_board_finalize (GObject *object)
{
  PmPlanBoard *self = PM_PLAN_BOARD (object);

  for (int r = 0; self->layout && r < self->layout->n_routes; r++)
    g_array_unref (self->stops[r]);
  g_free (self->stops);
  g_free (self->routes);
  g_clear_pointer (&self->layout, layout_free);
  g_clear_pointer (&self->undo, g_ptr_array_unref);
  g_clear_pointer (&self->redo, g_ptr_array_unref);
  g_clear_pointer (&self->reasons, g_ptr_array_unref);
  g_clear_pointer (&self->copies, g_ptr_array_unref);
  g_clear_pointer (&self->baseline, g_ptr_array_unref);
  g_clear_pointer (&self->originals, g_ptr_array_unref);
  g_clear_pointer (&self->week, pm_week_model_free);
  G_OBJECT_CLASS (pm_plan_board_parent_class)->finalize (object);
}

static void
pm_plan_board_class_init (PmPlanBoardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = pm_plan_board_finalize;

  /**
   * PmPlanBoard::changed:
   *
   * The layout or its times changed (a move, undo, optimisation).
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
pm_plan_board_init (PmPlanBoard *self)
{
  self->undo = g_ptr_array_new_with_free_func ((GDestroyNotify) layout_free);
  self->redo = g_ptr_array_new_with_free_func ((GDestroyNotify) layout_free);
}

static int
van_index (PmPlanBoard *self,
           const char  *van_id)
{
  for (guint v = 0; van_id && v < self->week->vans->len; v++)
    if (g_strcmp0 (pm_record_get_id (g_ptr_array_index (self->week->vans, v)), van_id) == 0)
      return (int) v;
  return -1;
}

static int
compare_route_order (gconstpointer a,
                     gconstpointer b,
                     gpointer      user_data)
{
  GPtrArray *copies = user_data;
  gint64 x = pm_record_get_int (g_ptr_array_index (copies, *(const int *) a), "route_order");
  gint64 y = pm_record_get_int (g_ptr_array_index (copies, *(const int *) b), "route_order");

  return x < y ? -1 : x > y;
}

/**
 * pm_plan_board_new:
 * @visits: (element-type PmRecord): the store's visits; those open (or
 *   under way) in the days are taken
 * @vans: (element-type PmRecord): the vans
 *
 * A board of @days days from @from.  A visit dated in the days with a van
 * and a position is on that van's route; every other open one is
 * unplanned.  Visits under way are pinned and cannot be moved.
 */
PmPlanBoard *
pm_plan_board_new (GPtrArray   *visits,
                   GPtrArray   *vans,
                   const char  *from,
                   int          days,
                   GError     **error)
{
  g_autoptr(PmPlanBoard) self = g_object_new (PM_TYPE_PLAN_BOARD, NULL);
  g_autofree char *until = pm_week_model_add_days (from, days);
  g_autoptr(GPtrArray) taken = g_ptr_array_new ();
  int n_routes;

  for (guint i = 0; until && i < visits->len; i++)
    if (pm_week_model_in_range (g_ptr_array_index (visits, i), from, until))
      g_ptr_array_add (taken, g_ptr_array_index (visits, i));
  self->originals = g_ptr_array_new_with_free_func (g_object_unref);
  self->copies = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < taken->len; i++)
    {
      g_ptr_array_add (self->originals, g_object_ref (g_ptr_array_index (taken, i)));
      g_ptr_array_add (self->copies, pm_record_copy (g_ptr_array_index (taken, i)));
    }
  self->week = pm_week_model_new (self->copies, vans, from, days, FALSE, error);
  if (self->week == NULL)
    return NULL;

  {
    g_autofree char *today = pm_clock_today ();

    self->today = g_strcmp0 (today, from) < 0 ? -1
                  : g_strcmp0 (today, until) >= 0 ? days
                  : pm_week_model_day_of (self->week, today);
  }
  n_routes = self->week->model.n_vans * days;
  self->layout = layout_new (n_routes, (int) taken->len);
  self->routes = g_new0 (PmBoardRoute, n_routes);
  self->stops = g_new0 (GArray *, n_routes);
  for (int r = 0; r < n_routes; r++)
    self->stops[r] = g_array_new (FALSE, FALSE, sizeof (PmBoardStop));
  for (guint i = 0; i < taken->len; i++)
    {
      PmRecord *visit = g_ptr_array_index (self->copies, i);
      int van = van_index (self, pm_record_get_string (visit, "van_id"));
      int day = pm_week_model_day_of (self->week, pm_record_get_string (visit, "date"));
      int v = (int) i;

      if (van >= 0 && day >= 0 && (pm_record_get_int (visit, "route_order") > 0 ||
                                   pm_week_model_is_started (visit)))
        g_array_append_val (self->layout->routes[day * self->week->model.n_vans + van], v);
      else
        g_array_append_val (self->layout->unplanned, v);
      self->layout->pinned[v] = pm_week_model_is_started (visit);
    }
  for (int r = 0; r < n_routes; r++)
    g_array_sort_with_data (self->layout->routes[r], compare_route_order, self->copies);
  retime_all (self);
  self->baseline = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < self->copies->len; i++)
    g_ptr_array_add (self->baseline, pm_record_copy (g_ptr_array_index (self->copies, i)));
  return g_steal_pointer (&self);
}

int
pm_plan_board_get_n_days (PmPlanBoard *self)
{
  g_return_val_if_fail (PM_IS_PLAN_BOARD (self), 0);
  return self->week->model.n_days;
}

/* The index of today among the days: -1 before them, n_days after.  Days
 * before it are over (nothing moves there); optimising starts after it. */
int
pm_plan_board_get_today (PmPlanBoard *self)
{
  g_return_val_if_fail (PM_IS_PLAN_BOARD (self), 0);
  return self->today;
}

int
pm_plan_board_get_n_vans (PmPlanBoard *self)
{
  g_return_val_if_fail (PM_IS_PLAN_BOARD (self), 0);
  return self->week->model.n_vans;
}

char *
pm_plan_board_get_date (PmPlanBoard *self,
                        int          day)
{
  g_return_val_if_fail (PM_IS_PLAN_BOARD (self), NULL);
  return pm_week_model_date (self->week, day);
}

PmRecord *
pm_plan_board_get_van (PmPlanBoard *self,
                       int          van)
{
  g_return_val_if_fail (PM_IS_PLAN_BOARD (self), NULL);
  g_return_val_if_fail (van >= 0 && van < self->week->model.n_vans, NULL);
  return g_ptr_array_index (self->week->vans, van);
}

static int
route_index (PmPlanBoard *self,
             int          van,
             int          day)
{
  if (van < 0 || van >= self->week->model.n_vans || day < 0 || day >= self->week->model.n_days)
    return -1;
  return day * self->week->model.n_vans + van;
}

const PmBoardRoute *
pm_plan_board_get_route (PmPlanBoard *self,
                         int          van,
                         int          day)
{
  int r;

  g_return_val_if_fail (PM_IS_PLAN_BOARD (self), NULL);
  r = route_index (self, van, day);
  g_return_val_if_fail (r >= 0, NULL);
  return &self->routes[r];
}

const PmBoardStop *
pm_plan_board_get_stop (PmPlanBoard *self,
                        int          van,
                        int          day,
                        int          position)
{
  int r = pm_plan_board_get_route (self, van, day) ? route_index (self, van, day) : -1;

  g_return_val_if_fail (r >= 0, NULL);
  g_return_val_if_fail (position >= 0 && (guint) position < self->stops[r]->len, NULL);
  return &g_array_index (self->stops[r], PmBoardStop, position);
}

/**
 * pm_plan_board_describe_violations:
 *
 * Returns: (transfer full): what is wrong with the route, one sentence
 * each (translated); an empty list for a route that keeps every rule.
 */
char **
pm_plan_board_describe_violations (PmPlanBoard *self,
                                   int          van,
                                   int          day)
{
  GPtrArray *lines = g_ptr_array_new ();
  const PmBoardRoute *route = pm_plan_board_get_route (self, van, day);
  int r = route_index (self, van, day);

  if (route == NULL)
    return (char **) g_ptr_array_free (lines, TRUE);
  for (guint k = 0; k < self->stops[r]->len; k++)
    {
      const PmBoardStop *stop = &g_array_index (self->stops[r], PmBoardStop, k);
      g_autofree char *who = visit_label (stop->visit);
      g_autofree char *start = format_time (stop->start);

      if (stop->violations & PM_PLAN_VIOLATION_WINDOW)
        g_ptr_array_add (lines,
                             /* Translators: persons of a visit, its start time */
                             g_strdup_printf (_("%s: the visit would start at %s, outside its time window"),
                                              who, start));
      if (stop->violations & PM_PLAN_VIOLATION_SKILLS)
        g_ptr_array_add (lines,
                             g_strdup_printf (_("%s: this van cannot provide the services requested"), who));
    }
  if (route->violations & PM_PLAN_VIOLATION_BREAK)
    g_ptr_array_add (lines, g_strdup (_("The break cannot start within its window (11:30–13:30)")));
  if (route->violations & PM_PLAN_VIOLATION_SHIFT_END)
    {
      g_autofree char *back = format_time (route->arrive);

      g_ptr_array_add (lines,
                           g_strdup_printf (_("Back at the depot at %s, after the end of work and the "
                                              "allowed overtime"), back));
    }
  else if (route->overtime > 0)
    {
      g_autofree char *back = format_time (route->arrive);

      g_ptr_array_add (lines,
                           g_strdup_printf (_("Back at the depot at %s: %d min overtime"), back,
                                            route->overtime / 60));
    }
  g_ptr_array_add (lines, NULL);
  return (char **) g_ptr_array_free (lines, FALSE);
}

guint
pm_plan_board_get_n_unplanned (PmPlanBoard *self)
{
  g_return_val_if_fail (PM_IS_PLAN_BOARD (self), 0);
  return self->layout->unplanned->len;
}

PmRecord *
pm_plan_board_get_unplanned (PmPlanBoard *self,
                             guint        index)
{
  g_return_val_if_fail (PM_IS_PLAN_BOARD (self), NULL);
  g_return_val_if_fail (index < self->layout->unplanned->len, NULL);
  return g_ptr_array_index (self->copies, g_array_index (self->layout->unplanned, int, index));
}

/* Whether visit v could go into route r somewhere without breaking a rule;
 * the first such day in *day. */
static gboolean
fits_somewhere (PmPlanBoard *self,
                int          v,
                int         *day)
{
  int n_vans = self->week->model.n_vans;

  for (int r = MAX (self->today, 0) * n_vans; r < self->layout->n_routes; r++)
    {
      GArray *seq = self->layout->routes[r];
      g_autofree int *trial = g_new (int, seq->len + 1);
      g_autofree PmPlanStopTimes *times = g_new (PmPlanStopTimes, seq->len + 1);

      for (guint pos = 0; pos <= seq->len; pos++)
        {
          PmPlanRouteTimes rt;

          for (guint k = 0; k <= seq->len; k++)
            trial[k] = k < pos ? g_array_index (seq, int, k) : k == pos ? v : g_array_index (seq, int, k - 1);
          if (pm_plan_route_times (&self->week->model, r % n_vans, r / n_vans, trial, (int) seq->len + 1,
                                   times, &rt, NULL, 0) == PM_PLAN_OK && rt.violations == 0)
            {
              *day = r / n_vans;
              return TRUE;
            }
        }
    }
  return FALSE;
}

static char *
unplanned_reason (PmPlanBoard *self,
                  int          v)
{
  PmRecord *visit = g_ptr_array_index (self->copies, v);
  const PmPlanVisit *pv = &self->week->plan_visits[v];
  gboolean any_van = FALSE;
  int day;

  for (int k = 0; k < self->week->model.n_vans; k++)
    any_van |= (pv->skills & ~self->week->plan_vans[k].skills) == 0;
  if (!any_van)
    return g_strdup (_("No van offers all the services requested"));
  if (pm_record_get_double (visit, "lat") == 0 && pm_record_get_double (visit, "lon") == 0)
    return g_strdup (_("The address has no coordinates"));
  if (pv->n_windows == 0 && pm_record_get_strv (visit, "windows"))
    return g_strdup (_("None of its time windows falls into these days"));
  if (fits_somewhere (self, v, &day))
    {
      g_autoptr(GDateTime) date = g_date_time_add_days (self->week->origin, day);
      g_autofree char *text = g_date_time_format (date, "%d.%m.%Y");

      /* Translators: %s is a date DD.MM.YYYY */
      return g_strdup_printf (_("Not planned yet: it still fits on %s"), text);
    }
  return g_strdup (_("Fits nowhere: its time windows fall where the routes are full"));
}

/* Why an unplanned visit is not on a route, computed when first asked
 * after a change (it tries every place on every route). */
const char *
pm_plan_board_get_unplanned_reason (PmPlanBoard *self,
                                    guint        index)
{
  g_return_val_if_fail (PM_IS_PLAN_BOARD (self), NULL);
  g_return_val_if_fail (index < self->layout->unplanned->len, NULL);
  if (self->reasons == NULL)
    {
      self->reasons = g_ptr_array_new_with_free_func (g_free);
      for (guint k = 0; k < self->layout->unplanned->len; k++)
        g_ptr_array_add (self->reasons,
                         unplanned_reason (self, g_array_index (self->layout->unplanned, int, k)));
    }
  return g_ptr_array_index (self->reasons, index);
}

static int
visit_index (PmPlanBoard *self,
             const char  *visit_id)
{
  for (guint i = 0; visit_id && i < self->copies->len; i++)
    if (g_strcmp0 (pm_record_get_id (g_ptr_array_index (self->copies, i)), visit_id) == 0)
      return (int) i;
  return -1;
}

gboolean
pm_plan_board_find (PmPlanBoard *self,
                    const char  *visit_id,
                    int         *van,
                    int         *day,
                    int         *position)
{
  int v, r, k = -1;

  g_return_val_if_fail (PM_IS_PLAN_BOARD (self), FALSE);
  v = visit_index (self, visit_id);
  if (v < 0)
    return FALSE;
  r = layout_locate (self->layout, v, &k);
  *van = r >= 0 ? r % self->week->model.n_vans : -1;
  *day = r >= 0 ? r / self->week->model.n_vans : -1;
  *position = k;
  return TRUE;
}

/* The visit a change is about, if it may be changed at all. */
static int
changeable (PmPlanBoard  *self,
            const char   *visit_id,
            GError      **error)
{
  int v = visit_index (self, visit_id);

  if (self->optimising)
    {
      g_set_error (error, PM_ERROR, PM_ERROR_INVALID, _("The plan is being optimised; wait until it is done"));
      return -1;
    }
  if (v < 0)
    {
      g_set_error (error, PM_ERROR, PM_ERROR_NOT_FOUND, _("The visit is not on this board"));
      return -1;
    }
  if (pm_week_model_is_started (g_ptr_array_index (self->copies, v)))
    {
      g_set_error (error, PM_ERROR, PM_ERROR_INVALID, _("The van is already on its way to this visit"));
      return -1;
    }
  return v;
}

/**
 * pm_plan_board_move:
 * @position: the place in the route, 0 first; -1 or beyond the end: last
 *
 * Puts a visit on @van's route of @day (from anywhere, also within the
 * same route: a reorder) and re-times the routes.  Violations are not
 * refused: the board reports them.
 */
gboolean
pm_plan_board_move (PmPlanBoard  *self,
                    const char   *visit_id,
                    int           van,
                    int           day,
                    int           position,
                    GError      **error)
{
  int r, v;
  GArray *route;

  g_return_val_if_fail (PM_IS_PLAN_BOARD (self), FALSE);
  v = changeable (self, visit_id, error);
  if (v < 0)
    return FALSE;
  r = route_index (self, van, day);
  if (r < 0)
    {
      g_set_error (error, PM_ERROR, PM_ERROR_INVALID, _("There is no such van or day on the board"));
      return FALSE;
    }
  if (day < self->today)
    {
      g_set_error (error, PM_ERROR, PM_ERROR_INVALID, _("This day is over; plan on today or later"));
      return FALSE;
    }
  remember (self);
  layout_remove (self->layout, v);
  route = self->layout->routes[r];
  if (position < 0 || (guint) position > route->len)
    position = (int) route->len;
  g_array_insert_val (route, (guint) position, v);
  retime_all (self);
  return TRUE;
}

gboolean
pm_plan_board_unplan (PmPlanBoard  *self,
                      const char   *visit_id,
                      GError      **error)
{
  int v, k = -1;

  g_return_val_if_fail (PM_IS_PLAN_BOARD (self), FALSE);
  v = changeable (self, visit_id, error);
  if (v < 0)
    return FALSE;
  if (layout_locate (self->layout, v, &k) < 0)
    return TRUE;
  remember (self);
  layout_remove (self->layout, v);
  g_array_append_val (self->layout->unplanned, v);
  retime_all (self);
  return TRUE;
}

/* A pinned visit stays on its van and day, in its order among the pinned
 * ones, when the plan is optimised. */
gboolean
pm_plan_board_set_pinned (PmPlanBoard  *self,
                          const char   *visit_id,
                          gboolean      pinned,
                          GError      **error)
{
  int v, k = -1;

  g_return_val_if_fail (PM_IS_PLAN_BOARD (self), FALSE);
  v = changeable (self, visit_id, error);
  if (v < 0)
    return FALSE;
  if (pinned && layout_locate (self->layout, v, &k) < 0)
    {
      g_set_error (error, PM_ERROR, PM_ERROR_INVALID, _("Only a visit on a route can be pinned"));
      return FALSE;
    }
  if (!self->layout->pinned[v] == !pinned)
    return TRUE;
  remember (self);
  self->layout->pinned[v] = pinned != FALSE;
  retime_all (self);
  return TRUE;
}

gboolean
pm_plan_board_can_undo (PmPlanBoard *self)
{
  g_return_val_if_fail (PM_IS_PLAN_BOARD (self), FALSE);
  return self->undo->len > 0 && !self->optimising;
}

gboolean
pm_plan_board_can_redo (PmPlanBoard *self)
{
  g_return_val_if_fail (PM_IS_PLAN_BOARD (self), FALSE);
  return self->redo->len > 0 && !self->optimising;
}

static gboolean
swap_layout (PmPlanBoard *self,
             GPtrArray   *from,
             GPtrArray   *to)
{
  if (from->len == 0 || self->optimising)
    return FALSE;
  g_ptr_array_add (to, self->layout);
  self->layout = g_ptr_array_steal_index (from, from->len - 1);
  retime_all (self);
  return TRUE;
}

gboolean
pm_plan_board_undo (PmPlanBoard *self)
{
  g_return_val_if_fail (PM_IS_PLAN_BOARD (self), FALSE);
  return swap_layout (self, self->undo, self->redo);
}

gboolean
pm_plan_board_redo (PmPlanBoard *self)
{
  g_return_val_if_fail (PM_IS_PLAN_BOARD (self), FALSE);
  return swap_layout (self, self->redo, self->undo);
}

/* Optimising: a job with its own copy of what the planner reads, so the
 * search may run on another thread. */

typedef struct
{
  PmPlanModel          model;
  PmPlanVisit         *visits;
  int                 *board_index;   /* model visit -> board visit */
  GPtrArray           *windows;
  PmPlanSolution       previous;
  PmPlanRoute         *previous_routes;
  PmPlanSolution      *result;
  PmPlanParams         params;
  gboolean            *days;
  PmBoardProgressFunc  progress;
  gpointer             progress_data;
  GMainContext        *context;       /* where progress goes; NULL: at once */
  GCancellable        *cancellable;
  PmBoardSummary       summary;
  char                 error[256];
  PmPlanStatus         status;
} Job;

static void
job_free (Job *job)
{
  for (int r = 0; job->previous_routes && r < job->previous.n_routes; r++)
    g_free (job->previous_routes[r].visits);
  g_free (job->previous_routes);
  g_free (job->visits);
  g_free (job->board_index);
  g_ptr_array_unref (job->windows);
  g_free (job->days);
  g_clear_pointer (&job->result, pm_plan_solution_free);
  g_clear_pointer (&job->context, g_main_context_unref);
  g_clear_object (&job->cancellable);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Job, job_free)

/* The parts of a visit's windows in the selected days; a visit that may
 * come any time may come on any of them. */
static GArray *
clip_windows (const PmPlanVisit *pv,
              const gboolean    *days,
              int                n_days)
{
  GArray *clipped = g_array_new (FALSE, FALSE, sizeof (PmPlanWindow));
  PmPlanWindow any = { 0, n_days * DAY };
  const PmPlanWindow *windows = pv->n_windows ? pv->windows : &any;
  int n = pv->n_windows ? pv->n_windows : 1;

  for (int k = 0; k < n; k++)
    for (int d = 0; d < n_days; d++)
      {
        PmPlanWindow w = { MAX (windows[k].open, d * DAY), MIN (windows[k].close, (d + 1) * DAY - 1) };

        if (days[d] && w.open <= w.close)
          g_array_append_val (clipped, w);
      }
  return clipped;
}

static double
travel_of_days (PmPlanBoard    *self,
                const gboolean *days)
{
  double travel = 0;

  for (int r = 0; r < self->layout->n_routes; r++)
    if (days[r / self->week->model.n_vans] && self->routes[r].n_stops > 0)
      travel += self->routes[r].travel;
  return travel;
}

static int
count_planned (PmPlanBoard *self)
{
  return (int) (self->copies->len - self->layout->unplanned->len);
}

static Job *
prepare (PmPlanBoard                  *self,
         const gboolean               *days,
         const PmBoardOptimiseOptions *options)
{
  int n_days = self->week->model.n_days, n_vans = self->week->model.n_vans;
  int n = (int) self->copies->len;
  g_autofree int *model_index = g_new (int, MAX (n, 1));
  Job *job = g_new0 (Job, 1);

  job->days = g_new0 (gboolean, n_days);
  /* Today's route is the van's own by now: optimising starts tomorrow. */
  for (int d = 0; d < n_days; d++)
    job->days[d] = (days == NULL || days[d]) && d > self->today;
  job->model = self->week->model;
  job->visits = g_new0 (PmPlanVisit, MAX (n, 1));
  job->board_index = g_new0 (int, MAX (n, 1));
  job->windows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  job->model.n_visits = 0;
  for (int v = 0; v < n; v++)
    {
      int k = -1, r = layout_locate (self->layout, v, &k);
      PmPlanVisit pv = self->week->plan_visits[v];

      model_index[v] = -1;
      /* Other days stay as they are, so their visits are left out. */
      if (r >= 0 && !job->days[r / n_vans])
        continue;
      if (r >= 0 && self->layout->pinned[v])
        {
          pv.lock = PM_PLAN_PINNED;
          pv.lock_van = r % n_vans;
          pv.lock_day = r / n_vans;
          pv.lock_position = k;
        }
      else
        {
          GArray *clipped = clip_windows (&pv, job->days, n_days);

          g_ptr_array_add (job->windows, clipped);
          /* No window left (a person put it outside them): it fits nowhere. */
          if (clipped->len == 0)
            continue;
          pv.windows = (const PmPlanWindow *) clipped->data;
          pv.n_windows = (int) clipped->len;
        }
      model_index[v] = job->model.n_visits;
      job->board_index[job->model.n_visits] = v;
      job->visits[job->model.n_visits++] = pv;
    }
  job->model.visits = job->visits;

  /* Start from the board as it is: the search keeps the best, so the
   * result is never worse than what the person made. */
  job->previous.n_routes = self->layout->n_routes;
  job->previous_routes = g_new0 (PmPlanRoute, self->layout->n_routes);
  job->previous.routes = job->previous_routes;
  for (int r = 0; r < self->layout->n_routes; r++)
    {
      GArray *seq = self->layout->routes[r];
      PmPlanRoute *route = &job->previous_routes[r];

      route->visits = g_new0 (int, MAX (seq->len, 1));
      route->break_after = -1;
      for (guint k = 0; job->days[r / n_vans] && k < seq->len; k++)
        if (model_index[g_array_index (seq, int, k)] >= 0)
          route->visits[route->n_stops++] = model_index[g_array_index (seq, int, k)];
    }
  job->model.previous = &job->previous;

  pm_plan_params_init (&job->params);
  if (options)
    {
      job->params.seed = options->seed ? options->seed : job->params.seed;
      job->params.iterations = options->iterations;
      job->params.time_limit_ms = options->time_limit_ms;
    }
  job->summary.placed_before = count_planned (self);
  job->summary.travel_before = travel_of_days (self, job->days);
  return job;
}

typedef struct
{
  PmBoardProgressFunc progress;
  gpointer            data;
  double              fraction;
} ProgressReport;

static gboolean
report_progress (gpointer user_data)
{
  ProgressReport *report = user_data;

  report->progress (report->fraction, report->data);
  return G_SOURCE_REMOVE;
}

static bool
job_progress_cb (void   *data,
                 long    iteration,
                 double  best_cost)
{
  Job *job = data;
  double fraction = job->params.iterations > 0 ? (double) iteration / job->params.iterations : 0;

  if (job->progress && job->context)
    {
      ProgressReport *report = g_new (ProgressReport, 1);

      *report = (ProgressReport) { job->progress, job->progress_data, MIN (fraction, 1.0) };
      g_main_context_invoke_full (job->context, G_PRIORITY_DEFAULT, report_progress, report, g_free);
    }
  else if (job->progress)
    job->progress (MIN (fraction, 1.0), job->progress_data);
  return !g_cancellable_is_cancelled (job->cancellable);
}

static void
run (Job *job)
{
  job->params.progress = job_progress_cb;
  job->params.progress_data = job;
  job->params.progress_every = MAX (job->params.iterations / 50, 1);
  job->status = pm_plan_solve (&job->model, &job->params, &job->result, job->error, sizeof job->error);
}

static gboolean
apply (PmPlanBoard     *self,
       Job             *job,
       PmBoardSummary  *summary,
       GError         **error)
{
  int n_vans = self->week->model.n_vans;
  g_autofree guint8 *placed = NULL;
  g_autoptr(GArray) unplanned = NULL;

  if (job->status != PM_PLAN_OK)
    {
      g_set_error (error, PM_ERROR, PM_ERROR_INVALID, _("The planner refused the week: %s"), job->error);
      return FALSE;
    }
  if (g_cancellable_set_error_if_cancelled (job->cancellable, error))
    return FALSE;

  remember (self);
  placed = g_new0 (guint8, MAX (self->copies->len, 1));
  for (int r = 0; r < self->layout->n_routes; r++)
    {
      const PmPlanRoute *route = &job->result->routes[r];

      if (!job->days[r / n_vans])
        {
          for (guint k = 0; k < self->layout->routes[r]->len; k++)
            placed[g_array_index (self->layout->routes[r], int, k)] = TRUE;
          continue;
        }
      g_array_set_size (self->layout->routes[r], 0);
      for (int k = 0; k < route->n_stops; k++)
        {
          int v = job->board_index[route->visits[k]];

          g_array_append_val (self->layout->routes[r], v);
          placed[v] = TRUE;
        }
    }
  /* What was unplanned stays in its order; what the plan dropped follows. */
  unplanned = g_array_new (FALSE, FALSE, sizeof (int));
  for (guint k = 0; k < self->layout->unplanned->len; k++)
    if (!placed[g_array_index (self->layout->unplanned, int, k)])
      {
        placed[g_array_index (self->layout->unplanned, int, k)] = TRUE;
        g_array_append_val (unplanned, g_array_index (self->layout->unplanned, int, k));
      }
  for (int v = 0; v < (int) self->copies->len; v++)
    if (!placed[v])
      g_array_append_val (unplanned, v);
  g_array_unref (self->layout->unplanned);
  self->layout->unplanned = g_steal_pointer (&unplanned);
  retime_all (self);

  job->summary.placed_after = count_planned (self);
  job->summary.travel_after = travel_of_days (self, job->days);
  job->summary.iterations = job->result->iterations;
  job->summary.elapsed_ms = job->result->elapsed_ms;
  if (summary)
    *summary = job->summary;
  return TRUE;
}

/**
 * pm_plan_board_optimise:
 * @days: (nullable): which days to plan (n_days flags); NULL: all
 *
 * Plans the selected days after today again with the planner, starting
 * from the board; pinned visits keep their van and day, other days stay as
 * they are.  One undo step.  @progress is called from this thread.
 */
gboolean
pm_plan_board_optimise (PmPlanBoard                   *self,
                        const gboolean                *days,
                        const PmBoardOptimiseOptions  *options,
                        PmBoardProgressFunc            progress,
                        gpointer                       progress_data,
                        PmBoardSummary                *summary,
                        GError                       **error)
{
  g_autoptr(Job) job = NULL;

  g_return_val_if_fail (PM_IS_PLAN_BOARD (self), FALSE);
  g_return_val_if_fail (!self->optimising, FALSE);
  job = prepare (self, days, options);
  job->progress = progress;
  job->progress_data = progress_data;
  run (job);
  return apply (self, job, summary, error);
}

static void
optimise_thread (GTask        *task,
                 gpointer      source,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  run (task_data);
  g_task_return_boolean (task, TRUE);
}

/**
 * pm_plan_board_optimise_async:
 *
 * As pm_plan_board_optimise(), the search on a worker thread; @progress
 * is called on the caller's main context and @progress_data must live
 * until @callback.  The board refuses changes meanwhile.
 */
void
pm_plan_board_optimise_async (PmPlanBoard                  *self,
                              const gboolean               *days,
                              const PmBoardOptimiseOptions *options,
                              PmBoardProgressFunc           progress,
                              gpointer                      progress_data,
                              GCancellable                 *cancellable,
                              GAsyncReadyCallback           callback,
                              gpointer                      user_data)
{
  g_autoptr(GTask) task = NULL;
  Job *job;

  g_return_if_fail (PM_IS_PLAN_BOARD (self));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pm_plan_board_optimise_async);
  if (self->optimising)
    {
      g_task_return_new_error (task, PM_ERROR, PM_ERROR_INVALID,
                               _("The plan is being optimised; wait until it is done"));
      return;
    }
  job = prepare (self, days, options);
  job->progress = progress;
  job->progress_data = progress_data;
  job->context = g_main_context_ref_thread_default ();
  job->cancellable = cancellable ? g_object_ref (cancellable) : NULL;
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  self->optimising = TRUE;
  g_task_run_in_thread (task, optimise_thread);
}

gboolean
pm_plan_board_optimise_finish (PmPlanBoard     *self,
                               GAsyncResult    *result,
                               PmBoardSummary  *summary,
                               GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  self->optimising = FALSE;
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  return apply (self, g_task_get_task_data (G_TASK (result)), summary, error);
}

static gboolean
schedule_differs (PmRecord *a,
                  PmRecord *b)
{
  static const char * const fields[] = { "date", "planned_start", "van_id", "status", NULL };

  for (guint i = 0; fields[i]; i++)
    if (g_strcmp0 (pm_record_get_string (a, fields[i]), pm_record_get_string (b, fields[i])) != 0)
      return TRUE;
  return pm_record_get_int (a, "route_order") != pm_record_get_int (b, "route_order");
}

/**
 * pm_plan_board_get_changes:
 *
 * Returns: (transfer container) (element-type PmRecord): the board's
 * copies of the visits whose schedule (date, van, order, start, status)
 * differs from how the board first timed them, ready to save; those the
 * vans already had (published before) are marked "rescheduled".
 */
GPtrArray *
pm_plan_board_get_changes (PmPlanBoard *self)
{
  GPtrArray *changes = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_val_if_fail (PM_IS_PLAN_BOARD (self), changes);
  for (guint i = 0; i < self->copies->len; i++)
    {
      PmRecord *copy = g_ptr_array_index (self->copies, i);
      PmRecord *original = g_ptr_array_index (self->originals, i);

      if (!schedule_differs (copy, g_ptr_array_index (self->baseline, i)))
        continue;
      /* The vans had this one: they are told it changed. */
      if (pm_record_get_string (original, "van_id") &&
          g_strcmp0 (pm_record_get_string (original, "status"), "requested") != 0)
        pm_record_set_boolean (copy, "rescheduled", TRUE);
      g_ptr_array_add (changes, g_object_ref (copy));
    }
  return changes;
}
