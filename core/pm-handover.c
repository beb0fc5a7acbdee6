/* pm-handover.c: cases as a structured hand-over to the registration system
 *
 * A captured case becomes a pre-registration (Vorerfassung) that a clerk or
 * an import job takes over without typing: the person, the form data in the
 * order of the official forms, the documents presented and missing, fee and
 * payment, the signature, the visit it came from and its history. The
 * format is documented as a JSON Schema in core/data/handover.schema.json;
 * the pre-registration sheet (PDF) is drawn from the same object, so both
 * always hold the same fields. Every case handed over is audited.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pm-access.h"
#include "pm-catalogue.h"
#include "pm-city.h"
#include "pm-clock.h"
#include "pm-error.h"
#include "pm-handover.h"
#include "pm-model.h"
#include "pm-pdf-records.h"
#include "pm-status.h"

static void
copy_string (JsonObject *object,
             const char *member,
             PmRecord   *record,
             const char *field)
{
  const char *value = record ? pm_record_get_string (record, field) : NULL;

  if (value && *value)
    json_object_set_string_member (object, member, value);
}

static JsonObject *
strings_of (PmRecord           *record,
            const char * const *fields)
{
  JsonObject *object = json_object_new ();

  for (guint i = 0; fields[i]; i++)
    copy_string (object, fields[i], record, fields[i]);
  return object;
}

/* A JSON field of a record as a node; unreadable or missing text is none. */
static JsonNode *
parsed (PmRecord   *record,
        const char *field)
{
  const char *text = pm_record_get_string (record, field);

  return text ? json_from_string (text, NULL) : NULL;
}

static void
set_parsed (JsonObject *object,
            const char *member,
            PmRecord   *record,
            const char *field)
{
  JsonNode *node = parsed (record, field);

  if (node)
    json_object_set_member (object, member, node);
}

static JsonArray *
documents_array (char **codes)
{
  PmCatalogue *catalogue = pm_catalogue_get_default ();
  JsonArray *array = json_array_new ();

  for (guint i = 0; codes && codes[i]; i++)
    {
      JsonObject *document = json_object_new ();
      const char *name = pm_catalogue_get_document_name (catalogue, codes[i]);

      json_object_set_string_member (document, "code", codes[i]);
      json_object_set_string_member (document, "name", name ? name : codes[i]);
      json_array_add_object_element (array, document);
    }
  return array;
}

static JsonObject *
service_object (PmRecord *kase)
{
  const char *code = pm_record_get_string (kase, "service");
  const PmService *service = pm_catalogue_lookup_service (pm_catalogue_get_default (), code);
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "code", code);
  if (service)
    {
      json_object_set_string_member (object, "name", service->name);
      json_object_set_string_member (object, "kind", service->kind);
    }
  return object;
}

static JsonObject *
documents_object (PmRecord *kase)
{
  const char * const *presented = pm_record_get_strv (kase, "documents_presented");
  g_auto(GStrv) missing = pm_catalogue_missing_documents (pm_catalogue_get_default (),
                                                          pm_record_get_string (kase, "service"),
                                                          presented);
  JsonObject *object = json_object_new ();

  json_object_set_array_member (object, "presented", documents_array ((char **) presented));
  json_object_set_array_member (object, "missing", documents_array (missing));
  return object;
}

static JsonObject *
id_document_object (PmRecord *kase)
{
  static const char * const fields[] = {
    "photo_source", "fingerprint_status", "fingerprint_reason", "pin_letter_delivery", "handover_mode", NULL
  };
  JsonObject *object = strings_of (kase, fields);
  const char * const *options = pm_record_get_strv (kase, "options");
  JsonArray *array = json_array_new ();

  for (guint i = 0; options && options[i]; i++)
    json_array_add_string_element (array, options[i]);
  json_object_set_array_member (object, "options", array);
  return object;
}

