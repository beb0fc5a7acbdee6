/* pm-choice.c: a wire id with its label, for closed lists of values
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "pm-choice.h"

/* The entry of @choices with @id, or NULL. */
const PmChoice *
pm_choice_find (const PmChoice *choices,
                const char     *id)
{
  for (const PmChoice *c = choices; c->label; c++)
    if (g_strcmp0 (c->id, id) == 0)
      return c;
  return NULL;
}
