/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib.h>
#include <pcap/pcap.h>

#include "exporter/pcapfile.h"
#include "tests/unit/pcapdiff.h"

/* A batch's packets, header then bytes, one after another. */
struct batch {
	GByteArray *b;
	size_t n;
};

static void
collect(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct batch *a = (struct batch *)(void *)user;
	int64_t w[4] = { (int64_t)h->ts.tv_sec, (int64_t)h->ts.tv_usec,
		h->caplen, h->len };

	g_byte_array_append(a->b, (const guint8 *)w, sizeof(w));
	g_byte_array_append(a->b, bytes, h->caplen);
	a->n++;
}

/* Where two batches part: the first headers that differ, or the bytes. */
static void
explain(struct pcapdiff *d, const struct batch *a, const struct batch *b)
{
	int64_t wa[4] = { 0, 0, 0, 0 }, wb[4] = { 0, 0, 0, 0 };
	size_t oa = 0, ob = 0, i = 0;

	while (oa + sizeof(wa) <= a->b->len && ob + sizeof(wb) <= b->b->len) {
		memcpy(wa, a->b->data + oa, sizeof(wa));
		memcpy(wb, b->b->data + ob, sizeof(wb));
		if (memcmp(wa, wb, sizeof(wa)) != 0)
			break;
		oa += sizeof(wa) + (size_t)wa[2];
		ob += sizeof(wb) + (size_t)wb[2];
		i++;
	}
	g_snprintf(d->why, sizeof(d->why),
	    "after %zu packets: batch of %zu and %zu, packet %zu: libpcap "
	    "%" G_GINT64_FORMAT ".%" G_GINT64_FORMAT " %" G_GINT64_FORMAT
	    "/%" G_GINT64_FORMAT ", pcapfile %" G_GINT64_FORMAT
	    ".%" G_GINT64_FORMAT " %" G_GINT64_FORMAT "/%" G_GINT64_FORMAT,
	    d->packets, a->n, b->n, i, wa[0], wa[1], wa[2], wa[3], wb[0], wb[1],
	    wb[2], wb[3]);
}

static gboolean
compare(pcap_t *ref, struct exp_pcapfile *r, const struct bpf_program *prog,
    int cnt, struct pcapdiff *d)
{
	struct batch a = { g_byte_array_new(), 0 },
	             b = { g_byte_array_new(), 0 };
	gboolean same = TRUE;
	int na, nb;

	/* Each batch reads at least one record or ends: bounded. */
	for (;;) {
		g_byte_array_set_size(a.b, 0);
		g_byte_array_set_size(b.b, 0);
		a.n = b.n = 0;
		na = pcap_dispatch(ref, cnt, collect, (u_char *)&a);
		nb = exp_pcapfile_dispatch(r, cnt, prog, collect, (u_char *)&b);
		if (na != nb) {
			g_snprintf(d->why, sizeof(d->why),
			    "after %zu packets: libpcap %d, pcapfile %d (%s / "
			    "%s)",
			    d->packets, na, nb, na < 0 ? pcap_geterr(ref) : "",
			    nb < 0 ? exp_pcapfile_error(r) : "");
			same = FALSE;
			break;
		}
		if (a.n != b.n || a.b->len != b.b->len ||
		    (a.b->len > 0 &&
		        memcmp(a.b->data, b.b->data, a.b->len) != 0)) {
			explain(d, &a, &b);
			same = FALSE;
			break;
		}
		d->packets += a.n;
		if (na > 0)
			continue;
		d->end = na;
		if (na < 0 && strcmp(pcap_geterr(ref), exp_pcapfile_error(r))) {
			g_snprintf(d->why, sizeof(d->why),
			    "after %zu packets: errors '%s' and '%s'",
			    d->packets, pcap_geterr(ref),
			    exp_pcapfile_error(r));
			same = FALSE;
		}
		break;
	}
	g_byte_array_unref(a.b);
	g_byte_array_unref(b.b);
	return same;
}

gboolean
pcapdiff_file(const char *path, const char *filter, int cnt, struct pcapdiff *d)
{
	char eb[PCAP_ERRBUF_SIZE];
	struct bpf_program prog = { 0, NULL };
	struct exp_pcapfile_params fp;
	struct exp_pcapfile *r = NULL;
	pcap_t *ref, *own = NULL;
	gboolean same = TRUE;

	memset(d, 0, sizeof(*d));
	ref = pcap_open_offline_with_tstamp_precision(path,
	    PCAP_TSTAMP_PRECISION_MICRO, eb);
	if (ref == NULL)
		return TRUE; /* nothing to read for either */
	d->opened = TRUE;
	own = pcap_open_offline_with_tstamp_precision(path,
	    PCAP_TSTAMP_PRECISION_MICRO, eb);
	if (own == NULL) {
		g_snprintf(d->why, sizeof(d->why), "second open: %s", eb);
		pcap_close(ref);
		return FALSE;
	}
	d->fast = pcap_file(own) != NULL &&
	    exp_pcapfile_probe(fileno(pcap_file(own)), pcap_datalink(own),
	        pcap_snapshot(own), &fp);
	if (!d->fast)
		goto out;
	if (filter != NULL &&
	    (pcap_compile(ref, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) < 0 ||
	        pcap_setfilter(ref, &prog) < 0)) {
		g_snprintf(d->why, sizeof(d->why), "filter: %s",
		    pcap_geterr(ref));
		same = FALSE;
		goto out;
	}
	r = exp_pcapfile_new(fileno(pcap_file(own)), &fp);
	same = compare(ref, r, filter != NULL ? &prog : NULL, cnt, d);
out:
	exp_pcapfile_free(r);
	if (prog.bf_insns != NULL)
		pcap_freecode(&prog);
	pcap_close(own);
	pcap_close(ref);
	return same;
}
