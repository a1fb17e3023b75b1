// The 8-float kernels (product_narrow.h) for x86-64 processors with AVX2 and FMA (Intel since
// 2013, AMD since 2015). The target is given per function, not by a compiler flag, so the rest of
// the package runs on any x86-64 processor; kernels.c calls these only after asking the processor.
#if defined(__x86_64__)
#include "CKernels.h"
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#include "vectors.h"
#define TEACH_INSTRUCTIONS avx2
#include "product_narrow.h"
#pragma clang attribute pop
#endif
