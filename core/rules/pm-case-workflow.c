/* pm-case-workflow.c: the registration office's steps of a case
 *
 * A step is more than a status: a query says what is missing and becomes a
 * task for the van, a booking carries the registration system's case number,
 * a planned hand-over says how the document reaches the person. These rules
 * check a step's own fields and build the records that follow from it; the
 * status machine (pm-status.c) and the store decide whether the acting role
 * may take it, and write it all in one transaction (pm-store-cases.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pm-case-workflow.h"
#include "pm-catalogue.h"
#include "pm-clock.h"
#include "pm-error.h"
#include "pm-model.h"
#include "pm-status.h"

static const char * const handover_modes[] = { "visit", "proxy", "direct_mail", NULL };

static gboolean
is_blank (const char *text)
{
  if (text == NULL)
    return TRUE;
  for (; *text; text = g_utf8_next_char (text))
    if (!g_unichar_isspace (g_utf8_get_char (text)))
      return FALSE;
  return TRUE;
}

static void
append_history (PmRecord   *kase,
                const char *status,
                const char *actor_id,
                const char *note)
{
  const char *stored = pm_record_get_string (kase, "status_history");
  g_autoptr(JsonNode) old = stored ? json_from_string (stored, NULL) : NULL;
  g_autoptr(JsonArray) history = old && JSON_NODE_HOLDS_ARRAY (old)
    ? json_array_ref (json_node_get_array (old)) : json_array_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);
  g_autofree char *now = pm_clock_timestamp ();
  g_autofree char *text = NULL;
  JsonObject *entry = json_object_new ();

  json_object_set_string_member (entry, "status", status);
  json_object_set_string_member (entry, "at", now);
  if (actor_id)
    json_object_set_string_member (entry, "by", actor_id);
  if (!is_blank (note))
    json_object_set_string_member (entry, "note", note);
  json_array_add_object_element (history, entry);
  json_node_set_array (node, history);
  text = json_to_string (node, FALSE);
  pm_record_set_string (kase, "status_history", text);
}

/**
 * pm_case_step_apply:
 *
 * Checks what @step needs besides the status (a reason, the case number, the
 * hand-over mode) and writes it into @kase, with an entry in its history.
 * Whether the transition is allowed is the store's check, for the acting role.
 */
gboolean
pm_case_step_apply (PmRecord          *kase,
                    const PmCaseStep  *step,
                    const char        *actor_id,
                    GError           **error)
{
  const char *status;
  const char *note = NULL;
  g_autofree char *reason = NULL;

  g_return_val_if_fail (PM_IS_CASE (kase), FALSE);
  g_return_val_if_fail (step != NULL, FALSE);

  status = step->status;
  if (status == NULL || !g_strv_contains (pm_case_statuses (), status))
    {
      g_set_error (error, PM_ERROR, PM_ERROR_TRANSITION, _("Unknown status “%s”"), status ? status : "");
      return FALSE;
    }
  if (g_strcmp0 (pm_record_get_string (kase, "status"), status) == 0)
    {
      g_set_error (error, PM_ERROR, PM_ERROR_TRANSITION, _("The case is already “%s”"),
                   pm_case_status_get_label (status));
      return FALSE;
    }
  if (g_str_equal (status, "query") && is_blank (step->reason))
    {
      g_set_error_literal (error, PM_ERROR, PM_ERROR_INVALID,
                           _("Query: say in plain words what is still missing"));
      return FALSE;
    }
  if (g_str_equal (status, "rejected") && is_blank (step->reason))
    {
      g_set_error_literal (error, PM_ERROR, PM_ERROR_INVALID, _("Rejection: give the reason"));
      return FALSE;
    }
  if (g_str_equal (status, "booked") && is_blank (step->registration_number) &&
      is_blank (pm_record_get_string (kase, "registration_number")))
    {
      g_set_error_literal (error, PM_ERROR, PM_ERROR_INVALID,
                           _("Booking needs the case number of the registration system"));
      return FALSE;
    }
  if (g_str_equal (status, "handover_planned") &&
      (step->handover_mode == NULL || !g_strv_contains (handover_modes, step->handover_mode)))
    {
      g_set_error_literal (error, PM_ERROR, PM_ERROR_INVALID,
                           _("Hand-over: choose a visit, a proxy or sending by post"));
      return FALSE;
    }

  if (g_str_equal (status, "query") || g_str_equal (status, "rejected"))
    note = step->reason;
  else if (g_str_equal (status, "booked") && !is_blank (step->registration_number))
    note = step->registration_number;
  else if (g_str_equal (status, "handover_planned"))
    note = step->handover_mode;

  if (g_str_equal (status, "query") || g_str_equal (status, "rejected"))
    reason = g_strstrip (g_strdup (step->reason));
  pm_record_set_string (kase, "status", status);
  /* The reason belongs to the query or the rejection; the history keeps it. */
  pm_record_set_string (kase, "status_reason", reason);
  if (!is_blank (step->registration_number))
    {
      g_autofree char *number = g_strstrip (g_strdup (step->registration_number));

      pm_record_set_string (kase, "registration_number", number);
    }
  if (step->handover_mode)
    pm_record_set_string (kase, "handover_mode", step->handover_mode);
  append_history (kase, status, actor_id, note);
  return TRUE;
}

