/* pm-demo.c: a realistic, wholly fictional demo week in Halle (Saale)
 *
 * Names are drawn at random from common first and family names, so nobody
 * real is described. Phone numbers start with 0 after the area code, which
 * German numbering never assigns. Streets and facilities come from the
 * demo gazetteer (pm-gazetteer.c). The week is the five days around
 * "today", so the first screen is never empty.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pm-demo"

#include "config.h"

#include "pm-demo.h"
#include "pm-gazetteer.h"
#include "pm-model.h"
#include "pm-store-sync.h"

static const char * const given_female[] = {
  "Gertrud", "Helga", "Ingrid", "Ursula", "Erika", "Renate", "Brigitte", "Hannelore",
  "Christa", "Elfriede", "Margot", "Irmgard", "Gisela", "Waltraud", "Edith", "Anneliese",
};
static const char * const given_male[] = {
  "Karl-Heinz", "Werner", "Günter", "Horst", "Manfred", "Gerhard", "Dieter", "Wolfgang",
  "Siegfried", "Heinz", "Klaus", "Rudolf", "Joachim", "Helmut",
};
static const char * const family_names[] = {
  "Müller", "Schulze", "Schmidt", "Krause", "Richter", "Wolf", "Lehmann", "Neumann",
  "Schröder", "Fischer", "Weber", "Hoffmann", "Zimmermann", "Köhler", "Lange", "Hartmann",
  "Franke", "Voigt", "Böhme", "Kühn", "Engel", "Thiele", "Sommer", "Pohl",
};

/* What people ask the van for, weighted by repetition. */
static const char * const service_mix[][3] = {
  { "PB", NULL }, { "PB", NULL }, { "PB", NULL }, { "PA", NULL }, { "PA", NULL },
  { "BEFR", NULL }, { "UM", NULL }, { "LB", NULL }, { "EID", NULL }, { "AUSH", NULL },
  { "PB", "PA", NULL }, { "PB", "BEFR", NULL }, { "RP", NULL }, { "MB", NULL }, { "WS", NULL },
  { "PB", "UM", NULL }, { "FZ", NULL }, { "SPERRE", NULL },
};

static const char * const counselling_topics[] = {
  "care_grade_application", "care_allowance", "relief_amount", "day_care",
  "housing_adaptation", "aids", "dementia", "carer_relief", "prevention_heat_protection",
};

#define DEMO_VAN_NAME "Pflege- und Pass-Mobil 1"

typedef struct
{
  PmStore    *store;
  GRand      *rand;
  GPtrArray  *records;
  GPtrArray  *roster;
  GPtrArray  *citizens;
  char       *counsellor_id;
  char       *clerk_id;
  char       *van_id;
  GDate       today;
} Demo;

static const char *
pick (Demo               *demo,
      const char * const *list,
      guint               n)
{
  return list[g_rand_int_range (demo->rand, 0, n)];
}

#define PICK(demo, array) pick (demo, array, G_N_ELEMENTS (array))

static char *
date_string (GDate *date)
{
  char buf[16];

  g_date_strftime (buf, sizeof buf, "%Y-%m-%d", date);
  return g_strdup (buf);
}

static char *
day_offset (Demo *demo,
            int   days)
{
  GDate date = demo->today;

  if (days >= 0)
    g_date_add_days (&date, days);
  else
    g_date_subtract_days (&date, -days);
  return date_string (&date);
}

static PmRecord *
add (Demo     *demo,
     gpointer  record)
{
  g_ptr_array_add (demo->records, record);
  return record;
}

static char *
fictional_phone (Demo *demo)
{
  return g_strdup_printf ("0345 0%05d", g_rand_int_range (demo->rand, 10000, 99999));
}

