/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "exp-decode"

#include <stddef.h>
#include <string.h>

#include <glib.h>
#include <pcap.h>

#include "exporter/decode.h"
#include "common/rbuf.h"

/*
 * Every byte of the frame is read through an mf_rbuf bounded by caplen, so
 * nothing here can read past the capture whatever the headers claim.
 *
 * Where a frame ends decides the outcome:
 *  - link headers (Ethernet, tags, labels, PPPoE, SLL, loopback family)
 *    cut short: EXP_DECODE_TRUNC_LINK;
 *  - the fixed IPv4 (IHL * 4 bytes) or IPv6 (40 bytes) header cut short:
 *    EXP_DECODE_TRUNC_IP;
 *  - an IPv6 extension header running past the datagram's own end (40 +
 *    payload length): EXP_DECODE_BAD_IPV6_EXT, the packet is malformed;
 *  - an IPv6 extension header inside the datagram but past the captured
 *    bytes (snaplen): EXP_DECODE_OK with l4_trunc set, proto the next
 *    header value that could not be walked (0, 43, 44, 51, 60 or 135) and
 *    ports 0, so snaplen never costs bytes in the flow counts;
 *  - a transport header cut short, by the capture or by the IP length:
 *    EXP_DECODE_OK with l4_trunc set and ports 0, as the IP layer is fine.
 *
 * A total length of 0 (IPv4) or payload length of 0 (IPv6: TSO on the
 * capture host, or a jumbogram) is replaced by the frame's length on the
 * wire after the link header (wirelen, or caplen if wirelen is smaller), so
 * a snaplen-cut TSO frame still counts all of its bytes.
 *
 * After MPLS the payload is guessed from the version nibble; anything but
 * 4 or 6 (a pseudowire control word, Ethernet over MPLS) is NOT_IP.  Raw IP
 * link types demand the version they name (BAD_IP_VERSION otherwise).
 *
 * payload is set for TCP, UDP and UDP-Lite only, and only when at least
 * one payload byte was captured; otherwise it is NULL and payload_len 0.
 * exp_decode() answers EXP_DECODE_NOT_IP for a link type that
 * exp_decode_supports() rejects.
 */

#define LINKTYPE_RAW 101 /* pcap files; libpcap maps it to DLT_RAW */

#define ETH_HDR_LEN 14
#define SLL_HDR_LEN 16
#define SLL2_HDR_LEN 20

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd
#define ETHERTYPE_8021Q 0x8100
#define ETHERTYPE_8021AD 0x88a8
#define ETHERTYPE_QINQ 0x9100 /* pre-standard 802.1ad */
#define ETHERTYPE_MPLS 0x8847
#define ETHERTYPE_MPLS_MC 0x8848
#define ETHERTYPE_PPPOE 0x8864      /* session stage; 0x8863 is discovery */
#define ETHERTYPE_VNTAG 0x8926      /* Cisco VN-Tag: 4 tag bytes, then a type */
#define ETHERTYPE_FABRICPATH 0x8903 /* Cisco FabricPath: not decoded */
#define ETHERTYPE_MIN 0x0600      /* below: an IEEE 802.3 length, LLC follows */
#define LLC_SNAP_SAP 0xaa         /* DSAP and SSAP of a SNAP header */
#define LLC_UI 0x03               /* unnumbered information */
#define SNAP_OUI_RFC1042 0x000000 /* the OUI of encapsulated ethertypes */
#define SNAP_OUI_8021H 0x0000f8   /* 802.1H bridge tunnel, the same */
#define VNTAG_LEN 4

#define PPPOE_VER_TYPE 0x11
#define PPP_IPV4 0x0021
#define PPP_IPV6 0x0057

#define MPLS_BOS 0x00000100u

#define MAX_TAGS 8   /* 802.1Q/802.1ad tags per frame */
#define MAX_LABELS 8 /* MPLS labels per frame */
#define MAX_EXT 8    /* IPv6 extension headers per packet */

#define IPV4_MF 0x2000
#define IPV4_OFFMASK 0x1fff
#define IPV6_HDR_LEN 40
#define IPV6_FRAG_LEN 8

#define PROTO_HOPOPTS 0
#define PROTO_ICMP 1
#define PROTO_TCP 6
#define PROTO_UDP 17
#define PROTO_ROUTING 43
#define PROTO_FRAGMENT 44
#define PROTO_AH 51
#define PROTO_ICMPV6 58
#define PROTO_DSTOPTS 60
#define PROTO_SCTP 132
#define PROTO_MOBILITY 135
#define PROTO_UDPLITE 136

