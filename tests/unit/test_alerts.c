/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-test-alerts"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <cmocka.h>
#include <json-glib/json-glib.h>

#include "collector/model/consumer.h"
#include "collector/output/alert_rules.h"
#include "collector/output/alert_sinks.h"
#include "collector/output/alerts.h"

/* A report at minute m with the given sections (JSON members). */
static JsonNode *
report(int m, const char *members)
{
	g_autofree char *t = g_strdup_printf(
	    "{\"interval\": {\"start\": \"2026-01-15T10:%02d:00Z\", "
	    "\"end\": \"2026-01-15T10:%02d:00Z\"}%s%s}",
	    m, m + 1, members[0] ? ", " : "", members);
	JsonNode *n = json_from_string(t, NULL);

	assert_non_null(n);
	return n;
}

static size_t
judge(struct col_alert_rules *r, int m, const char *members, GPtrArray *out)
{
	g_autoptr(JsonNode) doc = report(m, members);

	return col_alert_rules_judge(r, doc, 0, out);
}

/* An empty list of alerts, as col_alert_rules_judge() takes it. */
static GPtrArray *
alerts_new(void)
{
	return g_ptr_array_new_with_free_func((GDestroyNotify)json_node_unref);
}

static const char *
field(GPtrArray *out, guint i, const char *k)
{
	return json_object_get_string_member(json_node_get_object(
	                                         out->pdata[i]),
	    k);
}

#define HIT                                                                  \
	"\"blocklist\": {\"hits\": [{\"list\": \"drop.txt\", \"line\": 3, "  \
	"\"entry\": \"198.51.100.0/24\", \"kind\": \"ip\", \"match\": "      \
	"\"198.51.100.7\", \"device\": \"192.168.1.5\", \"via\": \"flow\", " \
	"\"flows\": 2, \"bytes\": 300}]}"
#define DEV                                                                 \
	"\"devices\": [{\"id\": \"aa:bb:cc:dd:ee:ff\", \"mac\": "           \
	"\"aa:bb:cc:dd:ee:ff\", \"name\": \"kids-tablet\", \"addresses\": " \
	"[\"192.168.1.5\"], \"bytes_out\": 600, \"bytes_in\": 500, "        \
	"\"flows\": 4}]"

static void
test_alert_rules_judge_dedup_window_and_restart(void **state)
{
	g_autofree char *dir = g_dir_make_tmp("mfal-XXXXXX", NULL);
	g_autofree char *sf = g_build_filename(dir, "alerts.state", NULL);
	struct col_alert_rules_config c = { sf, 3600, TRUE, 0, 0, NULL, NULL };
	GPtrArray *out =
	    g_ptr_array_new_with_free_func((GDestroyNotify)json_node_unref);
	struct col_alert_rules *r;

	(void)state;
	r = col_alert_rules_new(&c, NULL);
	assert_int_equal(judge(r, 0, DEV ", " HIT, out), 2);
	assert_string_equal(field(out, 0, "type"), "new_device");
	assert_string_equal(field(out, 1, "type"), "blocklist");
	/* The device of the hit is named from the devices section. */
	assert_non_null(strstr(field(out, 1, "text"),
	    "kids-tablet (aa:bb:cc:dd:ee:ff, 192.168.1.5) talked to "
	    "198.51.100.7, listed in drop.txt line 3"));
	/* The same again within the window: nothing. */
	assert_int_equal(judge(r, 1, DEV ", " HIT, out), 0);
	col_alert_rules_free(r);
	/* A restart reads the state: still nothing. */
	r = col_alert_rules_new(&c, NULL);
	assert_int_equal(judge(r, 2, DEV ", " HIT, out), 0);
	col_alert_rules_free(r);
	/* Without the state file the same report alerts again. */
	g_unlink(sf);
	r = col_alert_rules_new(&c, NULL);
	assert_int_equal(judge(r, 3, DEV ", " HIT, out), 2);
	col_alert_rules_free(r);
	g_unlink(sf);
	g_rmdir(dir);
	g_ptr_array_unref(out);
}