/* Fixed ids, so a demo store's key slots and staff records agree. */
static const PmDemoStaff demo_staff[] = {
  { "d0000000-0000-4000-8000-000000000001", "Sabine Demo-Berger", "soziales", "field" },
  { "d0000000-0000-4000-8000-000000000002", "Thomas Demo-Kaiser", "einwohnerwesen", "field" },
  { "d0000000-0000-4000-8000-000000000003", "Petra Demo-Hahn", "dispatch", "dispatch" },
  { "d0000000-0000-4000-8000-000000000004", "Jens Demo-Winter", "einwohnerwesen", "einwohnerwesen" },
  { "d0000000-0000-4000-8000-000000000005", "Anja Demo-Brandt", "soziales", "soziales" },
  { "d0000000-0000-4000-8000-000000000006", "IT-Administration", "it", "admin" },
};

const PmDemoStaff *
pm_demo_get_staff (guint *n_staff)
{
  *n_staff = G_N_ELEMENTS (demo_staff);
  return demo_staff;
}

static void
make_staff (Demo *demo)
{
  const PmDemoStaff *staff = demo_staff;
  PmRecord *van = add (demo, pm_van_new ());
  g_autoptr(GStrvBuilder) crew = g_strv_builder_new ();
  g_auto(GStrv) crew_ids = NULL;

  pm_record_set_id (van, PM_DEMO_VAN_ID);
  for (guint i = 0; i < G_N_ELEMENTS (demo_staff); i++)
    {
      PmRecord *member = add (demo, pm_staff_new ());

      pm_record_set_id (member, staff[i].id);
      g_object_set (member,
                    "display-name", staff[i].display_name,
                    "department", staff[i].department,
                    "role", staff[i].role,
                    "van-id", g_str_equal (staff[i].role, "field") ? pm_record_get_id (van) : NULL,
                    NULL);
      if (i == 0)
        demo->counsellor_id = g_strdup (pm_record_get_id (member));
      if (i == 1)
        demo->clerk_id = g_strdup (pm_record_get_id (member));
      if (g_str_equal (staff[i].role, "field"))
        g_strv_builder_add (crew, pm_record_get_id (member));
      if (g_str_equal (staff[i].role, "admin") && pm_store_get_actor_id (demo->store) == NULL)
        pm_store_set_actor (demo->store, pm_record_get_id (member), PM_ROLE_ADMIN, staff[i].department);
    }
  crew_ids = g_strv_builder_end (crew);
  g_object_set (van,
                "name", DEMO_VAN_NAME,
                "plate", "HAL-PM 101",
                "staff-ids", crew_ids,
                "skills", (const char * const[]) { "counselling", "id_capture", NULL },
                NULL);
  demo->van_id = g_strdup (pm_record_get_id (van));
}

