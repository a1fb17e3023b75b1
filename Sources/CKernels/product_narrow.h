// The kernels for 8-float vectors, compiled twice: for AVX2 with FMA (product_avx2.c) and for the
// baseline instruction set (product_baseline.c, where each fused multiply-add is a call of libm's
// fmaf: slow, but the same numbers). The including file defines TEACH_INSTRUCTIONS (the suffix of
// every name here) and sets the target before including vectors.h and this file.

#include <stdlib.h>
#include <string.h>

#define TEACH_JOIN2(a, b) a##_##b
#define TEACH_JOIN(a, b) TEACH_JOIN2(a, b)
#define NAMED(name) TEACH_JOIN(name, TEACH_INSTRUCTIONS)

TEACH_TILE_KERNEL(NAMED(tile_6x16), v8f, 6, 2)
TEACH_TILE_KERNEL(NAMED(tile_6x8), v8f, 6, 1)

// The packed product with 6 × 16 tiles. The layout follows BLIS (Van Zee and van de Geijn, 2015).
// C (m×n) is computed in blocks:
//
//     for each block of NC = 1024 columns of B
//       for each block of KC rows of that block    pack it: column panels of NR = 16 (1 MiB, in L2)
//         for each block of MC rows of A           pack it: row panels of MR = 6, contiguous
//           for each panel of MR rows of A         (stays in L1 while it meets every panel of B)
//             for each panel of NR columns of B    the micro-kernel: KC rank-1 updates held in
//                                                  12 vectors of 8 floats, then added to C
//
// (BLIS keeps B's panel in L1 and sweeps A's block from L2; the order above, with C's tile asked
// for before the kernel starts, measured faster here at n = 2048: 67 → 80 GFLOP/s on one core.)
// Packing reads A and B through a row stride and a column stride, so a transposed operand
// (Aᵀ·B and A·Bᵀ in backpropagation) costs nothing extra: it is packed straight from memory,
// transposed in registers where needed.
enum { NAMED(mr) = 6, NAMED(nr) = 16, NAMED(kc_block) = 256, NAMED(mc_block) = 120, NAMED(nc_block) = 1024 };

/// Depth blocks of equal size (784 = 4 × 196, not 3 × 256 + 16: a thin last block costs a full
/// pass of C loads and stores for little work).
TEACH_INLINE long NAMED(depth_step)(long k) {
    const long depth_blocks = (k + NAMED(kc_block) - 1) / NAMED(kc_block);
    return (k + depth_blocks - 1) / depth_blocks;
}

/// Adds C's columns `first ..< last` (`first` a multiple of 16) of one packed block of B (`nc`
/// columns, `kc` deep) times the same depth block of A (`m` rows through its strides) into C; `c`
/// is C at column `first`.
static void NAMED(multiply_block)(long m, long nc, long first, long last, long kc, const float *a, long a_row, long a_column,
                                  const float *packed_b, float *packed_a, float *c, long c_row) {
    enum { mr = NAMED(mr), nr = NAMED(nr), mc_block = NAMED(mc_block) };
    float edge[mr * nr] __attribute__((aligned(64)));
    for (long ic = 0; ic < m; ic += mc_block) {
        const long mc_rows = min_long(mc_block, m - ic);
        pack_panels(mr, mc_rows, kc, a + ic * a_row, a_row, a_column, packed_a);
        for (long ir = 0; ir < mc_rows; ir += mr) {
            const long rows = min_long(mr, mc_rows - ir);
            for (long jr = first; jr < last; jr += nr) {
                const long columns = min_long(nr, last - jr);
                const float *b_panel = packed_b + jr * kc, *a_panel = packed_a + ir * kc;
                float *tile = c + (ic + ir) * c_row + jr - first;
                if (rows == mr && columns == nr) {
                    NAMED(tile_6x16)(nr, kc, a_panel, b_panel, tile, c_row, 1);
                    continue;
                }
                // a partial tile: the whole tile into scratch, then add the part that exists
                // (a last panel of at most 8 columns takes the 6 × 8 kernel: half the work)
                if (columns <= nr / 2) {
                    NAMED(tile_6x8)(nr, kc, a_panel, b_panel, edge, nr, 0);
                } else {
                    NAMED(tile_6x16)(nr, kc, a_panel, b_panel, edge, nr, 0);
                }
                for (long i = 0; i < rows; i++) {
                    for (long j = 0; j < columns; j++) tile[i * c_row + j] += edge[i * nr + j];
                }
            }
        }
    }
}

