// The Float convolution without its patch matrix. Teach's Conv2D computes a convolution as a matrix
// product over the patch matrix (im2col: one row per window, `F·F·C` numbers each); for a 3×3
// convolution that matrix is nine times the input, and writing it out, then reading it back for the
// product, took longer than the product itself. Here the patch matrix is never made whole: a block
// of its rows (or columns) is gathered into a small buffer that stays in the processor's cache, and
// the packed product (teach_packed_product) reads it from there.
//
// Every number comes out bit for bit as the product over the whole patch matrix gives it:
// - a product's numbers depend only on its depth blocks (CKernels.h), and the forward pass and the
//   input gradient split only the rows (windows), never the depth;
// - the weight gradient's depth is the windows: it is cut into exactly the product's depth blocks
//   (equal blocks of at most 256 windows), the first stored and each next one added, as the
//   product does inside one call;
// - col2im adds each window's gradient onto its pixels in the order of the windows, as before.

#include "CKernels.h"
#include <stdlib.h>
#include <string.h>

/// The blocks of windows that the forward pass and the input gradient gather at a time: about
/// 128 Ki floats (512 KiB, well inside the 1-2 MiB of L2 beside the product's packed blocks), at
/// least 64 windows and a multiple of 8.
static long window_block(long row_length) {
    long block = (128 * 1024) / (row_length > 0 ? row_length : 1);
    if (block < 64) block = 64;
    if (block > 4096) block = 4096;
    return block / 8 * 8;
}

static long max_long(long a, long b) { return a > b ? a : b; }
static long min_of(long a, long b) { return a < b ? a : b; }

/// Where window `index` is: its image and its output position.
typedef struct {
    long image, y, x;
} window_position;

static window_position locate(const teach_convolution *g, long index) {
    const long per_image = g->out_height * g->out_width;
    const long rest = index % per_image;
    return (window_position){index / per_image, rest / g->out_width, rest % g->out_width};
}

static void next_window(const teach_convolution *g, window_position *w) {
    if (++w->x == g->out_width) {
        w->x = 0;
        if (++w->y == g->out_height) {
            w->y = 0;
            w->image++;
        }
    }
}

/// For one window and one filter row `fy`, the stretch of patch columns `[from, to)` (counted within
/// the filter row, `0 ..< F·C`) that lies on the image, and the offset of its first number in the
/// input; false when the whole filter row lies on the padding.
static int filter_row_on_image(const teach_convolution *g, window_position w, long fy, long *from, long *to, long *pixel) {
    const long c = g->channels, f = g->filter_size;
    const long iy = w.y * g->stride - g->padding + fy;
    if (iy < 0 || iy >= g->height) return 0;
    const long left = w.x * g->stride - g->padding;
    const long first = max_long(0, -left), last = min_of(f, g->width - left);  // filter columns on the image
    if (first >= last) return 0;
    *from = first * c;
    *to = last * c;
    *pixel = w.image * g->height * g->width * c + (iy * g->width + left + first) * c;
    return 1;
}

/// Copies `count` floats (short runs, such as the 3 numbers of a one-channel 3×3 filter row, are
/// not worth a call of memcpy).
static inline void copy_floats(float *target, const float *source, long count) {
    if (count >= 32) {
        memcpy(target, source, (size_t)count * sizeof(float));
    } else {
        for (long i = 0; i < count; i++) target[i] = source[i];
    }
}

