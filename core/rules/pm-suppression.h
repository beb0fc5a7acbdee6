/* pm-suppression.h: small-count suppression of a table of counts with totals
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Counts from 1 to PM_SUPPRESSION_THRESHOLD - 1 are never published. */
#define PM_SUPPRESSION_THRESHOLD 5

/**
 * PmCellState:
 * @PM_CELL_SHOWN: published as it is
 * @PM_CELL_PRIMARY: a count from 1 to 4, written `<5`
 * @PM_CELL_SECONDARY: a count of 5 or more withheld so that no primary cell
 *   can be worked out from the totals, written `x`
 */
typedef enum
{
  PM_CELL_SHOWN,
  PM_CELL_PRIMARY,
  PM_CELL_SECONDARY,
} PmCellState;

/* A table of n_rows x n_cols counts with its margins: row r's total is at
 * column n_cols, column c's total at row n_rows, the grand total at
 * (n_rows, n_cols). */
typedef struct _PmSuppressedTable PmSuppressedTable;

PmSuppressedTable *pm_suppressed_table_new         (guint               n_rows,
                                                    guint               n_cols,
                                                    const gint64       *counts);
void               pm_suppressed_table_free        (PmSuppressedTable  *self);
guint              pm_suppressed_table_get_n_rows  (PmSuppressedTable  *self);
guint              pm_suppressed_table_get_n_cols  (PmSuppressedTable  *self);
gint64             pm_suppressed_table_get_count   (PmSuppressedTable  *self,
                                                    guint               row,
                                                    guint               col);
PmCellState        pm_suppressed_table_get_state   (PmSuppressedTable  *self,
                                                    guint               row,
                                                    guint               col);
void               pm_suppressed_table_set_state   (PmSuppressedTable  *self,
                                                    guint               row,
                                                    guint               col,
                                                    PmCellState         state);
void               pm_suppressed_table_suppress    (PmSuppressedTable  *self);
gboolean           pm_suppressed_table_find_disclosed (PmSuppressedTable *self,
                                                    guint              *row,
                                                    guint              *col);

const char        *pm_cell_state_to_marker         (PmCellState         state);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PmSuppressedTable, pm_suppressed_table_free)

G_END_DECLS
