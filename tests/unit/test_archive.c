/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "collector/output/archive.h"
#include "collector/ingest/fixdev.h"
#include "collector/ingest/fixread.h"
#include "collector/ingest/listen.h"
#include "common/error.h"
#include "common/model.h"
#include "common/msgenc.h"
#include "tests/unit/flowbuild.h"

#define T0 UINT64_C(1700000000000) /* 2023-11-14 22:13:20 UTC */
#define DAY_MS UINT64_C(86400000)

/* --- helpers -------------------------------------------------------------
 */

static char *
tmp_dir(void)
{
	char *d = g_dir_make_tmp("minflow-archive-test.XXXXXX", NULL);

	assert_non_null(d);
	return d;
}

/* Remove what a test made: files in day directories, then the dirs. */
static void
rm_tree(const char *dir)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *n;

	while (d != NULL && (n = g_dir_read_name(d)) != NULL) {
		char *p = g_build_filename(dir, n, NULL);

		if (g_file_test(p, G_FILE_TEST_IS_DIR))
			rm_tree(p);
		else
			g_unlink(p);
		g_free(p);
	}
	if (d != NULL)
		g_dir_close(d);
	g_rmdir(dir);
}

static gint
by_name(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The files in dir's day directories (sorted); parts: .part files only. */
static GPtrArray *
files(const char *dir, gboolean parts)
{
	GPtrArray *a = g_ptr_array_new_with_free_func(g_free);
	GDir *d = g_dir_open(dir, 0, NULL), *s;
	const char *day, *n;

	while (d != NULL && (day = g_dir_read_name(d)) != NULL) {
		char *p = g_build_filename(dir, day, NULL);

		s = g_dir_open(p, 0, NULL);
		while (s != NULL && (n = g_dir_read_name(s)) != NULL)
			if (g_str_has_suffix(n, ".part") == parts)
				g_ptr_array_add(a,
				    g_build_filename(p, n, NULL));
		if (s != NULL)
			g_dir_close(s);
		g_free(p);
	}
	if (d != NULL)
		g_dir_close(d);
	g_ptr_array_sort(a, by_name);
	return a;
}

static uint64_t
file_size(const char *path)
{
	GStatBuf st;

	assert_int_equal(g_stat(path, &st), 0);
	return (uint64_t)st.st_size;
}

/* What the collector's reader makes of a file. */
struct readback {
	struct col_fixmodel *m;
	struct col_fixread *r;
	struct col_flow flows[8];
	size_t n;
	struct col_device_rec devs[4];
	size_t n_devs;
};

static void
on_flow(const struct col_flow *f, void *ctx)
{
	struct readback *rb = ctx;

	if (rb->n < G_N_ELEMENTS(rb->flows))
		rb->flows[rb->n] = *f;
	rb->n++;
}

static void
on_device(const struct col_device_rec *d, void *ctx)
{
	struct readback *rb = ctx;

	assert_true(rb->n_devs < G_N_ELEMENTS(rb->devs));
	rb->devs[rb->n_devs++] = *d;
}

static void
on_message(void *ctx, enum col_listen_kind kind, const struct mf_addr *a,
    uint16_t port, const uint8_t *msg, size_t len)
{
	struct readback *rb = ctx;

	(void)kind;
	(void)a;
	(void)port;
	col_fixread_message(rb->r, msg, len, 0, on_flow, rb);
}

static void
read_back(const char *path, struct readback *rb)
{
	GError *err = NULL;

	memset(rb, 0, sizeof(*rb));
	rb->m = col_fixmodel_new();
	rb->r = col_fixread_new(rb->m, 16);
	col_fixread_set_dns_fn(rb->r, NULL, rb);
	col_fixread_set_device_fn(rb->r, on_device);
	assert_true(col_listen_read_file(path, on_message, rb, &err));
}

static void
readback_clear(struct readback *rb)
{
	col_fixread_free(rb->r);
	col_fixmodel_free(rb->m);
}

static struct col_flow
flow4(uint16_t sport, uint64_t packets)
{
	struct col_flow f = fb_flow("192.168.1.2", sport, "198.51.100.7", 443,
	    6, packets, packets * 60, T0 - 1500, T0 - 20);

	f.tcp_flags = 0x1b;
	f.ingress = 2;
	f.egress = 3;
	f.vlan = 10;
	f.app_port = 443;
	f.end_reason = MF_END_OF_FLOW;
	return f;
}

static struct col_archive *
archive(const char *dir, uint64_t rotate_s, uint64_t max_file,
    uint64_t retention_s, uint64_t max_total, uint64_t now_ms)
{
	struct col_archive_config c = { dir, rotate_s, max_file, retention_s,
		max_total, NULL };
	GError *err = NULL;
	struct col_archive *a = col_archive_new(&c, now_ms, &err);

	assert_non_null(a);
	return a;
}

/* --- cases ---------------------------------------------------------------
 */

static void
test_archive_add_flow_round_trip_keeps_every_field(void **state)
{
	static const uint8_t s6[16] = { 0xfd, 0, 0, 1, [15] = 2 };
	static const uint8_t d6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 9 };
	char *dir = tmp_dir();
	struct col_archive *a = archive(dir, 300, 0, 0, 0, T0);
	struct col_flow in[4];
	struct readback rb;
	GPtrArray *f;
	int i;

	(void)state;
	in[0] = flow4(50000, 3); /* uniflow, DNS label, MACs */
	g_strlcpy(in[0].label, "www.example.org", sizeof(in[0].label));
	in[0].label_source = MF_LABEL_DNS;
	memcpy(in[0].src_mac, "\x02\x00\x00\x00\x00\x01", 6);
	memcpy(in[0].dst_mac, "\x02\x00\x00\x00\x00\x02", 6);
	in[0].has_mac = 1;
	in[0].initial_flags = 0x02; /* SYN, then the rest */
	in[0].union_flags = 0x19;
	in[1] = flow4(50001, 5); /* IPv6, TLS SNI label */
	mf_addr_set6(&in[1].src, s6);
	mf_addr_set6(&in[1].dst, d6);
	g_strlcpy(in[1].label, "tls.example.net", sizeof(in[1].label));
	in[1].label_source = MF_LABEL_TLS_SNI;
	in[2] = flow4(50002, 7); /* biflow, HTTP host label */
	in[2].rev_packets = 6;
	in[2].rev_octets = 9000;
	in[2].rev_tcp_flags = 0x1a;
	in[2].rev_initial_flags = 0x12; /* SYN-ACK, then the rest */
	in[2].rev_union_flags = 0x18;
	in[2].rev_delta_ms = 35;
	g_strlcpy(in[2].label, "h.example.com", sizeof(in[2].label));
	in[2].label_source = MF_LABEL_HTTP_HOST;
	in[3] = flow4(0, 1); /* IPv6 biflow ICMPv6 echo, no label */
	mf_addr_set6(&in[3].src, s6);
	mf_addr_set6(&in[3].dst, d6);
	in[3].proto = 58;
	in[3].dport = 128 << 8;
	in[3].tcp_flags = 0;
	in[3].app_port = 0;
	in[3].rev_packets = 1;
	in[3].rev_octets = 104;
	for (i = 0; i < 4; i++)
		assert_int_equal(col_archive_add_flow(a, &in[i]), 0);
	col_archive_rotate(a);
	assert_int_equal(col_archive_get_stats(a)->records, 4);
	assert_int_equal(col_archive_get_stats(a)->files, 1);
	f = files(dir, FALSE);
	assert_int_equal(f->len, 1);
	read_back(g_ptr_array_index(f, 0), &rb);
	assert_int_equal(rb.n, 4);
	for (i = 0; i < 4; i++)
		assert_memory_equal(&rb.flows[i], &in[i], sizeof(in[i]));
	assert_int_equal(col_fixread_get_stats(rb.r)->type_records, 1);
	readback_clear(&rb);
	g_ptr_array_free(f, TRUE);
	col_archive_free(a);
	rm_tree(dir);
	g_free(dir);
}

