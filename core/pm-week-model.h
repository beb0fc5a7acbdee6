/* pm-week-model.h: visits and vans of some days as the planner's model
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "pm-planner.h"
#include "pm-record.h"

G_BEGIN_DECLS

#define PM_WEEK_MODEL_DAY 86400.0

/* Location 0 is the depot, visit i is at location i + 1.  The records are
 * the caller's (referenced); the arrays are owned by the model.  With
 * `dates_bind` (pm_week_model_new) a dated visit without windows keeps its
 * day; without, only its windows bind it, as a person moving it expects. */
typedef struct
{
  PmPlanModel  model;
  GPtrArray   *visits;
  GPtrArray   *vans;
  GDateTime   *origin;      /* local midnight of the first day */
  PmPlanVisit *plan_visits;
  PmPlanVan   *plan_vans;
  double      *matrix;
  GPtrArray   *windows;     /* GArray of PmPlanWindow per visit */
} PmWeekModel;

PmWeekModel *pm_week_model_new       (GPtrArray    *visits,
                                      GPtrArray    *vans,
                                      const char   *from,
                                      int           days,
                                      gboolean      dates_bind,
                                      GError      **error);
void         pm_week_model_free      (PmWeekModel  *week);
/* Under way (on the way, arrived): stays where it is. */
gboolean     pm_week_model_is_started (PmRecord    *visit);
/* Whether a visit is to be planned in [from, until): open, and dated in
 * the range or not dated yet; started ones only on their own day. */
gboolean     pm_week_model_in_range  (PmRecord     *visit,
                                      const char   *from,
                                      const char   *until);
/* A visit's skills as the planner's bit set (from its services). */
unsigned int pm_week_model_skills_of (PmRecord     *visit);
/* The date `days` after `date` (YYYY-MM-DD), or NULL if it is not one. */
char        *pm_week_model_add_days  (const char   *date,
                                      int           days);
/* YYYY-MM-DD of day `day` of the model; free with g_free. */
char        *pm_week_model_date      (PmWeekModel  *week,
                                      int           day);
/* The day index of a date, or -1 outside the model's days. */
int          pm_week_model_day_of    (PmWeekModel  *week,
                                      const char   *date);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PmWeekModel, pm_week_model_free)

G_END_DECLS
