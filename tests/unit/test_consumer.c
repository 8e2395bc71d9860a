/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-test-consumer"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>
#include <cmocka.h>

#include "collector/model/consumer.h"
#include "collector/model/engine.h"
#include "collector/model/flow.h"
#include "collector/output/jsonw.h"
#include "common/addr.h"

/*
 * S is a multiple of the 60 s interval (2023-11-14 22:13:00 UTC): the
 * intervals are [S, S + 60 s), [S + 60 s, S + 120 s), ...
 */
#define S UINT64_C(1699999980000)
#define SEC(x) ((uint64_t)(x)*1000u)
#define IVL 60u
#define GRACE 5u
#define MAX_SEEN 32

/* What one test consumer was handed, in order. */
struct seen {
	const char *name;
	char log[256]; /* one letter per hook: f d c w o */
	size_t n_log;
	uint64_t flow_end[MAX_SEEN]; /* end_ms of each record */
	uint16_t flow_port[MAX_SEEN];
	gboolean flow_late[MAX_SEEN];
	size_t n_flows;
	uint16_t dns_id[MAX_SEEN];
	size_t n_dns;
	uint64_t close_start[MAX_SEEN], close_end[MAX_SEEN];
	uint64_t close_records[MAX_SEEN];
	size_t n_closes;
	uint64_t open_start[MAX_SEEN], open_prev[MAX_SEEN];
	size_t n_opens;
	uint32_t noted; /* the class the one before noted, as seen here */
	int freed;
	struct seen *before; /* NULL, or the consumer that must come first */
};

static void
note(struct seen *s, char c)
{
	assert_true(s->n_log + 1 < sizeof(s->log));
	s->log[s->n_log++] = c;
	/* Every hook runs on this consumer after it ran on the one before. */
	if (s->before != NULL)
		assert_int_equal(s->before->n_log, s->n_log);
}

static void
take_flow(void *self, struct col_record *r)
{
	struct seen *s = self;

	note(s, 'f');
	assert_true(s->n_flows < MAX_SEEN);
	s->flow_end[s->n_flows] = r->end_ms;
	s->flow_port[s->n_flows] = r->flow->dport;
	s->flow_late[s->n_flows] = r->late;
	s->n_flows++;
	/* The first consumer notes, the second reads. */
	if (s->before == NULL)
		r->cls = COL_CLASS_OUTWEB;
	else
		s->noted = (uint32_t)r->cls;
	assert_int_equal(r->touch.stream, COL_ID_NONE);
}

static void
take_dns(void *self, const struct col_dns_rec *d)
{
	struct seen *s = self;

	note(s, 'd');
	assert_true(s->n_dns < MAX_SEEN);
	s->dns_id[s->n_dns++] = d->id;
}

static void
close_interval(void *self, const struct col_interval *iv)
{
	struct seen *s = self;

	note(s, 'c');
	assert_true(s->n_closes < MAX_SEEN);
	s->close_start[s->n_closes] = iv->start_ms;
	s->close_end[s->n_closes] = iv->end_ms;
	s->close_records[s->n_closes] = iv->delta.records;
	s->n_closes++;
}

static void
write_section(void *self, const struct col_section *sec)
{
	struct seen *s = self;

	note(s, 'w');
	col_jsonw_member(sec->w, s->name);
	col_jsonw_int(sec->w, (int64_t)s->n_flows);
}

static void
open_interval(void *self, uint64_t start_ms, uint64_t prev_end_ms)
{
	struct seen *s = self;

	note(s, 'o');
	assert_true(s->n_opens < MAX_SEEN);
	s->open_start[s->n_opens] = start_ms;
	s->open_prev[s->n_opens] = prev_end_ms;
	s->n_opens++;
}

static void
free_seen(void *self)
{
	((struct seen *)self)->freed++;
}

static struct col_consumer
consumer(struct seen *s)
{
	struct col_consumer c = { .name = s->name,
		.self = s,
		.flow = take_flow,
		.dns = take_dns,
		.close = close_interval,
		.write = write_section,
		.open = open_interval,
		.free = free_seen };

	return c;
}

/* Two consumers, "a" then "b", on a new engine; the report writes both. */
struct fx {
	struct seen a, b;
	struct col_engine *e;
	size_t reports;
	char *last_report; /* the sections, as JSON */
};

static void
on_report(const struct col_interval *iv, void *ctx)
{
	struct fx *fx = ctx;
	struct col_jsonw w;
	struct col_section sec = { &w, iv, 10 };
	JsonNode *root;

	fx->reports++;
	/* The consumers closed the interval before its report. */
	assert_int_equal(fx->a.n_closes, fx->reports);
	assert_int_equal(fx->b.n_closes, fx->reports);
	col_jsonw_init(&w, TRUE);
	col_jsonw_begin_object(&w);
	col_consumers_write(iv->consumers, &sec);
	col_jsonw_end_object(&w);
	root = col_jsonw_steal_tree(&w);
	col_jsonw_clear(&w);
	g_free(fx->last_report);
	fx->last_report = json_to_string(root, FALSE);
	json_node_unref(root);
}