static void
test_archive_add_flow_zero_packets_is_refused(void **state)
{
	char *dir = tmp_dir();
	struct col_archive *a = archive(dir, 300, 0, 0, 0, T0);
	struct col_flow f = flow4(1000, 0);
	GPtrArray *fs, *ps;

	(void)state;
	f.rev_packets = 4; /* a biflow's forward side must have packets */
	assert_int_equal(col_archive_add_flow(a, &f), -EINVAL);
	assert_int_equal(col_archive_add_flow(a, &f), -EINVAL);
	col_archive_rotate(a);
	assert_int_equal(col_archive_get_stats(a)->zero_packets, 2);
	assert_int_equal(col_archive_get_stats(a)->records, 0);
	assert_int_equal(col_archive_get_stats(a)->files, 0);
	fs = files(dir, FALSE);
	ps = files(dir, TRUE);
	assert_int_equal(fs->len + ps->len, 0);
	g_ptr_array_free(fs, TRUE);
	g_ptr_array_free(ps, TRUE);
	col_archive_free(a);
	rm_tree(dir);
	g_free(dir);
}

static void
test_archive_tick_rotates_by_time_and_names_are_atomic(void **state)
{
	char *dir = tmp_dir();
	struct col_archive *a = archive(dir, 300, 0, 0, 0, T0);
	struct col_flow f = flow4(1000, 2);
	GPtrArray *fs, *ps;
	char *first;

	(void)state;
	assert_int_equal(col_archive_add_flow(a, &f), 0);
	/* Open: only the hidden .part file is there. */
	fs = files(dir, FALSE);
	ps = files(dir, TRUE);
	assert_int_equal(fs->len, 0);
	assert_int_equal(ps->len, 1);
	assert_true(g_str_has_suffix(g_ptr_array_index(ps, 0),
	    "/20231114/.minflow-20231114221320.ipfix.part"));
	g_ptr_array_free(fs, TRUE);
	g_ptr_array_free(ps, TRUE);
	col_archive_tick(a, T0 + 299999);
	assert_int_equal(col_archive_get_stats(a)->files, 0);
	col_archive_tick(a, T0 + 300000);
	assert_int_equal(col_archive_get_stats(a)->files, 1);
	fs = files(dir, FALSE);
	ps = files(dir, TRUE);
	assert_int_equal(fs->len, 1);
	assert_int_equal(ps->len, 0);
	assert_true(g_str_has_suffix(g_ptr_array_index(fs, 0),
	    "/20231114/minflow-20231114221320.ipfix"));
	first = g_strdup(g_ptr_array_index(fs, 0));
	g_ptr_array_free(fs, TRUE);
	g_ptr_array_free(ps, TRUE);
	/* The next record starts the next file, named by its own start. */
	assert_int_equal(col_archive_add_flow(a, &f), 0);
	col_archive_free(a);
	fs = files(dir, FALSE);
	assert_int_equal(fs->len, 2);
	assert_string_equal(g_ptr_array_index(fs, 0), first);
	assert_true(g_str_has_suffix(g_ptr_array_index(fs, 1),
	    "/minflow-20231114221820.ipfix"));
	g_ptr_array_free(fs, TRUE);
	g_free(first);
	rm_tree(dir);
	g_free(dir);
}

