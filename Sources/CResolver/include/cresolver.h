#ifndef CRESOLVER_H
#define CRESOLVER_H

#include <stddef.h>

/* DNS lookups through glibc's resolver (res_nquery on a private state), so a
 * lookup can go to a configured server without touching /etc/resolv.conf and
 * several threads can look up at once. */

typedef enum {
    CRESOLVER_OK = 0,
    /* The name does not exist. */
    CRESOLVER_NXDOMAIN = 1,
    /* The name exists but has no record of this type. */
    CRESOLVER_NODATA = 2,
    /* No usable answer in time (timeout, SERVFAIL, refused). */
    CRESOLVER_NO_ANSWER = 3,
    /* Bad arguments or a malformed answer. */
    CRESOLVER_ERROR = 4,
} cresolver_status;

enum { CRESOLVER_TYPE_CNAME = 5, CRESOLVER_TYPE_TXT = 16 };

/* Looks up the records of `type` for `name`. `server_ipv4` (an IPv4 literal,
 * with `port`) replaces the system's resolvers; NULL keeps them. Each record
 * is written to `out` as a NUL-terminated string (a TXT record's strings
 * joined, a CNAME's target without the final dot), one after the other;
 * `*count` says how many. Records that do not fit are left out. */
cresolver_status cresolver_query(const char *server_ipv4, int port, int timeout_seconds, const char *name, int type,
                                 char *out, size_t out_size, int *count);

#endif
