#ifndef KY_SKIP_H
#define KY_SKIP_H

#include <stddef.h>
#include <stdint.h>

enum {
    /// The container does not end within the bytes given: give it more and call again.
    KY_SKIP_INCOMPLETE = -1,
};

/// Which implementation `ky_skip_container_unchecked` uses.
typedef enum {
    /// The best this CPU has.
    KY_SKIP_LEVEL_BEST = 0,
    /// One byte at a time; any CPU.
    KY_SKIP_LEVEL_PORTABLE = 1,
    /// 16 bytes at a time (x86-64 SSE2, every x86-64 CPU).
    KY_SKIP_LEVEL_SSE2 = 2,
    /// 32 bytes at a time (x86-64 AVX2).
    KY_SKIP_LEVEL_AVX2 = 3,
} ky_skip_level;

/// True when this CPU can run `level` (and this build has it).
int ky_skip_level_available(ky_skip_level level);

/// Finds the end of the JSON object or array that starts at `bytes[0]` (`{` or `[`) from its
/// strings (quotes and backslash escapes) and brackets alone, 64 bytes at a time: nothing else
/// is checked. For valid JSON the end is the one a parser finds. Returns the container's length
/// in bytes, or `KY_SKIP_INCOMPLETE` when it does not close within `length` bytes.
ptrdiff_t ky_skip_container_unchecked(const uint8_t *bytes, size_t length, ky_skip_level level);

#endif
