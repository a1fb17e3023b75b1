#include "CKernels.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__)
#include <cpuid.h>
#include <xmmintrin.h>
#endif

/// What the processor has (cpuid) and the operating system saves on a thread switch (XCR0).
static teach_instructions ask_the_processor(void) {
#if defined(__x86_64__)
    unsigned int eax, ebx, ecx, edx;
    // FMA (leaf 1, ECX bit 12) and OSXSAVE (bit 27), then AVX2 (leaf 7, EBX bit 5)
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx) || !(ecx & (1u << 12)) || !(ecx & (1u << 27))) return TEACH_BASELINE;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) || !(ebx & (1u << 5))) return TEACH_BASELINE;
    const int avx512f = (ebx & (1u << 16)) != 0;
    unsigned int low, high;
    __asm__ volatile("xgetbv" : "=a"(low), "=d"(high) : "c"(0));
    // the 128- and 256-bit registers (XCR0 bits 1, 2), then the 512-bit ones (bits 5, 6, 7)
    if ((low & 0x6) != 0x6) return TEACH_BASELINE;
    return avx512f && (low & 0xe6) == 0xe6 ? TEACH_AVX512 : TEACH_AVX2;
#else
    return TEACH_BASELINE;
#endif
}

teach_instructions teach_best_instructions(void) {
    // asked once; two threads asking at once both get the same answer
    static volatile int known = -1;
    if (known < 0) known = (int)ask_the_processor();
    return (teach_instructions)known;
}

void teach_packed_product(teach_instructions instructions, long m, long n, long k, const float *a, long a_row, long a_column,
                          const float *b, long b_row, long b_column, float *c, long c_row, int accumulate) {
#if defined(__x86_64__)
    if (instructions >= TEACH_AVX512) {
        teach_packed_product_avx512(m, n, k, a, a_row, a_column, b, b_row, b_column, c, c_row, accumulate);
        return;
    }
    if (instructions == TEACH_AVX2) {
        teach_packed_product_avx2(m, n, k, a, a_row, a_column, b, b_row, b_column, c, c_row, accumulate);
        return;
    }
#endif
    teach_packed_product_baseline(m, n, k, a, a_row, a_column, b, b_row, b_column, c, c_row, accumulate);
}

long teach_packed_factor_size(long n, long k) { return (n + 15) / 16 * 16 * k; }

void teach_pack_factor(teach_instructions instructions, long n, long k, const float *b, long b_row, long b_column, float *packed) {
#if defined(__x86_64__)
    if (instructions >= TEACH_AVX512) {
        teach_pack_factor_avx512(n, k, b, b_row, b_column, packed);
        return;
    }
    if (instructions == TEACH_AVX2) {
        teach_pack_factor_avx2(n, k, b, b_row, b_column, packed);
        return;
    }
#endif
    teach_pack_factor_baseline(n, k, b, b_row, b_column, packed);
}

void teach_packed_factor_product(teach_instructions instructions, long m, long n, long k, const float *a, long a_row, long a_column,
                                 const float *packed, long first, long count, float *c, long c_row, int accumulate) {
#if defined(__x86_64__)
    if (instructions >= TEACH_AVX512) {
        teach_packed_factor_product_avx512(m, n, k, a, a_row, a_column, packed, first, count, c, c_row, accumulate);
        return;
    }
    if (instructions == TEACH_AVX2) {
        teach_packed_factor_product_avx2(m, n, k, a, a_row, a_column, packed, first, count, c, c_row, accumulate);
        return;
    }
#endif
    teach_packed_factor_product_baseline(m, n, k, a, a_row, a_column, packed, first, count, c, c_row, accumulate);
}

void teach_thin_forward(teach_instructions instructions, long windows, const float *const *patches, const long *offsets, long taps,
                        const float *weights, long padded, float *sums) {
#if defined(__x86_64__)
    if (instructions >= TEACH_AVX512) {
        teach_thin_forward_avx512(windows, patches, offsets, taps, weights, padded, sums);
        return;
    }
    if (instructions == TEACH_AVX2) {
        teach_thin_forward_avx2(windows, patches, offsets, taps, weights, padded, sums);
        return;
    }
#endif
    teach_thin_forward_baseline(windows, patches, offsets, taps, weights, padded, sums);
}