/* Bytes of one archive4 record with empty labels. */
static size_t
archive4_record_len(void)
{
	size_t n = 0, i;

	for (i = 0; i < mf_tmpl_archive4.n_fields; i++)
		n += mf_tmpl_archive4.fields[i].kind == MF_FK_VARLEN
		    ? 1
		    : mf_tmpl_archive4.fields[i].len;
	return n;
}

static void
test_archive_add_flow_rotates_by_size(void **state)
{
	char *dir = tmp_dir();
	struct col_archive *a = archive(dir, 300, 4096, 0, 0, T0);
	struct col_flow f = flow4(1000, 2);
	GPtrArray *fs;
	guint i;

	(void)state;
	for (i = 0; i < 100; i++)
		assert_int_equal(col_archive_add_flow(a, &f), 0);
	col_archive_free(a);
	fs = files(dir, FALSE);
	/*
	 * A record takes 79 bytes; the writer reckons at most 89 (a set
	 * header of its own, 3-byte length prefixes) past what is written.
	 * libfixbuf writes the templates and labelSource's type record in
	 * messages of their own, so the first data record ends that
	 * message: 35 records of 89 fitted the rest of 4096 bytes before
	 * the device templates; those two take up to 2 * (4 + 4 + 8 * 6) =
	 * 112 bytes more, one record's 89 but not two, so 34 + 34 + 32.
	 */
	assert_int_equal(archive4_record_len(), 79);
	assert_int_equal(fs->len, 3);
	for (i = 0; i < fs->len; i++) {
		struct readback rb;

		assert_true(file_size(g_ptr_array_index(fs, i)) <= 4096);
		read_back(g_ptr_array_index(fs, i), &rb);
		/* Sorted: -1 (34), -2 (32), the first (34). */
		assert_int_equal(rb.n, i == 1 ? 32 : 34);
		readback_clear(&rb);
	}
	/* Same-second files: -1, -2, ... (sorted before the first). */
	assert_true(g_str_has_suffix(g_ptr_array_index(fs, 0),
	    "minflow-20231114221320-1.ipfix"));
	assert_true(g_str_has_suffix(g_ptr_array_index(fs, 2),
	    "minflow-20231114221320.ipfix"));
	g_ptr_array_free(fs, TRUE);
	rm_tree(dir);
	g_free(dir);
}

