/* pm-store-social.c: what the Soziales desk asks of the store
 *
 * Follow-ups (Wiedervorlagen), referrals with their consent, the persons
 * counselled and one person's counselling history. Counselling is Art. 9
 * data: every query here is refused (PM_ERROR_DENIED) unless the acting
 * person belongs to Soziales (or is the admin), whatever a screen shows;
 * the history, which shows the records' content, is audited as a read of
 * each record, in the same transaction. Lists are JSON arrays of plain
 * objects, as the sync issues are, ready for rows.
 *
 * Also the store's rule that a withdrawn consent stops what it covered: a
 * counselling record may not gain a referral under a withdrawn consent.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pm-error.h"
#include "pm-json-util.h"
#include "pm-model.h"
#include "pm-store-private.h"
#include "pm-store-social.h"

typedef struct
{
  char     *actor_id;
  char     *department;
  char     *citizen_id;
  char     *today;
  PmViewer  viewer;
} SocialQuery;

/* What the query works from, read in one transaction. */
typedef struct
{
  GPtrArray  *counselling;
  GHashTable *citizens;   /* id -> PmRecord */
  GHashTable *staff;
  GHashTable *visits;
  GPtrArray  *visit_list;
  GHashTable *consents;
} SocialData;

static SocialQuery *
social_query_new (PmStore    *self,
                  const char *citizen_id,
                  const char *today)
{
  SocialQuery *query = g_new0 (SocialQuery, 1);

  query->actor_id = g_strdup (pm_store_get_actor_id (self));
  query->department = pm_store_dup_actor_department (self);
  query->citizen_id = g_strdup (citizen_id);
  query->today = g_strdup (today);
  query->viewer.role = pm_store_get_actor_role (self);
  query->viewer.department = query->department;
  return query;
}

static void
social_query_free (SocialQuery *query)
{
  g_free (query->actor_id);
  g_free (query->department);
  g_free (query->citizen_id);
  g_free (query->today);
  g_free (query);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SocialQuery, social_query_free)

static void
social_data_clear (SocialData *data)
{
  g_clear_pointer (&data->counselling, g_ptr_array_unref);
  g_clear_pointer (&data->citizens, g_hash_table_unref);
  g_clear_pointer (&data->staff, g_hash_table_unref);
  g_clear_pointer (&data->visits, g_hash_table_unref);
  g_clear_pointer (&data->visit_list, g_ptr_array_unref);
  g_clear_pointer (&data->consents, g_hash_table_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SocialData, social_data_clear)

static GHashTable *
index_records (GPtrArray *records)
{
  GHashTable *index = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_object_unref);

  for (guint i = 0; i < records->len; i++)
    g_hash_table_insert (index, (gpointer) pm_record_get_id (g_ptr_array_index (records, i)),
                         g_object_ref (g_ptr_array_index (records, i)));
  return index;
}

static gboolean
load_index (sqlite3      *db,
            GType         type,
            SocialQuery  *query,
            GHashTable  **index,
            GError      **error)
{
  g_autoptr(GPtrArray) records = _pm_store_select_records (db, type, &query->viewer, error);

  if (records == NULL)
    return FALSE;
  *index = index_records (records);
  return TRUE;
}

static gboolean
load (sqlite3      *db,
      SocialQuery  *query,
      SocialData   *data,
      GError      **error)
{
  /* Counselling is for counsellors: refused outright, not an empty list
   * that could pass for "nothing to do". */
  if (query->viewer.role != PM_ROLE_ADMIN && g_strcmp0 (query->department, "soziales") != 0)
    {
      g_set_error_literal (error, PM_ERROR, PM_ERROR_DENIED,
                           _("Only counsellors of Soziales may see counselling records"));
      return FALSE;
    }
  data->counselling = _pm_store_select_records (db, PM_TYPE_COUNSELLING_RECORD, &query->viewer, error);
  if (data->counselling == NULL)
    return FALSE;
  data->visit_list = _pm_store_select_records (db, PM_TYPE_VISIT, &query->viewer, error);
  if (data->visit_list == NULL)
    return FALSE;
  data->visits = index_records (data->visit_list);
  return load_index (db, PM_TYPE_CITIZEN, query, &data->citizens, error) &&
         load_index (db, PM_TYPE_STAFF, query, &data->staff, error) &&
         load_index (db, PM_TYPE_CONSENT, query, &data->consents, error);
}

