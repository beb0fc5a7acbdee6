/* pm-error.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PM_ERROR (pm_error_quark ())

/**
 * PmError:
 * @PM_ERROR_INVALID: a record failed validation; the message names the field
 * @PM_ERROR_TRANSITION: a status change that the status machine forbids
 * @PM_ERROR_NOT_FOUND: no record with that id
 * @PM_ERROR_SCHEMA_TOO_NEW: the store was written by a newer PePaMo
 * @PM_ERROR_STORE: the database failed (I/O, SQL)
 * @PM_ERROR_DATA: a bundled data file (catalogue, city profile) is broken
 * @PM_ERROR_DENIED: the acting role may not do this
 * @PM_ERROR_CONFLICT: the record changed since the edit began
 */
typedef enum
{
  PM_ERROR_INVALID,
  PM_ERROR_TRANSITION,
  PM_ERROR_NOT_FOUND,
  PM_ERROR_SCHEMA_TOO_NEW,
  PM_ERROR_STORE,
  PM_ERROR_DATA,
  PM_ERROR_DENIED,
  PM_ERROR_CONFLICT,
} PmError;

GQuark pm_error_quark (void);

G_END_DECLS