#define TCP_MIN_LEN 20
#define UDP_LEN 8
#define SCTP_MIN_LEN 12
#define ICMP_MIN_LEN 4 /* type, code, checksum */

/* BSD loopback address families (AF_INET6 differs between the BSDs). */
#define BSD_AF_INET 2
#define BSD_AF_INET6_BSD 24
#define BSD_AF_INET6_FREEBSD 28
#define BSD_AF_INET6_DARWIN 30

const char *const exp_decode_result_names[EXP_DECODE_N_RESULTS] = {
	[EXP_DECODE_OK] = "ok",
	[EXP_DECODE_TRUNC_LINK] = "truncated-link",
	[EXP_DECODE_NOT_IP] = "not-ip",
	[EXP_DECODE_TRUNC_IP] = "truncated-ip",
	[EXP_DECODE_BAD_IP_VERSION] = "bad-ip-version",
	[EXP_DECODE_BAD_IP_HEADER] = "bad-ip-header",
	[EXP_DECODE_BAD_IPV6_EXT] = "bad-ipv6-ext",
	[EXP_DECODE_TOO_MANY_LAYERS] = "too-many-layers",
	[EXP_DECODE_UNSUPPORTED_LINK] = "unsupported-link",
};

/* One decode in progress; lives on exp_decode()'s stack. */
struct dec {
	struct mf_rbuf rb; /* the frame from the current layer on */
	uint32_t caplen;
	uint32_t wirelen;
	struct exp_pkt *pkt;
};

/* Bytes of the frame on the wire from the current position on. */
static uint32_t
wire_left(const struct dec *d)
{
	uint32_t left = (uint32_t)d->rb.left;

	if (d->wirelen < d->caplen)
		return left;
	return d->wirelen - (d->caplen - left);
}

/* Version nibble of the next byte, or -1 if nothing is left. */
static int
peek_version(const struct mf_rbuf *rb)
{
	struct mf_rbuf c = *rb;
	uint8_t b;

	if (mf_rbuf_get_u8(&c, &b) != 0)
		return -1;
	return b >> 4;
}

/*
 * The transport headers are read in place once their fixed part is known
 * to be there: one length test a header, not one a field.
 */
static void
decode_tcp(struct mf_rbuf *rb, struct exp_pkt *pkt)
{
	const uint8_t *t = rb->p;
	size_t hlen;

	if (rb->left < TCP_MIN_LEN) {
		pkt->l4_trunc = 1;
		return;
	}
	pkt->sport = mf_rbuf_be16(t);
	pkt->dport = mf_rbuf_be16(t + 2);
	pkt->tcp_flags = t[13];
	/* The header is data offset * 4 >= 20 bytes. */
	hlen = (size_t)(t[12] >> 4) * 4;
	if (hlen < TCP_MIN_LEN || mf_rbuf_skip(rb, hlen) != 0 || rb->left == 0)
		return;
	pkt->payload = rb->p;
	pkt->payload_len = (uint32_t)rb->left;
}

static void
decode_udp(struct mf_rbuf *rb, struct exp_pkt *pkt)
{
	const uint8_t *u = rb->p;
	uint16_t ulen;
	size_t len;

	if (mf_rbuf_skip(rb, UDP_LEN) != 0) {
		pkt->l4_trunc = 1;
		return;
	}
	pkt->sport = mf_rbuf_be16(u);
	pkt->dport = mf_rbuf_be16(u + 2);
	ulen = mf_rbuf_be16(u + 4);
	len = rb->left;
	/* UDP-Lite has a checksum coverage there, not a length. */
	if (pkt->proto == PROTO_UDP && ulen >= UDP_LEN &&
	    (size_t)ulen - UDP_LEN < len)
		len = (size_t)ulen - UDP_LEN;
	if (len == 0)
		return;
	pkt->payload = rb->p;
	pkt->payload_len = (uint32_t)len;
}

/* SCTP (ports) and ICMP/ICMPv6 (type << 8 | code in dport). */
static void
decode_other(struct mf_rbuf *rb, struct exp_pkt *pkt)
{
	uint16_t a, b;

	if (pkt->proto == PROTO_SCTP) {
		if (rb->left < SCTP_MIN_LEN || mf_rbuf_get_u16(rb, &a) != 0 ||
		    mf_rbuf_get_u16(rb, &b) != 0) {
			pkt->l4_trunc = 1;
			return;
		}
		pkt->sport = a;
		pkt->dport = b;
		return;
	}
	if (rb->left < ICMP_MIN_LEN || mf_rbuf_get_u16(rb, &a) != 0) {
		pkt->l4_trunc = 1;
		return;
	}
	pkt->dport = a; /* type, code */
}

