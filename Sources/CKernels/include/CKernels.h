#ifndef TEACH_CKERNELS_H
#define TEACH_CKERNELS_H

// The single-precision kernels that training spends its time in, for Teach's `TeachKernels`
// module. Each kernel exists for three instruction sets, chosen at run time by asking the processor
// (no compiler flags: a package others depend on may not pass them):
//
// - TEACH_AVX512: AVX-512 Foundation, 16-float vectors (the product, GELU and the recurrent
//   cells; the other kernels run their AVX2 version there),
// - TEACH_AVX2: AVX2 with fused multiply-adds, 8-float vectors,
// - TEACH_BASELINE: any processor (on x86-64 without FMA each fused multiply-add is a call of
//   libm's fmaf, slow but with the same result).
//
// Every kernel gives the same numbers on every instruction set, bit for bit.

#include <stddef.h>

/// The instruction sets the kernels are compiled for, in increasing order.
typedef enum { TEACH_BASELINE = 0, TEACH_AVX2 = 1, TEACH_AVX512 = 2 } teach_instructions;

/// The best instruction set this processor has and the operating system allows (asked once).
teach_instructions teach_best_instructions(void);

/// `C = A·B` (or `C += A·B` when `accumulate`) on one core, with `A(i, p) = a[i·a_row + p·a_column]`
/// (m×k), `B(p, j) = b[p·b_row + j·b_column]` (k×n) and C row-major with row stride `c_row`. Each
/// number of C is the sum, over depth blocks of equal size (at most 256) in order, of one chain of
/// fused multiply-adds per block. `instructions` must not exceed `teach_best_instructions()`.
void teach_packed_product(teach_instructions instructions, long m, long n, long k, const float *a, long a_row, long a_column,
                          const float *b, long b_row, long b_column, float *c, long c_row, int accumulate);

/// `C += A·B` for a few rows of A (at most 4 is what it is for) and a row-major B: each number of C
/// gets one chain of fused multiply-adds over the whole depth, skipping the zeros of A.
void teach_few_rows_product(teach_instructions instructions, long m, long n, long k, const float *a, long a_row, long a_column,
                            const float *b, long b_row, float *c, long c_row);

/// The geometry of a 2-D convolution over channels-last images (Teach's Conv2D): `height × width ×
/// channels` in, `out_height × out_width × filters` out, filters of `filter_size × filter_size ×
/// channels` moved by `stride` over the input with `padding` zeros on every side. The patch
/// matrix has one row per window (image after image, row-major within an image) and `F·F·C`
/// columns, column `(fy·F + fx)·C + c` holding the input under filter offset `(fy, fx)`, channel `c`.
typedef struct {
    long height, width, channels;
    long out_height, out_width, filters;
    long filter_size, stride, padding;
} teach_convolution;

/// What teach_convolution_forward applies after the bias.
enum { TEACH_CONVOLUTION_IDENTITY = 0, TEACH_CONVOLUTION_RELU = 1 };

/// The forward pass for a batch of `windows` windows: `weighted_sums = patches · weights + bias`
/// (weights `(F·F·C) × K` row-major, bias `K`) and, with TEACH_CONVOLUTION_RELU, `output =
/// relu(weighted_sums)`, both `windows × K` (with `weighted_sums` NULL and a ReLU, only the
/// output is written: h in its place, then relu(h) over it). The same numbers as the product over
/// the whole patch matrix, without making it: blocks of patches are gathered in cache, or for a
/// thin input (a filter row of fewer than 16 numbers, and no padding: teach_pad_images writes it
/// out first) read where they lie in the image. The work goes in blocks of windows; threads that
/// call this at once with the same counter `next_block` (starting at 0) share them out; with NULL
/// one thread does all.
void teach_convolution_forward(teach_instructions instructions, const teach_convolution *convolution, long windows, const float *x,
                               const float *weights, const float *bias, float *weighted_sums, float *output, int activation,
                               long *next_block);