static void
make_citizens (Demo *demo)
{
  guint n_streets;
  const PmGazetteerStreet *streets = pm_gazetteer_get_streets (&n_streets);

  for (guint i = 0; i < PM_DEMO_CITIZENS; i++)
    {
      PmRecord *citizen = add (demo, pm_citizen_new ());
      const PmGazetteerStreet *street = &streets[i % n_streets];
      gboolean female = g_rand_int_range (demo->rand, 0, 3) > 0;
      g_autofree char *birth = g_strdup_printf ("%04d-%02d-%02d",
                                                g_rand_int_range (demo->rand, 1929, 1962),
                                                g_rand_int_range (demo->rand, 1, 13),
                                                g_rand_int_range (demo->rand, 1, 29));
      g_autofree char *number = g_strdup_printf ("%d", g_rand_int_range (demo->rand, 1, 120));
      g_autofree char *phone = fictional_phone (demo);
      g_autofree char *contact_phone = fictional_phone (demo);
      const char *family = PICK (demo, family_names);
      g_autofree char *contact = g_strdup_printf ("%s %s (Tochter)", PICK (demo, given_female), family);
      static const char * const grades[] = { "none", "1", "2", "2", "3", "3", "4", "5", "applied", "objection" };
      static const char * const notes[] = {
        "3. OG, Aufzug vorhanden", "Erdgeschoss, Klingel defekt – bitte anrufen",
        "Schlüsselbox am Eingang, Code bei der Tochter", "2. OG, kein Aufzug",
        "Bitte laut klingeln, schwerhörig", "Hund im Haus, freundlich",
      };

      g_object_set (citizen,
                    "family-name", family,
                    "given-names", female ? PICK (demo, given_female) : PICK (demo, given_male),
                    "birth-date", birth,
                    "birth-place", "Halle (Saale)",
                    "street", street->street,
                    "house-number", number,
                    "postcode", street->postcode,
                    "city", "Halle (Saale)",
                    "stadtteil", street->area,
                    "lat", street->lat + g_rand_double_range (demo->rand, -0.0015, 0.0015),
                    "lon", street->lon + g_rand_double_range (demo->rand, -0.0015, 0.0015),
                    "phone", phone,
                    "contact-name", contact,
                    "contact-phone", contact_phone,
                    "care-grade", PICK (demo, grades),
                    "access-notes", PICK (demo, notes),
                    "mobility-notes", g_rand_boolean (demo->rand) ? "Rollator" : "bettlägerig",
                    "language", "Deutsch",
                    "hearing-impaired", g_rand_int_range (demo->rand, 0, 5) == 0,
                    "has-lift", g_rand_boolean (demo->rand),
                    "socket-and-table", g_rand_int_range (demo->rand, 0, 6) > 0,
                    NULL);
      g_ptr_array_add (demo->citizens, citizen);
    }
}

static const char *
status_for (int  day,
            guint position,
            guint n)
{
  static const char * const past[] = { "done", "done", "done", "partly_done", "not_met", "done", "cancelled", "done" };

  if (day < 0)
    return past[position % G_N_ELEMENTS (past)];
  if (day > 0)
    return position % 3 == 0 ? "scheduled" : "confirmed";
  /* Today: the morning is done, the van is at the next stop. */
  if (position < n / 3)
    return past[position % G_N_ELEMENTS (past)];
  if (position == n / 3)
    return "arrived";
  if (position == n / 3 + 1)
    return "on_the_way";
  return "confirmed";
}

static char *
window (const char *date,
        int         from_min,
        int         to_min)
{
  return g_strdup_printf ("%sT%02d:%02d/%sT%02d:%02d", date, from_min / 60, from_min % 60,
                          date, to_min / 60, to_min % 60);
}

static void
place_visit (Demo      *demo,
             PmRecord  *visit,
             PmRecord  *citizen)
{
  /* Every fourth visit is at a care home or hospital. */
  if (g_rand_int_range (demo->rand, 0, 4) == 0)
    {
      guint n_facilities;
      const PmGazetteerFacility *facilities = pm_gazetteer_get_facilities (&n_facilities);
      const PmGazetteerFacility *f = &facilities[g_rand_int_range (demo->rand, 0, (gint32) n_facilities)];
      g_autofree char *contact = g_strdup_printf ("Stationsleitung, %s", "Tel. über Zentrale");

      g_object_set (visit,
                    "location-type", f->type,
                    "facility-name", f->name,
                    "facility-contact", contact,
                    "street", f->street,
                    "house-number", f->number,
                    "postcode", f->postcode,
                    "stadtteil", f->area,
                    "lat", f->lat,
                    "lon", f->lon,
                    NULL);
      return;
    }
  g_object_set (visit,
                "location-type", "home",
                "street", pm_record_get_string (citizen, "street"),
                "house-number", pm_record_get_string (citizen, "house_number"),
                "postcode", pm_record_get_string (citizen, "postcode"),
                "stadtteil", pm_record_get_string (citizen, "stadtteil"),
                "lat", pm_record_get_double (citizen, "lat"),
                "lon", pm_record_get_double (citizen, "lon"),
                NULL);
}

