// The public face of this module: plain functions over raw pointers, nothing generic and nothing
// `@inlinable`. The arithmetic is in C (Sources/CKernels), compiled for each instruction set with
// the target named on each function, and chosen here at run time.

import CKernels

/// The vector instruction sets the Float kernels are compiled for, in increasing order. Every
/// kernel gives the same numbers on each, bit for bit; only the speed differs.
public enum VectorInstructions: Int, CaseIterable, Comparable, Sendable, CustomStringConvertible {
    /// Any processor: 8-float vectors as the processor has them (on x86-64 without FMA each fused
    /// multiply-add is a call of the C library's `fmaf`: slow, with the same result).
    case baseline
    /// x86-64 with AVX2 and FMA (Intel since 2013, AMD since 2015): 6 × 16 tiles of 8-float vectors.
    case avx2
    /// x86-64 with AVX-512 Foundation: 8 × 32 tiles of 16-float vectors for the matrix product, and
    /// 16-float vectors for GELU and the recurrent cells (the other kernels use AVX2 there).
    case avx512

    /// The best this processor has and the operating system allows (asked once, with cpuid).
    public static let best = VectorInstructions(rawValue: Int(teach_best_instructions().rawValue)) ?? .baseline

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }

    public var description: String {
        switch self {
        case .baseline: "baseline (no AVX2)"
        case .avx2: "AVX2 (6×16 tiles)"
        case .avx512: "AVX-512 (8×32 tiles)"
        }
    }

    var c: teach_instructions { teach_instructions(rawValue: UInt32(rawValue)) }
}

/// The single-precision kernels that training spends its time in.
public enum FloatKernels {
    /// `C = op(A)·op(B)` (or `C += …` when `accumulate`), with `A(i, p) = a[i·aRow + p·aColumn]`
    /// (`m×k`), `B(p, j) = b[p·bRow + j·bColumn]` (`k×n`) and `C` row-major `m×n`. A transposed
    /// operand is just a swap of its two strides.
    ///
    /// Products of at least a million multiply-adds use both cores unless `twoCores` is false, and
    /// the best instruction set the processor has runs unless `instructions` names a lower one (the
    /// tests compare every way; the numbers are the same). A set the processor lacks is lowered to
    /// the best it has.
    public static func product(
        m: Int, n: Int, k: Int, a: UnsafePointer<Float>, aRow: Int, aColumn: Int, b: UnsafePointer<Float>, bRow: Int, bColumn: Int,
        c: UnsafeMutablePointer<Float>, accumulate: Bool, twoCores: Bool = true, instructions: VectorInstructions = .best
    ) {
        floatProduct(
            m: m, n: n, k: k, a: a, aRow: aRow, aColumn: aColumn, b: b, bRow: bRow, bColumn: bColumn, c: c, accumulate: accumulate,
            twoCores: twoCores, instructions: min(instructions, .best))
    }

    /// The gradient through a ReLU and the column sums of the result, over a `rows × columns`
    /// matrix: with `relu` (the weighted sums `h` and where to write), `output = gradient · (h <= 0 ?
    /// 0 : 1)` (as ``reluGradient(count:_:weightedSums:into:)``); then `sums[j]` = the sum down
    /// column `j` of `output` (of `gradient` itself without `relu`: an identity activation), row
    /// after row from 0, a bias gradient as Teach's `columnSums()` computes it. Large matrices go
    /// on both cores: the gradient split by rows (split by columns, both cores would write into the
    /// same cache lines), then the sums split by columns.
    public static func reluGradientAndColumnSums(
        rows: Int, columns: Int, gradient: UnsafePointer<Float>,
        relu: (weightedSums: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>)?, sums: UnsafeMutablePointer<Float>,
        twoCores: Bool = true
    ) {
        nonisolated(unsafe) let (g, h, out, sums) = (gradient, relu?.weightedSums, relu?.output, sums)
        guard twoCores && rows * columns >= 1 << 16 && columns >= 16 else {
            teach_relu_gradient_sums(rows, columns, 0, columns, g, h, out, sums)  // one pass
            return
        }
        if let h, let out {
            let count = rows * columns, half = count / 2 / 16 * 16
            ProductWorker.shared.run(
                { teach_relu_gradient(half, g, h, out) }, { teach_relu_gradient(count - half, g + half, h + half, out + half) })
        }
        nonisolated(unsafe) let summed = out.map { UnsafePointer($0) } ?? g
        let sum = { (first: Int, count: Int) in teach_relu_gradient_sums(rows, columns, first, count, summed, nil, nil, sums + first) }
        let half = (columns + 8) / 16 * 8  // the multiple of 8 nearest half (25 columns: 16 and 9)
        ProductWorker.shared.run({ sum(0, half) }, { sum(half, columns - half) })
    }