/* Three files, started a day apart (T0 - 2 days, - 1 day, T0). */
static void
three_days(const char *dir)
{
	struct col_archive *a = archive(dir, 300, 0, 0, 0, T0 - 2 * DAY_MS);
	struct col_flow f = flow4(1000, 2);
	int i;

	for (i = 0; i < 3; i++) {
		col_archive_tick(a, T0 - (uint64_t)(2 - i) * DAY_MS);
		assert_int_equal(col_archive_add_flow(a, &f), 0);
		col_archive_rotate(a);
	}
	assert_int_equal(col_archive_get_stats(a)->files, 3);
	col_archive_free(a);
}

static void
test_archive_new_retention_by_age(void **state)
{
	char *dir = tmp_dir();
	struct col_archive *a;
	GPtrArray *fs;

	(void)state;
	three_days(dir);
	/* 36 hours: the file of two days ago goes, with its day directory. */
	a = archive(dir, 300, 0, 36 * 3600, 0, T0 + 1000);
	assert_int_equal(col_archive_get_stats(a)->removed_age, 1);
	assert_int_equal(col_archive_get_stats(a)->removed_size, 0);
	fs = files(dir, FALSE);
	assert_int_equal(fs->len, 2);
	assert_true(g_str_has_suffix(g_ptr_array_index(fs, 0),
	    "/20231113/minflow-20231113221320.ipfix"));
	assert_false(g_file_test("20231112", G_FILE_TEST_EXISTS));
	g_ptr_array_free(fs, TRUE);
	/* A day later by the clock: the next one too. */
	col_archive_tick(a, T0 + DAY_MS);
	assert_int_equal(col_archive_get_stats(a)->removed_age, 2);
	col_archive_free(a);
	rm_tree(dir);
	g_free(dir);
}

static void
test_archive_new_retention_by_total_size(void **state)
{
	char *dir = tmp_dir();
	struct col_archive *a;
	GPtrArray *fs;
	uint64_t one;

	(void)state;
	three_days(dir);
	fs = files(dir, FALSE);
	assert_int_equal(fs->len, 3);
	one = file_size(g_ptr_array_index(fs, 0));
	g_ptr_array_free(fs, TRUE);
	/* Room for two files and a byte less than the third: one goes. */
	a = archive(dir, 300, 0, 0, 3 * one - 1, T0 + 1000);
	assert_int_equal(col_archive_get_stats(a)->removed_size, 1);
	assert_int_equal(col_archive_get_stats(a)->removed_age, 0);
	col_archive_free(a);
	/* Room for one: the two oldest of what is left would go; one does. */
	a = archive(dir, 300, 0, 0, one, T0 + 1000);
	assert_int_equal(col_archive_get_stats(a)->removed_size, 1);
	col_archive_free(a);
	fs = files(dir, FALSE);
	assert_int_equal(fs->len, 1);
	assert_true(g_str_has_suffix(g_ptr_array_index(fs, 0),
	    "/20231114/minflow-20231114221320.ipfix"));
	g_ptr_array_free(fs, TRUE);
	rm_tree(dir);
	g_free(dir);
}