/* The van was there: what it records of the visit exists. */
static gboolean
visit_happened (PmRecord *visit)
{
  const char *status = pm_record_get_string (visit, "status");

  return g_str_equal (status, "done") || g_str_equal (status, "partly_done") || g_str_equal (status, "arrived");
}

static void make_records_of_visit (Demo     *demo,
                                   PmRecord *visit,
                                   PmRecord *citizen,
                                   int       day);

static void
make_visits (Demo *demo)
{
  guint next_citizen = 0;

  for (int day = -2; day <= 2; day++)
    {
      g_autofree char *date = day_offset (demo, day);
      guint n = 10 + g_rand_int_range (demo->rand, 0, 3);
      int minute = 8 * 60;

      for (guint i = 0; i < n; i++)
        {
          PmRecord *visit = add (demo, pm_visit_new ());
          PmRecord *citizen = g_ptr_array_index (demo->citizens, next_citizen++ % demo->citizens->len);
          const char *status = status_for (day, i, n);
          /* The stop the van is at now shows both departments at work. */
          const char * const *services = g_str_equal (status, "arrived")
            ? (const char * const[]) { "PB", "PA", NULL }
            : service_mix[g_rand_int_range (demo->rand, 0, G_N_ELEMENTS (service_mix))];
          g_autofree char *start = g_strdup_printf ("%02d:%02d", minute / 60, minute % 60);
          g_autofree char *win = window (date, minute - 30, minute + 60);
          int duration = g_strv_contains (services, "PB") ? 40 : 20;

          place_visit (demo, visit, citizen);
          g_object_set (visit,
                        "citizen-ids", (const char * const[]) { pm_record_get_id (citizen), NULL },
                        "services", services,
                        "duration-min", (gint64) duration,
                        "windows", (const char * const[]) { win, NULL },
                        "status", status,
                        "status-reason", g_str_equal (status, "cancelled") ? "Krankenhausaufenthalt" : NULL,
                        "date", date,
                        "planned-start", start,
                        "route-order", (gint64) i + 1,
                        "van-id", demo->van_id,
                        "source", i % 5 == 0 ? "hospital" : "phone",
                        "priority", (gint64) (i % 7 == 0 ? 2 : 1),
                        "priority-reason", i % 7 == 0 ? "Ausweis läuft ab" : NULL,
                        NULL);
          /* Lunch break after the fifth visit; 12 minutes to drive. */
          minute += duration + 12 + (i == 4 ? 30 : 0);
          make_records_of_visit (demo, visit, citizen, day);
        }
    }

  /* Requests still waiting for dispatch. */
  for (guint i = 0; i < 4; i++)
    {
      PmRecord *visit = add (demo, pm_visit_new ());
      PmRecord *citizen = g_ptr_array_index (demo->citizens, next_citizen++ % demo->citizens->len);
      g_autofree char *date = day_offset (demo, 7 + (int) i);
      g_autofree char *win = window (date, 9 * 60, 12 * 60);

      place_visit (demo, visit, citizen);
      g_object_set (visit,
                    "citizen-ids", (const char * const[]) { pm_record_get_id (citizen), NULL },
                    "services", (const char * const[]) { i % 2 ? "PA" : "PB", NULL },
                    "duration-min", (gint64) 30,
                    "windows", (const char * const[]) { win, NULL },
                    "status", "requested",
                    "source", "phone",
                    NULL);
    }
}

static PmRecord *
make_consent (Demo       *demo,
              PmRecord   *citizen,
              const char *purpose,
              const char *date)
{
  PmRecord *consent = add (demo, pm_consent_new ());

  g_object_set (consent,
                "citizen-id", pm_record_get_id (citizen),
                "staff-id", demo->counsellor_id,
                "purpose", purpose,
                "form", "written",
                "given-by", "person",
                "given-on", date,
                NULL);
  return consent;
}

