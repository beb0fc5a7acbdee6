/* pm-test-week.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <stdlib.h>

#include "pm-test-week.h"

#define HOUR 3600.0
#define DAY  86400.0

/* xorshift64*: the generator's own, so the week does not depend on the
 * solver's random numbers.
 */
static double
next_unit (uint64_t *s)
{
  *s ^= *s >> 12;
  *s ^= *s << 25;
  *s ^= *s >> 27;
  return ((*s * 2685821657736338717ULL) >> 11) * (1.0 / 9007199254740992.0);
}

PmTestWeek *
pm_test_week_new (uint64_t seed,
                  int      n_visits,
                  int      n_pinned)
{
  PmTestWeek *w = calloc (1, sizeof *w);
  double *lat = calloc ((size_t) n_visits + 1, sizeof (double));
  double *lon = calloc ((size_t) n_visits + 1, sizeof (double));
  uint64_t s = seed * 0x9e3779b97f4a7c15ULL + 1;

  w->visits = calloc ((size_t) n_visits, sizeof *w->visits);
  w->windows = calloc ((size_t) n_visits * 3, sizeof *w->windows);

  /* The depot near the market square; visits within about 6 km. */
  lat[0] = 51.4825;
  lon[0] = 11.9700;
  for (int i = 1; i <= n_visits; i++)
    {
      lat[i] = 51.48 + (next_unit (&s) - 0.5) * 0.10;
      lon[i] = 11.97 + (next_unit (&s) - 0.5) * 0.16;
    }
  w->travel = pm_plan_matrix_haversine (lat, lon, n_visits + 1, 1.35, 25.0, 120.0);

  for (int v = 0; v < 2; v++)
    w->vans[v] = (PmPlanVan) {
      .skills = PM_TEST_SKILL_COUNSELLING | (v == 0 ? PM_TEST_SKILL_ID_CAPTURE : 0),
      .staff = v,
      .work_start = 8 * HOUR,
      .work_end = 16 * HOUR,
      .max_overtime = 0.5 * HOUR,
      .break_open = 11.5 * HOUR,
      .break_close = 13.5 * HOUR,
      .break_duration = 0.5 * HOUR,
    };

  for (int i = 0; i < n_visits; i++)
    {
      PmPlanVisit *v = &w->visits[i];
      PmPlanWindow *win = &w->windows[3 * i];
      int n_win = 1 + (int) (next_unit (&s) * 3);
      int day = (int) (next_unit (&s) * 5);

      /* Days ascending and distinct, so the windows stay sorted. */
      for (int k = 0; k < n_win && day < 5; k++)
        {
          double open = day * DAY + (8 + (int) (next_unit (&s) * 5)) * HOUR;

          win[k] = (PmPlanWindow) { open, open + (2 + (int) (next_unit (&s) * 3)) * HOUR };
          v->n_windows = k + 1;
          day += 1 + (int) (next_unit (&s) * 2);
        }
      v->location = i + 1;
      v->windows = win;
      v->service = (20 + (int) (next_unit (&s) * 26)) * 60.0;
      v->load = 1;
      v->priority = 1 + (int) (next_unit (&s) * 3);
      v->skills = next_unit (&s) < 0.2 ? PM_TEST_SKILL_ID_CAPTURE : PM_TEST_SKILL_COUNSELLING;
      v->preferred_staff = next_unit (&s) < 0.3 ? (int) (next_unit (&s) * 2) : -1;
      if (i < n_pinned)
        {
          v->lock = PM_PLAN_PINNED;
          v->lock_van = v->skills == PM_TEST_SKILL_ID_CAPTURE ? 0 : i % 2;
          v->lock_day = (int) (win[0].open / DAY);
          v->lock_position = (int) (win[0].open / 60);
        }
    }

  w->model = (PmPlanModel) {
    .n_locations = n_visits + 1,
    .travel = w->travel,
    .n_visits = n_visits,
    .visits = w->visits,
    .n_vans = 2,
    .vans = w->vans,
    .n_days = 5,
    .day_length = DAY,
  };
  pm_plan_weights_init_default (&w->model.weights);

  free (lat);
  free (lon);
  return w;
}

void
pm_test_week_free (PmTestWeek *week)
{
  if (week == NULL)
    return;
  free (week->travel);
  free (week->visits);
  free (week->windows);
  free (week);
}