/// Patch rows `first_window ..< first_window + count`, columns `first_column ..< first_column +
/// columns` of the patch matrix of `x` (zeros where the window hangs over the padding), into `target`
/// row-major with rows of `columns`.
static void gather_patches(const teach_convolution *g, const float *x, long first_window, long count, long first_column, long columns,
                           float *target) {
    const long filter_row = g->filter_size * g->channels;
    const long last_column = first_column + columns;
    const long f = g->filter_size, c = g->channels, image_size = g->height * g->width * c;
    const int whole_rows = first_column == 0 && columns == f * filter_row;
    window_position w = locate(g, first_window);
    for (long i = 0; i < count; i++, next_window(g, &w)) {
        float *row = target + i * columns;
        const long top = w.y * g->stride - g->padding, left = w.x * g->stride - g->padding;
        if (top >= 0 && top + f <= g->height && left >= 0 && left + f <= g->width) {
            // a window inside the image: the wanted part of each of its F runs of F·C numbers
            const float *pixel = x + w.image * image_size + (top * g->width + left) * c;
            if (whole_rows) {
                for (long fy = 0; fy < f; fy++) copy_floats(row + fy * filter_row, pixel + fy * g->width * c, filter_row);
                continue;
            }
            for (long fy = first_column / filter_row; fy < f && fy * filter_row < last_column; fy++) {
                const long start = fy * filter_row;
                const long from = max_long(first_column, start), to = min_of(last_column, start + filter_row);
                copy_floats(row + (from - first_column), pixel + fy * g->width * c + (from - start), to - from);
            }
            continue;
        }
        for (long fy = first_column / filter_row; fy < g->filter_size && fy * filter_row < last_column; fy++) {
            // this filter row's part of the wanted columns, counted within the filter row
            const long start = fy * filter_row;
            const long wanted_from = max_long(first_column, start) - start, wanted_to = min_of(last_column, start + filter_row) - start;
            float *out = row + (start + wanted_from - first_column);
            long from, to, pixel;
            if (!filter_row_on_image(g, w, fy, &from, &to, &pixel)) from = to = wanted_to;
            const long copy_from = max_long(from, wanted_from), copy_to = min_of(to, wanted_to);
            if (copy_from >= copy_to) {
                memset(out, 0, (size_t)(wanted_to - wanted_from) * sizeof(float));
                continue;
            }
            for (long q = wanted_from; q < copy_from; q++) out[q - wanted_from] = 0;
            copy_floats(out + (copy_from - wanted_from), x + pixel + (copy_from - from), copy_to - copy_from);
            for (long q = copy_to; q < wanted_to; q++) out[q - wanted_from] = 0;
        }
    }
}

/// Whether the convolution runs directly from the image (convolution_thin.h) rather than through a
/// product of gathered patches: a filter row of fewer than 16 numbers (a first layer on one or three
/// channels), no padding (Teach writes the padding out first, teach_pad_images), at most 256 taps.
static int is_thin(const teach_convolution *g) {
    return g->filter_size * g->channels < 16 && g->padding == 0 && g->filter_size * g->filter_size * g->channels <= 256;
}

/// For a thin convolution: where each of the `F·F·C` numbers of a patch lies, counted from the
/// window's first pixel in the image, `(fy·W + fx)·C + c` for patch column `(fy·F + fx)·C + c`.
static long *patch_offsets(const teach_convolution *g) {
    const long f = g->filter_size, c = g->channels;
    long *offsets = malloc((size_t)(f * f * c) * sizeof(long));
    if (!offsets) teach_out_of_memory((size_t)(f * f * c) * sizeof(long));
    for (long fy = 0; fy < f; fy++) {
        for (long fx = 0; fx < f; fx++) {
            for (long q = 0; q < c; q++) offsets[(fy * f + fx) * c + q] = (fy * g->width + fx) * c + q;
        }
    }
    return offsets;
}

/// For a thin convolution (no padding): the first pixel of each of windows `start ..< start + count`.
static void window_corners(const teach_convolution *g, const float *x, long start, long count, const float **corners) {
    const long image_size = g->height * g->width * g->channels;
    window_position w = locate(g, start);
    for (long i = 0; i < count; i++, next_window(g, &w)) {
        corners[i] = x + w.image * image_size + (w.y * g->stride * g->width + w.x * g->stride) * g->channels;
    }
}

