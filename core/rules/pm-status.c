/* pm-status.c: roles and the status machines of visits and cases
 *
 * The machines are tables of (from, to, owner): a transition that is not in
 * the table, or asked for by a role that does not own it, is refused with a
 * reason. Wire ids are those of DESIGN.md; labels are translated.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pm-error.h"
#include "pm-status.h"

typedef struct
{
  const char *wire;
  const char *label;
} Label;

typedef struct
{
  const char *from;
  const char *to;
  guint       owners; /* bit mask of PmRole */
} Transition;

#define OWNER(r) (1u << (r))

static const char * const roles[] = {
  "field", "dispatch", "einwohnerwesen", "soziales", "planning", "admin", NULL
};

static const char * const departments[] = { "soziales", "einwohnerwesen", "dispatch", "it", NULL };

static const Label department_labels[] = {
  { "soziales", N_("Social services (care counselling)") },
  { "einwohnerwesen", N_("Registration office") },
  { "dispatch", N_("Dispatch") },
  { "it", N_("IT and data protection") },
};

static const char * const visit_statuses[] = {
  "requested", "scheduled", "confirmed", "on_the_way", "arrived",
  "done", "partly_done", "not_met", "cancelled", NULL
};

static const Label visit_labels[] = {
  { "requested", N_("Requested") },
  { "scheduled", N_("Scheduled") },
  { "confirmed", N_("Confirmed") },
  { "on_the_way", N_("On the way") },
  { "arrived", N_("Arrived") },
  { "done", N_("Done") },
  { "partly_done", N_("Partly done") },
  { "not_met", N_("Not met") },
  { "cancelled", N_("Cancelled") },
};

/* Dispatch owns the schedule and cancelling before the van set off; the van
 * owns everything from on_the_way on. */
static const Transition visit_transitions[] = {
  { "requested", "scheduled", OWNER (PM_ROLE_DISPATCH) },
  { "scheduled", "confirmed", OWNER (PM_ROLE_DISPATCH) },
  { "requested", "cancelled", OWNER (PM_ROLE_DISPATCH) },
  { "scheduled", "cancelled", OWNER (PM_ROLE_DISPATCH) },
  { "confirmed", "cancelled", OWNER (PM_ROLE_DISPATCH) },
  { "scheduled", "on_the_way", OWNER (PM_ROLE_FIELD) },
  { "confirmed", "on_the_way", OWNER (PM_ROLE_FIELD) },
  { "on_the_way", "arrived", OWNER (PM_ROLE_FIELD) },
  { "on_the_way", "not_met", OWNER (PM_ROLE_FIELD) },
  { "on_the_way", "cancelled", OWNER (PM_ROLE_FIELD) },
  { "arrived", "done", OWNER (PM_ROLE_FIELD) },
  { "arrived", "partly_done", OWNER (PM_ROLE_FIELD) },
  { "arrived", "not_met", OWNER (PM_ROLE_FIELD) },
  { "arrived", "cancelled", OWNER (PM_ROLE_FIELD) },
};

static const char * const case_statuses[] = {
  "captured", "submitted", "in_progress", "query", "booked", "document_ready",
  "handover_planned", "handed_over", "closed", "rejected", NULL
};

static const Label case_labels[] = {
  { "captured", N_("Captured") },
  { "submitted", N_("Submitted") },
  { "in_progress", N_("In progress") },
  { "query", N_("Query") },
  { "booked", N_("Booked") },
  { "document_ready", N_("Document ready") },
  { "handover_planned", N_("Hand-over planned") },
  { "handed_over", N_("Handed over") },
  { "closed", N_("Closed") },
  { "rejected", N_("Rejected") },
};

/* The van owns capture and the hand-over; the registration office the rest.
 * "submitted" means the case reached the server, which acts as admin. */
static const Transition case_transitions[] = {
  { "captured", "submitted", OWNER (PM_ROLE_ADMIN) | OWNER (PM_ROLE_EINWOHNERWESEN) },
  { "submitted", "in_progress", OWNER (PM_ROLE_EINWOHNERWESEN) },
  { "in_progress", "query", OWNER (PM_ROLE_EINWOHNERWESEN) },
  { "query", "in_progress", OWNER (PM_ROLE_EINWOHNERWESEN) },
  { "in_progress", "booked", OWNER (PM_ROLE_EINWOHNERWESEN) },
  { "booked", "document_ready", OWNER (PM_ROLE_EINWOHNERWESEN) },
  { "document_ready", "handover_planned", OWNER (PM_ROLE_EINWOHNERWESEN) },
  { "handover_planned", "handed_over", OWNER (PM_ROLE_FIELD) | OWNER (PM_ROLE_EINWOHNERWESEN) },
  { "handed_over", "closed", OWNER (PM_ROLE_EINWOHNERWESEN) },
  { "submitted", "rejected", OWNER (PM_ROLE_EINWOHNERWESEN) },
  { "in_progress", "rejected", OWNER (PM_ROLE_EINWOHNERWESEN) },
  { "query", "rejected", OWNER (PM_ROLE_EINWOHNERWESEN) },
};