/* rb: the transport layer, bounded by the capture and the IP length. */
static void
decode_l4(struct mf_rbuf *rb, struct exp_pkt *pkt)
{
	switch (pkt->proto) {
	case PROTO_TCP:
		decode_tcp(rb, pkt);
		break;
	case PROTO_UDP:
	case PROTO_UDPLITE:
		decode_udp(rb, pkt);
		break;
	case PROTO_SCTP:
	case PROTO_ICMP:
	case PROTO_ICMPV6:
		decode_other(rb, pkt);
		break;
	default:
		break;
	}
}

static enum exp_decode_result
decode_ipv4(struct dec *d)
{
	struct exp_pkt *pkt = d->pkt;
	struct mf_rbuf l4;
	uint32_t wire = wire_left(d);
	const uint8_t *ip = d->rb.p;
	uint16_t tot, off;
	size_t hlen;

	if (d->rb.left < 1)
		return EXP_DECODE_TRUNC_IP; /* not reached: peeked */
	hlen = (size_t)(ip[0] & 0x0f) * 4;
	if (hlen < 20)
		return EXP_DECODE_BAD_IP_HEADER;
	/* The whole header is there: its fields are read in place. */
	if (mf_rbuf_skip(&d->rb, hlen) != 0)
		return EXP_DECODE_TRUNC_IP;
	pkt->tos = ip[1];
	tot = mf_rbuf_be16(ip + 2);
	if (tot != 0 && tot < hlen)
		return EXP_DECODE_BAD_IP_HEADER;
	pkt->ip_len = tot != 0 ? tot : wire;
	pkt->proto = ip[9];
	pkt->frag_id = mf_rbuf_be16(ip + 4);
	off = mf_rbuf_be16(ip + 6);
	mf_addr_set4(&pkt->src, ip + 12);
	mf_addr_set4(&pkt->dst, ip + 16);
	if ((off & (IPV4_MF | IPV4_OFFMASK)) != 0) {
		pkt->is_frag = 1;
		if ((off & IPV4_OFFMASK) != 0)
			return EXP_DECODE_OK; /* later fragment: no L4 */
		pkt->frag_first = 1;
	}
	l4 = d->rb;
	l4.left = MIN(l4.left, (size_t)(pkt->ip_len - hlen));
	decode_l4(&l4, pkt);
	return EXP_DECODE_OK;
}

static int
is_ipv6_ext(uint8_t nh)
{
	return nh == PROTO_HOPOPTS || nh == PROTO_ROUTING ||
	    nh == PROTO_FRAGMENT || nh == PROTO_DSTOPTS || nh == PROTO_AH ||
	    nh == PROTO_MOBILITY;
}

/*
 * Length of the extension header of type nh at rb, whose first bytes are
 * captured (2, or 8 for a fragment header).
 */
static size_t
ipv6_ext_len(const struct mf_rbuf *rb, uint8_t nh)
{
	struct mf_rbuf c = *rb;
	uint8_t l = 0;

	if (nh == PROTO_FRAGMENT)
		return IPV6_FRAG_LEN;
	if (mf_rbuf_skip(&c, 1) != 0 || mf_rbuf_get_u8(&c, &l) != 0)
		return SIZE_MAX; /* not reached: 2 bytes checked */
	if (nh == PROTO_AH)
		return ((size_t)l + 2) * 4;
	return ((size_t)l + 1) * 8;
}

/*
 * h: a fragment header after its next-header byte.  FALSE if a later
 * fragment (no L4 follows).
 */
static gboolean
ipv6_frag(struct mf_rbuf *h, struct exp_pkt *pkt)
{
	uint16_t off = 0;
	uint32_t id = 0;

	if (mf_rbuf_skip(h, 1) != 0 || mf_rbuf_get_u16(h, &off) != 0 ||
	    mf_rbuf_get_u32(h, &id) != 0)
		return TRUE; /* not reached: 7 bytes left */
	pkt->frag_id = id;
	if ((off & 0xfff9) == 0) /* offset 0, M clear: atomic fragment */
		return TRUE;
	pkt->is_frag = 1;
	if ((off & 0xfff8) != 0)
		return FALSE;
	pkt->frag_first = 1;
	return TRUE;
}

