/* pm-record.c: the base of every stored record
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pm-record"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "pm-clock.h"
#include "pm-error.h"
#include "pm-record.h"

typedef struct
{
  char   *id;
  gint64  version;
  char   *created_at;
  char   *updated_at;
} PmRecordPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (PmRecord, pm_record, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_VERSION,
  PROP_CREATED_AT,
  PROP_UPDATED_AT,
  PROP_KIND,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gpointer
field_slot (PmRecord          *self,
            const PmFieldSpec *spec)
{
  return G_STRUCT_MEMBER_P (self, spec->offset);
}

static const PmFieldSpec *
lookup_field (PmRecord   *self,
              const char *name,
              guint      *index)
{
  PmRecordClass *klass = PM_RECORD_GET_CLASS (self);

  for (guint i = 0; i < klass->n_fields; i++)
    if (g_str_equal (klass->fields[i].name, name))
      {
        if (index)
          *index = i;
        return &klass->fields[i];
      }
  return NULL;
}

/* A wrong field name or type is a programming error, caught here. */
static gpointer
checked_slot (PmRecord    *self,
              const char  *name,
              PmFieldType  type,
              guint       *index)
{
  const PmFieldSpec *spec = lookup_field (self, name, index);

  g_return_val_if_fail (spec != NULL, NULL);
  g_return_val_if_fail (spec->type == type ||
                        (type == PM_FIELD_STRING &&
                         (spec->type == PM_FIELD_DATE || spec->type == PM_FIELD_JSON)),
                        NULL);
  return field_slot (self, spec);
}

