/* pm-subject-access.c: everything stored about one person (Art. 15 DSGVO)
 *
 * For the data protection officer, on the server (role admin): the person's
 * own record and every record that names them (visits, counselling records,
 * cases, consents), the signatures on those, and the audit entries about
 * any of them, i.e. what the vans and offices last reported to the server.
 * As JSON (one array per kind, named like the export's, each record whole)
 * and as a readable PDF (every field that holds something, with its label;
 * signature strokes only in the JSON). Collecting opens the counselling
 * records and cases, so each is audited as an export, as pm_export_json()
 * does.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pm-access.h"
#include "pm-clock.h"
#include "pm-error.h"
#include "pm-json-util.h"
#include "pm-model.h"
#include "pm-pdf-layout.h"
#include "pm-subject-access.h"

static gboolean
names_citizen (PmRecord   *record,
               const char *citizen_id)
{
  const PmFieldSpec *ids = pm_record_class_find_field (PM_RECORD_GET_CLASS (record), "citizen_ids");

  if (PM_IS_CITIZEN (record))
    return g_strcmp0 (pm_record_get_id (record), citizen_id) == 0;
  if (ids)
    return pm_record_get_strv (record, "citizen_ids") &&
           g_strv_contains (pm_record_get_strv (record, "citizen_ids"), citizen_id);
  return pm_record_class_find_field (PM_RECORD_GET_CLASS (record), "citizen_id") &&
         g_strcmp0 (pm_record_get_string (record, "citizen_id"), citizen_id) == 0;
}

/* Adds the records of @type that belong to the person or, for signatures
 * and audit entries, to one of the records already found. */
static gboolean
collect_type (PmStore     *store,
              GType        type,
              const char  *citizen_id,
              GHashTable  *found_ids,
              GPtrArray   *records,
              GError     **error)
{
  g_autoptr(GPtrArray) all = pm_store_list (store, type, error);

  if (all == NULL)
    return FALSE;
  for (guint i = 0; i < all->len; i++)
    {
      PmRecord *record = g_ptr_array_index (all, i);
      gboolean belongs = PM_IS_SIGNATURE (record) || PM_IS_AUDIT_ENTRY (record)
                         ? g_hash_table_contains (found_ids, pm_record_get_string (record, "record_id"))
                         : names_citizen (record, citizen_id);

      if (!belongs)
        continue;
      if (pm_access_is_audited (record) && !pm_store_log_read (store, record, "export", error))
        return FALSE;
      g_hash_table_add (found_ids, (gpointer) pm_record_get_id (record));
      g_ptr_array_add (records, g_object_ref (record));
    }
  return TRUE;
}

/**
 * pm_subject_access_collect:
 *
 * Every record about @citizen_id, the person's own record first; only for
 * the admin (the server's data protection desk), else %PM_ERROR_DENIED; an
 * unknown person is %PM_ERROR_NOT_FOUND.
 */
GPtrArray *
pm_subject_access_collect (PmStore     *store,
                           const char  *citizen_id,
                           GError     **error)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func (g_object_unref);
  /* Keys borrowed from @records, which outlives the table. */
  g_autoptr(GHashTable) found_ids = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(PmRecord) citizen = NULL;
  GType kinds[] = { PM_TYPE_VISIT, PM_TYPE_COUNSELLING_RECORD, PM_TYPE_CASE, PM_TYPE_CONSENT, PM_TYPE_SIGNATURE,
                    PM_TYPE_AUDIT_ENTRY };

  g_return_val_if_fail (PM_IS_STORE (store), NULL);
  if (pm_store_get_actor_role (store) != PM_ROLE_ADMIN)
    {
      g_set_error_literal (error, PM_ERROR, PM_ERROR_DENIED,
                           _("Only the data protection desk (admin) may gather everything about a person"));
      return NULL;
    }
  citizen = pm_store_get (store, PM_TYPE_CITIZEN, citizen_id, error);
  if (citizen == NULL)
    return NULL;
  g_hash_table_add (found_ids, (gpointer) pm_record_get_id (citizen));
  g_ptr_array_add (records, g_object_ref (citizen));
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (!collect_type (store, kinds[i], citizen_id, found_ids, records, error))
      return NULL;
  return g_steal_pointer (&records);
}