static JsonObject *
fee_object (PmRecord *kase)
{
  JsonObject *object = json_object_new ();

  json_object_set_int_member (object, "amount_cents", pm_record_get_int (kase, "fee_cents"));
  json_object_set_boolean_member (object, "waived", pm_record_get_boolean (kase, "fee_waived"));
  copy_string (object, "waiver_reason", kase, "waiver_reason");
  copy_string (object, "payment_method", kase, "payment_method");
  copy_string (object, "receipt_no", kase, "receipt_no");
  return object;
}

static JsonObject *
signature_object (PmRecord *signature)
{
  JsonObject *object = json_object_new ();

  copy_string (object, "signer_name", signature, "signer_name");
  copy_string (object, "signed_at", signature, "signed_at");
  set_parsed (object, "strokes", signature, "strokes");
  return object;
}

static JsonObject *
visit_object (PmRecord *visit)
{
  static const char * const fields[] = {
    "date", "location_type", "facility_name", "street", "house_number", "postcode", "stadtteil", NULL
  };
  JsonObject *object = strings_of (visit, fields);

  json_object_set_string_member (object, "id", pm_record_get_id (visit));
  return object;
}

/* Members in the order of the official forms: the case, the person, the
 * addresses, the form's own data, then documents, fee and signature. */
static JsonObject *
case_object (PmRecord *kase,
             PmRecord *citizen,
             PmRecord *signature,
             PmRecord *visit)
{
  static const char * const person_fields[] = {
    "family_name", "birth_name", "given_names", "birth_date", "birth_place", NULL
  };
  static const char * const address_fields[] = {
    "street", "house_number", "postcode", "city", "stadtteil", NULL
  };
  const PmService *service = pm_catalogue_lookup_service (pm_catalogue_get_default (),
                                                          pm_record_get_string (kase, "service"));
  JsonObject *object = json_object_new ();
  JsonObject *form_root = NULL;
  g_autoptr(JsonNode) form = parsed (kase, "form");
  g_autoptr(JsonNode) history = parsed (kase, "status_history");

  json_object_set_string_member (object, "case_id", pm_record_get_id (kase));
  json_object_set_object_member (object, "service", service_object (kase));
  json_object_set_string_member (object, "status", pm_record_get_string (kase, "status"));
  copy_string (object, "status_reason", kase, "status_reason");
  json_object_set_string_member (object, "captured_on", pm_record_get_string (kase, "captured_on"));
  copy_string (object, "registration_number", kase, "registration_number");
  copy_string (object, "staff_id", kase, "staff_id");
  json_object_set_object_member (object, "person", strings_of (citizen, person_fields));
  json_object_set_object_member (object, "address", strings_of (citizen, address_fields));
  copy_string (object, "stay_address", citizen, "stay_address");
  set_parsed (object, "representation", citizen, "representation");
  if (form && JSON_NODE_HOLDS_OBJECT (form))
    form_root = json_node_get_object (form);
  if (form_root && json_object_get_size (form_root) > 0)
    json_object_set_object_member (object, "registration", json_object_ref (form_root));
  if (service && g_strcmp0 (service->kind, "passport_id") == 0)
    json_object_set_object_member (object, "id_document", id_document_object (kase));
  json_object_set_object_member (object, "documents", documents_object (kase));
  json_object_set_object_member (object, "fee", fee_object (kase));
  if (signature)
    json_object_set_object_member (object, "signature", signature_object (signature));
  if (visit)
    json_object_set_object_member (object, "visit", visit_object (visit));
  if (history && JSON_NODE_HOLDS_ARRAY (history))
    json_object_set_array_member (object, "history", json_array_ref (json_node_get_array (history)));
  else
    json_object_set_array_member (object, "history", json_array_new ());
  return object;
}

static gboolean
check_viewer (PmStore  *store,
              GError  **error)
{
  g_autofree char *department = pm_store_dup_actor_department (store);
  PmViewer viewer = { pm_store_get_actor_role (store), department };

  if (!pm_access_sees_case_details (&viewer))
    {
      g_set_error_literal (error, PM_ERROR, PM_ERROR_DENIED,
                           _("Only the registration office may hand cases over to the registration system"));
      return FALSE;
    }
  return TRUE;
}