void teach_thin_weight_gradient(teach_instructions instructions, long windows, const float *const *patches, const long *offsets, long taps,
                                const float *gradient, long gradient_row, long readable, long filters, float *target, long target_row,
                                int add) {
#if defined(__x86_64__)
    if (instructions >= TEACH_AVX512) {
        teach_thin_weight_gradient_avx512(windows, patches, offsets, taps, gradient, gradient_row, readable, filters, target, target_row, add);
        return;
    }
    if (instructions == TEACH_AVX2) {
        teach_thin_weight_gradient_avx2(windows, patches, offsets, taps, gradient, gradient_row, readable, filters, target, target_row, add);
        return;
    }
#endif
    teach_thin_weight_gradient_baseline(windows, patches, offsets, taps, gradient, gradient_row, readable, filters, target, target_row, add);
}

void teach_few_rows_product(teach_instructions instructions, long m, long n, long k, const float *a, long a_row, long a_column,
                            const float *b, long b_row, float *c, long c_row) {
#if defined(__x86_64__)
    if (instructions >= TEACH_AVX2) {
        teach_few_rows_product_avx2(m, n, k, a, a_row, a_column, b, b_row, c, c_row);
        return;
    }
#endif
    teach_few_rows_product_baseline(m, n, k, a, a_row, a_column, b, b_row, c, c_row);
}

void teach_gelu(teach_instructions instructions, long count, const float *input, float *output) {
#if defined(__x86_64__)
    if (instructions >= TEACH_AVX512) {
        teach_gelu_avx512(count, input, output);
        return;
    }
    if (instructions == TEACH_AVX2) {
        teach_gelu_avx2(count, input, output);
        return;
    }
#endif
    teach_gelu_baseline(count, input, output);
}

void teach_gelu_gradient(teach_instructions instructions, long count, const float *gradient, const float *sums, float *output) {
#if defined(__x86_64__)
    if (instructions >= TEACH_AVX512) {
        teach_gelu_gradient_avx512(count, gradient, sums, output);
        return;
    }
    if (instructions == TEACH_AVX2) {
        teach_gelu_gradient_avx2(count, gradient, sums, output);
        return;
    }
#endif
    teach_gelu_gradient_baseline(count, gradient, sums, output);
}

void teach_gru_cells(teach_instructions instructions, long rows, long hidden, const float *terms, long terms_row, const float *recurrent,
                     const float *bias_ih, const float *bias_hh, const float *previous, long state_row, float *gates, long gates_row,
                     float *states) {
#if defined(__x86_64__)
    if (instructions >= TEACH_AVX512) {
        teach_gru_cells_avx512(rows, hidden, terms, terms_row, recurrent, bias_ih, bias_hh, previous, state_row, gates, gates_row, states);
        return;
    }
    if (instructions == TEACH_AVX2) {
        teach_gru_cells_avx2(rows, hidden, terms, terms_row, recurrent, bias_ih, bias_hh, previous, state_row, gates, gates_row, states);
        return;
    }
#endif
    teach_gru_cells_baseline(rows, hidden, terms, terms_row, recurrent, bias_ih, bias_hh, previous, state_row, gates, gates_row, states);
}

void teach_lstm_cells(teach_instructions instructions, long rows, long hidden, const float *terms, long terms_row, const float *recurrent,
                      const float *bias_ih, const float *bias_hh, const float *previous, long memory_row, float *gates, long gates_row,
                      float *memories, float *squashed, float *states) {
#if defined(__x86_64__)
    if (instructions >= TEACH_AVX512) {
        teach_lstm_cells_avx512(rows, hidden, terms, terms_row, recurrent, bias_ih, bias_hh, previous, memory_row, gates, gates_row,
                                memories, squashed, states);
        return;
    }
    if (instructions == TEACH_AVX2) {
        teach_lstm_cells_avx2(rows, hidden, terms, terms_row, recurrent, bias_ih, bias_hh, previous, memory_row, gates, gates_row, memories,
                              squashed, states);
        return;
    }
#endif
    teach_lstm_cells_baseline(rows, hidden, terms, terms_row, recurrent, bias_ih, bias_hh, previous, memory_row, gates, gates_row, memories,
                              squashed, states);
}

