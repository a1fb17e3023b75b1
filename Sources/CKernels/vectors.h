// Vectors and the loops built on them, for the kernel files (product_*.c): included once per
// instruction set, after `#pragma clang attribute push(__attribute__((target(...))), ...)`, so that
// every function here is compiled for that file's instruction set. The code is written with clang's
// vector types (`ext_vector_type`), which compile to whatever vector instructions the function's
// target has: the same source gives the AVX2, the AVX-512 and the baseline x86-64 (or ARM) code.
//
// The package passes no compiler flags to this target (SwiftPM refuses unsafe flags in a package
// that others depend on), so what the flags used to say is said here in the source: fused
// multiply-adds only where written (`fma`), never contracted from `a * b + c`, so that every
// kernel does exactly the arithmetic its comment states.
#ifndef TEACH_VECTORS_H
#define TEACH_VECTORS_H

#pragma clang fp contract(off)

#include <stddef.h>

typedef float v2f __attribute__((ext_vector_type(2)));
typedef float v4f __attribute__((ext_vector_type(4)));
typedef float v8f __attribute__((ext_vector_type(8)));
typedef float v16f __attribute__((ext_vector_type(16)));
typedef int v8i __attribute__((ext_vector_type(8)));
typedef int v16i __attribute__((ext_vector_type(16)));

#define TEACH_INLINE static inline __attribute__((always_inline))

// Unaligned loads and stores of vectors from float arrays (the wrapper struct tells the compiler
// the address may be any float's and may alias the floats around it).
#define TEACH_UNALIGNED(V)                                                                        \
    typedef struct {                                                                              \
        V value;                                                                                  \
    } __attribute__((packed, may_alias)) V##_unaligned;                                           \
    TEACH_INLINE V load_##V(const float *p) { return ((const V##_unaligned *)p)->value; }         \
    TEACH_INLINE void store_##V(float *p, V x) { ((V##_unaligned *)p)->value = x; }
TEACH_UNALIGNED(v2f)
TEACH_UNALIGNED(v4f)
TEACH_UNALIGNED(v8f)
TEACH_UNALIGNED(v16f)

/// `a·b + c` rounded once, lane by lane (or for one number).
#define fma(a, b, c) __builtin_elementwise_fma((a), (b), (c))

TEACH_INLINE long min_long(long a, long b) { return a < b ? a : b; }

/// Asks the processor to bring the cache line holding `address` close, for writing: the product's
/// kernels call it for their tile of C before the multiply-adds, so that adding to C at the end does
/// not wait for memory.
TEACH_INLINE void prefetch_for_writing(const void *address) { __builtin_prefetch(address, 1, 3); }

// MARK: Packing

/// Copies `runs` (1 to 8) runs of `depth` numbers (run `i` at `source + i·run_stride`) so that step
/// `p` of the depth holds the runs' numbers side by side at `target + p·target_stride`: for each 8
/// steps, eight vector loads, an 8×8 transpose in registers, eight vector stores.
///
/// With fewer than 8 runs, the missing ones are read from run 0 and each step still stores 8
/// numbers, in order of `p`, so each store's extra numbers are overwritten by the next step's:
/// the target needs room for `8 − runs` numbers after the last step.
TEACH_INLINE void transpose_eight_runs(long runs, long depth, const float *source, long run_stride, float *target, long target_stride) {
    long p = 0;
    for (; p + 8 <= depth; p += 8) {
        const float *from = source + p;
        v8f x[8];
        for (int i = 0; i < 8; i++) x[i] = load_v8f(from + (i < runs ? i * run_stride : 0));
        // Splitting rows 2i and 2i+1 into their even and odd numbers moves the number at (row,
        // column) from index row·8 + column (6 bits) to that index rotated right by one bit; three
        // times is a rotation by three bits: (column, row), the transpose.
        for (int round = 0; round < 3; round++) {
            v8f y[8];
            for (int i = 0; i < 4; i++) {
                y[i] = __builtin_shufflevector(x[2 * i], x[2 * i + 1], 0, 2, 4, 6, 8, 10, 12, 14);
                y[i + 4] = __builtin_shufflevector(x[2 * i], x[2 * i + 1], 1, 3, 5, 7, 9, 11, 13, 15);
            }
            for (int i = 0; i < 8; i++) x[i] = y[i];
        }
        for (int i = 0; i < 8; i++) store_v8f(target + (p + i) * target_stride, x[i]);
    }
    for (; p < depth; p++) {
        for (long i = 0; i < runs; i++) target[p * target_stride + i] = source[i * run_stride + p];
    }
}