static int
setup(void **state)
{
	struct fx *fx = g_new0(struct fx, 1);
	struct col_engine_config cfg = { IVL, GRACE, 4 };
	struct col_consumer c;

	fx->a.name = "a";
	fx->b.name = "b";
	fx->b.before = &fx->a;
	fx->e = col_engine_new(&cfg, on_report, fx, NULL);
	if (fx->e == NULL)
		return -1;
	c = consumer(&fx->a);
	if (!col_engine_add_consumer(fx->e, &c, NULL))
		return -1;
	c = consumer(&fx->b);
	if (!col_engine_add_consumer(fx->e, &c, NULL))
		return -1;
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *fx = *state;

	col_engine_free(fx->e);
	/* The list freed each consumer once. */
	assert_int_equal(fx->a.freed, 1);
	assert_int_equal(fx->b.freed, 1);
	g_free(fx->last_report);
	g_free(fx);
	return 0;
}

static struct col_flow
flow(uint16_t dport, uint64_t end_ms)
{
	struct col_flow f;

	memset(&f, 0, sizeof(f));
	assert_true(mf_addr_parse("192.168.1.10", &f.src));
	assert_true(mf_addr_parse("8.8.8.8", &f.dst));
	f.sport = 40000;
	f.dport = dport;
	f.proto = 17;
	f.packets = 1;
	f.octets = 100;
	f.start_ms = end_ms - 1000;
	f.end_ms = end_ms;
	return f;
}

static void
add(struct fx *fx, uint16_t dport, uint64_t end_ms)
{
	struct col_flow f = flow(dport, end_ms);

	(void)col_engine_add(fx->e, &f);
}

static void
add_dns(struct fx *fx, uint16_t id, uint64_t t)
{
	struct col_dns_rec d;

	memset(&d, 0, sizeof(d));
	d.id = id;
	d.time_ms = t;
	col_engine_add_dns(fx->e, &d);
}

/* Each consumer takes exactly the records, closes and opens, in order. */
static void
test_consumer_engine_hands_records_closes_in_order(void **state)
{
	struct fx *fx = *state;
	struct seen *s[2] = { &fx->a, &fx->b };
	int i;

	add(fx, 1, S + SEC(10));
	add_dns(fx, 7, S + SEC(11));
	add(fx, 2, S + SEC(62)); /* waits: within the grace */
	add(fx, 3, S + SEC(30)); /* in the open interval */
	add(fx, 4, S + SEC(66)); /* past end + grace: closes the first */
	add(fx, 5, S + SEC(20)); /* late: counts in the open one */
	add_dns(fx, 8, S + SEC(70));
	col_engine_flush(fx->e);
	assert_int_equal(fx->reports, 2);
	for (i = 0; i < 2; i++) {
		/* Records in the order they count, not as they came. */
		assert_int_equal(s[i]->n_flows, 5);
		assert_int_equal(s[i]->flow_port[0], 1);
		assert_int_equal(s[i]->flow_port[1], 3);
		assert_int_equal(s[i]->flow_port[2], 2);
		assert_int_equal(s[i]->flow_port[3], 4);
		assert_int_equal(s[i]->flow_port[4], 5);
		assert_int_equal(s[i]->flow_end[2], S + SEC(62));
		assert_false(s[i]->flow_late[3]);
		assert_true(s[i]->flow_late[4]);
		assert_int_equal(s[i]->n_dns, 2);
		assert_int_equal(s[i]->dns_id[0], 7);
		assert_int_equal(s[i]->dns_id[1], 8);
		assert_int_equal(s[i]->n_closes, 2);
		assert_int_equal(s[i]->close_start[0], S);
		assert_int_equal(s[i]->close_end[0], S + SEC(60));
		assert_int_equal(s[i]->close_records[0], 2);
		assert_int_equal(s[i]->close_start[1], S + SEC(60));
		assert_int_equal(s[i]->close_records[1], 3);
		/* Opened: the first (nothing before), the second, the third
		 * (after the flush). */
		assert_int_equal(s[i]->n_opens, 3);
		assert_int_equal(s[i]->open_start[0], S);
		assert_int_equal(s[i]->open_prev[0], 0);
		assert_int_equal(s[i]->open_start[1], S + SEC(60));
		assert_int_equal(s[i]->open_prev[1], S + SEC(60));
		assert_int_equal(s[i]->open_start[2], S + SEC(120));
		assert_int_equal(s[i]->open_prev[2], S + SEC(120));
		assert_string_equal(s[i]->log, "ofdfcwofffdcwo");
	}
	/* b read what a noted in the same record. */
	assert_int_equal(fx->b.noted, COL_CLASS_OUTWEB);
	/* The sections in the order of registration. */
	assert_string_equal(fx->last_report, "{\"a\":5,\"b\":5}");
}

