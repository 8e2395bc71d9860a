/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "mf-dns"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/addr.h"
#include "common/dns.h"

/*
 * libFuzzer harness for the DNS parser.  The input is parsed twice: as one
 * DNS message (the seed corpus, from tests/fuzz/dns_seeds.sh, holds real
 * answers), and as a TCP segment walked with mf_dns_tcp_next(), each
 * message found parsed in turn.  Besides the sanitizers, the harness
 * checks the promises of dns.h and aborts when one is broken.
 */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * A name's text: NUL-terminated in bounds, printable, without empty labels
 * (but for the root, "."), escapes as \DDD up to 255.
 */
static void
check_name(const char *s)
{
	const char *end = memchr(s, '\0', MF_DNS_NAME_MAX + 1);
	const char *p;

	if (end == NULL)
		abort();
	if (end - s == 1 && *s == '.')
		return;
	for (p = s; p < end; p++) {
		if (*p < 0x21 || *p > 0x7e ||
		    (*p == '.' && (p == s || p[1] == '\0' || p[1] == '.')))
			abort();
		if (*p != '\\')
			continue;
		if (end - p < 4 || p[1] < '0' || p[1] > '2' || p[2] < '0' ||
		    p[2] > '9' || p[3] < '0' || p[3] > '9' ||
		    (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0') > 255)
			abort();
		p += 3;
	}
}

static void
check_addrs(const struct mf_dns_msg *m)
{
	uint32_t min = UINT32_MAX;
	unsigned i;

	if (m->n_addrs > MF_DNS_MAX_ADDRS ||
	    (m->addrs_dropped > 0 && m->n_addrs != MF_DNS_MAX_ADDRS))
		abort();
	for (i = 0; i < m->n_addrs; i++) {
		if ((m->addrs[i].addr.family != MF_AF_INET &&
		        m->addrs[i].addr.family != MF_AF_INET6) ||
		    m->addrs[i].ttl > INT32_MAX)
			abort();
		if (m->addrs[i].ttl < min)
			min = m->addrs[i].ttl;
	}
	if (m->min_ttl != (m->n_addrs > 0 ? min : 0))
		abort();
}

/*
 * A question read good has the text and length the generic name reader
 * (mf_dns_read_name()) gives its name: the plain question's copy must
 * not differ from it.
 */
static void
check_question(const uint8_t *msg, size_t len, const struct mf_dns_msg *m)
{
	char text[MF_DNS_NAME_MAX + 1];
	size_t end;

	if (m->qname_wire_len == 0)
		return;
	if (mf_dns_read_name(msg, len, MF_DNS_HEADER_LEN, text, &end) !=
	        MF_DNS_OK ||
	    end != MF_DNS_HEADER_LEN + (size_t)m->qname_wire_len ||
	    strcmp(text, m->qname) != 0 || strlen(text) != m->qname_len)
		abort();
}

static void
check_msg(const uint8_t *msg, size_t len)
{
	struct mf_dns_msg m;
	enum mf_dns_result r;

	memset(&m, 0xa5, sizeof(m));
	r = mf_dns_parse(msg, len, &m);
	if ((unsigned)r >= MF_DNS_N_RESULTS ||
	    (len < MF_DNS_HEADER_LEN) != (r == MF_DNS_SHORT_HEADER) ||
	    (r == MF_DNS_OK && !m.answers_complete) || m.ext_rcode > 0xfff ||
	    (m.ext_rcode & 0xf) != m.rcode ||
	    (!m.has_opt && m.ext_rcode != m.rcode))
		abort();
	check_name(m.qname);
	check_name(m.cname);
	check_question(msg, len, &m);
	if (m.answers_complete &&
	    (m.qname[0] == '\0' || m.n_cnames > MF_DNS_MAX_CHAIN ||
	        (m.n_cnames == 0) != (m.cname[0] == '\0')))
		abort();
	if (!m.answers_complete &&
	    (m.n_addrs != 0 || m.cname[0] != '\0' || m.n_cnames != 0))
		abort();
	check_addrs(&m);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *msg;
	size_t off = 0, prev = 0, len, i;
	enum mf_dns_tcp_result r;

	check_msg(data, size);
	/* Each message takes 3 bytes or more: at most size / 3 + 1 rounds. */
	for (i = 0; i <= size / 3 + 1; i++) {
		msg = NULL;
		len = 0;
		r = mf_dns_tcp_next(data, size, &off, &msg, &len);
		if (off > size || off < prev)
			abort();
		if (r != MF_DNS_TCP_MSG) {
			if (off != size ||
			    mf_dns_tcp_next(data, size, &off, &msg, &len) !=
			        MF_DNS_TCP_END)
				abort();
			return 0;
		}
		if (msg != data + prev + 2 || len == 0 || off != prev + 2 + len)
			abort();
		check_msg(msg, len);
		prev = off;
	}
	abort();
}