static void
field_get_property (GObject    *object,
                    guint       prop_id,
                    GValue     *value,
                    GParamSpec *pspec)
{
  PmRecordClass *klass = g_type_class_peek (pspec->owner_type);
  const PmFieldSpec *spec = &klass->fields[prop_id - 1];
  gpointer slot = field_slot (PM_RECORD (object), spec);

  switch (spec->type)
    {
    case PM_FIELD_STRING:
    case PM_FIELD_DATE:
    case PM_FIELD_JSON:
      g_value_set_string (value, *(char **) slot);
      break;
    case PM_FIELD_INT:
      g_value_set_int64 (value, *(gint64 *) slot);
      break;
    case PM_FIELD_DOUBLE:
      g_value_set_double (value, *(double *) slot);
      break;
    case PM_FIELD_BOOLEAN:
      g_value_set_boolean (value, *(gboolean *) slot);
      break;
    case PM_FIELD_STRV:
      g_value_set_boxed (value, *(char ***) slot);
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
field_set_property (GObject      *object,
                    guint         prop_id,
                    const GValue *value,
                    GParamSpec   *pspec)
{
  PmRecordClass *klass = g_type_class_peek (pspec->owner_type);
  const PmFieldSpec *spec = &klass->fields[prop_id - 1];
  gpointer slot = field_slot (PM_RECORD (object), spec);

  switch (spec->type)
    {
    case PM_FIELD_STRING:
    case PM_FIELD_DATE:
    case PM_FIELD_JSON:
      if (g_strcmp0 (*(char **) slot, g_value_get_string (value)) == 0)
        return;
      g_free (*(char **) slot);
      *(char **) slot = g_value_dup_string (value);
      break;
    case PM_FIELD_INT:
      if (*(gint64 *) slot == g_value_get_int64 (value))
        return;
      *(gint64 *) slot = g_value_get_int64 (value);
      break;
    case PM_FIELD_DOUBLE:
      if (*(double *) slot == g_value_get_double (value))
        return;
      *(double *) slot = g_value_get_double (value);
      break;
    case PM_FIELD_BOOLEAN:
      if (*(gboolean *) slot == g_value_get_boolean (value))
        return;
      *(gboolean *) slot = g_value_get_boolean (value);
      break;
    case PM_FIELD_STRV:
      g_strfreev (*(char ***) slot);
      *(char ***) slot = g_value_dup_boxed (value);
      break;
    default:
      g_assert_not_reached ();
    }
  g_object_notify_by_pspec (object, pspec);
}

void
pm_record_class_install_fields (PmRecordClass     *klass,
                                const char        *kind,
                                const char        *table,
                                const PmFieldSpec *fields,
                                guint              n_fields)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  klass->kind = kind;
  klass->table = table;
  klass->fields = fields;
  klass->n_fields = n_fields;
  klass->pspecs = g_new0 (GParamSpec *, n_fields);
  object_class->get_property = field_get_property;
  object_class->set_property = field_set_property;

  for (guint i = 0; i < n_fields; i++)
    {
      g_autofree char *prop_name = g_strdelimit (g_strdup (fields[i].name), "_", '-');
      const char *name = g_intern_string (prop_name);
      GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
      GParamSpec *pspec = NULL;

      switch (fields[i].type)
        {
        case PM_FIELD_STRING:
        case PM_FIELD_DATE:
        case PM_FIELD_JSON:
          pspec = g_param_spec_string (name, NULL, NULL, NULL, flags);
          break;
        case PM_FIELD_INT:
          pspec = g_param_spec_int64 (name, NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);
          break;
        case PM_FIELD_DOUBLE:
          pspec = g_param_spec_double (name, NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, flags);
          break;
        case PM_FIELD_BOOLEAN:
          pspec = g_param_spec_boolean (name, NULL, NULL, FALSE, flags);
          break;
        case PM_FIELD_STRV:
          pspec = g_param_spec_boxed (name, NULL, NULL, G_TYPE_STRV, flags);
          break;
        default:
          g_assert_not_reached ();
        }
      klass->pspecs[i] = pspec;
      g_object_class_install_property (object_class, i + 1, pspec);
    }
}

const PmFieldSpec *
pm_record_class_find_field (PmRecordClass *klass,
                            const char    *name)
{
  for (guint i = 0; i < klass->n_fields; i++)
    if (g_str_equal (klass->fields[i].name, name))
      return &klass->fields[i];
  return NULL;
}

/* Records hold personal and health data: once decrypted, it is wiped from
 * memory when the record goes (on lock, the models drop their records). */
static void
wipe_string (char *s)
{
  explicit_bzero (s, strlen (s));
  g_free (s);
}

static void
wipe_strv (char **v)
{
  for (char **s = v; *s; s++)
    explicit_bzero (*s, strlen (*s));
  g_strfreev (v);
}

static void
pm_record_finalize (GObject *object)
{
  PmRecord *self = PM_RECORD (object);
  PmRecordPrivate *priv = pm_record_get_instance_private (self);
  PmRecordClass *klass = PM_RECORD_GET_CLASS (self);

  for (guint i = 0; i < klass->n_fields; i++)
    {
      gpointer slot = field_slot (self, &klass->fields[i]);

      switch (klass->fields[i].type)
        {
        case PM_FIELD_STRING:
        case PM_FIELD_DATE:
        case PM_FIELD_JSON:
          g_clear_pointer ((char **) slot, wipe_string);
          break;
        case PM_FIELD_STRV:
          g_clear_pointer ((char ***) slot, wipe_strv);
          break;
        default:
          break;
        }
    }
  g_clear_pointer (&priv->id, g_free);
  g_clear_pointer (&priv->created_at, g_free);
  g_clear_pointer (&priv->updated_at, g_free);

  G_OBJECT_CLASS (pm_record_parent_class)->finalize (object);
}

static void
pm_record_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  PmRecord *self = PM_RECORD (object);
  PmRecordPrivate *priv = pm_record_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, priv->id);
      break;
    case PROP_VERSION:
      g_value_set_int64 (value, priv->version);
      break;
    case PROP_CREATED_AT:
      g_value_set_string (value, priv->created_at);
      break;
    case PROP_UPDATED_AT:
      g_value_set_string (value, priv->updated_at);
      break;
    case PROP_KIND:
      g_value_set_string (value, pm_record_get_kind (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pm_record_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  PmRecord *self = PM_RECORD (object);

  switch (prop_id)
    {
    case PROP_ID:
      pm_record_set_id (self, g_value_get_string (value));
      break;
    case PROP_VERSION:
      pm_record_set_version (self, g_value_get_int64 (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pm_record_class_init (PmRecordClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = pm_record_finalize;
  object_class->get_property = pm_record_get_property;
  object_class->set_property = pm_record_set_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_VERSION] =
    g_param_spec_int64 ("version", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CREATED_AT] =
    g_param_spec_string ("created-at", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_UPDATED_AT] =
    g_param_spec_string ("updated-at", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_KIND] =
    g_param_spec_string ("kind", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pm_record_init (PmRecord *self)
{
  PmRecordPrivate *priv = pm_record_get_instance_private (self);

  /* IDs are made on the device, so records can be created offline. Time
   * ordered: each table's index of ids grows at its end (random ids put
   * every insert on a random page, on the devices and the server alike). */
  priv->id = pm_clock_ordered_uuid ();
}

const char *
pm_record_get_kind (PmRecord *self)
{
  g_return_val_if_fail (PM_IS_RECORD (self), NULL);
  return PM_RECORD_GET_CLASS (self)->kind;
}

const char *
pm_record_get_id (PmRecord *self)
{
  PmRecordPrivate *priv = pm_record_get_instance_private (self);

  g_return_val_if_fail (PM_IS_RECORD (self), NULL);
  return priv->id;
}

void
pm_record_set_id (PmRecord   *self,
                  const char *id)
{
  PmRecordPrivate *priv = pm_record_get_instance_private (self);

  g_return_if_fail (PM_IS_RECORD (self));
  g_return_if_fail (id != NULL);
  if (g_strcmp0 (priv->id, id) == 0)
    return;
  g_free (priv->id);
  priv->id = g_strdup (id);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);
}

gint64
pm_record_get_version (PmRecord *self)
{
  PmRecordPrivate *priv = pm_record_get_instance_private (self);

  g_return_val_if_fail (PM_IS_RECORD (self), 0);
  return priv->version;
}

void
pm_record_set_version (PmRecord *self,
                       gint64    version)
{
  PmRecordPrivate *priv = pm_record_get_instance_private (self);

  g_return_if_fail (PM_IS_RECORD (self));
  if (priv->version == version)
    return;
  priv->version = version;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VERSION]);
}

const char *
pm_record_get_created_at (PmRecord *self)
{
  PmRecordPrivate *priv = pm_record_get_instance_private (self);

  g_return_val_if_fail (PM_IS_RECORD (self), NULL);
  return priv->created_at;
}

const char *
pm_record_get_updated_at (PmRecord *self)
{
  PmRecordPrivate *priv = pm_record_get_instance_private (self);

  g_return_val_if_fail (PM_IS_RECORD (self), NULL);
  return priv->updated_at;
}

void
pm_record_set_timestamps (PmRecord   *self,
                          const char *created_at,
                          const char *updated_at)
{
  PmRecordPrivate *priv = pm_record_get_instance_private (self);

  g_return_if_fail (PM_IS_RECORD (self));
  g_free (priv->created_at);
  priv->created_at = g_strdup (created_at);
  g_free (priv->updated_at);
  priv->updated_at = g_strdup (updated_at);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CREATED_AT]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UPDATED_AT]);
}

