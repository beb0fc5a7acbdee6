/* pm-visit-request.h: a visit request as the dispatch office takes it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "pm-record.h"

G_BEGIN_DECLS

/* What a phone call gives: the person (an existing one by id, or a new
 * one), where to go, what is wanted and when the person is available. */
typedef struct
{
  char      *citizen_id;      /* a person already known; NULL: a new one */
  char      *family_name;
  char      *given_names;
  char      *birth_date;      /* YYYY-MM-DD or DD.MM.YYYY */
  char      *phone;
  char      *street;
  char      *house_number;
  char      *postcode;        /* NULL: from the gazetteer */
  char      *stadtteil;       /* NULL: from the gazetteer or the pin */
  gboolean   manual_pin;      /* lat/lon set by hand (map), not looked up */
  double     lat;
  double     lon;
  char      *location_type;   /* home, care_home, hospital */
  char      *facility_name;
  char     **services;        /* catalogue codes */
  char     **windows;         /* YYYY-MM-DDTHH:MM/YYYY-MM-DDTHH:MM */
  int        priority;        /* 1 normal, 2 soon, 3 urgent */
  char      *priority_reason;
  char      *source;          /* phone, care_home, hospital, internal */
  char      *notes;
} PmVisitRequest;

typedef enum
{
  PM_DUPLICATE_SAME_BIRTH,       /* same name and date of birth */
  PM_DUPLICATE_SAME_ADDRESS,     /* a similar name at the same address */
} PmDuplicateKind;

typedef struct
{
  PmRecord        *citizen;
  PmDuplicateKind  kind;
} PmDuplicate;

#define PM_VISIT_REQUEST_MAX_NOTES 2000

PmVisitRequest *pm_visit_request_new             (void);
void            pm_visit_request_free            (PmVisitRequest  *request);
GPtrArray      *pm_visit_request_find_duplicates (PmVisitRequest  *request,
                                                  GPtrArray       *citizens);
gboolean        pm_visit_request_build           (PmVisitRequest  *request,
                                                  PmRecord        *citizen,
                                                  PmRecord       **new_citizen,
                                                  PmRecord       **visit,
                                                  GError         **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PmVisitRequest, pm_visit_request_free)

G_END_DECLS