const char *
pm_role_to_wire (PmRole role)
{
  g_return_val_if_fail (role >= 0 && role < (PmRole) (G_N_ELEMENTS (roles) - 1), NULL);
  return roles[role];
}

PmRole
pm_role_from_wire (const char *wire)
{
  for (guint i = 0; wire && roles[i]; i++)
    if (g_str_equal (roles[i], wire))
      return (PmRole) i;
  return PM_ROLE_INVALID;
}

static const char *
find_label (const Label *labels,
            gsize        n,
            const char  *wire)
{
  for (gsize i = 0; wire && i < n; i++)
    if (g_str_equal (labels[i].wire, wire))
      return g_dgettext (GETTEXT_PACKAGE, labels[i].label);
  return NULL;
}

const char * const *
pm_departments (void)
{
  return departments;
}

const char *
pm_department_get_label (const char *department)
{
  return find_label (department_labels, G_N_ELEMENTS (department_labels), department);
}

const char * const *
pm_visit_statuses (void)
{
  return visit_statuses;
}

const char *
pm_visit_status_get_label (const char *status)
{
  return find_label (visit_labels, G_N_ELEMENTS (visit_labels), status);
}

gboolean
pm_visit_status_is_final (const char *status)
{
  return g_strv_contains ((const char * const[]) { "done", "partly_done", "not_met", "cancelled", NULL },
                          status);
}

const char * const *
pm_case_statuses (void)
{
  return case_statuses;
}

const char *
pm_case_status_get_label (const char *status)
{
  return find_label (case_labels, G_N_ELEMENTS (case_labels), status);
}

gboolean
pm_case_status_is_locked (const char *status)
{
  /* From "booked" on, the case is in the registration system. */
  return g_strv_contains ((const char * const[]) {
                            "booked", "document_ready", "handover_planned",
                            "handed_over", "closed", "rejected", NULL },
                          status);
}

/* The end of a case's life on the van: from here its deletion period runs. */
gboolean
pm_case_status_is_closed (const char *status)
{
  return g_strv_contains ((const char * const[]) { "handed_over", "closed", "rejected", NULL }, status);
}

static gboolean
check_transition (const Transition   *table,
                  gsize               n,
                  const char * const *statuses,
                  const char *      (*label) (const char *),
                  const char         *from,
                  const char         *to,
                  PmRole              actor,
                  GError            **error)
{
  if (!g_strv_contains (statuses, from) || !g_strv_contains (statuses, to))
    {
      g_set_error (error, PM_ERROR, PM_ERROR_TRANSITION, _("Unknown status “%s”"),
                   g_strv_contains (statuses, from) ? to : from);
      return FALSE;
    }
  for (gsize i = 0; i < n; i++)
    {
      if (!g_str_equal (table[i].from, from) || !g_str_equal (table[i].to, to))
        continue;
      if (actor == PM_ROLE_INVALID || !(table[i].owners & OWNER (actor)))
        {
          g_set_error (error, PM_ERROR, PM_ERROR_DENIED,
                       _("The role “%s” may not change the status from “%s” to “%s”"),
                       actor == PM_ROLE_INVALID ? "?" : pm_role_to_wire (actor),
                       label (from), label (to));
          return FALSE;
        }
      return TRUE;
    }
  g_set_error (error, PM_ERROR, PM_ERROR_TRANSITION,
               _("The status cannot change from “%s” to “%s”"), label (from), label (to));
  return FALSE;
}

gboolean
pm_visit_status_check_transition (const char  *from,
                                  const char  *to,
                                  PmRole       actor,
                                  GError     **error)
{
  return check_transition (visit_transitions, G_N_ELEMENTS (visit_transitions), visit_statuses,
                           pm_visit_status_get_label, from, to, actor, error);
}

gboolean
pm_case_status_check_transition (const char  *from,
                                 const char  *to,
                                 PmRole       actor,
                                 GError     **error)
{
  return check_transition (case_transitions, G_N_ELEMENTS (case_transitions), case_statuses,
                           pm_case_status_get_label, from, to, actor, error);
}
