/* pm-muvis-report.c: the MUVIS figures per Stadtteil and month
 *
 * Counts only, for the integrated social planning (DOMAIN.md, section 0):
 * per Stadtteil of the city profile (a Stadtviertel counts for its
 * Stadtteil) and month, four blocks, each with its own totals:
 *
 * - visits: held (done or partly done) and not met (no-show), by the
 *   visit's date;
 * - services: the services booked on the visits held, by catalogue code;
 * - topics and unmet needs: named in final counselling records, dated and
 *   placed by their visit (else by the record's creation and the person's
 *   Stadtteil).
 *
 * Each block is suppressed on its own (pm-suppression.c): a count of 1 to
 * 4 is written `<5`, a cell withheld to protect it `x`. The report object
 * keeps only what is published, never a withheld count, so nothing that
 * holds or sends it can leak one.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pm-catalogue.h"
#include "pm-city.h"
#include "pm-error.h"
#include "pm-json-util.h"
#include "pm-model.h"
#include "pm-muvis-report.h"

#define ROW_TOTAL      "total"
#define ROW_UNASSIGNED "unassigned"

typedef struct
{
  char *id;
  char *section;
} Column;

struct _PmMuvisReport
{
  GObject      parent_instance;

  char        *month;
  char        *city;
  GPtrArray   *row_ids;      /* the Stadtteile, then "total" */
  GPtrArray   *row_labels;
  GPtrArray   *columns;      /* Column */
  GArray      *counts;       /* gint64, -1 where withheld */
  GArray      *states;       /* PmCellState */
};

G_DEFINE_FINAL_TYPE (PmMuvisReport, pm_muvis_report, G_TYPE_OBJECT)

static const char * const sections[] = { "visits", "services", "topics", "unmet_needs", NULL };

static void
column_free (Column *column)
{
  g_free (column->id);
  g_free (column->section);
  g_free (column);
}

static void
add_column (PmMuvisReport *self,
            const char    *section,
            char          *id)
{
  Column *column = g_new0 (Column, 1);

  column->id = id;
  column->section = g_strdup (section);
  g_ptr_array_add (self->columns, column);
}

static void
pm_muvis_report_finalize (GObject *object)
{
  PmMuvisReport *self = PM_MUVIS_REPORT (object);

  g_free (self->month);
  g_free (self->city);
  g_ptr_array_unref (self->row_ids);
  g_ptr_array_unref (self->row_labels);
  g_ptr_array_unref (self->columns);
  g_array_unref (self->counts);
  g_array_unref (self->states);
  G_OBJECT_CLASS (pm_muvis_report_parent_class)->finalize (object);
}

static void
pm_muvis_report_class_init (PmMuvisReportClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pm_muvis_report_finalize;
}

static void
pm_muvis_report_init (PmMuvisReport *self)
{
  self->row_ids = g_ptr_array_new_with_free_func (g_free);
  self->row_labels = g_ptr_array_new_with_free_func (g_free);
  self->columns = g_ptr_array_new_with_free_func ((GDestroyNotify) column_free);
  self->counts = g_array_new (FALSE, TRUE, sizeof (gint64));
  self->states = g_array_new (FALSE, TRUE, sizeof (PmCellState));
}

gboolean
pm_muvis_month_is_valid (const char *month)
{
  return month != NULL && strlen (month) == 7 && g_ascii_isdigit (month[0]) && g_ascii_isdigit (month[1]) &&
         g_ascii_isdigit (month[2]) && g_ascii_isdigit (month[3]) && month[4] == '-' &&
         ((month[5] == '0' && month[6] >= '1' && month[6] <= '9') ||
          (month[5] == '1' && month[6] >= '0' && month[6] <= '2'));
}

static gboolean
in_month (const char *date,
          const char *month)
{
  return date != NULL && g_str_has_prefix (date, month);
}