/// Packs a block into panels `width` wide: for A, row panels of MR (`along` = A's row stride,
/// `across` = its column stride); for B, column panels of NR (`along` = B's column stride,
/// `across` = its row stride). Panel `q` holds, for each `p` of the `depth`, the `width` numbers
/// at `(q·width ..< q·width + width, p)`, zero-padded past `count`.
///
/// When the panel's numbers are adjacent in memory (`along` = 1) each step copies one run; when
/// each number's depth is adjacent (`across` = 1, a row-major A or a transposed B) the runs along
/// the depth are transposed 8 at a time in registers (for widths that are multiples of 8, and 6).
TEACH_INLINE void pack_panels(long width, long count, long depth, const float *source, long along, long across, float *packed) {
    float *target = packed;
    for (long start = 0; start < count; start += width) {
        const long filled = min_long(width, count - start);
        if (filled == width && along == 1) {
            for (long p = 0; p < depth; p++) {
                const float *from = source + p * across + start;
                switch (width) {
                case 32:
                case 16:
                case 8:
                    for (long i = 0; i < width; i += 8) store_v8f(target + i, load_v8f(from + i));
                    break;
                case 6:
                    store_v4f(target, load_v4f(from));
                    store_v2f(target + 4, load_v2f(from + 4));
                    break;
                default:
                    for (long i = 0; i < width; i++) target[i] = from[i];
                }
                target += width;
            }
        } else if (across == 1 && filled == width && (width % 8 == 0 || width < 8)) {
            for (long i = 0; i < width; i += 8) {
                transpose_eight_runs(min_long(8, width), depth, source + (start + i) * along, along, target + i, width);
            }
            target += depth * width;
        } else if (across == 1) {
            for (long i = 0; i < width; i++) {
                if (i < filled) {
                    const float *run = source + (start + i) * along;
                    for (long p = 0; p < depth; p++) target[p * width + i] = run[p];
                } else {
                    for (long p = 0; p < depth; p++) target[p * width + i] = 0;
                }
            }
            target += depth * width;
        } else {
            for (long p = 0; p < depth; p++) {
                const float *line = source + p * across + start * along;
                for (long i = 0; i < filled; i++) target[i] = line[i * along];
                for (long i = filled; i < width; i++) target[i] = 0;
                target += width;
            }
        }
    }
}

// MARK: The micro-kernel

