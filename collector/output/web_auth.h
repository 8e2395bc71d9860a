/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_WEB_AUTH_H
#define COL_WEB_AUTH_H

/*
 * web_auth: the [web] password-file, for HTTP Basic authentication.
 * One "USER:HASH" a line; blank lines and lines starting with '#' are
 * skipped.  HASH is a salted crypt(3) hash of libxcrypt's modern methods
 * ("$y$" yescrypt, "$gy$", "$7$", "$2b$" bcrypt, "$6$" / "$5$" SHA-crypt),
 * as `mkpasswd -m yescrypt` prints it; anything else (a plain password,
 * DES or MD5 crypt) is refused when the file is loaded.  At most
 * COL_WEB_AUTH_MAX_USERS users, lines of at most COL_WEB_AUTH_MAX_LINE
 * bytes.  col_web_auth_check() hashes the password given with the user's
 * salt and compares; it is thread-safe (crypt_r, a buffer per call).
 */
#include <glib.h>

#define COL_WEB_AUTH_MAX_USERS 64
#define COL_WEB_AUTH_MAX_LINE 512

struct col_web_auth;

/* Load path; NULL (error names file and line) if it is not such a file. */
struct col_web_auth *col_web_auth_load(const char *path, GError **error);
void col_web_auth_free(struct col_web_auth *a);

/* TRUE if user is in the file and password matches its hash. */
gboolean col_web_auth_check(const struct col_web_auth *a, const char *user,
    const char *password);

#endif