/* The block's columns: its categories, then its total. */
static void
add_columns (PmMuvisReport *self)
{
  GPtrArray *services = pm_catalogue_get_services (pm_catalogue_get_default ());

  add_column (self, "visits", g_strdup ("visits_held"));
  add_column (self, "visits", g_strdup ("visits_no_show"));
  add_column (self, "visits", g_strdup ("visits_total"));
  for (guint i = 0; i < services->len; i++)
    add_column (self, "services", g_strconcat ("service_", ((PmService *) g_ptr_array_index (services, i))->code, NULL));
  add_column (self, "services", g_strdup ("services_total"));
  for (const PmChoice *c = pm_counselling_topics (); c->label; c++)
    add_column (self, "topics", g_strconcat ("topic_", c->id, NULL));
  add_column (self, "topics", g_strdup ("topics_total"));
  for (const PmChoice *c = pm_counselling_unmet_needs (); c->label; c++)
    add_column (self, "unmet_needs", g_strconcat ("need_", c->id, NULL));
  add_column (self, "unmet_needs", g_strdup ("unmet_needs_total"));
}

static gboolean
is_total_column (const Column *column)
{
  return g_str_has_suffix (column->id, "_total");
}

static int
find_column (PmMuvisReport *self,
             const char    *prefix,
             const char    *code)
{
  g_autofree char *id = g_strconcat (prefix, code, NULL);

  for (guint i = 0; i < self->columns->len; i++)
    if (g_str_equal (((Column *) g_ptr_array_index (self->columns, i))->id, id))
      return (int) i;
  return -1;
}

/* The row of a Stadtteil, of the Stadtteil around a Stadtviertel, or the
 * "not assigned" row (a Stadtbezirk, or no area). */
static guint
row_of_area (GHashTable *rows,
             const char *code,
             guint       unassigned)
{
  PmCity *city = pm_city_get_default ();
  const PmArea *area = code ? pm_city_lookup_area (city, code) : NULL;
  gpointer row;

  if (area && g_strcmp0 (area->level, "stadtviertel") == 0)
    area = pm_city_lookup_area (city, area->parent);
  if (area && g_hash_table_lookup_extended (rows, area->code, NULL, &row))
    return GPOINTER_TO_UINT (row);
  return unassigned;
}

static void
count (gint64 *counts,
       guint   n_cols,
       guint   row,
       int     col)
{
  if (col >= 0)
    counts[row * n_cols + (guint) col]++;
}

static GHashTable *
index_by_id (GPtrArray *records)
{
  GHashTable *index = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; records && i < records->len; i++)
    g_hash_table_insert (index, (gpointer) pm_record_get_id (g_ptr_array_index (records, i)),
                         g_ptr_array_index (records, i));
  return index;
}

static void
count_visits (PmMuvisReport *self,
              GPtrArray     *visits,
              GHashTable    *rows,
              guint          unassigned,
              gint64        *raw)
{
  guint n_cols = self->columns->len;

  for (guint i = 0; visits && i < visits->len; i++)
    {
      PmRecord *visit = g_ptr_array_index (visits, i);
      const char *status = pm_record_get_string (visit, "status");
      guint row;
      const char * const *services;

      if (!in_month (pm_record_get_string (visit, "date"), self->month))
        continue;
      row = row_of_area (rows, pm_record_get_string (visit, "stadtteil"), unassigned);
      if (g_strcmp0 (status, "not_met") == 0)
        count (raw, n_cols, row, find_column (self, "visits_", "no_show"));
      if (g_strcmp0 (status, "done") != 0 && g_strcmp0 (status, "partly_done") != 0)
        continue;
      count (raw, n_cols, row, find_column (self, "visits_", "held"));
      services = pm_record_get_strv (visit, "services");
      for (guint s = 0; services && services[s]; s++)
        count (raw, n_cols, row, find_column (self, "service_", services[s]));
    }
}

