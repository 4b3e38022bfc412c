/* Mapping fresh memory in one call instead of a page fault per page. */
#define _DEFAULT_SOURCE 1   /* madvise */
#include "internal.h"

#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
#endif

void wk__prefault(void *p, size_t size)
{
#if defined(__linux__) && defined(MADV_POPULATE_WRITE)
    if (size < WK__PREFAULT_MIN) return;
    /* madvise wants page-aligned ranges: the whole pages inside the region. */
    long page_size = sysconf(_SC_PAGESIZE);
    const uintptr_t page = page_size > 0 ? (uintptr_t)page_size : 4096;
    uintptr_t lo = ((uintptr_t)p + page - 1) & ~(page - 1);
    uintptr_t hi = ((uintptr_t)p + size) & ~(page - 1);
    /* Failure (an older kernel, memory limits) leaves the ordinary faults. */
    if (hi > lo) (void)madvise((void *)lo, hi - lo, MADV_POPULATE_WRITE);
#else
    (void)p;
    (void)size;
#endif
}