void teach_pad_images(long images, long height, long width, long channels, long padding, const float *x, float *target) {
    const long row = width * channels, padded_row = (width + 2 * padding) * channels;
    const long padded_image = (height + 2 * padding) * padded_row;
    memset(target, 0, (size_t)(images * padded_image) * sizeof(float));
    for (long n = 0; n < images; n++) {
        for (long y = 0; y < height; y++) {
            memcpy(target + n * padded_image + (y + padding) * padded_row + padding * channels, x + (n * height + y) * row,
                   (size_t)row * sizeof(float));
        }
    }
}

/// The next block for a thread to take: from the counter `shared` by the threads working on one
/// pass (so that a thread that finishes early takes more, instead of waiting for the other), or
/// with no counter (NULL) the next in order from the thread's `own`.
static long take_block(long *shared, long *own) {
    if (!shared) return (*own)++;
    return __atomic_fetch_add(shared, 1, __ATOMIC_RELAXED);
}

/// The weights with zero columns added up to the next multiple of 16 filters (25 filters: 32), so
/// that every tile of the product is whole (a partial tile goes through scratch, number by number);
/// the padded product's first K columns are the same numbers. NULL when K is a multiple of 16.
static float *padded_weights(const float *weights, long row_length, long k, long padded) {
    if (padded == k) return NULL;
    float *target = teach_allocate_floats(row_length * padded);
    for (long p = 0; p < row_length; p++) {
        for (long j = 0; j < padded; j++) target[p * padded + j] = j < k ? weights[p * k + j] : 0;
    }
    return target;
}

/// The buffers one thread's blocks of at most `block` windows use (the weights padded, when they
/// are, are the thread's own copy).
typedef struct {
    long padded;            // the filters the product makes, K or the next multiple of 16
    const float *weights;   // `row_length × padded`
    float *owned_weights;   // the padded copy, or NULL
    float *sums;            // `block × padded` when padded, else NULL (the product writes h itself)
    float *scratch;         // `block × row_length`, the block's patches (NULL for a thin convolution)
    long *offsets;          // a thin convolution's patch offsets (patch_offsets), else NULL
    const float **corners;  // a thin convolution's `block` window corners (window_corners), else NULL
} forward_buffers;

static forward_buffers forward_buffers_for(const teach_convolution *g, const float *weights, long block) {
    const long row_length = g->filter_size * g->filter_size * g->channels, k = g->filters;
    forward_buffers b;
    b.padded = k % 16 == 0 ? k : (k + 15) / 16 * 16;
    b.owned_weights = padded_weights(weights, row_length, k, b.padded);
    b.weights = b.owned_weights ? b.owned_weights : weights;
    b.sums = b.padded != k ? teach_allocate_floats(block * b.padded) : NULL;
    const int thin = is_thin(g);
    b.scratch = thin ? NULL : teach_allocate_floats(block * row_length);
    b.offsets = thin ? patch_offsets(g) : NULL;
    b.corners = NULL;
    if (thin) {
        b.corners = malloc((size_t)block * sizeof(float *));
        if (!b.corners) teach_out_of_memory((size_t)block * sizeof(float *));
    }
    return b;
}

static void release(forward_buffers *b) {
    free(b->owned_weights);
    free(b->sums);
    free(b->scratch);
    free(b->offsets);
    free((void *)b->corners);
}

/// Windows `start ..< start + count`: their patches gathered into the scratch buffer (or, for a thin
/// convolution, read in place), `h = patches · W + b` into `h` (`count × K`) and `a = f(h)` into
/// `a` (which may be `h`), while the block is in cache.
static void forward_block(teach_instructions instructions, const teach_convolution *g, const float *x, long start, long count,
                          const forward_buffers *b, const float *bias, float *h, float *a, int relu) {
    const long row_length = g->filter_size * g->filter_size * g->channels, k = g->filters;
    float *sums = b->sums ? b->sums : h;
    if (b->corners) {
        // a thin input, straight from the image
        window_corners(g, x, start, count, b->corners);
        teach_thin_forward(instructions, count, b->corners, b->offsets, row_length, b->weights, b->padded, sums);
    } else {
        gather_patches(g, x, start, count, 0, row_length, b->scratch);
        teach_packed_product(instructions, count, b->padded, row_length, b->scratch, row_length, 1, b->weights, b->padded, 1, sums,
                             b->padded, 0);
    }
    teach_bias_relu(count, k, sums, b->padded, bias, h, a, relu);
}