static void
count_counselling (PmMuvisReport *self,
                   GPtrArray     *counselling,
                   GHashTable    *visits,
                   GHashTable    *citizens,
                   GHashTable    *rows,
                   guint          unassigned,
                   gint64        *raw)
{
  guint n_cols = self->columns->len;

  for (guint i = 0; counselling && i < counselling->len; i++)
    {
      PmRecord *record = g_ptr_array_index (counselling, i);
      PmRecord *visit = g_hash_table_lookup (visits, pm_record_get_string (record, "visit_id") ?: "");
      PmRecord *citizen = g_hash_table_lookup (citizens, pm_record_get_string (record, "citizen_id") ?: "");
      const char *date = visit ? pm_record_get_string (visit, "date") : pm_record_get_created_at (record);
      const char *area = visit ? pm_record_get_string (visit, "stadtteil") :
                         citizen ? pm_record_get_string (citizen, "stadtteil") : NULL;
      const char * const *topics = pm_record_get_strv (record, "topics");
      const char * const *needs = pm_record_get_strv (record, "unmet_needs");
      guint row;

      /* A draft may still change; the figures count what was settled. */
      if (g_strcmp0 (pm_record_get_string (record, "status"), "final") != 0 || !in_month (date, self->month))
        continue;
      row = row_of_area (rows, area, unassigned);
      for (guint t = 0; topics && topics[t]; t++)
        count (raw, n_cols, row, find_column (self, "topic_", topics[t]));
      for (guint n = 0; needs && needs[n]; n++)
        count (raw, n_cols, row, find_column (self, "need_", needs[n]));
    }
}

static gint64 *
cell (PmMuvisReport *self,
      guint          row,
      guint          col)
{
  return &g_array_index (self->counts, gint64, row * self->columns->len + col);
}

static PmCellState *
state (PmMuvisReport *self,
       guint          row,
       guint          col)
{
  return &g_array_index (self->states, PmCellState, row * self->columns->len + col);
}

/* Suppresses one block (columns @first .. @total, the last its total) of
 * the @n_rows Stadtteil rows and publishes it, totals row included. */
static void
publish_block (PmMuvisReport *self,
               const gint64  *raw,
               guint          n_rows,
               guint          first,
               guint          total)
{
  guint n_cols = total - first;
  g_autofree gint64 *block = g_new0 (gint64, (gsize) n_rows * n_cols);
  g_autoptr(PmSuppressedTable) table = NULL;

  for (guint r = 0; r < n_rows; r++)
    for (guint c = 0; c < n_cols; c++)
      block[r * n_cols + c] = raw[r * self->columns->len + first + c];
  table = pm_suppressed_table_new (n_rows, n_cols, block);
  pm_suppressed_table_suppress (table);
  for (guint r = 0; r <= n_rows; r++)
    for (guint c = 0; c <= n_cols; c++)
      {
        PmCellState s = pm_suppressed_table_get_state (table, r, c);

        *state (self, r, first + c) = s;
        *cell (self, r, first + c) = s == PM_CELL_SHOWN ? pm_suppressed_table_get_count (table, r, c) : -1;
      }
}

/**
 * pm_muvis_report_new_from_records:
 * @month: YYYY-MM
 *
 * Counts @visits and @counselling records of @month (@citizens place
 * counselling without a visit) and suppresses the small counts.
 */
