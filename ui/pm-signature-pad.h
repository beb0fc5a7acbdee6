/* pm-signature-pad.h: the citizen signs on the touchscreen
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define PM_TYPE_SIGNATURE_PAD (pm_signature_pad_get_type ())
G_DECLARE_FINAL_TYPE (PmSignaturePad, pm_signature_pad, PM, SIGNATURE_PAD, GtkWidget)

GtkWidget *pm_signature_pad_new              (void);
char      *pm_signature_pad_get_strokes_json (PmSignaturePad *self);
gboolean   pm_signature_pad_set_strokes_json (PmSignaturePad *self,
                                              const char     *json);
gboolean   pm_signature_pad_is_empty         (PmSignaturePad *self);
void       pm_signature_pad_clear            (PmSignaturePad *self);
void       pm_signature_pad_add_stroke       (PmSignaturePad *self,
                                              const double   *xy,
                                              guint           n_points);

G_END_DECLS