const char *
pm_record_get_string (PmRecord   *self,
                      const char *field)
{
  char **slot = checked_slot (self, field, PM_FIELD_STRING, NULL);

  return slot ? *slot : NULL;
}

/* Setters go through the property, whose setter compares and notifies. */
static const char *
property_name (PmRecord    *self,
               const char  *field,
               PmFieldType  type)
{
  guint index;

  if (checked_slot (self, field, type, &index) == NULL)
    return NULL;
  return PM_RECORD_GET_CLASS (self)->pspecs[index]->name;
}

void
pm_record_set_string (PmRecord   *self,
                      const char *field,
                      const char *value)
{
  const char *name = property_name (self, field, PM_FIELD_STRING);

  if (name)
    g_object_set (self, name, value, NULL);
}

gint64
pm_record_get_int (PmRecord   *self,
                   const char *field)
{
  gint64 *slot = checked_slot (self, field, PM_FIELD_INT, NULL);

  return slot ? *slot : 0;
}

void
pm_record_set_int (PmRecord   *self,
                   const char *field,
                   gint64      value)
{
  const char *name = property_name (self, field, PM_FIELD_INT);

  if (name)
    g_object_set (self, name, (gint64) value, NULL);
}

double
pm_record_get_double (PmRecord   *self,
                      const char *field)
{
  double *slot = checked_slot (self, field, PM_FIELD_DOUBLE, NULL);

  return slot ? *slot : 0.0;
}

void
pm_record_set_double (PmRecord   *self,
                      const char *field,
                      double      value)
{
  const char *name = property_name (self, field, PM_FIELD_DOUBLE);

  if (name)
    g_object_set (self, name, value, NULL);
}

