#include "CKernels.h"
#if defined(__x86_64__)
#include <cpuid.h>
#endif

int teach_cpu_has_avx512f(void) {
#if defined(__x86_64__)
    unsigned int eax, ebx, ecx, edx;
    // the processor has AVX-512 Foundation (leaf 7, EBX bit 16) ...
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) || !(ebx & (1u << 16))) return 0;
    // ... and the operating system saves its registers (OSXSAVE, then XCR0 bits 1, 2, 5, 6, 7)
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx) || !(ecx & (1u << 27))) return 0;
    unsigned int low, high;
    __asm__ volatile("xgetbv" : "=a"(low), "=d"(high) : "c"(0));
    return (low & 0xe6) == 0xe6;
#else
    return 0;
#endif
}
