/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_ANOMALY_H
#define COL_ANOMALY_H

/*
 * anomaly: the collector's anomaly detectors (fan_out, port_scan_vertical,
 * port_scan_horizontal, syn_scan, half_open, brute_force,
 * dns_amplification, ddos_target, udp_reflection, dns_tunnel, beacon;
 * minflow.conf(5) [anomaly.NAME]).
 *
 * Feed: the detectors' consumer (collector/output/report_anomaly.h)
 * calls col_anomaly_add() for every flow record the engine hands on
 * (after classification, with the table ids it touched) and
 * col_anomaly_close() when a report interval closes, before the report is
 * built; the report then reads col_anomaly_list().
 *
 * State: each detector keeps one table of fixed-size slots (two for
 * half_open: per target and per source), [anomaly] hosts slots each, 8-way
 * set associative on a keyed hash.  A slot holds one key's counters for
 * one window of flow time ([anomaly.NAME] window seconds, from the key's
 * first flow); when a flow comes after the window, or the slot is evicted
 * (a full set gives up its slot with the fewest flows, ties the oldest:
 * heavy hitters stay), the window is judged first, so eviction loses no
 * finding, only counts ("evicted").  Distinct counts use
 * collector/analytics/hll.h.
 *
 * Probes (TCP flows with SYN and no ACK, UDP flows that are not shaped
 * like a server's reply) wait in a bounded list ([anomaly] pending) until
 * the interval closes: by then the stream table has joined uniflow pairs,
 * so a probe whose stream carried packets the other way was answered.  A
 * biflow record says so itself (rev_packets).  Probes beyond the list are
 * judged at once as unanswered and counted ("unchecked").  A reply that
 * comes in a later interval than its probe is missed.
 *
 * Findings: a judged window over its thresholds becomes an entry of the
 * active list ([anomaly] active entries), one per (type, address): a
 * repeat offender updates its entry (last seen, cumulative flows, number
 * of detections, merged targets, the newest evidence, the highest score).
 * A full list drops the entry seen least recently (counted, "dropped").
 *
 * State: col_anomaly_close() gives every entry a state.  An entry found
 * in the interval is "new" the first time and "active" afterwards; one
 * not found for [anomaly] expire intervals (at least 1) is "over": listed
 * once more so, then dropped (a later finding of the same (type, address)
 * is new again).  Entries quiet for fewer intervals are held but not
 * listed.
 *
 * Score: 50 at the threshold, + 10 for each doubling of observed /
 * threshold, at most 100 (so 100 means 32 times the threshold or more).
 * Memory: about 400 bytes per slot per table (4 of them for the list of
 * slots touched in the interval, which the close judges), 80 per pending probe,
 * 600 per active entry and 644 KiB for dns_tunnel's memo of measured names
 * (col_anomaly_memory()); nothing is allocated after col_anomaly_new().
 */
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "collector/model/flow.h"
#include "collector/model/tables.h"
#include "common/addr.h"
#include "common/hash.h"

enum col_anomaly_type {
	COL_ANOMALY_FAN_OUT,
	COL_ANOMALY_PORT_SCAN_VERTICAL,
	COL_ANOMALY_PORT_SCAN_HORIZONTAL,
	COL_ANOMALY_SYN_SCAN,
	COL_ANOMALY_HALF_OPEN,
	COL_ANOMALY_BRUTE_FORCE,
	COL_ANOMALY_DNS_AMPLIFICATION,
	COL_ANOMALY_DDOS_TARGET,
	COL_ANOMALY_UDP_REFLECTION,
	COL_ANOMALY_DNS_TUNNEL,
	COL_ANOMALY_BEACON,
	COL_ANOMALY_N_TYPES
};

/* "fan_out", "port_scan_vertical", ...: the report's and config's names. */
extern const char *const col_anomaly_type_names[COL_ANOMALY_N_TYPES];