static void
test_alert_rules_judge_anomaly_once_per_start(void **state)
{
	struct col_alert_rules_config c = { NULL, 60, TRUE, 0, 0, NULL, NULL };
	GPtrArray *out =
	    g_ptr_array_new_with_free_func((GDestroyNotify)json_node_unref);
	struct col_alert_rules *r = col_alert_rules_new(&c, NULL);
	const char *scan = "\"anomalies\": [{\"type\": \"port_scan_vertical\", "
	                   "\"ip\": \"192.168.1.9\", \"side\": \"internal\", "
	                   "\"role\": \"source\", \"target_count\": 1, "
	                   "\"flows\": 120, \"score\": 7, \"evidence\": "
	                   "{\"ports\": 120}}]";
	const char *with_state =
	    "\"anomalies\": [{\"type\": \"fan_out\", \"ip\": \"10.0.0.1\", "
	    "\"side\": \"internal\", \"state\": \"active\"}]";

	(void)state;
	/* Without states: new the first time it is listed. */
	assert_int_equal(judge(r, 0, scan, out), 1);
	assert_string_equal(field(out, 0, "what"), "port_scan_vertical");
	assert_int_equal(judge(r, 1, scan, out), 0);
	/* Gone for a report, back after the window: new again. */
	assert_int_equal(judge(r, 2, "", out), 0);
	assert_int_equal(judge(r, 3, scan, out), 1);
	/* With states, only "new" alerts. */
	assert_int_equal(judge(r, 4, with_state, out), 0);
	col_alert_rules_free(r);
	g_ptr_array_unref(out);
}

static void
test_alert_rules_judge_quota_and_exporters(void **state)
{
	char q0[] = "AA:BB:CC:DD:EE:FF=2000", b0[] = "nobytes";
	char *q[] = { q0, NULL };
	struct col_alert_rules_config c = { NULL, 86400, FALSE, 2, 0, q, NULL };
	GPtrArray *out =
	    g_ptr_array_new_with_free_func((GDestroyNotify)json_node_unref);
	struct col_alert_rules *r = col_alert_rules_new(&c, NULL);
	const char *quiet = "\"exporters\": [{\"address\": \"192.0.2.1\", "
	                    "\"port\": 4739, \"observation_domain\": 0, "
	                    "\"records\": 0, \"lost\": 0}]";
	char *badq[] = { b0, NULL };
	struct col_alert_rules_config bad = { NULL, 60, TRUE, 0, 0, badq,
		NULL };

	(void)state;
	/* 1100 bytes, then 2200: over 2000 once. */
	assert_int_equal(judge(r, 0, DEV, out), 0);
	assert_int_equal(judge(r, 1, DEV, out), 1);
	assert_string_equal(field(out, 0, "type"), "quota");
	assert_int_equal(judge(r, 2, DEV, out), 0);
	/* Silent for two reports: one alert. */
	assert_int_equal(judge(r, 3, quiet, out), 0);
	assert_int_equal(judge(r, 4, quiet, out), 1);
	assert_string_equal(field(out, 1, "type"), "exporter_silent");
	assert_int_equal(judge(r, 5, quiet, out), 0);
	assert_null(col_alert_rules_new(&bad, NULL));
	col_alert_rules_free(r);
	g_ptr_array_unref(out);
}

/* Member k of the alert's remote, NULL if it or the remote is null. */
static const char *
remote(GPtrArray *out, guint i, const char *k)
{
	JsonObject *o = json_node_get_object(out->pdata[i]);
	JsonNode *n = json_object_get_member(o, "remote");

	assert_non_null(n);
	if (JSON_NODE_HOLDS_NULL(n))
		return NULL;
	n = json_object_get_member(json_node_get_object(n), k);
	assert_non_null(n);
	return JSON_NODE_HOLDS_NULL(n) ? NULL : json_node_get_string(n);
}

static gboolean
remote_is_null(GPtrArray *out, guint i)
{
	return JSON_NODE_HOLDS_NULL(
	    json_object_get_member(json_node_get_object(out->pdata[i]),
	        "remote"));
}

