/* pm-gazetteer.c: the demo gazetteer of Halle: streets and facilities
 *
 * Real street names and facilities (DOMAIN.md section 4) with approximate
 * coordinates, for demo use: the city's backend geocodes real addresses.
 * The demo data and the visit request form both take addresses from here.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "pm-gazetteer.h"

static const PmGazetteerStreet streets[] = {
  { "Leipziger Straße", "altstadt", "06108", 51.4812, 11.9755 },
  { "Hansering", "altstadt", "06108", 51.4818, 11.9742 },
  { "Große Ulrichstraße", "altstadt", "06108", 51.4845, 11.9683 },
  { "Franckestraße", "suedliche-innenstadt", "06110", 51.4783, 11.9760 },
  { "Böllberger Weg", "suedliche-innenstadt", "06110", 51.4690, 11.9560 },
  { "Merseburger Straße", "suedstadt", "06110", 51.4650, 11.9830 },
  { "Ernst-Kamieth-Straße", "suedliche-innenstadt", "06112", 51.4765, 11.9855 },
  { "Reilstraße", "paulusviertel", "06114", 51.4950, 11.9640 },
  { "Ludwig-Wucherer-Straße", "paulusviertel", "06108", 51.4925, 11.9715 },
  { "Wolfensteinstraße", "giebichenstein", "06114", 51.4935, 11.9655 },
  { "Tiergartenstraße", "trotha", "06114", 51.5030, 11.9570 },
  { "Trothaer Straße", "trotha", "06118", 51.5080, 11.9560 },
  { "Seebener Straße", "trotha", "06114", 51.5045, 11.9590 },
  { "Delitzscher Straße", "freiimfelde-kanenaer-weg", "06112", 51.4870, 12.0000 },
  { "Freyburger Straße", "silberhoehe", "06132", 51.4485, 11.9680 },
  { "Karlsruher Allee", "silberhoehe", "06132", 51.4420, 11.9700 },
  { "Kasseler Straße", "silberhoehe", "06132", 51.4440, 11.9760 },
  { "Beesener Straße", "ammendorf-beesen", "06132", 51.4340, 11.9750 },
  { "An der Magistrale", "suedliche-neustadt", "06124", 51.4830, 11.9200 },
  { "Zollrain", "suedliche-neustadt", "06124", 51.4745, 11.9310 },
  { "Eislebener Chaussee", "westliche-neustadt", "06126", 51.4760, 11.9000 },
  { "Nordstraße", "heide-nord-blumenau", "06120", 51.5190, 11.9110 },
};

static const PmGazetteerFacility facilities[] = {
  { "AWO Seniorenzentrum Lindenhof", "care_home", "Beesener Straße", "227", "ammendorf-beesen", "06132", 51.4345, 11.9748 },
  { "Wohnbereich Lindenblüte", "care_home", "Ernst-Kamieth-Straße", "11", "suedliche-innenstadt", "06112", 51.4768, 11.9851 },
  { "Senioren-Service-Zentrum Freiimfelde", "care_home", "Verlängerte Freiimfelder Straße", "1", "freiimfelde-kanenaer-weg", "06112", 51.4862, 12.0021 },
  { "Universitätsklinikum Halle", "hospital", "Ernst-Grube-Straße", "40", "kroellwitz", "06120", 51.5030, 11.9430 },
  { "BG Klinikum Bergmannstrost", "hospital", "Merseburger Straße", "165", "suedstadt", "06112", 51.4580, 11.9880 },
  { "Krankenhaus Martha-Maria Dölau", "hospital", "Röntgenstraße", "1", "doelau", "06120", 51.5080, 11.8870 },
};

const PmGazetteerStreet *
pm_gazetteer_get_streets (guint *n_streets)
{
  *n_streets = G_N_ELEMENTS (streets);
  return streets;
}

const PmGazetteerFacility *
pm_gazetteer_get_facilities (guint *n_facilities)
{
  *n_facilities = G_N_ELEMENTS (facilities);
  return facilities;
}

/* "Reilstr. " and "reilstraße" name the same street. */
char *
pm_gazetteer_normalise_street (const char *name)
{
  g_autofree char *folded = g_utf8_casefold (name, -1);
  g_autoptr(GString) text = g_string_new (g_strstrip (folded));

  if (g_str_has_suffix (text->str, "str."))
    g_string_append (g_string_truncate (text, text->len - 4), "straße");
  else if (g_str_has_suffix (text->str, "strasse"))
    g_string_append (g_string_truncate (text, text->len - 7), "straße");
  return g_string_free (g_steal_pointer (&text), FALSE);
}

const PmGazetteerStreet *
pm_gazetteer_lookup_street (const char *name)
{
  g_autofree char *wanted = name ? pm_gazetteer_normalise_street (name) : NULL;

  for (guint i = 0; wanted && i < G_N_ELEMENTS (streets); i++)
    {
      g_autofree char *candidate = pm_gazetteer_normalise_street (streets[i].street);

      if (g_str_equal (candidate, wanted))
        return &streets[i];
    }
  return NULL;
}

const PmGazetteerFacility *
pm_gazetteer_lookup_facility (const char *name)
{
  for (guint i = 0; name && i < G_N_ELEMENTS (facilities); i++)
    if (g_ascii_strcasecmp (facilities[i].name, name) == 0)
      return &facilities[i];
  return NULL;
}
