/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "mf-v9"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <cmocka.h>

#include "common/model.h"
#include "common/msgenc.h"
#include "common/wbuf.h"
#include "tests/unit/v9fx.h"

#define MSG_CAP 1400

/*
 * The v9 encoder's message as a Wireshark user would see it: templates,
 * a statistics record and three flows in one pcap, read by tshark, which
 * must find every value and nothing malformed.  The encoder's own bytes:
 * test_v9.c.
 */

#define TSHARK "/usr/bin/tshark"
#define N_TSHARK_FLOWS 3

static uint16_t
ip_checksum(const uint8_t *p, size_t n)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	while (sum > 0xffff)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* A classic pcap (big-endian, Ethernet) holding msg in one UDP packet. */
static void
put_pcap(struct mf_wbuf *wb, const uint8_t *msg, size_t len)
{
	static const uint8_t macs[12] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1 };
	size_t ip_off;
	int r = 0;

	r |= mf_wbuf_put_u32(wb, 0xa1b2c3d4); /* magic */
	r |= mf_wbuf_put_u16(wb, 2);
	r |= mf_wbuf_put_u16(wb, 4);
	r |= mf_wbuf_put_u32(wb, 0); /* zone */
	r |= mf_wbuf_put_u32(wb, 0); /* sigfigs */
	r |= mf_wbuf_put_u32(wb, 65535);
	r |= mf_wbuf_put_u32(wb, 1); /* LINKTYPE_ETHERNET */
	r |= mf_wbuf_put_u32(wb, (uint32_t)(V9FX_NOW_MS / 1000));
	r |= mf_wbuf_put_u32(wb, 0);
	r |= mf_wbuf_put_u32(wb, (uint32_t)(14 + 28 + len));
	r |= mf_wbuf_put_u32(wb, (uint32_t)(14 + 28 + len));
	r |= mf_wbuf_put_bytes(wb, macs, sizeof(macs));
	r |= mf_wbuf_put_u16(wb, 0x0800);
	ip_off = wb->len;
	r |= mf_wbuf_put_u32(wb, (uint32_t)(0x45000000 | (28 + len)));
	r |= mf_wbuf_put_u32(wb, 0x00004000); /* DF */
	r |= mf_wbuf_put_u32(wb, 0x40110000); /* TTL, UDP */
	r |= mf_wbuf_put_u32(wb, 0xc0000201); /* 192.0.2.1 */
	r |= mf_wbuf_put_u32(wb, 0xc0000202); /* 192.0.2.2 */
	mf_wbuf_patch_u16(wb, ip_off + 10, ip_checksum(wb->base + ip_off, 20));
	r |= mf_wbuf_put_u16(wb, 40000);
	r |= mf_wbuf_put_u16(wb, 2055);
	r |= mf_wbuf_put_u16(wb, (uint16_t)(8 + len));
	r |= mf_wbuf_put_u16(wb, 0); /* no UDP checksum */
	r |= mf_wbuf_put_bytes(wb, msg, len);
	assert_int_equal(r, 0);
}

/* A message with both templates, a stats record and three flows. */
static size_t
build_tshark_message(uint8_t *buf, size_t cap)
{
	struct mf_stats_rec s;
	struct mf_flow_rec r;
	struct mf_msgenc w;
	uint16_t i;

	v9fx_stats(&s);
	mf_msgenc_init(&w, MF_MSGENC_V9, buf, cap, V9FX_SOURCE_ID,
	    V9FX_BOOT_MS);
	mf_msgenc_begin(&w, V9FX_NOW_MS);
	assert_int_equal(mf_msgenc_add_template(&w, &mf_tmpl_flow4), 0);
	assert_int_equal(mf_msgenc_add_template(&w, &mf_tmpl_stats), 0);
	assert_int_equal(mf_msgenc_add_record(&w, &mf_tmpl_stats, &s), 0);
	for (i = 0; i < N_TSHARK_FLOWS; i++) {
		v9fx_flow(&r, (uint16_t)(40001 + i));
		assert_int_equal(mf_msgenc_add_record(&w, &mf_tmpl_flow4, &r),
		    0);
	}
	return mf_msgenc_finish(&w);
}