static uint16_t
be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void
test_archive_new_recovers_a_cut_part_file(void **state)
{
	char *dir = tmp_dir(), *crash = tmp_dir(), *part, *day, *final;
	struct col_archive *a = archive(dir, 300, 0, 0, 0, T0);
	struct col_flow f = flow4(1000, 2);
	size_t len, off, last = 0, n_last, rec = archive4_record_len();
	GPtrArray *fs;
	uint8_t *buf;
	int i;

	(void)state;
	for (i = 0; i < 2000; i++)
		assert_int_equal(col_archive_add_flow(a, &f), 0);
	col_archive_free(a);
	fs = files(dir, FALSE);
	assert_int_equal(fs->len, 1);
	assert_true(g_file_get_contents(g_ptr_array_index(fs, 0), (char **)&buf,
	    &len, NULL));
	for (off = 0; off < len; off += be16(buf + off + 2))
		last = off;
	/* The last message holds one data set of whole records. */
	n_last = (be16(buf + last + 2) - 20u) / rec;
	assert_int_equal((be16(buf + last + 2) - 20u) % rec, 0);
	assert_true(n_last > 10);
	/* A crash in the middle of its 11th record. */
	day = g_build_filename(crash, "20231114", NULL);
	g_mkdir(day, 0755);
	part =
	    g_build_filename(day, ".minflow-20231114221320.ipfix.part", NULL);
	final = g_build_filename(day, "minflow-20231114221320.ipfix", NULL);
	assert_true(g_file_set_contents(part, (char *)buf,
	    (gssize)(last + 20 + 10 * rec + rec / 2), NULL));
	a = archive(crash, 300, 0, 0, 0, T0 + 1000);
	assert_int_equal(col_archive_get_stats(a)->recovered, 2000 - n_last);
	assert_int_equal(col_archive_get_stats(a)->lost, 10);
	assert_false(g_file_test(part, G_FILE_TEST_EXISTS));
	assert_int_equal(file_size(final), last);
	col_archive_free(a);
	g_free(buf);
	g_free(part);
	g_free(final);
	g_free(day);
	g_ptr_array_free(fs, TRUE);
	rm_tree(dir);
	rm_tree(crash);
	g_free(dir);
	g_free(crash);
}

/* The body of the first data set with id sid in the messages at buf. */
/*
 * A home rate: a few records never fill a message, so they are written
 * once the oldest has waited COL_ARCHIVE_FLUSH_MS; a crash then (the
 * .part file as it is, the archive never freed) recovers every one.
 */
static void
test_archive_tick_flushes_a_small_message_for_a_crash(void **state)
{
	char *dir = tmp_dir(), *crash = tmp_dir(), *day, *copy;
	struct col_archive *a = archive(dir, 300, 0, 0, 0, T0), *b;
	struct col_flow f = flow4(1000, 2);
	GPtrArray *ps;
	uint8_t *buf;
	size_t len;
	int i;

	(void)state;
	for (i = 0; i < 3; i++)
		assert_int_equal(col_archive_add_flow(a, &f), 0);
	col_archive_tick(a, T0 + COL_ARCHIVE_FLUSH_MS - 1);
	assert_int_equal(col_archive_get_stats(a)->records, 0);
	col_archive_tick(a, T0 + COL_ARCHIVE_FLUSH_MS);
	assert_int_equal(col_archive_get_stats(a)->records, 3);
	/* The next record waits from its own arrival. */
	assert_int_equal(col_archive_add_flow(a, &f), 0);
	col_archive_tick(a, T0 + 2 * COL_ARCHIVE_FLUSH_MS - 1);
	assert_int_equal(col_archive_get_stats(a)->records, 3);
	col_archive_tick(a, T0 + 2 * COL_ARCHIVE_FLUSH_MS);
	assert_int_equal(col_archive_get_stats(a)->records, 4);
	/* A clock stepped back writes at once. */
	assert_int_equal(col_archive_add_flow(a, &f), 0);
	col_archive_tick(a, T0);
	assert_int_equal(col_archive_get_stats(a)->records, 5);
	ps = files(dir, TRUE);
	assert_int_equal(ps->len, 1);
	assert_true(g_file_get_contents(g_ptr_array_index(ps, 0), (char **)&buf,
	    &len, NULL));
	day = g_build_filename(crash, "20231114", NULL);
	g_mkdir(day, 0755);
	copy =
	    g_build_filename(day, ".minflow-20231114221320.ipfix.part", NULL);
	assert_true(g_file_set_contents(copy, (char *)buf, (gssize)len, NULL));
	b = archive(crash, 300, 0, 0, 0, T0 + 1000);
	assert_int_equal(col_archive_get_stats(b)->recovered, 5);
	assert_int_equal(col_archive_get_stats(b)->lost, 0);
	col_archive_free(b);
	col_archive_free(a);
	g_ptr_array_free(ps, TRUE);
	g_free(buf);
	g_free(copy);
	g_free(day);
	rm_tree(dir);
	rm_tree(crash);
	g_free(dir);
	g_free(crash);
}