static char *
demo_strokes (Demo *demo)
{
  GString *json = g_string_new ("[[");
  double x = 0.05;

  /* A plausible scrawl: one stroke of rising and falling loops. JSON wants
   * a decimal point whatever the locale, hence g_ascii_formatd(). */
  for (guint i = 0; i < 24; i++, x += 0.037)
    {
      char xs[G_ASCII_DTOSTR_BUF_SIZE], ys[G_ASCII_DTOSTR_BUF_SIZE];
      double y = 0.5 + 0.3 * ((i % 4) < 2 ? 1 : -1) * g_rand_double_range (demo->rand, 0.3, 1.0);

      g_string_append_printf (json, "%s[%s,%s]", i ? "," : "",
                              g_ascii_formatd (xs, sizeof xs, "%.3f", x),
                              g_ascii_formatd (ys, sizeof ys, "%.3f", y));
    }
  g_string_append (json, "]]");
  return g_string_free (json, FALSE);
}

static void
make_case (Demo       *demo,
           PmRecord   *citizen,
           PmRecord   *visit,
           const char *service,
           const char *status,
           const char *captured_on,
           guint       serial)
{
  PmRecord *kase = add (demo, pm_case_new ());
  PmRecord *signature = add (demo, pm_signature_new ());
  g_autofree char *strokes = demo_strokes (demo);
  g_autofree char *number = g_strdup_printf ("V-%06u", 200000 + serial * 7);
  g_autofree char *signer = g_strdup_printf ("%s %s", pm_record_get_string (citizen, "given_names"),
                                             pm_record_get_string (citizen, "family_name"));
  gboolean paid = g_str_equal (service, "PA") || g_str_equal (service, "RP") || g_str_equal (service, "FZ") ||
                  g_str_equal (service, "MB");
  gint64 fee = g_str_equal (service, "PA") ? 4600 : g_str_equal (service, "RP") ? 7000 :
               g_str_equal (service, "FZ") ? 1300 : g_str_equal (service, "MB") ? 500 : 0;

  g_object_set (kase,
                "visit-id", visit ? pm_record_get_id (visit) : NULL,
                "citizen-id", pm_record_get_id (citizen),
                "staff-id", demo->clerk_id,
                "service", service,
                "status", status,
                "status-reason", g_str_equal (status, "query") ? "Geburtsurkunde fehlt" :
                                 g_str_equal (status, "rejected") ? "Kein Anspruch auf Befreiung" : NULL,
                "documents-presented", (const char * const[]) { "old_id", NULL },
                "photo-source", g_str_equal (service, "PA") || g_str_equal (service, "RP") ? "on_site" : "none",
                "fingerprint-status", g_str_equal (service, "PA") || g_str_equal (service, "RP") ? "captured" : "not_applicable",
                "pin-letter-delivery", g_str_equal (service, "PA") ? "registration_address" : NULL,
                "handover-mode", g_str_equal (service, "PA") || g_str_equal (service, "RP") ? "visit" : NULL,
                "fee-cents", fee,
                "payment-method", paid ? "card" : "none",
                "registration-number", pm_case_status_is_locked (status) ? number : NULL,
                "captured-on", captured_on,
                NULL);
  g_object_set (signature,
                "record-kind", "case",
                "record-id", pm_record_get_id (kase),
                "signer-name", signer,
                "strokes", strokes,
                "signed-at", captured_on,
                NULL);
}

