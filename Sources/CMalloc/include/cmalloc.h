#ifndef CMALLOC_H
#define CMALLOC_H

#include <stddef.h>

/* Keep up to `bytes` of freed memory at the top of each malloc arena instead
 * of returning it to the kernel at once (glibc's M_TRIM_THRESHOLD; <malloc.h>
 * is not part of Swift's Glibc module). Returns 0 on failure. */
int cmalloc_keep_freed_memory(size_t bytes);

#endif