#define BL_HIT(kind, match, via, raddr, rname)                               \
	"{\"list\": \"l\", \"line\": 1, \"entry\": \"e\", \"kind\": \"" kind \
	"\", \"match\": \"" match "\", \"device\": \"192.168.1.5\", "        \
	"\"via\": \"" via "\", \"remote_address\": " raddr                   \
	", \"remote_name\": " rname ", \"flows\": 1, \"bytes\": 10}"

/* A blocklist hit gives the remote whole: address and name. */
static void
test_alert_rules_judge_blocklist_remote_whole(void **state)
{
	struct col_alert_rules_config c = { NULL, 60, FALSE, 0, 0, NULL, NULL };
	GPtrArray *out = alerts_new();
	struct col_alert_rules *r = col_alert_rules_new(&c, NULL);
	const char *hits = "\"blocklist\": {\"hits\": ["
	    /* 0: an address hit whose flow had a label */
	    BL_HIT("ip", "198.51.100.7", "flow", "\"198.51.100.7\"",
	        "\"cdn.evil.example\"") ", "
	    /* 1: a name resolved to an address */
	    BL_HIT("domain", "evil.example", "dns_query", "\"198.51.100.9\"",
	        "\"evil.example\"") ", "
	    /* 2: a name with no address known */
	    BL_HIT("domain", "noanswer.example", "dns_query", "null",
	        "\"noanswer.example\"") ", "
	    /* 3: an address with no name; 4: a report without the halves */
	    BL_HIT("ip", "198.51.100.8", "flow", "\"198.51.100.8\"",
	        "null") ", "
	                "{\"list\": \"l\", \"line\": 2, \"kind\": \"domain\", "
	                "\"match\": "
	                "\"old.example\", \"device\": \"192.168.1.5\", "
	                "\"via\": \"label\"}"
	                "]}";

	(void)state;
	assert_int_equal(judge(r, 0, hits, out), 5);
	assert_string_equal(remote(out, 0, "address"), "198.51.100.7");
	assert_string_equal(remote(out, 0, "name"), "cdn.evil.example");
	assert_null(remote(out, 0, "country")); /* no [geo] */
	assert_non_null(strstr(field(out, 0, "text"),
	    "device 192.168.1.5 talked to cdn.evil.example at 198.51.100.7, "
	    "listed in l line 1 (e): 1 flows, 10 bytes"));
	assert_string_equal(remote(out, 1, "address"), "198.51.100.9");
	assert_string_equal(remote(out, 1, "name"), "evil.example");
	assert_non_null(strstr(field(out, 1, "text"),
	    "device 192.168.1.5 resolved evil.example to 198.51.100.9, "
	    "listed in l line 1 (e): 1 DNS records, 10 bytes"));
	assert_null(remote(out, 2, "address"));
	assert_string_equal(remote(out, 2, "name"), "noanswer.example");
	assert_non_null(
	    strstr(field(out, 2, "text"), "resolved noanswer.example, listed"));
	assert_string_equal(remote(out, 3, "address"), "198.51.100.8");
	assert_null(remote(out, 3, "name"));
	assert_non_null(
	    strstr(field(out, 3, "text"), "talked to 198.51.100.8, listed"));
	assert_null(remote(out, 4, "address"));
	assert_string_equal(remote(out, 4, "name"), "old.example");
	col_alert_rules_free(r);
	g_ptr_array_unref(out);
}

#define ANOM(type, ip, side, targets, count, ev)                         \
	"{\"type\": \"" type "\", \"ip\": \"" ip "\", \"side\": \"" side \
	"\", \"role\": \"source\", \"targets\": " targets                \
	", \"target_count\": " count ", \"flows\": 30, \"score\": 5, "   \
	"\"evidence\": " ev "}"

