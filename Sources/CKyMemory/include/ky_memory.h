#ifndef KY_MEMORY_H
#define KY_MEMORY_H

#if defined(__GLIBC__)
#include <malloc.h>
#endif

/// Gives the C heap's free pages back to the system (glibc's malloc_trim); returns 1 when some
/// were given back, 0 when none were or the C library cannot do it.
static inline int ky_trim_heap(void) {
#if defined(__GLIBC__)
    return malloc_trim(0);
#else
    return 0;
#endif
}

#endif
