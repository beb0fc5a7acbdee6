/* pm-catalogue.c: services, documents and fees, loaded from data
 *
 * Fees change by ordinance; they live in core/data/catalogue.json with
 * validity dates so a change is an edit of data, not of code.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pm-catalogue"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "pm-catalogue.h"
#include "pm-error.h"
#include "pm-json-util.h"

struct _PmCatalogue
{
  GObject     parent_instance;

  GPtrArray  *services;   /* PmService */
  GHashTable *by_code;    /* code → PmService, borrowed */
  GHashTable *documents;  /* code → German name */
};

G_DEFINE_FINAL_TYPE (PmCatalogue, pm_catalogue, G_TYPE_OBJECT)

static void
fee_clear (PmFee *fee)
{
  g_free (fee->valid_from);
  g_free (fee->valid_to);
}

static void
option_clear (PmServiceOption *option)
{
  g_free (option->id);
  g_free (option->name);
}

static void
service_free (PmService *service)
{
  g_free (service->code);
  g_free (service->name);
  g_free (service->name_en);
  g_free (service->domain);
  g_free (service->kind);
  g_strfreev (service->documents);
  g_array_unref (service->fees);
  g_array_unref (service->options);
  g_free (service);
}

static void
pm_catalogue_finalize (GObject *object)
{
  PmCatalogue *self = PM_CATALOGUE (object);

  g_clear_pointer (&self->by_code, g_hash_table_unref);
  g_clear_pointer (&self->services, g_ptr_array_unref);
  g_clear_pointer (&self->documents, g_hash_table_unref);

  G_OBJECT_CLASS (pm_catalogue_parent_class)->finalize (object);
}

static void
pm_catalogue_class_init (PmCatalogueClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pm_catalogue_finalize;
}

