/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * exporter/pcapfile.c against libpcap: crafted savefiles (both byte
 * orders, nanoseconds, records longer than the snapshot, truncations,
 * insane lengths, records across the reader's buffer, a filter) and every
 * shared capture, each read by both and compared packet for packet
 * (tests/unit/pcapdiff.c); the crafted files' headers are also checked
 * against values worked out by hand.  With MF_PCAPFILE_SEEDS=DIR the
 * crafted files are copied to DIR: the seeds of tests/fuzz/fuzz_pcapfile.c.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <glib.h>
#include <pcap/pcap.h>

#include "exporter/pcapfile.h"
#include "tests/unit/pcapdiff.h"

#define LT_EN10MB 1
#define LT_LINUX_SLL 113

/*
 * A savefile being written, in this machine's byte order or (swapped) the
 * other: a swapped file is what a machine of the other order wrote.
 */
struct file {
	GByteArray *b;
	gboolean swapped;
};

static void
put32(struct file *f, uint32_t v)
{
	uint8_t o[4];

	if (f->swapped)
		v = GUINT32_SWAP_LE_BE(v);
	memcpy(o, &v, 4);
	g_byte_array_append(f->b, o, 4);
}

static void
put16(struct file *f, uint16_t v)
{
	uint8_t o[2];

	if (f->swapped)
		v = GUINT16_SWAP_LE_BE(v);
	memcpy(o, &v, 2);
	g_byte_array_append(f->b, o, 2);
}

static struct file
start(gboolean swapped, uint32_t magic, uint16_t minor, uint32_t snaplen,
    uint32_t linktype)
{
	struct file f = { g_byte_array_new(), swapped };

	put32(&f, magic);
	put16(&f, 2);
	put16(&f, minor);
	put32(&f, 0); /* thiszone */
	put32(&f, 0); /* sigfigs */
	put32(&f, snaplen);
	put32(&f, linktype);
	return f;
}

/* A record of caplen bytes (present: how many of them are written). */
static void
record(struct file *f, uint32_t sec, uint32_t frac, uint32_t caplen,
    uint32_t len, uint32_t present)
{
	uint32_t i;

	put32(f, sec);
	put32(f, frac);
	put32(f, caplen);
	put32(f, len);
	for (i = 0; i < present; i++) {
		uint8_t c = (uint8_t)(i * 7 + caplen);

		g_byte_array_append(f->b, &c, 1);
	}
}

static void
good(struct file *f, uint32_t sec, uint32_t frac, uint32_t caplen)
{
	record(f, sec, frac, caplen, caplen + 4, caplen);
}

/* The file written out (and as a seed); the path, to unlink and free. */
static char *
finish(struct file *f)
{
	const char *seeds = g_getenv("MF_PCAPFILE_SEEDS");
	char *path = NULL;
	int fd = g_file_open_tmp("pcapfile-XXXXXX.pcap", &path, NULL);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, f->b->data, f->b->len), (ssize_t)f->b->len);
	close(fd);
	if (seeds != NULL) {
		g_autofree char *sum =
		    g_compute_checksum_for_data(G_CHECKSUM_SHA256, f->b->data,
		        f->b->len);
		g_autofree char *to = g_build_filename(seeds, sum, NULL);

		g_mkdir_with_parents(seeds, 0755);
		assert_true(g_file_set_contents(to, (const char *)f->b->data,
		    (gssize)f->b->len, NULL));
	}
	g_byte_array_unref(f->b);
	return path;
}

/* Both readers agree on path at batch sizes 1, 7 and 256. */
static struct pcapdiff
agree(const char *path, const char *filter)
{
	static const int cnts[] = { 1, 7, 256 };
	struct pcapdiff d, first;
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(cnts); i++) {
		if (!pcapdiff_file(path, filter, cnts[i], &d))
			fail_msg("%s (batch %d): %s", path, cnts[i], d.why);
		if (i == 0)
			first = d;
		assert_int_equal(d.packets, first.packets);
	}
	return first;
}

