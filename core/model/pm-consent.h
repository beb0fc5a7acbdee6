/* pm-consent.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "pm-record.h"

G_BEGIN_DECLS

#define PM_TYPE_CONSENT (pm_consent_get_type ())
G_DECLARE_FINAL_TYPE (PmConsent, pm_consent, PM, CONSENT, PmRecord)

PmConsent *pm_consent_new (void);

G_END_DECLS
