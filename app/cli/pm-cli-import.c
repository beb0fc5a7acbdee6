/* pm-cli-import.c: pepamo-cli import, records from a JSON document
 *
 * The document has the shape of an export (one array per record kind, named
 * like its table; other members are ignored), so an export can be edited and
 * read back. Every record goes through pm_store_save_all() in one
 * transaction, the app's write path: validation, role checks, optimistic
 * locking by "version" (absent: a new record), audit and, once enrolled, the
 * outbox.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pepamo-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "pm-cli-common.h"
#include "pm-cli-import.h"
#include "pm-cli-store.h"
#include "pm-error.h"
#include "pm-model.h"

/* Records from @document in dependency order, so a visit comes after its citizen. */
static GPtrArray *
records_from_document (JsonObject  *document,
                       GError     **error)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func (g_object_unref);
  guint n_types;
  const GType *types = pm_model_get_types (&n_types);

  for (guint i = 0; i < n_types; i++)
    {
      PmRecordClass *klass = g_type_class_peek (types[i]);
      JsonNode *member = json_object_get_member (document, klass->table);
      JsonArray *array;

      /* Audit entries are the store's own account of what happened; an
       * imported one would be a forged one. */
      if (member == NULL || types[i] == PM_TYPE_AUDIT_ENTRY)
        continue;
      if (!JSON_NODE_HOLDS_ARRAY (member))
        {
          g_set_error (error, PM_ERROR, PM_ERROR_INVALID, _("“%s” must be a list of records"), klass->table);
          return NULL;
        }
      array = json_node_get_array (member);
      for (guint j = 0; j < json_array_get_length (array); j++)
        {
          JsonNode *node = json_array_get_element (array, j);
          g_autoptr(GError) local_error = NULL;
          PmRecord *record;

          if (!JSON_NODE_HOLDS_OBJECT (node))
            {
              g_set_error (error, PM_ERROR, PM_ERROR_INVALID, _("%s[%u] is not a record"), klass->table, j);
              return NULL;
            }
          record = pm_record_new_from_json (types[i], json_node_get_object (node), &local_error);
          if (record == NULL)
            {
              g_set_error (error, PM_ERROR, PM_ERROR_INVALID, "%s[%u]: %s", klass->table, j, local_error->message);
              return NULL;
            }
          g_ptr_array_add (records, record);
        }
    }
  return g_steal_pointer (&records);
}

int
pm_cli_import (const char  *data_dir,
               int          argc,
               char       **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("FILE.json"));
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(PmStore) store = NULL;
  g_autoptr(GPtrArray) records = NULL;
  JsonNode *root;

  /* pm_cli_parse_command() refuses positional arguments; this one takes the file. */
  g_option_context_set_summary (context, _("Save the records of a JSON document (shaped like an export) to the store."));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return pm_cli_fail_usage (error->message);
  if (argc != 2)
    return pm_cli_fail_usage (_("give exactly one FILE.json"));

  if (!json_parser_load_from_mapped_file (parser, argv[1], &error))
    return pm_cli_fail ("%s: %s", argv[1], error->message);
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return pm_cli_fail (_("%s: not a JSON object"), argv[1]);
  records = records_from_document (json_node_get_object (root), &error);
  if (records == NULL)
    return pm_cli_fail ("%s: %s", argv[1], error->message);

  store = pm_cli_open_store (data_dir, &error);
  if (store == NULL)
    return pm_cli_fail ("%s", error->message);
  if (!pm_store_save_all (store, records, &error))
    return pm_cli_fail ("%s", error->message);
  printf (g_dngettext (GETTEXT_PACKAGE, "Saved %u record.\n", "Saved %u records.\n", records->len), records->len);
  return PM_CLI_OK;
}