gboolean
pm_record_get_boolean (PmRecord   *self,
                       const char *field)
{
  gboolean *slot = checked_slot (self, field, PM_FIELD_BOOLEAN, NULL);

  return slot ? *slot : FALSE;
}

void
pm_record_set_boolean (PmRecord   *self,
                       const char *field,
                       gboolean    value)
{
  const char *name = property_name (self, field, PM_FIELD_BOOLEAN);

  if (name)
    g_object_set (self, name, value, NULL);
}

const char * const *
pm_record_get_strv (PmRecord   *self,
                    const char *field)
{
  char ***slot = checked_slot (self, field, PM_FIELD_STRV, NULL);

  return slot ? (const char * const *) *slot : NULL;
}

void
pm_record_set_strv (PmRecord           *self,
                    const char         *field,
                    const char * const *value)
{
  const char *name = property_name (self, field, PM_FIELD_STRV);

  if (name)
    g_object_set (self, name, value, NULL);
}

void
pm_set_field_error (GError     **error,
                    PmRecord    *self,
                    const char  *field,
                    const char  *message)
{
  const PmFieldSpec *spec = self ? lookup_field (self, field, NULL) : NULL;
  const char *label = spec && spec->label ? g_dgettext (GETTEXT_PACKAGE, spec->label) : field;

  /* Translators: "Field name: what is wrong with it" */
  g_set_error (error, PM_ERROR, PM_ERROR_INVALID, _("%s: %s"), label, message);
}

static gboolean
is_blank (const char *s)
{
  if (s == NULL)
    return TRUE;
  for (; *s; s++)
    if (!g_ascii_isspace (*s))
      return FALSE;
  return TRUE;
}

static gboolean
validate_field (PmRecord           *self,
                const PmFieldSpec  *spec,
                GError            **error)
{
  gpointer slot = field_slot (self, spec);
  gboolean required = (spec->flags & PM_FIELD_REQUIRED) != 0;

  switch (spec->type)
    {
    case PM_FIELD_STRING:
      if (required && is_blank (*(char **) slot))
        {
          pm_set_field_error (error, self, spec->name, _("must not be empty"));
          return FALSE;
        }
      break;
    case PM_FIELD_DATE:
      {
        const char *s = *(char **) slot;
        g_autoptr(GDateTime) parsed = NULL;

        if (is_blank (s))
          {
            if (required)
              {
                pm_set_field_error (error, self, spec->name, _("must not be empty"));
                return FALSE;
              }
            break;
          }
        if (strlen (s) == 10)
          {
            g_autofree char *iso = g_strconcat (s, "T00:00:00Z", NULL);
            parsed = g_date_time_new_from_iso8601 (iso, NULL);
          }
        if (parsed == NULL)
          {
            pm_set_field_error (error, self, spec->name,
                                _("is not a date of the form YYYY-MM-DD"));
            return FALSE;
          }
      }
      break;
    case PM_FIELD_STRV:
      {
        char **v = *(char ***) slot;

        if (required && (v == NULL || v[0] == NULL))
          {
            pm_set_field_error (error, self, spec->name, _("must not be empty"));
            return FALSE;
          }
      }
      break;
    case PM_FIELD_JSON:
      {
        const char *s = *(char **) slot;
        g_autoptr(JsonParser) parser = NULL;

        if (is_blank (s))
          {
            if (required)
              {
                pm_set_field_error (error, self, spec->name, _("must not be empty"));
                return FALSE;
              }
            break;
          }
        parser = json_parser_new ();
        if (!json_parser_load_from_data (parser, s, -1, NULL))
          {
            pm_set_field_error (error, self, spec->name, _("is not valid JSON"));
            return FALSE;
          }
      }
      break;
    case PM_FIELD_DOUBLE:
      if (!isfinite (*(double *) slot))
        {
          pm_set_field_error (error, self, spec->name, _("is not a number"));
          return FALSE;
        }
      break;
    default:
      break;
    }
  return TRUE;
}

gboolean
pm_record_validate (PmRecord  *self,
                    GError   **error)
{
  PmRecordClass *klass;

  g_return_val_if_fail (PM_IS_RECORD (self), FALSE);
  klass = PM_RECORD_GET_CLASS (self);

  if (!g_uuid_string_is_valid (pm_record_get_id (self)))
    {
      g_set_error (error, PM_ERROR, PM_ERROR_INVALID, _("ID: not a valid UUID"));
      return FALSE;
    }
  for (guint i = 0; i < klass->n_fields; i++)
    if (!(klass->fields[i].flags & PM_FIELD_TRANSIENT) &&
        !validate_field (self, &klass->fields[i], error))
      return FALSE;

  return klass->validate ? klass->validate (self, error) : TRUE;
}

