// The convolution of a thin input (a filter row of fewer than 16 numbers, `F·C < 16`: a first layer
// on one or three channels), computed straight from the image instead of through a packed product
// of the patch matrix. With so short a depth (25 for a 5×5 filter on one channel) and so few
// filters, the product spent its time packing and on partial tiles. Here each window's numbers are
// read where they lie in the image (through a pointer per window and one table of offsets shared
// by all windows), broadcast, and multiplied into sums held in registers.
//
// Every number is the packed product's, bit for bit: for each number of the result, one chain of
// fused multiply-adds from +0 over the depth in order, per depth block, the first block's sum
// stored and each next one added (CKernels.h). Included once per instruction set, after vectors.h,
// with TEACH_THIN_V the vector type (v16f or v8f) and NAMED the macro that suffixes names.

/// `ROWS` windows' sums for `VECTORS` vectors of filters: `target(r, j) = Σ_t patch(r, t) ·
/// weights(t, j)`, with `patch(r, t) = patches[r][offsets[t]]`, one chain of fused multiply-adds
/// from +0 over `t = 0 ..< taps` in order. `weights` rows are `weights_row` apart, `target` rows
/// `target_row` apart.
#define TEACH_THIN_FORWARD_TILE(NAME, V, ROWS, VECTORS)                                                                    \
    TEACH_INLINE void NAME(const float *const *patches, const long *offsets, long taps, const float *weights, long weights_row, \
                           float *target, long target_row) {                                                               \
        enum { lanes = sizeof(V) / sizeof(float) };                                                                       \
        V s[ROWS][VECTORS];                                                                                               \
        _Pragma("clang loop unroll(full)") for (int r = 0; r < ROWS; r++) {                                               \
            _Pragma("clang loop unroll(full)") for (int v = 0; v < VECTORS; v++) s[r][v] = 0;                             \
        }                                                                                                                 \
        for (long t = 0; t < taps; t++) {                                                                                 \
            const long offset = offsets[t];                                                                               \
            V w[VECTORS];                                                                                                 \
            _Pragma("clang loop unroll(full)") for (int v = 0; v < VECTORS; v++) {                                        \
                w[v] = load_##V(weights + t * weights_row + v * lanes);                                                   \
            }                                                                                                             \
            _Pragma("clang loop unroll(full)") for (int r = 0; r < ROWS; r++) {                                           \
                const V number = patches[r][offset];                                                                      \
                _Pragma("clang loop unroll(full)") for (int v = 0; v < VECTORS; v++) s[r][v] = fma(number, w[v], s[r][v]); \
            }                                                                                                             \
        }                                                                                                                 \
        _Pragma("clang loop unroll(full)") for (int r = 0; r < ROWS; r++) {                                               \
            _Pragma("clang loop unroll(full)") for (int v = 0; v < VECTORS; v++) {                                        \
                store_##V(target + r * target_row + v * lanes, s[r][v]);                                                  \
            }                                                                                                             \
        }                                                                                                                 \
    }

// (through one more macro, so that TEACH_THIN_V is replaced by its vector type before `##` pastes it)
#define TEACH_THIN_FORWARD_TILE_OF(NAME, V, ROWS, VECTORS) TEACH_THIN_FORWARD_TILE(NAME, V, ROWS, VECTORS)
#define TEACH_THIN_GRADIENT_TILE_OF(NAME, V, TAPS, VECTORS) TEACH_THIN_GRADIENT_TILE(NAME, V, TAPS, VECTORS)

// 16 sums in registers: 8 windows beside 1 or 2 vectors of filters, 4 beside 3 or 4
TEACH_THIN_FORWARD_TILE_OF(NAMED(thin_forward_1), TEACH_THIN_V, 8, 1)
TEACH_THIN_FORWARD_TILE_OF(NAMED(thin_forward_2), TEACH_THIN_V, 8, 2)
TEACH_THIN_FORWARD_TILE_OF(NAMED(thin_forward_3), TEACH_THIN_V, 4, 3)
TEACH_THIN_FORWARD_TILE_OF(NAMED(thin_forward_4), TEACH_THIN_V, 4, 4)