static void
make_counselling (Demo       *demo,
                  PmRecord   *citizen,
                  PmRecord   *visit,
                  const char *status,
                  int         day)
{
  PmRecord *record = add (demo, pm_counselling_record_new ());
  g_autofree char *date = day_offset (demo, day);
  g_autofree char *follow_up = day_offset (demo, day + 28);
  PmRecord *consent = make_consent (demo, citizen, "social_data", date);
  /* Every third session refers the person on, with its own consent. */
  PmRecord *referral_consent = day % 3 == 0 ? make_consent (demo, citizen, "referral", date) : NULL;
  g_autofree char *referrals = referral_consent ?
    g_strdup_printf ("[{\"to\":\"Pflegestützpunkt Halle\",\"date\":\"%s\",\"consent_id\":\"%s\"}]",
                     date, pm_record_get_id (referral_consent)) : NULL;
  const char *topics[] = { PICK (demo, counselling_topics), PICK (demo, counselling_topics), NULL };
  /* Chosen by the day, not drawn: the rest of the demo stays as it was. */
  const PmChoice *needs = pm_counselling_unmet_needs ();
  guint n_needs = 0;
  const char *unmet[] = { NULL, NULL };

  if (g_str_equal (topics[0], topics[1]))
    topics[1] = NULL;
  while (needs[n_needs].label)
    n_needs++;
  unmet[0] = needs[(guint) ABS (day) % n_needs].id;
  g_object_set (record,
                "visit-id", visit ? pm_record_get_id (visit) : NULL,
                "citizen-id", pm_record_get_id (citizen),
                "staff-id", demo->counsellor_id,
                "occasion", g_rand_boolean (demo->rand) ? "relative" : "self",
                "participants", (const char * const[]) { "Person selbst", "Tochter", NULL },
                "care-grade", pm_record_get_string (citizen, "care_grade"),
                "care-insurance", "AOK Sachsen-Anhalt",
                "care-situation", "{\"carers\":[{\"who\":\"Tochter\",\"strain\":\"hoch\"}],\"care_service\":false,\"day_care\":false,\"aids\":[\"Rollator\"],\"emergency_call\":false,\"housing_barriers\":\"Badewanne ohne Einstieg\"}",
                "topics", topics,
                "unmet-needs", day % 2 ? unmet : NULL,
                "results", "Antrag auf Höherstufung wird gestellt; Entlastungsbetrag erklärt.",
                "measures", "[{\"measure\":\"Antrag auf Höherstufung stellen\",\"who\":\"Tochter\",\"due\":\"in 2 Wochen\"},{\"measure\":\"Angebote der Tagespflege zusenden\",\"who\":\"Pflegeberatung\",\"due\":\"diese Woche\"}]",
                "plan-handed-over", g_str_equal (status, "final"),
                "referrals", referrals,
                "consent-ids", (const char * const[]) { pm_record_get_id (consent),
                                                        referral_consent ? pm_record_get_id (referral_consent) : NULL,
                                                        NULL },
                "follow-up-date", follow_up,
                "mode", "home",
                "duration-min", (gint64) 45,
                "status", status,
                NULL);
}

static void
make_records_of_visit (Demo     *demo,
                       PmRecord *visit,
                       PmRecord *citizen,
                       int       day)
{
  const char *status = pm_record_get_string (visit, "status");
  const char * const *services = pm_record_get_strv (visit, "services");
  g_autofree char *date = day_offset (demo, day);

  if (!visit_happened (visit))
    return;
  for (guint i = 0; services[i]; i++)
    {
      /* Partly done: the second service did not happen. */
      if (i > 0 && g_str_equal (status, "partly_done"))
        break;
      if (g_str_equal (services[i], "PB"))
        make_counselling (demo, citizen, visit, g_str_equal (status, "arrived") ? "draft" : "final", day);
      else
        make_case (demo, citizen, visit, services[i], day < 0 ? "submitted" : "captured", date,
                   demo->records->len);
    }
}

static gboolean
has_counselling_visit (Demo     *demo,
                       PmRecord *citizen)
{
  for (guint i = 0; i < demo->records->len; i++)
    {
      PmRecord *record = g_ptr_array_index (demo->records, i);

      if (PM_IS_VISIT (record) &&
          g_strv_contains (pm_record_get_strv (record, "citizen_ids"), pm_record_get_id (citizen)) &&
          g_strv_contains (pm_record_get_strv (record, "services"), "PB"))
        return TRUE;
    }
  return FALSE;
}

