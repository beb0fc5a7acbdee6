/* test-muvis.c: the MUVIS figures never let a count below 5 be read or worked out
 *
 * The checker here is independent of core's own check: it enumerates every
 * table a reader could hold for true, given what is published (shown counts
 * and totals, `<5` = 1..4, `x` = 5 or more), and asserts that every withheld
 * cell can take more than one value.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "pm-clock.h"
#include "pm-demo.h"
#include "pm-error.h"
#include "pm-muvis-report.h"
#include "pm-test-utils.h"

typedef struct
{
  PmSuppressedTable *table;
  guint              width;     /* n_cols + 1 */
  guint              n_cells;
  GArray            *unknowns;  /* guint cell */
  gint64            *values;    /* a candidate table */
  gint64            *low;       /* per unknown, over all solutions */
  gint64            *high;
  guint              solutions;
  gint64             cap;       /* the largest an `x` may be in the search:
                                 * above the true grand total by more than a
                                 * `<5` can move, so that the cap itself
                                 * pins nothing */
} Search;

static gboolean
is_known (Search *s,
          guint   cell)
{
  return pm_suppressed_table_get_state (s->table, cell / s->width, cell % s->width) == PM_CELL_SHOWN;
}

/* The sums through @cell: its row and its column, each as its cells with
 * the total last. */
static void
lines_of (Search *s,
          guint   cell,
          GArray *row,
          GArray *col)
{
  guint n_rows = pm_suppressed_table_get_n_rows (s->table);
  guint n_cols = pm_suppressed_table_get_n_cols (s->table);
  guint r = cell / s->width;
  guint c = cell % s->width;

  for (guint i = 0; i <= n_cols; i++)
    {
      guint x = r * s->width + i;

      g_array_append_val (row, x);
    }
  for (guint i = 0; i <= n_rows; i++)
    {
      guint x = i * s->width + c;

      g_array_append_val (col, x);
    }
}

/* Checks a line against the cells set so far; when only @cell is open in
 * it, *@forced gets the value the sum leaves for it. */
static gboolean
line_holds (Search         *s,
            GArray         *line,
            const gboolean *set,
            guint           cell,
            gint64         *forced)
{
  guint total = g_array_index (line, guint, line->len - 1);
  gint64 sum = 0;
  guint open = 0;

  for (guint i = 0; i + 1 < line->len; i++)
    {
      guint x = g_array_index (line, guint, i);

      if (set[x])
        sum += s->values[x];
      else
        open++;
    }
  if (!set[total])
    {
      if (open == 0 && cell == total)
        *forced = sum;
      return TRUE;
    }
  if (sum > s->values[total])
    return FALSE;
  if (open == 0)
    return sum == s->values[total];
  if (open == 1 && cell != G_MAXUINT && cell != total)
    *forced = s->values[total] - sum;
  return TRUE;
}

static void enumerate (Search   *s,
                       gboolean *set,
                       guint     k);

static void
try_value (Search   *s,
           gboolean *set,
           guint     k,
           guint     cell,
           gint64    v)
{
  g_autoptr(GArray) row = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) col = g_array_new (FALSE, FALSE, sizeof (guint));
  gint64 unused = -1;
  gboolean ok = TRUE;

  s->values[cell] = v;
  set[cell] = TRUE;
  lines_of (s, cell, row, col);
  ok = line_holds (s, row, set, G_MAXUINT, &unused) && line_holds (s, col, set, G_MAXUINT, &unused);
  if (ok)
    enumerate (s, set, k + 1);
  set[cell] = FALSE;
}

static void
enumerate (Search   *s,
           gboolean *set,
           guint     k)
{
  g_autoptr(GArray) row = NULL;
  g_autoptr(GArray) col = NULL;
  guint cell;
  PmCellState state;
  gint64 from, to;
  gint64 forced = -1;

  if (k == s->unknowns->len)
    {
      s->solutions++;
      for (guint i = 0; i < s->unknowns->len; i++)
        {
          gint64 v = s->values[g_array_index (s->unknowns, guint, i)];

          s->low[i] = MIN (s->low[i], v);
          s->high[i] = MAX (s->high[i], v);
        }
      return;
    }
  cell = g_array_index (s->unknowns, guint, k);
  state = pm_suppressed_table_get_state (s->table, cell / s->width, cell % s->width);
  from = state == PM_CELL_PRIMARY ? 1 : 5;
  to = state == PM_CELL_PRIMARY ? 4 : s->cap;
  /* A cell that its row or column already fixes takes that value only. */
  row = g_array_new (FALSE, FALSE, sizeof (guint));
  col = g_array_new (FALSE, FALSE, sizeof (guint));
  lines_of (s, cell, row, col);
  line_holds (s, row, set, cell, &forced);
  line_holds (s, col, set, cell, &forced);
  if (forced >= 0)
    {
      if (forced >= from && forced <= to)
        try_value (s, set, k, cell, forced);
      return;
    }
  for (gint64 v = from; v <= to; v++)
    try_value (s, set, k, cell, v);
}