/* An anomaly's remote: the outside host, or a device's single target. */
static void
test_alert_rules_judge_anomaly_remote(void **state)
{
	struct col_alert_rules_config c = { NULL, 60, FALSE, 0, 0, NULL, NULL };
	GPtrArray *out = alerts_new();
	struct col_alert_rules *r = col_alert_rules_new(&c, NULL);
	const char *a = "\"anomalies\": ["
	    /* 0: a device beaconing to one host, named in the evidence */
	    ANOM("beacon", "192.168.1.5", "internal", "[\"198.51.100.7\"]", "1",
	        "{\"remote\": \"c2.example\", \"contacts\": 40}") ", "
	    /* 1: a device scanning two hosts: no single remote */
	    ANOM("fan_out", "192.168.1.6", "internal",
	        "[\"198.51.100.1\", \"198.51.100.2\"]", "2", "{}") ", "
	    /* 2: one target listed of a count of 3: not the remote */
	    ANOM("port_scan_vertical", "192.168.1.7", "internal",
	        "[\"198.51.100.3\"]", "3", "{}") ", "
	    /* 3: a DNS tunnel: the domain is the remote's name */
	    ANOM("dns_tunnel", "192.168.1.8", "internal", "[]", "0",
	        "{\"domain\": \"t.example\"}") ", "
	    /* 4: an outside scanner: the remote, no device */
	    ANOM("port_scan_horizontal", "203.0.113.4", "external",
	        "[\"192.168.1.5\"]", "1", "{}") "]";

	(void)state;
	assert_int_equal(judge(r, 0, a, out), 5);
	assert_string_equal(remote(out, 0, "address"), "198.51.100.7");
	assert_string_equal(remote(out, 0, "name"), "c2.example");
	assert_non_null(strstr(field(out, 0, "text"),
	    "beacon started: device 192.168.1.5 as source, remote c2.example "
	    "at 198.51.100.7, 1 targets, 30 flows, score 5"));
	assert_true(remote_is_null(out, 1));
	assert_non_null(strstr(field(out, 1, "text"),
	    "fan_out started: device 192.168.1.6 as source, 2 targets"));
	assert_true(remote_is_null(out, 2));
	assert_null(remote(out, 3, "address"));
	assert_string_equal(remote(out, 3, "name"), "t.example");
	assert_non_null(strstr(field(out, 3, "text"),
	    "as source, remote t.example, 0 targets"));
	assert_string_equal(remote(out, 4, "address"), "203.0.113.4");
	assert_null(remote(out, 4, "name"));
	assert_true(JSON_NODE_HOLDS_NULL(
	    json_object_get_member(json_node_get_object(out->pdata[4]),
	        "device")));
	col_alert_rules_free(r);
	g_ptr_array_unref(out);
}

/* Evidence member k of alert i. */
static int64_t
evidence(GPtrArray *out, guint i, const char *k)
{
	return json_object_get_int_member(
	    json_object_get_object_member(json_node_get_object(out->pdata[i]),
	        "evidence"),
	    k);
}

#define LOSS(lost)                                                      \
	"\"exporters\": [{\"address\": \"192.0.2.1\", \"port\": 4739, " \
	"\"observation_domain\": 7, \"records\": 500, \"lost\": " lost "}]"

/* "lost" 0 is no loss; 1 alerts once per window, with the numbers. */
static void
test_alert_rules_judge_exporter_loss_edges(void **state)
{
	struct col_alert_rules_config c = { NULL, 120, FALSE, 0, 0, NULL,
		NULL };
	GPtrArray *out = alerts_new();
	struct col_alert_rules *r = col_alert_rules_new(&c, NULL);

	(void)state;
	assert_int_equal(judge(r, 0, LOSS("0"), out), 0);
	assert_int_equal(judge(r, 1, LOSS("1"), out), 1);
	assert_string_equal(field(out, 0, "type"), "exporter_loss");
	assert_string_equal(field(out, 0, "what"), "192.0.2.1:4739/7");
	assert_true(remote_is_null(out, 0));
	assert_string_equal(field(out, 0, "text"),
	    "exporter 192.0.2.1:4739/7 lost 1 records (sequence gaps) of 500");
	assert_int_equal(evidence(out, 0, "lost"), 1);
	assert_int_equal(evidence(out, 0, "records"), 500);
	/* Within the window (120 s: minutes 1 and 2): once. */
	assert_int_equal(judge(r, 2, LOSS("9"), out), 0);
	/* At minute 3 the window from minute 1 is over: again. */
	assert_int_equal(judge(r, 3, LOSS("9"), out), 1);
	assert_int_equal(evidence(out, 1, "lost"), 9);
	col_alert_rules_free(r);
	g_ptr_array_unref(out);
}