    /// Max pooling of a batch of `images` channels-last images (`height × width × channels` to
    /// `outputHeight × outputWidth × channels`, `size × size` windows `stride` apart): each output
    /// is the first largest number of its window, and `sources` gets its index within the image.
    /// Large batches split their images over both cores.
    public static func maxPool(
        images: Int, height: Int, width: Int, channels: Int, outputHeight: Int, outputWidth: Int, size: Int, stride: Int,
        _ x: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>, sources: UnsafeMutablePointer<Int32>, twoCores: Bool = true
    ) {
        let imageSize = height * width * channels, outputSize = outputHeight * outputWidth * channels
        nonisolated(unsafe) let (x, output, sources) = (x, output, sources)
        let run = { (first: Int, count: Int) in
            teach_max_pool(
                count, height, width, channels, outputHeight, outputWidth, size, stride, x + first * imageSize, output + first * outputSize,
                sources + first * outputSize)
        }
        onTwoCores(images, work: images * outputSize * size * size, twoCores: twoCores, run)
    }

    /// Max pooling's backward pass for a batch of `images` (the geometry of
    /// ``maxPool(images:height:width:channels:outputHeight:outputWidth:size:stride:_:into:sources:twoCores:)``):
    /// `inputGradient` cleared, then each output's gradient added at the index `sources` recorded
    /// for it, in order.
    public static func maxPoolBackward(
        images: Int, height: Int, width: Int, channels: Int, outputHeight: Int, outputWidth: Int, size: Int, stride: Int,
        gradient: UnsafePointer<Float>, sources: UnsafePointer<Int32>, into inputGradient: UnsafeMutablePointer<Float>, twoCores: Bool = true
    ) {
        let imageSize = height * width * channels, outputSize = outputHeight * outputWidth * channels
        let tiles = stride == size && outputHeight * size == height && outputWidth * size == width
        nonisolated(unsafe) let (gradient, sources, target) = (gradient, sources, inputGradient)
        let run = { (first: Int, count: Int) in
            let (g, s, t) = (gradient + first * outputSize, sources + first * outputSize, target + first * imageSize)
            if tiles {
                teach_max_pool_tiling_backward(count, height, width, channels, outputHeight, outputWidth, size, g, s, t)
            } else {
                teach_max_pool_backward(count, imageSize, outputSize, g, s, t)
            }
        }
        onTwoCores(images, work: images * (imageSize + outputSize), twoCores: twoCores, run)
    }

    /// The backward pass through max pooling whose windows tile the image (`size × size`, `size`
    /// apart, `outputHeight · size = height`, `outputWidth · size = width`) and through the ReLU whose
    /// outputs `a` it pooled, with the bias gradient of the convolution below: `reluGradient` gets
    /// exactly what ``maxPoolBackward(images:height:width:channels:outputHeight:outputWidth:size:stride:gradient:sources:into:twoCores:)``
    /// followed by ``reluGradientAndColumnSums(rows:columns:gradient:relu:sums:twoCores:)`` at `a`
    /// give, and `sums` its column sums (one per channel, down every pixel of every image), in one
    /// pass over the pixels instead of four. It reads the pooling's output `pooled` (the shape of
    /// `gradient`), not `a`: the ReLU's slope matters only at the sources, where `a` is the pooled
    /// number. Images are split over both cores for the pixels, channels for the sums.
    public static func maxPoolReluBackward(
        images: Int, height: Int, width: Int, channels: Int, outputHeight: Int, outputWidth: Int, size: Int,
        gradient: UnsafePointer<Float>, sources: UnsafePointer<Int32>, pooled: UnsafePointer<Float>,
        into reluGradient: UnsafeMutablePointer<Float>, sums: UnsafeMutablePointer<Float>, twoCores: Bool = true
    ) {
        let imageSize = height * width * channels, outputSize = outputHeight * outputWidth * channels
        let masked = UnsafeMutablePointer<Float>.allocate(capacity: max(images * outputSize, 1))
        defer { masked.deallocate() }
        nonisolated(unsafe) let (gradient, sources, pooled, target, kept, sums) = (gradient, sources, pooled, reluGradient, masked, sums)
        onTwoCores(images, work: images * imageSize, twoCores: twoCores) { first, count in
            teach_max_pool_relu_backward(
                count, height, width, channels, outputHeight, outputWidth, size, gradient + first * outputSize, sources + first * outputSize,
                pooled + first * outputSize, target + first * imageSize, kept + first * outputSize)
        }
        let sum = { (first: Int, count: Int) in
            teach_max_pool_relu_sums(images, height, width, channels, outputHeight, outputWidth, size, first, count, kept, sources, sums + first)
        }
        if twoCores && channels >= 16 && images * outputSize >= 1 << 14 {
            let half = (channels + 8) / 16 * 8  // the multiple of 8 nearest half (25 channels: 16 and 9)
            ProductWorker.shared.run({ sum(0, half) }, { sum(half, channels - half) })
        } else {
            sum(0, channels)
        }
    }