void NAMED(teach_packed_product)(long m, long n, long k, const float *a, long a_row, long a_column, const float *b, long b_row,
                                 long b_column, float *c, long c_row, int accumulate) {
    if (m <= 0 || n <= 0 || k <= 0) return;
    enum { mr = NAMED(mr), nr = NAMED(nr), mc_block = NAMED(mc_block), nc_block = NAMED(nc_block) };
    // each core clears its own part of C
    if (!accumulate) {
        for (long i = 0; i < m; i++) memset(c + i * c_row, 0, (size_t)n * sizeof(float));
    }
    const long kc_step = NAMED(depth_step)(k);
    const long mc_max = min_long(mc_block, (m + mr - 1) / mr * mr), nc_max = min_long(nc_block, (n + nr - 1) / nr * nr);
    // (8 numbers of room after A's panels: packing a 6-wide panel stores 8 numbers per step)
    float *packed_a = teach_allocate_floats(mc_max * kc_step + 8);
    float *packed_b = teach_allocate_floats(nc_max * kc_step);
    for (long jc = 0; jc < n; jc += nc_block) {
        const long nc = min_long(nc_block, n - jc);
        for (long pc = 0; pc < k; pc += kc_step) {
            const long kc = min_long(kc_step, k - pc);
            pack_panels(nr, nc, kc, b + pc * b_row + jc * b_column, b_column, b_row, packed_b);
            NAMED(multiply_block)(m, nc, 0, nc, kc, a + pc * a_column, a_row, a_column, packed_b, packed_a, c + jc, c_row);
        }
    }
    free(packed_a);
    free(packed_b);
}

// B packed once for many products (teach_pack_factor in CKernels.h): the blocks the product packs,
// one after another, block (jc, pc) at jc·k + pc·(its columns rounded up to 16).
void NAMED(teach_pack_factor)(long n, long k, const float *b, long b_row, long b_column, float *packed) {
    enum { nr = NAMED(nr), nc_block = NAMED(nc_block) };
    const long kc_step = NAMED(depth_step)(k);
    for (long jc = 0; jc < n; jc += nc_block) {
        const long nc = min_long(nc_block, n - jc), padded = (nc + nr - 1) / nr * nr;
        for (long pc = 0; pc < k; pc += kc_step) {
            pack_panels(nr, nc, min_long(kc_step, k - pc), b + pc * b_row + jc * b_column, b_column, b_row, packed + jc * k + pc * padded);
        }
    }
}

void NAMED(teach_packed_factor_product)(long m, long n, long k, const float *a, long a_row, long a_column, const float *packed, long first,
                                        long count, float *c, long c_row, int accumulate) {
    if (m <= 0 || count <= 0) return;
    enum { mr = NAMED(mr), nr = NAMED(nr), mc_block = NAMED(mc_block), nc_block = NAMED(nc_block) };
    if (!accumulate) {  // (for k = 0, the empty sums: zeros)
        for (long i = 0; i < m; i++) memset(c + i * c_row, 0, (size_t)count * sizeof(float));
    }
    if (k <= 0) return;
    const long kc_step = NAMED(depth_step)(k);
    float *packed_a = teach_allocate_floats(min_long(mc_block, (m + mr - 1) / mr * mr) * kc_step + 8);
    for (long jc = first / nc_block * nc_block; jc < first + count; jc += nc_block) {
        const long nc = min_long(nc_block, n - jc), padded = (nc + nr - 1) / nr * nr;
        const long from = first > jc ? first - jc : 0, to = min_long(nc, first + count - jc);
        for (long pc = 0; pc < k; pc += kc_step) {
            NAMED(multiply_block)(m, nc, from, to, min_long(kc_step, k - pc), a + pc * a_column, a_row, a_column,
                                  packed + jc * k + pc * padded, packed_a, c + jc + from - first, c_row);
        }
    }
    free(packed_a);
}