#define DEV2                                                                 \
	"\"devices\": [{\"id\": \"aa:bb:cc:dd:ee:ff\", \"mac\": "            \
	"\"aa:bb:cc:dd:ee:ff\", \"addresses\": [\"192.168.1.5\"], "          \
	"\"bytes_out\": 600, \"bytes_in\": 500}, {\"id\": \"192.168.1.9\", " \
	"\"addresses\": [\"192.168.1.9\"], \"bytes_out\": 1000, "            \
	"\"bytes_in\": 101}]"

/*
 * The default quota: reaching it is not over it (1100 of 1100), one byte
 * more is; a device's own quota replaces the default; a new UTC day
 * counts from 0.
 */
static void
test_alert_rules_judge_default_quota_edges(void **state)
{
	char q0[] = "192.168.1.5=5000";
	char *q[] = { q0, NULL };
	struct col_alert_rules_config c = { NULL, 60, FALSE, 0, 1100, NULL,
		NULL };
	struct col_alert_rules_config own = { NULL, 60, FALSE, 0, 1100, q,
		NULL };
	GPtrArray *out = alerts_new();
	struct col_alert_rules *r = col_alert_rules_new(&c, NULL);
	g_autoptr(JsonNode) next_day = json_from_string(
	    "{\"interval\": {\"start\": \"2026-01-16T00:00:00Z\", \"end\": "
	    "\"2026-01-16T00:01:00Z\"}, " DEV2 "}",
	    NULL);

	(void)state;
	/* aa:bb..: 1100 (at the quota); 192.168.1.9: 1101 (one over). */
	assert_int_equal(judge(r, 0, DEV2, out), 1);
	assert_string_equal(field(out, 0, "type"), "quota");
	assert_string_equal(field(out, 0, "what"), "2026-01-15");
	assert_string_equal(field(out, 0, "text"),
	    "device 192.168.1.9 moved 1101 bytes on 2026-01-15, over its "
	    "quota of 1100");
	assert_int_equal(evidence(out, 0, "bytes"), 1101);
	assert_int_equal(evidence(out, 0, "quota"), 1100);
	/* 2200 and 2202: the first goes over, the second was over. */
	assert_int_equal(judge(r, 1, DEV2, out), 1);
	assert_string_equal(json_object_get_string_member(
	                        json_object_get_object_member(
	                            json_node_get_object(out->pdata[1]),
	                            "device"),
	                        "id"),
	    "aa:bb:cc:dd:ee:ff");
	assert_int_equal(evidence(out, 1, "bytes"), 2200);
	/* The next UTC day starts from 0: 1101 is over again. */
	assert_int_equal(col_alert_rules_judge(r, next_day, 0, out), 1);
	assert_string_equal(field(out, 2, "what"), "2026-01-16");
	col_alert_rules_free(r);
	/* Its own quota (by address) replaces the default for aa:bb..:
	 * 2200 is under 5000; 192.168.1.9 keeps the default. */
	r = col_alert_rules_new(&own, NULL);
	assert_int_equal(judge(r, 0, DEV2, out), 1);
	assert_int_equal(judge(r, 1, DEV2, out), 0);
	assert_string_equal(json_object_get_string_member(
	                        json_object_get_object_member(
	                            json_node_get_object(out->pdata[3]),
	                            "device"),
	                        "id"),
	    "192.168.1.9");
	col_alert_rules_free(r);
	g_ptr_array_unref(out);
}

