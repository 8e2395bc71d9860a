/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "exp-pcapfile"

#include <sys/stat.h>
#include <sys/types.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <pcap/pcap.h>

#include "exporter/pcapfile.h"

#define MAGIC_USEC 0xa1b2c3d4u
#define MAGIC_NSEC 0xa1b23c4du
#define FILE_HDR_LEN 24
#define REC_HDR_LEN 16

G_STATIC_ASSERT(EXP_PCAPFILE_BUF >= REC_HDR_LEN + EXP_PCAPFILE_MAX_CAPLEN);

struct exp_pcapfile {
	int fd;
	gboolean swapped, nsec;
	uint32_t snapshot;
	uint64_t offset; /* of the byte after the buffer's last */
	size_t pos, end; /* the unread bytes are buf[pos..end) */
	int state;       /* 1 while packets may follow; then 0 or -1 */
	char err[PCAP_ERRBUF_SIZE];
	uint8_t *buf;
};

static uint32_t
swap32(uint32_t v)
{
	return __builtin_bswap32(v);
}

gboolean
exp_pcapfile_probe(int fd, int dlt, int snapshot,
    struct exp_pcapfile_params *out)
{
	uint8_t h[FILE_HDR_LEN];
	uint32_t magic;
	uint16_t major, minor;
	struct stat st;
	gboolean swapped;

	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    pread(fd, h, sizeof(h), 0) != (ssize_t)sizeof(h))
		return FALSE;
	memcpy(&magic, h, 4);
	swapped = magic != MAGIC_USEC && magic != MAGIC_NSEC;
	if (swapped)
		magic = swap32(magic);
	if (magic != MAGIC_USEC && magic != MAGIC_NSEC)
		return FALSE; /* pcapng, a patched format, not a savefile */
	memcpy(&major, h + 4, 2);
	memcpy(&minor, h + 6, 2);
	if (swapped) {
		major = (uint16_t)__builtin_bswap16(major);
		minor = (uint16_t)__builtin_bswap16(minor);
	}
	/* 2.3 and older may have caplen and len the other way round. */
	if (major != 2 || minor != 4)
		return FALSE;
	switch (dlt) {
	case DLT_LINUX_SLL:
	case DLT_LINUX_SLL2:
		/* libpcap rewrites their headers in swapped files */
		if (swapped)
			return FALSE;
		break;
	case DLT_EN10MB:
	case DLT_RAW:
	case DLT_IPV4:
	case DLT_IPV6:
	case DLT_NULL:
	case DLT_LOOP:
		break;
	default:
		return FALSE; /* other limits on the longest record */
	}
	if (snapshot <= 0 || (uint32_t)snapshot > EXP_PCAPFILE_MAX_CAPLEN)
		return FALSE;
	out->offset = FILE_HDR_LEN;
	out->snapshot = (uint32_t)snapshot;
	out->swapped = swapped;
	out->nsec = magic == MAGIC_NSEC;
	return TRUE;
}

struct exp_pcapfile *
exp_pcapfile_new(int fd, const struct exp_pcapfile_params *p)
{
	struct exp_pcapfile *r = g_new0(struct exp_pcapfile, 1);

	r->fd = fd;
	r->swapped = p->swapped;
	r->nsec = p->nsec;
	r->snapshot = p->snapshot;
	r->offset = p->offset;
	r->state = 1;
	r->buf = g_malloc(EXP_PCAPFILE_BUF);
#ifdef POSIX_FADV_SEQUENTIAL
	(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
	return r;
}

void
exp_pcapfile_free(struct exp_pcapfile *r)
{
	if (r == NULL)
		return;
	g_free(r->buf);
	g_free(r);
}

const char *
exp_pcapfile_error(const struct exp_pcapfile *r)
{
	return r->err;
}

/*
 * At least want unread bytes in the buffer, or all the file has left;
 * FALSE on a read error (r->err set).
 */
static gboolean
fill(struct exp_pcapfile *r, size_t want)
{
	ssize_t n;

	if (r->end - r->pos >= want)
		return TRUE;
	memmove(r->buf, r->buf + r->pos, r->end - r->pos);
	r->end -= r->pos;
	r->pos = 0;
	while (r->end < want) {
		n = pread(r->fd, r->buf + r->end, EXP_PCAPFILE_BUF - r->end,
		    (off_t)r->offset);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			g_snprintf(r->err, sizeof(r->err),
			    "error reading dump file: %s", g_strerror(errno));
			return FALSE;
		}
		if (n == 0)
			break;
		r->end += (size_t)n;
		r->offset += (uint64_t)n;
	}
	return TRUE;
}

static int
fail(struct exp_pcapfile *r)
{
	r->state = -1;
	return -1;
}