/*
 * Walk the extension headers from next header nh.  rb holds what was
 * captured of the datagram, dlen what the datagram has (rb->left <= dlen).
 * Leaves pkt->proto set and rb at the transport header.
 */
static enum exp_decode_result
ipv6_walk(struct mf_rbuf *rb, size_t dlen, uint8_t nh, struct exp_pkt *pkt)
{
	struct mf_rbuf h;
	unsigned n;
	size_t need;
	uint8_t next;

	for (n = 0; is_ipv6_ext(nh); n++) {
		pkt->proto = nh;
		if (n == MAX_EXT)
			return EXP_DECODE_TOO_MANY_LAYERS;
		need = nh == PROTO_FRAGMENT ? IPV6_FRAG_LEN : 2;
		if (need <= rb->left)
			need = ipv6_ext_len(rb, nh);
		if (need > dlen)
			return EXP_DECODE_BAD_IPV6_EXT;
		if (mf_rbuf_sub(rb, need, &h) != 0 ||
		    mf_rbuf_get_u8(&h, &next) != 0) {
			pkt->l4_trunc = 1; /* cut by the capture */
			return EXP_DECODE_OK;
		}
		dlen -= need;
		if (nh == PROTO_FRAGMENT && !ipv6_frag(&h, pkt)) {
			pkt->proto = next;
			return EXP_DECODE_OK;
		}
		nh = next;
	}
	pkt->proto = nh;
	decode_l4(rb, pkt);
	return EXP_DECODE_OK;
}

static enum exp_decode_result
decode_ipv6(struct dec *d)
{
	struct exp_pkt *pkt = d->pkt;
	uint32_t wire = wire_left(d);
	const uint8_t *ip = d->rb.p;
	uint16_t plen;
	size_t dlen;

	if (mf_rbuf_skip(&d->rb, IPV6_HDR_LEN) != 0)
		return EXP_DECODE_TRUNC_IP;
	pkt->tos = (uint8_t)(mf_rbuf_be32(ip) >> 20);
	plen = mf_rbuf_be16(ip + 4);
	pkt->ip_len = plen != 0 ? (uint32_t)IPV6_HDR_LEN + plen : wire;
	mf_addr_set6(&pkt->src, ip + 8);
	mf_addr_set6(&pkt->dst, ip + 24);
	dlen = (size_t)pkt->ip_len - IPV6_HDR_LEN;
	d->rb.left = MIN(d->rb.left, dlen);
	return ipv6_walk(&d->rb, dlen, ip[6], pkt);
}

/* want: the version the link layer announced, or 0 to trust the nibble. */
static enum exp_decode_result
decode_ip(struct dec *d, int want)
{
	int v = peek_version(&d->rb);

	if (v < 0)
		return EXP_DECODE_TRUNC_IP;
	if (want != 0 && v != want)
		return EXP_DECODE_BAD_IP_VERSION;
	if (v == 4)
		return decode_ipv4(d);
	if (v == 6)
		return decode_ipv6(d);
	return EXP_DECODE_BAD_IP_VERSION;
}

static enum exp_decode_result
decode_mpls(struct dec *d)
{
	uint32_t label;
	unsigned n;
	int v;

	for (n = 0;; n++) {
		if (n == MAX_LABELS)
			return EXP_DECODE_TOO_MANY_LAYERS;
		if (mf_rbuf_get_u32(&d->rb, &label) != 0)
			return EXP_DECODE_TRUNC_LINK;
		if ((label & MPLS_BOS) != 0)
			break;
	}
	v = peek_version(&d->rb);
	if (v < 0)
		return EXP_DECODE_TRUNC_IP;
	if (v != 4 && v != 6)
		return EXP_DECODE_NOT_IP;
	return decode_ip(d, v);
}

static enum exp_decode_result
decode_pppoe(struct dec *d)
{
	uint8_t vt, code;
	uint16_t proto;

	if (mf_rbuf_get_u8(&d->rb, &vt) != 0 ||
	    mf_rbuf_get_u8(&d->rb, &code) != 0 ||
	    mf_rbuf_skip(&d->rb, 4) != 0 || /* session id, length */
	    mf_rbuf_get_u16(&d->rb, &proto) != 0)
		return EXP_DECODE_TRUNC_LINK;
	if (vt != PPPOE_VER_TYPE || code != 0)
		return EXP_DECODE_NOT_IP;
	if (proto == PPP_IPV4)
		return decode_ip(d, 4);
	if (proto == PPP_IPV6)
		return decode_ip(d, 6);
	return EXP_DECODE_NOT_IP;
}