/**
 * pm_subject_access_to_json:
 *
 * `{"format": "pepamo-subject-access", "format_version": 1, "generated_at",
 * "citizen_id", "citizens": [...], "visits": [...], "counselling": [...],
 * "cases": [...], "consents": [...], "signatures": [...], "audit": [...],
 * "reported_by": {RECORD_ID: {"created_by", "last_changed_by"}}}`: the
 * arrays are named and shaped as in the export (export.schema.json);
 * @devices (from pm_store_dup_record_devices()) says which device created
 * and which last reported each record.
 */
JsonNode *
pm_subject_access_to_json (GPtrArray  *records,
                           const char *citizen_id,
                           JsonObject *devices)
{
  g_autoptr(JsonObject) root = json_object_new ();
  g_autofree char *now = pm_clock_timestamp ();
  guint n_types;
  const GType *types = pm_model_get_types (&n_types);

  json_object_set_string_member (root, "format", PM_SUBJECT_ACCESS_FORMAT);
  json_object_set_int_member (root, "format_version", PM_SUBJECT_ACCESS_FORMAT_VERSION);
  json_object_set_string_member (root, "generated_at", now);
  json_object_set_string_member (root, "citizen_id", citizen_id);
  for (guint t = 0; t < n_types; t++)
    {
      PmRecordClass *klass = g_type_class_ref (types[t]);
      JsonArray *array = json_array_new ();

      for (guint i = 0; i < records->len; i++)
        if (G_OBJECT_TYPE (g_ptr_array_index (records, i)) == types[t])
          json_array_add_object_element (array, pm_record_to_json (g_ptr_array_index (records, i)));
      json_object_set_array_member (root, klass->table, array);
      g_type_class_unref (klass);
    }
  json_object_set_object_member (root, "reported_by", json_object_ref (devices));
  return json_node_init_object (json_node_alloc (), root);
}

static const char *
kind_label (PmRecord *record)
{
  if (PM_IS_CITIZEN (record))
    return _("Person");
  if (PM_IS_VISIT (record))
    return _("Visit");
  if (PM_IS_COUNSELLING_RECORD (record))
    return _("Counselling");
  if (PM_IS_CASE (record))
    return _("Passport, ID or registration case");
  if (PM_IS_CONSENT (record))
    return _("Consent");
  if (PM_IS_SIGNATURE (record))
    return _("Signature");
  return _("Audit entry");
}

/* A field's value as text, or NULL when it holds nothing. */
static char *
field_text (PmRecord          *record,
            const PmFieldSpec *spec)
{
  const char * const *list;

  switch (spec->type)
    {
    case PM_FIELD_STRV:
      list = pm_record_get_strv (record, spec->name);
      return list && list[0] ? g_strjoinv (", ", (char **) list) : NULL;
    case PM_FIELD_INT:
      return g_strdup_printf ("%" G_GINT64_FORMAT, pm_record_get_int (record, spec->name));
    case PM_FIELD_DOUBLE:
      return pm_record_get_double (record, spec->name) != 0 ?
             g_strdup_printf ("%.5f", pm_record_get_double (record, spec->name)) : NULL;
    case PM_FIELD_BOOLEAN:
      return g_strdup (pm_record_get_boolean (record, spec->name) ? _("yes") : _("no"));
    case PM_FIELD_STRING:
    case PM_FIELD_DATE:
    case PM_FIELD_JSON:
    default:
      return g_strdup (pm_record_get_string (record, spec->name));
    }
}

typedef struct
{
  GPtrArray  *records;
  JsonObject *devices;
} Information;

