/* pm-signature.c: a signature drawn on the touchscreen, kept as strokes
 *
 * Strokes are arrays of [x, y] points normalised to 0..1, so the signature
 * renders at any size in a PDF.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pm-checks.h"
#include "pm-signature.h"

struct _PmSignature
{
  PmRecord  parent_instance;

  char     *record_kind;
  char     *record_id;
  char     *signer_name;
  char     *strokes;
  char     *signed_at;
};

G_DEFINE_FINAL_TYPE (PmSignature, pm_signature, PM_TYPE_RECORD)

#define FIELD(name, label, type, flags) { #name, label, type, flags, G_STRUCT_OFFSET (PmSignature, name) }

static const PmFieldSpec fields[] = {
  FIELD (record_kind, N_("Signed record type"), PM_FIELD_STRING, PM_FIELD_REQUIRED),
  FIELD (record_id, N_("Signed record"), PM_FIELD_STRING, PM_FIELD_REQUIRED | PM_FIELD_COLUMN),
  FIELD (signer_name, N_("Signed by"), PM_FIELD_STRING, PM_FIELD_REQUIRED),
  FIELD (strokes, N_("Signature"), PM_FIELD_JSON, PM_FIELD_REQUIRED),
  FIELD (signed_at, N_("Signed at"), PM_FIELD_STRING, PM_FIELD_REQUIRED),
};

static const char * const signed_kinds[] = { "case", "consent", "counselling", NULL };

static gboolean
point_is_valid (JsonNode *node)
{
  JsonArray *point;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return FALSE;
  point = json_node_get_array (node);
  if (json_array_get_length (point) != 2)
    return FALSE;
  for (guint i = 0; i < 2; i++)
    {
      JsonNode *c = json_array_get_element (point, i);
      double v;

      if (!JSON_NODE_HOLDS_VALUE (c) ||
          (json_node_get_value_type (c) != G_TYPE_DOUBLE && json_node_get_value_type (c) != G_TYPE_INT64))
        return FALSE;
      v = json_node_get_double (c);
      if (v < 0 || v > 1)
        return FALSE;
    }
  return TRUE;
}

static gboolean
check_strokes (PmSignature  *self,
               GError      **error)
{
  g_autoptr(JsonNode) node = json_from_string (self->strokes, NULL);
  gboolean has_line = FALSE;
  JsonArray *strokes;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    goto bad;
  strokes = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (strokes); i++)
    {
      JsonNode *stroke = json_array_get_element (strokes, i);
      JsonArray *points;

      if (!JSON_NODE_HOLDS_ARRAY (stroke))
        goto bad;
      points = json_node_get_array (stroke);
      for (guint j = 0; j < json_array_get_length (points); j++)
        if (!point_is_valid (json_array_get_element (points, j)))
          goto bad;
      has_line |= json_array_get_length (points) >= 2;
    }
  if (!has_line)
    {
      pm_set_field_error (error, PM_RECORD (self), "strokes", _("is empty"));
      return FALSE;
    }
  return TRUE;

bad:
  pm_set_field_error (error, PM_RECORD (self), "strokes", _("is not a list of strokes of points between 0 and 1"));
  return FALSE;
}

static gboolean
pm_signature_validate (PmRecord  *record,
                       GError   **error)
{
  return pm_check_one_of (record, "record_kind", signed_kinds, TRUE, error) &&
         pm_check_uuid (record, "record_id", TRUE, error) &&
         check_strokes (PM_SIGNATURE (record), error);
}

static void
pm_signature_class_init (PmSignatureClass *klass)
{
  PmRecordClass *record_class = PM_RECORD_CLASS (klass);

  pm_record_class_install_fields (record_class, "signature", "signatures", fields, G_N_ELEMENTS (fields));
  record_class->validate = pm_signature_validate;
}

static void
pm_signature_init (PmSignature *self)
{
}

PmSignature *
pm_signature_new (void)
{
  return g_object_new (PM_TYPE_SIGNATURE, NULL);
}
