/* pm-gazetteer.h: the demo gazetteer of Halle: streets and facilities
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A street: its name, Stadtteil code, postcode and an approximate point. */
typedef struct
{
  const char *street;
  const char *area;
  const char *postcode;
  double      lat;
  double      lon;
} PmGazetteerStreet;

/* A care home or hospital at a street address. */
typedef struct
{
  const char *name;
  const char *type;
  const char *street;
  const char *number;
  const char *area;
  const char *postcode;
  double      lat;
  double      lon;
} PmGazetteerFacility;

const PmGazetteerStreet   *pm_gazetteer_get_streets      (guint      *n_streets);
const PmGazetteerFacility *pm_gazetteer_get_facilities   (guint      *n_facilities);
/* Case folded, "Str."/"Strasse" as "straße": for comparing street names. */
char                      *pm_gazetteer_normalise_street (const char *name);
/* By name, ignoring case and "Str."/"Straße"; NULL when unknown. */
const PmGazetteerStreet   *pm_gazetteer_lookup_street    (const char *name);
const PmGazetteerFacility *pm_gazetteer_lookup_facility  (const char *name);

G_END_DECLS
