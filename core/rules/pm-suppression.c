/* pm-suppression.c: small-count suppression of a table of counts with totals
 *
 * The rule (documented for users in docs/admin-guide.md, "MUVIS-Kennzahlen"):
 *
 * - Primary: every cell, totals included, with a count from 1 to 4 is
 *   withheld and written `<5`. Zero is published: it names no one, and
 *   hiding zeros would hide most of a sparse table.
 * - Totals are computed from the true counts and published unless withheld.
 * - Secondary: a reader knows every published cell and total, that a `<5`
 *   lies in 1..4 and that an `x` is at least 5. A withheld cell is
 *   "disclosed" when that leaves it one value only: the least and the
 *   greatest value it can take, given every row and column sum at once, are
 *   found by linear programming (as statistical offices audit a suppression
 *   pattern), and are equal. While a cell is disclosed, the
 *   smallest published non-zero cell of its row or column (a total if need
 *   be) is withheld too, and the check runs again. It ends because every
 *   round withholds one more cell. A known limit: a line that has nothing
 *   left to withhold and still pins a cell (four `<5` adding up to a `<5`
 *   total are all 1) stays so; only hiding zeros could help there.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

#include "pm-suppression.h"

#define EPSILON 1e-9

struct _PmSuppressedTable
{
  guint        n_rows;   /* without the totals row */
  guint        n_cols;   /* without the totals column */
  gint64      *counts;   /* (n_rows + 1) x (n_cols + 1) */
  PmCellState *states;
};

/* One sum of the table: the cells of a row (or column) minus its total. */
typedef struct
{
  GArray *unknowns;   /* guint, index into the withheld cells */
  GArray *signs;      /* double, +1 or -1 */
  double  rhs;        /* what the withheld cells must add up to */
} Equation;

static guint
cell_index (PmSuppressedTable *self,
            guint              row,
            guint              col)
{
  return row * (self->n_cols + 1) + col;
}

static guint
n_cells (PmSuppressedTable *self)
{
  return (self->n_rows + 1) * (self->n_cols + 1);
}

PmSuppressedTable *
pm_suppressed_table_new (guint         n_rows,
                         guint         n_cols,
                         const gint64 *counts)
{
  PmSuppressedTable *self = g_new0 (PmSuppressedTable, 1);

  self->n_rows = n_rows;
  self->n_cols = n_cols;
  self->counts = g_new0 (gint64, n_cells (self));
  self->states = g_new0 (PmCellState, n_cells (self));
  for (guint r = 0; r < n_rows; r++)
    for (guint c = 0; c < n_cols; c++)
      {
        gint64 count = counts[r * n_cols + c];

        g_return_val_if_fail (count >= 0, self);
        self->counts[cell_index (self, r, c)] = count;
        self->counts[cell_index (self, r, n_cols)] += count;
        self->counts[cell_index (self, n_rows, c)] += count;
        self->counts[cell_index (self, n_rows, n_cols)] += count;
      }
  return self;
}

void
pm_suppressed_table_free (PmSuppressedTable *self)
{
  if (self == NULL)
    return;
  g_free (self->counts);
  g_free (self->states);
  g_free (self);
}

guint
pm_suppressed_table_get_n_rows (PmSuppressedTable *self)
{
  return self->n_rows;
}

guint
pm_suppressed_table_get_n_cols (PmSuppressedTable *self)
{
  return self->n_cols;
}

/* Row n_rows and column n_cols are the totals. */
gint64
pm_suppressed_table_get_count (PmSuppressedTable *self,
                               guint              row,
                               guint              col)
{
  g_return_val_if_fail (row <= self->n_rows && col <= self->n_cols, 0);
  return self->counts[cell_index (self, row, col)];
}

PmCellState
pm_suppressed_table_get_state (PmSuppressedTable *self,
                               guint              row,
                               guint              col)
{
  g_return_val_if_fail (row <= self->n_rows && col <= self->n_cols, PM_CELL_SHOWN);
  return self->states[cell_index (self, row, col)];
}