/* A planted .part symlink or day directory symlink is never followed. */
static void
test_archive_add_flow_planted_symlinks_are_not_followed(void **state)
{
	char *dir = tmp_dir(), *away = tmp_dir(), *day, *part, *text = NULL;
	struct col_archive *a;
	struct col_flow f = flow4(1000, 2);
	char *target = g_build_filename(away, "target", NULL);
	char *dangling = g_build_filename(away, "none", NULL);
	GPtrArray *fs;

	(void)state;
	assert_true(g_file_set_contents(target, "keep", 4, NULL));
	day = g_build_filename(dir, "20231114", NULL);
	assert_int_equal(g_mkdir(day, 0755), 0);
	part =
	    g_build_filename(day, ".minflow-20231114221320.ipfix.part", NULL);
	assert_int_equal(symlink(target, part), 0);
	a = archive(dir, 300, 0, 0, 0, T0);
	/* A link takes the name: the next one is used. */
	assert_int_equal(col_archive_add_flow(a, &f), 0);
	col_archive_free(a);
	(void)g_unlink(part);
	/* A dangling one too: nothing is created where it points. */
	assert_int_equal(symlink(dangling, part), 0);
	a = archive(dir, 300, 0, 0, 0, T0);
	assert_int_equal(col_archive_add_flow(a, &f), 0);
	col_archive_free(a);
	assert_false(g_file_test(dangling, G_FILE_TEST_EXISTS));
	assert_true(g_file_get_contents(target, &text, NULL, NULL));
	assert_string_equal(text, "keep");
	g_free(text);
	/* The day directory itself a link: refused, nothing written there. */
	rm_tree(dir);
	assert_int_equal(g_mkdir(dir, 0755), 0);
	assert_int_equal(symlink(away, day), 0);
	a = archive(dir, 300, 0, 0, 0, T0);
	assert_int_equal(col_archive_add_flow(a, &f), -EIO);
	col_archive_free(a);
	fs = files(away, FALSE);
	assert_int_equal(fs->len, 0);
	g_ptr_array_free(fs, TRUE);
	(void)g_unlink(day);
	g_free(day);
	g_free(part);
	g_free(target);
	g_free(dangling);
	rm_tree(dir);
	rm_tree(away);
	g_free(dir);
	g_free(away);
}

static const uint8_t *
find_set(const uint8_t *buf, size_t len, uint16_t sid, size_t *slen)
{
	size_t off = 0, s;

	while (off + 16 <= len) {
		for (s = off + 16; s + 4 <= off + be16(buf + off + 2);
		     s += be16(buf + s + 2))
			if (be16(buf + s) == sid) {
				*slen = be16(buf + s + 2) - 4u;
				return buf + s + 4;
			}
		off += be16(buf + off + 2);
	}
	return NULL;
}