void NAMED(teach_thin_forward)(long windows, const float *const *patches, const long *offsets, long taps, const float *weights,
                               long padded, float *sums) {
    enum { lanes = sizeof(TEACH_THIN_V) / sizeof(float) };
    float scratch[8 * 4 * lanes] __attribute__((aligned(64)));
    for (long j = 0; j < padded; j += 4 * lanes) {
        const long vectors = min_long(4, (padded - j) / lanes), rows = vectors <= 2 ? 8 : 4;
        for (long w = 0; w < windows; w += rows) {
            // a last group of fewer windows repeats its last window and goes through scratch
            const long count = min_long(rows, windows - w);
            const float *group[8];
            for (long r = 0; r < rows; r++) group[r] = patches[w + min_long(r, count - 1)];
            const int whole = count == rows;
            float *target = whole ? sums + w * padded + j : scratch;
            const long target_row = whole ? padded : 4 * lanes;
            switch (vectors) {
            case 1: NAMED(thin_forward_1)(group, offsets, taps, weights + j, padded, target, target_row); break;
            case 2: NAMED(thin_forward_2)(group, offsets, taps, weights + j, padded, target, target_row); break;
            case 3: NAMED(thin_forward_3)(group, offsets, taps, weights + j, padded, target, target_row); break;
            default: NAMED(thin_forward_4)(group, offsets, taps, weights + j, padded, target, target_row);
            }
            for (long r = 0; !whole && r < count; r++) {
                for (long q = 0; q < vectors * lanes; q++) sums[(w + r) * padded + j + q] = scratch[r * 4 * lanes + q];
            }
        }
    }
}

/// `TAPS` rows of a weight gradient for `VECTORS` vectors of filters (their first `used` lanes):
/// `s(g) = Σ_w patch(w, g) · gradient(w)` over windows `0 ..< windows` in order, one chain of fused
/// multiply-adds from +0, then stored into `target` (rows `target_row` apart) or added to it. Each
/// number of a patch, broadcast once, meets every vector. A vector of the gradient read past the
/// end of its row reads the next row's numbers into lanes that are not used; past `readable` floats
/// from `gradient` (the last rows) it is copied instead.
#define TEACH_THIN_GRADIENT_TILE(NAME, V, TAPS, VECTORS)                                                                   \
    TEACH_INLINE void NAME(long windows, const float *const *patches, const long *offsets, const float *gradient,           \
                           long gradient_row, long readable, long used, float *target, long target_row, int add) {         \
        enum { lanes = sizeof(V) / sizeof(float) };                                                                       \
        V s[TAPS][VECTORS];                                                                                               \
        long offset[TAPS];                                                                                                \
        _Pragma("clang loop unroll(full)") for (int g = 0; g < TAPS; g++) {                                               \
            offset[g] = offsets[g];                                                                                       \
            _Pragma("clang loop unroll(full)") for (int v = 0; v < VECTORS; v++) s[g][v] = 0;                             \
        }                                                                                                                 \
        /* the windows whose vectors of the gradient may be read whole, then the rest through a copy */              \
        const long whole = readable < VECTORS * lanes ? 0 : min_long(windows, (readable - VECTORS * lanes) / gradient_row + 1); \
        float copy[VECTORS * lanes] __attribute__((aligned(64)));                                                         \
        for (long w = 0; w < windows; w++) {                                                                              \
            const float *row = gradient + w * gradient_row;                                                               \
            if (w >= whole) {                                                                                             \
                for (long q = 0; q < VECTORS * lanes; q++) copy[q] = q < used ? row[q] : 0;                               \
                row = copy;                                                                                               \
            }                                                                                                             \
            V d[VECTORS];                                                                                                 \
            _Pragma("clang loop unroll(full)") for (int v = 0; v < VECTORS; v++) d[v] = load_##V(row + v * lanes);      \
            const float *patch = patches[w];                                                                              \
            _Pragma("clang loop unroll(full)") for (int g = 0; g < TAPS; g++) {                                           \
                const V number = patch[offset[g]];                                                                        \
                _Pragma("clang loop unroll(full)") for (int v = 0; v < VECTORS; v++) s[g][v] = fma(number, d[v], s[g][v]); \
            }                                                                                                             \
        }                                                                                                                 \
        _Pragma("clang loop unroll(full)") for (int g = 0; g < TAPS; g++) {                                               \
            float sums[VECTORS * lanes] __attribute__((aligned(64)));                                                     \
            _Pragma("clang loop unroll(full)") for (int v = 0; v < VECTORS; v++) store_##V(sums + v * lanes, s[g][v]);    \
            float *out = target + g * target_row;                                                                         \
            for (long q = 0; q < used; q++) out[q] = add ? out[q] + sums[q] : sums[q];                                    \
        }                                                                                                                 \
    }