/* For tests that build a suppression pattern by hand. */
void
pm_suppressed_table_set_state (PmSuppressedTable *self,
                               guint              row,
                               guint              col,
                               PmCellState        state)
{
  g_return_if_fail (row <= self->n_rows && col <= self->n_cols);
  self->states[cell_index (self, row, col)] = state;
}

const char *
pm_cell_state_to_marker (PmCellState state)
{
  switch (state)
    {
    case PM_CELL_PRIMARY:
      return "<5";
    case PM_CELL_SECONDARY:
      return "x";
    case PM_CELL_SHOWN:
    default:
      return NULL;
    }
}

static void
equation_clear (Equation *equation)
{
  g_clear_pointer (&equation->unknowns, g_array_unref);
  g_clear_pointer (&equation->signs, g_array_unref);
}

static void
equation_add (Equation *equation,
              double    sign,
              guint     unknown)
{
  g_array_append_val (equation->unknowns, unknown);
  g_array_append_val (equation->signs, sign);
}

/* A line of cells (@cells, with @total last) as an equation over the
 * withheld cells; @unknown_of maps a cell to its unknown or G_MAXUINT. */
static void
add_line (PmSuppressedTable *self,
          GArray            *equations,
          const guint       *unknown_of,
          const guint       *cells,
          guint              n)
{
  Equation equation = { g_array_new (FALSE, FALSE, sizeof (guint)), g_array_new (FALSE, FALSE, sizeof (double)), 0 };

  for (guint i = 0; i < n; i++)
    {
      double sign = i + 1 == n ? -1 : 1;

      if (unknown_of[cells[i]] != G_MAXUINT)
        equation_add (&equation, sign, unknown_of[cells[i]]);
      else
        equation.rhs -= sign * (double) self->counts[cells[i]];
    }
  if (equation.unknowns->len == 0)
    equation_clear (&equation);
  else
    g_array_append_val (equations, equation);
}

static GArray *
build_equations (PmSuppressedTable *self,
                 const guint       *unknown_of)
{
  GArray *equations = g_array_new (FALSE, FALSE, sizeof (Equation));
  g_autofree guint *line = g_new (guint, MAX (self->n_rows, self->n_cols) + 1);

  g_array_set_clear_func (equations, (GDestroyNotify) equation_clear);
  for (guint r = 0; r <= self->n_rows; r++)
    {
      for (guint c = 0; c <= self->n_cols; c++)
        line[c] = cell_index (self, r, c);
      add_line (self, equations, unknown_of, line, self->n_cols + 1);
    }
  for (guint c = 0; c <= self->n_cols; c++)
    {
      for (guint r = 0; r <= self->n_rows; r++)
        line[r] = cell_index (self, r, c);
      add_line (self, equations, unknown_of, line, self->n_rows + 1);
    }
  return equations;
}

/* A dense simplex tableau, maximising: rows 0..m-1 are the constraints,
 * row m the reduced costs; column n the right-hand side. */
typedef struct
{
  guint   m;
  guint   n;
  guint   n_real;     /* columns that may enter in phase 2 */
  double *t;
  guint  *basis;
} Tableau;

static double *
at (Tableau *tab,
    guint    row,
    guint    col)
{
  return &tab->t[(gsize) row * (tab->n + 1) + col];
}

static void
pivot (Tableau *tab,
       guint    row,
       guint    col)
{
  double p = *at (tab, row, col);

  for (guint k = 0; k <= tab->n; k++)
    *at (tab, row, k) /= p;
  for (guint i = 0; i <= tab->m; i++)
    {
      double factor = *at (tab, i, col);

      if (i == row || fabs (factor) < EPSILON)
        continue;
      for (guint k = 0; k <= tab->n; k++)
        *at (tab, i, k) -= factor * *at (tab, row, k);
    }
  tab->basis[row] = col;
}