static void
test_archive_add_dns_writes_what_the_exporter_encodes(void **state)
{
	static const uint8_t list[] = { 0xff, 0, 8, 0, 4, 93, 184, 216, 34, 93,
		184, 216, 35 };
	char *dir = tmp_dir();
	struct col_archive *a = archive(dir, 300, 0, 0, 0, T0);
	struct mf_dns_rec r;
	struct mf_msgenc w;
	uint8_t msg[1400], *buf;
	const uint8_t *want, *got;
	size_t wlen, glen, len;
	GPtrArray *fs;

	(void)state;
	memset(&r, 0, sizeof(r));
	r.qname.buf = (const uint8_t *)"example.com";
	r.qname.len = 11;
	r.addrs.buf = list;
	r.addrs.len = sizeof(list);
	r.time_ms = T0;
	r.server4 = 0x08080808;
	r.client4 = 0xc0a80102;
	r.ttl = 300;
	r.sport = 53;
	r.dport = 40000;
	r.id = 0x1234;
	r.qtype = 1;
	r.proto = 17;
	r.qr = 1;
	assert_int_equal(col_archive_add_dns(a, &r, MF_AF_INET), 0);
	assert_int_equal(col_archive_add_dns(a, &r, 99), -EINVAL);
	r.addrs.len = 7; /* a value cut short */
	assert_int_equal(col_archive_add_dns(a, &r, MF_AF_INET), -EINVAL);
	r.addrs.len = sizeof(list);
	col_archive_rotate(a);
	assert_int_equal(col_archive_get_stats(a)->dns_records, 1);
	mf_msgenc_init(&w, MF_MSGENC_IPFIX, msg, sizeof(msg), 0, 0);
	mf_msgenc_begin(&w, T0);
	assert_int_equal(mf_msgenc_add_record(&w, &mf_tmpl_dns4, &r), 0);
	want = find_set(msg, mf_msgenc_finish(&w), MF_TID_DNS4, &wlen);
	fs = files(dir, FALSE);
	assert_int_equal(fs->len, 1);
	assert_true(g_file_get_contents(g_ptr_array_index(fs, 0), (char **)&buf,
	    &len, NULL));
	got = find_set(buf, len, MF_TID_DNS4, &glen);
	assert_non_null(want);
	assert_non_null(got);
	/*
	 * Byte for byte, but for the basicList's length: libfixbuf always
	 * writes the 3-byte form (RFC 7011 7), msgenc the short one.
	 */
	assert_int_equal(glen, wlen + 2);
	assert_memory_equal(got, want, wlen - sizeof(list) - 1);
	assert_int_equal(want[wlen - sizeof(list) - 1], sizeof(list));
	assert_memory_equal(got + glen - sizeof(list) - 3, "\xff\x00\x0d", 3);
	assert_memory_equal(got + glen - sizeof(list), list, sizeof(list));
	g_free(buf);
	g_ptr_array_free(fs, TRUE);
	col_archive_free(a);
	rm_tree(dir);
	g_free(dir);
}

/* A device as the collector took it from minflow-exporter. */
static struct col_device_rec
device(const char *name, const char *addr, uint8_t source)
{
	struct col_device_rec d;

	memset(&d, 0, sizeof(d));
	d.time_ms = T0 - 700;
	memcpy(d.mac, "\x02\x11\x22\x33\x44\x55", 6);
	d.source = source;
	d.lease_s = 86400;
	if (addr != NULL)
		assert_true(mf_addr_parse(addr, &d.addr));
	g_strlcpy(d.name, name, sizeof(d.name));
	return d;
}

/*
 * Device records go into the file under the exporter's templates 275 and
 * 276 and read back as they came: every field, both families, and one
 * without an address (under 275, as the exporter sends it).
 */
static void
test_archive_add_device_reads_back(void **state)
{
	char *dir = tmp_dir();
	struct col_archive *a = archive(dir, 300, 0, 0, 0, T0);
	struct col_device_rec want[3] = {
		device("kids-tablet", "192.168.1.20", MF_DEVICE_DHCP),
		device("tv.home", "2001:db8::1c4f", MF_DEVICE_DHCPV6),
		device("printer", NULL, MF_DEVICE_MDNS),
	};
	uint8_t family[3] = { MF_AF_INET, MF_AF_INET6, MF_AF_INET };
	struct mf_device_rec r;
	struct readback rb;
	GPtrArray *fs;
	size_t i;

	(void)state;
	for (i = 0; i < G_N_ELEMENTS(want); i++) {
		assert_int_equal(col_fixdev_to_wire(&want[i], &r), family[i]);
		assert_int_equal(col_archive_add_device(a, &r, family[i]), 0);
	}
	col_archive_rotate(a);
	assert_int_equal(col_archive_get_stats(a)->device_records, 3);
	assert_int_equal(col_archive_get_stats(a)->records, 0);
	fs = files(dir, FALSE);
	assert_int_equal(fs->len, 1);
	read_back(g_ptr_array_index(fs, 0), &rb);
	assert_int_equal(rb.n, 0);
	assert_int_equal(rb.n_devs, 3);
	for (i = 0; i < G_N_ELEMENTS(want); i++)
		assert_memory_equal(&rb.devs[i], &want[i], sizeof(want[i]));
	readback_clear(&rb);
	g_ptr_array_free(fs, TRUE);
	col_archive_free(a);
	g_free(dir);
}

/* compat = super_mediator: DNS and device records left out (counted);
 * other values refused. */