// up to 12 taps beside 2 vectors of filters (24 sums in registers), or 16 beside 1
#define TEACH_THIN_GRADIENT_CASES(TAPS)                                                                                   \
    TEACH_THIN_GRADIENT_TILE_OF(NAMED(thin_gradient_1_##TAPS), TEACH_THIN_V, TAPS, 1)                                    \
    TEACH_THIN_GRADIENT_TILE_OF(NAMED(thin_gradient_2_##TAPS), TEACH_THIN_V, TAPS, 2)
TEACH_THIN_GRADIENT_CASES(1)
TEACH_THIN_GRADIENT_CASES(2)
TEACH_THIN_GRADIENT_CASES(3)
TEACH_THIN_GRADIENT_CASES(4)
TEACH_THIN_GRADIENT_CASES(5)
TEACH_THIN_GRADIENT_CASES(6)
TEACH_THIN_GRADIENT_CASES(7)
TEACH_THIN_GRADIENT_CASES(8)
TEACH_THIN_GRADIENT_CASES(9)
TEACH_THIN_GRADIENT_CASES(10)
TEACH_THIN_GRADIENT_CASES(11)
TEACH_THIN_GRADIENT_CASES(12)
TEACH_THIN_GRADIENT_TILE_OF(NAMED(thin_gradient_1_13), TEACH_THIN_V, 13, 1)
TEACH_THIN_GRADIENT_TILE_OF(NAMED(thin_gradient_1_14), TEACH_THIN_V, 14, 1)
TEACH_THIN_GRADIENT_TILE_OF(NAMED(thin_gradient_1_15), TEACH_THIN_V, 15, 1)
TEACH_THIN_GRADIENT_TILE_OF(NAMED(thin_gradient_1_16), TEACH_THIN_V, 16, 1)
#undef TEACH_THIN_GRADIENT_CASES

void NAMED(teach_thin_weight_gradient)(long windows, const float *const *patches, const long *offsets, long taps, const float *gradient,
                                       long gradient_row, long readable, long filters, float *target, long target_row, int add) {
    enum { lanes = sizeof(TEACH_THIN_V) / sizeof(float) };
    for (long j = 0; j < filters; j += 2 * lanes) {
        // two vectors of filters at a time, in groups of at most 12 taps; a last single vector in
        // groups of at most 16; the groups as even as they go (25 taps beside 2 vectors: 9, 8, 8)
        const long vectors = filters - j > lanes ? 2 : 1, most = vectors == 2 ? 12 : 16;
        const long used = min_long(vectors * lanes, filters - j), groups = (taps + most - 1) / most;
        for (long group = 0, first = 0; group < groups; group++) {
            const long count = (taps - first) / (groups - group);
            const long *group_offsets = offsets + first;
            float *out = target + first * target_row + j;
            const float *g = gradient + j;
            const long left = readable - j;
#define TEACH_THIN_GRADIENT_CALL(TAPS)                                                                                      \
    case TAPS:                                                                                                              \
        if (vectors == 2) NAMED(thin_gradient_2_##TAPS)(windows, patches, group_offsets, g, gradient_row, left, used, out, target_row, add); \
        else NAMED(thin_gradient_1_##TAPS)(windows, patches, group_offsets, g, gradient_row, left, used, out, target_row, add);        \
        break;
            switch (count) {
                TEACH_THIN_GRADIENT_CALL(1)
                TEACH_THIN_GRADIENT_CALL(2)
                TEACH_THIN_GRADIENT_CALL(3)
                TEACH_THIN_GRADIENT_CALL(4)
                TEACH_THIN_GRADIENT_CALL(5)
                TEACH_THIN_GRADIENT_CALL(6)
                TEACH_THIN_GRADIENT_CALL(7)
                TEACH_THIN_GRADIENT_CALL(8)
                TEACH_THIN_GRADIENT_CALL(9)
                TEACH_THIN_GRADIENT_CALL(10)
                TEACH_THIN_GRADIENT_CALL(11)
                TEACH_THIN_GRADIENT_CALL(12)
            case 13: NAMED(thin_gradient_1_13)(windows, patches, group_offsets, g, gradient_row, left, used, out, target_row, add); break;
            case 14: NAMED(thin_gradient_1_14)(windows, patches, group_offsets, g, gradient_row, left, used, out, target_row, add); break;
            case 15: NAMED(thin_gradient_1_15)(windows, patches, group_offsets, g, gradient_row, left, used, out, target_row, add); break;
            default: NAMED(thin_gradient_1_16)(windows, patches, group_offsets, g, gradient_row, left, used, out, target_row, add);
            }
#undef TEACH_THIN_GRADIENT_CALL
            first += count;
        }
    }
}
