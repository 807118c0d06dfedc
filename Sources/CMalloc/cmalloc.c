#include "cmalloc.h"

#include <limits.h>
#include <malloc.h>

int cmalloc_keep_freed_memory(size_t bytes) {
    if (bytes > INT_MAX) return 0;
    return mallopt(M_TRIM_THRESHOLD, (int)bytes);
}