void teach_convolution_forward(teach_instructions instructions, const teach_convolution *g, long windows, const float *x,
                               const float *weights, const float *bias, float *weighted_sums, float *output, int activation,
                               long *next_block) {
    const long k = g->filters, block = window_block(g->filter_size * g->filter_size * g->channels);
    forward_buffers buffers = forward_buffers_for(g, weights, min_of(block, windows));
    for (long own = 0;;) {
        const long start = take_block(next_block, &own) * block;
        if (start >= windows) break;
        // (with no weighted sums asked for, h is made in the output's rows, and a = relu(h) over it)
        float *a = output + start * k, *h = weighted_sums ? weighted_sums + start * k : a;
        forward_block(instructions, g, x, start, min_of(block, windows - start), &buffers, bias, h, a,
                      activation == TEACH_CONVOLUTION_RELU);
    }
    release(&buffers);
}

void teach_convolution_pool_forward(teach_instructions instructions, const teach_convolution *g, long images, const float *x,
                                    const float *weights, const float *bias, long pool, float *pooled, int *sources, long *next_block) {
    const long k = g->filters;
    // a band: one row of pooling windows, `pool` rows of the output; bands follow each other in
    // the windows' order, and so do their pooled rows
    const long band = pool * g->out_width, bands_per_image = g->out_height / pool, bands = images * bands_per_image;
    const long pooled_band = g->out_width / pool * k;
    const long per_block = max_long(1, window_block(g->filter_size * g->filter_size * g->channels) / band);
    const long block = min_of(per_block, bands) * band;
    forward_buffers buffers = forward_buffers_for(g, weights, block);
    float *a = teach_allocate_floats(block * k);
    for (long own = 0;;) {
        const long first_band = take_block(next_block, &own) * per_block;
        if (first_band >= bands) break;
        const long count = min_of(per_block, bands - first_band);
        forward_block(instructions, g, x, first_band * band, count * band, &buffers, bias, a, a, 1);
        // each band pooled as an image of `pool × out_width` pixels, all in one call; its sources,
        // counted within the band, are then moved to count within the image
        float *target = pooled + first_band * pooled_band;
        int *origin = sources + first_band * pooled_band;
        teach_max_pool(count, pool, g->out_width, k, 1, g->out_width / pool, pool, pool, a, target, origin);
        for (long b = 0; b < count; b++) {
            const int offset = (int)((first_band + b) % bands_per_image * band * k);
            for (long q = 0; q < pooled_band; q++) origin[b * pooled_band + q] += offset;
        }
    }
    free(a);
    release(&buffers);
}

