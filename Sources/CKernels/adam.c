#include "CKernels.h"
#include <math.h>

void teach_adam_float(size_t count, float *restrict p, const float *restrict g, float *restrict m, float *restrict v, float lr,
                      float beta1, float beta2, float epsilon, float correction1, float correction2, float decay) {
    const float keep1 = 1 - beta1, keep2 = 1 - beta2;
    for (size_t i = 0; i < count; i++) {
        const float gradient = g[i] + decay * p[i];
        const float mean = beta1 * m[i] + keep1 * gradient;
        const float square = beta2 * v[i] + keep2 * gradient * gradient;
        m[i] = mean;
        v[i] = square;
        const float m_hat = mean / correction1, v_hat = square / correction2;
        p[i] -= lr * m_hat / (sqrtf(v_hat) + epsilon);
    }
}