/* Returns how many withheld cells a reader can pin to one value. */
static guint
count_recomputable (PmSuppressedTable *table)
{
  Search s = { table };
  g_autofree gboolean *set = NULL;
  guint pinned = 0;

  s.width = pm_suppressed_table_get_n_cols (table) + 1;
  s.n_cells = (pm_suppressed_table_get_n_rows (table) + 1) * s.width;
  s.cap = pm_suppressed_table_get_count (table, pm_suppressed_table_get_n_rows (table), s.width - 1) + 8;
  s.unknowns = g_array_new (FALSE, FALSE, sizeof (guint));
  s.values = g_new0 (gint64, s.n_cells);
  for (guint i = 0; i < s.n_cells; i++)
    {
      s.values[i] = pm_suppressed_table_get_count (table, i / s.width, i % s.width);
      if (!is_known (&s, i))
        g_array_append_val (s.unknowns, i);
    }
  s.low = g_new (gint64, s.unknowns->len);
  s.high = g_new (gint64, s.unknowns->len);
  for (guint i = 0; i < s.unknowns->len; i++)
    {
      s.low[i] = G_MAXINT64;
      s.high[i] = G_MININT64;
    }
  set = g_new0 (gboolean, s.n_cells);
  for (guint i = 0; i < s.n_cells; i++)
    set[i] = is_known (&s, i);
  enumerate (&s, set, 0);
  /* The true table is always one of them. */
  g_assert_cmpuint (s.solutions, >, 0);
  for (guint i = 0; i < s.unknowns->len; i++)
    if (s.low[i] == s.high[i])
      pinned++;
  g_array_unref (s.unknowns);
  g_free (s.values);
  g_free (s.low);
  g_free (s.high);
  return pinned;
}

static guint
count_state (PmSuppressedTable *table,
             PmCellState        state)
{
  guint n = 0;

  for (guint r = 0; r <= pm_suppressed_table_get_n_rows (table); r++)
    for (guint c = 0; c <= pm_suppressed_table_get_n_cols (table); c++)
      n += pm_suppressed_table_get_state (table, r, c) == state;
  return n;
}

static void
test_threshold_four_and_five (void)
{
  const gint64 fives[] = { 5, 6, 7, 8 };
  const gint64 four[] = { 4, 6, 7, 8 };
  g_autoptr(PmSuppressedTable) shown = pm_suppressed_table_new (2, 2, fives);
  g_autoptr(PmSuppressedTable) hidden = pm_suppressed_table_new (2, 2, four);

  pm_suppressed_table_suppress (shown);
  g_assert_cmpuint (count_state (shown, PM_CELL_SHOWN), ==, 9);
  g_assert_cmpint (pm_suppressed_table_get_count (shown, 0, 0), ==, 5);

  pm_suppressed_table_suppress (hidden);
  g_assert_cmpint (pm_suppressed_table_get_state (hidden, 0, 0), ==, PM_CELL_PRIMARY);
  g_assert_cmpstr (pm_cell_state_to_marker (PM_CELL_PRIMARY), ==, "<5");
  /* The 4 alone would follow from its row: 10 - 6. */
  g_assert_cmpuint (count_state (hidden, PM_CELL_SECONDARY), >=, 1);
  g_assert_cmpuint (count_recomputable (hidden), ==, 0);
}

static void
test_zero_is_shown (void)
{
  const gint64 counts[] = { 0, 9, 0, 12 };
  g_autoptr(PmSuppressedTable) table = pm_suppressed_table_new (2, 2, counts);

  pm_suppressed_table_suppress (table);
  g_assert_cmpuint (count_state (table, PM_CELL_SHOWN), ==, 9);
}

/* The checker is not blind: with primary suppression only, a `<5` follows
 * from its row total, and both checkers say so. */