/// `C(ROWS × N) += Apanel(ROWS × kc) · Bpanel(kc × N)` (`=` when `add` is 0), where N is VECTORS
/// vectors of type V. One accumulator per row and vector, one fused multiply-add each per step of
/// the depth; A's panel holds ROWS numbers per step, B's panel `b_width`. The accumulators start at
/// +0, so a chain's sum is never −0 and storing it equals adding it to +0.
///
/// The AVX2 product runs it on 8-float vectors (6 × 16 tiles, twelve of its sixteen registers), the
/// AVX-512 product on 16-float vectors (8 × 32, sixteen of thirty-two). ROWS and VECTORS are
/// constants, so the loops over them unroll and the accumulators live in registers.
#define TEACH_TILE_KERNEL(NAME, V, ROWS, VECTORS)                                                                          \
    TEACH_INLINE void NAME(long b_width, long kc, const float *a, const float *b, float *c, long c_row, int add) {        \
        enum { lanes = sizeof(V) / sizeof(float) };                                                                       \
        /* C's tile, asked for now so that adding to it at the end finds it in cache */                                   \
        _Pragma("clang loop unroll(full)") for (int r = 0; r < ROWS; r++) {                                               \
            prefetch_for_writing(c + r * c_row);                                                                          \
            if (VECTORS * sizeof(V) > 64) prefetch_for_writing((const char *)(c + r * c_row) + 64);                       \
        }                                                                                                                 \
        V sums[ROWS][VECTORS];                                                                                            \
        _Pragma("clang loop unroll(full)") for (int r = 0; r < ROWS; r++) {                                               \
            _Pragma("clang loop unroll(full)") for (int v = 0; v < VECTORS; v++) sums[r][v] = 0;                          \
        }                                                                                                                 \
        for (long p = 0; p < kc; p++) {                                                                                   \
            V row_of_b[VECTORS];                                                                                          \
            _Pragma("clang loop unroll(full)") for (int v = 0; v < VECTORS; v++) row_of_b[v] = load_##V(b + v * lanes);   \
            _Pragma("clang loop unroll(full)") for (int r = 0; r < ROWS; r++) {                                           \
                const V number = a[r];                                                                                    \
                _Pragma("clang loop unroll(full)") for (int v = 0; v < VECTORS; v++) {                                    \
                    sums[r][v] = fma(number, row_of_b[v], sums[r][v]);                                                    \
                }                                                                                                         \
            }                                                                                                             \
            a += ROWS;                                                                                                    \
            b += b_width;                                                                                                 \
        }                                                                                                                 \
        _Pragma("clang loop unroll(full)") for (int r = 0; r < ROWS; r++) {                                               \
            float *target = c + r * c_row;                                                                                \
            _Pragma("clang loop unroll(full)") for (int v = 0; v < VECTORS; v++) {                                        \
                float *place = target + v * lanes;                                                                        \
                store_##V(place, add ? load_##V(place) + sums[r][v] : sums[r][v]);                                        \
            }                                                                                                             \
        }                                                                                                                 \
    }

// MARK: Element-wise loops

/// ReLU: `output[i] = input[i] <= 0 ? 0 : input[i]`, for `count` numbers. −0 gives +0 and NaN
/// gives NaN, as PyTorch's ReLU does: a NaN must reach the loss, where training notices it, not be
/// turned into a harmless-looking 0. (`<=` is false for NaN, so NaN keeps its own bits.)
TEACH_INLINE void relu_loop(long count, const float *input, float *output) {
    const v8f zero = 0;
    long i = 0;
    for (; i + 8 <= count; i += 8) {
        const v8f h = load_v8f(input + i);
        store_v8f(output + i, (v8f)((v8i)h & ~(h <= zero)));
    }
    for (; i < count; i++) output[i] = input[i] <= 0 ? 0 : input[i];
}

/// The gradient through a ReLU: `output[i] = gradient[i] · (weighted_sums[i] <= 0 ? 0 : 1)`, the
/// same multiplication as `g · f'(h)` (so `-g · 0` is `-0`, as there). At a NaN weighted sum the
/// slope is 1 and the gradient passes through, as in PyTorch, whose backward masks only where the
/// output is `<= 0`.
TEACH_INLINE void relu_gradient_loop(long count, const float *gradient, const float *weighted_sums, float *output) {
    const v8f zero = 0, one = 1;
    long i = 0;
    for (; i + 8 <= count; i += 8) {
        const v8f h = load_v8f(weighted_sums + i);
        const v8f slope = (v8f)((v8i)one & ~(h <= zero));
        store_v8f(output + i, load_v8f(gradient + i) * slope);
    }
    for (; i < count; i++) output[i] = gradient[i] * (weighted_sums[i] <= 0 ? 0.0f : 1.0f);
}

/// `h = sums + bias` row by row (`rows` rows of `columns` numbers; the sums' rows `sums_row` apart,
/// h's and a's `columns` apart) and, when `relu`, `a = h <= 0 ? 0 : h` (as relu_loop).
TEACH_INLINE void bias_relu_loop(long rows, long columns, const float *sums, long sums_row, const float *bias, float *h, float *a, int relu) {
    const v8f zero = 0;
    for (long r = 0; r < rows; r++) {
        const float *sum = sums + r * sums_row;
        float *weighted = h + r * columns, *output = a + r * columns;
        long j = 0;
        for (; j + 8 <= columns; j += 8) {
            const v8f value = load_v8f(sum + j) + load_v8f(bias + j);
            store_v8f(weighted + j, value);
            if (relu) store_v8f(output + j, (v8f)((v8i)value & ~(value <= zero)));
        }
        for (; j < columns; j++) {
            const float value = sum[j] + bias[j];
            weighted[j] = value;
            if (relu) output[j] = value <= 0 ? 0 : value;
        }
    }
}