/* The sizes' bounds: the [anomaly] rows (anomaly_keys.h) use them and
 * col_anomaly_new() refuses anything else. */
#define COL_ANOMALY_HOSTS_MIN 64u
#define COL_ANOMALY_HOSTS_MAX (1u << 24) /* also pending's */
#define COL_ANOMALY_ACTIVE_MAX (1u << 16)

#define COL_ANOMALY_TARGETS 10 /* targets sampled per entry */
#define COL_ANOMALY_EVIDENCE 12
#define COL_ANOMALY_MAX_PORTS 64 /* brute_force, udp_reflection ports */
#define COL_ANOMALY_NAME_MAX 256 /* a finding's name, with the NUL */
#define COL_ANOMALY_RESOLVERS 32 /* DNS servers beacon leaves alone */

/*
 * The configuration, as minflow.conf gives it (mf_conf types: uint64_t
 * numbers, gboolean flags, NULL-terminated string lists); the rows are in
 * collector/analytics/anomaly_keys.h.  Bounds are the table's;
 * col_anomaly_new() checks the lists.
 */
struct col_anomaly_config {
	uint64_t hosts, active, expire, pending;
	struct {
		gboolean enabled;
		uint64_t window, destinations, unresolved;
	} fan_out;
	struct {
		gboolean enabled;
		uint64_t window, ports;
	} vertical;
	struct {
		gboolean enabled;
		uint64_t window, targets;
	} horizontal;
	struct {
		gboolean enabled;
		uint64_t window, probes, max_packets;
	} syn_scan;
	struct {
		gboolean enabled;
		uint64_t window, connections, attempts;
	} half_open;
	struct {
		gboolean enabled;
		uint64_t window, connections, other_connections;
		uint64_t min_packets, max_bytes, max_duration, max_cv;
		uint64_t attempts, login_packets, attempt_packets;
		char **ports;
	} brute_force;
	struct {
		gboolean enabled;
		uint64_t window, min_bytes, ratio, queries;
	} dns_amp;
	struct {
		gboolean enabled;
		uint64_t window, sources, min_rate, factor, first_rate;
	} ddos;
	struct {
		gboolean enabled;
		uint64_t window, reflectors, packets, ratio;
		char **ports;
	} reflect;
	struct {
		gboolean enabled;
		uint64_t window, queries, names, min_length, min_entropy;
	} tunnel;
	struct {
		gboolean enabled;
		uint64_t window, contacts, min_period, max_jitter, max_bytes,
		    max_size_cv;
		char **ignore;
	} beacon;
};

/* Where an entry stands in the report (see State above). */
enum col_anomaly_state {
	COL_ANOMALY_NEW,
	COL_ANOMALY_ACTIVE,
	COL_ANOMALY_OVER,
	COL_ANOMALY_HELD /* quiet, not yet over: not listed */
};

/* "new", "active", "over" (and "held", never in a report). */
extern const char *const col_anomaly_state_names[4];

/* One number that triggered (or came with) a finding. */
struct col_anomaly_evidence {
	const char *name; /* static */
	double value;
	gboolean real; /* a ratio: print as a real number */
};

/* One entry of the active list: one (type, address). */
struct col_anomaly_entry {
	enum col_anomaly_type type;
	struct mf_addr addr;
	uint32_t addr_id; /* in the tables when last seen, or COL_ID_NONE */
	uint8_t mac[6];
	uint8_t has_mac;
	uint8_t internal;    /* per the classifier */
	uint8_t role_target; /* the address is the victim, not the source */
	uint64_t first_ms, last_ms; /* flow time */
	uint64_t flows;             /* flows that counted, cumulative */
	uint32_t detections;        /* windows judged over threshold */
	uint32_t quiet;             /* intervals closed since last seen */
	uint32_t score;             /* 50..100 */
	uint64_t target_count;      /* the most distinct targets of a window */
	struct mf_addr targets[COL_ANOMALY_TARGETS];
	uint8_t n_targets;
	struct col_anomaly_evidence ev[COL_ANOMALY_EVIDENCE];
	uint8_t n_ev;
	enum col_anomaly_state state;
	uint8_t reported;                /* listed new once */
	const char *name_key;            /* "domain", "remote" or NULL */
	char name[COL_ANOMALY_NAME_MAX]; /* its text */
};