/* The packets as exp_pcapfile_next() gives them. */
static int
read_all(const char *path, struct pcap_pkthdr *out, size_t max, size_t *n,
    char *err, size_t errlen)
{
	char eb[PCAP_ERRBUF_SIZE];
	struct exp_pcapfile_params fp;
	struct exp_pcapfile *r;
	const uint8_t *data;
	pcap_t *p = pcap_open_offline_with_tstamp_precision(path,
	    PCAP_TSTAMP_PRECISION_MICRO, eb);
	int rc;

	assert_non_null(p);
	assert_true(exp_pcapfile_probe(fileno(pcap_file(p)), pcap_datalink(p),
	    pcap_snapshot(p), &fp));
	r = exp_pcapfile_new(fileno(pcap_file(p)), &fp);
	*n = 0;
	while ((rc = exp_pcapfile_next(r, &out[*n], &data)) == 1) {
		assert_true(*n + 1 < max);
		(*n)++;
	}
	/* The end and an error stay. */
	assert_int_equal(exp_pcapfile_next(r, &out[*n], &data), rc);
	g_strlcpy(err, exp_pcapfile_error(r), errlen);
	exp_pcapfile_free(r);
	pcap_close(p);
	return rc;
}

static void
t_native_usec(void **state)
{
	struct file f = start(FALSE, 0xa1b2c3d4, 4, 65535, LT_EN10MB);
	struct pcap_pkthdr h[8];
	char err[PCAP_ERRBUF_SIZE];
	g_autofree char *path = NULL;
	size_t n;

	(void)state;
	good(&f, 1700000000, 1, 60);
	good(&f, 1700000001, 999999, 1514);
	good(&f, 1700000002, 500000, 14);
	path = finish(&f);
	assert_int_equal(agree(path, NULL).packets, 3);
	assert_int_equal(read_all(path, h, 8, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 3);
	assert_int_equal(h[1].ts.tv_sec, 1700000001);
	assert_int_equal(h[1].ts.tv_usec, 999999);
	assert_int_equal(h[1].caplen, 1514);
	assert_int_equal(h[1].len, 1518);
	unlink(path);
}

/* Nanoseconds are divided down; seconds and fraction are signed. */
static void
t_nsec_signed(void **state)
{
	struct file f = start(FALSE, 0xa1b23c4d, 4, 262144, LT_EN10MB);
	struct pcap_pkthdr h[8];
	char err[PCAP_ERRBUF_SIZE];
	g_autofree char *path = NULL;
	size_t n;

	(void)state;
	good(&f, 1700000000, 999999999, 60);
	good(&f, 0x80000001u, 1999, 60);
	good(&f, 5, 0xfffffc18u, 60); /* -1000 ns */
	good(&f, 6, 0xfffffc19u, 60); /* -999 ns: 0 us, as C divides */
	path = finish(&f);
	assert_int_equal(agree(path, NULL).packets, 4);
	assert_int_equal(read_all(path, h, 8, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 4);
	assert_int_equal(h[0].ts.tv_usec, 999999);
	assert_true(h[1].ts.tv_sec == (time_t)INT32_MIN + 1);
	assert_int_equal(h[1].ts.tv_usec, 1);
	assert_true(h[2].ts.tv_usec == -1);
	assert_true(h[3].ts.tv_usec == 0);
	unlink(path);
}

static void
t_swapped(void **state)
{
	struct file f = start(TRUE, 0xa1b2c3d4, 4, 65535, LT_EN10MB);
	struct pcap_pkthdr h[8];
	char err[PCAP_ERRBUF_SIZE];
	g_autofree char *path = NULL;
	size_t n, i;

	(void)state;
	for (i = 0; i < 5; i++)
		good(&f, 1000 + (uint32_t)i, 10 * (uint32_t)i,
		    60 + (uint32_t)i);
	/* libpcap widens a swapped file's times as unsigned */
	good(&f, 0x90000000u, 0xfffffff0u, 60);
	path = finish(&f);
	assert_true(agree(path, NULL).fast);
	assert_int_equal(read_all(path, h, 8, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 6);
	assert_true(h[5].ts.tv_sec == (time_t)0x90000000u);
	assert_true(h[5].ts.tv_usec == (suseconds_t)0xfffffff0u);
	assert_int_equal(h[4].ts.tv_sec, 1004);
	assert_int_equal(h[4].ts.tv_usec, 40);
	assert_int_equal(h[4].caplen, 64);
	assert_int_equal(h[4].len, 68);
	unlink(path);
}

/* Files this reader leaves to libpcap. */
static void
t_not_taken(void **state)
{
	struct file a = start(TRUE, 0xa1b2c3d4, 4, 65535, LT_LINUX_SLL);
	struct file b = start(FALSE, 0xa1b2c3d4, 3, 65535, LT_EN10MB);
	struct file c = start(FALSE, 0xa1b2c3d4, 4, 65535, 147); /* USER0 */
	struct file e = start(FALSE, 0xa1b2c3d4, 4, 65535, LT_EN10MB);
	struct file s = start(FALSE, 0xa1b2c3d4, 4, 65535, LT_EN10MB);
	g_autofree char *pa = NULL, *pb = NULL, *pc = NULL, *pe = NULL,
	                *ps = NULL;
	struct pcapdiff d;

	(void)state;
	good(&a, 1, 0, 40);
	good(&b, 1, 0, 40);
	good(&c, 1, 0, 40);
	g_byte_array_set_size(s.b, 20); /* no whole file header */
	pa = finish(&a), pb = finish(&b), pc = finish(&c);
	pe = finish(&e), ps = finish(&s);
	d = agree(pa, NULL);
	assert_true(d.opened && !d.fast);
	d = agree(pb, NULL);
	assert_true(d.opened && !d.fast);
	d = agree(pc, NULL);
	assert_true(d.opened && !d.fast);
	d = agree(pe, NULL); /* only the file header: taken, empty */
	assert_true(d.fast);
	assert_int_equal(d.packets, 0);
	assert_int_equal(d.end, 0);
	d = agree(ps, NULL);
	assert_false(d.opened);
	unlink(pa), unlink(pb), unlink(pc), unlink(pe), unlink(ps);
}

/* A record longer than the snapshot is cut to it, the rest skipped. */
static void
t_over_snapshot(void **state)
{
	struct file f = start(FALSE, 0xa1b2c3d4, 4, 64, LT_EN10MB);
	struct pcap_pkthdr h[8];
	char err[PCAP_ERRBUF_SIZE];
	g_autofree char *path = NULL;
	size_t n;

	(void)state;
	good(&f, 1, 0, 100);
	good(&f, 2, 0, 64);
	good(&f, 3, 0, 65);
	path = finish(&f);
	assert_int_equal(agree(path, NULL).packets, 3);
	assert_int_equal(read_all(path, h, 8, &n, err, sizeof(err)), 0);
	assert_int_equal(h[0].caplen, 64);
	assert_int_equal(h[0].len, 104);
	assert_int_equal(h[1].ts.tv_sec, 2);
	assert_int_equal(h[2].caplen, 64);
	unlink(path);
}

/* Errors: the same text as libpcap's, after the same packets. */
static void
check_error(struct file *f, size_t packets, const char *want)
{
	struct pcap_pkthdr h[8];
	char err[PCAP_ERRBUF_SIZE];
	g_autofree char *path = finish(f);
	struct pcapdiff d = agree(path, NULL);
	size_t n;

	assert_true(d.fast);
	assert_int_equal(d.packets, packets);
	assert_int_equal(d.end, -1);
	assert_int_equal(read_all(path, h, 8, &n, err, sizeof(err)), -1);
	assert_int_equal(n, packets);
	assert_string_equal(err, want);
	unlink(path);
}

static void
t_errors(void **state)
{
	struct file f;

	(void)state;
	f = start(FALSE, 0xa1b2c3d4, 4, 65535, LT_EN10MB);
	good(&f, 1, 0, 60);
	good(&f, 1, 0, 60);
	g_byte_array_append(f.b, (const guint8 *)"12345", 5);
	check_error(&f, 2,
	    "truncated dump file; tried to read 16 header bytes, only got 5");
	f = start(FALSE, 0xa1b2c3d4, 4, 65535, LT_EN10MB);
	good(&f, 1, 0, 60);
	record(&f, 2, 0, 100, 100, 40);
	check_error(&f, 1,
	    "truncated dump file; tried to read 100 captured bytes, only got "
	    "40");
	f = start(FALSE, 0xa1b2c3d4, 4, 64, LT_EN10MB);
	record(&f, 2, 0, 100, 100, 50);
	check_error(&f, 0,
	    "truncated dump file; tried to read 64 captured bytes, only got "
	    "50");
	f = start(FALSE, 0xa1b2c3d4, 4, 64, LT_EN10MB);
	record(&f, 2, 0, 100, 100, 80);
	check_error(&f, 0,
	    "truncated dump file; tried to read 100 captured bytes, only got "
	    "80");
	f = start(FALSE, 0xa1b2c3d4, 4, 65535, LT_EN10MB);
	good(&f, 1, 0, 60);
	record(&f, 2, 0, 300000, 300000, 0);
	check_error(&f, 1,
	    "invalid packet capture length 300000, bigger than snaplen of "
	    "65535");
	f = start(TRUE, 0xa1b2c3d4, 4, 0, LT_EN10MB); /* 0: the maximum */
	record(&f, 2, 0, 262145, 262145, 262145);
	check_error(&f, 0,
	    "invalid packet capture length 262145, bigger than snaplen of "
	    "262144");
}

/*
 * Records across the buffer's end, the longest records libpcap takes, at
 * every batch size; then with a filter.
 */
static void
t_refill_filter(void **state)
{
	struct file f = start(FALSE, 0xa1b2c3d4, 4, 0, LT_EN10MB);
	g_autofree char *path = NULL;
	struct pcapdiff d;
	uint32_t i;

	(void)state;
	for (i = 0; i < 3000; i++) {
		good(&f, 1000 + i / 100, i, 14 + (i * 37) % 1501);
		if (i % 1000 == 999)
			good(&f, 2000, i, i == 2999 ? 262144 : 200000 + i);
	}
	path = finish(&f);
	d = agree(path, NULL);
	assert_int_equal(d.packets, 3003);
	assert_int_equal(d.end, 0);
	/* len is caplen + 4: 1004 and longer pass, as counted here */
	d = agree(path, "len > 1003");
	{
		uint32_t want = 3;

		for (i = 0; i < 3000; i++)
			want += 14 + (i * 37) % 1501 + 4 > 1003;
		assert_int_equal(d.packets, want);
	}
	unlink(path);
}

static gboolean
swapped_sll(const char *path)
{
	char eb[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline(path, eb);
	gboolean r;

	assert_non_null(p);
	r = pcap_is_swapped(p) &&
	    (pcap_datalink(p) == DLT_LINUX_SLL ||
	        pcap_datalink(p) == DLT_LINUX_SLL2);
	pcap_close(p);
	return r;
}

/* Every shared capture libpcap opens: the same packets from both. */
static void
t_shared(void **state)
{
	g_autofree char *dir = g_build_filename(MF_SHARED_DIR, "pcaps", NULL);
	GDir *gd = g_dir_open(dir, 0, NULL);
	const char *name;
	size_t files = 0, fast = 0, packets = 0;
	struct pcapdiff d;

	(void)state;
	assert_non_null(gd);
	while ((name = g_dir_read_name(gd)) != NULL) {
		g_autofree char *path = g_build_filename(dir, name, NULL);

		if (!g_str_has_suffix(name, ".pcap") &&
		    !g_str_has_suffix(name, ".pcapng"))
			continue;
		if (!pcapdiff_file(path, NULL, 256, &d))
			fail_msg("%s: %s", name, d.why);
		files++;
		fast += d.fast ? 1 : 0;
		packets += d.packets;
		/*
		 * pcapng stays with libpcap, and so does a cooked capture
		 * written in the other byte order (on a big-endian machine,
		 * the SLL captures here); every other classic file is ours.
		 */
		assert_true(d.fast ==
		    (g_str_has_suffix(name, ".pcap") && !swapped_sll(path)));
	}
	g_dir_close(gd);
	print_message("%zu captures, %zu read by both, %zu packets\n", files,
	    fast, packets);
	assert_true(fast >= 10);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_native_usec),
		cmocka_unit_test(t_nsec_signed),
		cmocka_unit_test(t_swapped),
		cmocka_unit_test(t_not_taken),
		cmocka_unit_test(t_over_snapshot),
		cmocka_unit_test(t_errors),
		cmocka_unit_test(t_refill_filter),
		cmocka_unit_test(t_shared),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
