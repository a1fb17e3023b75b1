// The vector functions of the recurrent cells and GELU: exp, sigmoid, tanh, the normal
// distribution, and the loops over a step's cells. Included by vectors.h twice, once for 8-float
// and once for 16-float vectors (TEACH_V, TEACH_VI and TEACH_LANES set before each), so every
// function exists for both widths, named with its vector type (`exp_v8f`, `exp_v16f`; FN(exp)
// here). Each lane does the same arithmetic in either width, so both give the same numbers, bit
// for bit: the AVX-512 file runs the 16-float loops, the others the 8-float ones.

#define TEACH_VJOIN2(a, b) a##_##b
#define TEACH_VJOIN(a, b) TEACH_VJOIN2(a, b)
#define FN(name) TEACH_VJOIN(name, TEACH_V)

// MARK: exp, sigmoid and tanh

/// `eˣ`, lane by lane: `x = n·ln 2 + r` with `|r| ≤ ln 2 / 2`, `eʳ` from a polynomial of degree 7 (the
/// Cephes library's single-precision coefficients), times `2ⁿ` built in the exponent bits. Within
/// 2 units in the last place of `expf` for `x` in [−87.3, 88.3]; `x` is clamped to that range (so
/// the result is never 0 or infinite), and a NaN stays NaN.
TEACH_INLINE TEACH_V FN(exp)(TEACH_V x) {
    const TEACH_V clamped = __builtin_elementwise_min(__builtin_elementwise_max(x, (TEACH_V)-87.3f), (TEACH_V)88.3f);
    // n = round(x / ln 2): adding and subtracting 1.5·2²³ rounds to the nearest integer, ties to even
    const TEACH_V n = (clamped * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
    const TEACH_V r = fma(n, (TEACH_V)2.12194440e-4f, fma(n, (TEACH_V)-0.693359375f, clamped));
    TEACH_V p = fma((TEACH_V)1.9875691500e-4f, r, (TEACH_V)1.3981999507e-3f);
    p = fma(p, r, (TEACH_V)8.3334519073e-3f);
    p = fma(p, r, (TEACH_V)4.1665795894e-2f);
    p = fma(p, r, (TEACH_V)1.6666665459e-1f);
    p = fma(p, r, (TEACH_V)5.0000001201e-1f);
    const TEACH_V y = fma(p, r * r, r) + 1.0f;
    const TEACH_V scale = (TEACH_V)((__builtin_convertvector(n, TEACH_VI) + 127) << 23);
    const TEACH_VI nan = x != x;
    return (TEACH_V)((nan & (TEACH_VI)x) | (~nan & (TEACH_VI)(y * scale)));
}

/// The logistic sigmoid `1 / (1 + e⁻ˣ)`, lane by lane, as the scalar rule computes it: `e = e^(−|x|)`,
/// then `1 / (1 + e)` for `x ≥ 0` and `e / (1 + e)` below (no cancellation on either side).
TEACH_INLINE TEACH_V FN(sigmoid)(TEACH_V x) {
    const TEACH_V e = FN(exp)(-__builtin_elementwise_abs(x));
    const TEACH_V s = 1.0f / (1.0f + e);
    const TEACH_VI positive = x >= 0.0f;
    const TEACH_V y = (TEACH_V)((positive & (TEACH_VI)s) | (~positive & (TEACH_VI)(e * s)));
    const TEACH_VI nan = x != x;
    return (TEACH_V)((nan & (TEACH_VI)x) | (~nan & (TEACH_VI)y));
}

/// `tanh x`, lane by lane: below |x| = 0.55 its Taylor series to x¹⁵ (the next term is under half a unit
/// in the last place there), above it `1 − 2 / (e^(2|x|) + 1)` with the sign of `x`. Within about
/// 3 units in the last place of the exact value; a NaN stays NaN.
TEACH_INLINE TEACH_V FN(tanh)(TEACH_V x) {
    const TEACH_V a = __builtin_elementwise_abs(x), a2 = a * a;
    TEACH_V p = fma(a2, (TEACH_V)(-929569.0f / 638512875.0f), (TEACH_V)(21844.0f / 6081075.0f));
    p = fma(p, a2, (TEACH_V)(-1382.0f / 155925.0f));
    p = fma(p, a2, (TEACH_V)(62.0f / 2835.0f));
    p = fma(p, a2, (TEACH_V)(-17.0f / 315.0f));
    p = fma(p, a2, (TEACH_V)(2.0f / 15.0f));
    p = fma(p, a2, (TEACH_V)(-1.0f / 3.0f));
    const TEACH_V small = fma(p * a2, a, a);
    const TEACH_V large = 1.0f - 2.0f / (FN(exp)(a + a) + 1.0f);
    const TEACH_VI below = a < 0.55f;
    const TEACH_VI sign = (TEACH_VI)x & (TEACH_VI)0x80000000;
    const TEACH_V y = (TEACH_V)(((below & (TEACH_VI)small) | (~below & (TEACH_VI)large)) | sign);
    const TEACH_VI nan = x != x;
    return (TEACH_V)((nan & (TEACH_VI)x) | (~nan & (TEACH_VI)y));
}

// MARK: GELU

/// `e^(−x²/2)`, lane by lane, with `x²` split into its rounded value and the rounding error (an exact
/// fused multiply-add), so that rounding `x²` does not reach the exponent: at `x = 12` it would
/// cost 4·10⁻⁶ of the result.
TEACH_INLINE TEACH_V FN(gaussian)(TEACH_V x) {
    const TEACH_V square = x * x, low = fma(x, x, -square);
    return FN(exp)(-0.5f * square) * (1.0f - 0.5f * low);
}

/// `Φ(x)`, the standard normal distribution function, lane by lane, given `gaussian = e^(−x²/2)`: the
/// tail `Φ(−|x|) = erfc(|x|/√2) / 2` is `t·e^(P(t))·e^(−x²/2) / 2` with `t = 1 / (1 + |x|/(2√2))`
/// and `P` the degree-9 Chebyshev fit of Press et al., *Numerical Recipes*, §6.2 (relative error
/// below 1.2·10⁻⁷ for every `x`); `Φ(x)` is the tail below 0 and `1 −` the tail above, so that
/// neither side loses digits to cancellation.
TEACH_INLINE TEACH_V FN(normal_cdf)(TEACH_V x, TEACH_V gaussian) {
    const TEACH_V t = 1.0f / fma(__builtin_elementwise_abs(x), (TEACH_V)(0.5f * 0.70710678118654752f), (TEACH_V)1.0f);
    TEACH_V p = fma((TEACH_V)0.17087277f, t, (TEACH_V)-0.82215223f);
    p = fma(p, t, (TEACH_V)1.48851587f);
    p = fma(p, t, (TEACH_V)-1.13520398f);
    p = fma(p, t, (TEACH_V)0.27886807f);
    p = fma(p, t, (TEACH_V)-0.18628806f);
    p = fma(p, t, (TEACH_V)0.09678418f);
    p = fma(p, t, (TEACH_V)0.37409196f);
    p = fma(p, t, (TEACH_V)1.00002368f);
    p = fma(p, t, (TEACH_V)-1.26551223f);
    const TEACH_V tail = (0.5f * t) * FN(exp)(p) * gaussian;
    const TEACH_VI positive = x >= 0.0f;
    return (TEACH_V)((positive & (TEACH_VI)(1.0f - tail)) | (~positive & (TEACH_VI)tail));
}

/// GELU, `x·Φ(x)` (PyTorch's `approximate='none'`), for `count` numbers; a NaN stays NaN.
TEACH_INLINE void FN(gelu_loop)(long count, const float *input, float *output) {
    long i = 0;
    for (; i + TEACH_LANES <= count; i += TEACH_LANES) {
        const TEACH_V x = FN(load)(input + i);
        FN(store)(output + i, x * FN(normal_cdf)(x, FN(gaussian)(x)));
    }
    if (i < count) {
        float x[TEACH_LANES] = {0}, y[TEACH_LANES];
        for (long j = 0; i + j < count; j++) x[j] = input[i + j];
        const TEACH_V v = FN(load)(x);
        FN(store)(y, v * FN(normal_cdf)(v, FN(gaussian)(v)));
        for (long j = 0; i + j < count; j++) output[i + j] = y[j];
    }
}

/// The gradient through GELU: `gradient · (Φ(x) + x·φ(x))` with `φ(x) = e^(−x²/2)/√(2π)`, for
/// `count` numbers `x` (the weighted sums).
TEACH_INLINE TEACH_V FN(gelu_gradient)(TEACH_V g, TEACH_V x) {
    const TEACH_V gaussian = FN(gaussian)(x);
    return g * (FN(normal_cdf)(x, gaussian) + x * (gaussian * 0.39894228040143268f));
}

TEACH_INLINE void FN(gelu_gradient_loop)(long count, const float *gradient, const float *sums, float *output) {
    long i = 0;
    for (; i + TEACH_LANES <= count; i += TEACH_LANES) FN(store)(output + i, FN(gelu_gradient)(FN(load)(gradient + i), FN(load)(sums + i)));
    if (i < count) {
        float g[TEACH_LANES] = {0}, x[TEACH_LANES] = {0}, y[TEACH_LANES];
        for (long j = 0; i + j < count; j++) {
            g[j] = gradient[i + j];
            x[j] = sums[i + j];
        }
        FN(store)(y, FN(gelu_gradient)(FN(load)(g), FN(load)(x)));
        for (long j = 0; i + j < count; j++) output[i + j] = y[j];
    }
}

// MARK: The LSTM's cells

/// Copies units `k ..< k + rest` of each of `blocks` blocks of `hidden` numbers at `source` to
/// the start of blocks of a vector's lanes at `target`: how a row's last units (fewer than a
/// vector) go through the vector code, in buffers padded with zeros.
TEACH_INLINE void FN(gather_units)(int blocks, long hidden, long k, long rest, const float *source, float *target) {
    for (int block = 0; block < blocks; block++) {
        for (long j = 0; j < rest; j++) target[block * TEACH_LANES + j] = source[block * hidden + k + j];
    }
}

/// The way back: the first `rest` numbers of each block of a vector's lanes at `source` to units `k ..< k + rest`
/// of the blocks of `hidden` at `target`.
TEACH_INLINE void FN(scatter_units)(int blocks, long hidden, long k, long rest, const float *source, float *target) {
    for (int block = 0; block < blocks; block++) {
        for (long j = 0; j < rest; j++) target[block * hidden + k + j] = source[block * TEACH_LANES + j];
    }
}

/// One LSTM step of a vector of cells (units `k ..< k + TEACH_LANES` of one row): the gates' sums in PyTorch's
/// order i, f, g, o, `((input term + b_ih) + recurrent term) + b_hh`, through their functions, then
/// `c = f·c₋₁ + i·g` and `h = o·tanh c`. `terms`, `recurrent`, the biases and `gates` hold the four
/// gates' blocks of `hidden` numbers one after another, offset to unit `k`.
TEACH_INLINE void FN(lstm_cells)(long hidden, const float *terms, const float *recurrent, const float *bias_ih, const float *bias_hh,
                                 TEACH_V previous, float *gates, float *memory, float *squashed, float *state) {
    TEACH_V sums[4];
    for (int gate = 0; gate < 4; gate++) {
        const long at = gate * hidden;
        sums[gate] = ((FN(load)(terms + at) + FN(load)(bias_ih + at)) + FN(load)(recurrent + at)) + FN(load)(bias_hh + at);
    }
    const TEACH_V input = FN(sigmoid)(sums[0]), forget = FN(sigmoid)(sums[1]), content = FN(tanh)(sums[2]), output = FN(sigmoid)(sums[3]);
    const TEACH_V c = forget * previous + input * content, t = FN(tanh)(c);
    FN(store)(gates, input);
    FN(store)(gates + hidden, forget);
    FN(store)(gates + 2 * hidden, content);
    FN(store)(gates + 3 * hidden, output);
    FN(store)(memory, c);
    FN(store)(squashed, t);
    FN(store)(state, output * t);
}

/// One LSTM step for `rows` rows of `hidden` cells (see teach_lstm_cells in CKernels.h).
TEACH_INLINE void FN(lstm_cells_loop)(long rows, long hidden, const float *terms, long terms_row, const float *recurrent, const float *bias_ih,
                                  const float *bias_hh, const float *previous, long memory_row, float *gates, long gates_row,
                                  float *memories, float *squashed, float *states) {
    for (long r = 0; r < rows; r++) {
        const float *row_terms = terms + r * terms_row, *row_recurrent = recurrent + r * 4 * hidden;
        float *row_gates = gates + r * gates_row;
        const long m = r * memory_row;
        long k = 0;
        for (; k + TEACH_LANES <= hidden; k += TEACH_LANES) {
            const TEACH_V before = previous ? FN(load)(previous + m + k) : (TEACH_V)0.0f;
            FN(lstm_cells)(hidden, row_terms + k, row_recurrent + k, bias_ih + k, bias_hh + k, before, row_gates + k, memories + m + k,
                           squashed + m + k, states + m + k);
        }
        if (k < hidden) {
            // the last units, fewer than a vector, through zero-padded buffers of a vector and the same code
            const long rest = hidden - k;
            float t[4 * TEACH_LANES] = {0}, u[4 * TEACH_LANES] = {0}, bi[4 * TEACH_LANES] = {0}, bh[4 * TEACH_LANES] = {0}, g[4 * TEACH_LANES];
            float before[TEACH_LANES] = {0}, c[TEACH_LANES], q[TEACH_LANES], h[TEACH_LANES];
            FN(gather_units)(4, hidden, k, rest, row_terms, t);
            FN(gather_units)(4, hidden, k, rest, row_recurrent, u);
            FN(gather_units)(4, hidden, k, rest, bias_ih, bi);
            FN(gather_units)(4, hidden, k, rest, bias_hh, bh);
            if (previous) FN(gather_units)(1, hidden, k, rest, previous + m, before);
            FN(lstm_cells)(TEACH_LANES, t, u, bi, bh, FN(load)(before), g, c, q, h);
            FN(scatter_units)(4, hidden, k, rest, g, row_gates);
            FN(scatter_units)(1, hidden, k, rest, c, memories + m);
            FN(scatter_units)(1, hidden, k, rest, q, squashed + m);
            FN(scatter_units)(1, hidden, k, rest, h, states + m);
        }
    }
}

/// One LSTM step backward for a vector of cells (units `k ..< k + TEACH_LANES` of one row), the arithmetic of
/// LSTM.swift's loop in its order: `∂h = output gradient + carried ∂h`, `∂c = carried ∂c + ∂h·o·(1 −
/// tanh²c)`, the four gates' `∂a` in the order i, f, g, o, and the carried `∂c ← ∂c·f`. `gates` and
/// `sums` hold four blocks of `hidden` numbers, offset to unit `k`.
TEACH_INLINE void FN(lstm_backward_cells)(long hidden, const float *gates, TEACH_V squashed, TEACH_V previous, TEACH_V output_gradient,
                                          TEACH_V carried_state, float *carried_memory, float *sums) {
    const TEACH_V input = FN(load)(gates), forget = FN(load)(gates + hidden), content = FN(load)(gates + 2 * hidden);
    const TEACH_V output = FN(load)(gates + 3 * hidden);
    const TEACH_V d_state = output_gradient + carried_state;
    const TEACH_V d_memory = FN(load)(carried_memory) + d_state * output * (1.0f - squashed * squashed);
    FN(store)(sums, d_memory * content * input * (1.0f - input));
    FN(store)(sums + hidden, d_memory * previous * forget * (1.0f - forget));
    FN(store)(sums + 2 * hidden, d_memory * input * (1.0f - content * content));
    FN(store)(sums + 3 * hidden, d_state * squashed * output * (1.0f - output));
    FN(store)(carried_memory, d_memory * forget);
}

/// One LSTM step backward for `rows` rows of `hidden` cells (see teach_lstm_backward_cells in CKernels.h).
TEACH_INLINE void FN(lstm_backward_cells_loop)(long rows, long hidden, const float *gates, long gates_row, const float *squashed,
                                           const float *previous, long memory_row, const float *output_gradient,
                                           const float *carried_state, float *carried_memory, float *sums, long sums_row) {
    for (long r = 0; r < rows; r++) {
        const float *row_gates = gates + r * gates_row;
        const long m = r * memory_row;
        float *row_carried = carried_memory + r * hidden, *row_sums = sums + r * sums_row;
        long k = 0;
        for (; k + TEACH_LANES <= hidden; k += TEACH_LANES) {
            const TEACH_V before = previous ? FN(load)(previous + m + k) : (TEACH_V)0.0f;
            FN(lstm_backward_cells)(hidden, row_gates + k, FN(load)(squashed + m + k), before, FN(load)(output_gradient + m + k),
                                    FN(load)(carried_state + r * hidden + k), row_carried + k, row_sums + k);
        }
        if (k < hidden) {
            // the last units, fewer than a vector, through zero-padded buffers of a vector and the same code
            const long rest = hidden - k;
            float g[4 * TEACH_LANES] = {0}, q[TEACH_LANES] = {0}, before[TEACH_LANES] = {0}, o[TEACH_LANES] = {0}, s[TEACH_LANES] = {0};
            float c[TEACH_LANES] = {0}, d[4 * TEACH_LANES];
            FN(gather_units)(4, hidden, k, rest, row_gates, g);
            FN(gather_units)(1, hidden, k, rest, squashed + m, q);
            if (previous) FN(gather_units)(1, hidden, k, rest, previous + m, before);
            FN(gather_units)(1, hidden, k, rest, output_gradient + m, o);
            FN(gather_units)(1, hidden, k, rest, carried_state + r * hidden, s);
            FN(gather_units)(1, hidden, k, rest, row_carried, c);
            FN(lstm_backward_cells)(TEACH_LANES, g, FN(load)(q), FN(load)(before), FN(load)(o), FN(load)(s), c, d);
            FN(scatter_units)(4, hidden, k, rest, d, row_sums);
            FN(scatter_units)(1, hidden, k, rest, c, row_carried);
        }
    }
}

// MARK: The GRU's cells

/// One GRU step of a vector of cells (units `k ..< k + TEACH_LANES` of one row), PyTorch's order r, z, n:
/// `a = input term + b_ih`, `u = recurrent term + b_hh` per gate, `r = σ(a_r + u_r)`,
/// `z = σ(a_z + u_z)`, `n = tanh(a_n + r·u_n)`, `h = (1 − z)·n + z·h₋₁`. `gates` receives r, z, n
/// and `u_n` (four blocks of `hidden`), `state` the new h.
TEACH_INLINE void FN(gru_cells)(long hidden, const float *terms, const float *recurrent, const float *bias_ih, const float *bias_hh,
                                TEACH_V previous, float *gates, float *state) {
    TEACH_V a[3], u[3];
    for (int gate = 0; gate < 3; gate++) {
        const long at = gate * hidden;
        a[gate] = FN(load)(terms + at) + FN(load)(bias_ih + at);
        u[gate] = FN(load)(recurrent + at) + FN(load)(bias_hh + at);
    }
    const TEACH_V reset = FN(sigmoid)(a[0] + u[0]), update = FN(sigmoid)(a[1] + u[1]);
    const TEACH_V content = FN(tanh)(a[2] + reset * u[2]);
    FN(store)(gates, reset);
    FN(store)(gates + hidden, update);
    FN(store)(gates + 2 * hidden, content);
    FN(store)(gates + 3 * hidden, u[2]);
    FN(store)(state, (1.0f - update) * content + update * previous);
}

/// One GRU step for `rows` rows of `hidden` cells (see teach_gru_cells in CKernels.h).
TEACH_INLINE void FN(gru_cells_loop)(long rows, long hidden, const float *terms, long terms_row, const float *recurrent, const float *bias_ih,
                                 const float *bias_hh, const float *previous, long state_row, float *gates, long gates_row, float *states) {
    for (long r = 0; r < rows; r++) {
        const float *row_terms = terms + r * terms_row, *row_recurrent = recurrent + r * 3 * hidden;
        float *row_gates = gates + r * gates_row;
        const long m = r * state_row;
        long k = 0;
        for (; k + TEACH_LANES <= hidden; k += TEACH_LANES) {
            const TEACH_V before = previous ? FN(load)(previous + m + k) : (TEACH_V)0.0f;
            FN(gru_cells)(hidden, row_terms + k, row_recurrent + k, bias_ih + k, bias_hh + k, before, row_gates + k, states + m + k);
        }
        if (k < hidden) {
            // the last units, fewer than a vector, through zero-padded buffers of a vector and the same code
            const long rest = hidden - k;
            float t[3 * TEACH_LANES] = {0}, u[3 * TEACH_LANES] = {0}, bi[3 * TEACH_LANES] = {0}, bh[3 * TEACH_LANES] = {0};
            float g[4 * TEACH_LANES], before[TEACH_LANES] = {0}, h[TEACH_LANES];
            FN(gather_units)(3, hidden, k, rest, row_terms, t);
            FN(gather_units)(3, hidden, k, rest, row_recurrent, u);
            FN(gather_units)(3, hidden, k, rest, bias_ih, bi);
            FN(gather_units)(3, hidden, k, rest, bias_hh, bh);
            if (previous) FN(gather_units)(1, hidden, k, rest, previous + m, before);
            FN(gru_cells)(TEACH_LANES, t, u, bi, bh, FN(load)(before), g, h);
            FN(scatter_units)(4, hidden, k, rest, g, row_gates);
            FN(scatter_units)(1, hidden, k, rest, h, states + m);
        }
    }
}

/// One GRU step backward for a vector of cells (units `k ..< k + TEACH_LANES` of one row), the
/// arithmetic of GRU.swift's loop in its order: `∂h = output gradient + carried ∂h`, `∂a_n =
/// ∂h·(1 − z)·(1 − n²)`, `∂a_r = ∂a_n·u_n·r·(1 − r)`, `∂a_z = ∂h·(h₋₁ − n)·z·(1 − z)`; `∂u` is `∂a`
/// but for `∂u_n = ∂a_n·r`; and the part of `∂E/∂h₋₁` through z, `∂h·z`. `gates` holds r, z, n and
/// `u_n`, `d_a` and `d_u` three blocks of `hidden`, all offset to unit `k`.
TEACH_INLINE void FN(gru_backward_cells)(long hidden, const float *gates, TEACH_V previous, TEACH_V output_gradient, TEACH_V carried,
                                         float *d_a, float *d_u, float *direct) {
    const TEACH_V reset = FN(load)(gates), update = FN(load)(gates + hidden), content = FN(load)(gates + 2 * hidden);
    const TEACH_V recurrent_content = FN(load)(gates + 3 * hidden);
    const TEACH_V d_state = output_gradient + carried;
    const TEACH_V d_content_sum = d_state * (1.0f - update) * (1.0f - content * content);
    const TEACH_V d_reset = d_content_sum * recurrent_content * reset * (1.0f - reset);
    const TEACH_V d_update = d_state * (previous - content) * update * (1.0f - update);
    FN(store)(d_a, d_reset);
    FN(store)(d_a + hidden, d_update);
    FN(store)(d_a + 2 * hidden, d_content_sum);
    FN(store)(d_u, d_reset);
    FN(store)(d_u + hidden, d_update);
    FN(store)(d_u + 2 * hidden, d_content_sum * reset);
    FN(store)(direct, d_state * update);
}

/// One GRU step backward for `rows` rows of `hidden` cells (see teach_gru_backward_cells in CKernels.h).
TEACH_INLINE void FN(gru_backward_cells_loop)(long rows, long hidden, const float *gates, long gates_row, const float *previous,
                                              long state_row, const float *output_gradient, const float *carried, float *d_a,
                                              float *d_u, float *direct) {
    for (long r = 0; r < rows; r++) {
        const float *row_gates = gates + r * gates_row;
        const long m = r * state_row;
        float *row_a = d_a + r * 3 * hidden, *row_u = d_u + r * 3 * hidden, *row_direct = direct + r * hidden;
        long k = 0;
        for (; k + TEACH_LANES <= hidden; k += TEACH_LANES) {
            const TEACH_V before = previous ? FN(load)(previous + m + k) : (TEACH_V)0.0f;
            FN(gru_backward_cells)(hidden, row_gates + k, before, FN(load)(output_gradient + m + k), FN(load)(carried + r * hidden + k),
                                   row_a + k, row_u + k, row_direct + k);
        }
        if (k < hidden) {
            // the last units, fewer than a vector, through zero-padded buffers of a vector and the same code
            const long rest = hidden - k;
            float g[4 * TEACH_LANES] = {0}, before[TEACH_LANES] = {0}, o[TEACH_LANES] = {0}, c[TEACH_LANES] = {0};
            float a[3 * TEACH_LANES], u[3 * TEACH_LANES], d[TEACH_LANES];
            FN(gather_units)(4, hidden, k, rest, row_gates, g);
            if (previous) FN(gather_units)(1, hidden, k, rest, previous + m, before);
            FN(gather_units)(1, hidden, k, rest, output_gradient + m, o);
            FN(gather_units)(1, hidden, k, rest, carried + r * hidden, c);
            FN(gru_backward_cells)(TEACH_LANES, g, FN(load)(before), FN(load)(o), FN(load)(c), a, u, d);
            FN(scatter_units)(3, hidden, k, rest, a, row_a);
            FN(scatter_units)(3, hidden, k, rest, u, row_u);
            FN(scatter_units)(1, hidden, k, rest, d, row_direct);
        }
    }
}

#undef FN
#undef TEACH_VJOIN
#undef TEACH_VJOIN2