/// teach_convolution_forward with a ReLU, followed by max pooling with `pool × pool` windows that
/// tile its output (`out_height` and `out_width` multiples of `pool`), for a batch of `images`:
/// `pooled` and `sources` get what teach_max_pool gives on the convolution's output, bit for bit,
/// without that output being written whole: each block of windows is pooled while it is in cache.
/// The blocks are whole rows of pooling windows (`pool` rows of the output), shared out through
/// `next_block` as in teach_convolution_forward.
void teach_convolution_pool_forward(teach_instructions instructions, const teach_convolution *convolution, long images, const float *x,
                                    const float *weights, const float *bias, long pool, float *pooled, int *sources, long *next_block);

/// Rows `first_row ..< first_row + rows`, columns `first_filter ..< first_filter + filters` of the
/// weight gradient `patchesᵀ · gradient` (`(F·F·C) × K`, row-major) for a batch of `images`, with
/// `gradient` the weighted sums' gradient, one row of `K` per window: the same numbers as the
/// product over the whole patch matrix (for a thin input, computed from the image as in
/// teach_convolution_forward). One core.
void teach_convolution_weight_gradient(teach_instructions instructions, const teach_convolution *convolution, long images,
                                       const float *x, const float *gradient, float *weight_gradient, long first_row, long rows,
                                       long first_filter, long filters);

/// The input gradient of a batch of `images`: `col2im(gradient · weightsᵀ)`, each window's gradient
/// added onto the pixels it read, in the order of the windows, into `input_gradient` (cleared
/// first). Blocks of whole images are shared out through `next_block` as in teach_convolution_forward.
void teach_convolution_input_gradient(teach_instructions instructions, const teach_convolution *convolution, long images,
                                      const float *gradient, const float *weights, float *input_gradient, long *next_block);

/// `images` channels-last images (`height × width × channels`) with `padding` zeros written out on
/// every side, into `target` (`images × (height + 2·padding) × (width + 2·padding) × channels`).
void teach_pad_images(long images, long height, long width, long channels, long padding, const float *x, float *target);

/// ReLU, `output[i] = input[i] <= 0 ? 0 : input[i]` (−0 gives +0, NaN gives NaN, as in PyTorch).
void teach_relu(long count, const float *input, float *output);

/// The gradient through a ReLU: `output[i] = gradient[i] · (weighted_sums[i] <= 0 ? 0 : 1)` (a NaN sum passes the gradient).
void teach_relu_gradient(long count, const float *gradient, const float *weighted_sums, float *output);

/// The gradient through a ReLU and its column sums in one pass, for columns `first ..< first + count`
/// of a `rows × columns` row-major matrix: `output = gradient · (weighted_sums <= 0 ? 0 : 1)` as
/// teach_relu_gradient, and `sums[j − first]` = the sum of column `j` of `output`, row after row
/// from +0 (a bias gradient). Without `weighted_sums` (NULL) only the sums of `gradient` are taken.
void teach_relu_gradient_sums(long rows, long columns, long first, long count, const float *gradient, const float *weighted_sums,
                              float *output, float *sums);

/// `h = sums + bias` for `rows` rows of `columns` numbers (the sums' rows `sums_row` apart, h's and
/// a's `columns` apart; `sums` may be `h` itself, and `a` may be `h`) and, when `relu`, `a =
/// relu(h)` as teach_relu.
void teach_bias_relu(long rows, long columns, const float *sums, long sums_row, const float *bias, float *h, float *a, int relu);

/// Max pooling of `images` channels-last images (`height × width × channels` in, `out_height ×
/// out_width × channels` out) with `size × size` windows `stride` apart: each output is the first
/// largest number of its window (pixels in the order (fy, fx); a NaN that comes first stays), and
/// `sources` gets its index within the image, as Teach's Pooling computes it.
void teach_max_pool(long images, long height, long width, long channels, long out_height, long out_width, long size, long stride,
                    const float *x, float *output, int *sources);