    /// Runs `body(first, count)` over `0 ..< count`: in two halves on both cores when `work` (numbers
    /// touched) is large enough to be worth waking the second one, else whole here.
    static func onTwoCores(_ count: Int, work: Int, twoCores: Bool, _ body: @escaping (Int, Int) -> Void) {
        if twoCores && count >= 2 && work >= 1 << 16 {
            let half = count / 2
            ProductWorker.shared.run({ body(0, half) }, { body(half, count - half) })
        } else {
            body(0, count)
        }
    }

    /// Runs `body(first, count)` over `0 ..< count` in two halves, the first here and the second on
    /// the product's worker thread, and returns when both are done; whole here when `split` is
    /// false or `count` is below 2. For element-wise work whose parts write apart (a recurrent
    /// layer's cells, row by row): each number is computed as it would be on one core.
    public static func inTwoHalves(_ count: Int, split: Bool, _ body: @escaping (_ first: Int, _ count: Int) -> Void) {
        if split && count >= 2 {
            let half = count / 2
            ProductWorker.shared.run({ body(0, half) }, { body(half, count - half) })
        } else {
            body(0, count)
        }
    }

    /// GELU (PyTorch's exact one, `x·Φ(x)`) of `count` numbers, with `Φ` from a vector polynomial
    /// for erfc (relative error below 1.2·10⁻⁷); split over both cores for long arrays.
    ///
    /// This kernel and the recurrent cells' below run on 16-float vectors with AVX-512 and on 8-float
    /// ones otherwise (`instructions` lowers the set, as for the product): the same arithmetic in
    /// every lane, so the same numbers.
    public static func gelu(
        count: Int, _ input: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>, instructions: VectorInstructions = .best
    ) {
        let set = min(instructions, .best).c
        onTwoCores(count, work: 8 * count, twoCores: true) { first, count in teach_gelu(set, count, input + first, output + first) }
    }

    /// The gradient through GELU, `output[i] = gradient[i] · (Φ(x) + x·φ(x))` at `x = weightedSums[i]`.
    public static func geluGradient(
        count: Int, _ gradient: UnsafePointer<Float>, weightedSums: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>,
        instructions: VectorInstructions = .best
    ) {
        let set = min(instructions, .best).c
        onTwoCores(count, work: 8 * count, twoCores: true) { first, count in
            teach_gelu_gradient(set, count, gradient + first, weightedSums + first, output + first)
        }
    }

    /// One time step of a GRU's cells, for `rows` rows of `hidden` units (Teach's `GRU`, for Float;
    /// `teach_gru_cells` in CKernels.h says where each number is), with the LSTM kernel's sigmoid
    /// and tanh. `previous` is `nil` at the first step (the states before it are 0).
    public static func gruCells(
        rows: Int, hidden: Int, terms: UnsafePointer<Float>, termsRow: Int, recurrent: UnsafePointer<Float>, inputBias: UnsafePointer<Float>,
        hiddenBias: UnsafePointer<Float>, previous: UnsafePointer<Float>?, stateRow: Int, gates: UnsafeMutablePointer<Float>, gatesRow: Int,
        states: UnsafeMutablePointer<Float>, instructions: VectorInstructions = .best
    ) {
        teach_gru_cells(
            min(instructions, .best).c, rows, hidden, terms, termsRow, recurrent, inputBias, hiddenBias, previous, stateRow, gates, gatesRow,
            states)
    }

    /// One time step of an LSTM's cells, for `rows` rows of `hidden` units (Teach's `LSTM`, for Float;
    /// `teach_lstm_cells` in CKernels.h says where each number is): the four gates' sums through
    /// their functions, the memory `c = f·c₋₁ + i·g` and the state `h = o·tanh c`, with the
    /// sigmoid and tanh as vector polynomials within a few units in the last place of libm's.
    /// `previous` is `nil` at the first step (the memories before it are 0).
    public static func lstmCells(
        rows: Int, hidden: Int, terms: UnsafePointer<Float>, termsRow: Int, recurrent: UnsafePointer<Float>, inputBias: UnsafePointer<Float>,
        hiddenBias: UnsafePointer<Float>, previous: UnsafePointer<Float>?, memoryRow: Int, gates: UnsafeMutablePointer<Float>, gatesRow: Int,
        memories: UnsafeMutablePointer<Float>, squashed: UnsafeMutablePointer<Float>, states: UnsafeMutablePointer<Float>,
        instructions: VectorInstructions = .best
    ) {
        teach_lstm_cells(
            min(instructions, .best).c, rows, hidden, terms, termsRow, recurrent, inputBias, hiddenBias, previous, memoryRow, gates, gatesRow,
            memories, squashed, states)
    }