// `C += A·B` for `m ≤ 4` rows and a row-major B: every row of C takes `A(i, p) · B(p, :)` for each
// row `p` of B, in order, eight columns at a time. B is read once, at memory speed.
//
// Only the rows of B that meet a nonzero number of A are read (a layer after ReLU has about half
// of its inputs at 0, and 0·B(p, j) adds nothing), four of them at a time: each vector of C is
// loaded, given four fused multiply-adds in order and stored, instead of once per row of B. The
// chain of multiply-adds of each number of C is the same either way.
void NAMED(teach_few_rows_product)(long m, long n, long k, const float *a, long a_row, long a_column, const float *b, long b_row,
                                   float *c, long c_row) {
    if (m <= 0 || n <= 0 || k <= 0) return;
    long *used = malloc((size_t)k * sizeof(long));
    if (!used) teach_out_of_memory((size_t)k * sizeof(long));
    long count = 0;
    for (long p = 0; p < k; p++) {
        for (long i = 0; i < m; i++) {
            if (a[i * a_row + p * a_column] != 0) {
                used[count++] = p;
                break;
            }
        }
    }
    const long vector_columns = n / 8 * 8;
    for (long q = 0; q < count; q += 4) {
        const long group = min_long(4, count - q);
        long rows_of_b[4];
        for (long r = 0; r < 4; r++) rows_of_b[r] = used[q + min_long(r, group - 1)];
        const float *row0 = b + rows_of_b[0] * b_row, *row1 = b + rows_of_b[1] * b_row;
        const float *row2 = b + rows_of_b[2] * b_row, *row3 = b + rows_of_b[3] * b_row;
        for (long i = 0; i < m; i++) {
            float scales[4];
            for (long r = 0; r < 4; r++) scales[r] = a[i * a_row + rows_of_b[r] * a_column];
            float *target = c + i * c_row;
            if (group == 4) {
                const v8f s0 = scales[0], s1 = scales[1], s2 = scales[2], s3 = scales[3];
                for (long j = 0; j < vector_columns; j += 8) {
                    v8f sum = load_v8f(target + j);
                    sum = fma(s0, load_v8f(row0 + j), sum);
                    sum = fma(s1, load_v8f(row1 + j), sum);
                    sum = fma(s2, load_v8f(row2 + j), sum);
                    sum = fma(s3, load_v8f(row3 + j), sum);
                    store_v8f(target + j, sum);
                }
            } else {
                // the last one to three rows of B, one at a time
                const float *rows[3] = {row0, row1, row2};
                for (long r = 0; r < group; r++) {
                    const v8f s = scales[r];
                    for (long j = 0; j < vector_columns; j += 8) store_v8f(target + j, fma(s, load_v8f(rows[r] + j), load_v8f(target + j)));
                }
            }
            // the last n mod 8 columns
            for (long j = vector_columns; j < n; j++) {
                float sum = target[j];
                for (long r = 0; r < group; r++) sum = fma(scales[r], b[rows_of_b[r] * b_row + j], sum);
                target[j] = sum;
            }
        }
    }
    free(used);
}

void NAMED(teach_relu)(long count, const float *input, float *output) { relu_loop(count, input, output); }

void NAMED(teach_relu_gradient)(long count, const float *gradient, const float *weighted_sums, float *output) {
    relu_gradient_loop(count, gradient, weighted_sums, output);
}