/// Max pooling's backward pass for `images` images: the input gradient cleared, then each output's
/// gradient added at the index `sources` recorded, in the order of the outputs.
void teach_max_pool_backward(long images, long image_size, long out_size, const float *gradient, const int *sources, float *input_gradient);

/// teach_max_pool_backward for windows that tile the image exactly (`size × size`, `size` apart,
/// `out_height · size = height` and `out_width · size = width`): each input gets at most one
/// gradient, so each row of windows is cleared and filled in one pass while it is in cache.
void teach_max_pool_tiling_backward(long images, long height, long width, long channels, long out_height, long out_width, long size,
                                    const float *gradient, const int *sources, float *input_gradient);

/// The backward pass through max pooling whose windows tile the image (as for
/// teach_max_pool_tiling_backward) and the ReLU before it, whose output `a` the pooling read:
/// `relu_gradient` gets exactly what teach_max_pool_tiling_backward followed by teach_relu_gradient
/// at `a` give, in one pass that writes each pixel once. It reads the pooling's output `pooled`
/// (the shape of `gradient`) instead of `a`: the ReLU's slope matters only at the sources, where
/// `a` is the pooled number. `masked` (the shape of `gradient`) gets the number written at each
/// window's source, for teach_max_pool_relu_sums.
void teach_max_pool_relu_backward(long images, long height, long width, long channels, long out_height, long out_width, long size,
                                  const float *gradient, const int *sources, const float *pooled, float *relu_gradient, float *masked);

/// `sums[j − first]` for channels `first ..< first + count`: the sum of channel `j` of
/// teach_max_pool_relu_backward's `relu_gradient` over every pixel of every image, row after row
/// (as teach_relu_gradient_sums sums a column), computed from its `masked` and the `sources`.
void teach_max_pool_relu_sums(long images, long height, long width, long channels, long out_height, long out_width, long size, long first,
                              long count, const float *masked, const int *sources, float *sums);

/// Adam's update for Float parameters (see Teach's Optimizer.swift for the rule), one pass over
/// memory: every lane does exactly the scalar arithmetic of the Swift rule, in the same order,
/// except that subnormal numbers (below 1.2e-38) are flushed to zero while it runs, to stay off the
/// processor's slow path.
/// GELU, `output[i] = x·Φ(x)` for `x = input[i]` (PyTorch's exact GELU), with Φ from a vector
/// polynomial for erfc (vectors.h), for `count` numbers.
void teach_gelu(teach_instructions instructions, long count, const float *input, float *output);

/// The gradient through GELU: `output[i] = gradient[i] · (Φ(x) + x·φ(x))` for `x = sums[i]`.
void teach_gelu_gradient(teach_instructions instructions, long count, const float *gradient, const float *sums, float *output);

/// One time step of an LSTM's cells (Teach's LSTM.swift, for Float), for `rows` rows of `hidden`
/// units: for row `r`, the four gates' input terms at `terms + r·terms_row` and recurrent terms at
/// `recurrent + r·4·hidden` (blocks of `hidden` in PyTorch's order i, f, g, o), the biases `b_ih`
/// and `b_hh` (`4·hidden` each), the memories of the step before at `previous + r·memory_row` (or
/// none, for the first step: `NULL`). Writes the gates after their functions to `gates +
/// r·gates_row`, and `c`, `tanh c` and `h = o·tanh c` to `memories`, `squashed` and `states` (each
/// `+ r·memory_row`). The sigmoid and tanh are vector polynomials (vectors.h), within a few units
/// in the last place of libm's.
void teach_lstm_cells(teach_instructions instructions, long rows, long hidden, const float *terms, long terms_row, const float *recurrent,
                      const float *bias_ih, const float *bias_hh, const float *previous, long memory_row, float *gates, long gates_row,
                      float *memories, float *squashed, float *states);