void teach_lstm_backward_cells(teach_instructions instructions, long rows, long hidden, const float *gates, long gates_row,
                               const float *squashed, const float *previous, long memory_row, const float *output_gradient,
                               const float *carried_state, float *carried_memory, float *sums, long sums_row) {
#if defined(__x86_64__)
    if (instructions >= TEACH_AVX512) {
        teach_lstm_backward_cells_avx512(rows, hidden, gates, gates_row, squashed, previous, memory_row, output_gradient, carried_state,
                                       carried_memory, sums, sums_row);
        return;
    }
    if (instructions == TEACH_AVX2) {
        teach_lstm_backward_cells_avx2(rows, hidden, gates, gates_row, squashed, previous, memory_row, output_gradient, carried_state,
                                       carried_memory, sums, sums_row);
        return;
    }
#endif
    teach_lstm_backward_cells_baseline(rows, hidden, gates, gates_row, squashed, previous, memory_row, output_gradient, carried_state,
                                       carried_memory, sums, sums_row);
}

void teach_gru_backward_cells(teach_instructions instructions, long rows, long hidden, const float *gates, long gates_row,
                              const float *previous, long state_row, const float *output_gradient, const float *carried, float *d_a,
                              float *d_u, float *direct) {
#if defined(__x86_64__)
    if (instructions >= TEACH_AVX512) {
        teach_gru_backward_cells_avx512(rows, hidden, gates, gates_row, previous, state_row, output_gradient, carried, d_a, d_u, direct);
        return;
    }
    if (instructions == TEACH_AVX2) {
        teach_gru_backward_cells_avx2(rows, hidden, gates, gates_row, previous, state_row, output_gradient, carried, d_a, d_u, direct);
        return;
    }
#endif
    teach_gru_backward_cells_baseline(rows, hidden, gates, gates_row, previous, state_row, output_gradient, carried, d_a, d_u, direct);
}

void teach_relu(long count, const float *input, float *output) {
#if defined(__x86_64__)
    if (teach_best_instructions() >= TEACH_AVX2) {
        teach_relu_avx2(count, input, output);
        return;
    }
#endif
    teach_relu_baseline(count, input, output);
}

void teach_relu_gradient(long count, const float *gradient, const float *weighted_sums, float *output) {
#if defined(__x86_64__)
    if (teach_best_instructions() >= TEACH_AVX2) {
        teach_relu_gradient_avx2(count, gradient, weighted_sums, output);
        return;
    }
#endif
    teach_relu_gradient_baseline(count, gradient, weighted_sums, output);
}

void teach_relu_gradient_sums(long rows, long columns, long first, long count, const float *gradient, const float *weighted_sums,
                              float *output, float *sums) {
#if defined(__x86_64__)
    if (teach_best_instructions() >= TEACH_AVX2) {
        teach_relu_gradient_sums_avx2(rows, columns, first, count, gradient, weighted_sums, output, sums);
        return;
    }
#endif
    teach_relu_gradient_sums_baseline(rows, columns, first, count, gradient, weighted_sums, output, sums);
}

void teach_bias_relu(long rows, long columns, const float *sums, long sums_row, const float *bias, float *h, float *a, int relu) {
#if defined(__x86_64__)
    if (teach_best_instructions() >= TEACH_AVX2) {
        teach_bias_relu_avx2(rows, columns, sums, sums_row, bias, h, a, relu);
        return;
    }
#endif
    teach_bias_relu_baseline(rows, columns, sums, sums_row, bias, h, a, relu);
}

void teach_max_pool(long images, long height, long width, long channels, long out_height, long out_width, long size, long stride,
                    const float *x, float *output, int *sources) {
#if defined(__x86_64__)
    if (teach_best_instructions() >= TEACH_AVX2) {
        teach_max_pool_avx2(images, height, width, channels, out_height, out_width, size, stride, x, output, sources);
        return;
    }
#endif
    teach_max_pool_baseline(images, height, width, channels, out_height, out_width, size, stride, x, output, sources);
}

