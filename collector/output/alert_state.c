/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-alerts"

#include <stdint.h>
#include <string.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "collector/output/alert_state.h"
#include "common/daemon.h"

static const char *const set_names[COL_AS_N] = { "devices", "open", "alerted",
	"quota", "silent" };

struct col_alert_state {
	char *file;
	GHashTable *set[COL_AS_N]; /* text -> int64_t (boxed) */
	char *day;
	uint64_t dropped;
};

static void
load_set(GHashTable *t, JsonObject *o, const char *name)
{
	JsonObject *s;
	GList *keys, *l;

	if (!json_object_has_member(o, name) ||
	    (s = json_object_get_object_member(o, name)) == NULL)
		return;
	keys = json_object_get_members(s);
	for (l = keys; l != NULL && g_hash_table_size(t) < COL_ALERT_STATE_MAX;
	     l = l->next) {
		int64_t v =
		    json_object_get_int_member_with_default(s, l->data, 0);

		g_hash_table_replace(t, g_strdup(l->data),
		    g_memdup2(&v, sizeof(v)));
	}
	g_list_free(keys);
}

static void
load(struct col_alert_state *s)
{
	g_autoptr(JsonParser) p = json_parser_new();
	GError *err = NULL;
	JsonNode *root;
	int i;

	if (s->file == NULL || !g_file_test(s->file, G_FILE_TEST_EXISTS))
		return;
	if (!json_parser_load_from_file(p, s->file, &err) ||
	    (root = json_parser_get_root(p)) == NULL ||
	    !JSON_NODE_HOLDS_OBJECT(root)) {
		g_warning("%s: %s (alert state started afresh)", s->file,
		    err ? err->message : "not an object");
		g_clear_error(&err);
		return;
	}
	/* Silence is counted anew by each process: an exporter has not
	 * been heard from by this one yet. */
	for (i = 0; i < COL_AS_N; i++)
		if (i != COL_AS_SILENT)
			load_set(s->set[i], json_node_get_object(root),
			    set_names[i]);
	g_free(s->day);
	s->day = g_strdup(json_object_get_string_member_with_default(
	    json_node_get_object(root), "quota_day", ""));
}

struct col_alert_state *
col_alert_state_new(const char *file)
{
	struct col_alert_state *s = g_new0(struct col_alert_state, 1);
	int i;

	s->file = file != NULL && file[0] != '\0' ? g_strdup(file) : NULL;
	for (i = 0; i < COL_AS_N; i++)
		s->set[i] = g_hash_table_new_full(g_str_hash, g_str_equal,
		    g_free, g_free);
	s->day = g_strdup("");
	load(s);
	return s;
}

void
col_alert_state_free(struct col_alert_state *s)
{
	int i;

	if (s == NULL)
		return;
	for (i = 0; i < COL_AS_N; i++)
		g_hash_table_unref(s->set[i]);
	g_free(s->file);
	g_free(s->day);
	g_free(s);
}

gboolean
col_alert_state_has(const struct col_alert_state *s, enum col_alert_set set,
    const char *key)
{
	return g_hash_table_contains(s->set[set], key);
}

int64_t
col_alert_state_get(const struct col_alert_state *s, enum col_alert_set set,
    const char *key, int64_t def)
{
	const int64_t *v = g_hash_table_lookup(s->set[set], key);

	return v != NULL ? *v : def;
}

void
col_alert_state_put(struct col_alert_state *s, enum col_alert_set set,
    const char *key, int64_t v)
{
	GHashTable *t = s->set[set];

	if (g_hash_table_size(t) >= COL_ALERT_STATE_MAX &&
	    !g_hash_table_contains(t, key)) {
		s->dropped++;
		return;
	}
	g_hash_table_replace(t, g_strdup(key), g_memdup2(&v, sizeof(v)));
}

void
col_alert_state_forget_below(struct col_alert_state *s, enum col_alert_set set,
    int64_t min)
{
	GHashTableIter it;
	gpointer v;

	g_hash_table_iter_init(&it, s->set[set]);
	while (g_hash_table_iter_next(&it, NULL, &v))
		if (*(int64_t *)v < min)
			g_hash_table_iter_remove(&it);
}

void
col_alert_state_keep_only(struct col_alert_state *s, enum col_alert_set set,
    GHashTable *keep)
{
	GHashTableIter it;
	gpointer k;

	g_hash_table_iter_init(&it, s->set[set]);
	while (g_hash_table_iter_next(&it, &k, NULL))
		if (!g_hash_table_contains(keep, k))
			g_hash_table_iter_remove(&it);
}

const char *
col_alert_state_day(const struct col_alert_state *s)
{
	return s->day;
}

void
col_alert_state_new_day(struct col_alert_state *s, const char *day)
{
	g_hash_table_remove_all(s->set[COL_AS_QUOTA]);
	g_free(s->day);
	s->day = g_strdup(day);
}

void
col_alert_state_save(const struct col_alert_state *s)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(JsonGenerator) g = json_generator_new();
	g_autoptr(JsonNode) root = NULL;
	g_autofree char *text = NULL;
	GError *err = NULL;
	GHashTableIter it;
	gpointer k, v;
	int i;

	if (s->file == NULL)
		return;
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "version");
	json_builder_add_int_value(b, 1);
	json_builder_set_member_name(b, "quota_day");
	json_builder_add_string_value(b, s->day);
	for (i = 0; i < COL_AS_N; i++) {
		json_builder_set_member_name(b, set_names[i]);
		json_builder_begin_object(b);
		g_hash_table_iter_init(&it, s->set[i]);
		while (g_hash_table_iter_next(&it, &k, &v)) {
			json_builder_set_member_name(b, k);
			json_builder_add_int_value(b, *(int64_t *)v);
		}
		json_builder_end_object(b);
	}
	json_builder_end_object(b);
	root = json_builder_get_root(b);
	json_generator_set_root(g, root);
	text = json_generator_to_data(g, NULL);
	/*
	 * A new file beside it (O_EXCL | O_NOFOLLOW, 0640 whatever the
	 * umask) renamed over it: a symlink planted at the path is replaced,
	 * never written through.
	 */
	if (!mf_write_atomic(s->file, text, strlen(text), &err)) {
		g_warning("alert state: %s", err->message);
		g_error_free(err);
	}
}

uint64_t
col_alert_state_dropped(const struct col_alert_state *s)
{
	return s->dropped;
}