/// For columns `first ..< first + count` of a `rows × columns` row-major gradient: `output = gradient ·
/// (weighted_sums <= 0 ? 0 : 1)` (as relu_gradient_loop; with no `weighted_sums`, the gradient as it
/// is, and `output` is not written), and `sums[j] += output[r][j]` for each row `r` in order: the
/// column sums of a bias gradient, each one sum from +0 down its column.
TEACH_INLINE void relu_gradient_sums_loop(long rows, long columns, long first, long count, const float *gradient, const float *weighted_sums,
                                          float *output, float *sums) {
    const v8f zero = 0, one = 1;
    if (!weighted_sums) {
        // only the sums: 32 columns at a time, their sums held in four vectors down all the rows
        long j = 0;
        for (; j + 32 <= count; j += 32) {
            v8f s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            for (long r = 0; r < rows; r++) {
                const float *g = gradient + r * columns + first + j;
                s0 = s0 + load_v8f(g);
                s1 = s1 + load_v8f(g + 8);
                s2 = s2 + load_v8f(g + 16);
                s3 = s3 + load_v8f(g + 24);
            }
            store_v8f(sums + j, s0);
            store_v8f(sums + j + 8, s1);
            store_v8f(sums + j + 16, s2);
            store_v8f(sums + j + 24, s3);
        }
        for (; j + 8 <= count; j += 8) {
            v8f s = 0;
            for (long r = 0; r < rows; r++) s = s + load_v8f(gradient + r * columns + first + j);
            store_v8f(sums + j, s);
        }
        for (; j < count; j++) {
            float s = 0;
            for (long r = 0; r < rows; r++) s = s + gradient[r * columns + first + j];
            sums[j] = s;
        }
        return;
    }
    for (long j = 0; j < count; j++) sums[j] = 0;
    for (long r = 0; r < rows; r++) {
        const long offset = r * columns + first;
        const float *g = gradient + offset;
        long j = 0;
        for (; j + 8 <= count; j += 8) {
            v8f d = load_v8f(g + j);
            if (weighted_sums) {
                const v8f slope = (v8f)((v8i)one & ~(load_v8f(weighted_sums + offset + j) <= zero));
                d = d * slope;
                store_v8f(output + offset + j, d);
            }
            store_v8f(sums + j, load_v8f(sums + j) + d);
        }
        for (; j < count; j++) {
            float d = g[j];
            if (weighted_sums) {
                d = d * (weighted_sums[offset + j] <= 0 ? 0.0f : 1.0f);
                output[offset + j] = d;
            }
            sums[j] = sums[j] + d;
        }
    }
}

typedef struct {
    v8i value;
} __attribute__((packed, may_alias)) v8i_unaligned;

/// Loads 8 ints (any int's address).
TEACH_INLINE v8i load_v8i(const int *p) { return ((const v8i_unaligned *)p)->value; }

/// Stores 8 ints (any int's address).
TEACH_INLINE void store_v8i(int *p, v8i x) { ((v8i_unaligned *)p)->value = x; }