static void
test_primary_alone_is_recomputable (void)
{
  const gint64 counts[] = { 3, 10, 10, 20 };
  g_autoptr(PmSuppressedTable) table = pm_suppressed_table_new (2, 2, counts);
  guint row, col;

  pm_suppressed_table_set_state (table, 0, 0, PM_CELL_PRIMARY);
  g_assert_cmpuint (count_recomputable (table), ==, 1);
  g_assert_true (pm_suppressed_table_find_disclosed (table, &row, &col));
  g_assert_cmpuint (row, ==, 0);
  g_assert_cmpuint (col, ==, 0);

  pm_suppressed_table_suppress (table);
  g_assert_false (pm_suppressed_table_find_disclosed (table, &row, &col));
  g_assert_cmpuint (count_recomputable (table), ==, 0);
}

/* Two withheld cells per row and column are not always enough: a cell
 * between two closed blocks follows from (rows 0+1) - (columns 0+1). */
static void
test_bridge_is_recomputable (void)
{
  const gint64 counts[] = {
    6, 7, 0, 0,
    8, 9, 2, 0,
    0, 0, 5, 6,
    0, 0, 7, 8,
  };
  g_autoptr(PmSuppressedTable) table = pm_suppressed_table_new (4, 4, counts);
  const guint withheld[][2] = { { 0, 0 }, { 0, 1 }, { 1, 0 }, { 1, 1 }, { 1, 2 },
                                { 2, 2 }, { 2, 3 }, { 3, 2 }, { 3, 3 } };
  guint row, col;

  for (guint i = 0; i < G_N_ELEMENTS (withheld); i++)
    {
      gint64 v = pm_suppressed_table_get_count (table, withheld[i][0], withheld[i][1]);

      pm_suppressed_table_set_state (table, withheld[i][0], withheld[i][1], v < 5 ? PM_CELL_PRIMARY : PM_CELL_SECONDARY);
    }
  g_assert_true (pm_suppressed_table_find_disclosed (table, &row, &col));
  g_assert_cmpuint (count_recomputable (table), >=, 1);
}

/* Bounds alone can give a cell away: two `<5` that sum to 8 are both 4. */
static void
test_bounds_are_checked (void)
{
  const gint64 counts[] = { 4, 4, 0, 9 };
  g_autoptr(PmSuppressedTable) table = pm_suppressed_table_new (2, 2, counts);
  guint row, col;

  pm_suppressed_table_set_state (table, 0, 0, PM_CELL_PRIMARY);
  pm_suppressed_table_set_state (table, 0, 1, PM_CELL_PRIMARY);
  pm_suppressed_table_set_state (table, 1, 0, PM_CELL_SHOWN);
  g_assert_true (pm_suppressed_table_find_disclosed (table, &row, &col));
  g_assert_cmpuint (count_recomputable (table), >=, 1);

  pm_suppressed_table_suppress (table);
  g_assert_cmpuint (count_recomputable (table), ==, 0);
}

static void
test_hand_built_tables (void)
{
  const gint64 one_per_row[] = {
    3, 10, 12,
    8, 9, 11,
    7, 6, 15,
  };
  const gint64 sparse[] = {
    1, 0, 6,
    0, 2, 0,
    9, 0, 3,
  };
  const gint64 single_row[] = { 2, 7, 30 };
  struct { const gint64 *counts; guint rows, cols; } tables[] = {
    { one_per_row, 3, 3 }, { sparse, 3, 3 }, { single_row, 1, 3 },
  };

  for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
    {
      g_autoptr(PmSuppressedTable) table = pm_suppressed_table_new (tables[t].rows, tables[t].cols, tables[t].counts);
      guint row, col;

      pm_suppressed_table_suppress (table);
      g_assert_false (pm_suppressed_table_find_disclosed (table, &row, &col));
      g_assert_cmpuint (count_recomputable (table), ==, 0);
      /* Every count from 1 to 4 is withheld, totals too. */
      for (guint r = 0; r <= tables[t].rows; r++)
        for (guint c = 0; c <= tables[t].cols; c++)
          {
            gint64 v = pm_suppressed_table_get_count (table, r, c);

            if (v > 0 && v < 5)
              g_assert_cmpint (pm_suppressed_table_get_state (table, r, c), ==, PM_CELL_PRIMARY);
            else if (v == 0)
              g_assert_cmpint (pm_suppressed_table_get_state (table, r, c), ==, PM_CELL_SHOWN);
          }
    }
}