/*
 * An IEEE 802.3 frame: after the length, an LLC header (DSAP, SSAP,
 * control).  Only SNAP (AA AA 03) with the OUI of an encapsulated
 * ethertype (RFC 1042, 802.1H) carries IP; *type is then that ethertype.
 * SNAP with any other OUI is a vendor protocol (Cisco CDP, ...): not IP.
 * The length field is not checked against the frame: padding and FCS
 * make it differ on real captures, and the IP header has its own length.
 */
static enum exp_decode_result
decode_llc(struct dec *d, uint16_t *type)
{
	uint8_t dsap, ssap, ctl;
	uint32_t oui;
	uint16_t oui_lo;
	uint8_t oui_hi;

	if (mf_rbuf_get_u8(&d->rb, &dsap) != 0 ||
	    mf_rbuf_get_u8(&d->rb, &ssap) != 0 ||
	    mf_rbuf_get_u8(&d->rb, &ctl) != 0)
		return EXP_DECODE_TRUNC_LINK;
	if (dsap != LLC_SNAP_SAP || ssap != LLC_SNAP_SAP || ctl != LLC_UI)
		return EXP_DECODE_NOT_IP; /* STP, NetBIOS, IPX over LLC ... */
	if (mf_rbuf_get_u8(&d->rb, &oui_hi) != 0 ||
	    mf_rbuf_get_u16(&d->rb, &oui_lo) != 0 ||
	    mf_rbuf_get_u16(&d->rb, type) != 0)
		return EXP_DECODE_TRUNC_LINK;
	oui = (uint32_t)oui_hi << 16 | oui_lo;
	if (oui != SNAP_OUI_RFC1042 && oui != SNAP_OUI_8021H)
		return EXP_DECODE_NOT_IP;
	return EXP_DECODE_OK;
}

/*
 * The tags between an Ethernet type and the payload: 802.1Q, 802.1ad and
 * pre-standard QinQ VLAN tags (the outermost VLAN id is kept) and Cisco
 * VN-Tags (4 bytes, then the next type), at most MAX_TAGS in all.
 */
static enum exp_decode_result
skip_tags(struct dec *d, uint16_t *type)
{
	uint16_t tci;
	unsigned n;
	gboolean vlan_seen = FALSE;

	for (n = 0; *type == ETHERTYPE_8021Q || *type == ETHERTYPE_8021AD ||
	     *type == ETHERTYPE_QINQ || *type == ETHERTYPE_VNTAG;
	     n++) {
		if (n == MAX_TAGS)
			return EXP_DECODE_TOO_MANY_LAYERS;
		if (*type == ETHERTYPE_VNTAG) {
			if (mf_rbuf_skip(&d->rb, VNTAG_LEN) != 0 ||
			    mf_rbuf_get_u16(&d->rb, type) != 0)
				return EXP_DECODE_TRUNC_LINK;
			continue;
		}
		if (mf_rbuf_get_u16(&d->rb, &tci) != 0 ||
		    mf_rbuf_get_u16(&d->rb, type) != 0)
			return EXP_DECODE_TRUNC_LINK;
		if (!vlan_seen)
			d->pkt->vlan = (uint16_t)(tci & 0x0fff);
		vlan_seen = TRUE;
	}
	return EXP_DECODE_OK;
}

/* Everything after an Ethernet type (Ethernet, SLL, SLL2). */
static enum exp_decode_result
decode_ethertype(struct dec *d, uint16_t type)
{
	enum exp_decode_result r;

	/* Most frames: IP straight after the type, no tag to look for. */
	if (type == ETHERTYPE_IPV4)
		return decode_ip(d, 4);
	if (type == ETHERTYPE_IPV6)
		return decode_ip(d, 6);
	if ((r = skip_tags(d, &type)) != EXP_DECODE_OK)
		return r;
	if (type < ETHERTYPE_MIN) {
		if ((r = decode_llc(d, &type)) != EXP_DECODE_OK ||
		    (r = skip_tags(d, &type)) != EXP_DECODE_OK)
			return r;
	}
	switch (type) {
	case ETHERTYPE_IPV4:
		return decode_ip(d, 4);
	case ETHERTYPE_IPV6:
		return decode_ip(d, 6);
	case ETHERTYPE_MPLS:
	case ETHERTYPE_MPLS_MC:
		return decode_mpls(d);
	case ETHERTYPE_PPPOE:
		return decode_pppoe(d);
	case ETHERTYPE_FABRICPATH:
		return EXP_DECODE_UNSUPPORTED_LINK;
	default:
		return EXP_DECODE_NOT_IP;
	}
}