/// Max pooling over images `0 ..< images` of a batch (channels-last, `height × width × channels`
/// in, `out_height × out_width × channels` out, `size × size` windows `stride` apart): each output
/// starts at the window's first pixel and takes each next pixel, in the order (fy, fx), only where
/// it is larger (so the first of equal numbers wins, and a NaN that comes first stays). `sources`
/// gets the index within its image of the number each output took.
TEACH_INLINE void max_pool_loop(long images, long height, long width, long channels, long out_height, long out_width, long size, long stride,
                                const float *x, float *output, int *sources) {
    const long image_size = height * width * channels, out_size = out_height * out_width * channels;
    const v8i lanes = {0, 1, 2, 3, 4, 5, 6, 7};
    for (long n = 0; n < images; n++) {
        const float *image = x + n * image_size;
        for (long oy = 0; oy < out_height; oy++) {
            for (long ox = 0; ox < out_width; ox++) {
                const long o = n * out_size + (oy * out_width + ox) * channels;
                const long corner = ((oy * stride) * width + ox * stride) * channels;
                float *target = output + o;
                int *origin = sources + o;
                long c = 0;
                // 8 channels at a time, their largest numbers and sources held in registers
                for (; c + 8 <= channels; c += 8) {
                    v8f largest = load_v8f(image + corner + c);
                    v8i source = (v8i)(int)(corner + c) + lanes;
                    for (long fy = 0; fy < size; fy++) {
                        for (long fx = 0; fx < size; fx++) {
                            if (fy == 0 && fx == 0) continue;
                            const long pixel = ((oy * stride + fy) * width + ox * stride + fx) * channels + c;
                            const v8f value = load_v8f(image + pixel);
                            const v8i larger = value > largest;
                            largest = (v8f)(((v8i)value & larger) | ((v8i)largest & ~larger));
                            source = (((v8i)(int)pixel + lanes) & larger) | (source & ~larger);
                        }
                    }
                    store_v8f(target + c, largest);
                    store_v8i(origin + c, source);
                }
                for (; c < channels; c++) {
                    float largest = image[corner + c];
                    int source = (int)(corner + c);
                    for (long fy = 0; fy < size; fy++) {
                        for (long fx = 0; fx < size; fx++) {
                            const long pixel = ((oy * stride + fy) * width + ox * stride + fx) * channels + c;
                            if (image[pixel] > largest) {
                                largest = image[pixel];
                                source = (int)pixel;
                            }
                        }
                    }
                    target[c] = largest;
                    origin[c] = source;
                }
            }
        }
    }
}


/// The backward pass through max pooling whose `size × size` windows tile the image (stride `size`,
/// `out_height · size = height`, `out_width · size = width`) and the ReLU before it, for `images`
/// images: `relu_gradient` gets, number for number, what max_pool_tiling_backward followed by
/// relu_gradient_loop at the ReLU's output `a` give: `(0 + g) · slope(a)` at each window's source,
/// `0` elsewhere. Only the sources' `a` matters, and each is its window's `pooled` output (the same
/// number, copied), so the slope is read from there. Each input pixel is written once, row after
/// row. `masked` (the pooled gradient's shape) gets the number written at each window's source, for
/// max_pool_relu_sums_loop.
TEACH_INLINE void max_pool_relu_backward_loop(long images, long height, long width, long channels, long out_height, long out_width, long size,
                                              const float *gradient, const int *sources, const float *pooled, float *relu_gradient,
                                              float *masked) {
    const long image_size = height * width * channels, out_size = out_height * out_width * channels;
    const v8f zero = 0, one = 1;
    const v8i lanes = {0, 1, 2, 3, 4, 5, 6, 7};
    for (long n = 0; n < images; n++) {
        float *image_gradient = relu_gradient + n * image_size;
        for (long oy = 0; oy < out_height; oy++) {
            for (long fy = 0; fy < size; fy++) {
                for (long ox = 0; ox < out_width; ox++) {
                    const long o = n * out_size + (oy * out_width + ox) * channels;
                    const float *g = gradient + o;
                    const int *origin = sources + o;
                    float *kept = masked + o;
                    for (long fx = 0; fx < size; fx++) {
                        const long pixel = ((oy * size + fy) * width + ox * size + fx) * channels;
                        const int first = fy == 0 && fx == 0;
                        long c = 0;
                        for (; c + 8 <= channels; c += 8) {
                            const v8i here = load_v8i(origin + c) == (v8i)(int)(pixel + c) + lanes;
                            const v8f slope = (v8f)((v8i)one & ~(load_v8f(pooled + o + c) <= zero));
                            const v8i value = (v8i)((zero + load_v8f(g + c)) * slope) & here;
                            store_v8f(image_gradient + pixel + c, (v8f)value);
                            store_v8f(kept + c, first ? (v8f)value : (v8f)((v8i)load_v8f(kept + c) | value));
                        }
                        for (; c < channels; c++) {
                            const float value = origin[c] == (int)(pixel + c) ? (0.0f + g[c]) * (pooled[o + c] <= 0 ? 0.0f : 1.0f) : 0.0f;
                            image_gradient[pixel + c] = value;
                            if (first || origin[c] == (int)(pixel + c)) kept[c] = value;
                        }
                    }
                }
            }
        }
    }
}

