// The C boundary to libcurl's SMTP client (Debian's libcurl4-openssl-dev).
// curl_easy_setopt is variadic and cannot be called from Swift, so the whole
// send is one typed C function.
#ifndef PORTAL_CSMTP_H
#define PORTAL_CSMTP_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// How TLS is used on a plain smtp:// URL (smtps:// is always TLS).
typedef enum {
    CSMTP_TLS_OPPORTUNISTIC = 0,  // STARTTLS when the server offers it
    CSMTP_TLS_REQUIRED = 1,       // STARTTLS or fail
    CSMTP_TLS_NONE = 2            // never (loopback test servers)
} csmtp_tls_mode;

typedef struct {
    const char *url;        // smtp://host:port or smtps://host:port (no credentials)
    const char *username;   // NULL: no AUTH
    const char *password;
    const char *ca_file;    // NULL: the system's trust store
    csmtp_tls_mode tls;
    long timeout_seconds;
} csmtp_server;

/// Sends one message. Returns 0 once the server accepted it (250 after DATA);
/// otherwise a libcurl error code, with a sentence in `error` (NUL-terminated).
/// `permanent` is set to 1 when retrying cannot help (5xx reply, login denied).
int csmtp_send(const csmtp_server *server, const char *from, const char *to, const char *message, size_t length,
               char *error, size_t error_size, int *permanent);

#ifdef __cplusplus
}
#endif

#endif