static PmRecord *
lookup (GHashTable *index,
        const char *id)
{
  return id ? g_hash_table_lookup (index, id) : NULL;
}

/* "Family name, Given names", as lists of persons read in the office. */
static char *
person_name (SocialData *data,
             const char *citizen_id)
{
  PmRecord *citizen = lookup (data->citizens, citizen_id);

  if (citizen == NULL)
    return g_strdup (citizen_id);
  return g_strdup_printf ("%s, %s", pm_record_get_string (citizen, "family_name"),
                          pm_record_get_string (citizen, "given_names"));
}

static const char *
staff_name (SocialData *data,
            const char *staff_id)
{
  PmRecord *staff = lookup (data->staff, staff_id);

  return staff ? pm_record_get_string (staff, "display_name") : staff_id;
}

/* The day of the session: its visit's, else the day it was written. */
static char *
counselling_date (SocialData *data,
                  PmRecord   *record)
{
  PmRecord *visit = lookup (data->visits, pm_record_get_string (record, "visit_id"));

  if (visit && pm_record_get_string (visit, "date"))
    return g_strdup (pm_record_get_string (visit, "date"));
  return g_strndup (pm_record_get_created_at (record), 10);
}

static void
set_person (JsonObject *object,
            SocialData *data,
            PmRecord   *record)
{
  const char *citizen_id = pm_record_get_string (record, "citizen_id");
  g_autofree char *name = person_name (data, citizen_id);

  json_object_set_string_member (object, "citizen_id", citizen_id);
  json_object_set_string_member (object, "person", name);
}

static gboolean
has_open_counselling_visit (SocialData *data,
                            const char *citizen_id)
{
  static const char * const open[] = { "requested", "scheduled", "confirmed", "on_the_way", "arrived", NULL };

  for (guint i = 0; i < data->visit_list->len; i++)
    {
      PmRecord *visit = g_ptr_array_index (data->visit_list, i);
      const char * const *citizens = pm_record_get_strv (visit, "citizen_ids");
      const char * const *services = pm_record_get_strv (visit, "services");

      if (citizens && g_strv_contains (citizens, citizen_id) && services && g_strv_contains (services, "PB") &&
          g_strv_contains (open, pm_record_get_string (visit, "status")))
        return TRUE;
    }
  return FALSE;
}

/* The Sunday that ends the (Monday-to-Sunday) week of @today. */
static char *
end_of_week (const char *today)
{
  GDate date;
  char text[11];

  g_date_clear (&date, 1);
  g_date_set_parse (&date, today);
  if (!g_date_valid (&date))
    return g_strdup (today);
  g_date_add_days (&date, G_DATE_SUNDAY - g_date_get_weekday (&date));
  g_date_strftime (text, sizeof text, "%Y-%m-%d", &date);
  return g_strdup (text);
}

static int
compare_follow_ups (gconstpointer a,
                    gconstpointer b)
{
  JsonObject *x = json_node_get_object (*(JsonNode **) a);
  JsonObject *y = json_node_get_object (*(JsonNode **) b);
  int by_counsellor = g_utf8_collate (pm_json_get_string (x, "counsellor"), pm_json_get_string (y, "counsellor"));

  if (by_counsellor != 0)
    return by_counsellor;
  return g_strcmp0 (pm_json_get_string (x, "follow_up_date"), pm_json_get_string (y, "follow_up_date"));
}