PmMuvisReport *
pm_muvis_report_new_from_records (const char  *month,
                                  GPtrArray   *visits,
                                  GPtrArray   *counselling,
                                  GPtrArray   *citizens,
                                  GError     **error)
{
  g_autoptr(PmMuvisReport) self = NULL;
  g_autoptr(GHashTable) rows = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) visit_index = index_by_id (visits);
  g_autoptr(GHashTable) citizen_index = index_by_id (citizens);
  GPtrArray *areas = pm_city_get_areas (pm_city_get_default ());
  g_autofree gint64 *raw = NULL;
  guint unassigned;
  guint n_rows;
  gboolean unassigned_used = FALSE;
  guint first = 0;

  if (!pm_muvis_month_is_valid (month))
    {
      g_set_error (error, PM_ERROR, PM_ERROR_INVALID, _("The month must be given as YYYY-MM, not “%s”"),
                   month ? month : "");
      return NULL;
    }
  self = g_object_new (PM_TYPE_MUVIS_REPORT, NULL);
  self->month = g_strdup (month);
  self->city = g_strdup (pm_city_get_id (pm_city_get_default ()));
  add_columns (self);
  for (guint i = 0; i < areas->len; i++)
    {
      const PmArea *area = g_ptr_array_index (areas, i);

      if (g_strcmp0 (area->level, "stadtteil") != 0)
        continue;
      g_hash_table_insert (rows, area->code, GUINT_TO_POINTER (self->row_ids->len));
      g_ptr_array_add (self->row_ids, g_strdup (area->code));
      g_ptr_array_add (self->row_labels, g_strdup (area->name));
    }
  unassigned = self->row_ids->len;
  raw = g_new0 (gint64, (gsize) (unassigned + 1) * self->columns->len);
  count_visits (self, visits, rows, unassigned, raw);
  count_counselling (self, counselling, visit_index, citizen_index, rows, unassigned, raw);

  /* The "not assigned" row appears only when something falls into it. */
  for (guint c = 0; c < self->columns->len; c++)
    unassigned_used |= raw[unassigned * self->columns->len + c] > 0;
  if (unassigned_used)
    {
      g_ptr_array_add (self->row_ids, g_strdup (ROW_UNASSIGNED));
      g_ptr_array_add (self->row_labels, g_strdup (_("Not assigned to a district")));
    }
  n_rows = self->row_ids->len;
  g_ptr_array_add (self->row_ids, g_strdup (ROW_TOTAL));
  g_ptr_array_add (self->row_labels, g_strdup (pm_city_get_name (pm_city_get_default ())));
  g_array_set_size (self->counts, (n_rows + 1) * self->columns->len);
  g_array_set_size (self->states, (n_rows + 1) * self->columns->len);
  for (guint c = 0; c < self->columns->len; c++)
    if (is_total_column (g_ptr_array_index (self->columns, c)))
      {
        publish_block (self, raw, n_rows, first, c);
        first = c + 1;
      }
  return g_steal_pointer (&self);
}

/**
 * pm_muvis_report_compute:
 *
 * The report from what @store holds. Only a reader who sees every
 * counselling record (the server's admin, or Soziales) gets figures that
 * mean anything; anyone else is refused rather than given a report that
 * silently counts none.
 */
PmMuvisReport *
pm_muvis_report_compute (PmStore     *store,
                         const char  *month,
                         GError     **error)
{
  g_autofree char *department = pm_store_dup_actor_department (store);
  g_autoptr(GPtrArray) visits = NULL;
  g_autoptr(GPtrArray) counselling = NULL;
  g_autoptr(GPtrArray) citizens = NULL;

  if (pm_store_get_actor_role (store) != PM_ROLE_ADMIN && g_strcmp0 (department, "soziales") != 0)
    {
      g_set_error_literal (error, PM_ERROR, PM_ERROR_DENIED,
                           _("Only Soziales may compute the MUVIS figures from the records"));
      return NULL;
    }
  if (!pm_muvis_month_is_valid (month))
    return pm_muvis_report_new_from_records (month, NULL, NULL, NULL, error);
  if ((visits = pm_store_list (store, PM_TYPE_VISIT, error)) == NULL ||
      (counselling = pm_store_list (store, PM_TYPE_COUNSELLING_RECORD, error)) == NULL ||
      (citizens = pm_store_list (store, PM_TYPE_CITIZEN, error)) == NULL)
    return NULL;
  return pm_muvis_report_new_from_records (month, visits, counselling, citizens, error);
}

static void
add_cell_value (JsonBuilder   *builder,
                PmMuvisReport *self,
                guint          row,
                guint          col)
{
  PmCellState s = *state (self, row, col);

  if (s == PM_CELL_SHOWN)
    json_builder_add_int_value (builder, *cell (self, row, col));
  else
    json_builder_add_string_value (builder, pm_cell_state_to_marker (s));
}

