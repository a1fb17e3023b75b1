// The 8-float kernels (product_narrow.h) for the baseline instruction set: x86-64 processors
// without AVX2 and FMA (each fused multiply-add is then a call of libm's fmaf, with the same
// result), and other architectures (ARM64 has fused multiply-adds in its baseline).
#include "CKernels.h"
// 8-float vectors are passed between these always-inlined functions only, never across a call
// another compiler could see, so the warning that their calling convention needs AVX does not apply.
#pragma clang diagnostic ignored "-Wpsabi"
#include "vectors.h"
#define TEACH_INSTRUCTIONS baseline
#include "product_narrow.h"