static void
test_alert_sinks_formats(void **state)
{
	struct col_alert_rules_config c = { NULL, 60, TRUE, 0, 0, NULL, NULL };
	GPtrArray *out =
	    g_ptr_array_new_with_free_func((GDestroyNotify)json_node_unref);
	struct col_alert_rules *r = col_alert_rules_new(&c, NULL);
	g_autofree char *idea = NULL, *sys = NULL;
	g_autoptr(JsonNode) in = NULL;
	JsonObject *o;
	char **env;

	(void)state;
	assert_int_equal(judge(r, 0, DEV ", " HIT, out), 2);
	idea = col_sink_format_idea(out->pdata[1], "2026-01-15T10:01:05Z");
	in = json_from_string(idea, NULL);
	o = json_node_get_object(in);
	assert_string_equal(json_object_get_string_member(o, "Format"),
	    "IDEA0");
	assert_string_equal(json_object_get_string_member(o, "DetectTime"),
	    "2026-01-15T10:01:00Z");
	assert_string_equal(json_array_get_string_element(
	                        json_object_get_array_member(o, "Category"), 0),
	    "Anomaly.Connection");
	assert_string_equal(
	    json_array_get_string_element(
	        json_object_get_array_member(
	            json_array_get_object_element(
	                json_object_get_array_member(o, "Target"), 0),
	            "IP4"),
	        0),
	    "198.51.100.7");
	sys = col_sink_format_syslog(out->pdata[1], "router", 42);
	assert_true(g_str_has_prefix(sys,
	    "<28>1 2026-01-15T10:01:00Z router minflow-collector 42 ALERT - "
	    "{\"id\":"));
	env = col_sink_format_env(out->pdata[1]);
	assert_string_equal(env[2], "MINFLOW_ALERT_TYPE=blocklist");
	assert_string_equal(env[4], "MINFLOW_ALERT_DEVICE=aa:bb:cc:dd:ee:ff");
	assert_string_equal(env[5], "MINFLOW_ALERT_REMOTE=198.51.100.7");
	assert_string_equal(env[6],
	    "MINFLOW_ALERT_REMOTE_ADDRESS=198.51.100.7");
	assert_string_equal(env[7], "MINFLOW_ALERT_REMOTE_NAME=");
	assert_string_equal(env[8], "MINFLOW_ALERT_REMOTE_COUNTRY=");
	assert_null(env[9]);
	g_strfreev(env);
	col_alert_rules_free(r);
	g_ptr_array_unref(out);
}

/* The alerts of one report with a device and a hit (two). */
static GPtrArray *
two_alerts(void)
{
	struct col_alert_rules_config c = { NULL, 60, TRUE, 0, 0, NULL, NULL };
	GPtrArray *out =
	    g_ptr_array_new_with_free_func((GDestroyNotify)json_node_unref);
	struct col_alert_rules *r = col_alert_rules_new(&c, NULL);

	assert_int_equal(judge(r, 0, DEV ", " HIT, out), 2);
	col_alert_rules_free(r);
	return out;
}

static guint
lines_of(const char *path)
{
	g_autofree char *text = NULL;
	guint n = 0;
	const char *p;

	if (!g_file_get_contents(path, &text, NULL, NULL))
		return 0;
	for (p = text; *p != '\0'; p++)
		n += *p == '\n';
	return n;
}