static void
add_row (JsonBuilder   *builder,
         PmMuvisReport *self,
         guint          row)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "stadtteil");
  json_builder_add_string_value (builder, g_ptr_array_index (self->row_ids, row));
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, g_ptr_array_index (self->row_labels, row));
  json_builder_set_member_name (builder, "cells");
  json_builder_begin_object (builder);
  for (guint c = 0; c < self->columns->len; c++)
    {
      json_builder_set_member_name (builder, ((Column *) g_ptr_array_index (self->columns, c))->id);
      add_cell_value (builder, self, row, c);
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);
}

/**
 * pm_muvis_report_to_json:
 *
 * `{"report": "muvis", "city", "month", "suppression": {...}, "columns":
 * [{"id", "section"}], "rows": [{"stadtteil", "name", "cells": {ID: N or
 * "<5" or "x"}}], "total": {same as a row}}` (documented in sync/PROTOCOL.md).
 */
JsonNode *
pm_muvis_report_to_json (PmMuvisReport *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  guint total = self->row_ids->len - 1;

  g_return_val_if_fail (PM_IS_MUVIS_REPORT (self), NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "report");
  json_builder_add_string_value (builder, "muvis");
  json_builder_set_member_name (builder, "city");
  json_builder_add_string_value (builder, self->city);
  json_builder_set_member_name (builder, "month");
  json_builder_add_string_value (builder, self->month);
  json_builder_set_member_name (builder, "suppression");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "threshold");
  json_builder_add_int_value (builder, PM_SUPPRESSION_THRESHOLD);
  json_builder_set_member_name (builder, "primary");
  json_builder_add_string_value (builder, pm_cell_state_to_marker (PM_CELL_PRIMARY));
  json_builder_set_member_name (builder, "secondary");
  json_builder_add_string_value (builder, pm_cell_state_to_marker (PM_CELL_SECONDARY));
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "columns");
  json_builder_begin_array (builder);
  for (guint c = 0; c < self->columns->len; c++)
    {
      Column *column = g_ptr_array_index (self->columns, c);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, column->id);
      json_builder_set_member_name (builder, "section");
      json_builder_add_string_value (builder, column->section);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "rows");
  json_builder_begin_array (builder);
  for (guint r = 0; r < total; r++)
    add_row (builder, self, r);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "total");
  add_row (builder, self, total);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* RFC 4180: quoted when it holds a comma, a quote or a line break. */
static void
append_csv_field (GString    *csv,
                  const char *text)
{
  if (strpbrk (text, ",\"\r\n") == NULL)
    {
      g_string_append (csv, text);
      return;
    }
  g_string_append_c (csv, '"');
  for (const char *p = text; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (csv, '"');
      g_string_append_c (csv, *p);
    }
  g_string_append_c (csv, '"');
}

/**
 * pm_muvis_report_to_csv:
 *
 * A header line (`stadtteil,name,` and the column ids), one line per
 * Stadtteil, then the totals line (`total`); CRLF line ends (RFC 4180).
 */
char *
pm_muvis_report_to_csv (PmMuvisReport *self)
{
  GString *csv = g_string_new ("stadtteil,name");

  g_return_val_if_fail (PM_IS_MUVIS_REPORT (self), NULL);

  for (guint c = 0; c < self->columns->len; c++)
    {
      g_string_append_c (csv, ',');
      append_csv_field (csv, ((Column *) g_ptr_array_index (self->columns, c))->id);
    }
  g_string_append (csv, "\r\n");
  for (guint r = 0; r < self->row_ids->len; r++)
    {
      append_csv_field (csv, g_ptr_array_index (self->row_ids, r));
      g_string_append_c (csv, ',');
      append_csv_field (csv, g_ptr_array_index (self->row_labels, r));
      for (guint c = 0; c < self->columns->len; c++)
        {
          g_autofree char *text = pm_muvis_report_dup_cell_text (self, r, c);

          g_string_append_c (csv, ',');
          g_string_append (csv, text);
        }
      g_string_append (csv, "\r\n");
    }
  return g_string_free (csv, FALSE);
}