struct col_anomaly_stats {
	uint64_t slots;     /* state slots, all tables */
	uint64_t used;      /* slots holding a key now */
	uint64_t evicted;   /* keys that lost their slot to another */
	uint64_t unchecked; /* probes judged unanswered: pending list full */
	uint64_t dropped;   /* active entries dropped: list full */
	uint64_t detections;
	uint64_t resolved_evicted;  /* named addresses overwritten (fan_out) */
	uint64_t resolvers_dropped; /* DNS servers beyond the list (beacon) */
	uint64_t bad_names;         /* DNS names of min-length or more with
	                             * no registered domain */
};

struct col_anomaly;

/* FALSE (error set, naming the key and item) if a port list of cfg is bad. */
gboolean col_anomaly_check_config(const struct col_anomaly_config *cfg,
    GError **error);

/*
 * NULL (error set, naming the key) on a bad brute_force port or a size
 * out of range.  cfg is copied; seed keys the state tables' hash.
 */
struct col_anomaly *col_anomaly_new(const struct col_anomaly_config *cfg,
    const struct mf_hash_key *seed, GError **error);
void col_anomaly_free(struct col_anomaly *a);

/*
 * Take new thresholds, windows and enabled flags from cfg (SIGHUP); the
 * sizes (hosts, active, pending) stay until restart.  FALSE (error set,
 * nothing changed) on a bad port list.
 */
gboolean col_anomaly_set_config(struct col_anomaly *a,
    const struct col_anomaly_config *cfg, GError **error);

/*
 * One flow record, accounted at flow time t (ms): src_internal and
 * dst_internal from the classifier, touch from col_tables_account() (NULL
 * is fine: no ids, every probe unanswered unless biflow).  Packet path:
 * no allocation, no logging.
 */
void col_anomaly_add(struct col_anomaly *a, const struct col_flow *f,
    gboolean src_internal, gboolean dst_internal, const struct col_touch *touch,
    uint64_t t);

/*
 * DNS hook (for the exporter's DNS records): client sent a query of type
 * qtype (255 ANY and 16 TXT count toward dns_amplification's queries
 * threshold; others are ignored) at flow time t.  No allocation.
 */
void col_anomaly_add_dns_query(struct col_anomaly *a,
    const struct mf_addr *client, uint16_t qtype, uint64_t t);

/*
 * The whole DNS record: the query hook above, dns_tunnel's view of the
 * name, the answered addresses as named ones (fan_out's unresolved
 * destinations) and the server as a resolver (beacon); client_internal
 * from the classifier.  No allocation.
 */
void col_anomaly_add_dns(struct col_anomaly *a, const struct col_dns_rec *d,
    gboolean client_internal);

/*
 * The interval that ends at end_ms closes: judge the pending probes
 * against tables (the streams touched in the interval), then every slot
 * touched since the last close, update the active list and expire quiet
 * entries.
 */
void col_anomaly_close(struct col_anomaly *a, const struct col_tables *tables,
    uint64_t end_ms);

/*
 * The entries a report lists (new, active and over; held ones are not
 * counted in n), by score (highest first), then type and address; valid
 * until the next col_anomaly_add()/close().
 */
const struct col_anomaly_entry *col_anomaly_list(const struct col_anomaly *a,
    size_t *n);

void col_anomaly_get_stats(const struct col_anomaly *a,
    struct col_anomaly_stats *st);

/* Bytes allocated for a, all of it at col_anomaly_new(). */
size_t col_anomaly_memory(const struct col_anomaly *a);

#endif