static void
test_archive_compat_leaves_dns_out(void **state)
{
	static const uint8_t list[] = { 0xff, 0, 8, 0, 4, 93, 184, 216, 34 };
	char *dir = tmp_dir();
	struct col_archive_config c = { dir, 300, 0, 0, 0, "super_mediator" };
	GError *err = NULL;
	struct col_archive *a = col_archive_new(&c, T0, &err);
	struct col_device_rec dev;
	struct mf_device_rec dr;
	struct mf_dns_rec r;

	(void)state;
	assert_non_null(a);
	memset(&r, 0, sizeof(r));
	r.qname.buf = (const uint8_t *)"example.com";
	r.qname.len = 11;
	r.addrs.buf = list;
	r.addrs.len = sizeof(list);
	r.time_ms = T0;
	r.qr = 1;
	assert_int_equal(col_archive_add_dns(a, &r, MF_AF_INET), 0);
	dev = device("tv", "192.168.1.21", MF_DEVICE_DHCP);
	assert_int_equal(col_fixdev_to_wire(&dev, &dr), MF_AF_INET);
	assert_int_equal(col_archive_add_device(a, &dr, MF_AF_INET), 0);
	col_archive_rotate(a);
	assert_int_equal(col_archive_get_stats(a)->dns_records, 0);
	assert_int_equal(col_archive_get_stats(a)->dns_left_out, 1);
	assert_int_equal(col_archive_get_stats(a)->device_records, 0);
	assert_int_equal(col_archive_get_stats(a)->device_left_out, 1);
	col_archive_free(a);
	c.compat = "yaf";
	assert_null(col_archive_new(&c, T0, &err));
	assert_true(g_error_matches(err, MF_ERROR, MF_ERROR_CONFIG));
	g_clear_error(&err);
	rm_tree(dir);
	g_free(dir);
}

static void
test_archive_write_error_drops_until_the_next_rotation(void **state)
{
	char *dir = tmp_dir();
	struct col_archive *a = archive(dir, 300, 0, 0, 0, T0);
	struct col_flow f = flow4(1000, 2);
	struct rlimit old, lim;
	const struct col_archive_stats *s = col_archive_get_stats(a);
	GPtrArray *fs;
	int i, failed = 0;

	(void)state;
	/* A full disk: writes beyond 8 KiB fail (EFBIG, no SIGXFSZ). */
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = 8192;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	for (i = 0; i < 2000; i++)
		failed += col_archive_add_flow(a, &f) != 0;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	/* The first message never made it: every record is dropped. */
	assert_int_equal(s->write_errors, 1);
	assert_int_equal(s->dropped, 2000);
	assert_int_equal(s->records, 0);
	assert_int_equal(s->files, 0);
	assert_true(failed > 1000 && failed < 2000);
	col_archive_tick(a, T0 + 299999);
	assert_int_equal(col_archive_add_flow(a, &f), -EIO);
	col_archive_tick(a, T0 + 300000);
	assert_int_equal(col_archive_add_flow(a, &f), 0);
	col_archive_rotate(a);
	assert_int_equal(s->dropped, 2001);
	assert_int_equal(s->records, 1);
	assert_int_equal(s->files, 1);
	fs = files(dir, TRUE);
	assert_int_equal(fs->len, 0);
	g_ptr_array_free(fs, TRUE);
	col_archive_free(a);
	rm_tree(dir);
	g_free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    test_archive_add_flow_round_trip_keeps_every_field),
		cmocka_unit_test(test_archive_add_flow_zero_packets_is_refused),
		cmocka_unit_test(
		    test_archive_tick_rotates_by_time_and_names_are_atomic),
		cmocka_unit_test(test_archive_add_flow_rotates_by_size),
		cmocka_unit_test(test_archive_new_retention_by_age),
		cmocka_unit_test(test_archive_new_retention_by_total_size),
		cmocka_unit_test(test_archive_new_recovers_a_cut_part_file),
		cmocka_unit_test(
		    test_archive_tick_flushes_a_small_message_for_a_crash),
		cmocka_unit_test(
		    test_archive_add_flow_planted_symlinks_are_not_followed),
		cmocka_unit_test(
		    test_archive_add_dns_writes_what_the_exporter_encodes),
		cmocka_unit_test(test_archive_add_device_reads_back),
		cmocka_unit_test(test_archive_compat_leaves_dns_out),
		cmocka_unit_test(
		    test_archive_write_error_drops_until_the_next_rotation),
	};

	g_log_set_always_fatal(G_LOG_LEVEL_CRITICAL);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
