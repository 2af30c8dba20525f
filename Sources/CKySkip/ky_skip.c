// Finds where a JSON object or array ends without parsing it: per 64-byte block, bit masks of
// quotes, backslashes and brackets (SIMD where the CPU has it) give the bytes inside strings,
// and the brackets outside them are counted; only a block where the count may reach zero is
// walked bracket by bracket.
#include <string.h>

#include "ky_skip.h"

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#endif

/// One bit per byte of a 64-byte block, per byte class.
typedef struct {
    uint64_t quote, backslash, opener, closer;
} ky_masks;

/// What one block hands to the next.
typedef struct {
    uint64_t escape_carry;     // 1 when the next block's first byte is escaped
    uint64_t in_string_carry;  // all ones while a string runs on into the next block
    size_t depth;              // brackets open
} ky_state;

/// Bit i set when an odd number of bits at or below i are set.
static inline uint64_t ky_prefix_xor_portable(uint64_t bits) {
    bits ^= bits << 1;
    bits ^= bits << 2;
    bits ^= bits << 4;
    bits ^= bits << 8;
    bits ^= bits << 16;
    bits ^= bits << 32;
    return bits;
}

/// The bytes escaped by a backslash: the one after each backslash that is not itself escaped.
static uint64_t ky_escaped(uint64_t backslashes, uint64_t *carry) {
    uint64_t escaped = 0;
    if (*carry) {
        escaped = 1;
        backslashes &= ~(uint64_t)1;
    }
    *carry = 0;
    while (backslashes) {
        int index = __builtin_ctzll(backslashes);
        if (index == 63) {
            *carry = 1;
            break;
        }
        escaped |= (uint64_t)2 << index;
        backslashes &= ~((uint64_t)3 << index);
    }
    return escaped;
}

/// The brackets in `opens | closes`, in order, until the count reaches zero: the offset just
/// past the closing one, or -1 with `*depth` updated.
static ptrdiff_t ky_walk_brackets(uint64_t opens, uint64_t closes, size_t *depth) {
    uint64_t brackets = opens | closes;
    while (brackets) {
        int index = __builtin_ctzll(brackets);
        brackets &= brackets - 1;
        if ((opens >> index) & 1) {
            *depth += 1;
        } else if (--*depth == 0) {
            return index + 1;
        }
    }
    return -1;
}

/// Carries the count through one block; the container's length once it closes, else -1.
static inline __attribute__((always_inline)) ptrdiff_t
ky_step(ky_state *state, const ky_masks *m, uint64_t in_string_from_quotes(uint64_t), size_t base) {
    uint64_t escaped = 0;
    if (m->backslash | state->escape_carry) escaped = ky_escaped(m->backslash, &state->escape_carry);
    uint64_t in_string = in_string_from_quotes(m->quote & ~escaped) ^ state->in_string_carry;
    state->in_string_carry = (uint64_t)((int64_t)in_string >> 63);
    uint64_t opens = m->opener & ~in_string, closes = m->closer & ~in_string;
    size_t close_count = (size_t)__builtin_popcountll(closes);
    if (close_count < state->depth) {
        state->depth += (size_t)__builtin_popcountll(opens) - close_count;
        return -1;
    }
    ptrdiff_t offset = ky_walk_brackets(opens, closes, &state->depth);
    return offset < 0 ? -1 : (ptrdiff_t)base + offset;
}

/// The reference classifier, one byte at a time; any CPU.
static inline void ky_classify_portable(const uint8_t *block, ky_masks *m) {
    memset(m, 0, sizeof *m);
    for (int index = 0; index < 64; index++) {
        uint8_t byte = block[index];
        uint64_t bit = (uint64_t)1 << index;
        if (byte == '"') m->quote |= bit;
        if (byte == '\\') m->backslash |= bit;
        if (byte == '{' || byte == '[') m->opener |= bit;
        if (byte == '}' || byte == ']') m->closer |= bit;
    }
}

#define KY_NAME ky_skip_portable
#define KY_ATTRIBUTES
#define KY_CLASSIFY ky_classify_portable
#define KY_PREFIX_XOR ky_prefix_xor_portable
#include "ky_skip_loop.h"

#if defined(__x86_64__)

