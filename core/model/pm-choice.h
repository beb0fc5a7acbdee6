/* pm-choice.h: a wire id with its label, for closed lists of values
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One entry of a closed list: a wire id (NULL = not recorded) and its English,
 * translatable label (N_(), translate on display). Tables end with an entry
 * whose label is NULL. */
typedef struct
{
  const char *id;
  const char *label;
} PmChoice;

const PmChoice *pm_choice_find (const PmChoice *choices,
                                const char     *id);

G_END_DECLS