static JsonArray *
sorted_array (GPtrArray    *nodes,
              GCompareFunc  compare)
{
  JsonArray *array = json_array_new ();

  g_ptr_array_sort (nodes, compare);
  for (guint i = 0; i < nodes->len; i++)
    json_array_add_element (array, json_node_ref (g_ptr_array_index (nodes, i)));
  return array;
}

static JsonNode *
object_node (JsonObject *object)
{
  JsonNode *node = json_node_init_object (json_node_alloc (), object);

  json_object_unref (object);
  return node;
}

/* Per person, the latest final session (later ones settle earlier
 * follow-ups); listed when its follow-up falls before the week's end. */
static gpointer
follow_ups_job (PmStore  *self,
                sqlite3  *db,
                gpointer  user_data,
                GError  **error)
{
  SocialQuery *query = user_data;
  g_auto(SocialData) data = { 0 };
  g_autoptr(GHashTable) latest = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_autoptr(GHashTable) latest_record = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  g_autofree char *week_end = end_of_week (query->today);
  GHashTableIter iter;
  gpointer key, value;

  if (!load (db, query, &data, error))
    return NULL;
  for (guint i = 0; i < data.counselling->len; i++)
    {
      PmRecord *record = g_ptr_array_index (data.counselling, i);
      const char *citizen_id = pm_record_get_string (record, "citizen_id");
      g_autofree char *date = NULL;
      const char *known;

      if (g_strcmp0 (pm_record_get_string (record, "status"), "final") != 0)
        continue;
      date = counselling_date (&data, record);
      known = g_hash_table_lookup (latest, citizen_id);
      if (known && g_strcmp0 (known, date) >= 0)
        continue;
      g_hash_table_insert (latest, (gpointer) citizen_id, g_steal_pointer (&date));
      g_hash_table_insert (latest_record, (gpointer) citizen_id, record);
    }
  g_hash_table_iter_init (&iter, latest_record);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      PmRecord *record = value;
      const char *due = pm_record_get_string (record, "follow_up_date");
      JsonObject *item;

      if (due == NULL || g_strcmp0 (due, week_end) > 0)
        continue;
      item = json_object_new ();
      json_object_set_string_member (item, "counselling_id", pm_record_get_id (record));
      set_person (item, &data, record);
      json_object_set_string_member (item, "counsellor_id", pm_record_get_string (record, "staff_id"));
      json_object_set_string_member (item, "counsellor", staff_name (&data, pm_record_get_string (record, "staff_id")));
      json_object_set_string_member (item, "follow_up_date", due);
      json_object_set_boolean_member (item, "overdue", g_strcmp0 (due, query->today) < 0);
      json_object_set_boolean_member (item, "visit_requested", has_open_counselling_visit (&data, key));
      g_ptr_array_add (nodes, object_node (item));
    }
  return sorted_array (nodes, compare_follow_ups);
}

static const char *
consent_state (PmRecord *consent)
{
  if (consent == NULL)
    return "missing";
  return pm_record_get_string (consent, "withdrawn_on") ? "withdrawn" : "given";
}

static int
compare_by_date_desc (gconstpointer a,
                      gconstpointer b)
{
  return -g_strcmp0 (pm_json_get_string (json_node_get_object (*(JsonNode **) a), "date"),
                     pm_json_get_string (json_node_get_object (*(JsonNode **) b), "date"));
}