static inline void ky_classify_sse2(const uint8_t *block, ky_masks *m) {
    memset(m, 0, sizeof *m);
    for (unsigned part = 0; part < 4; part++) {
        __m128i bytes = _mm_loadu_si128((const __m128i *)(block + 16 * part));
        // '[' and '{' differ in bit 5 only, as do ']' and '}'.
        __m128i folded = _mm_or_si128(bytes, _mm_set1_epi8(0x20));
        unsigned shift = 16 * part;
        m->quote |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, _mm_set1_epi8('"'))) << shift;
        m->backslash |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, _mm_set1_epi8('\\'))) << shift;
        m->opener |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(folded, _mm_set1_epi8('{'))) << shift;
        m->closer |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(folded, _mm_set1_epi8('}'))) << shift;
    }
}

#define KY_NAME ky_skip_sse2
#define KY_ATTRIBUTES
#define KY_CLASSIFY ky_classify_sse2
#define KY_PREFIX_XOR ky_prefix_xor_portable
#include "ky_skip_loop.h"

#define KY_AVX2 __attribute__((target("avx2,pclmul,popcnt")))

/// Bit i set when an odd number of bits at or below i are set: a carry-less multiply by all ones.
KY_AVX2 static inline uint64_t ky_prefix_xor_clmul(uint64_t bits) {
    __m128i product = _mm_clmulepi64_si128(_mm_set_epi64x(0, (long long)bits), _mm_set1_epi8((char)0xFF), 0);
    return (uint64_t)_mm_cvtsi128_si64(product);
}

KY_AVX2 static inline void ky_classify_avx2(const uint8_t *block, ky_masks *m) {
    __m256i low = _mm256_loadu_si256((const __m256i *)block);
    __m256i high = _mm256_loadu_si256((const __m256i *)(block + 32));
    __m256i folded_low = _mm256_or_si256(low, _mm256_set1_epi8(0x20));
    __m256i folded_high = _mm256_or_si256(high, _mm256_set1_epi8(0x20));
#define KY_MASK(l, h, c) \
    ((uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8((l), _mm256_set1_epi8(c))) \
        | (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8((h), _mm256_set1_epi8(c))) << 32)
    m->quote = KY_MASK(low, high, '"');
    m->backslash = KY_MASK(low, high, '\\');
    m->opener = KY_MASK(folded_low, folded_high, '{');
    m->closer = KY_MASK(folded_low, folded_high, '}');
#undef KY_MASK
}

#define KY_NAME ky_skip_avx2
#define KY_ATTRIBUTES KY_AVX2
#define KY_CLASSIFY ky_classify_avx2
#define KY_PREFIX_XOR ky_prefix_xor_clmul
#include "ky_skip_loop.h"

/// True when the CPU and the operating system support AVX2 and carry-less multiplication.
static int ky_cpu_has_avx2(void) {
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    const unsigned pclmul = 1u << 1, popcnt = 1u << 23, osxsave = 1u << 27, avx = 1u << 28;
    const unsigned wanted = pclmul | popcnt | osxsave | avx;
    if ((ecx & wanted) != wanted) return 0;
    unsigned xcr0_low, xcr0_high;
    __asm__("xgetbv" : "=a"(xcr0_low), "=d"(xcr0_high) : "c"(0));
    if ((xcr0_low & 6) != 6) return 0;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return 0;
    return (ebx & (1u << 5)) != 0;
}

#endif

int ky_skip_level_available(ky_skip_level level) {
    switch (level) {
    case KY_SKIP_LEVEL_BEST:
    case KY_SKIP_LEVEL_PORTABLE:
        return 1;
#if defined(__x86_64__)
    case KY_SKIP_LEVEL_SSE2:
        return 1;
    case KY_SKIP_LEVEL_AVX2: {
        // Asked from any thread: the answer is cached with atomic accesses.
        static int cached = -1;
        int answer = __atomic_load_n(&cached, __ATOMIC_RELAXED);
        if (answer < 0) {
            answer = ky_cpu_has_avx2();
            __atomic_store_n(&cached, answer, __ATOMIC_RELAXED);
        }
        return answer;
    }
#endif
    default:
        return 0;
    }
}

ptrdiff_t ky_skip_container_unchecked(const uint8_t *bytes, size_t length, ky_skip_level level) {
#if defined(__x86_64__)
    if (level == KY_SKIP_LEVEL_BEST) level = ky_skip_level_available(KY_SKIP_LEVEL_AVX2) ? KY_SKIP_LEVEL_AVX2 : KY_SKIP_LEVEL_SSE2;
    if (level == KY_SKIP_LEVEL_AVX2 && ky_skip_level_available(level)) return ky_skip_avx2(bytes, length);
    if (level == KY_SKIP_LEVEL_SSE2) return ky_skip_sse2(bytes, length);
#endif
    return ky_skip_portable(bytes, length);
}
