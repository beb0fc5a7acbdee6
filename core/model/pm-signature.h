/* pm-signature.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "pm-record.h"

G_BEGIN_DECLS

#define PM_TYPE_SIGNATURE (pm_signature_get_type ())
G_DECLARE_FINAL_TYPE (PmSignature, pm_signature, PM, SIGNATURE, PmRecord)

PmSignature *pm_signature_new (void);

G_END_DECLS