static gpointer
referrals_job (PmStore  *self,
               sqlite3  *db,
               gpointer  user_data,
               GError  **error)
{
  SocialQuery *query = user_data;
  g_auto(SocialData) data = { 0 };
  g_autoptr(GPtrArray) nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);

  if (!load (db, query, &data, error))
    return NULL;
  for (guint i = 0; i < data.counselling->len; i++)
    {
      PmRecord *record = g_ptr_array_index (data.counselling, i);
      const char *text = pm_record_get_string (record, "referrals");
      g_autoptr(JsonNode) referrals = text ? json_from_string (text, NULL) : NULL;

      if (referrals == NULL || !JSON_NODE_HOLDS_ARRAY (referrals))
        continue;
      for (guint r = 0; r < json_array_get_length (json_node_get_array (referrals)); r++)
        {
          JsonObject *referral = pm_json_array_get_object (json_node_get_array (referrals), r);
          PmRecord *consent;
          JsonObject *item;

          if (referral == NULL)
            continue;
          consent = lookup (data.consents, pm_json_get_string (referral, "consent_id"));
          item = json_object_new ();
          json_object_set_string_member (item, "counselling_id", pm_record_get_id (record));
          set_person (item, &data, record);
          json_object_set_string_member (item, "to", pm_json_get_string (referral, "to"));
          json_object_set_string_member (item, "date", pm_json_get_string (referral, "date"));
          json_object_set_string_member (item, "feedback", pm_json_get_string (referral, "feedback"));
          json_object_set_string_member (item, "consent_id", pm_json_get_string (referral, "consent_id"));
          json_object_set_string_member (item, "consent", consent_state (consent));
          json_object_set_string_member (item, "consent_given_on", consent ? pm_record_get_string (consent, "given_on") : NULL);
          json_object_set_string_member (item, "consent_withdrawn_on", consent ? pm_record_get_string (consent, "withdrawn_on") : NULL);
          g_ptr_array_add (nodes, object_node (item));
        }
    }
  return sorted_array (nodes, compare_by_date_desc);
}

static int
compare_by_person (gconstpointer a,
                   gconstpointer b)
{
  return g_utf8_collate (pm_json_get_string (json_node_get_object (*(JsonNode **) a), "person"),
                         pm_json_get_string (json_node_get_object (*(JsonNode **) b), "person"));
}

static gpointer
persons_job (PmStore  *self,
             sqlite3  *db,
             gpointer  user_data,
             GError  **error)
{
  SocialQuery *query = user_data;
  g_auto(SocialData) data = { 0 };
  g_autoptr(GHashTable) persons = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) json_object_unref);
  g_autoptr(GPtrArray) nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  GHashTableIter iter;
  gpointer value;

  if (!load (db, query, &data, error))
    return NULL;
  for (guint i = 0; i < data.counselling->len; i++)
    {
      PmRecord *record = g_ptr_array_index (data.counselling, i);
      const char *citizen_id = pm_record_get_string (record, "citizen_id");
      JsonObject *person = g_hash_table_lookup (persons, citizen_id);
      g_autofree char *date = counselling_date (&data, record);

      if (person == NULL)
        {
          person = json_object_new ();
          set_person (person, &data, record);
          json_object_set_int_member (person, "sessions", 0);
          g_hash_table_insert (persons, (gpointer) citizen_id, person);
        }
      json_object_set_int_member (person, "sessions", json_object_get_int_member (person, "sessions") + 1);
      if (g_strcmp0 (date, pm_json_get_string (person, "last_contact")) > 0)
        json_object_set_string_member (person, "last_contact", date);
    }
  g_hash_table_iter_init (&iter, persons);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (nodes, json_node_init_object (json_node_alloc (), value));
  return sorted_array (nodes, compare_by_person);
}

static gpointer
history_job (PmStore  *self,
             sqlite3  *db,
             gpointer  user_data,
             GError  **error)
{
  SocialQuery *query = user_data;
  g_auto(SocialData) data = { 0 };
  g_autoptr(GPtrArray) nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);

  if (!load (db, query, &data, error))
    return NULL;
  for (guint i = 0; i < data.counselling->len; i++)
    {
      PmRecord *record = g_ptr_array_index (data.counselling, i);
      g_autofree char *date = NULL;
      JsonObject *item;

      if (g_strcmp0 (pm_record_get_string (record, "citizen_id"), query->citizen_id) != 0)
        continue;
      /* Showing a session's content is opening it. */
      if (!_pm_store_insert_audit (self, db, query->actor_id, "read", record, error))
        return NULL;
      item = json_object_new ();
      date = counselling_date (&data, record);
      json_object_set_string_member (item, "date", date);
      json_object_set_string_member (item, "counsellor", staff_name (&data, pm_record_get_string (record, "staff_id")));
      json_object_set_object_member (item, "record", pm_record_to_json (record));
      g_ptr_array_add (nodes, object_node (item));
    }
  return sorted_array (nodes, compare_by_date_desc);
}

