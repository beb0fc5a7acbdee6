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
#include "pm-json-util.h"
#include "pm-model.h"
#include "pm-pdf-records.h"
#include "pm-pdf.h"
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

/**
 * pm_handover_case_from_records:
 * @signature: (nullable): the case's signature
 * @visit: (nullable): the visit it was captured on
 *
 * One case as a hand-over object, its members in the order of the official
 * forms: the case, the person, the addresses, the form's own data, then
 * documents, fee, signature, visit and history.
 */
JsonObject *
pm_handover_case_from_records (PmRecord *kase,
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
  return pm_handover_case_from_records (kase, citizen, signature, visit);
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

/* The sections of a case, for the sheet and the desk */

static const char *
location_label (const char *location_type)
{
  if (g_strcmp0 (location_type, "home") == 0)
    return _("At home");
  if (g_strcmp0 (location_type, "care_home") == 0)
    return _("Care home");
  if (g_strcmp0 (location_type, "hospital") == 0)
    return _("Hospital");
  return location_type;
}

static void
section_free (PmHandoverSection *section)
{
  g_free (section->heading);
  g_ptr_array_unref (section->fields);
  g_free (section);
}

static void
add (GPtrArray  *fields,
     const char *label,
     const char *value)
{
  if (value == NULL || *value == '\0')
    return;
  g_ptr_array_add (fields, g_strdup (label));
  g_ptr_array_add (fields, g_strdup (value));
}

static void
add_member (GPtrArray  *fields,
            const char *label,
            JsonObject *object,
            const char *member)
{
  add (fields, label, object ? pm_json_get_string (object, member) : NULL);
}

static void
add_date (GPtrArray  *fields,
          const char *label,
          JsonObject *object,
          const char *member)
{
  g_autofree char *day = pm_format_date (object ? pm_json_get_string (object, member) : NULL);

  add (fields, label, day);
}

static void
add_yes_no (GPtrArray  *fields,
            const char *label,
            JsonObject *object,
            const char *member)
{
  if (object && json_object_has_member (object, member))
    add (fields, label, json_object_get_boolean_member_with_default (object, member, FALSE) ? _("Yes") : _("No"));
}

/* Adds the section unless it stayed empty; a fresh field list follows. */
static GPtrArray *
close_section (GPtrArray  *sections,
               const char *id,
               const char *heading,
               GPtrArray  *fields)
{
  PmHandoverSection *section;

  if (fields->len == 0)
    return fields;
  section = g_new0 (PmHandoverSection, 1);
  section->id = id;
  section->heading = g_strdup (heading);
  section->fields = fields;
  g_ptr_array_add (sections, section);
  return g_ptr_array_new_with_free_func (g_free);
}

static char *
join_street (JsonObject *object)
{
  if (object == NULL || pm_json_get_string (object, "street") == NULL)
    return NULL;
  return g_strdup_printf ("%s %s, %s %s", pm_json_get_string (object, "street"),
                          pm_json_get_string (object, "house_number") ?: "",
                          pm_json_get_string (object, "postcode") ?: "",
                          pm_json_get_string (object, "city") ?: "");
}

static char *
document_names (JsonArray *documents)
{
  GString *names = g_string_new (NULL);

  for (guint i = 0; documents && i < json_array_get_length (documents); i++)
    {
      JsonObject *document = pm_json_array_get_object (documents, i);
      const char *name = document ? pm_json_get_string (document, "name") : NULL;

      if (name)
        g_string_append_printf (names, "%s%s", names->len ? "\n" : "", name);
    }
  return g_string_free (names, names->len == 0);
}

static GPtrArray *
add_person_sections (GPtrArray  *sections,
                     GPtrArray  *fields,
                     JsonObject *handover)
{
  JsonObject *person = pm_json_get_object (handover, "person");
  JsonObject *representation = pm_json_get_object (handover, "representation");
  g_autofree char *address = join_street (pm_json_get_object (handover, "address"));

  add_member (fields, _("Family name"), person, "family_name");
  add_member (fields, _("Birth name"), person, "birth_name");
  add_member (fields, _("Given names"), person, "given_names");
  add_date (fields, _("Date of birth"), person, "birth_date");
  add_member (fields, _("Place of birth"), person, "birth_place");
  add (fields, _("Registration address"), address);
  add_member (fields, _("Address of stay"), handover, "stay_address");
  fields = close_section (sections, "person", _("Person"), fields);

  add_member (fields, _("Type"), representation, "type");
  add_member (fields, _("Name"), representation, "name");
  add_member (fields, _("Task areas"), representation, "scope");
  add_member (fields, _("Document seen"), representation, "document");
  return close_section (sections, "representation", _("Representation"), fields);
}

static GPtrArray *
add_form_sections (GPtrArray  *sections,
                   GPtrArray  *fields,
                   JsonObject *handover)
{
  JsonObject *form = pm_json_get_object (handover, "registration");
  JsonObject *landlord = form ? pm_json_get_object (form, "landlord") : NULL;
  JsonObject *section_32 = form ? pm_json_get_object (form, "section_32") : NULL;
  JsonObject *id = pm_json_get_object (handover, "id_document");
  g_auto(GStrv) option_ids = id ? pm_json_get_strv (id, "options") : NULL;
  g_autofree char *options = pm_catalogue_option_names (pm_catalogue_get_default (),
                                                        pm_json_get_string (pm_json_get_object (handover, "service"), "code"),
                                                        (const char * const *) option_ids);

  add_member (fields, _("New address"), form, "new_address");
  add_date (fields, _("Moving-in date"), form, "move_in_date");
  add_member (fields, _("Previous address"), form, "previous_address");
  add_member (fields, _("Persons moving too"), form, "co_moving");
  fields = close_section (sections, "registration", _("Registration form"), fields);

  add_member (fields, _("Name"), landlord, "name");
  add_member (fields, _("Address"), landlord, "address");
  add_yes_no (fields, _("Owner"), landlord, "is_owner");
  add_date (fields, _("Confirmed on"), landlord, "date");
  fields = close_section (sections, "landlord", _("Landlord's confirmation"), fields);

  add_yes_no (fields, _("Another dwelling in Germany"), section_32, "other_dwelling");
  add_yes_no (fields, _("Stay longer than 3 months"), section_32, "stay_over_3_months");
  add_yes_no (fields, _("Facility notified the office"), section_32, "facility_notified");
  fields = close_section (sections, "section_32", _("Care home or hospital (§ 32 BMG)"), fields);

  if (id == NULL)
    return fields;
  add (fields, _("Photo"), pm_case_value_label ("photo_source", pm_json_get_string (id, "photo_source")));
  add (fields, _("Fingerprints"), pm_case_value_label ("fingerprint_status", pm_json_get_string (id, "fingerprint_status")));
  add_member (fields, _("Reason fingerprints are impossible"), id, "fingerprint_reason");
  add (fields, _("PIN letter"), pm_case_value_label ("pin_letter_delivery", pm_json_get_string (id, "pin_letter_delivery")));
  add (fields, _("Hand-over"), pm_case_value_label ("handover_mode", pm_json_get_string (id, "handover_mode")));
  add (fields, _("Options"), options);
  return close_section (sections, "id_document", _("Passport or ID card"), fields);
}

static GPtrArray *
add_case_sections (GPtrArray  *sections,
                   GPtrArray  *fields,
                   JsonObject *handover)
{
  JsonObject *documents = pm_json_get_object (handover, "documents");
  JsonObject *fee = pm_json_get_object (handover, "fee");
  JsonObject *visit = pm_json_get_object (handover, "visit");
  JsonArray *history = pm_json_get_array (handover, "history");
  g_autofree char *presented = documents ? document_names (pm_json_get_array (documents, "presented")) : NULL;
  g_autofree char *missing = documents ? document_names (pm_json_get_array (documents, "missing")) : NULL;
  g_autofree char *amount = fee ? pm_format_money (pm_json_get_int (fee, "amount_cents", 0)) : NULL;
  g_autofree char *place = join_street (visit);

  add (fields, _("Presented"), presented ? presented : _("None"));
  add (fields, _("Missing"), missing ? missing : _("None"));
  fields = close_section (sections, "documents", _("Documents"), fields);

  add (fields, _("Fee"), amount);
  add_yes_no (fields, _("Fee waived"), fee, "waived");
  add_member (fields, _("Reason for the waiver"), fee, "waiver_reason");
  add (fields, _("Payment"), fee ? pm_case_value_label ("payment_method", pm_json_get_string (fee, "payment_method")) : NULL);
  add_member (fields, _("Receipt number"), fee, "receipt_no");
  fields = close_section (sections, "fee", _("Fee and payment"), fields);

  add_date (fields, _("Date"), visit, "date");
  add (fields, _("Place"), visit ? location_label (pm_json_get_string (visit, "location_type")) : NULL);
  add_member (fields, _("Facility"), visit, "facility_name");
  add (fields, _("Address"), place);
  fields = close_section (sections, "visit", _("Captured on the visit"), fields);

  for (guint i = 0; history && i < json_array_get_length (history); i++)
    {
      JsonObject *entry = pm_json_array_get_object (history, i);
      g_autofree char *day = entry ? pm_format_timestamp_day (pm_json_get_string (entry, "at")) : NULL;
      const char *status = entry ? pm_case_status_get_label (pm_json_get_string (entry, "status")) : NULL;
      g_autofree char *what = NULL;

      if (status == NULL)
        continue;
      what = pm_json_get_string (entry, "note")
        ? g_strdup_printf ("%s: %s", status, pm_json_get_string (entry, "note"))
        : g_strdup (status);
      add (fields, day ? day : "", what);
    }
  return close_section (sections, "history", _("History"), fields);
}

/**
 * pm_handover_sections:
 * @handover: one case of the hand-over
 *
 * The case's fields as headed label/value lists, translated, in the order
 * of the official forms: the pre-registration sheet and the desk show
 * the same. Returns: (element-type PmHandoverSection): the sections
 */
GPtrArray *
pm_handover_sections (JsonObject *handover)
{
  GPtrArray *sections = g_ptr_array_new_with_free_func ((GDestroyNotify) section_free);
  JsonObject *service = pm_json_get_object (handover, "service");
  GPtrArray *fields = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *captured = pm_format_date (pm_json_get_string (handover, "captured_on"));

  add_member (fields, _("Service"), service, "name");
  add (fields, _("Status"), pm_case_status_get_label (pm_json_get_string (handover, "status")));
  add_member (fields, _("Reason"), handover, "status_reason");
  add (fields, _("Captured on"), captured);
  add_member (fields, _("Case number"), handover, "registration_number");
  add_member (fields, _("PePaMo case"), handover, "case_id");
  fields = close_section (sections, "case", _("Case"), fields);
  fields = add_person_sections (sections, fields, handover);
  fields = add_form_sections (sections, fields, handover);
  fields = add_case_sections (sections, fields, handover);
  g_ptr_array_unref (fields);
  return sections;
}