/* Many small random tables, sparse and with small counts as the figures of
 * one month are, each checked by enumeration. */
static void
test_random_tables (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261122);

  for (guint t = 0; t < 120; t++)
    {
      guint rows = t % 6 ? 2 : 3;
      gint64 counts[9];
      g_autoptr(PmSuppressedTable) table = NULL;
      g_autofree char *text = NULL;

      for (guint i = 0; i < rows * 3; i++)
        counts[i] = g_rand_int_range (rand, 0, 3) == 0 ? 0 : g_rand_int_range (rand, 1, 11);
      table = pm_suppressed_table_new (rows, 3, counts);
      pm_suppressed_table_suppress (table);
      if (count_recomputable (table) == 0)
        continue;
      text = g_strdup_printf ("%" G_GINT64_FORMAT, counts[0]);
      for (guint i = 1; i < rows * 3; i++)
        {
          g_autofree char *more = g_strdup_printf ("%s %" G_GINT64_FORMAT, text, counts[i]);

          g_free (text);
          text = g_steal_pointer (&more);
        }
      g_error ("table %u (%u rows: %s) leaks a withheld cell", t, rows, text);
    }
}

static PmRecord *
make_visit (const char *stadtteil,
            const char *date,
            const char *status,
            const char *service)
{
  g_autofree char *json = g_strdup_printf (
    "{\"citizen_ids\":[\"11111111-2222-4333-8444-555555555555\"],\"location_type\":\"home\","
    "\"street\":\"Freyburger Straße\",\"house_number\":\"1\",\"postcode\":\"06132\",\"stadtteil\":\"%s\","
    "\"services\":[\"%s\"],\"status\":\"%s\",\"date\":\"%s\"}", stadtteil, service, status, date);

  return pm_test_record_from_json (PM_TYPE_VISIT, json);
}

static guint
column (PmMuvisReport *report,
        const char    *id)
{
  for (guint c = 0; c < pm_muvis_report_get_n_columns (report); c++)
    if (g_str_equal (pm_muvis_report_get_column_id (report, c), id))
      return c;
  g_assert_not_reached ();
}

static guint
row (PmMuvisReport *report,
     const char    *id)
{
  for (guint r = 0; r < pm_muvis_report_get_n_rows (report); r++)
    if (g_str_equal (pm_muvis_report_get_row_id (report, r), id))
      return r;
  g_assert_not_reached ();
}

static GPtrArray *
sample_visits (void)
{
  GPtrArray *visits = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < 4; i++)
    g_ptr_array_add (visits, make_visit ("silberhoehe", "2026-11-03", "done", "PA"));
  for (guint i = 0; i < 5; i++)
    g_ptr_array_add (visits, make_visit ("suedstadt", "2026-11-04", "done", "PA"));
  for (guint i = 0; i < 12; i++)
    g_ptr_array_add (visits, make_visit ("altstadt", "2026-11-05", "done", "PB"));
  /* Another month: not counted. */
  g_ptr_array_add (visits, make_visit ("altstadt", "2026-10-30", "done", "PB"));
  /* Not held: not counted. */
  g_ptr_array_add (visits, make_visit ("altstadt", "2026-11-06", "scheduled", "PB"));
  return visits;
}

static void
test_report_counts_and_suppresses (void)
{
  g_autoptr(GPtrArray) visits = sample_visits ();
  g_autoptr(GError) error = NULL;
  g_autoptr(PmMuvisReport) report = pm_muvis_report_new_from_records ("2026-11", visits, NULL, NULL, &error);
  guint total;
  g_autofree char *silberhoehe = NULL;
  g_autofree char *suedstadt = NULL;

  g_assert_no_error (error);
  total = pm_muvis_report_get_n_rows (report) - 1;
  g_assert_cmpstr (pm_muvis_report_get_row_id (report, total), ==, "total");
  /* One row per Stadtteil of Halle's profile, then the total. */
  g_assert_cmpuint (total, ==, 42);
  silberhoehe = pm_muvis_report_dup_cell_text (report, row (report, "silberhoehe"), column (report, "visits_held"));
  g_assert_cmpstr (silberhoehe, ==, "<5");
  g_assert_cmpint (pm_muvis_report_get_count (report, row (report, "silberhoehe"), column (report, "visits_held")), ==, -1);
  /* The 5 would give the 4 away (21 - 12 - 5), so it is withheld too. */
  suedstadt = pm_muvis_report_dup_cell_text (report, row (report, "suedstadt"), column (report, "visits_held"));
  g_assert_cmpstr (suedstadt, ==, "x");
  g_assert_cmpint (pm_muvis_report_get_count (report, row (report, "altstadt"), column (report, "visits_held")), ==, 12);
  g_assert_cmpint (pm_muvis_report_get_count (report, total, column (report, "visits_held")), ==, 21);
  g_assert_cmpint (pm_muvis_report_get_count (report, row (report, "altstadt"), column (report, "service_PB")), ==, 12);
  g_assert_cmpint (pm_muvis_report_get_count (report, row (report, "trotha"), column (report, "visits_held")), ==, 0);
}

