// Finding the bytes an escaper must replace, sixteen bytes at a time.
// Swift's SIMD types compile their comparisons lane by lane, so this one loop
// is C with SSE2 (part of every x86-64); other machines take the byte loop.
#ifndef PORTAL_CESCAPE_SCAN_H
#define PORTAL_CESCAPE_SCAN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// How many bytes from the start of `bytes` JSON leaves as they are: the
/// index of the first control character (below 0x20), `"`, `\`, `&`, `<` or
/// `>`, or `count` when there is none.
size_t cescape_plain_json_prefix(const uint8_t *bytes, size_t count);

/// The same for HTML text and quoted attribute values: up to the first `&`,
/// `<`, `>`, `"` or `'`.
size_t cescape_plain_html_prefix(const uint8_t *bytes, size_t count);

/// The byte loops the two above fall back to without SSE2; compiled
/// everywhere so the tests hold them to the same answers.
size_t cescape_plain_json_prefix_bytewise(const uint8_t *bytes, size_t count);
size_t cescape_plain_html_prefix_bytewise(const uint8_t *bytes, size_t count);

#ifdef __cplusplus
}
#endif

#endif