static void
make_case_history (Demo *demo)
{
  const char * const *statuses = pm_case_statuses ();

  /* Cases from earlier weeks, so the office sees every status. */
  for (guint i = 0; statuses[i]; i++)
    {
      PmRecord *citizen = g_ptr_array_index (demo->citizens, (i * 5) % demo->citizens->len);
      g_autofree char *date = day_offset (demo, -10 - (int) i * 3);

      make_case (demo, citizen, NULL, i % 2 ? "PA" : "BEFR", statuses[i], date, 100 + i);
    }
  /* Older sessions whose follow-ups fall due now, of persons without a
   * counselling visit planned: the Soziales desk has overdue ones and ones
   * due this week to order visits for. */
  for (guint i = 0, c = 40, made = 0; made < 3 && i < demo->citizens->len; i++, c++)
    {
      PmRecord *citizen = g_ptr_array_index (demo->citizens, c % demo->citizens->len);

      if (has_counselling_visit (demo, citizen))
        continue;
      make_counselling (demo, citizen, NULL, "final", -31 + 3 * (int) made);
      made++;
    }
}

/* The van's clerk closed every past day that took cases; today is still open. */
static void
make_cash_closures (Demo *demo)
{
  g_autofree char *today = date_string (&demo->today);
  g_autoptr(GHashTable) days = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) g_ptr_array_unref);
  guint n_records = demo->records->len;
  GHashTableIter iter;
  gpointer day, cases;

  for (guint i = 0; i < n_records; i++)
    {
      PmRecord *record = g_ptr_array_index (demo->records, i);
      const char *captured_on;

      if (!PM_IS_CASE (record) || pm_record_get_string (record, "visit_id") == NULL)
        continue;
      captured_on = pm_record_get_string (record, "captured_on");
      if (g_strcmp0 (captured_on, today) >= 0)
        continue;
      if (!g_hash_table_contains (days, captured_on))
        g_hash_table_insert (days, (gpointer) captured_on, g_ptr_array_new ());
      g_ptr_array_add (g_hash_table_lookup (days, captured_on), record);
    }
  g_hash_table_iter_init (&iter, days);
  while (g_hash_table_iter_next (&iter, &day, &cases))
    {
      PmRecord *closure = add (demo, pm_cash_closure_new_for_day (demo->van_id, DEMO_VAN_NAME, day, cases));

      pm_record_set_string (closure, "staff_id", demo->clerk_id);
    }
}

/* Whether a van records @record itself; notes in @persons whom it names. */
static gboolean
van_records (PmRecord   *record,
             GHashTable *persons)
{
  const char *citizen_id = NULL;

  if (PM_IS_VISIT (record))
    {
      const char * const *ids = pm_record_get_strv (record, "citizen_ids");

      if (!visit_happened (record))
        return FALSE;
      for (guint i = 0; ids && ids[i]; i++)
        g_hash_table_add (persons, (gpointer) ids[i]);
      return TRUE;
    }
  /* The office's case history stays the office's. */
  if (PM_IS_CASE (record) && pm_record_get_string (record, "visit_id") == NULL)
    return FALSE;
  if (PM_IS_CASE (record) || PM_IS_COUNSELLING_RECORD (record) || PM_IS_CONSENT (record))
    citizen_id = pm_record_get_string (record, "citizen_id");
  if (citizen_id)
    g_hash_table_add (persons, (gpointer) citizen_id);
  return citizen_id != NULL || PM_IS_CASH_CLOSURE (record);
}

/* A store enrolled as a van gets what a van itself records: the visits it
 * held (as visits taken on the spot, with how they went), counselling
 * records, consents, captured cases and their signatures, its cash
 * closures, and the persons these name. The plan and the office's case
 * history are the offices': written here they would be pushed like the
 * van's own work, and refused. The staff roster and the van reach a van
 * from the server; they are set apart in demo->roster, to be taken as
 * pulled (the van's receipt numbers need its record). */
