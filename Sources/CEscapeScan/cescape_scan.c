#include "cescape_scan.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

static inline int json_special(uint8_t byte) {
    return byte < 0x20 || byte == '"' || byte == '\\' || byte == '&' || byte == '<' || byte == '>';
}

static inline int html_special(uint8_t byte) {
    return byte == '&' || byte == '<' || byte == '>' || byte == '"' || byte == '\'';
}

size_t cescape_plain_json_prefix(const uint8_t *bytes, size_t count) {
    size_t index = 0;
#if defined(__SSE2__)
    const __m128i below_space = _mm_set1_epi8(0x1F);
    const __m128i backslash = _mm_set1_epi8('\\');
    // `"` 0x22 and `&` 0x26 differ in one bit only, as do `<` 0x3C and `>` 0x3E.
    const __m128i bit_04 = _mm_set1_epi8(0x04), ampersand = _mm_set1_epi8('&');
    const __m128i bit_02 = _mm_set1_epi8(0x02), greater = _mm_set1_epi8('>');
    for (; index + 16 <= count; index += 16) {
        __m128i block = _mm_loadu_si128((const __m128i *)(bytes + index));
        __m128i control = _mm_cmpeq_epi8(_mm_min_epu8(block, below_space), block);
        __m128i found = _mm_or_si128(
            _mm_or_si128(control, _mm_cmpeq_epi8(block, backslash)),
            _mm_or_si128(_mm_cmpeq_epi8(_mm_or_si128(block, bit_04), ampersand),
                         _mm_cmpeq_epi8(_mm_or_si128(block, bit_02), greater)));
        int mask = _mm_movemask_epi8(found);
        if (mask != 0) return index + (size_t)__builtin_ctz((unsigned)mask);
    }
#endif
    while (index < count && !json_special(bytes[index])) index++;
    return index;
}

size_t cescape_plain_html_prefix(const uint8_t *bytes, size_t count) {
    size_t index = 0;
#if defined(__SSE2__)
    // `"` 0x22, `&` 0x26 and `'` 0x27 are all 0x27 once 0x05 is set, and so
    // is `#` 0x23: a block with `#` is confirmed byte by byte below.
    const __m128i bits_05 = _mm_set1_epi8(0x05), apostrophe = _mm_set1_epi8('\'');
    const __m128i bit_02 = _mm_set1_epi8(0x02), greater = _mm_set1_epi8('>');
    for (; index + 16 <= count; index += 16) {
        __m128i block = _mm_loadu_si128((const __m128i *)(bytes + index));
        __m128i found = _mm_or_si128(_mm_cmpeq_epi8(_mm_or_si128(block, bits_05), apostrophe),
                                     _mm_cmpeq_epi8(_mm_or_si128(block, bit_02), greater));
        int mask = _mm_movemask_epi8(found);
        if (mask != 0) {
            // Only the candidates: a `#` is not special.
            while (mask != 0) {
                size_t at = index + (size_t)__builtin_ctz((unsigned)mask);
                if (html_special(bytes[at])) return at;
                mask &= mask - 1;
            }
        }
    }
#endif
    while (index < count && !html_special(bytes[index])) index++;
    return index;
}