static void
test_alert_sinks_file_rate_rotation_and_queue(void **state)
{
	g_autofree char *dir = g_dir_make_tmp("mfsink-XXXXXX", NULL);
	g_autofree char *f = g_build_filename(dir, "a.jsonl", NULL);
	g_autofree char *f1 = g_strdup_printf("%s.1", f);
	struct col_sink_config c = { COL_SINK_FILE, f, FALSE, 300, 1, 0, 0, 8,
		2 };
	GPtrArray *out = two_alerts();
	struct col_sink_stats st;
	struct col_sink *s;
	int i;

	(void)state;
	s = col_sink_new(&c, NULL);
	assert_non_null(s);
	/* Five pushes, a rate of 2: two sent, three over the rate. */
	for (i = 0; i < 5; i++)
		col_sink_push(s, out->pdata[i % 2]);
	col_sink_stop(s);
	col_sink_get_stats(s, &st);
	assert_int_equal(st.sent, 2);
	assert_int_equal(st.limited, 3);
	assert_int_equal(st.failed, 0);
	/* Each alert is over 300 bytes: the second rotated the first. */
	assert_int_equal(lines_of(f), 1);
	assert_int_equal(lines_of(f1), 1);
	col_sink_free(s);
	/* A full queue drops its oldest (no worker: stopped). */
	c.queue = 2;
	c.rate = 100;
	s = col_sink_new(&c, NULL);
	col_sink_stop(s);
	for (i = 0; i < 3; i++)
		col_sink_push(s, out->pdata[0]);
	col_sink_get_stats(s, &st);
	assert_int_equal(st.dropped, 1);
	col_sink_free(s);
	g_unlink(f);
	g_unlink(f1);
	g_rmdir(dir);
	g_ptr_array_unref(out);
}

static void
test_alert_sinks_command_env_and_timeout(void **state)
{
	g_autofree char *dir = g_dir_make_tmp("mfcmd-XXXXXX", NULL);
	g_autofree char *sh = g_build_filename(dir, "cmd", NULL);
	g_autofree char *slow = g_build_filename(dir, "slow", NULL);
	g_autofree char *got = g_build_filename(dir, "got", NULL);
	g_autofree char *script = g_strdup_printf(
	    "#!/bin/sh\nprintf '%%s|%%s' \"$MINFLOW_ALERT_TYPE\" "
	    "\"$MINFLOW_ALERT_REMOTE\" > %s\n",
	    got);
	g_autofree char *text = NULL;
	struct col_sink_config c = { COL_SINK_COMMAND, sh, FALSE, 0, 0, 0, 1, 8,
		100 };
	GPtrArray *out = two_alerts();
	struct col_sink_stats st;
	struct col_sink *s;

	(void)state;
	assert_true(g_file_set_contents(sh, script, -1, NULL));
	assert_true(
	    g_file_set_contents(slow, "#!/bin/sh\nsleep 30\n", -1, NULL));
	g_chmod(sh, 0700);
	g_chmod(slow, 0700);
	s = col_sink_new(&c, NULL);
	col_sink_push(s, out->pdata[1]);
	col_sink_stop(s);
	col_sink_get_stats(s, &st);
	assert_int_equal(st.sent, 1);
	assert_true(g_file_get_contents(got, &text, NULL, NULL));
	assert_string_equal(text, "blocklist|198.51.100.7");
	col_sink_free(s);
	/* Killed after its timeout of 1 s: failed. */
	c.target = slow;
	s = col_sink_new(&c, NULL);
	col_sink_push(s, out->pdata[1]);
	col_sink_stop(s);
	col_sink_get_stats(s, &st);
	assert_int_equal(st.sent, 0);
	assert_int_equal(st.failed, 1);
	col_sink_free(s);
	/* Not an absolute executable path: refused at start. */
	c.target = "cmd";
	assert_null(col_sink_new(&c, NULL));
	g_unlink(sh);
	g_unlink(slow);
	g_unlink(got);
	g_rmdir(dir);
	g_ptr_array_unref(out);
}

static void
test_alert_sinks_format_ntfy(void **state)
{
	GPtrArray *out = two_alerts();
	g_autofree char *body = NULL;
	char **h = col_sink_format_ntfy(out->pdata[1], &body);

	(void)state;
	assert_string_equal(h[0], "Title: minflow: blocklist drop.txt");
	assert_string_equal(h[1], "Priority: high");
	assert_string_equal(h[2], "Tags: warning,blocklist");
	assert_null(h[4]);
	assert_true(g_str_has_prefix(body,
	    "kids-tablet (aa:bb:cc:dd:ee:ff, "
	    "192.168.1.5) talked to "));
	g_strfreev(h);
	g_free(g_steal_pointer(&body));
	h = col_sink_format_ntfy(out->pdata[0], &body);
	assert_string_equal(h[1], "Priority: default");
	g_strfreev(h);
	g_ptr_array_unref(out);
}

