// The packed Float product for processors with AVX-512 Foundation: the same blocks and loop order
// as the 8-float product (product_narrow.h) with 16-float vectors, so twice the work per
// instruction. Every function here is compiled for AVX-512 (the pragma below, not a compiler
// flag), so none may run on a processor without it: Teach calls `teach_packed_product_avx512` only
// after asking the processor (cpu.c).
//
// Each number of C is computed exactly as the 8-float kernel computes it (the same depth blocks,
// one fused multiply-add per step of the depth, in the same order, then added to C), so both
// kernels give bit-identical products; only the number of columns per instruction differs.
//
// Tiles: 8 rows × 32 columns (sixteen 16-float accumulators). B's block is packed as panels of 32
// columns and, for the last `n mod 32` columns, panels of 16, so a thin matrix (n = 50: 32 + 16 + 2)
// wastes little: a last panel of fewer than 8 columns runs through a kernel whose vectors run along
// the rows instead, 32 rows at a time (2 columns: 4 multiply-adds per step of the depth, not 32).
#if defined(__x86_64__)
#include "CKernels.h"
#include <stdlib.h>
#include <string.h>
#pragma clang attribute push(__attribute__((target("avx512f"))), apply_to = function)
#include "vectors.h"

TEACH_TILE_KERNEL(tile_8x32, v16f, 8, 2)
TEACH_TILE_KERNEL(tile_8x16, v16f, 8, 1)
TEACH_TILE_KERNEL(tile_8x8, v8f, 8, 1)

/// The last `COLUMNS` (1 to 7) columns of a 16-wide panel, vectorised along the rows instead of the
/// columns: for each step of the depth, 8 rows of A (one panel, V of 8 floats) or 32 (four
/// consecutive panels, two 16-float vectors each holding two panels' rows) are multiplied by each
/// column's number of B, broadcast, so `COLUMNS` multiply-adds do what the 8-column tile kernel
/// needs 8 for. Each number is still one fused multiply-add chain over the depth, in order, so the
/// result is the same as the other kernels'. Four panels at once keep enough independent chains in
/// flight when there are only one or two columns (a multiply-add waits four cycles for the one
/// before it in its chain). Adds the first `rows` rows into C (stores them unless `add`).
#define TEACH_COLUMN_KERNEL(NAME, V, ROWS, HALVES)                                                                           \
    TEACH_INLINE void NAME(const int columns, long rows, long kc, const float *a, const float *b, float *c, long c_row,  \
                           int add) {                                                                                    \
        enum { lanes = sizeof(V) / sizeof(float) };                                                                     \
        const long panel = kc * 8; /* floats in one panel of A */                                                       \
        V s[7], t[7];                                                                                                   \
        _Pragma("clang loop unroll(full)") for (int j = 0; j < 7; j++) s[j] = t[j] = 0;                                  \
        for (long p = 0; p < kc; p++) {                                                                                 \
            const float *step = a + p * 8;                                                                              \
            const V x = ROWS(step, panel), y = HALVES == 2 ? ROWS(step + 2 * panel, panel) : 0;                        \
            _Pragma("clang loop unroll(full)") for (int j = 0; j < 7; j++) {                                            \
                if (j < columns) {                                                                                      \
                    const V number = b[p * 16 + j];                                                                     \
                    s[j] = fma(x, number, s[j]);                                                                        \
                    if (HALVES == 2) t[j] = fma(y, number, t[j]);                                                       \
                }                                                                                                       \
            }                                                                                                           \
        }                                                                                                               \
        /* the sums, column after column, then added to C row by row */                                                \
        float sums[7][2 * lanes] __attribute__((aligned(64)));                                                          \
        _Pragma("clang loop unroll(full)") for (int j = 0; j < 7; j++) {                                                \
            if (j < columns) {                                                                                          \
                store_##V(sums[j], s[j]);                                                                               \
                store_##V(sums[j] + lanes, t[j]);                                                                       \
            }                                                                                                           \
        }                                                                                                               \
        for (long i = 0; i < rows; i++) {                                                                               \
            float *row = c + i * c_row;                                                                                 \
            for (int j = 0; j < columns; j++) row[j] = add ? row[j] + sums[j][i] : sums[j][i];                          \
        }                                                                                                               \
    }