static gboolean
fail_json (GError     **error,
           const char  *what)
{
  g_set_error (error, PM_ERROR, PM_ERROR_INVALID, _("The MUVIS report is malformed: %s"), what);
  return FALSE;
}

static gboolean
read_row (PmMuvisReport  *self,
          JsonObject     *row,
          GError        **error)
{
  JsonObject *cells = row ? pm_json_get_object (row, "cells") : NULL;
  const char *id = row ? pm_json_get_string (row, "stadtteil") : NULL;
  const char *name = row ? pm_json_get_string (row, "name") : NULL;

  if (id == NULL || name == NULL || cells == NULL)
    return fail_json (error, "a row needs stadtteil, name and cells");
  g_ptr_array_add (self->row_ids, g_strdup (id));
  g_ptr_array_add (self->row_labels, g_strdup (name));
  for (guint c = 0; c < self->columns->len; c++)
    {
      JsonNode *node = json_object_get_member (cells, ((Column *) g_ptr_array_index (self->columns, c))->id);
      gint64 value = -1;
      PmCellState s = PM_CELL_SHOWN;

      if (node && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64 &&
          json_node_get_int (node) >= 0)
        value = json_node_get_int (node);
      else if (node && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING &&
               g_str_equal (json_node_get_string (node), pm_cell_state_to_marker (PM_CELL_PRIMARY)))
        s = PM_CELL_PRIMARY;
      else if (node && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING &&
               g_str_equal (json_node_get_string (node), pm_cell_state_to_marker (PM_CELL_SECONDARY)))
        s = PM_CELL_SECONDARY;
      else
        return fail_json (error, "a cell must be a count of 0 or more, \"<5\" or \"x\"");
      g_array_append_val (self->counts, value);
      g_array_append_val (self->states, s);
    }
  return TRUE;
}

/**
 * pm_muvis_report_new_from_json:
 *
 * Reads what pm_muvis_report_to_json() wrote (the server's answer); refuses
 * anything else with %PM_ERROR_INVALID.
 */
PmMuvisReport *
pm_muvis_report_new_from_json (JsonNode  *root,
                               GError   **error)
{
  g_autoptr(PmMuvisReport) self = g_object_new (PM_TYPE_MUVIS_REPORT, NULL);
  JsonObject *object = root && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  JsonArray *columns = object ? pm_json_get_array (object, "columns") : NULL;
  JsonArray *rows = object ? pm_json_get_array (object, "rows") : NULL;

  if (object == NULL || g_strcmp0 (pm_json_get_string (object, "report"), "muvis") != 0 ||
      !pm_muvis_month_is_valid (pm_json_get_string (object, "month")) || columns == NULL || rows == NULL)
    {
      fail_json (error, "it needs report, month, columns and rows");
      return NULL;
    }
  self->month = g_strdup (pm_json_get_string (object, "month"));
  self->city = g_strdup (pm_json_get_string (object, "city"));
  for (guint c = 0; c < json_array_get_length (columns); c++)
    {
      JsonObject *column = pm_json_array_get_object (columns, c);
      const char *id = column ? pm_json_get_string (column, "id") : NULL;
      const char *section = column ? pm_json_get_string (column, "section") : NULL;

      if (id == NULL || section == NULL || !g_strv_contains (sections, section))
        {
          fail_json (error, "a column needs an id and a known section");
          return NULL;
        }
      add_column (self, section, g_strdup (id));
    }
  for (guint r = 0; r < json_array_get_length (rows); r++)
    if (!read_row (self, pm_json_array_get_object (rows, r), error))
      return NULL;
  if (!read_row (self, pm_json_get_object (object, "total"), error))
    return NULL;
  return g_steal_pointer (&self);
}

const char *
pm_muvis_report_get_month (PmMuvisReport *self)
{
  g_return_val_if_fail (PM_IS_MUVIS_REPORT (self), NULL);
  return self->month;
}

/* The Stadtteile and, last, the totals row. */
guint
pm_muvis_report_get_n_rows (PmMuvisReport *self)
{
  g_return_val_if_fail (PM_IS_MUVIS_REPORT (self), 0);
  return self->row_ids->len;
}

