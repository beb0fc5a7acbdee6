/* pm-ics.h: the visits as iCalendar (RFC 5545), and the appointment texts
 * the calendar shares with the letters
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "pm-record.h"

G_BEGIN_DECLS

/* Visit times are wall-clock times of the city; every city PePaMo serves
 * lies in Germany. */
#define PM_ICS_TZID "Europe/Berlin"

gboolean    pm_appointment_is_scheduled  (PmRecord    *visit);
GDateTime  *pm_appointment_get_start     (PmRecord    *visit);
char       *pm_appointment_service_names (PmRecord    *visit);
char       *pm_appointment_citizen_name  (PmRecord    *citizen);
char       *pm_appointment_person_names  (PmRecord    *visit,
                                          GHashTable  *citizens);
char       *pm_appointment_location      (PmRecord    *visit);
char      **pm_appointment_documents     (PmRecord    *visit);

char       *pm_ics_write                 (GPtrArray   *visits,
                                          GHashTable  *citizens,
                                          GError     **error);

G_END_DECLS