static void
header(const struct exp_pcapfile *r, const uint8_t *q, struct pcap_pkthdr *h)
{
	uint32_t w[4];
	suseconds_t usec;

	memcpy(w, q, sizeof(w));
	/*
	 * libpcap 1.10 widens the seconds and the fraction as signed 32-bit
	 * numbers from a file in this machine's byte order, as unsigned
	 * ones from a swapped file (its byte swap yields an unsigned value):
	 * the same here.
	 */
	if (r->swapped) {
		w[0] = swap32(w[0]);
		w[1] = swap32(w[1]);
		w[2] = swap32(w[2]);
		w[3] = swap32(w[3]);
		h->ts.tv_sec = (time_t)w[0];
		usec = (suseconds_t)w[1];
	} else {
		h->ts.tv_sec = (time_t)(int32_t)w[0];
		usec = (int32_t)w[1];
	}
	h->ts.tv_usec = r->nsec ? usec / 1000 : usec;
	h->caplen = w[2];
	h->len = w[3];
}

/* Every case but a whole record within the snapshot in the buffer. */
static int
next_slow(struct exp_pcapfile *r, struct pcap_pkthdr *h, const uint8_t **data)
{
	size_t have;
	uint32_t cap;

	if (r->state != 1)
		return r->state;
	if (!fill(r, REC_HDR_LEN))
		return fail(r);
	have = r->end - r->pos;
	if (have == 0) {
		r->state = 0;
		return 0;
	}
	if (have < REC_HDR_LEN) {
		g_snprintf(r->err, sizeof(r->err),
		    "truncated dump file; tried to read %u header bytes, only "
		    "got %zu",
		    REC_HDR_LEN, have);
		return fail(r);
	}
	header(r, r->buf + r->pos, h);
	cap = h->caplen;
	if (cap > EXP_PCAPFILE_MAX_CAPLEN) {
		if (cap > r->snapshot)
			g_snprintf(r->err, sizeof(r->err),
			    "invalid packet capture length %u, bigger than "
			    "snaplen of %u",
			    cap, r->snapshot);
		else
			g_snprintf(r->err, sizeof(r->err),
			    "invalid packet capture length %u, bigger than "
			    "maximum of %u",
			    cap, EXP_PCAPFILE_MAX_CAPLEN);
		return fail(r);
	}
	if (!fill(r, REC_HDR_LEN + (size_t)cap))
		return fail(r);
	have = r->end - r->pos - REC_HDR_LEN;
	if (have < cap) {
		/* libpcap reads the snapshot's part first, then the rest */
		g_snprintf(r->err, sizeof(r->err),
		    "truncated dump file; tried to read %u captured bytes, "
		    "only got %zu",
		    cap > r->snapshot && have < r->snapshot ? r->snapshot : cap,
		    have);
		return fail(r);
	}
	if (cap > r->snapshot)
		h->caplen = r->snapshot; /* the rest is skipped */
	*data = r->buf + r->pos + REC_HDR_LEN;
	r->pos += REC_HDR_LEN + (size_t)cap;
	return 1;
}

/*
 * The whole record within the snapshot in the buffer, of a file in this
 * machine's byte order: the packet and TRUE.  Inline in the loops below.
 */
static inline gboolean
next_fast(struct exp_pcapfile *r, struct pcap_pkthdr *h, const uint8_t **data)
{
	const uint8_t *q = r->buf + r->pos;
	size_t have = r->end - r->pos;
	uint32_t w[4];
	int32_t usec;

	if (have < REC_HDR_LEN || r->swapped)
		return FALSE;
	memcpy(w, q, sizeof(w));
	if (w[2] > r->snapshot || have - REC_HDR_LEN < w[2])
		return FALSE;
	h->ts.tv_sec = (time_t)(int32_t)w[0];
	usec = (int32_t)w[1];
	h->ts.tv_usec = r->nsec ? (suseconds_t)usec / 1000 : usec;
	h->caplen = w[2];
	h->len = w[3];
	*data = q + REC_HDR_LEN;
	r->pos += REC_HDR_LEN + (size_t)w[2];
	return TRUE;
}

int
exp_pcapfile_next(struct exp_pcapfile *r, struct pcap_pkthdr *h,
    const uint8_t **data)
{
	if (G_LIKELY(next_fast(r, h, data)))
		return 1;
	return next_slow(r, h, data);
}

int
exp_pcapfile_dispatch(struct exp_pcapfile *r, int cnt,
    const struct bpf_program *filter, pcap_handler fn, u_char *user)
{
	struct pcap_pkthdr h;
	const uint8_t *data;
	int n = 0, rc;

	while (n < cnt) {
		if (G_UNLIKELY(!next_fast(r, &h, &data))) {
			rc = next_slow(r, &h, &data);
			if (rc == 0)
				break;
			if (rc < 0)
				return -1;
		}
		if (filter != NULL && filter->bf_insns != NULL &&
		    pcap_offline_filter(filter, &h, data) == 0)
			continue;
		fn(user, &h, data);
		n++;
	}
	return n;
}