static void
pm_catalogue_init (PmCatalogue *self)
{
  self->services = g_ptr_array_new_with_free_func ((GDestroyNotify) service_free);
  self->by_code = g_hash_table_new (g_str_hash, g_str_equal);
  self->documents = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

static gboolean
date_is_valid (const char *s)
{
  GDate date;

  if (s == NULL)
    return FALSE;
  g_date_clear (&date, 1);
  g_date_set_parse (&date, s);
  return strlen (s) == 10 && g_date_valid (&date);
}

static PmService *
parse_service (JsonObject  *o,
               GError     **error)
{
  PmService *service = g_new0 (PmService, 1);
  JsonArray *fees = pm_json_get_array (o, "fees");
  JsonArray *options = pm_json_get_array (o, "options");

  service->code = g_strdup (pm_json_get_string (o, "code"));
  service->name = g_strdup (pm_json_get_string (o, "name"));
  service->name_en = g_strdup (pm_json_get_string (o, "name_en"));
  service->domain = g_strdup (pm_json_get_string (o, "domain"));
  service->kind = g_strdup (pm_json_get_string (o, "kind"));
  service->duration_min = (int) pm_json_get_int (o, "duration_min", 0);
  service->documents = pm_json_get_strv (o, "documents");
  service->fees = g_array_new (FALSE, TRUE, sizeof (PmFee));
  g_array_set_clear_func (service->fees, (GDestroyNotify) fee_clear);
  service->options = g_array_new (FALSE, TRUE, sizeof (PmServiceOption));
  g_array_set_clear_func (service->options, (GDestroyNotify) option_clear);

  for (guint i = 0; fees && i < json_array_get_length (fees); i++)
    {
      JsonObject *f = pm_json_array_get_object (fees, i);
      PmFee fee = { 0 };

      if (f == NULL || !date_is_valid (pm_json_get_string (f, "valid_from")))
        {
          g_set_error (error, PM_ERROR, PM_ERROR_DATA,
                       "catalogue: fee %u of %s has no valid_from date", i, service->code);
          service_free (service);
          return NULL;
        }
      fee.valid_from = g_strdup (pm_json_get_string (f, "valid_from"));
      fee.valid_to = g_strdup (pm_json_get_string (f, "valid_to"));
      fee.min_age = (int) pm_json_get_int (f, "min_age", -1);
      fee.max_age = (int) pm_json_get_int (f, "max_age", -1);
      fee.amount_cents = pm_json_get_int (f, "amount_cents", 0);
      g_array_append_val (service->fees, fee);
    }
  for (guint i = 0; options && i < json_array_get_length (options); i++)
    {
      JsonObject *p = pm_json_array_get_object (options, i);
      PmServiceOption option = { 0 };

      if (p == NULL)
        continue;
      option.id = g_strdup (pm_json_get_string (p, "id"));
      option.name = g_strdup (pm_json_get_string (p, "name"));
      option.amount_cents = pm_json_get_int (p, "amount_cents", 0);
      g_array_append_val (service->options, option);
    }

  if (service->code == NULL || service->name == NULL || service->domain == NULL ||
      service->kind == NULL || service->duration_min <= 0 || service->fees->len == 0)
    {
      g_set_error (error, PM_ERROR, PM_ERROR_DATA,
                   "catalogue: service %s lacks code, name, domain, kind, duration or fees",
                   service->code ? service->code : "?");
      service_free (service);
      return NULL;
    }
  return service;
}

PmCatalogue *
pm_catalogue_new_from_json (JsonObject  *object,
                            GError     **error)
{
  g_autoptr(PmCatalogue) self = g_object_new (PM_TYPE_CATALOGUE, NULL);
  JsonArray *documents = pm_json_get_array (object, "documents");
  JsonArray *services = pm_json_get_array (object, "services");

  if (documents == NULL || services == NULL)
    {
      g_set_error (error, PM_ERROR, PM_ERROR_DATA, "catalogue: documents and services are required");
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (documents); i++)
    {
      JsonObject *d = pm_json_array_get_object (documents, i);

      if (d && pm_json_get_string (d, "code") && pm_json_get_string (d, "name"))
        g_hash_table_insert (self->documents,
                             g_strdup (pm_json_get_string (d, "code")),
                             g_strdup (pm_json_get_string (d, "name")));
    }
  for (guint i = 0; i < json_array_get_length (services); i++)
    {
      JsonObject *s = pm_json_array_get_object (services, i);
      PmService *service = s ? parse_service (s, error) : NULL;

      if (service == NULL)
        {
          if (s == NULL)
            g_set_error (error, PM_ERROR, PM_ERROR_DATA, "catalogue: service %u is not an object", i);
          return NULL;
        }
      for (char **d = service->documents; d && *d; d++)
        if (!g_hash_table_contains (self->documents, *d))
          {
            g_set_error (error, PM_ERROR, PM_ERROR_DATA,
                         "catalogue: service %s names unknown document %s", service->code, *d);
            service_free (service);
            return NULL;
          }
      g_ptr_array_add (self->services, service);
      g_hash_table_insert (self->by_code, service->code, service);
    }
  return g_steal_pointer (&self);
}

PmCatalogue *
pm_catalogue_get_default (void)
{
  static PmCatalogue *catalogue;

  if (g_once_init_enter (&catalogue))
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = pm_json_load_resource ("/de/halle/PePaMo/core/catalogue.json", &error);
      PmCatalogue *loaded = node ? pm_catalogue_new_from_json (json_node_get_object (node), &error) : NULL;

      /* The catalogue is compiled into the binary: a broken one is a build defect. */
      if (loaded == NULL)
        g_error ("Bundled service catalogue is broken: %s", error->message);
      g_once_init_leave (&catalogue, loaded);
    }
  return catalogue;
}

const PmService *
pm_catalogue_lookup_service (PmCatalogue *self,
                             const char  *code)
{
  g_return_val_if_fail (PM_IS_CATALOGUE (self), NULL);
  return code ? g_hash_table_lookup (self->by_code, code) : NULL;
}

GPtrArray *
pm_catalogue_get_services (PmCatalogue *self)
{
  g_return_val_if_fail (PM_IS_CATALOGUE (self), NULL);
  return self->services;
}

const char *
pm_catalogue_get_document_name (PmCatalogue *self,
                                const char  *code)
{
  g_return_val_if_fail (PM_IS_CATALOGUE (self), NULL);
  return g_hash_table_lookup (self->documents, code);
}

/**
 * pm_catalogue_missing_documents:
 *
 * The documents of a service's checklist that were not presented, in the
 * checklist's order; an unknown service has none.
 */
