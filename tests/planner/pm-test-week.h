/* pm-test-week.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A synthetic PePaMo week: visits in Halle (Saale) around 51.48 N
 * 11.97 E with 1–3 windows on different days, two vans × five days with
 * a lunch break, skills, preferred staff and some pinned visits.
 */

#pragma once

#include <stdint.h>

#include "pm-planner.h"

#define PM_TEST_SKILL_COUNSELLING 1u
#define PM_TEST_SKILL_ID_CAPTURE  2u

typedef struct
{
  PmPlanModel   model;
  double       *travel;
  PmPlanVisit  *visits;
  PmPlanWindow *windows;
  PmPlanVan     vans[2];
} PmTestWeek;

PmTestWeek *pm_test_week_new  (uint64_t    seed,
                               int         n_visits,
                               int         n_pinned);
void        pm_test_week_free (PmTestWeek *week);