/// The rows of A at one step of the depth: one panel's 8, or two consecutive panels' 16.
TEACH_INLINE v8f rows_of_one_panel(const float *step, long panel) { return load_v8f(step); }
TEACH_INLINE v16f rows_of_two_panels(const float *step, long panel) {
    return __builtin_shufflevector(load_v8f(step), load_v8f(step + panel), 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
}
TEACH_COLUMN_KERNEL(one_panel_columns, v8f, rows_of_one_panel, 1)
TEACH_COLUMN_KERNEL(four_panel_columns, v16f, rows_of_two_panels, 2)

/// Each case calls the kernel with a constant count, so the unused accumulators and their
/// multiply-adds are folded away.
TEACH_INLINE void column_kernel(long columns, long rows, int four_panels, long kc, const float *a, const float *b, float *c,
                                long c_row, int add) {
#define TEACH_COLUMNS_CASE(count)                                                                                        \
    case count:                                                                                                         \
        if (four_panels) four_panel_columns(count, rows, kc, a, b, c, c_row, add);                                      \
        else one_panel_columns(count, rows, kc, a, b, c, c_row, add);                                                   \
        break;
    switch (columns) {
        TEACH_COLUMNS_CASE(1)
        TEACH_COLUMNS_CASE(2)
        TEACH_COLUMNS_CASE(3)
        TEACH_COLUMNS_CASE(4)
        TEACH_COLUMNS_CASE(5)
        TEACH_COLUMNS_CASE(6)
        TEACH_COLUMNS_CASE(7)
    }
#undef TEACH_COLUMNS_CASE
}

enum { mr = 8, nr = 32, half = 16, mc_block = 192, nc_block = 1024 };

/// The depth of each block: the 8-float kernel's depth blocks (bit-identical results), equal
/// blocks of at most 256.
TEACH_INLINE long depth_step(long k) {
    const long depth_blocks = (k + 255) / 256;
    return (k + depth_blocks - 1) / depth_blocks;
}

/// One block of B's columns, `nc` wide, packed for one depth block of `kc`: panels of 32, then
/// panels of 16 for the rest, the panel starting at column j at j·kc.
TEACH_INLINE void pack_block(long nc, long kc, const float *b_block, long b_row, long b_column, float *packed_b) {
    const long wide = nc / nr * nr;
    pack_panels(nr, wide, kc, b_block, b_column, b_row, packed_b);
    pack_panels(half, nc - wide, kc, b_block + wide * b_column, b_column, b_row, packed_b + wide * kc);
}

/// C's columns `first ..< last` of one packed block of B (`nc` columns wide, `kc` deep) times the
/// same depth block of A (`m` rows, read through its strides from `a`), stored into C or added to
/// it (`add`); `c` is C at column `first`. `first` is a multiple of 32, and so is `last` unless it
/// is `nc`.
static void multiply_block(long m, long nc, long first, long last, long kc, const float *a, long a_row, long a_column,
                           const float *packed_b, float *packed_a, float *c, long c_row, int add) {
    const long wide = nc / nr * nr;
    // the columns of a last 16-wide panel narrower than 8, if there is one (n = 50: 32 + 16 + 2)
    const long thin_columns = last == nc && (nc - wide) % half < 8 ? (nc - wide) % half : 0;
    float edge[mr * nr] __attribute__((aligned(64)));
    for (long ic = 0; ic < m; ic += mc_block) {
        const long mc_rows = min_long(mc_block, m - ic);
        pack_panels(mr, mc_rows, kc, a + ic * a_row, a_row, a_column, packed_a);
        // One 8-row panel of A stays in L1 while it meets every panel of B's block (in L2).
        for (long ir = 0; ir < mc_rows; ir += mr) {
            const long rows = min_long(mr, mc_rows - ir);
            const float *a_panel = packed_a + ir * kc;
            long jr = first;
            while (jr < last - thin_columns) {
                const long width = jr < wide ? nr : half;
                const long columns = min_long(width, last - jr);
                const float *b_panel = packed_b + jr * kc;
                float *tile = c + (ic + ir) * c_row + jr - first;
                jr += width;
                // the kernel's width: 32, 16, or 8 for a last panel of 8 columns
                const long kernel_width = width == nr ? nr : columns > 8 ? half : 8;
                const int whole = rows == mr && columns == kernel_width;
                // a partial tile goes whole into scratch, then the part that exists into C
                float *target = whole ? tile : edge;
                const long target_row = whole ? c_row : nr;
                const int target_add = whole ? add : 0;
                switch (kernel_width) {
                case nr: tile_8x32(nr, kc, a_panel, b_panel, target, target_row, target_add); break;
                case half: tile_8x16(half, kc, a_panel, b_panel, target, target_row, target_add); break;
                default: tile_8x8(half, kc, a_panel, b_panel, target, target_row, target_add);
                }
                if (!whole) {
                    for (long i = 0; i < rows; i++) {
                        for (long j = 0; j < columns; j++) {
                            tile[i * c_row + j] = add ? tile[i * c_row + j] + edge[i * nr + j] : edge[i * nr + j];
                        }
                    }
                }
            }
        }
        // a last panel of 1 to 7 columns: vectors along the rows, 32 rows (4 panels of A) at a time
        if (thin_columns > 0) {
            const float *b_panel = packed_b + (nc - thin_columns) * kc;
            for (long ir = 0; ir < mc_rows;) {
                const int four_panels = mc_rows - ir >= 4 * mr;
                const long rows = four_panels ? 4 * mr : min_long(mr, mc_rows - ir);
                column_kernel(thin_columns, rows, four_panels, kc, packed_a + ir * kc, b_panel,
                              c + (ic + ir) * c_row + nc - thin_columns - first, c_row, add);
                ir += rows;
            }
        }
    }
}

// Without `accumulate` the first depth block stores its sums into C instead of adding them: no pass
// of zeros over C first (for a weight gradient, 784×500 numbers, that pass took 15% of the time).
// The numbers are the same: a sum that starts from +0 is never −0, and adding it to +0 gives it
// back exactly.
void teach_packed_product_avx512(long m, long n, long k, const float *a, long a_row, long a_column, const float *b, long b_row,
                                 long b_column, float *c, long c_row, int accumulate) {
    if (m <= 0 || n <= 0 || k <= 0) return;
    const long kc_step = depth_step(k);
    // B's block (256 × 1024 floats, 1 MiB) stays in the 2 MiB L2 while every panel of A passes by;
    // measured on one core at n = 2048: 124 GFLOP/s with the BLIS order (B's panel in L1, A's block
    // in L2, 2048 columns) and no prefetch of C, 145 with this order and the prefetch.
    const long mc_max = min_long(mc_block, (m + mr - 1) / mr * mr), nc_max = min_long(nc_block, (n + half - 1) / half * half);
    float *packed_a = teach_allocate_floats(mc_max * kc_step);
    float *packed_b = teach_allocate_floats(nc_max * kc_step);
    for (long jc = 0; jc < n; jc += nc_block) {
        const long nc = min_long(nc_block, n - jc);
        for (long pc = 0; pc < k; pc += kc_step) {
            const long kc = min_long(kc_step, k - pc);
            pack_block(nc, kc, b + pc * b_row + jc * b_column, b_row, b_column, packed_b);
            multiply_block(m, nc, 0, nc, kc, a + pc * a_column, a_row, a_column, packed_b, packed_a, c + jc, c_row,
                           accumulate || pc > 0);
        }
    }
    free(packed_a);
    free(packed_b);
}

// B packed once for many products (teach_pack_factor in CKernels.h): the blocks the product packs,
// one after another, block (jc, pc) at jc·k + pc·(its columns rounded up to 16).
void teach_pack_factor_avx512(long n, long k, const float *b, long b_row, long b_column, float *packed) {
    const long kc_step = depth_step(k);
    for (long jc = 0; jc < n; jc += nc_block) {
        const long nc = min_long(nc_block, n - jc), padded = (nc + half - 1) / half * half;
        for (long pc = 0; pc < k; pc += kc_step) {
            pack_block(nc, min_long(kc_step, k - pc), b + pc * b_row + jc * b_column, b_row, b_column, packed + jc * k + pc * padded);
        }
    }
}

void teach_packed_factor_product_avx512(long m, long n, long k, const float *a, long a_row, long a_column, const float *packed, long first,
                                        long count, float *c, long c_row, int accumulate) {
    if (m <= 0 || count <= 0) return;
    if (k <= 0) {
        // the empty sums: zeros, unless adding them
        if (!accumulate) {
            for (long i = 0; i < m; i++) memset(c + i * c_row, 0, (size_t)count * sizeof(float));
        }
        return;
    }
    const long kc_step = depth_step(k);
    float *packed_a = teach_allocate_floats(min_long(mc_block, (m + mr - 1) / mr * mr) * kc_step);
    for (long jc = first / nc_block * nc_block; jc < first + count; jc += nc_block) {
        const long nc = min_long(nc_block, n - jc), padded = (nc + half - 1) / half * half;
        const long from = first > jc ? first - jc : 0, to = min_long(nc, first + count - jc);
        for (long pc = 0; pc < k; pc += kc_step) {
            multiply_block(m, nc, from, to, min_long(kc_step, k - pc), a + pc * a_column, a_row, a_column, packed + jc * k + pc * padded,
                           packed_a, c + jc + from - first, c_row, accumulate || pc > 0);
        }
    }
    free(packed_a);
}

// The recurrent cells and GELU on 16-float vectors: the 8-float kernels' arithmetic, lane by lane
// (vector_functions.h), so the same numbers.
void teach_gelu_avx512(long count, const float *input, float *output) { gelu_loop_v16f(count, input, output); }

void teach_gelu_gradient_avx512(long count, const float *gradient, const float *sums, float *output) {
    gelu_gradient_loop_v16f(count, gradient, sums, output);
}

void teach_lstm_cells_avx512(long rows, long hidden, const float *terms, long terms_row, const float *recurrent, const float *bias_ih,
                             const float *bias_hh, const float *previous, long memory_row, float *gates, long gates_row, float *memories,
                             float *squashed, float *states) {
    lstm_cells_loop_v16f(rows, hidden, terms, terms_row, recurrent, bias_ih, bias_hh, previous, memory_row, gates, gates_row, memories,
                         squashed, states);
}

void teach_lstm_backward_cells_avx512(long rows, long hidden, const float *gates, long gates_row, const float *squashed,
                                      const float *previous, long memory_row, const float *output_gradient, const float *carried_state,
                                      float *carried_memory, float *sums, long sums_row) {
    lstm_backward_cells_loop_v16f(rows, hidden, gates, gates_row, squashed, previous, memory_row, output_gradient, carried_state,
                                  carried_memory, sums, sums_row);
}

void teach_gru_backward_cells_avx512(long rows, long hidden, const float *gates, long gates_row, const float *previous, long state_row,
                                     const float *output_gradient, const float *carried, float *d_a, float *d_u, float *direct) {
    gru_backward_cells_loop_v16f(rows, hidden, gates, gates_row, previous, state_row, output_gradient, carried, d_a, d_u, direct);
}

void teach_gru_cells_avx512(long rows, long hidden, const float *terms, long terms_row, const float *recurrent, const float *bias_ih,
                            const float *bias_hh, const float *previous, long state_row, float *gates, long gates_row, float *states) {
    gru_cells_loop_v16f(rows, hidden, terms, terms_row, recurrent, bias_ih, bias_hh, previous, state_row, gates, gates_row, states);
}

// the direct convolution of thin inputs, on 16-float vectors
#define NAMED(name) name##_avx512
#define TEACH_THIN_V v16f
#include "convolution_thin.h"
#pragma clang attribute pop
#endif