const char *
pm_muvis_report_get_row_id (PmMuvisReport *self,
                            guint          row)
{
  g_return_val_if_fail (PM_IS_MUVIS_REPORT (self) && row < self->row_ids->len, NULL);
  return g_ptr_array_index (self->row_ids, row);
}

const char *
pm_muvis_report_get_row_label (PmMuvisReport *self,
                               guint          row)
{
  g_return_val_if_fail (PM_IS_MUVIS_REPORT (self) && row < self->row_labels->len, NULL);
  return g_ptr_array_index (self->row_labels, row);
}

guint
pm_muvis_report_get_n_columns (PmMuvisReport *self)
{
  g_return_val_if_fail (PM_IS_MUVIS_REPORT (self), 0);
  return self->columns->len;
}

const char *
pm_muvis_report_get_column_id (PmMuvisReport *self,
                               guint          col)
{
  g_return_val_if_fail (PM_IS_MUVIS_REPORT (self) && col < self->columns->len, NULL);
  return ((Column *) g_ptr_array_index (self->columns, col))->id;
}

const char *
pm_muvis_report_get_column_section (PmMuvisReport *self,
                                    guint          col)
{
  g_return_val_if_fail (PM_IS_MUVIS_REPORT (self) && col < self->columns->len, NULL);
  return ((Column *) g_ptr_array_index (self->columns, col))->section;
}

static const char *
choice_label (const PmChoice *choices,
              const char     *id)
{
  const PmChoice *choice = pm_choice_find (choices, id);

  return choice ? _(choice->label) : id;
}

/**
 * pm_muvis_report_get_column_label:
 *
 * The column's name for people, translated (a service by its catalogue
 * name); an unknown id is shown as it is.
 */
const char *
pm_muvis_report_get_column_label (PmMuvisReport *self,
                                  guint          col)
{
  const char *id = pm_muvis_report_get_column_id (self, col);
  const PmService *service;

  if (id == NULL)
    return NULL;
  if (g_str_equal (id, "visits_held"))
    return _("Visits held");
  if (g_str_equal (id, "visits_no_show"))
    return _("Not met");
  if (g_str_has_suffix (id, "_total"))
    return _("Total");
  if (g_str_has_prefix (id, "service_") &&
      (service = pm_catalogue_lookup_service (pm_catalogue_get_default (), id + strlen ("service_"))))
    return service->name;
  if (g_str_has_prefix (id, "topic_"))
    return choice_label (pm_counselling_topics (), id + strlen ("topic_"));
  if (g_str_has_prefix (id, "need_"))
    return choice_label (pm_counselling_unmet_needs (), id + strlen ("need_"));
  return id;
}

/* The published count, or -1 for a withheld cell. */
gint64
pm_muvis_report_get_count (PmMuvisReport *self,
                           guint          row,
                           guint          col)
{
  g_return_val_if_fail (PM_IS_MUVIS_REPORT (self), -1);
  g_return_val_if_fail (row < self->row_ids->len && col < self->columns->len, -1);
  return *cell (self, row, col);
}

PmCellState
pm_muvis_report_get_state (PmMuvisReport *self,
                           guint          row,
                           guint          col)
{
  g_return_val_if_fail (PM_IS_MUVIS_REPORT (self), PM_CELL_SHOWN);
  g_return_val_if_fail (row < self->row_ids->len && col < self->columns->len, PM_CELL_SHOWN);
  return *state (self, row, col);
}

/* "12", "<5" or "x". */
char *
pm_muvis_report_dup_cell_text (PmMuvisReport *self,
                               guint          row,
                               guint          col)
{
  PmCellState s = pm_muvis_report_get_state (self, row, col);

  if (s != PM_CELL_SHOWN)
    return g_strdup (pm_cell_state_to_marker (s));
  return g_strdup_printf ("%" G_GINT64_FORMAT, pm_muvis_report_get_count (self, row, col));
}
