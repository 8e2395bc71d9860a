/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef EXP_CAPTURE_H
#define EXP_CAPTURE_H

/*
 * capture: libpcap sources, a capture file or one or more live
 * interfaces feeding one flow cache.  A live interface that fails (went
 * down, was removed) is closed and reopened every EXP_CAPTURE_RETRY_MS
 * with the same settings; the link types of all sources must be ones the
 * decoder handles, checked at open.
 */
#include <stddef.h>
#include <stdint.h>

#include <glib.h>
#include <pcap/pcap.h>

#define EXP_CAPTURE_RETRY_MS 5000u
#define EXP_CAPTURE_BATCH 256 /* packets per source per dispatch */
#define EXP_CAPTURE_MAX_IFACES 16

/* Called for each packet; dlt is its link type, ifindex its interface. */
typedef void (*exp_capture_fn)(void *ctx, const struct pcap_pkthdr *h,
    const uint8_t *bytes, int dlt, uint32_t ifindex);

struct exp_capture_config {
	const char *read_file;   /* or NULL */
	char *const *interfaces; /* NULL-terminated, when live */
	const char *filter;      /* or NULL */
	int snaplen;
	int buffer_kib;
	gboolean immediate; /* deliver each packet at once (--processes: the
	                     * socket must still exist when it is looked up) */
};

struct exp_capture_stats {
	uint64_t packets;      /* handed to the callback */
	uint64_t kernel_drops; /* ps_drop + ps_ifdrop, over reopenings */
	uint64_t reopens;      /* live interfaces reopened after failure */
};

struct exp_capture;

/* Open every source.  NULL (error set, naming the source) on failure. */
struct exp_capture *exp_capture_open(const struct exp_capture_config *cfg,
    GError **error);
void exp_capture_free(struct exp_capture *c);

/*
 * Read packets: from a file up to EXP_CAPTURE_BATCH; live, wait at most
 * timeout_ms for any interface and read what is there.  Returns the
 * number of packets, 0 at the end of a file (or none live), or -1 if a
 * file ended with a read error (message in exp_capture_error()).
 */
int exp_capture_dispatch(struct exp_capture *c, int timeout_ms,
    exp_capture_fn fn, void *ctx);

/* TRUE when reading a file. */
gboolean exp_capture_is_file(const struct exp_capture *c);

const char *exp_capture_error(const struct exp_capture *c);

/* Refresh kernel drop counters and return the statistics. */
const struct exp_capture_stats *exp_capture_get_stats(struct exp_capture *c);

/*
 * Switch to user's uid and gid (and supplementary groups), keeping only
 * CAP_NET_ADMIN and, with keep_raw, CAP_NET_RAW so live interfaces can
 * still be reopened (--conntrack without -i needs only CAP_NET_ADMIN,
 * for its dumps).
 */
gboolean exp_capture_drop_privileges(const char *user, gboolean keep_raw,
    GError **error);

#endif