PmCaseFollowUp
pm_case_step_get_follow_up (const PmCaseStep *step)
{
  g_return_val_if_fail (step != NULL, PM_CASE_FOLLOW_UP_NONE);

  if (g_strcmp0 (step->status, "query") == 0)
    return PM_CASE_FOLLOW_UP_TASK;
  if (g_strcmp0 (step->status, "handover_planned") == 0 && g_strcmp0 (step->handover_mode, "visit") == 0)
    return PM_CASE_FOLLOW_UP_HANDOVER;
  return PM_CASE_FOLLOW_UP_NONE;
}

static const char *
service_name (PmRecord *kase)
{
  const PmService *service = pm_catalogue_lookup_service (pm_catalogue_get_default (),
                                                          pm_record_get_string (kase, "service"));

  return service ? service->name : pm_record_get_string (kase, "service");
}

/* What the van reads on the visit: which case, and what to do. */
char *
pm_case_step_task_text (PmRecord         *kase,
                        const PmCaseStep *step)
{
  const char *number = pm_record_get_string (kase, "registration_number");

  g_return_val_if_fail (PM_IS_CASE (kase), NULL);

  if (pm_case_step_get_follow_up (step) == PM_CASE_FOLLOW_UP_HANDOVER)
    return number
      ? g_strdup_printf (_("Hand over the document (%s, case number %s)"), service_name (kase), number)
      : g_strdup_printf (_("Hand over the document (%s)"), service_name (kase));
  return g_strdup_printf (_("Query from the registration office (%s): %s"), service_name (kase), step->reason);
}

void
pm_case_add_task_to_visit (PmRecord   *visit,
                           const char *task)
{
  const char *notes = pm_record_get_string (visit, "notes");
  g_autofree char *joined = NULL;

  g_return_if_fail (PM_IS_VISIT (visit));
  /* Notes are append-only in sync, so the task survives the van's edits. */
  joined = notes && *notes ? g_strconcat (notes, "\n", task, NULL) : g_strdup (task);
  pm_record_set_string (visit, "notes", joined);
}

/**
 * pm_case_visit_request_new:
 * @origin: (nullable): the visit the case was captured on
 *
 * A visit request for dispatch that follows from @step: where the case was
 * captured (a care home stays a care home), else at the person's address.
 */
PmRecord *
pm_case_visit_request_new (PmRecord         *kase,
                           PmRecord         *citizen,
                           PmRecord         *origin,
                           const PmCaseStep *step)
{
  PmRecord *visit = PM_RECORD (pm_visit_new ());
  gboolean handover = pm_case_step_get_follow_up (step) == PM_CASE_FOLLOW_UP_HANDOVER;
  const char *services[] = { handover ? "AUSH" : pm_record_get_string (kase, "service"), NULL };
  const char *citizens[] = { pm_record_get_string (kase, "citizen_id"), NULL };
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *task = pm_case_step_task_text (kase, step);
  PmRecord *place = origin ? origin : citizen;

  g_return_val_if_fail (PM_IS_CASE (kase), NULL);
  g_return_val_if_fail (PM_IS_CITIZEN (citizen), NULL);

  pm_record_set_id (visit, id);
  pm_record_set_strv (visit, "citizen_ids", citizens);
  pm_record_set_strv (visit, "services", services);
  pm_record_set_string (visit, "source", "internal");
  pm_record_set_string (visit, "location_type", origin ? pm_record_get_string (origin, "location_type") : "home");
  if (origin)
    {
      pm_record_set_string (visit, "facility_name", pm_record_get_string (origin, "facility_name"));
      pm_record_set_string (visit, "facility_contact", pm_record_get_string (origin, "facility_contact"));
    }
  for (guint i = 0; i < 4; i++)
    {
      const char *field = (const char *[]) { "street", "house_number", "postcode", "stadtteil" }[i];

      pm_record_set_string (visit, field, pm_record_get_string (place, field));
    }
  pm_record_set_double (visit, "lat", pm_record_get_double (place, "lat"));
  pm_record_set_double (visit, "lon", pm_record_get_double (place, "lon"));
  pm_case_add_task_to_visit (visit, task);
  return visit;
}
