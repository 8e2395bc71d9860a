/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef MF_ERROR_H
#define MF_ERROR_H

/*
 * error: the GError domain shared by every minflow module.  Setup and
 * control paths fill a GError in MF_ERROR; only main.c prints it.
 */
#include <glib.h>

#define MF_ERROR (mf_error_quark())

enum mf_error_code {
	MF_ERROR_ARGS,     /* a bad command-line value */
	MF_ERROR_CONFIG,   /* a bad configuration file or key */
	MF_ERROR_CAPTURE,  /* libpcap could not open or read */
	MF_ERROR_LINKTYPE, /* a link type the decoder does not handle */
	MF_ERROR_IO,       /* a file or socket operation failed */
	MF_ERROR_IPFIX,    /* libfixbuf refused a template or record */
	MF_ERROR_NOMEM,    /* a bounded structure could not be sized */
	MF_ERROR_PRIVS,    /* privileges could not be dropped */
	MF_ERROR_INVAL,    /* a bad parameter of a query (HTTP 400) */
};

GQuark mf_error_quark(void);

#endif
