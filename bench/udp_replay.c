/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Helper of bench/collector.sh: replay the messages of an IPFIX file
 * (RFC 5655: messages one after the other, such as the output of
 * `minflow-exporter -w`) over UDP at a fixed rate, or write copies of it.
 *
 *   cc -O2 -o udp_replay bench/udp_replay.c
 *
 *   udp_replay -R RATE [-n RECORDS] [-k] FILE HOST PORT
 *       Send the messages to HOST:PORT (numeric IPv4), pacing them so that
 *       flow records go out at RATE a second (0: as fast as possible).  The
 *       file is replayed again and again until RECORDS flow records have
 *       been sent (default: one pass).  Message i leaves at
 *       t0 + (flow records before it) / RATE, on CLOCK_MONOTONIC; when late,
 *       it leaves at once.  Sequence numbers are rewritten to run on
 *       across passes, per observation domain, so that a receiver sees one
 *       stream without gaps.  Unless -k is given, every message is re-timed
 *       as if exported now: its export time becomes the wall clock (whole
 *       seconds), and its time elements flowStart/EndSeconds (150, 151),
 *       flowStart/EndMilliseconds (152, 153) and
 *       systemInitTimeMilliseconds (160) all move by the amount that puts
 *       the latest flow end of the message on that export time.  The flows
 *       of a message keep their ages relative to each other (97% within
 *       10 s on the benchmark file), and a live collector sees current
 *       flows.  The message's own export time is not used as the reference:
 *       `minflow-exporter -w` stamps a message when it starts filling it,
 *       up to two minutes of capture time before its last flow ends.
 *
 *   udp_replay -w OUT -l COPIES [-d SPAN] FILE
 *       Write COPIES copies of FILE, one after the other, as one stream:
 *       sequence numbers run on, and copy k has its export times and time
 *       elements moved k * SHIFT seconds later, SHIFT being the span of the
 *       file's export times plus 5 minutes, rounded up to a minute, so that
 *       flow time keeps increasing.  With -d, the export times of each copy
 *       are instead squeezed into SPAN seconds (copy k starting k * SPAN
 *       seconds after the file's first export time), and the time elements
 *       of each message move so that its latest flow end falls on its new
 *       export time, as in the live replay.
 *
 * Prints key=value lines: messages, records (all data records), flow_records
 * (records of templates with a source address, IE 8 or 27), send_errors,
 * seconds, and the achieved flow record rate.  Exit 1 on a damaged file.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_DOMAINS 64
#define MAX_FIELDS 128

struct tmpl {
	uint16_t n;               /* fields; 0: not defined */
	uint16_t len[MAX_FIELDS]; /* 65535: variable length */
	uint8_t kind[MAX_FIELDS]; /* 0, or T_S / T_MS: a time to move */
	int flow;                 /* has sourceIPv4/IPv6Address */
};

enum { T_S = 1, T_MS = 2, T_END = 4 }; /* T_END: flowEnd*, in kind[] only */

struct msg {
	uint32_t off, len, domain_ix;
	uint32_t records, flow_records;
	uint32_t patch0, npatch; /* into patches[] */
	uint32_t export_time;
	int64_t ref_ms; /* the latest flow end time, else the export time */
};

static uint8_t *file;
static size_t file_len;
static struct msg *msgs;
static size_t nmsgs;
static uint32_t *patches; /* offset in message << 2 | kind */
static size_t npatches, cap_patches;
static uint32_t domains[MAX_DOMAINS];
static size_t ndomains;
static struct tmpl *tmpls[MAX_DOMAINS]; /* 65536 each, on demand */

static uint16_t
rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static void
wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint64_t
rd64(const uint8_t *p)
{
	return (uint64_t)rd32(p) << 32 | rd32(p + 4);
}

static void
wr64(uint8_t *p, uint64_t v)
{
	wr32(p, (uint32_t)(v >> 32));
	wr32(p + 4, (uint32_t)v);
}

static void
die(const char *what)
{
	fprintf(stderr, "udp_replay: %s\n", what);
	exit(1);
}

static void
add_patch(uint32_t off, int kind)
{
	if (npatches == cap_patches) {
		cap_patches = cap_patches ? 2 * cap_patches : 65536;
		patches = realloc(patches, cap_patches * sizeof(*patches));
		if (patches == NULL)
			die("out of memory");
	}
	patches[npatches++] = off << 2 | (uint32_t)kind;
}

static size_t
domain_ix(uint32_t d)
{
	size_t i;

	for (i = 0; i < ndomains; i++)
		if (domains[i] == d)
			return i;
	if (ndomains == MAX_DOMAINS)
		die("too many observation domains");
	domains[ndomains] = d;
	tmpls[ndomains] = calloc(65536, sizeof(struct tmpl));
	if (tmpls[ndomains] == NULL)
		die("out of memory");
	return ndomains++;
}

/* A template set (2) or options template set (3): remember the layouts. */
static void
read_templates(struct tmpl *tt, const uint8_t *p, size_t len, int options)
{
	size_t q = 0;

	while (len - q >= 4) {
		uint16_t id = rd16(p + q), n = rd16(p + q + 2), i;
		struct tmpl t;

		q += 4;
		if (options) {
			if (len - q < 2)
				die("damaged options template");
			q += 2;
		}
		if (id < 256 || n > MAX_FIELDS)
			die("template id < 256 or too many fields");
		memset(&t, 0, sizeof(t));
		t.n = n;
		for (i = 0; i < n; i++) {
			uint16_t ie, l;
			int ent;

			if (len - q < 4)
				die("damaged template");
			ie = rd16(p + q);
			l = rd16(p + q + 2);
			q += 4;
			ent = ie & 0x8000;
			if (ent) {
				if (len - q < 4)
					die("damaged template");
				q += 4;
			}
			ie &= 0x7fff;
			t.len[i] = l;
			if (!ent && (ie == 8 || ie == 27))
				t.flow = 1;
			if (!ent && (ie == 150 || ie == 151) && l == 4)
				t.kind[i] = T_S | (ie == 151 ? T_END : 0);
			if (!ent && (ie == 152 || ie == 153 || ie == 160) &&
			    l == 8)
				t.kind[i] = T_MS | (ie == 153 ? T_END : 0);
		}
		tt[id] = t;
	}
}

/* A data set: count the records, note where the times are. */
static void
read_data(struct msg *m, const struct tmpl *t, const uint8_t *p, size_t len,
    uint32_t base)
{
	size_t q = 0, i;

	if (t->n == 0)
		die("data set before its template");
	for (;;) {
		size_t start = q;
		int ok = 1;

		for (i = 0; i < t->n && ok; i++) {
			size_t l = t->len[i];

			if (l == 65535) {
				if (q >= len) {
					ok = 0;
					break;
				}
				l = p[q++];
				if (l == 255) {
					if (len - q < 2) {
						ok = 0;
						break;
					}
					l = rd16(p + q);
					q += 2;
				}
			}
			if (len - q < l) {
				ok = 0;
				break;
			}
			if (t->kind[i]) {
				int64_t v = t->kind[i] & T_MS
				    ? (int64_t)rd64(p + q)
				    : 1000 * (int64_t)rd32(p + q);

				add_patch(base + (uint32_t)q, t->kind[i] & 3);
				if (t->kind[i] & T_END && v > m->ref_ms)
					m->ref_ms = v;
			}
			q += l;
		}
		if (!ok || q == start) { /* padding, or an empty template */
			/* drop patches of the partial record */
			while (npatches > m->patch0 + m->npatch)
				npatches--;
			break;
		}
		m->npatch = (uint32_t)(npatches - m->patch0);
		m->records++;
		if (t->flow)
			m->flow_records++;
	}
}

static void
index_file(void)
{
	size_t off = 0;
	size_t cap = 0;

	while (off < file_len) {
		const uint8_t *h = file + off;
		size_t len, q;
		struct msg *m;
		struct tmpl *tt;

		if (file_len - off < 16 || rd16(h) != 10)
			die("not an IPFIX file, or damaged");
		len = rd16(h + 2);
		if (len < 16 || len > file_len - off)
			die("damaged message length");
		if (nmsgs == cap) {
			cap = cap ? 2 * cap : 65536;
			msgs = realloc(msgs, cap * sizeof(*msgs));
			if (msgs == NULL)
				die("out of memory");
		}
		m = &msgs[nmsgs++];
		memset(m, 0, sizeof(*m));
		m->off = (uint32_t)off;
		m->len = (uint32_t)len;
		m->export_time = rd32(h + 4);
		m->domain_ix = (uint32_t)domain_ix(rd32(h + 12));
		m->patch0 = (uint32_t)npatches;
		m->ref_ms = -1;
		tt = tmpls[m->domain_ix];
		for (q = 16; len - q >= 4;) {
			uint16_t sid = rd16(h + q), sl = rd16(h + q + 2);

			if (sl < 4 || sl > len - q)
				die("damaged set length");
			if (sid == 2 || sid == 3)
				read_templates(tt, h + q + 4, sl - 4u,
				    sid == 3);
			else if (sid >= 256)
				read_data(m, &tt[sid], h + q + 4, sl - 4u,
				    (uint32_t)(q + 4));
			q += sl;
		}
		if (m->ref_ms < 0)
			m->ref_ms = 1000 * (int64_t)m->export_time;
		off += len;
	}
	if (nmsgs == 0)
		die("empty file");
}

/*
 * Copy message m into buf with sequence seq and export time export_time;
 * move its time elements by delta_ms.
 */
static void
rewrite(uint8_t *buf, const struct msg *m, uint32_t seq, int64_t delta_ms,
    uint32_t export_time)
{
	int64_t delta_s = delta_ms / 1000;
	uint32_t i;

	memcpy(buf, file + m->off, m->len);
	wr32(buf + 4, export_time);
	wr32(buf + 8, seq);
	if (delta_ms == 0)
		return;
	for (i = 0; i < m->npatch; i++) {
		uint32_t pt = patches[m->patch0 + i];
		uint8_t *p = buf + (pt >> 2);

		if ((pt & 3) == T_S)
			wr32(p, (uint32_t)((int64_t)rd32(p) + delta_s));
		else
			wr64(p, (uint64_t)((int64_t)rd64(p) + delta_ms));
	}
}

static double
now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: udp_replay -R RATE [-n RECORDS] [-k] FILE HOST PORT\n"
	    "       udp_replay -w OUT -l COPIES [-d SPAN] FILE\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	double rate = -1, t0, t1;
	unsigned long long want = 0;
	long copies = 1, span = 0;
	const char *out = NULL;
	int keep = 0, c;
	uint32_t seq[MAX_DOMAINS] = { 0 };
	unsigned long long nmsg = 0, nrec = 0, nflow = 0, errors = 0;
	uint8_t buf[65536];
	FILE *fp;
	size_t i;

	while ((c = getopt(argc, argv, "R:n:kw:l:d:")) != -1)
		switch (c) {
		case 'R':
			rate = atof(optarg);
			break;
		case 'n':
			want = strtoull(optarg, NULL, 10);
			break;
		case 'k':
			keep = 1;
			break;
		case 'w':
			out = optarg;
			break;
		case 'l':
			copies = atol(optarg);
			break;
		case 'd':
			span = atol(optarg);
			break;
		default:
			usage();
		}
	argc -= optind;
	argv += optind;
	if (out != NULL ? argc != 1 || copies < 1 : argc != 3 || rate < 0)
		usage();

	if ((fp = fopen(argv[0], "rb")) == NULL)
		die("cannot open the file");
	fseek(fp, 0, SEEK_END);
	file_len = (size_t)ftell(fp);
	rewind(fp);
	if ((file = malloc(file_len ? file_len : 1)) == NULL ||
	    fread(file, 1, file_len, fp) != file_len)
		die("cannot read the file");
	fclose(fp);
	index_file();

	if (out != NULL) { /* -w: copies, moved in time */
		uint32_t first = msgs[0].export_time, last = first;
		int64_t shift;
		long k;

		for (i = 0; i < nmsgs; i++) {
			if (msgs[i].export_time < first)
				first = msgs[i].export_time;
			if (msgs[i].export_time > last)
				last = msgs[i].export_time;
		}
		shift = ((int64_t)(last - first) + 300 + 59) / 60 * 60;
		if (span > 0)
			shift = span;
		if ((fp = fopen(out, "wb")) == NULL)
			die("cannot create the output");
		t0 = now_mono();
		for (k = 0; k < copies; k++)
			for (i = 0; i < nmsgs; i++) {
				const struct msg *m = &msgs[i];
				int64_t et =
				    (int64_t)m->export_time + k * shift;
				int64_t d = k * shift * 1000;

				if (span >
				    0) { /* squeeze the copy into span s */
					et = (int64_t)first + k * span +
					    (last > first
					            ? (int64_t)(m->export_time -
					                  first) *
					                span / (last - first)
					            : 0);
					d = et * 1000 - m->ref_ms;
				}
				rewrite(buf, m, seq[m->domain_ix], d,
				    (uint32_t)et);
				seq[m->domain_ix] += m->records;
				if (fwrite(buf, 1, m->len, fp) != m->len)
					die("write error");
				nmsg++;
				nrec += m->records;
				nflow += m->flow_records;
			}
		if (fclose(fp) != 0)
			die("write error");
		t1 = now_mono();
		printf("messages=%llu\nrecords=%llu\nflow_records=%llu\n"
		       "shift_seconds=%lld\nseconds=%.3f\n",
		    nmsg, nrec, nflow, (long long)shift, t1 - t0);
		return 0;
	}

	/* send */
	{
		struct sockaddr_in sa;
		int fd, sndbuf = 4 << 20;
		double next;

		memset(&sa, 0, sizeof(sa));
		sa.sin_family = AF_INET;
		sa.sin_port = htons((uint16_t)atoi(argv[2]));
		if (inet_pton(AF_INET, argv[1], &sa.sin_addr) != 1)
			die("HOST must be a numeric IPv4 address");
		if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) < 0 ||
		    connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0)
			die("socket");
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
		prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
		for (i = 0, nflow = 0; i < nmsgs; i++)
			nflow += msgs[i].flow_records;
		if (nflow == 0)
			die("the file holds no flow records");
		if (want == 0)
			want = nflow;
		nflow = 0;
		t0 = now_mono();
		for (i = 0; nflow < want; i = (i + 1) % nmsgs) {
			const struct msg *m = &msgs[i];
			int64_t d = 0;
			uint32_t et = m->export_time;

			if (rate > 0) {
				next = t0 + (double)nflow / rate;
				if (next > now_mono()) {
					struct timespec ts;

					ts.tv_sec = (time_t)next;
					ts.tv_nsec =
					    (long)((next - (double)ts.tv_sec) *
					        1e9);
					while (clock_nanosleep(CLOCK_MONOTONIC,
					           TIMER_ABSTIME, &ts,
					           NULL) == EINTR)
						;
				}
			}
			if (!keep) {
				et = (uint32_t)time(NULL);
				d = 1000 * (int64_t)et - m->ref_ms;
			}
			rewrite(buf, m, seq[m->domain_ix], d, et);
			seq[m->domain_ix] += m->records;
			if (send(fd, buf, m->len, 0) != (ssize_t)m->len)
				errors++;
			nmsg++;
			nrec += m->records;
			nflow += m->flow_records;
		}
		t1 = now_mono();
		close(fd);
		printf("messages=%llu\nrecords=%llu\nflow_records=%llu\n"
		       "send_errors=%llu\nseconds=%.3f\nrate=%.0f\n",
		    nmsg, nrec, nflow, errors, t1 - t0,
		    t1 > t0 ? (double)nflow / (t1 - t0) : 0.0);
	}
	return 0;
}
