/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef MF_L7NAME_H
#define MF_L7NAME_H

/*
 * l7name: fallback flow labels for flows whose remote address no DNS answer
 * named.  Two parsers, one per protocol, each looking at the TCP payload of
 * ONE segment (the caller picks the first client-to-server segments that
 * carry data; there is no reassembly):
 *
 *   mf_l7_tls_sni()    the server name (RFC 6066 server_name, host_name
 *                      entry) of a TLS ClientHello (TLS 1.0 .. 1.3);
 *   mf_l7_http_host()  the Host header of an HTTP/1.x request.
 *
 * Both are stateless, allocation-free and log nothing (packet path); they
 * never read outside p[0..len) and never write outside out[0..out_size).
 * Work is bounded by len (each loop consumes at least one byte per turn).
 *
 * Every call ends in exactly one enum mf_l7_result, which the caller counts
 * (one counter per result, named by mf_l7_result_names[]).  On
 * MF_L7_FOUND, out holds the name as a NUL-terminated string of at most
 * min(out_size - 1, MF_L7_NAME_MAX) bytes; on any other result out[0] is
 * '\0'.  out_size must be at least 1 (with out_size 0 nothing is written
 * and a name is reported as MF_L7_TOO_LONG).  p may be NULL when len is 0.
 *
 * A caller that tries both parsers on a segment calls mf_l7_tls_sni()
 * first and mf_l7_http_host() only on MF_L7_NOT_THIS (the two never both
 * recognise the same bytes: a ClientHello starts with byte 22, a request
 * with an upper-case letter).  Parse only the first data segment of each
 * direction of a flow and count its outcome once: the parsers cannot tell
 * a continuation (after MF_L7_PARTIAL) from a new message, and a
 * retransmission of the first segment gives the same outcome again.
 */
#include <stddef.h>
#include <stdint.h>

/* Longest name either parser returns: the DNS limit (RFC 1035 2.3.4). */
#define MF_L7_NAME_MAX 255

/*
 * Outcome of one parse.  Order is the stats order; MF_L7_FOUND is 0 so a
 * caller may test `r == MF_L7_FOUND` or `!r`.
 */
enum mf_l7_result {
	MF_L7_FOUND = 0, /* out holds the name */
	MF_L7_NOT_THIS,  /* not this protocol's opening message: try the
	                  * other parser or give up on the segment */
	MF_L7_NO_NAME,   /* a well-formed message without a name: no SNI
	                  * (or no host_name entry in it); no Host header
	                  * before the end of the headers, or an empty one */
	MF_L7_PARTIAL,   /* the message continues beyond this segment and
	                  * what we have is consistent but holds no complete
	                  * name: counted, not reassembled */
	MF_L7_MALFORMED, /* length fields or syntax inconsistent */
	MF_L7_TOO_LONG,  /* the name is longer than out_size - 1 or 255 */
	MF_L7_BAD_NAME,  /* the name holds bytes a host name may not */
	MF_L7_N_RESULTS
};

/* Names of the results, for statistics ("found", "not-this", ...). */
extern const char *const mf_l7_result_names[MF_L7_N_RESULTS];

/*
 * Find the server name in a TLS ClientHello.  p holds the TCP payload of
 * one segment, which must begin with a TLS record header: content type 22
 * (handshake), version 3.x (x <= 4), length 1 .. 2^14; the record's first
 * handshake message must be a ClientHello (type 1), else MF_L7_NOT_THIS.
 * The ClientHello is walked field by field (legacy_version 3.x, random,
 * session id <= 32 bytes, cipher suites (even, >= 2 bytes), compression
 * methods (>= 1), extensions); every length must fit inside the one that
 * encloses it and the extensions must end exactly where the handshake
 * message does, else MF_L7_MALFORMED.  A server_name extension (type 0)
 * must hold a list that fills it, of entries (type, u16 length >= 1,
 * bytes); the first host_name (type 0) entry is the name.  A second
 * server_name extension is MF_L7_MALFORMED.
 *
 * Only bytes inside both the segment and the first record are read; a
 * ClientHello that goes on past them (a long hello split across segments
 * or records) gives MF_L7_FOUND if the whole server_name extension lies
 * in what we have and every length read so far is consistent, otherwise
 * MF_L7_PARTIAL.  A segment shorter than the record and handshake
 * headers (9 bytes) whose bytes agree with them is MF_L7_PARTIAL too.
 *
 * Name rules (RFC 6066 3: ASCII, no trailing dot): 1 .. 255 bytes of
 * letters, digits, '-', '_' and '.', labels of 1 .. 63 bytes (so no
 * leading, trailing or doubled dot); else MF_L7_BAD_NAME.  A longer name
 * than fits is MF_L7_TOO_LONG (checked before the bytes).  The name is
 * copied as sent (no case folding).
 */
enum mf_l7_result mf_l7_tls_sni(const uint8_t *p, size_t len, char *out,
    size_t out_size);

/*
 * Find the Host header of an HTTP/1.x request.  p holds the TCP payload
 * of one segment, which must begin with a request line: a method from
 * GET POST HEAD PUT DELETE OPTIONS PATCH CONNECT TRACE (upper case), one
 * space, a target of visible ASCII (0x21 .. 0x7e), one space, "HTTP/1."
 * and a digit, then CRLF (a bare LF is accepted, as for every line); else
 * MF_L7_NOT_THIS.  A segment that ends inside such a line is
 * MF_L7_PARTIAL.
 *
 * Header lines follow, each "name:value" with name a token (RFC 9110
 * tchar), else MF_L7_MALFORMED; lines starting with a space or tab
 * (obsolete folding) are skipped.  The first header named Host (any case)
 * gives the name: the value with leading and trailing spaces and tabs
 * removed, copied as-is, port included ("example.com:8080"), which is
 * what tshark shows as http.host.  The value must be visible ASCII
 * (0x21 .. 0x7e), else MF_L7_BAD_NAME; an empty value is MF_L7_NO_NAME.
 * The empty line ending the headers without a Host header is
 * MF_L7_NO_NAME; the end of the segment before it is MF_L7_PARTIAL (a
 * Host line cut by the segment end is not taken).
 */
enum mf_l7_result mf_l7_http_host(const uint8_t *p, size_t len, char *out,
    size_t out_size);

#endif