void teach_convolution_weight_gradient(teach_instructions instructions, const teach_convolution *g, long images, const float *x,
                                       const float *gradient, float *weight_gradient, long first_row, long rows, long first_filter,
                                       long filters) {
    const long windows = images * g->out_height * g->out_width, k = g->filters;
    if (rows <= 0 || filters <= 0 || windows <= 0) return;
    // The product's depth blocks over all the windows (CKernels.h): equal blocks of `step` ≤ 256
    // windows, the last one possibly shorter. A product over `group` whole blocks cuts its depth
    // into the same blocks as long as `group · step` needs `group` blocks of at most 256, that is
    // `group · (256 − step) < 256`; so up to that many blocks go to one product (about 128 Ki
    // floats of patches at a time), and a shorter last block to a product of its own.
    const long depth_blocks = (windows + 255) / 256;
    const long step = (windows + depth_blocks - 1) / depth_blocks;
    if (is_thin(g)) {
        // straight from the image, one depth block at a time
        long *offsets = patch_offsets(g);
        const float *corners[256];
        for (long start = 0; start < windows; start += step) {
            const long count = min_of(step, windows - start);
            window_corners(g, x, start, count, corners);
            teach_thin_weight_gradient(instructions, count, corners, offsets + first_row, rows, gradient + start * k + first_filter, k,
                                       (windows - start) * k - first_filter, filters, weight_gradient + first_row * k + first_filter, k,
                                       start > 0);
        }
        free(offsets);
        return;
    }
    const long fitting = step == 256 ? depth_blocks : (256 - 1) / (256 - step);
    const long group = max_long(1, min_of(fitting, (128 * 1024) / (step * rows)));
    float *patches = teach_allocate_floats(min_of(group * step, windows) * rows);
    const long whole_blocks = windows / step * step;  // the windows in blocks of exactly `step`
    for (long start = 0; start < windows;) {
        const long count = start < whole_blocks ? min_of(group * step, whole_blocks - start) : windows - start;
        gather_patches(g, x, start, count, first_row, rows, patches);
        // (patch columns)ᵀ · gradient rows: A(i, p) = patches[p·rows + i]
        teach_packed_product(instructions, rows, filters, count, patches, 1, rows, gradient + start * k + first_filter, k, 1,
                             weight_gradient + first_row * k + first_filter, k, start > 0);
        start += count;
    }
    free(patches);
}

/// The input gradient of windows `start ..< start + count`: their patches' gradient (into `patches`),
/// then col2im, window after window.
static void input_gradient_block(teach_instructions instructions, const teach_convolution *g, long start, long count,
                                 const float *gradient, const float *weights, float *input_gradient, float *patches) {
    const long row_length = g->filter_size * g->filter_size * g->channels, k = g->filters;
    // the patches' gradient, gradient · Wᵀ: B(p, j) = weights[j·K + p]
    teach_packed_product(instructions, count, row_length, k, gradient + start * k, k, 1, weights, 1, k, patches, row_length, 0);
    // col2im: each window's gradient added onto the pixels it read, window after window
    window_position w = locate(g, start);
    for (long i = 0; i < count; i++, next_window(g, &w)) {
        const float *row = patches + i * row_length;
        for (long fy = 0; fy < g->filter_size; fy++) {
            long from, to, pixel;
            if (!filter_row_on_image(g, w, fy, &from, &to, &pixel)) continue;
            const float *source = row + fy * g->filter_size * g->channels + from;
            float *target = input_gradient + pixel;
            for (long q = 0; q < to - from; q++) target[q] += source[q];
        }
    }
}

void teach_convolution_input_gradient(teach_instructions instructions, const teach_convolution *g, long images, const float *gradient,
                                      const float *weights, float *input_gradient, long *next_block) {
    const long row_length = g->filter_size * g->filter_size * g->channels;
    const long image_size = g->height * g->width * g->channels, per_image = g->out_height * g->out_width;
    // blocks of whole images (a pixel gets the gradients of its own image's windows only, so each
    // image, taken by one thread, gets them in the order of its windows)
    const long block = window_block(row_length), images_per_block = max_long(1, block / per_image);
    float *patches = teach_allocate_floats(min_of(block, images_per_block * per_image) * row_length);
    for (long own = 0;;) {
        const long first_image = take_block(next_block, &own) * images_per_block;
        if (first_image >= images) break;
        const long count_images = min_of(images_per_block, images - first_image);
        memset(input_gradient + first_image * image_size, 0, (size_t)(count_images * image_size) * sizeof(float));
        const long first_window = first_image * per_image, windows = count_images * per_image;
        for (long start = first_window; start < first_window + windows; start += block) {
            input_gradient_block(instructions, g, start, min_of(block, first_window + windows - start), gradient, weights, input_gradient,
                                 patches);
        }
    }
    free(patches);
}