static void
keep_van_records (Demo *demo)
{
  g_autoptr(GHashTable) persons = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) kept = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) all = g_steal_pointer (&demo->records);

  for (guint i = 0; i < all->len; i++)
    if (van_records (g_ptr_array_index (all, i), persons))
      g_hash_table_add (kept, (gpointer) pm_record_get_id (g_ptr_array_index (all, i)));
  demo->records = g_ptr_array_new_with_free_func (g_object_unref);
  demo->roster = g_ptr_array_new_with_free_func (g_object_unref);
  /* In the demo's order: persons before what names them. */
  for (guint i = 0; i < all->len; i++)
    {
      PmRecord *record = g_ptr_array_index (all, i);
      const char *id = pm_record_get_id (record);

      if (PM_IS_STAFF (record) || PM_IS_VAN (record))
        g_ptr_array_add (demo->roster, g_object_ref (record));
      if (!g_hash_table_contains (kept, id) &&
          !(PM_IS_CITIZEN (record) && g_hash_table_contains (persons, id)) &&
          !(PM_IS_SIGNATURE (record) && g_hash_table_contains (kept, pm_record_get_string (record, "record_id"))))
        continue;
      if (PM_IS_VISIT (record))
        pm_record_set_string (record, "source", "on_the_spot");
      /* Taking it up is the office's step. */
      if (PM_IS_CASE (record))
        pm_record_set_string (record, "status", "captured");
      g_ptr_array_add (demo->records, g_object_ref (record));
    }
}

/* The roster as a van holds it after a pull: no outbox entries, the pull
 * cursor as it was. */
static gboolean
receive_roster (Demo    *demo,
                GError **error)
{
  g_autoptr(JsonArray) changes = json_array_new ();
  g_autofree char *epoch = pm_store_dup_pull_epoch (demo->store);

  for (guint i = 0; i < demo->roster->len; i++)
    {
      PmRecord *record = g_ptr_array_index (demo->roster, i);
      JsonObject *change = json_object_new ();

      json_object_set_string_member (change, "kind", pm_record_get_kind (record));
      json_object_set_object_member (change, "record", pm_record_to_json (record));
      json_array_add_object_element (changes, change);
    }
  return pm_store_apply_pull_page (demo->store, changes, pm_store_get_pull_cursor (demo->store), epoch, error);
}

gboolean
pm_demo_fill (PmStore     *store,
              const char  *today,
              guint32      seed,
              GError     **error)
{
  Demo demo = { 0 };
  g_autofree char *actor_before = g_strdup (pm_store_get_actor_id (store));
  g_autofree char *role = pm_store_dup_meta (store, "sync.role", NULL);
  gboolean ok;

  g_return_val_if_fail (PM_IS_STORE (store), FALSE);
  g_return_val_if_fail (today != NULL, FALSE);

  g_date_clear (&demo.today, 1);
  g_date_set_parse (&demo.today, today);
  g_return_val_if_fail (g_date_valid (&demo.today), FALSE);

  demo.store = store;
  demo.rand = g_rand_new_with_seed (seed);
  demo.records = g_ptr_array_new_with_free_func (g_object_unref);
  demo.citizens = g_ptr_array_new ();

  make_staff (&demo);
  make_citizens (&demo);
  make_visits (&demo);
  make_case_history (&demo);
  make_cash_closures (&demo);
  if (g_strcmp0 (role, "field") == 0)
    keep_van_records (&demo);

  ok = (demo.roster == NULL || receive_roster (&demo, error)) && pm_store_save_all (store, demo.records, error);

  if (actor_before == NULL)
    pm_store_set_actor (store, NULL, PM_ROLE_INVALID, NULL);
  g_ptr_array_unref (demo.citizens);
  g_ptr_array_unref (demo.records);
  g_clear_pointer (&demo.roster, g_ptr_array_unref);
  g_rand_free (demo.rand);
  g_free (demo.counsellor_id);
  g_free (demo.clerk_id);
  g_free (demo.van_id);
  return ok;
}