/* "DEVICE (role)", or NULL when no device wrote it. */
static char *
device_text (JsonObject *devices,
             const char *record_id,
             const char *member)
{
  JsonObject *entry = devices ? pm_json_get_object (devices, record_id) : NULL;
  JsonObject *device = entry ? pm_json_get_object (entry, member) : NULL;

  if (device == NULL)
    return NULL;
  return g_strdup_printf ("%s (%s)", pm_json_get_string (device, "device_id"), pm_json_get_string (device, "role"));
}

static gboolean
build_pdf (PmPdfLayout  *layout,
           gpointer      data,
           GError      **error)
{
  Information *information = data;
  GPtrArray *records = information->records;
  PmRecord *citizen = g_ptr_array_index (records, 0);
  static const PmPdfColumn columns[] = { { NULL, 0.32, PANGO_ALIGN_LEFT }, { NULL, 0.68, PANGO_ALIGN_LEFT } };
  g_autofree char *now = pm_clock_today ();
  g_autofree char *intro = NULL;

  /* Translators: %s %s are the given and family name, %s the date of this information */
  intro = g_strdup_printf (_("Information under Art. 15 GDPR about %s %s: everything the city's PePaMo server "
                             "holds about this person, as the vans and offices last reported it, as of %s."),
                           pm_record_get_string (citizen, "given_names"),
                           pm_record_get_string (citizen, "family_name"), now);
  pm_pdf_layout_text (layout, PM_PDF_STYLE_BODY, intro);
  for (guint i = 0; i < records->len; i++)
    {
      PmRecord *record = g_ptr_array_index (records, i);
      PmRecordClass *klass = PM_RECORD_GET_CLASS (record);
      g_autoptr(GPtrArray) rows = pm_pdf_rows_new ();
      g_autofree char *heading = g_strdup_printf ("%s (%s)", kind_label (record), pm_record_get_id (record));

      g_autofree char *created_by = device_text (information->devices, pm_record_get_id (record), "created_by");
      g_autofree char *changed_by = device_text (information->devices, pm_record_get_id (record), "last_changed_by");

      pm_pdf_rows_add (rows, 2, _("Stored since"), pm_record_get_created_at (record));
      pm_pdf_rows_add (rows, 2, _("Last changed"), pm_record_get_updated_at (record));
      if (created_by)
        pm_pdf_rows_add (rows, 2, _("Created on device"), created_by);
      if (changed_by)
        pm_pdf_rows_add (rows, 2, _("Last reported by device"), changed_by);
      for (guint f = 0; f < klass->n_fields; f++)
        {
          const PmFieldSpec *spec = &klass->fields[f];
          g_autofree char *text = NULL;

          if (spec->flags & PM_FIELD_TRANSIENT)
            continue;
          /* Strokes are coordinates, unreadable on paper: in the JSON. */
          if (PM_IS_SIGNATURE (record) && g_str_equal (spec->name, "strokes"))
            text = g_strdup (_("(the pen strokes are in the JSON file)"));
          else
            text = field_text (record, spec);
          if (text && *text)
            pm_pdf_rows_add (rows, 2, _(spec->label), text);
        }
      pm_pdf_layout_heading (layout, heading);
      pm_pdf_layout_table (layout, PM_PDF_TABLE_FIELDS, columns, G_N_ELEMENTS (columns), rows);
    }
  return TRUE;
}

/**
 * pm_subject_access_write_pdf:
 * @records: from pm_subject_access_collect(), the person first
 * @devices: (nullable): from pm_store_dup_record_devices()
 *
 * The information as a readable PDF: each record with every field that
 * holds something and the devices that created and last reported it.
 */
gboolean
pm_subject_access_write_pdf (GPtrArray   *records,
                             JsonObject  *devices,
                             const char  *path,
                             GError     **error)
{
  Information information = { records, devices };

  g_return_val_if_fail (records != NULL && records->len > 0, FALSE);
  return pm_pdf_render (path, _("Information under Art. 15 GDPR"), "soziales", build_pdf, &information, error);
}
