/* test-rules.c: the city profile and the service catalogue are sound data
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "pm-catalogue.h"
#include "pm-city.h"
#include "pm-error.h"
#include "pm-test-utils.h"

static void
test_city_profile (void)
{
  PmCity *city = pm_city_get_default ();
  GPtrArray *areas = pm_city_get_areas (city);
  guint districts = 0;
  double lat, lon;

  g_assert_cmpstr (pm_city_get_id (city), ==, "halle");
  for (guint i = 0; i < areas->len; i++)
    {
      const PmArea *area = g_ptr_array_index (areas, i);

      if (g_str_equal (area->level, "stadtbezirk"))
        {
          districts++;
          g_assert_null (area->parent);
        }
      else
        {
          g_assert_nonnull (pm_city_lookup_area (city, area->parent));
          g_assert_cmpfloat (area->lat, >, 51.3);
          g_assert_cmpfloat (area->lat, <, 51.6);
        }
    }
  g_assert_cmpint (districts, ==, 5);
  g_assert_cmpstr (pm_city_lookup_area (city, "silberhoehe")->name, ==, "Silberhöhe");
  pm_city_get_depot_location (city, &lat, &lon);
  g_assert_cmpfloat_with_epsilon (lat, 51.48268, 1e-6);
  g_assert_cmpfloat_with_epsilon (lon, 11.96972, 1e-6);
  g_assert_cmpint (pm_city_get_retention_days (city, "device", "case_after_closed"), ==, 14);
  g_assert_cmpint (pm_city_get_retention_days (city, "server", "audit"), ==, 730);
  g_assert_cmpint (pm_city_get_retention_days (city, "server", "no_such_rule"), ==, -1);
}

static void
test_city_profile_refuses_broken (void)
{
  g_autoptr(JsonNode) node = json_from_string (
    "{\"id\":\"x\",\"depot\":{\"lat\":1,\"lon\":2},\"retention_days\":{},"
    "\"areas\":[{\"code\":\"a\",\"name\":\"A\",\"level\":\"stadtteil\",\"parent\":\"missing\"}]}", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PmCity) city = pm_city_new_from_json (json_node_get_object (node), &error);

  g_assert_null (city);
  g_assert_error (error, PM_ERROR, PM_ERROR_DATA);
}

static gint64
fee (const char         *code,
     const char         *birth,
     const char         *day,
     const char * const *options)
{
  GDate b, d;
  gint64 cents = -1;
  g_autoptr(GError) error = NULL;

  g_date_clear (&b, 1);
  g_date_clear (&d, 1);
  g_date_set_parse (&b, birth);
  g_date_set_parse (&d, day);
  if (!pm_catalogue_compute_fee (pm_catalogue_get_default (), code, &b, &d, options, &cents, &error))
    g_error ("fee %s: %s", code, error->message);
  return cents;
}

static void
test_fees (void)
{
  /* The ID card fee changed on 7 February 2026. */
  g_assert_cmpint (fee ("PA", "1950-05-05", "2026-02-06", NULL), ==, 3700);
  g_assert_cmpint (fee ("PA", "1950-05-05", "2026-02-07", NULL), ==, 4600);
  /* Age on the day: under 24 the day before the 24th birthday, not on it. */
  g_assert_cmpint (fee ("PA", "2002-03-10", "2026-03-09", NULL), ==, 2760);
  g_assert_cmpint (fee ("PA", "2002-03-10", "2026-03-10", NULL), ==, 4600);
  g_assert_cmpint (fee ("RP", "1950-05-05", "2026-11-22",
                        (const char * const[]) { "express", "48pages", NULL }), ==, 7000 + 3200 + 2200);
  g_assert_cmpint (fee ("BEFR", "1930-01-01", "2026-11-22", NULL), ==, 0);
}

static void
test_fee_errors (void)
{
  GDate day;
  gint64 cents;
  g_autoptr(GError) error = NULL;

  g_date_clear (&day, 1);
  g_date_set_dmy (&day, 22, 11, 2026);
  g_assert_false (pm_catalogue_compute_fee (pm_catalogue_get_default (), "NOPE", NULL, &day, NULL, &cents, &error));
  g_assert_error (error, PM_ERROR, PM_ERROR_INVALID);
  g_clear_error (&error);
  /* The ID card fee depends on age: no birth date, no fee. */
  g_assert_false (pm_catalogue_compute_fee (pm_catalogue_get_default (), "PA", NULL, &day, NULL, &cents, &error));
  g_assert_error (error, PM_ERROR, PM_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (pm_catalogue_compute_fee (pm_catalogue_get_default (), "FZ", NULL, &day,
                                            (const char * const[]) { "express", NULL }, &cents, &error));
  g_assert_error (error, PM_ERROR, PM_ERROR_INVALID);
}

static void
test_catalogue_documents (void)
{
  PmCatalogue *catalogue = pm_catalogue_get_default ();
  GPtrArray *services = pm_catalogue_get_services (catalogue);

  g_assert_cmpint (services->len, >=, 15);
  for (guint i = 0; i < services->len; i++)
    {
      const PmService *service = g_ptr_array_index (services, i);

      for (char **d = service->documents; d && *d; d++)
        g_assert_nonnull (pm_catalogue_get_document_name (catalogue, *d));
    }
  g_assert_cmpstr (pm_catalogue_lookup_service (catalogue, "BEFR")->name, ==, "Befreiung von der Ausweispflicht");
}

/* Each service's checklist comes from the catalogue; what was not
 * presented is reported, in the checklist's order. */
static void
test_missing_documents (void)
{
  PmCatalogue *catalogue = pm_catalogue_get_default ();
  GPtrArray *services = pm_catalogue_get_services (catalogue);
  g_auto(GStrv) pa = pm_catalogue_missing_documents (catalogue, "PA", (const char * const[]) { "old_id", NULL });
  g_auto(GStrv) none = pm_catalogue_missing_documents (catalogue, "NOPE", NULL);

  g_assert_cmpstrv (pa, ((const char * const[]) { "civil_status_certificate", "photo_datamatrix", NULL }));
  g_assert_cmpint (g_strv_length (none), ==, 0);
  for (guint i = 0; i < services->len; i++)
    {
      const PmService *service = g_ptr_array_index (services, i);
      g_auto(GStrv) all = pm_catalogue_missing_documents (catalogue, service->code, NULL);
      g_auto(GStrv) nothing = pm_catalogue_missing_documents (catalogue, service->code,
                                                              (const char * const *) service->documents);

      g_assert_cmpint (g_strv_length (all), ==, g_strv_length (service->documents));
      g_assert_cmpint (g_strv_length (nothing), ==, 0);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/rules/city-profile", test_city_profile);
  g_test_add_func ("/rules/city-profile-refuses-broken", test_city_profile_refuses_broken);
  g_test_add_func ("/rules/fees", test_fees);
  g_test_add_func ("/rules/fee-errors", test_fee_errors);
  g_test_add_func ("/rules/catalogue-documents", test_catalogue_documents);
  g_test_add_func ("/rules/missing-documents", test_missing_documents);
  return g_test_run ();
}