/* Run tshark on path; returns its standard output. */
static gchar *
run_tshark(const char *path)
{
	g_autoptr(GStrvBuilder) b = g_strv_builder_new();
	g_auto(GStrv) argv = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *err = NULL;
	gchar *out = NULL;
	gint status = 0;

	g_strv_builder_add_many(b, TSHARK, "-n", "-r", path, "-d",
	    "udp.port==2055,cflow", "-V", NULL);
	argv = g_strv_builder_end(b);
	if (!g_spawn_sync(NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out,
	        &err, &status, &error) ||
	    !g_spawn_check_wait_status(status, &error))
		fail_msg("tshark: %s: %s", error->message, err ? err : "");
	return out;
}

static unsigned
count_substr(const char *s, const char *sub)
{
	unsigned n = 0;

	while ((s = strstr(s, sub)) != NULL) {
		n++;
		s += strlen(sub);
	}
	return n;
}

/* tshark -V shows every record and value of build_tshark_message(). */
static void
assert_tshark_output(const char *out)
{
	static const struct {
		const char *text;
		unsigned n;
	} want[] = {
		{ "Malformed", 0 },
		{ "Expert Info", 0 },
		{ "Count: 6\n", 1 },
		{ "FlowSet 1 [id=0] (Data Template): 256", 1 },
		{ "Field Count: 20\n", 1 },
		{ "FlowSet 2 [id=1] (Options Template): 260", 1 },
		{ "Scope Type: System (1)", 1 },
		{ "FlowSet 3 [id=260] (1 flows)", 1 },
		{ "OctetsExp: 18364758544493064720", 1 },
		{ "FlowSet 4 [id=256] (3 flows)", 1 },
		{ "SrcPort: 40001\n", 1 },
		{ "SrcPort: 40002\n", 1 },
		{ "SrcPort: 40003\n", 1 },
		{ "[Duration: 4.444000000 seconds", N_TSHARK_FLOWS },
		{ "SrcAddr: 192.0.2.1\n", N_TSHARK_FLOWS },
		{ "Octets: 78187493530\n", N_TSHARK_FLOWS },
		{ "Packets: 4294967298\n", N_TSHARK_FLOWS },
		{ "Source Mac Address: 02:11:22:33:44:55", N_TSHARK_FLOWS },
		{ "Selector ID: 01bb", N_TSHARK_FLOWS },
	};
	size_t i;
	unsigned n;

	for (i = 0; i < G_N_ELEMENTS(want); i++) {
		if ((n = count_substr(out, want[i].text)) == want[i].n)
			continue;
		g_printerr("%s", out);
		fail_msg("tshark: \"%s\" %u times, want %u", want[i].text, n,
		    want[i].n);
	}
}

static void
test_v9_finish_tshark_decodes_pcap(void **state)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *path = NULL, *out = NULL;
	uint8_t msg[MSG_CAP], file[24 + 16 + 42 + MSG_CAP];
	struct mf_wbuf wb;
	size_t len;
	ssize_t n;
	int fd;

	(void)state;
	if (!g_file_test(TSHARK, G_FILE_TEST_IS_EXECUTABLE)) {
		if (g_getenv("CI") != NULL)
			fail_msg(TSHARK " is missing and CI is set");
		skip();
	}
	len = build_tshark_message(msg, sizeof(msg));
	assert_int_not_equal(len, 0);
	mf_wbuf_init(&wb, file, sizeof(file));
	put_pcap(&wb, msg, len);
	if ((fd = g_file_open_tmp("test_v9-XXXXXX.pcap", &path, &error)) < 0)
		fail_msg("%s", error->message);
	n = write(fd, file, wb.len);
	close(fd);
	out = n == (ssize_t)wb.len ? run_tshark(path) : NULL;
	unlink(path);
	assert_non_null(out);
	assert_tshark_output(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v9_finish_tshark_decodes_pcap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