static JsonObject *
build_case (PmStore     *store,
            PmRecord    *kase,
            const char  *audit_action,
            GError     **error)
{
  g_autoptr(PmRecord) citizen = NULL;
  g_autoptr(PmRecord) signature = NULL;
  g_autoptr(PmRecord) visit = NULL;
  const char *visit_id = pm_record_get_string (kase, "visit_id");

  citizen = pm_store_get (store, PM_TYPE_CITIZEN, pm_record_get_string (kase, "citizen_id"), error);
  if (citizen == NULL)
    return NULL;
  signature = pm_pdf_find_signature (store, kase, error);
  if (signature == NULL && error && *error)
    return NULL;
  /* The visit may have left the store by its own deletion period. */
  if (visit_id)
    visit = pm_store_get (store, PM_TYPE_VISIT, visit_id, NULL);
  if (!pm_store_log_read (store, kase, audit_action, error))
    return NULL;
  return case_object (kase, citizen, signature, visit);
}

/**
 * pm_handover_case_json:
 * @audit_action: how the hand-over is audited ("export" or "print")
 *
 * One case as a hand-over object (the "cases" items of
 * handover.schema.json). Blocking: call it off the main thread in a GUI.
 */
JsonObject *
pm_handover_case_json (PmStore     *store,
                       const char  *case_id,
                       const char  *audit_action,
                       GError     **error)
{
  g_autoptr(PmRecord) kase = NULL;

  g_return_val_if_fail (PM_IS_STORE (store), NULL);
  g_return_val_if_fail (case_id != NULL, NULL);

  if (!check_viewer (store, error))
    return NULL;
  kase = pm_store_get (store, PM_TYPE_CASE, case_id, error);
  if (kase == NULL)
    return NULL;
  return build_case (store, kase, audit_action, error);
}

static gint
by_creation (gconstpointer a,
             gconstpointer b)
{
  return g_strcmp0 (pm_record_get_created_at (*(PmRecord **) a), pm_record_get_created_at (*(PmRecord **) b));
}

/**
 * pm_handover_day_json:
 *
 * Every case captured on @date that was not rejected, oldest first, as one
 * hand-over document. Blocking.
 */
JsonNode *
pm_handover_day_json (PmStore     *store,
                      const char  *date,
                      GError     **error)
{
  g_autoptr(GPtrArray) cases = NULL;
  g_autoptr(JsonArray) items = json_array_new ();
  g_autofree char *now = pm_clock_timestamp ();
  JsonObject *root;
  JsonNode *node;

  g_return_val_if_fail (PM_IS_STORE (store), NULL);
  g_return_val_if_fail (date != NULL, NULL);

  if (!check_viewer (store, error))
    return NULL;
  cases = pm_store_list (store, PM_TYPE_CASE, error);
  if (cases == NULL)
    return NULL;
  g_ptr_array_sort (cases, by_creation);
  for (guint i = 0; i < cases->len; i++)
    {
      PmRecord *kase = g_ptr_array_index (cases, i);
      JsonObject *item;

      if (g_strcmp0 (pm_record_get_string (kase, "captured_on"), date) != 0 ||
          g_strcmp0 (pm_record_get_string (kase, "status"), "rejected") == 0)
        continue;
      item = build_case (store, kase, "export", error);
      if (item == NULL)
        return NULL;
      json_array_add_object_element (items, item);
    }

  root = json_object_new ();
  json_object_set_string_member (root, "format", PM_HANDOVER_FORMAT);
  json_object_set_int_member (root, "format_version", PM_HANDOVER_FORMAT_VERSION);
  json_object_set_string_member (root, "generated_at", now);
  json_object_set_string_member (root, "date", date);
  json_object_set_string_member (root, "city", pm_city_get_id (pm_city_get_default ()));
  json_object_set_string_member (root, "device_id", pm_store_get_device_id (store));
  json_object_set_array_member (root, "cases", g_steal_pointer (&items));
  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, root);
  return node;
}