static void
test_alert_sinks_syslog_udp(void **state)
{
	struct sockaddr_in sin = { 0 };
	socklen_t len = sizeof(sin);
	GPtrArray *out = two_alerts();
	char target[64], buf[4096];
	struct col_sink_config c = { COL_SINK_SYSLOG, target, FALSE, 0, 0, 0, 0,
		8, 100 };
	struct col_sink_stats st;
	struct col_sink *s;
	ssize_t n;
	int fd;

	(void)state;
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	g_snprintf(target, sizeof(target), "udp:127.0.0.1:%u",
	    ntohs(sin.sin_port));
	s = col_sink_new(&c, NULL);
	assert_non_null(s);
	col_sink_push(s, out->pdata[1]);
	col_sink_stop(s);
	col_sink_get_stats(s, &st);
	assert_int_equal(st.sent, 1);
	n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_true(g_str_has_prefix(buf, "<28>1 2026-01-15T10:01:00Z "));
	assert_non_null(strstr(buf, " minflow-collector "));
	assert_non_null(strstr(buf, " ALERT - {\"id\":"));
	col_sink_free(s);
	/* Neither unix: nor udp:: refused. */
	g_strlcpy(target, "tcp:127.0.0.1:514", sizeof(target));
	assert_null(col_sink_new(&c, NULL));
	close(fd);
	g_ptr_array_unref(out);
}

/*
 * Without a sink the alerts consumer judges nothing, so it has no report
 * hook and asks for no report tree (collector/main.c makes none then);
 * with one it has the hook.
 */
static void
test_alerts_consumer_report_hook_only_with_a_sink(void **state)
{
	g_autofree char *dir = g_dir_make_tmp("test_alerts.XXXXXX", NULL);
	g_autofree char *file = g_build_filename(dir, "alerts.jsonl", NULL);
	char empty[] = "", json[] = "json";
	struct col_conf_alerts cfg = { .state_file = empty,
		.file = empty,
		.idea_file = empty,
		.syslog = empty,
		.webhook = empty,
		.webhook_format = json,
		.command = empty,
		.window = 86400,
		.rate = 60,
		.queue = 256,
		.file_max_size = 10485760,
		.file_keep = 5,
		.command_timeout = 10,
		.webhook_retries = 3,
		.silent_intervals = 3 };
	struct col_alerts *a;
	struct col_consumer c;

	(void)state;
	assert_non_null(dir);
	assert_non_null(a = col_alerts_new(&cfg, NULL, FALSE, NULL));
	c = col_alerts_consumer(a);
	assert_string_equal(c.name, "alerts");
	assert_null(c.report);
	col_alerts_free(a);
	cfg.file = file;
	assert_non_null(a = col_alerts_new(&cfg, NULL, FALSE, NULL));
	c = col_alerts_consumer(a);
	assert_non_null(c.report);
	col_alerts_free(a);
	(void)g_unlink(file);
	assert_int_equal(g_rmdir(dir), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    test_alert_rules_judge_dedup_window_and_restart),
		cmocka_unit_test(test_alert_rules_judge_anomaly_once_per_start),
		cmocka_unit_test(test_alert_rules_judge_quota_and_exporters),
		cmocka_unit_test(test_alert_rules_judge_blocklist_remote_whole),
		cmocka_unit_test(test_alert_rules_judge_anomaly_remote),
		cmocka_unit_test(test_alert_rules_judge_exporter_loss_edges),
		cmocka_unit_test(test_alert_rules_judge_default_quota_edges),
		cmocka_unit_test(test_alert_sinks_formats),
		cmocka_unit_test(
		    test_alerts_consumer_report_hook_only_with_a_sink),
		cmocka_unit_test(test_alert_sinks_file_rate_rotation_and_queue),
		cmocka_unit_test(test_alert_sinks_command_env_and_timeout),
		cmocka_unit_test(test_alert_sinks_format_ntfy),
		cmocka_unit_test(test_alert_sinks_syslog_udp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