/* Runs the simplex with Bland's rule (no cycling); FALSE when unbounded. */
static gboolean
run_simplex (Tableau *tab,
             guint    n_enter)
{
  /* Bland's rule ends after finitely many pivots; the cap only guards
   * against rounding trouble. */
  for (guint step = 0; step < 50 * (tab->m + tab->n); step++)
    {
      guint col = G_MAXUINT;
      guint row = G_MAXUINT;
      double best = INFINITY;

      for (guint k = 0; k < n_enter && col == G_MAXUINT; k++)
        if (*at (tab, tab->m, k) < -EPSILON)
          col = k;
      if (col == G_MAXUINT)
        return TRUE;
      for (guint i = 0; i < tab->m; i++)
        {
          double a = *at (tab, i, col);
          double ratio;

          if (a <= EPSILON)
            continue;
          ratio = *at (tab, i, tab->n) / a;
          if (ratio < best - EPSILON || (ratio < best + EPSILON && row != G_MAXUINT && tab->basis[i] < tab->basis[row]))
            {
              best = ratio;
              row = i;
            }
        }
      if (row == G_MAXUINT)
        return FALSE;
      pivot (tab, row, col);
    }
  return TRUE;
}

/* The largest value of @sign * y_@var over the feasible region of @base
 * (after phase 1), or INFINITY. */
static double
maximise (Tableau *base,
          guint    var,
          double   sign)
{
  Tableau tab = *base;
  g_autofree double *t = g_memdup2 (base->t, sizeof (double) * (base->m + 1) * (base->n + 1));
  g_autofree guint *basis = g_memdup2 (base->basis, sizeof (guint) * base->m);

  tab.t = t;
  tab.basis = basis;
  for (guint k = 0; k <= tab.n; k++)
    *at (&tab, tab.m, k) = k == var ? -sign : 0;
  for (guint i = 0; i < tab.m; i++)
    if (tab.basis[i] == var)
      for (guint k = 0; k <= tab.n; k++)
        *at (&tab, tab.m, k) += sign * *at (&tab, i, k);
  if (!run_simplex (&tab, tab.n_real))
    return INFINITY;
  return *at (&tab, tab.m, tab.n);
}

/* For the unknowns @vars (one connected part of the table) and the sums
 * over them, narrows @lower and @upper to the least and greatest value each
 * can take (linear programming; the sums of a table with margins form a
 * totally unimodular system, so these are whole numbers). */
