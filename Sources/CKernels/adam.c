#include "CKernels.h"
#include <math.h>
#if defined(__x86_64__)
#include <xmmintrin.h>
#endif

void teach_adam_float(size_t count, float *restrict p, const float *restrict g, float *restrict m, float *restrict v, float lr,
                      float beta1, float beta2, float epsilon, float correction1, float correction2, float decay) {
    const float keep1 = 1 - beta1, keep2 = 1 - beta2;
#if defined(__x86_64__)
    // The moving averages of a weight that gets no gradient (a dead ReLU's) decay towards zero
    // and become subnormal after a few hundred steps; arithmetic on subnormals takes a slow
    // microcode path. Flush them to zero for this loop (the numbers involved are below 1e-38).
    const unsigned int saved = _mm_getcsr();
    _mm_setcsr(saved | 0x8040);  // FTZ and DAZ
#endif
    for (size_t i = 0; i < count; i++) {
        const float gradient = g[i] + decay * p[i];
        const float mean = beta1 * m[i] + keep1 * gradient;
        const float square = beta2 * v[i] + keep2 * gradient * gradient;
        m[i] = mean;
        v[i] = square;
        const float m_hat = mean / correction1, v_hat = square / correction2;
        p[i] -= lr * m_hat / (sqrtf(v_hat) + epsilon);
    }
#if defined(__x86_64__)
    _mm_setcsr(saved);
#endif
}