void teach_max_pool_backward(long images, long image_size, long out_size, const float *gradient, const int *sources, float *input_gradient) {
    memset(input_gradient, 0, (size_t)(images * image_size) * sizeof(float));
    for (long n = 0; n < images; n++) {
        float *image = input_gradient + n * image_size;
        const float *g = gradient + n * out_size;
        const int *origin = sources + n * out_size;
        for (long o = 0; o < out_size; o++) image[origin[o]] += g[o];
    }
}

void teach_max_pool_tiling_backward(long images, long height, long width, long channels, long out_height, long out_width, long size,
                                    const float *gradient, const int *sources, float *input_gradient) {
    const long image_size = height * width * channels, out_size = out_height * out_width * channels;
    for (long n = 0; n < images; n++) {
        float *image = input_gradient + n * image_size;
        const float *g = gradient + n * out_size;
        const int *origin = sources + n * out_size;
        for (long oy = 0; oy < out_height; oy++) {
            // the window row's pixels cleared, then each output's gradient added at its source
            for (long fy = 0; fy < size; fy++) memset(image + ((oy * size + fy) * width) * channels, 0, (size_t)(width * channels) * sizeof(float));
            const long first = oy * out_width * channels, last = first + out_width * channels;
            for (long o = first; o < last; o++) image[origin[o]] += g[o];
        }
    }
}

void teach_max_pool_relu_backward(long images, long height, long width, long channels, long out_height, long out_width, long size,
                                  const float *gradient, const int *sources, const float *pooled, float *relu_gradient, float *masked) {
#if defined(__x86_64__)
    if (teach_best_instructions() >= TEACH_AVX2) {
        teach_max_pool_relu_backward_avx2(images, height, width, channels, out_height, out_width, size, gradient, sources, pooled, relu_gradient, masked);
        return;
    }
#endif
    teach_max_pool_relu_backward_baseline(images, height, width, channels, out_height, out_width, size, gradient, sources, pooled, relu_gradient, masked);
}

void teach_max_pool_relu_sums(long images, long height, long width, long channels, long out_height, long out_width, long size, long first,
                              long count, const float *masked, const int *sources, float *sums) {
#if defined(__x86_64__)
    if (teach_best_instructions() >= TEACH_AVX2) {
        teach_max_pool_relu_sums_avx2(images, height, width, channels, out_height, out_width, size, first, count, masked, sources, sums);
        return;
    }
#endif
    teach_max_pool_relu_sums_baseline(images, height, width, channels, out_height, out_width, size, first, count, masked, sources, sums);
}

void teach_adam_float(size_t count, float *p, const float *g, float *m, float *v, float lr, float beta1, float beta2, float epsilon,
                      float correction1, float correction2, float decay) {
#if defined(__x86_64__)
    // The moving averages of a weight that gets no gradient (a dead ReLU's) decay towards zero
    // and become subnormal after a few hundred steps; arithmetic on subnormals takes a slow
    // microcode path. Flush them to zero for this loop (the numbers involved are below 1e-38).
    const unsigned int saved = _mm_getcsr();
    _mm_setcsr(saved | 0x8040);  // FTZ and DAZ
    if (teach_best_instructions() >= TEACH_AVX2) {
        teach_adam_avx2((long)count, p, g, m, v, lr, beta1, beta2, epsilon, correction1, correction2, decay);
    } else {
        teach_adam_baseline((long)count, p, g, m, v, lr, beta1, beta2, epsilon, correction1, correction2, decay);
    }
    _mm_setcsr(saved);
#else
    teach_adam_baseline((long)count, p, g, m, v, lr, beta1, beta2, epsilon, correction1, correction2, decay);
#endif
}

float *teach_allocate_floats(long count) {
    // aligned_alloc wants a size that is a multiple of the alignment
    const size_t bytes = ((size_t)(count > 0 ? count : 1) * sizeof(float) + 63) / 64 * 64;
    float *memory = aligned_alloc(64, bytes);
    if (!memory) teach_out_of_memory(bytes);
    return memory;
}

void teach_out_of_memory(size_t bytes) {
    fprintf(stderr, "Teach: out of memory: the matrix product could not allocate %zu bytes for its packed blocks\n", bytes);
    abort();
}