static void
test_report_counselling (void)
{
  g_autoptr(GPtrArray) visits = sample_visits ();
  g_autoptr(GPtrArray) counselling = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  g_autoptr(PmMuvisReport) report = NULL;

  for (guint i = 0; i < 12; i++)
    {
      PmRecord *visit = g_ptr_array_index (visits, 9 + i);
      g_autofree char *json = g_strdup_printf (
        "{\"visit_id\":\"%s\",\"citizen_id\":\"11111111-2222-4333-8444-555555555555\","
        "\"staff_id\":\"66666666-7777-4888-9999-aaaaaaaaaaaa\",\"occasion\":\"self\",\"mode\":\"home\","
        "\"status\":\"%s\",\"topics\":[\"dementia\"],\"unmet_needs\":[\"day_care_place\"]}",
        pm_record_get_id (visit), i < 11 ? "final" : "draft");

      g_ptr_array_add (counselling, pm_test_record_from_json (PM_TYPE_COUNSELLING_RECORD, json));
    }
  report = pm_muvis_report_new_from_records ("2026-11", visits, counselling, NULL, &error);
  g_assert_no_error (error);
  /* Drafts are not counted. */
  g_assert_cmpint (pm_muvis_report_get_count (report, row (report, "altstadt"), column (report, "topic_dementia")), ==, 11);
  g_assert_cmpint (pm_muvis_report_get_count (report, row (report, "altstadt"), column (report, "need_day_care_place")), ==, 11);
  g_assert_cmpstr (pm_muvis_report_get_column_label (report, column (report, "need_day_care_place")), ==, "Day care place");
  g_assert_cmpstr (pm_muvis_report_get_column_label (report, column (report, "service_PA")), ==, "Personalausweis");
}

static void
test_report_csv_and_json (void)
{
  g_autoptr(GPtrArray) visits = sample_visits ();
  g_autoptr(PmMuvisReport) report = pm_muvis_report_new_from_records ("2026-11", visits, NULL, NULL, NULL);
  g_autofree char *csv = pm_muvis_report_to_csv (report);
  g_auto(GStrv) lines = g_strsplit (csv, "\r\n", -1);
  g_autoptr(JsonNode) json = pm_muvis_report_to_json (report);
  g_autofree char *text = json_to_string (json, FALSE);
  g_autoptr(JsonNode) parsed = json_from_string (text, NULL);
  g_autoptr(PmMuvisReport) again = NULL;
  g_autofree char *csv_again = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *root = json_node_get_object (json);
  guint n_fields = pm_muvis_report_get_n_columns (report) + 2;

  /* Header, 42 Stadtteile, total, and the empty rest after the last CRLF. */
  g_assert_cmpuint (g_strv_length (lines), ==, 1 + 42 + 1 + 1);
  g_assert_true (g_str_has_prefix (lines[0], "stadtteil,name,visits_held,visits_no_show,visits_total,service_PA,"));
  for (guint i = 0; i < 44; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], ",", -1);

      g_assert_cmpuint (g_strv_length (fields), ==, n_fields);
    }
  g_assert_true (g_str_has_prefix (lines[43], "total,Halle (Saale),21,"));
  g_assert_nonnull (strstr (csv, "silberhoehe,Silberhöhe,<5,0,<5,"));
  g_assert_cmpstr (lines[44], ==, "");

  g_assert_cmpstr (json_object_get_string_member (root, "month"), ==, "2026-11");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "rows")), ==, 42);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (json_object_get_object_member (root, "total"), "cells"),
                                               "visits_held"), ==, 21);

  again = pm_muvis_report_new_from_json (parsed, &error);
  g_assert_no_error (error);
  csv_again = pm_muvis_report_to_csv (again);
  g_assert_cmpstr (csv_again, ==, csv);
}