static JsonArray *
run_sync (PmStore         *self,
          PmStoreJobFunc   func,
          const char      *citizen_id,
          const char      *today,
          GError         **error)
{
  g_autoptr(SocialQuery) query = NULL;

  g_return_val_if_fail (PM_IS_STORE (self), NULL);
  query = social_query_new (self, citizen_id, today);
  return _pm_store_run_sync (self, func, query, error);
}

static void
run_async (PmStore             *self,
           PmStoreJobFunc       func,
           const char          *citizen_id,
           const char          *today,
           gpointer             source_tag,
           GCancellable        *cancellable,
           GAsyncReadyCallback  callback,
           gpointer             user_data)
{
  g_return_if_fail (PM_IS_STORE (self));
  _pm_store_run_async (self, func, social_query_new (self, citizen_id, today), (GDestroyNotify) social_query_free,
                       (GDestroyNotify) json_array_unref, source_tag, cancellable, callback, user_data);
}

static JsonArray *
finish (PmStore       *self,
        GAsyncResult  *result,
        gpointer       source_tag,
        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * pm_store_list_follow_ups:
 * @today: YYYY-MM-DD
 *
 * The follow-ups due by the end of @today's week (overdue ones included),
 * by counsellor then date: `{counselling_id, citizen_id, person,
 * counsellor_id, counsellor, follow_up_date, overdue, visit_requested}`.
 */
JsonArray *
pm_store_list_follow_ups (PmStore     *self,
                          const char  *today,
                          GError     **error)
{
  return run_sync (self, follow_ups_job, NULL, today, error);
}

void
pm_store_list_follow_ups_async (PmStore             *self,
                                const char          *today,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  run_async (self, follow_ups_job, NULL, today, pm_store_list_follow_ups_async, cancellable, callback, user_data);
}

JsonArray *
pm_store_list_follow_ups_finish (PmStore       *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  return finish (self, result, pm_store_list_follow_ups_async, error);
}

/**
 * pm_store_list_referrals:
 *
 * Every referral named in a counselling record, newest first, with the
 * state of its consent: `{counselling_id, citizen_id, person, to, date,
 * feedback, consent_id, consent ("given", "withdrawn" or "missing"),
 * consent_given_on, consent_withdrawn_on}`.
 */
JsonArray *
pm_store_list_referrals (PmStore  *self,
                         GError  **error)
{
  return run_sync (self, referrals_job, NULL, NULL, error);
}

void
pm_store_list_referrals_async (PmStore             *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  run_async (self, referrals_job, NULL, NULL, pm_store_list_referrals_async, cancellable, callback, user_data);
}

JsonArray *
pm_store_list_referrals_finish (PmStore       *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  return finish (self, result, pm_store_list_referrals_async, error);
}

/**
 * pm_store_list_counselled_persons:
 *
 * The persons with counselling records, by name: `{citizen_id, person,
 * sessions, last_contact}`.
 */
JsonArray *
pm_store_list_counselled_persons (PmStore  *self,
                                  GError  **error)
{
  return run_sync (self, persons_job, NULL, NULL, error);
}

void
pm_store_list_counselled_persons_async (PmStore             *self,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  run_async (self, persons_job, NULL, NULL, pm_store_list_counselled_persons_async, cancellable, callback, user_data);
}

JsonArray *
pm_store_list_counselled_persons_finish (PmStore       *self,
                                         GAsyncResult  *result,
                                         GError       **error)
{
  return finish (self, result, pm_store_list_counselled_persons_async, error);
}

/**
 * pm_store_list_counselling_history:
 *
 * One person's sessions, newest first: `{date, counsellor, record}` with
 * the whole record; each is audited as read.
 */
JsonArray *
pm_store_list_counselling_history (PmStore     *self,
                                   const char  *citizen_id,
                                   GError     **error)
{
  g_return_val_if_fail (citizen_id != NULL, NULL);
  return run_sync (self, history_job, citizen_id, NULL, error);
}

void
pm_store_list_counselling_history_async (PmStore             *self,
                                         const char          *citizen_id,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  run_async (self, history_job, citizen_id, NULL, pm_store_list_counselling_history_async, cancellable, callback,
             user_data);
}

JsonArray *
pm_store_list_counselling_history_finish (PmStore       *self,
                                          GAsyncResult  *result,
                                          GError       **error)
{
  return finish (self, result, pm_store_list_counselling_history_async, error);
}

static JsonArray *
referrals_of (JsonNode *node)
{
  g_autoptr(JsonNode) parsed = NULL;

  if (node && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    node = parsed = json_from_string (json_node_get_string (node), NULL);
  return node && JSON_NODE_HOLDS_ARRAY (node) ? json_array_ref (json_node_get_array (node)) : NULL;
}

static char *
referral_key (JsonObject *referral)
{
  return g_strjoin ("\x1f", pm_json_get_string (referral, "consent_id") ?: "", pm_json_get_string (referral, "to") ?: "",
                    pm_json_get_string (referral, "date") ?: "", NULL);
}

/**
 * _pm_store_check_referral_consents:
 * @old_data: (nullable): the stored row's JSON before this write
 *
 * Refuses a counselling record that gains a referral whose consent is
 * withdrawn (Art. 7(3) DSGVO: the withdrawal stops the processing it
 * covered); referrals made before the withdrawal stay as they were.
 */
gboolean
_pm_store_check_referral_consents (sqlite3     *db,
                                   PmRecord    *record,
                                   const char  *old_data,
                                   GError     **error)
{
  g_autoptr(JsonNode) new_node = NULL;
  g_autoptr(JsonArray) added = NULL;
  g_autoptr(JsonNode) old_node = old_data ? json_from_string (old_data, NULL) : NULL;
  g_autoptr(JsonArray) before = NULL;
  g_autoptr(GHashTable) known = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const char *text;

  if (!PM_IS_COUNSELLING_RECORD (record) || (text = pm_record_get_string (record, "referrals")) == NULL)
    return TRUE;
  new_node = json_from_string (text, NULL);
  added = referrals_of (new_node);
  if (old_node && JSON_NODE_HOLDS_OBJECT (old_node))
    before = referrals_of (json_object_get_member (json_node_get_object (old_node), "referrals"));
  for (guint i = 0; before && i < json_array_get_length (before); i++)
    if (pm_json_array_get_object (before, i))
      g_hash_table_add (known, referral_key (pm_json_array_get_object (before, i)));
  for (guint i = 0; added && i < json_array_get_length (added); i++)
    {
      JsonObject *referral = pm_json_array_get_object (added, i);
      g_autofree char *key = referral ? referral_key (referral) : NULL;
      g_autoptr(PmRecord) consent = NULL;

      if (referral == NULL || g_hash_table_contains (known, key) || pm_json_get_string (referral, "consent_id") == NULL)
        continue;
      consent = _pm_store_read_record (db, PM_TYPE_CONSENT, pm_json_get_string (referral, "consent_id"), NULL);
      if (consent && pm_record_get_string (consent, "withdrawn_on"))
        {
          pm_set_field_error (error, record, "referrals", _("the person withdrew the consent to this referral"));
          return FALSE;
        }
    }
  return TRUE;
}