/* An interval that held nothing is opened but neither closed nor written. */
static void
test_consumer_engine_empty_interval_is_only_opened(void **state)
{
	struct fx *fx = *state;

	add(fx, 1, S + SEC(10));
	/* Hours later: the intervals between are jumped over. */
	add(fx, 2, S + SEC(7200) + SEC(10));
	/* Live: the clock closes [S + 7200 s, + 60 s), then the empty one
	 * after it, which is not reported. */
	col_engine_tick(fx->e, S + SEC(7270));
	col_engine_tick(fx->e, S + SEC(7500));
	assert_int_equal(fx->reports, 2);
	assert_int_equal(fx->a.n_closes, 2);
	assert_int_equal(fx->a.close_start[1], S + SEC(7200));
	assert_int_equal(fx->a.n_opens, 4);
	assert_int_equal(fx->a.open_start[1], S + SEC(7200));
	assert_int_equal(fx->a.open_prev[1], S + SEC(60));
	assert_int_equal(fx->a.open_start[2], S + SEC(7260));
	assert_int_equal(fx->a.open_prev[2], S + SEC(7260));
	assert_int_equal(fx->a.open_start[3], S + SEC(7440));
	assert_int_equal(fx->a.open_prev[3], S + SEC(7320));
	assert_string_equal(fx->a.log, "ofcwofcwoo");
	assert_string_equal(fx->b.log, "ofcwofcwoo");
}

/* A DNS record opens the first interval and counts as something in it. */
static void
test_consumer_engine_dns_alone_is_reported(void **state)
{
	struct fx *fx = *state;

	add_dns(fx, 9, S + SEC(5));
	col_engine_flush(fx->e);
	assert_int_equal(fx->reports, 1);
	assert_int_equal(fx->a.n_dns, 1);
	assert_int_equal(fx->a.n_flows, 0);
	assert_int_equal(fx->a.close_start[0], S);
	assert_int_equal(fx->a.close_records[0], 0);
	assert_string_equal(fx->a.log, "odcwo");
}

static void
test_consumer_add_full_or_nameless_is_refused(void **state)
{
	struct col_consumers *l = col_consumers_new();
	struct col_consumer c = { .name = "x" };
	struct col_consumer nameless = { .name = NULL };
	GError *err = NULL;
	size_t i;

	(void)state;
	assert_false(col_consumers_add(l, &nameless, &err));
	assert_non_null(err);
	g_clear_error(&err);
	for (i = 0; i < COL_CONSUMERS_MAX; i++)
		assert_true(col_consumers_add(l, &c, NULL));
	assert_false(col_consumers_add(l, &c, &err));
	assert_non_null(err);
	assert_non_null(strstr(err->message, "x"));
	g_clear_error(&err);
	assert_int_equal(col_consumers_count(l), COL_CONSUMERS_MAX);
	/* Hooks left NULL are skipped. */
	col_consumers_open(l, S, 0);
	col_consumers_free(l);
	col_consumers_free(NULL);
	assert_int_equal(col_consumers_count(NULL), 0);
}

/* The report hook: every consumer that has one sees the same document. */
static void
seen_report(void *self, JsonNode *doc, const struct col_interval *iv)
{
	JsonNode **last = self;

	(void)iv;
	*last = doc;
}

static void
test_consumer_report_hook_takes_the_document(void **state)
{
	struct col_consumers *l = col_consumers_new();
	JsonNode *a = NULL, *b = NULL;
	JsonNode *doc = json_node_new(JSON_NODE_OBJECT);
	struct col_consumer ca = { .name = "a",
		.self = &a,
		.report = seen_report };
	struct col_consumer none = { .name = "none" };
	struct col_consumer cb = { .name = "b",
		.self = &b,
		.report = seen_report };

	(void)state;
	json_node_take_object(doc, json_object_new());
	/* The tree is wanted as soon as one consumer has the hook. */
	assert_false(col_consumers_want_report(NULL));
	assert_false(col_consumers_want_report(l));
	assert_true(col_consumers_add(l, &none, NULL));
	assert_false(col_consumers_want_report(l));
	assert_true(col_consumers_add(l, &ca, NULL));
	assert_true(col_consumers_want_report(l));
	assert_true(col_consumers_add(l, &cb, NULL));
	/* No document (the report could not be built): nothing called. */
	col_consumers_report(l, NULL, NULL);
	assert_null(a);
	col_consumers_report(l, doc, NULL);
	assert_ptr_equal(a, doc);
	assert_ptr_equal(b, doc);
	col_consumers_report(NULL, doc, NULL);
	json_node_unref(doc);
	col_consumers_free(l);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_consumer_engine_hands_records_closes_in_order),
		T(test_consumer_engine_empty_interval_is_only_opened),
		T(test_consumer_engine_dns_alone_is_reported),
		cmocka_unit_test(test_consumer_add_full_or_nameless_is_refused),
		cmocka_unit_test(test_consumer_report_hook_takes_the_document),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