/// The column sums of max_pool_relu_backward_loop's `relu_gradient` (one column per channel), for
/// channels `first ..< first + count`, from `masked` and `sources` alone: each sum from +0 adds the
/// nonzero numbers in the order of their rows, as a sum down the whole column does (a +0 added to
/// a sum that starts at +0 never changes it). Each row of windows is read `size` times, once per
/// row of pixels, the sources on that row counted.
TEACH_INLINE void max_pool_relu_sums_loop(long images, long height, long width, long channels, long out_height, long out_width, long size,
                                          long first, long count, const float *masked, const int *sources, float *sums) {
    const long out_size = out_height * out_width * channels, row = width * channels;
    const v8i lanes = {0, 1, 2, 3, 4, 5, 6, 7};
    // 8 channels at a time, each lane its own sum; in a last, partial group the missing lanes add 0
    for (long j = 0; j < count; j += 8) {
        const long group = min_long(8, count - j);
        const v8i present = lanes < (int)group;
        v8f s = 0;
        for (long n = 0; n < images; n++) {
            for (long oy = 0; oy < out_height; oy++) {
                for (long fy = 0; fy < size; fy++) {
                    const int low = (int)((oy * size + fy) * row), high = (int)(low + row);
                    for (long ox = 0; ox < out_width; ox++) {
                        const long o = n * out_size + (oy * out_width + ox) * channels + first + j;
                        v8f value;
                        v8i origin;
                        if (group == 8) {
                            value = load_v8f(masked + o);
                            origin = load_v8i(sources + o);
                        } else {
                            float values[8] = {0};
                            int origins[8] = {0};
                            for (long k = 0; k < group; k++) {
                                values[k] = masked[o + k];
                                origins[k] = sources[o + k];
                            }
                            value = load_v8f(values);
                            origin = load_v8i(origins);
                        }
                        s = s + (v8f)((v8i)value & ((origin >= low) & (origin < high) & present));
                    }
                }
            }
        }
        for (long k = 0; k < group; k++) sums[j + k] = s[k];
    }
}

/// Adam's update (the rule in Teach's Optimizer.swift), 8 lanes at a time: exactly the scalar
/// arithmetic, in the same order, in every lane (no contraction, and the square root is exactly
/// rounded either way).
TEACH_INLINE void adam_loop(long count, float *p, const float *g, float *m, float *v, float lr, float beta1, float beta2, float epsilon,
                            float correction1, float correction2, float decay) {
    const float keep1 = 1 - beta1, keep2 = 1 - beta2;
    long i = 0;
    for (; i + 8 <= count; i += 8) {
        const v8f parameter = load_v8f(p + i);
        const v8f gradient = load_v8f(g + i) + decay * parameter;
        const v8f mean = beta1 * load_v8f(m + i) + keep1 * gradient;
        const v8f square = beta2 * load_v8f(v + i) + keep2 * gradient * gradient;
        store_v8f(m + i, mean);
        store_v8f(v + i, square);
        const v8f m_hat = mean / correction1, v_hat = square / correction2;
        store_v8f(p + i, parameter - lr * m_hat / (__builtin_elementwise_sqrt(v_hat) + epsilon));
    }
    for (; i < count; i++) {
        const float gradient = g[i] + decay * p[i];
        const float mean = beta1 * m[i] + keep1 * gradient;
        const float square = beta2 * v[i] + keep2 * gradient * gradient;
        m[i] = mean;
        v[i] = square;
        const float m_hat = mean / correction1, v_hat = square / correction2;
        p[i] -= lr * m_hat / (__builtin_elementwise_sqrt(v_hat) + epsilon);
    }
}


// MARK: The recurrent cells and GELU, for both vector widths

#define TEACH_V v8f
#define TEACH_VI v8i
#define TEACH_LANES 8
#include "vector_functions.h"
#undef TEACH_V
#undef TEACH_VI
#undef TEACH_LANES
#define TEACH_V v16f
#define TEACH_VI v16i
#define TEACH_LANES 16
#include "vector_functions.h"
#undef TEACH_V
#undef TEACH_VI
#undef TEACH_LANES

#endif