void NAMED(teach_relu_gradient_sums)(long rows, long columns, long first, long count, const float *gradient, const float *weighted_sums,
                                     float *output, float *sums) {
    relu_gradient_sums_loop(rows, columns, first, count, gradient, weighted_sums, output, sums);
}

void NAMED(teach_bias_relu)(long rows, long columns, const float *sums, long sums_row, const float *bias, float *h, float *a, int relu) {
    bias_relu_loop(rows, columns, sums, sums_row, bias, h, a, relu);
}

void NAMED(teach_max_pool)(long images, long height, long width, long channels, long out_height, long out_width, long size, long stride,
                           const float *x, float *output, int *sources) {
    max_pool_loop(images, height, width, channels, out_height, out_width, size, stride, x, output, sources);
}

void NAMED(teach_max_pool_relu_backward)(long images, long height, long width, long channels, long out_height, long out_width, long size,
                                         const float *gradient, const int *sources, const float *pooled, float *relu_gradient, float *masked) {
    max_pool_relu_backward_loop(images, height, width, channels, out_height, out_width, size, gradient, sources, pooled, relu_gradient, masked);
}

void NAMED(teach_max_pool_relu_sums)(long images, long height, long width, long channels, long out_height, long out_width, long size,
                                     long first, long count, const float *masked, const int *sources, float *sums) {
    max_pool_relu_sums_loop(images, height, width, channels, out_height, out_width, size, first, count, masked, sources, sums);
}

void NAMED(teach_gelu)(long count, const float *input, float *output) { gelu_loop_v8f(count, input, output); }

void NAMED(teach_gelu_gradient)(long count, const float *gradient, const float *sums, float *output) {
    gelu_gradient_loop_v8f(count, gradient, sums, output);
}

void NAMED(teach_lstm_cells)(long rows, long hidden, const float *terms, long terms_row, const float *recurrent, const float *bias_ih,
                             const float *bias_hh, const float *previous, long memory_row, float *gates, long gates_row, float *memories,
                             float *squashed, float *states) {
    lstm_cells_loop_v8f(rows, hidden, terms, terms_row, recurrent, bias_ih, bias_hh, previous, memory_row, gates, gates_row, memories, squashed,
                    states);
}

void NAMED(teach_lstm_backward_cells)(long rows, long hidden, const float *gates, long gates_row, const float *squashed, const float *previous,
                                      long memory_row, const float *output_gradient, const float *carried_state, float *carried_memory,
                                      float *sums, long sums_row) {
    lstm_backward_cells_loop_v8f(rows, hidden, gates, gates_row, squashed, previous, memory_row, output_gradient, carried_state, carried_memory,
                             sums, sums_row);
}

void NAMED(teach_gru_backward_cells)(long rows, long hidden, const float *gates, long gates_row, const float *previous, long state_row,
                                     const float *output_gradient, const float *carried, float *d_a, float *d_u, float *direct) {
    gru_backward_cells_loop_v8f(rows, hidden, gates, gates_row, previous, state_row, output_gradient, carried, d_a, d_u, direct);
}

void NAMED(teach_gru_cells)(long rows, long hidden, const float *terms, long terms_row, const float *recurrent, const float *bias_ih,
                            const float *bias_hh, const float *previous, long state_row, float *gates, long gates_row, float *states) {
    gru_cells_loop_v8f(rows, hidden, terms, terms_row, recurrent, bias_ih, bias_hh, previous, state_row, gates, gates_row, states);
}

void NAMED(teach_adam)(long count, float *p, const float *g, float *m, float *v, float lr, float beta1, float beta2, float epsilon,
                       float correction1, float correction2, float decay) {
    adam_loop(count, p, g, m, v, lr, beta1, beta2, epsilon, correction1, correction2, decay);
}

#define TEACH_THIN_V v8f
#include "convolution_thin.h"
#undef TEACH_THIN_V
