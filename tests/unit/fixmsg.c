/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "test-fixmsg"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>
#include <cmocka.h>

#include "tests/unit/fixmsg.h"

void
fixmsg_send(struct col_fixread *fix, uint8_t *buf, size_t size, uint32_t domain,
    const struct mf_template *t, const void *rec, col_flow_fn flow_fn,
    void *ctx)
{
	struct mf_msgenc w;
	size_t len;

	mf_msgenc_init(&w, MF_MSGENC_IPFIX, buf, size, domain,
	    FIXMSG_NOW_MS - 1000);
	mf_msgenc_begin(&w, FIXMSG_NOW_MS);
	assert_int_equal(mf_msgenc_add_template(&w, t), 0);
	assert_int_equal(mf_msgenc_add_record(&w, t, rec), 0);
	len = mf_msgenc_finish(&w);
	assert_true(len > 0);
	assert_int_equal(col_fixread_message(fix, buf, len, 0, flow_fn, ctx),
	    0);
}

void
fixmsg_assert_addr(const struct mf_addr *a, const char *want)
{
	char s[MF_ADDR_STRLEN];

	mf_addr_format(a, s, sizeof(s));
	assert_string_equal(s, want);
}