char **
pm_catalogue_missing_documents (PmCatalogue        *self,
                                const char         *code,
                                const char * const *presented)
{
  const PmService *service = pm_catalogue_lookup_service (self, code);
  g_autoptr(GStrvBuilder) missing = g_strv_builder_new ();

  for (char **d = service ? service->documents : NULL; d && *d; d++)
    if (presented == NULL || !g_strv_contains (presented, *d))
      g_strv_builder_add (missing, *d);
  return g_strv_builder_end (missing);
}

static int
age_on (GDate *birth,
        GDate *on)
{
  int age = g_date_get_year (on) - g_date_get_year (birth);

  /* Birthday not yet reached this year: one year younger. */
  if (g_date_get_month (on) < g_date_get_month (birth) ||
      (g_date_get_month (on) == g_date_get_month (birth) &&
       g_date_get_day (on) < g_date_get_day (birth)))
    age--;
  return age;
}

static gboolean
fee_applies (const PmFee *fee,
             const char  *day,
             int          age)
{
  if (strcmp (day, fee->valid_from) < 0)
    return FALSE;
  if (fee->valid_to && strcmp (day, fee->valid_to) > 0)
    return FALSE;
  if (fee->min_age >= 0 && (age < 0 || age < fee->min_age))
    return FALSE;
  if (fee->max_age >= 0 && (age < 0 || age > fee->max_age))
    return FALSE;
  return TRUE;
}

gboolean
pm_catalogue_compute_fee (PmCatalogue         *self,
                          const char          *code,
                          GDate               *birth_date,
                          GDate               *on,
                          const char * const  *options,
                          gint64              *cents,
                          GError             **error)
{
  const PmService *service;
  char day[11];
  int age;
  gint64 total = -1;

  g_return_val_if_fail (PM_IS_CATALOGUE (self), FALSE);
  g_return_val_if_fail (on != NULL && g_date_valid (on), FALSE);

  service = pm_catalogue_lookup_service (self, code);
  if (service == NULL)
    {
      g_set_error (error, PM_ERROR, PM_ERROR_INVALID, _("Unknown service “%s”"), code);
      return FALSE;
    }
  g_date_strftime (day, sizeof day, "%Y-%m-%d", on);
  age = birth_date && g_date_valid (birth_date) ? age_on (birth_date, on) : -1;

  for (guint i = 0; i < service->fees->len; i++)
    {
      const PmFee *fee = &g_array_index (service->fees, PmFee, i);

      if (fee_applies (fee, day, age))
        {
          total = fee->amount_cents;
          break;
        }
    }
  if (total < 0)
    {
      g_set_error (error, PM_ERROR, PM_ERROR_INVALID,
                   _("No fee for “%s” on %s (is the birth date missing?)"), code, day);
      return FALSE;
    }

  for (const char * const *o = options; o && *o; o++)
    {
      gboolean found = FALSE;

      for (guint i = 0; i < service->options->len && !found; i++)
        {
          const PmServiceOption *option = &g_array_index (service->options, PmServiceOption, i);

          if (g_str_equal (option->id, *o))
            {
              total += option->amount_cents;
              found = TRUE;
            }
        }
      if (!found)
        {
          g_set_error (error, PM_ERROR, PM_ERROR_INVALID,
                       _("Service “%s” has no option “%s”"), code, *o);
          return FALSE;
        }
    }
  *cents = total;
  return TRUE;
}

/* The catalogue's names of a service's options, comma-separated; an
 * unknown option id is shown as it is. */
char *
pm_catalogue_option_names (PmCatalogue        *self,
                           const char         *code,
                           const char * const *options)
{
  const PmService *service = pm_catalogue_lookup_service (self, code);
  GString *names = g_string_new (NULL);

  for (guint i = 0; options && options[i]; i++)
    {
      const char *name = options[i];

      for (guint j = 0; service && j < service->options->len; j++)
        {
          PmServiceOption *option = &g_array_index (service->options, PmServiceOption, j);

          if (g_str_equal (option->id, options[i]))
            name = option->name;
        }
      g_string_append_printf (names, "%s%s", i ? ", " : "", name);
    }
  return g_string_free (names, names->len == 0);
}