    /// One time step of an LSTM's cells backward, for `rows` rows of `hidden` units (Teach's `LSTM`,
    /// for Float; `teach_lstm_backward_cells` in CKernels.h says where each number is): the four
    /// gates' `∂E/∂a` into `sums`, and the memory's gradient carried on, replacing
    /// `carriedMemory`. The Swift loop's arithmetic in its order, so the same numbers.
    /// `previous` is `nil` at the first step (the memories before it are 0).
    public static func lstmBackwardCells(
        rows: Int, hidden: Int, gates: UnsafePointer<Float>, gatesRow: Int, squashed: UnsafePointer<Float>, previous: UnsafePointer<Float>?,
        memoryRow: Int, outputGradient: UnsafePointer<Float>, carriedState: UnsafePointer<Float>,
        carriedMemory: UnsafeMutablePointer<Float>, sums: UnsafeMutablePointer<Float>, sumsRow: Int, instructions: VectorInstructions = .best
    ) {
        teach_lstm_backward_cells(
            min(instructions, .best).c, rows, hidden, gates, gatesRow, squashed, previous, memoryRow, outputGradient, carriedState,
            carriedMemory, sums, sumsRow)
    }

    /// One time step of a GRU's cells backward, for `rows` rows of `hidden` units (Teach's `GRU`, for
    /// Float; `teach_gru_backward_cells` in CKernels.h says where each number is): `∂E/∂a` and
    /// `∂E/∂u` of the three gates, and the part of `∂E/∂h₋₁` through the update gate, `direct`.
    /// The Swift loop's arithmetic in its order, so the same numbers. `previous` is `nil` at the
    /// first step (the states before it are 0).
    public static func gruBackwardCells(
        rows: Int, hidden: Int, gates: UnsafePointer<Float>, gatesRow: Int, previous: UnsafePointer<Float>?, stateRow: Int,
        outputGradient: UnsafePointer<Float>, carried: UnsafePointer<Float>, inputSums: UnsafeMutablePointer<Float>,
        recurrentSums: UnsafeMutablePointer<Float>, direct: UnsafeMutablePointer<Float>, instructions: VectorInstructions = .best
    ) {
        teach_gru_backward_cells(
            min(instructions, .best).c, rows, hidden, gates, gatesRow, previous, stateRow, outputGradient, carried, inputSums, recurrentSums,
            direct)
    }

    /// Up to this many rows of `op(A)`, a ``product(m:n:k:a:aRow:aColumn:b:bRow:bColumn:c:accumulate:twoCores:instructions:)``
    /// with a row-major `B` streams `B` without packing, and each number is one chain of
    /// multiply-adds over the whole depth instead of one per depth block of at most 256.
    public static var fewRows: Int { FloatProductBlocking.fewRows }

    /// Adam's update of `count` Float parameters in place (the rule in Teach's Optimizer.swift,
    /// bit for bit); large tensors are split over both cores.
    public static func adam(
        count: Int, parameters: UnsafeMutablePointer<Float>, gradients: UnsafePointer<Float>, first: UnsafeMutablePointer<Float>,
        second: UnsafeMutablePointer<Float>, learningRate: Float, beta1: Float, beta2: Float, epsilon: Float,
        correction1: Float, correction2: Float, decay: Float
    ) {
        adamFloatUpdate(
            count: count, parameters: parameters, gradients: gradients, first: first, second: second, learningRate: learningRate,
            beta1: beta1, beta2: beta2, epsilon: epsilon, correction1: correction1, correction2: correction2, decay: decay)
    }

    /// Whether the product's worker thread spins for a millisecond after each job, waiting for the
    /// next, instead of sleeping at once: faster for a training loop, which hands it a product every
    /// few microseconds, but it keeps a core busy. Off until set (Teach's `ProcessTuning` sets it).
    public static var workerStaysAwake: Bool {
        get { ProductWorker.staysAwake.load(ordering: .relaxed) }
        set { ProductWorker.staysAwake.store(newValue, ordering: .relaxed) }
    }

    /// ReLU: `output[i] = input[i] > 0 ? input[i] : 0` (NaN and −0 give +0), for `count` numbers.
    public static func relu(count: Int, _ input: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>) {
        teach_relu(count, input, output)
    }

    /// The gradient through a ReLU: `output[i] = gradient[i] · (weightedSums[i] > 0 ? 1 : 0)`, the
    /// same multiplication as `g · f'(h)` (so `-g · 0` is `-0`, as there).
    public static func reluGradient(
        count: Int, _ gradient: UnsafePointer<Float>, weightedSums: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>
    ) {
        teach_relu_gradient(count, gradient, weightedSums, output)
    }
}
