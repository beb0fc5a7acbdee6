/* pm-cash-closure.c: a van's daily cash closure (Tagesabschluss)
 *
 * The closure is a snapshot: the lines are copied from the day's cases when
 * the clerk closes the day, so the document the office receives by sync says
 * what was counted in the van, even if a case is corrected later. Closing the
 * same day again replaces the snapshot (a new version of the same record).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pm-cash-closure.h"
#include "pm-checks.h"
#include "pm-clock.h"
#include "pm-json-util.h"

struct _PmCashClosure
{
  PmRecord  parent_instance;

  char     *van_id;
  char     *van_name;
  char     *day;
  char     *staff_id;
  char     *closed_at;
  char     *lines;
  gint64    paid_count;
  gint64    total_cents;
};

G_DEFINE_FINAL_TYPE (PmCashClosure, pm_cash_closure, PM_TYPE_RECORD)

#define FIELD(name, label, type, flags) { #name, label, type, flags, G_STRUCT_OFFSET (PmCashClosure, name) }

static const PmFieldSpec fields[] = {
  FIELD (van_id, N_("Van"), PM_FIELD_STRING, PM_FIELD_REQUIRED | PM_FIELD_COLUMN),
  FIELD (van_name, N_("Van name"), PM_FIELD_STRING, PM_FIELD_REQUIRED),
  FIELD (day, N_("Day"), PM_FIELD_DATE, PM_FIELD_REQUIRED | PM_FIELD_COLUMN),
  FIELD (staff_id, N_("Closed by"), PM_FIELD_STRING, PM_FIELD_REQUIRED),
  FIELD (closed_at, N_("Closed at"), PM_FIELD_STRING, PM_FIELD_REQUIRED),
  FIELD (lines, N_("Payments"), PM_FIELD_JSON, PM_FIELD_REQUIRED),
  FIELD (paid_count, N_("Paid cases"), PM_FIELD_INT, 0),
  FIELD (total_cents, N_("Total"), PM_FIELD_INT, 0),
};

const char * const pm_cash_closure_methods[PM_CASH_CLOSURE_N_METHODS + 1] = {
  "card", "cash", "invoice", NULL
};

/* Why a case of the day brought no money. */
static const char * const unpaid_reasons[] = { "waived", "free", "not_paid", NULL };

static gboolean
check_line (JsonObject  *line,
            gint64      *paid_count,
            gint64      *total_cents)
{
  const char *case_id = pm_json_get_string (line, "case_id");
  const char *method = pm_json_get_string (line, "method");
  const char *unpaid = pm_json_get_string (line, "unpaid");
  gint64 amount = pm_json_get_int (line, "amount_cents", -1);

  if (case_id == NULL || !g_uuid_string_is_valid (case_id) || pm_json_get_string (line, "service") == NULL)
    return FALSE;
  if (method != NULL)
    {
      if (unpaid != NULL || amount <= 0 || !g_strv_contains (pm_cash_closure_methods, method))
        return FALSE;
      *paid_count += 1;
      *total_cents += amount;
      return TRUE;
    }
  return unpaid != NULL && g_strv_contains (unpaid_reasons, unpaid) && amount == 0;
}

/* The totals are stored for the office's lists; they must be the sum of the
 * lines, or the document and the list would disagree. */
static gboolean
pm_cash_closure_validate (PmRecord  *record,
                          GError   **error)
{
  PmCashClosure *self = PM_CASH_CLOSURE (record);
  g_autoptr(JsonArray) lines = pm_cash_closure_dup_lines (self);
  gint64 paid_count = 0;
  gint64 total_cents = 0;

  if (lines == NULL)
    {
      pm_set_field_error (error, record, "lines", _("must be a list of payments"));
      return FALSE;
    }
  for (guint i = 0; i < json_array_get_length (lines); i++)
    {
      JsonObject *line = pm_json_array_get_object (lines, i);

      if (line == NULL || !check_line (line, &paid_count, &total_cents))
        {
          pm_set_field_error (error, record, "lines", _("contains an invalid payment"));
          return FALSE;
        }
    }
  if (paid_count != self->paid_count || total_cents != self->total_cents)
    {
      pm_set_field_error (error, record, "total_cents", _("does not match the payments"));
      return FALSE;
    }
  return pm_check_uuid (record, "van_id", TRUE, error) &&
         pm_check_uuid (record, "staff_id", TRUE, error);
}

