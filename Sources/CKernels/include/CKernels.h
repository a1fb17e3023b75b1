#ifndef TEACH_CKERNELS_H
#define TEACH_CKERNELS_H

#include <stddef.h>

/// Adam's update for Float parameters (see Optimizer.swift for the rule), one pass over memory.
/// Written in C only because Swift's square root on vectors is done lane by lane through libm's
/// sqrtf; here clang emits vsqrtps. Contraction to fused multiply-adds is off, so every lane does
/// exactly the scalar arithmetic of the Swift rule, in the same order, except that subnormal
/// numbers (below 1.2e-38) are flushed to zero while it runs, to stay off the processor's slow path.
void teach_adam_float(size_t count, float *parameters, const float *gradients, float *first, float *second, float learning_rate,
                      float beta1, float beta2, float epsilon, float correction1, float correction2, float decay);

/// 1 when the processor has AVX-512 Foundation and the operating system saves its registers, else 0.
/// TeachKernels asks once and then uses its AVX-512 product (compiled separately) only when allowed.
int teach_cpu_has_avx512f(void);

/// Raises glibc's mmap and trim thresholds so that memory freed by one training step is reused by
/// the next instead of being returned to the kernel (see Teach's MemoryReuse.swift). 1 when set,
/// 0 with another C library.
int teach_keep_freed_memory(void);

/// Asks the processor to bring the cache line holding `address` close, for writing: the product's
/// kernels call it for their tile of C before the multiply-adds, so that adding to C at the end does
/// not wait for memory. Inline, so Swift compiles it to one instruction where it is called.
static inline void teach_prefetch_for_writing(const void *address) { __builtin_prefetch(address, 1, 3); }

#endif