JsonObject *
pm_record_to_json (PmRecord *self)
{
  PmRecordPrivate *priv = pm_record_get_instance_private (self);
  PmRecordClass *klass = PM_RECORD_GET_CLASS (self);
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "id", priv->id);
  json_object_set_int_member (object, "version", priv->version);
  if (priv->created_at)
    json_object_set_string_member (object, "created_at", priv->created_at);
  if (priv->updated_at)
    json_object_set_string_member (object, "updated_at", priv->updated_at);

  for (guint i = 0; i < klass->n_fields; i++)
    {
      const PmFieldSpec *spec = &klass->fields[i];
      gpointer slot = field_slot (self, spec);

      if (spec->flags & PM_FIELD_TRANSIENT)
        continue;

      switch (spec->type)
        {
        case PM_FIELD_STRING:
        case PM_FIELD_DATE:
          if (*(char **) slot)
            json_object_set_string_member (object, spec->name, *(char **) slot);
          break;
        case PM_FIELD_JSON:
          if (*(char **) slot)
            {
              JsonNode *node = json_from_string (*(char **) slot, NULL);

              if (node)
                json_object_set_member (object, spec->name, node);
            }
          break;
        case PM_FIELD_INT:
          json_object_set_int_member (object, spec->name, *(gint64 *) slot);
          break;
        case PM_FIELD_DOUBLE:
          json_object_set_double_member (object, spec->name, *(double *) slot);
          break;
        case PM_FIELD_BOOLEAN:
          json_object_set_boolean_member (object, spec->name, *(gboolean *) slot);
          break;
        case PM_FIELD_STRV:
          if (*(char ***) slot)
            {
              JsonArray *array = json_array_new ();

              for (char **s = *(char ***) slot; *s; s++)
                json_array_add_string_element (array, *s);
              json_object_set_array_member (object, spec->name, array);
            }
          break;
        default:
          g_assert_not_reached ();
        }
    }
  return object;
}

static gboolean
node_is (JsonNode *node,
         GType     value_type)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == value_type;
}

static gboolean
set_field_from_node (PmRecord           *self,
                     const PmFieldSpec  *spec,
                     JsonNode           *node,
                     GError            **error)
{
  gpointer slot = field_slot (self, spec);

  if (JSON_NODE_HOLDS_NULL (node) &&
      (spec->type == PM_FIELD_STRING || spec->type == PM_FIELD_DATE ||
       spec->type == PM_FIELD_JSON || spec->type == PM_FIELD_STRV))
    {
      if (spec->type == PM_FIELD_STRV)
        g_clear_pointer ((char ***) slot, g_strfreev);
      else
        g_clear_pointer ((char **) slot, g_free);
      return TRUE;
    }

  switch (spec->type)
    {
    case PM_FIELD_STRING:
    case PM_FIELD_DATE:
      if (!node_is (node, G_TYPE_STRING))
        break;
      g_free (*(char **) slot);
      *(char **) slot = g_strdup (json_node_get_string (node));
      return TRUE;
    case PM_FIELD_JSON:
      if (!JSON_NODE_HOLDS_ARRAY (node) && !JSON_NODE_HOLDS_OBJECT (node))
        break;
      g_free (*(char **) slot);
      *(char **) slot = json_to_string (node, FALSE);
      return TRUE;
    case PM_FIELD_INT:
      if (!node_is (node, G_TYPE_INT64))
        break;
      *(gint64 *) slot = json_node_get_int (node);
      return TRUE;
    case PM_FIELD_DOUBLE:
      if (!node_is (node, G_TYPE_INT64) && !node_is (node, G_TYPE_DOUBLE))
        break;
      *(double *) slot = json_node_get_double (node);
      return TRUE;
    case PM_FIELD_BOOLEAN:
      if (!node_is (node, G_TYPE_BOOLEAN))
        break;
      *(gboolean *) slot = json_node_get_boolean (node);
      return TRUE;
    case PM_FIELD_STRV:
      {
        JsonArray *array;
        GStrvBuilder *builder;

        if (!JSON_NODE_HOLDS_ARRAY (node))
          break;
        array = json_node_get_array (node);
        for (guint i = 0; i < json_array_get_length (array); i++)
          if (!node_is (json_array_get_element (array, i), G_TYPE_STRING))
            {
              pm_set_field_error (error, self, spec->name, _("must be a list of texts"));
              return FALSE;
            }
        builder = g_strv_builder_new ();
        for (guint i = 0; i < json_array_get_length (array); i++)
          g_strv_builder_add (builder, json_array_get_string_element (array, i));
        g_strfreev (*(char ***) slot);
        *(char ***) slot = g_strv_builder_end (builder);
        g_strv_builder_unref (builder);
        return TRUE;
      }
    default:
      g_assert_not_reached ();
    }

  pm_set_field_error (error, self, spec->name, _("has the wrong type"));
  return FALSE;
}