static void
find_ranges_of_part (GArray  *equations,
                     GArray  *vars,
                     double  *lower,
                     double  *upper)
{
  g_autofree guint *local = NULL;
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (guint));
  guint n_vars = vars->len;
  guint n_slack = 0;
  guint max_var = 0;
  Tableau tab = { 0 };
  guint m;

  for (guint v = 0; v < n_vars; v++)
    max_var = MAX (max_var, g_array_index (vars, guint, v) + 1);
  local = g_new (guint, max_var);
  for (guint v = 0; v < n_vars; v++)
    {
      local[g_array_index (vars, guint, v)] = v;
      n_slack += isfinite (upper[g_array_index (vars, guint, v)]);
    }
  for (guint e = 0; e < equations->len; e++)
    {
      Equation *equation = &g_array_index (equations, Equation, e);
      guint first = g_array_index (equation->unknowns, guint, 0);

      for (guint v = 0; v < n_vars; v++)
        if (g_array_index (vars, guint, v) == first)
          {
            g_array_append_val (rows, e);
            break;
          }
    }
  m = rows->len + n_slack;
  tab.m = m;
  tab.n = n_vars + n_slack + m;
  tab.n_real = n_vars + n_slack;
  tab.t = g_new0 (double, (gsize) (m + 1) * (tab.n + 1));
  tab.basis = g_new (guint, m);

  /* y = x - lower >= 0; each sum and each finite upper bound is a row. */
  for (guint r = 0; r < rows->len; r++)
    {
      Equation *equation = &g_array_index (equations, Equation, g_array_index (rows, guint, r));
      double rhs = equation->rhs;

      for (guint k = 0; k < equation->unknowns->len; k++)
        {
          guint x = g_array_index (equation->unknowns, guint, k);
          double sign = g_array_index (equation->signs, double, k);

          *at (&tab, r, local[x]) = sign;
          rhs -= sign * lower[x];
        }
      *at (&tab, r, tab.n) = rhs;
    }
  for (guint v = 0, slack = 0; v < n_vars; v++)
    {
      guint x = g_array_index (vars, guint, v);
      guint r;

      if (!isfinite (upper[x]))
        continue;
      r = rows->len + slack;
      *at (&tab, r, v) = 1;
      *at (&tab, r, n_vars + slack) = 1;
      *at (&tab, r, tab.n) = upper[x] - lower[x];
      slack++;
    }
  /* Phase 1: an artificial per row, minimised away. */
  for (guint r = 0; r < m; r++)
    {
      if (*at (&tab, r, tab.n) < 0)
        for (guint k = 0; k <= tab.n; k++)
          *at (&tab, r, k) = -*at (&tab, r, k);
      *at (&tab, r, tab.n_real + r) = 1;
      tab.basis[r] = tab.n_real + r;
      for (guint k = 0; k < tab.n_real; k++)
        *at (&tab, m, k) -= *at (&tab, r, k);
      *at (&tab, m, tab.n) -= *at (&tab, r, tab.n);
    }
  run_simplex (&tab, tab.n);
  /* The true table fits, so phase 1 reaches zero; an artificial still in
   * the basis sits at zero and leaves where a real column can take over. */
  for (guint r = 0; r < m; r++)
    if (tab.basis[r] >= tab.n_real)
      for (guint k = 0; k < tab.n_real; k++)
        if (fabs (*at (&tab, r, k)) > EPSILON)
          {
            pivot (&tab, r, k);
            break;
          }
  for (guint v = 0; v < n_vars; v++)
    {
      guint x = g_array_index (vars, guint, v);
      double high = maximise (&tab, v, 1);
      double low = -maximise (&tab, v, -1);

      upper[x] = MIN (upper[x], lower[x] + floor (high + EPSILON));
      lower[x] = lower[x] + ceil (low - EPSILON);
    }
  g_free (tab.t);
  g_free (tab.basis);
}

static guint
find_root (guint *parent,
           guint  x)
{
  while (parent[x] != x)
    x = parent[x] = parent[parent[x]];
  return x;
}

/* Narrows the bounds of every unknown to what the published table allows,
 * one connected part (unknowns linked through shared sums) at a time. */
static void
find_ranges (GArray *equations,
             guint   n_unknowns,
             double *lower,
             double *upper)
{
  g_autofree guint *parent = g_new (guint, n_unknowns);

  for (guint x = 0; x < n_unknowns; x++)
    parent[x] = x;
  for (guint e = 0; e < equations->len; e++)
    {
      Equation *equation = &g_array_index (equations, Equation, e);
      guint first = find_root (parent, g_array_index (equation->unknowns, guint, 0));

      for (guint k = 1; k < equation->unknowns->len; k++)
        parent[find_root (parent, g_array_index (equation->unknowns, guint, k))] = first;
    }
  for (guint root = 0; root < n_unknowns; root++)
    {
      g_autoptr(GArray) vars = g_array_new (FALSE, FALSE, sizeof (guint));

      if (find_root (parent, root) != root)
        continue;
      for (guint x = 0; x < n_unknowns; x++)
        if (find_root (parent, x) == root)
          g_array_append_val (vars, x);
      find_ranges_of_part (equations, vars, lower, upper);
    }
}