/// One time step of an LSTM's cells backward (Teach's LSTM.swift, for Float), for `rows` rows of
/// `hidden` units, with the Swift loop's arithmetic in its order (so the same numbers): for row `r`,
/// the gates after their functions at `gates + r·gates_row` (blocks i, f, g, o), `tanh c` at
/// `squashed + r·memory_row`, the memories of the step before at `previous + r·memory_row` (`NULL`
/// at the first step), `∂E/∂h` from the output at `output_gradient + r·memory_row`, and the
/// gradients carried from the step after, `∂h` at `carried_state + r·hidden` and `∂c` at
/// `carried_memory + r·hidden` (read, then replaced by the one carried on). Writes the four
/// gates' `∂E/∂a` to `sums + r·sums_row`.
void teach_lstm_backward_cells(teach_instructions instructions, long rows, long hidden, const float *gates, long gates_row,
                               const float *squashed, const float *previous, long memory_row, const float *output_gradient,
                               const float *carried_state, float *carried_memory, float *sums, long sums_row);

/// The floats `teach_pack_factor` writes for a `k×n` B: `n` rounded up to a multiple of 16, times `k`.
long teach_packed_factor_size(long n, long k);

/// B (`k×n`, `B(p, j) = b[p·b_row + j·b_column]`) packed once for many products by it (a recurrent
/// layer's weights, once per time step): the blocks `teach_packed_product` with the same
/// `instructions` packs on every call, one after another, into `packed` (64-byte aligned,
/// `teach_packed_factor_size(n, k)` floats).
void teach_pack_factor(teach_instructions instructions, long n, long k, const float *b, long b_row, long b_column, float *packed);

/// C's columns `first ..< first + count` of `A·B` (stored, or added when `accumulate`), for a B
/// packed by `teach_pack_factor` with the same `instructions`, `n` and `k`: the numbers
/// `teach_packed_product` gives for those columns. `c` points at that first column, rows
/// `c_row` apart; `first` is a multiple of 32, and so is `count` unless the columns run to `n`.
void teach_packed_factor_product(teach_instructions instructions, long m, long n, long k, const float *a, long a_row, long a_column,
                                 const float *packed, long first, long count, float *c, long c_row, int accumulate);

/// One time step of a GRU's cells (Teach's GRU.swift, for Float), for `rows` rows of `hidden`
/// units: for row `r`, the three gates' input terms at `terms + r·terms_row` and recurrent terms at
/// `recurrent + r·3·hidden` (blocks of `hidden` in PyTorch's order r, z, n), the biases `b_ih` and
/// `b_hh` (`3·hidden` each), the states of the step before at `previous + r·state_row` (`NULL` for
/// the first step: 0). Writes r, z, n and the recurrent term of n (`u_n`, with its bias) to `gates
/// + r·gates_row` (four blocks of `hidden`) and the new state to `states + r·state_row`, with the
/// sigmoid and tanh of the LSTM's kernel.
void teach_gru_cells(teach_instructions instructions, long rows, long hidden, const float *terms, long terms_row, const float *recurrent,
                     const float *bias_ih, const float *bias_hh, const float *previous, long state_row, float *gates, long gates_row,
                     float *states);

/// One time step of a GRU's cells backward (Teach's GRU.swift, for Float), for `rows` rows of
/// `hidden` units, with the Swift loop's arithmetic in its order (so the same numbers): for row
/// `r`, r, z, n and `u_n` at `gates + r·gates_row` (four blocks of `hidden`), the states of the
/// step before at `previous + r·state_row` (`NULL` at the first step: 0), `∂E/∂h` from the output
/// at `output_gradient + r·state_row` and the `∂h` carried from the step after at `carried +
/// r·hidden`. Writes `∂E/∂a` and `∂E/∂u` (blocks r, z, n) to `d_a` and `d_u` (rows of `3·hidden`)
/// and the part of `∂E/∂h₋₁` through z to `direct` (rows of `hidden`).
void teach_gru_backward_cells(teach_instructions instructions, long rows, long hidden, const float *gates, long gates_row,
                              const float *previous, long state_row, const float *output_gradient, const float *carried, float *d_a,
                              float *d_u, float *direct);