gboolean
pm_record_update_from_json (PmRecord    *self,
                            JsonObject  *object,
                            GError     **error)
{
  PmRecordPrivate *priv = pm_record_get_instance_private (self);
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  PmRecordClass *klass;
  guint next = 0;

  g_return_val_if_fail (PM_IS_RECORD (self), FALSE);
  klass = PM_RECORD_GET_CLASS (self);

  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, &node))
    {
      const PmFieldSpec *spec = NULL;

      if (g_str_equal (name, "id") || g_str_equal (name, "created_at") ||
          g_str_equal (name, "updated_at"))
        {
          char **target = g_str_equal (name, "id") ? &priv->id :
                          g_str_equal (name, "created_at") ? &priv->created_at : &priv->updated_at;

          if (!node_is (node, G_TYPE_STRING))
            {
              g_set_error (error, PM_ERROR, PM_ERROR_INVALID, _("%s: has the wrong type"), name);
              return FALSE;
            }
          g_free (*target);
          *target = g_strdup (json_node_get_string (node));
          continue;
        }
      if (g_str_equal (name, "version"))
        {
          if (!node_is (node, G_TYPE_INT64) || json_node_get_int (node) < 0)
            {
              g_set_error (error, PM_ERROR, PM_ERROR_INVALID, _("%s: has the wrong type"), name);
              return FALSE;
            }
          priv->version = json_node_get_int (node);
          continue;
        }

      /* Members mostly come in the order of the fields (pm_record_to_json
       * writes them so): the search starts after the field found last, which
       * spares comparing each name with most of the others. */
      for (guint n = 0; n < klass->n_fields && spec == NULL; n++)
        {
          guint i = (next + n) % klass->n_fields;

          if (g_str_equal (klass->fields[i].name, name))
            {
              spec = &klass->fields[i];
              next = i + 1;
            }
        }
      if (spec == NULL || (spec->flags & PM_FIELD_TRANSIENT))
        {
          g_set_error (error, PM_ERROR, PM_ERROR_INVALID, _("Unknown field “%s”"), name);
          return FALSE;
        }
      if (!set_field_from_node (self, spec, node, error))
        return FALSE;
    }
  return TRUE;
}

PmRecord *
pm_record_new (GType type)
{
  g_return_val_if_fail (g_type_is_a (type, PM_TYPE_RECORD), NULL);
  return g_object_new (type, NULL);
}

/* A separate object with the same fields, id and version, and the
 * transient (joined) string fields a list filled in. */
PmRecord *
pm_record_copy (PmRecord *self)
{
  PmRecordClass *klass;
  g_autoptr(JsonObject) json = NULL;
  PmRecord *copy;

  g_return_val_if_fail (PM_IS_RECORD (self), NULL);
  klass = PM_RECORD_GET_CLASS (self);
  json = pm_record_to_json (self);
  copy = pm_record_new_from_json (G_OBJECT_TYPE (self), json, NULL);
  for (guint i = 0; copy && i < klass->n_fields; i++)
    if ((klass->fields[i].flags & PM_FIELD_TRANSIENT) && klass->fields[i].type == PM_FIELD_STRING)
      pm_record_set_string (copy, klass->fields[i].name, pm_record_get_string (self, klass->fields[i].name));
  return copy;
}

PmRecord *
pm_record_new_from_json (GType        type,
                         JsonObject  *object,
                         GError     **error)
{
  g_autoptr(PmRecord) record = pm_record_new (type);

  if (!pm_record_update_from_json (record, object, error))
    return NULL;
  return g_steal_pointer (&record);
}