static void
pm_cash_closure_class_init (PmCashClosureClass *klass)
{
  PmRecordClass *record_class = PM_RECORD_CLASS (klass);

  pm_record_class_install_fields (record_class, "cash_closure", "cash_closures", fields, G_N_ELEMENTS (fields));
  record_class->validate = pm_cash_closure_validate;
}

static void
pm_cash_closure_init (PmCashClosure *self)
{
}

PmCashClosure *
pm_cash_closure_new (void)
{
  return g_object_new (PM_TYPE_CASH_CLOSURE, NULL);
}

static JsonNode *
line_for_case (PmRecord *kase)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  const char *method = pm_record_get_string (kase, "payment_method");
  gint64 fee = pm_record_get_int (kase, "fee_cents");
  const char *unpaid = NULL;

  if (pm_record_get_boolean (kase, "fee_waived"))
    unpaid = "waived";
  else if (fee <= 0)
    unpaid = "free";
  else if (method == NULL || !g_strv_contains (pm_cash_closure_methods, method))
    unpaid = "not_paid";

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "case_id");
  json_builder_add_string_value (builder, pm_record_get_id (kase));
  json_builder_set_member_name (builder, "case_number");
  json_builder_add_string_value (builder, pm_record_get_string (kase, "registration_number"));
  json_builder_set_member_name (builder, "receipt_no");
  json_builder_add_string_value (builder, pm_record_get_string (kase, "receipt_no"));
  json_builder_set_member_name (builder, "service");
  json_builder_add_string_value (builder, pm_record_get_string (kase, "service"));
  json_builder_set_member_name (builder, unpaid ? "unpaid" : "method");
  json_builder_add_string_value (builder, unpaid ? unpaid : method);
  json_builder_set_member_name (builder, "amount_cents");
  json_builder_add_int_value (builder, unpaid ? 0 : fee);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/**
 * pm_cash_closure_new_for_day:
 * @cases: (element-type PmCase): the van's cases captured on @day
 *
 * Counts the day: one line per case, paid ones with their method and amount,
 * the others with why they brought no money. The caller sets the staff member
 * who closed the day.
 */
PmCashClosure *
pm_cash_closure_new_for_day (const char *van_id,
                             const char *van_name,
                             const char *day,
                             GPtrArray  *cases)
{
  PmCashClosure *self = pm_cash_closure_new ();
  g_autoptr(JsonArray) lines = json_array_new ();
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_ARRAY);
  g_autoptr(GDateTime) now = pm_clock_now ();

  for (guint i = 0; i < cases->len; i++)
    {
      PmRecord *kase = g_ptr_array_index (cases, i);
      JsonNode *line = line_for_case (kase);
      JsonObject *object = json_node_get_object (line);

      if (json_object_has_member (object, "method"))
        {
          self->paid_count++;
          self->total_cents += json_object_get_int_member (object, "amount_cents");
        }
      json_array_add_element (lines, line);
    }
  json_node_set_array (root, lines);
  self->van_id = g_strdup (van_id);
  self->van_name = g_strdup (van_name);
  self->day = g_strdup (day);
  self->closed_at = g_date_time_format_iso8601 (now);
  self->lines = json_to_string (root, FALSE);
  return self;
}

/**
 * pm_cash_closure_dup_lines:
 *
 * Returns: (transfer full) (nullable): the lines, or %NULL when they are
 *   not a JSON array
 */
JsonArray *
pm_cash_closure_dup_lines (PmCashClosure *self)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  g_return_val_if_fail (PM_IS_CASH_CLOSURE (self), NULL);

  if (self->lines == NULL || !json_parser_load_from_data (parser, self->lines, -1, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    return NULL;
  return json_array_ref (json_node_get_array (root));
}
