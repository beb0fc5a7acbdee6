/* pm-export.c: every record of a store as one JSON document
 *
 * The format is documented as a JSON Schema in core/data/export.schema.json:
 * one top-level array per record kind, named like its table.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "pm-access.h"
#include "pm-clock.h"
#include "pm-export.h"
#include "pm-model.h"

JsonNode *
pm_export_json (PmStore  *store,
                GError  **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *now = pm_clock_timestamp ();
  guint n_types;
  const GType *types = pm_model_get_types (&n_types);

  g_return_val_if_fail (PM_IS_STORE (store), NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "format");
  json_builder_add_string_value (builder, PM_EXPORT_FORMAT);
  json_builder_set_member_name (builder, "format_version");
  json_builder_add_int_value (builder, PM_EXPORT_FORMAT_VERSION);
  json_builder_set_member_name (builder, "exported_at");
  json_builder_add_string_value (builder, now);
  json_builder_set_member_name (builder, "device_id");
  json_builder_add_string_value (builder, pm_store_get_device_id (store));

  for (guint i = 0; i < n_types; i++)
    {
      PmRecordClass *klass = g_type_class_peek (types[i]);
      g_autoptr(GPtrArray) records = pm_store_list (store, types[i], error);

      if (records == NULL)
        return NULL;
      json_builder_set_member_name (builder, klass->table);
      json_builder_begin_array (builder);
      for (guint j = 0; j < records->len; j++)
        {
          JsonNode *node = json_node_new (JSON_NODE_OBJECT);

          /* An export opens the record as much as a detail page does. */
          if (pm_access_is_audited (g_ptr_array_index (records, j)) &&
              !pm_store_log_read (store, g_ptr_array_index (records, j), "export", error))
            {
              json_node_unref (node);
              return NULL;
            }

          json_node_take_object (node, pm_record_to_json (g_ptr_array_index (records, j)));
          json_builder_add_value (builder, node);
        }
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}