static void
test_report_refuses_bad_input (void)
{
  const char *bad[] = {
    "[]",
    "{\"report\":\"muvis\",\"month\":\"2026-13\",\"columns\":[],\"rows\":[]}",
    "{\"report\":\"muvis\",\"month\":\"2026-11\",\"columns\":[{\"id\":\"visits_held\",\"section\":\"visits\"}],"
    "\"rows\":[{\"stadtteil\":\"a\",\"name\":\"A\",\"cells\":{\"visits_held\":\"3\"}}],"
    "\"total\":{\"stadtteil\":\"total\",\"name\":\"T\",\"cells\":{\"visits_held\":3}}}",
    "{\"report\":\"muvis\",\"month\":\"2026-11\",\"columns\":[{\"id\":\"visits_held\",\"section\":\"visits\"}],"
    "\"rows\":[{\"stadtteil\":\"a\",\"name\":\"A\",\"cells\":{\"visits_held\":-2}}],"
    "\"total\":{\"stadtteil\":\"total\",\"name\":\"T\",\"cells\":{\"visits_held\":3}}}",
  };
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JsonNode) node = json_from_string (bad[i], NULL);
      g_autoptr(PmMuvisReport) report = pm_muvis_report_new_from_json (node, &error);

      g_assert_null (report);
      g_assert_error (error, PM_ERROR, PM_ERROR_INVALID);
      g_clear_error (&error);
    }
  g_assert_null (pm_muvis_report_new_from_records ("2026-1", NULL, NULL, NULL, &error));
  g_assert_error (error, PM_ERROR, PM_ERROR_INVALID);
}

/* From a real store: Soziales gets the figures, others are refused. */
static void
test_report_from_store (void)
{
  g_autofree char *dir = pm_test_make_dir ();
  g_autoptr(PmStore) store = pm_test_open_store (dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(PmMuvisReport) report = NULL;
  g_autoptr(PmMuvisReport) refused = NULL;
  g_autofree char *month = NULL;
  g_autofree char *today = pm_clock_today ();
  guint total;
  gint64 held = 0;

  g_assert_true (pm_demo_fill (store, today, 7, &error));
  g_assert_no_error (error);
  month = g_strndup (today, 7);
  pm_store_set_actor (store, PM_TEST_STAFF_ID, PM_ROLE_DISPATCH, NULL);
  refused = pm_muvis_report_compute (store, month, &error);
  g_assert_null (refused);
  g_assert_error (error, PM_ERROR, PM_ERROR_DENIED);
  g_clear_error (&error);

  pm_store_set_actor (store, PM_TEST_STAFF_ID, PM_ROLE_SOZIALES, "soziales");
  report = pm_muvis_report_compute (store, month, &error);
  g_assert_no_error (error);
  total = pm_muvis_report_get_n_rows (report) - 1;
  /* The demo week has visits held; the total is published or withheld,
   * never a wrong number. */
  held = pm_muvis_report_get_count (report, total, 0);
  g_assert_true (held > 0 || pm_muvis_report_get_state (report, total, 0) != PM_CELL_SHOWN);
  pm_store_close (store);
  pm_test_remove_dir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/muvis/threshold-four-and-five", test_threshold_four_and_five);
  g_test_add_func ("/muvis/zero-is-shown", test_zero_is_shown);
  g_test_add_func ("/muvis/primary-alone-is-recomputable", test_primary_alone_is_recomputable);
  g_test_add_func ("/muvis/bridge-is-recomputable", test_bridge_is_recomputable);
  g_test_add_func ("/muvis/bounds-are-checked", test_bounds_are_checked);
  g_test_add_func ("/muvis/hand-built-tables", test_hand_built_tables);
  g_test_add_func ("/muvis/random-tables", test_random_tables);
  g_test_add_func ("/muvis/report-counts-and-suppresses", test_report_counts_and_suppresses);
  g_test_add_func ("/muvis/report-counselling", test_report_counselling);
  g_test_add_func ("/muvis/report-csv-and-json", test_report_csv_and_json);
  g_test_add_func ("/muvis/report-refuses-bad-input", test_report_refuses_bad_input);
  g_test_add_func ("/muvis/report-from-store", test_report_from_store);
  return g_test_run ();
}
