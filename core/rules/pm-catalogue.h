/* pm-catalogue.h: services, documents and fees, loaded from data
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct
{
  char   *valid_from;  /* YYYY-MM-DD, inclusive */
  char   *valid_to;    /* YYYY-MM-DD, inclusive; NULL = open */
  int     min_age;     /* -1 = no bound */
  int     max_age;     /* -1 = no bound */
  gint64  amount_cents;
} PmFee;

typedef struct
{
  char   *id;
  char   *name;
  gint64  amount_cents;
} PmServiceOption;

typedef struct
{
  char       *code;
  char       *name;        /* German, the city's term */
  char       *name_en;
  char       *domain;      /* "einwohnerwesen" or "soziales" */
  char       *kind;        /* "passport_id", "registration" or "counselling" */
  int         duration_min;
  char      **documents;   /* codes */
  GArray     *fees;        /* PmFee */
  GArray     *options;     /* PmServiceOption */
} PmService;

#define PM_TYPE_CATALOGUE (pm_catalogue_get_type ())
G_DECLARE_FINAL_TYPE (PmCatalogue, pm_catalogue, PM, CATALOGUE, GObject)

PmCatalogue     *pm_catalogue_get_default       (void);
PmCatalogue     *pm_catalogue_new_from_json     (JsonObject   *object,
                                                 GError      **error);
const PmService *pm_catalogue_lookup_service    (PmCatalogue  *self,
                                                 const char   *code);
GPtrArray       *pm_catalogue_get_services      (PmCatalogue  *self);
const char      *pm_catalogue_get_document_name (PmCatalogue  *self,
                                                 const char   *code);
char            *pm_catalogue_option_names      (PmCatalogue  *self,
                                                 const char   *code,
                                                 const char * const *options);
char           **pm_catalogue_missing_documents (PmCatalogue  *self,
                                                 const char   *code,
                                                 const char * const *presented);
gboolean         pm_catalogue_compute_fee       (PmCatalogue  *self,
                                                 const char   *code,
                                                 GDate        *birth_date,
                                                 GDate        *on,
                                                 const char * const *options,
                                                 gint64       *cents,
                                                 GError      **error);

G_END_DECLS
