#include "cescape_scan.h"

#include <stdint.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

static inline int json_special(uint8_t byte) {
    return byte < 0x20 || byte == '"' || byte == '\\' || byte == '&' || byte == '<' || byte == '>';
}

static inline int html_special(uint8_t byte) {
    return byte == '&' || byte == '<' || byte == '>' || byte == '"' || byte == '\'';
}

size_t cescape_plain_json_prefix_bytewise(const uint8_t *bytes, size_t count) {
    size_t index = 0;
    while (index < count && !json_special(bytes[index])) index++;
    return index;
}

size_t cescape_plain_html_prefix_bytewise(const uint8_t *bytes, size_t count) {
    size_t index = 0;
    while (index < count && !html_special(bytes[index])) index++;
    return index;
}

#if defined(__SSE2__)

/// One bit per byte of the block that JSON escapes.
static inline unsigned json_mask(__m128i block) {
    __m128i control = _mm_cmpeq_epi8(_mm_min_epu8(block, _mm_set1_epi8(0x1F)), block);
    // `"` 0x22 and `&` 0x26 differ in one bit only, as do `<` 0x3C and `>` 0x3E.
    __m128i found = _mm_or_si128(
        _mm_or_si128(control, _mm_cmpeq_epi8(block, _mm_set1_epi8('\\'))),
        _mm_or_si128(_mm_cmpeq_epi8(_mm_or_si128(block, _mm_set1_epi8(0x04)), _mm_set1_epi8('&')),
                     _mm_cmpeq_epi8(_mm_or_si128(block, _mm_set1_epi8(0x02)), _mm_set1_epi8('>'))));
    return (unsigned)_mm_movemask_epi8(found);
}

/// One bit per byte of the block that HTML may escape: `"` 0x22, `&` 0x26 and
/// `'` 0x27 are all 0x27 once 0x05 is set, and so is `#` 0x23, which the
/// caller tells apart byte by byte; `<` 0x3C and `>` 0x3E differ in 0x02.
static inline unsigned html_candidates(__m128i block) {
    __m128i found = _mm_or_si128(
        _mm_cmpeq_epi8(_mm_or_si128(block, _mm_set1_epi8(0x05)), _mm_set1_epi8('\'')),
        _mm_cmpeq_epi8(_mm_or_si128(block, _mm_set1_epi8(0x02)), _mm_set1_epi8('>')));
    return (unsigned)_mm_movemask_epi8(found);
}

/// The first byte HTML escapes among the candidates `mask` marks in the block
/// at `block_start`, or SIZE_MAX if they are all `#`.
static inline size_t first_html_special(const uint8_t *bytes, size_t block_start, unsigned mask) {
    for (; mask != 0; mask &= mask - 1) {
        size_t at = block_start + (size_t)__builtin_ctz(mask);
        if (html_special(bytes[at])) return at;
    }
    return SIZE_MAX;
}

/// The last 16 bytes of a text of at least 16 (overlapping what was already
/// scanned, which is clean), or a short text padded with plain bytes.
static inline __m128i last_block(const uint8_t *bytes, size_t count, size_t *block_start) {
    if (count >= 16) {
        *block_start = count - 16;
        return _mm_loadu_si128((const __m128i *)(bytes + count - 16));
    }
    uint8_t padded[16];
    memset(padded, 'a', sizeof padded);
    memcpy(padded, bytes, count);
    *block_start = 0;
    return _mm_loadu_si128((const __m128i *)padded);
}

/// Whether the 16 bytes from `address` lie in one 4 KB page. Most values are
/// shorter than 16 bytes, and padding each into a copy (a memset and a
/// memcpy call) was most of their scan: a 16-byte load that stays inside the
/// page of the text's own first byte cannot fault, whatever follows the
/// text, and the bytes past its end are masked off (the technique of glibc's
/// string functions; a memory checker that tracks single bytes may flag it).
/// An empty text has no first byte of its own, so it never takes this path.
static inline int within_one_page(const void *address) {
    return ((uintptr_t)address & 4095) <= 4096 - 16;
}

/// The mask of a short text's bytes (`count` < 16) among a block loaded from its start.
static inline unsigned short_text_mask(size_t count) {
    return (1u << count) - 1;
}

#endif

size_t cescape_plain_json_prefix(const uint8_t *bytes, size_t count) {
#if defined(__SSE2__)
    if (count == 0) return 0;
    if (count < 16 && within_one_page(bytes)) {
        unsigned mask = json_mask(_mm_loadu_si128((const __m128i *)bytes)) & short_text_mask(count);
        return mask != 0 ? (size_t)__builtin_ctz(mask) : count;
    }
    size_t index = 0;
    for (; index + 16 <= count; index += 16) {
        unsigned mask = json_mask(_mm_loadu_si128((const __m128i *)(bytes + index)));
        if (mask != 0) return index + (size_t)__builtin_ctz(mask);
    }
    if (index == count) return count;
    size_t start;
    unsigned mask = json_mask(last_block(bytes, count, &start));
    return mask != 0 ? start + (size_t)__builtin_ctz(mask) : count;
#else
    return cescape_plain_json_prefix_bytewise(bytes, count);
#endif
}

size_t cescape_plain_html_prefix(const uint8_t *bytes, size_t count) {
#if defined(__SSE2__)
    if (count == 0) return 0;
    if (count < 16 && within_one_page(bytes)) {
        size_t at = first_html_special(bytes, 0, html_candidates(_mm_loadu_si128((const __m128i *)bytes)) & short_text_mask(count));
        return at != SIZE_MAX ? at : count;
    }
    size_t index = 0;
    for (; index + 16 <= count; index += 16) {
        size_t at = first_html_special(bytes, index, html_candidates(_mm_loadu_si128((const __m128i *)(bytes + index))));
        if (at != SIZE_MAX) return at;
    }
    if (index == count) return count;
    size_t start;
    unsigned mask = html_candidates(last_block(bytes, count, &start));
    size_t at = first_html_special(bytes, start, mask);
    return at != SIZE_MAX ? at : count;
#else
    return cescape_plain_html_prefix_bytewise(bytes, count);
#endif
}