void teach_adam_float(size_t count, float *parameters, const float *gradients, float *first, float *second, float learning_rate,
                      float beta1, float beta2, float epsilon, float correction1, float correction2, float decay);

/// Raises glibc's mmap and trim thresholds so that memory freed by one training step is reused by
/// the next instead of being returned to the kernel (see Teach's ProcessTuning.swift). 1 when set,
/// 0 with another C library.
int teach_keep_freed_memory(void);

// Used by the kernel files only.

/// `count` floats aligned to 64 bytes (release with `free`); stops the program with a message
/// naming the size if there is no memory.
float *teach_allocate_floats(long count);
/// Stops the program with a message naming the `bytes` that could not be allocated.
void teach_out_of_memory(size_t bytes) __attribute__((noreturn));

#define TEACH_KERNEL_DECLARATIONS(suffix)                                                                               \
    void teach_packed_product_##suffix(long m, long n, long k, const float *a, long a_row, long a_column, const float *b, \
                                       long b_row, long b_column, float *c, long c_row, int accumulate);                  \
    void teach_pack_factor_##suffix(long n, long k, const float *b, long b_row, long b_column, float *packed);              \
    void teach_packed_factor_product_##suffix(long m, long n, long k, const float *a, long a_row, long a_column,          \
                                              const float *packed, long first, long count, float *c, long c_row,          \
                                              int accumulate);                                                             \
    void teach_lstm_backward_cells_##suffix(long rows, long hidden, const float *gates, long gates_row,                   \
                                            const float *squashed, const float *previous, long memory_row,                \
                                            const float *output_gradient, const float *carried_state,                      \
                                            float *carried_memory, float *sums, long sums_row);                            \
    void teach_few_rows_product_##suffix(long m, long n, long k, const float *a, long a_row, long a_column, const float *b, \
                                         long b_row, float *c, long c_row);                                               \
    void teach_relu_##suffix(long count, const float *input, float *output);                                              \
    void teach_relu_gradient_##suffix(long count, const float *gradient, const float *weighted_sums, float *output);      \
    void teach_bias_relu_##suffix(long rows, long columns, const float *sums, long sums_row, const float *bias, float *h,   \
                                  float *a, int relu);                                                                     \
    void teach_max_pool_##suffix(long images, long height, long width, long channels, long out_height, long out_width,      \
                                 long size, long stride, const float *x, float *output, int *sources);                    \
    void teach_relu_gradient_sums_##suffix(long rows, long columns, long first, long count, const float *gradient,        \
                                           const float *weighted_sums, float *output, float *sums);                       \
    void teach_max_pool_relu_backward_##suffix(long images, long height, long width, long channels, long out_height,      \
                                               long out_width, long size, const float *gradient, const int *sources,         \
                                               const float *pooled, float *relu_gradient, float *masked);                    \
    void teach_max_pool_relu_sums_##suffix(long images, long height, long width, long channels, long out_height,          \
                                           long out_width, long size, long first, long count, const float *masked,         \
                                           const int *sources, float *sums);                                               \
    void teach_adam_##suffix(long count, float *p, const float *g, float *m, float *v, float lr, float beta1, float beta2, \
                             float epsilon, float correction1, float correction2, float decay);                          \
    void teach_gelu_##suffix(long count, const float *input, float *output);                                             \
    void teach_gelu_gradient_##suffix(long count, const float *gradient, const float *sums, float *output);                \
    void teach_gru_backward_cells_##suffix(long rows, long hidden, const float *gates, long gates_row,                    \
                                           const float *previous, long state_row, const float *output_gradient,           \
                                           const float *carried, float *d_a, float *d_u, float *direct);                  \
    void teach_gru_cells_##suffix(long rows, long hidden, const float *terms, long terms_row, const float *recurrent,      \
                                  const float *bias_ih, const float *bias_hh, const float *previous, long state_row,        \
                                  float *gates, long gates_row, float *states);                                            \
    void teach_lstm_cells_##suffix(long rows, long hidden, const float *terms, long terms_row, const float *recurrent,     \
                                   const float *bias_ih, const float *bias_hh, const float *previous, long memory_row,     \
                                   float *gates, long gates_row, float *memories, float *squashed, float *states);
