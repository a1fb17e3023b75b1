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
#define TEACH_THIN_GRADIENT_TILE_OF(NAME, V, TAPS) TEACH_THIN_GRADIENT_TILE(NAME, V, TAPS)

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

/// `TAPS` rows of a weight gradient for one vector of filters (its first `used` lanes): `s(g) =
/// Σ_w patch(w, g) · gradient(w)` over windows `0 ..< windows` in order, one chain of fused
/// multiply-adds from +0, then stored into `target` (rows `target_row` apart) or added to it. A
/// vector of the gradient read past the end of its row reads the next row's numbers into lanes
/// that are not used; past `readable` floats from `gradient` (the last rows) it is copied instead.
#define TEACH_THIN_GRADIENT_TILE(NAME, V, TAPS)                                                                            \
    TEACH_INLINE void NAME(long windows, const float *const *patches, const long *offsets, const float *gradient,           \
                           long gradient_row, long readable, long used, float *target, long target_row, int add) {         \
        enum { lanes = sizeof(V) / sizeof(float) };                                                                       \
        V s[TAPS];                                                                                                        \
        long offset[TAPS];                                                                                                \
        _Pragma("clang loop unroll(full)") for (int g = 0; g < TAPS; g++) {                                               \
            s[g] = 0;                                                                                                     \
            offset[g] = offsets[g];                                                                                       \
        }                                                                                                                 \
        for (long w = 0; w < windows; w++) {                                                                              \
            const float *row = gradient + w * gradient_row;                                                               \
            V d;                                                                                                          \
            if (w * gradient_row + lanes <= readable) {                                                                   \
                d = load_##V(row);                                                                                        \
            } else {                                                                                                      \
                float copy[lanes] __attribute__((aligned(64))) = {0};                                                     \
                for (long q = 0; q < used; q++) copy[q] = row[q];                                                         \
                d = load_##V(copy);                                                                                       \
            }                                                                                                             \
            const float *patch = patches[w];                                                                              \
            _Pragma("clang loop unroll(full)") for (int g = 0; g < TAPS; g++) s[g] = fma((V)patch[offset[g]], d, s[g]);   \
        }                                                                                                                 \
        _Pragma("clang loop unroll(full)") for (int g = 0; g < TAPS; g++) {                                               \
            float sums[lanes] __attribute__((aligned(64)));                                                               \
            store_##V(sums, s[g]);                                                                                        \
            float *out = target + g * target_row;                                                                         \
            for (long q = 0; q < used; q++) out[q] = add ? out[q] + sums[q] : sums[q];                                    \
        }                                                                                                                 \
    }

#define TEACH_THIN_GRADIENT_CASE(TAPS) TEACH_THIN_GRADIENT_TILE_OF(NAMED(thin_gradient_##TAPS), TEACH_THIN_V, TAPS)
TEACH_THIN_GRADIENT_CASE(1)
TEACH_THIN_GRADIENT_CASE(2)
TEACH_THIN_GRADIENT_CASE(3)
TEACH_THIN_GRADIENT_CASE(4)
TEACH_THIN_GRADIENT_CASE(5)
TEACH_THIN_GRADIENT_CASE(6)
TEACH_THIN_GRADIENT_CASE(7)
TEACH_THIN_GRADIENT_CASE(8)
TEACH_THIN_GRADIENT_CASE(9)
TEACH_THIN_GRADIENT_CASE(10)
TEACH_THIN_GRADIENT_CASE(11)
TEACH_THIN_GRADIENT_CASE(12)
TEACH_THIN_GRADIENT_CASE(13)
TEACH_THIN_GRADIENT_CASE(14)
TEACH_THIN_GRADIENT_CASE(15)
TEACH_THIN_GRADIENT_CASE(16)
#undef TEACH_THIN_GRADIENT_CASE

void NAMED(teach_thin_weight_gradient)(long windows, const float *const *patches, const long *offsets, long taps, const float *gradient,
                                       long gradient_row, long readable, long filters, float *target, long target_row, int add) {
    enum { lanes = sizeof(TEACH_THIN_V) / sizeof(float) };
    // the taps in groups of at most 16, as even as they go (25: 13 and 12)
    const long groups = (taps + 15) / 16;
    for (long j = 0; j < filters; j += lanes) {
        const long used = min_long(lanes, filters - j);
        for (long group = 0, first = 0; group < groups; group++) {
            const long count = (taps - first) / (groups - group);
            const long *group_offsets = offsets + first;
            float *out = target + first * target_row + j;
            const float *g = gradient + j;
            const long left = readable - j;
#define TEACH_THIN_GRADIENT_CALL(TAPS)                                                                                      \
    case TAPS: NAMED(thin_gradient_##TAPS)(windows, patches, group_offsets, g, gradient_row, left, used, out, target_row, add); break;
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
                TEACH_THIN_GRADIENT_CALL(13)
                TEACH_THIN_GRADIENT_CALL(14)
                TEACH_THIN_GRADIENT_CALL(15)
                TEACH_THIN_GRADIENT_CALL(16)
            }
#undef TEACH_THIN_GRADIENT_CALL
            first += count;
        }
    }
}
