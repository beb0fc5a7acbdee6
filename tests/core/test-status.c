/* test-status.c: the status machines allow their arrows, to their owners only
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "pm-error.h"
#include "pm-test-utils.h"

typedef struct
{
  const char *from;
  const char *to;
  PmRole      owner;
} Arrow;

static const Arrow visit_arrows[] = {
  { "requested", "scheduled", PM_ROLE_DISPATCH },
  { "scheduled", "confirmed", PM_ROLE_DISPATCH },
  { "scheduled", "cancelled", PM_ROLE_DISPATCH },
  { "confirmed", "on_the_way", PM_ROLE_FIELD },
  { "on_the_way", "arrived", PM_ROLE_FIELD },
  { "arrived", "done", PM_ROLE_FIELD },
  { "arrived", "partly_done", PM_ROLE_FIELD },
  { "arrived", "not_met", PM_ROLE_FIELD },
  { "on_the_way", "cancelled", PM_ROLE_FIELD },
};

static const Arrow case_arrows[] = {
  { "captured", "submitted", PM_ROLE_ADMIN },
  { "submitted", "in_progress", PM_ROLE_EINWOHNERWESEN },
  { "in_progress", "query", PM_ROLE_EINWOHNERWESEN },
  { "query", "in_progress", PM_ROLE_EINWOHNERWESEN },
  { "in_progress", "booked", PM_ROLE_EINWOHNERWESEN },
  { "booked", "document_ready", PM_ROLE_EINWOHNERWESEN },
  { "document_ready", "handover_planned", PM_ROLE_EINWOHNERWESEN },
  { "handover_planned", "handed_over", PM_ROLE_FIELD },
  { "handed_over", "closed", PM_ROLE_EINWOHNERWESEN },
  { "query", "rejected", PM_ROLE_EINWOHNERWESEN },
};

/* Backwards, skipping, out of a final state, or to itself via nowhere. */
static const char *illegal_visit[][2] = {
  { "done", "scheduled" }, { "requested", "arrived" }, { "scheduled", "done" },
  { "cancelled", "confirmed" }, { "not_met", "done" }, { "arrived", "on_the_way" },
  { "confirmed", "requested" }, { "done", "cancelled" },
};

static const char *illegal_case[][2] = {
  { "captured", "booked" }, { "closed", "in_progress" }, { "booked", "in_progress" },
  { "rejected", "submitted" }, { "booked", "rejected" }, { "submitted", "closed" },
  { "handed_over", "document_ready" }, { "captured", "handed_over" },
};

static void
test_visit_arrows (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (visit_arrows); i++)
    {
      const Arrow *a = &visit_arrows[i];

      for (PmRole role = PM_ROLE_FIELD; role <= PM_ROLE_ADMIN; role++)
        {
          g_autoptr(GError) error = NULL;
          gboolean ok = pm_visit_status_check_transition (a->from, a->to, role, &error);

          if (role == a->owner)
            g_assert_no_error (error);
          else
            g_assert_error (error, PM_ERROR, PM_ERROR_DENIED);
          g_assert_true (ok == (role == a->owner));
        }
    }
}

static void
test_case_arrows (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (case_arrows); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (pm_case_status_check_transition (case_arrows[i].from, case_arrows[i].to,
                                                      case_arrows[i].owner, &error));
      g_assert_no_error (error);
      /* Dispatch owns no step of a case. */
      g_assert_false (pm_case_status_check_transition (case_arrows[i].from, case_arrows[i].to,
                                                       PM_ROLE_DISPATCH, NULL));
    }
}

static void
test_illegal (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (illegal_visit); i++)
    for (PmRole role = PM_ROLE_FIELD; role <= PM_ROLE_ADMIN; role++)
      {
        g_autoptr(GError) error = NULL;

        g_assert_false (pm_visit_status_check_transition (illegal_visit[i][0], illegal_visit[i][1], role, &error));
        g_assert_error (error, PM_ERROR, PM_ERROR_TRANSITION);
      }
  for (guint i = 0; i < G_N_ELEMENTS (illegal_case); i++)
    for (PmRole role = PM_ROLE_FIELD; role <= PM_ROLE_ADMIN; role++)
      {
        g_autoptr(GError) error = NULL;

        g_assert_false (pm_case_status_check_transition (illegal_case[i][0], illegal_case[i][1], role, &error));
        g_assert_error (error, PM_ERROR, PM_ERROR_TRANSITION);
      }
  g_assert_false (pm_visit_status_check_transition ("scheduled", "teleported", PM_ROLE_FIELD, NULL));
  g_assert_false (pm_case_status_check_transition ("limbo", "captured", PM_ROLE_FIELD, NULL));
}

/* The store applies the machine: a refused change keeps the stored record. */
static void
test_store_enforces (void)
{
  g_autofree char *dir = pm_test_make_dir ();
  g_autoptr(PmStore) store = pm_test_open_store (dir);
  g_autoptr(PmRecord) visit = pm_test_record_from_json (PM_TYPE_VISIT,
    "{\"citizen_ids\":[\"11111111-2222-4333-8444-555555555555\"],\"location_type\":\"home\","
    "\"street\":\"Hansering\",\"house_number\":\"3\",\"postcode\":\"06108\",\"stadtteil\":\"altstadt\","
    "\"lat\":51.48,\"lon\":11.97,\"services\":[\"PB\"],\"status\":\"confirmed\",\"date\":\"2026-11-23\"}");
  g_autoptr(PmRecord) again = NULL;
  g_autoptr(GError) error = NULL;

  pm_store_set_actor (store, "66666666-7777-4888-9999-aaaaaaaaaaaa", PM_ROLE_FIELD, "soziales");
  g_assert_true (pm_store_save (store, visit, &error));
  g_assert_no_error (error);

  pm_record_set_string (visit, "status", "done");
  g_assert_false (pm_store_save (store, visit, &error));
  g_assert_error (error, PM_ERROR, PM_ERROR_TRANSITION);
  g_clear_error (&error);

  again = pm_store_get (store, PM_TYPE_VISIT, pm_record_get_id (visit), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (pm_record_get_string (again, "status"), ==, "confirmed");
  g_assert_cmpint (pm_record_get_version (again), ==, 1);

  /* The van may set off; dispatch may not declare it arrived. */
  pm_record_set_string (visit, "status", "on_the_way");
  g_assert_true (pm_store_save (store, visit, &error));
  g_assert_no_error (error);
  pm_store_set_actor (store, "66666666-7777-4888-9999-aaaaaaaaaaaa", PM_ROLE_DISPATCH, "dispatch");
  pm_record_set_string (visit, "status", "arrived");
  g_assert_false (pm_store_save (store, visit, &error));
  g_assert_error (error, PM_ERROR, PM_ERROR_DENIED);

  g_clear_object (&store);
  pm_test_remove_dir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/status/visit-arrows-owned", test_visit_arrows);
  g_test_add_func ("/status/case-arrows-owned", test_case_arrows);
  g_test_add_func ("/status/illegal-refused", test_illegal);
  g_test_add_func ("/status/store-enforces", test_store_enforces);
  return g_test_run ();
}