static enum exp_decode_result
decode_ether(struct dec *d)
{
	const uint8_t *eth = d->rb.p;

	if (mf_rbuf_skip(&d->rb, ETH_HDR_LEN) != 0)
		return EXP_DECODE_TRUNC_LINK;
	memcpy(d->pkt->dst_mac, eth, 6);
	memcpy(d->pkt->src_mac, eth + 6, 6);
	d->pkt->has_mac = 1;
	return decode_ethertype(d, mf_rbuf_be16(eth + 12));
}

/* Linux cooked capture v1 (protocol last) or v2 (protocol first). */
static enum exp_decode_result
decode_sll(struct dec *d, gboolean v2)
{
	uint16_t type;
	int r;

	if (v2)
		r = d->rb.left < SLL2_HDR_LEN ||
		    mf_rbuf_get_u16(&d->rb, &type) != 0 ||
		    mf_rbuf_skip(&d->rb, SLL2_HDR_LEN - 2) != 0;
	else
		r = mf_rbuf_skip(&d->rb, SLL_HDR_LEN - 2) != 0 ||
		    mf_rbuf_get_u16(&d->rb, &type) != 0;
	if (r)
		return EXP_DECODE_TRUNC_LINK;
	return decode_ethertype(d, type);
}

/*
 * BSD loopback: a 4-byte address family, network order for DLT_LOOP and
 * the capturing host's order for DLT_NULL.  Families are small, so a
 * DLT_NULL value with high bits set came from a host of the other order.
 */
static enum exp_decode_result
decode_null(struct dec *d, gboolean host_order)
{
	uint32_t fam;

	if (mf_rbuf_get_u32(&d->rb, &fam) != 0)
		return EXP_DECODE_TRUNC_LINK;
	if (host_order && (fam & 0xffff0000u) != 0)
		fam = GUINT32_SWAP_LE_BE(fam);
	switch (fam) {
	case BSD_AF_INET:
		return decode_ip(d, 4);
	case BSD_AF_INET6_BSD:
	case BSD_AF_INET6_FREEBSD:
	case BSD_AF_INET6_DARWIN:
		return decode_ip(d, 6);
	default:
		return EXP_DECODE_NOT_IP;
	}
}

gboolean
exp_decode_supports(int dlt)
{
	switch (dlt) {
	case DLT_EN10MB:
	case DLT_LINUX_SLL:
	case DLT_LINUX_SLL2:
	case DLT_RAW:
#if DLT_RAW != LINKTYPE_RAW
	case LINKTYPE_RAW:
#endif
	case DLT_IPV4:
	case DLT_IPV6:
	case DLT_NULL:
	case DLT_LOOP:
		return TRUE;
	default:
		return FALSE;
	}
}

enum exp_decode_result
exp_decode(int dlt, const uint8_t *frame, uint32_t caplen, uint32_t wirelen,
    struct exp_pkt *pkt)
{
	struct dec d;
	size_t ts_end = offsetof(struct exp_pkt, ts_ms) + sizeof(pkt->ts_ms);

	/*
	 * Every byte but ts_ms zeroed, in two runs of constant size: one
	 * memset of the whole, ts_ms saved around it, was a rep stos (about
	 * 21 instructions a packet and a slow start); these are a few stores.
	 */
	memset(pkt, 0, offsetof(struct exp_pkt, ts_ms));
	memset((uint8_t *)pkt + ts_end, 0, sizeof(*pkt) - ts_end);
	pkt->payload = NULL;
	mf_rbuf_init(&d.rb, frame, caplen);
	d.caplen = caplen;
	d.wirelen = wirelen;
	d.pkt = pkt;

	switch (dlt) {
	case DLT_EN10MB:
		return decode_ether(&d);
	case DLT_LINUX_SLL:
		return decode_sll(&d, FALSE);
	case DLT_LINUX_SLL2:
		return decode_sll(&d, TRUE);
	case DLT_RAW:
#if DLT_RAW != LINKTYPE_RAW
	case LINKTYPE_RAW:
#endif
		return decode_ip(&d, 0);
	case DLT_IPV4:
		return decode_ip(&d, 4);
	case DLT_IPV6:
		return decode_ip(&d, 6);
	case DLT_NULL:
		return decode_null(&d, TRUE);
	case DLT_LOOP:
		return decode_null(&d, FALSE);
	default:
		return EXP_DECODE_NOT_IP;
	}
}
