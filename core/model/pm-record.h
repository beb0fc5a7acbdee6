/* pm-record.h: the base of every stored record
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum
{
  PM_FIELD_STRING,
  PM_FIELD_INT,
  PM_FIELD_DOUBLE,
  PM_FIELD_BOOLEAN,
  PM_FIELD_DATE,   /* a string, YYYY-MM-DD */
  PM_FIELD_STRV,
  PM_FIELD_JSON,   /* a string holding a JSON array or object */
} PmFieldType;

typedef enum
{
  PM_FIELD_REQUIRED  = 1 << 0,
  /* also kept in a column of the record's table, so queries can use it */
  PM_FIELD_COLUMN    = 1 << 1,
  /* filled in by queries for display, never stored or exported */
  PM_FIELD_TRANSIENT = 1 << 2,
} PmFieldFlags;

/*
 * One field of a record type. The table of these is the single description of
 * a type: it installs the GObject properties, drives JSON, the SQL columns and
 * the generic checks, so a field is added in one place.
 */
typedef struct
{
  const char   *name;   /* wire id (snake_case); the property uses '-' */
  const char   *label;  /* English, translatable: names the field in errors */
  PmFieldType   type;
  PmFieldFlags  flags;
  gsize         offset; /* into the instance struct */
} PmFieldSpec;

#define PM_TYPE_RECORD (pm_record_get_type ())
G_DECLARE_DERIVABLE_TYPE (PmRecord, pm_record, PM, RECORD, GObject)

struct _PmRecordClass
{
  GObjectClass parent_class;

  const char        *kind;   /* wire id of the type, e.g. "visit" */
  const char        *table;  /* its SQL table */
  const PmFieldSpec *fields;
  guint              n_fields;
  GParamSpec       **pspecs;

  /* type-specific rules, after the generic ones passed */
  gboolean (*validate) (PmRecord  *self,
                        GError   **error);

  gpointer padding[4];
};

void               pm_record_class_install_fields (PmRecordClass     *klass,
                                                   const char        *kind,
                                                   const char        *table,
                                                   const PmFieldSpec *fields,
                                                   guint              n_fields);
const PmFieldSpec *pm_record_class_find_field     (PmRecordClass     *klass,
                                                   const char        *name);
const char        *pm_record_get_kind             (PmRecord          *self);

const char        *pm_record_get_id               (PmRecord          *self);
void               pm_record_set_id               (PmRecord          *self,
                                                   const char        *id);
gint64             pm_record_get_version          (PmRecord          *self);
void               pm_record_set_version          (PmRecord          *self,
                                                   gint64             version);
const char        *pm_record_get_created_at       (PmRecord          *self);
const char        *pm_record_get_updated_at       (PmRecord          *self);
void               pm_record_set_timestamps       (PmRecord          *self,
                                                   const char        *created_at,
                                                   const char        *updated_at);

const char        *pm_record_get_string           (PmRecord          *self,
                                                   const char        *field);
void               pm_record_set_string           (PmRecord          *self,
                                                   const char        *field,
                                                   const char        *value);
gint64             pm_record_get_int              (PmRecord          *self,
                                                   const char        *field);
void               pm_record_set_int              (PmRecord          *self,
                                                   const char        *field,
                                                   gint64             value);
double             pm_record_get_double           (PmRecord          *self,
                                                   const char        *field);
void               pm_record_set_double           (PmRecord          *self,
                                                   const char        *field,
                                                   double             value);
gboolean           pm_record_get_boolean          (PmRecord          *self,
                                                   const char        *field);
void               pm_record_set_boolean          (PmRecord          *self,
                                                   const char        *field,
                                                   gboolean           value);
const char * const *pm_record_get_strv            (PmRecord          *self,
                                                   const char        *field);
void               pm_record_set_strv             (PmRecord          *self,
                                                   const char        *field,
                                                   const char * const *value);

gboolean           pm_record_validate             (PmRecord          *self,
                                                   GError           **error);
JsonObject        *pm_record_to_json              (PmRecord          *self);
gboolean           pm_record_update_from_json     (PmRecord          *self,
                                                   JsonObject        *object,
                                                   GError           **error);
PmRecord          *pm_record_new_from_json        (GType              type,
                                                   JsonObject        *object,
                                                   GError           **error);
PmRecord          *pm_record_new                  (GType              type);
PmRecord          *pm_record_copy                 (PmRecord          *self);

void               pm_set_field_error             (GError           **error,
                                                   PmRecord          *self,
                                                   const char        *field,
                                                   const char        *message);

G_END_DECLS