#define TEACH_THIN_DECLARATIONS(suffix)                                                                                 \
    void teach_thin_forward_##suffix(long windows, const float *const *patches, const long *offsets, long taps,           \
                                     const float *weights, long padded, float *sums);                                     \
    void teach_thin_weight_gradient_##suffix(long windows, const float *const *patches, const long *offsets, long taps,   \
                                             const float *gradient, long gradient_row, long readable, long filters,       \
                                             float *target, long target_row, int add);
TEACH_KERNEL_DECLARATIONS(baseline)
TEACH_KERNEL_DECLARATIONS(avx2)
TEACH_THIN_DECLARATIONS(baseline)
TEACH_THIN_DECLARATIONS(avx2)
TEACH_THIN_DECLARATIONS(avx512)
void teach_packed_product_avx512(long m, long n, long k, const float *a, long a_row, long a_column, const float *b, long b_row,
                                 long b_column, float *c, long c_row, int accumulate);
void teach_pack_factor_avx512(long n, long k, const float *b, long b_row, long b_column, float *packed);
void teach_gelu_avx512(long count, const float *input, float *output);
void teach_gelu_gradient_avx512(long count, const float *gradient, const float *sums, float *output);
void teach_lstm_cells_avx512(long rows, long hidden, const float *terms, long terms_row, const float *recurrent, const float *bias_ih,
                             const float *bias_hh, const float *previous, long memory_row, float *gates, long gates_row, float *memories,
                             float *squashed, float *states);
void teach_lstm_backward_cells_avx512(long rows, long hidden, const float *gates, long gates_row, const float *squashed,
                                      const float *previous, long memory_row, const float *output_gradient, const float *carried_state,
                                      float *carried_memory, float *sums, long sums_row);
void teach_gru_backward_cells_avx512(long rows, long hidden, const float *gates, long gates_row, const float *previous, long state_row,
                                     const float *output_gradient, const float *carried, float *d_a, float *d_u, float *direct);
void teach_gru_cells_avx512(long rows, long hidden, const float *terms, long terms_row, const float *recurrent, const float *bias_ih,
                            const float *bias_hh, const float *previous, long state_row, float *gates, long gates_row, float *states);
void teach_packed_factor_product_avx512(long m, long n, long k, const float *a, long a_row, long a_column, const float *packed, long first,
                                        long count, float *c, long c_row, int accumulate);
#undef TEACH_KERNEL_DECLARATIONS
#undef TEACH_THIN_DECLARATIONS

/// The direct convolution of a thin input (convolution_thin.h): `sums(w, j) = Σ_t patch(w, t) ·
/// weights(t, j)` for `windows` windows and `padded` filters (a multiple of 16), with `patch(w, t) =
/// patches[w][offsets[t]]`: each number one chain of fused multiply-adds from +0 over the `taps`
/// (at most 256) in order, as the packed product of the patch matrix gives it.
void teach_thin_forward(teach_instructions instructions, long windows, const float *const *patches, const long *offsets, long taps,
                        const float *weights, long padded, float *sums);

/// One depth block of a thin input's weight gradient: `target(t, j) = Σ_w patch(w, t) · gradient(w, j)`
/// over `windows` windows in order, one chain from +0 per number, stored into `target` or added to
/// it (`add`), for `taps` rows and `filters` columns. `readable`: how many floats may be read from
/// `gradient` (vectors are read whole past a row's end, never past that).
void teach_thin_weight_gradient(teach_instructions instructions, long windows, const float *const *patches, const long *offsets, long taps,
                                const float *gradient, long gradient_row, long readable, long filters, float *target, long target_row,
                                int add);

#endif
