#include "CKernels.h"
#include <stdlib.h>  // defines __GLIBC__ with glibc
#if defined(__GLIBC__)
#include <malloc.h>
#endif

int teach_keep_freed_memory(void) {
#if defined(__GLIBC__)
    // blocks up to 32 MiB (glibc's largest mmap threshold) from the heap; up to 1 GiB of free heap kept
    return mallopt(M_MMAP_THRESHOLD, 32 << 20) == 1 && mallopt(M_TRIM_THRESHOLD, 1 << 30) == 1;
#else
    return 0;
#endif
}