/* Fills @disclosed (one per cell) and returns how many are disclosed. */
static guint
find_all_disclosed (PmSuppressedTable *self,
                    gboolean          *disclosed_cells)
{
  g_autofree guint *unknown_of = g_new (guint, n_cells (self));
  g_autoptr(GArray) cell_of = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) equations = NULL;
  g_autofree double *lower = NULL;
  g_autofree double *upper = NULL;
  guint n = 0;

  for (guint i = 0; i < n_cells (self); i++)
    {
      unknown_of[i] = G_MAXUINT;
      if (self->states[i] != PM_CELL_SHOWN)
        {
          unknown_of[i] = cell_of->len;
          g_array_append_val (cell_of, i);
        }
    }
  memset (disclosed_cells, 0, n_cells (self) * sizeof (gboolean));
  if (cell_of->len == 0)
    return 0;
  equations = build_equations (self, unknown_of);
  lower = g_new (double, cell_of->len);
  upper = g_new (double, cell_of->len);
  for (guint x = 0; x < cell_of->len; x++)
    {
      gboolean primary = self->states[g_array_index (cell_of, guint, x)] == PM_CELL_PRIMARY;

      lower[x] = primary ? 1 : PM_SUPPRESSION_THRESHOLD;
      upper[x] = primary ? PM_SUPPRESSION_THRESHOLD - 1 : INFINITY;
    }
  find_ranges (equations, cell_of->len, lower, upper);
  for (guint x = 0; x < cell_of->len; x++)
    if (upper[x] <= lower[x])
      {
        disclosed_cells[g_array_index (cell_of, guint, x)] = TRUE;
        n++;
      }
  return n;
}

/**
 * pm_suppressed_table_find_disclosed:
 *
 * Whether a reader of the published table can work out a withheld cell (see
 * the rule at the top of this file); if so, @row and @col name the first.
 */
gboolean
pm_suppressed_table_find_disclosed (PmSuppressedTable *self,
                                    guint             *row,
                                    guint             *col)
{
  g_autofree gboolean *disclosed = g_new0 (gboolean, n_cells (self));

  if (find_all_disclosed (self, disclosed) == 0)
    return FALSE;
  for (guint i = 0; i < n_cells (self); i++)
    if (disclosed[i])
      {
        *row = i / (self->n_cols + 1);
        *col = i % (self->n_cols + 1);
        break;
      }
  return TRUE;
}

/* The smallest published non-zero cell in the row or column of @cell;
 * G_MAXUINT when none is left there. */
static guint
pick_complement (PmSuppressedTable *self,
                 guint              cell)
{
  guint row = cell / (self->n_cols + 1);
  guint col = cell % (self->n_cols + 1);
  guint best = G_MAXUINT;

  for (guint i = 0; i < n_cells (self); i++)
    {
      gboolean in_line = i / (self->n_cols + 1) == row || i % (self->n_cols + 1) == col;

      if (!in_line || self->states[i] != PM_CELL_SHOWN || self->counts[i] == 0)
        continue;
      if (best == G_MAXUINT || self->counts[i] < self->counts[best])
        best = i;
    }
  return best;
}

void
pm_suppressed_table_suppress (PmSuppressedTable *self)
{
  g_autofree gboolean *disclosed = g_new0 (gboolean, n_cells (self));

  for (guint i = 0; i < n_cells (self); i++)
    if (self->counts[i] > 0 && self->counts[i] < PM_SUPPRESSION_THRESHOLD)
      self->states[i] = PM_CELL_PRIMARY;
  /* One complement per round, then look again: a complement often protects
   * more than the cell it was chosen for, and withholding more than needed
   * hides figures the planning could have had. Each round withholds one
   * more cell, so this ends. */
  for (guint round = 0; round < n_cells (self); round++)
    {
      guint complement = G_MAXUINT;

      if (find_all_disclosed (self, disclosed) == 0)
        return;
      for (guint i = 0; i < n_cells (self) && complement == G_MAXUINT; i++)
        if (disclosed[i])
          complement = pick_complement (self, i);
      if (complement == G_MAXUINT)
        return;
      self->states[complement] = PM_CELL_SECONDARY;
    }
}
