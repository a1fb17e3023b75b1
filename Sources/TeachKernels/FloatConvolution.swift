import CKernels

/// A Float convolution over channels-last images, run without its patch matrix (the C kernels in
/// Sources/CKernels/convolution.c gather the patches block by block, in cache), on both cores when
/// it is worth it. Every number is the one the product over the whole patch matrix gives.
///
/// The batch's windows are numbered image after image, row-major within an image; the patch matrix
/// has one row of `F·F·C` numbers per window, and the weights are `(F·F·C) × K`, row-major.
public struct FloatConvolution: Sendable {
    var geometry: teach_convolution

    /// The convolution of `height × width × channels` images by `filters` filters of `filterSize ×
    /// filterSize × channels`, `stride` apart, with `padding` zeros around, giving `outputHeight ×
    /// outputWidth × filters`. The sizes are the caller's to check (Teach's Conv2D does).
    public init(
        height: Int, width: Int, channels: Int, outputHeight: Int, outputWidth: Int, filters: Int, filterSize: Int, stride: Int,
        padding: Int
    ) {
        geometry = teach_convolution(
            height: height, width: width, channels: channels, out_height: outputHeight, out_width: outputWidth, filters: filters,
            filter_size: filterSize, stride: stride, padding: padding)
    }

    /// `F·F·C`: the length of a patch.
    public var patchLength: Int { geometry.filter_size * geometry.filter_size * geometry.channels }

    /// Whether the kernels compute this convolution straight from the image rather than through a
    /// product of gathered patches: a filter row (`F·C` numbers) shorter than 16, a first layer on
    /// one or three channels, where the product of so thin a patch matrix spends its time packing.
    public var isThin: Bool { geometry.filter_size * geometry.channels < 16 }

    /// `weightedSums = patches · weights + bias` for a batch of `images`, and `output =
    /// relu(weightedSums)` when `relu` (else `output` is not touched). Both `(images·Ho·Wo) × K`.
    /// With a ReLU and no `weightedSums` only the output is written (one matrix of the batch's
    /// size less to write: `a` is positive exactly where `h` is, all a ReLU's backward pass needs).
    /// Both cores take blocks of windows from one counter.
    public func forward(
        images: Int, x: UnsafePointer<Float>, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
        weightedSums: UnsafeMutablePointer<Float>?, output: UnsafeMutablePointer<Float>, relu: Bool,
        twoCores: Bool = true, instructions: VectorInstructions = .best
    ) {
        let windows = images * geometry.out_height * geometry.out_width
        let set = min(instructions, .best).c, activation = Int32(relu ? TEACH_CONVOLUTION_RELU : TEACH_CONVOLUTION_IDENTITY)
        nonisolated(unsafe) let (weights, bias, sums, output) = (weights, bias, weightedSums, output)
        sharingBlocks(images: images, x, twoCores: twoCores) { g, x, next in
            teach_convolution_forward(set, g, windows, x, weights, bias, sums, output, activation, next)
        }
    }

    /// ``forward(images:x:weights:bias:weightedSums:output:relu:twoCores:instructions:)`` with a
    /// ReLU, followed by max pooling with `pool × pool` windows that tile the output (its height
    /// and width multiples of `pool`): `pooled` (`images × (Ho/pool)·(Wo/pool)·K`) and `sources`
    /// (the index within its image of each pooled number) are what
    /// ``FloatKernels/maxPool(images:height:width:channels:outputHeight:outputWidth:size:stride:_:into:sources:twoCores:)``
    /// gives on the convolution's output, bit for bit, but each block of that output is pooled
    /// while it is in cache and never written whole. Both cores take blocks of whole rows of
    /// pooling windows from one counter.
    public func forwardPooling(
        images: Int, x: UnsafePointer<Float>, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>, pool: Int,
        pooled: UnsafeMutablePointer<Float>, sources: UnsafeMutablePointer<Int32>, twoCores: Bool = true,
        instructions: VectorInstructions = .best
    ) {
        let set = min(instructions, .best).c
        nonisolated(unsafe) let (weights, bias, pooled, sources) = (weights, bias, pooled, sources)
        sharingBlocks(images: images, x, twoCores: twoCores) { g, x, next in
            teach_convolution_pool_forward(set, g, images, x, weights, bias, pool, pooled, sources, next)
        }
    }

    /// The weight gradient `patchesᵀ · gradient` (`(F·F·C) × K`) for a batch of `images`, from the
    /// weighted sums' gradient (one row of `K` per window). Two cores take half of its rows each, or
    /// of its columns for a short patch (not a thin one). The numbers are the packed product's; for a
    /// patch of at most ``FloatKernels/fewRows`` numbers,
    /// ``FloatKernels/product(m:n:k:a:aRow:aColumn:b:bRow:bColumn:c:accumulate:twoCores:instructions:)``
    /// takes its few-rows path instead, which sums differently (Teach's Conv2D uses the product there).
    public func weightGradient(
        images: Int, x: UnsafePointer<Float>, gradient: UnsafePointer<Float>, into weightGradient: UnsafeMutablePointer<Float>,
        twoCores: Bool = true, instructions: VectorInstructions = .best
    ) {
        let windows = images * geometry.out_height * geometry.out_width, rows = patchLength, filters = geometry.filters
        let set = min(instructions, .best).c
        let split = twoCores && worthTwoCores(windows * rows * filters)
        withKernelInput(images: images, x) { g, x in
            nonisolated(unsafe) let (x, gradient, target) = (x, gradient, weightGradient)
            let part = { (firstRow: Int, rowCount: Int, firstFilter: Int, filterCount: Int) in
                withUnsafePointer(to: g) { g in
                    teach_convolution_weight_gradient(set, g, images, x, gradient, target, firstRow, rowCount, firstFilter, filterCount)
                }
            }
            if split && isThin && rows >= 2 {
                // half of the taps each (25: 13 and 12), every filter: a number of a patch, read once, meets them all
                let half = (rows + 1) / 2
                ProductWorker.shared.run({ part(0, half, 0, filters) }, { part(half, rows - half, 0, filters) })
            } else if split && rows >= 16 {
                // half of the panels of 8 rows the product works in (25 rows are 16 and 9, two panels each)
                let half = ((rows + 7) / 8 + 1) / 2 * 8
                ProductWorker.shared.run({ part(0, half, 0, filters) }, { part(half, rows - half, 0, filters) })
            } else if split && filters >= 16 {
                let half = filters / 2 / 8 * 8
                ProductWorker.shared.run({ part(0, rows, 0, half) }, { part(0, rows, half, filters - half) })
            } else {
                part(0, rows, 0, filters)
            }
        }
    }

    /// The input gradient `col2im(gradient · weightsᵀ)` for a batch of `images` (`images × H·W·C`),
    /// written whole. Two cores share it out in blocks of whole images.
    public func inputGradient(
        images: Int, gradient: UnsafePointer<Float>, weights: UnsafePointer<Float>, into inputGradient: UnsafeMutablePointer<Float>,
        twoCores: Bool = true, instructions: VectorInstructions = .best
    ) {
        let windows = images * geometry.out_height * geometry.out_width
        let set = min(instructions, .best).c
        nonisolated(unsafe) let (gradient, weights, target) = (gradient, weights, inputGradient)
        sharingBlocks(twoCores: twoCores && worthTwoCores(windows * patchLength * geometry.filters)) { next in
            withUnsafePointer(to: geometry) { g in
                teach_convolution_input_gradient(set, g, images, gradient, weights, target, next)
            }
        }
    }

    /// Runs `kernel(geometry, input, counter)` for a batch of `images`: on both cores at once when
    /// the work is worth it, both taking blocks from one counter, else here alone with none; with
    /// the input as the kernels read it (``withKernelInput(images:_:_:)``).
    private func sharingBlocks(
        images: Int, _ x: UnsafePointer<Float>, twoCores: Bool,
        _ kernel: @escaping (UnsafePointer<teach_convolution>, UnsafePointer<Float>, UnsafeMutablePointer<Int>?) -> Void
    ) {
        let windows = images * geometry.out_height * geometry.out_width
        withKernelInput(images: images, x) { g, x in
            nonisolated(unsafe) let x = x
            sharingBlocks(twoCores: twoCores && worthTwoCores(windows * patchLength * geometry.filters)) { next in
                withUnsafePointer(to: g) { kernel($0, x, next) }
            }
        }
    }

    /// Runs `body` with the input as the kernels read it: for a thin convolution with padding, a
    /// copy of the images with their zeros written out and the geometry without padding (the same
    /// windows over the same numbers); otherwise `x` and the geometry as they are.
    private func withKernelInput(images: Int, _ x: UnsafePointer<Float>, _ body: (teach_convolution, UnsafePointer<Float>) -> Void) {
        let padding = geometry.padding
        guard isThin, padding > 0 else { return body(geometry, x) }
        var padded = geometry
        padded.height += 2 * padding
        padded.width += 2 * padding
        padded.padding = 0
        let copy = UnsafeMutablePointer<Float>.allocate(capacity: max(1, images * padded.height * padded.width * padded.channels))
        defer { copy.deallocate() }
        teach_pad_images(images, geometry.height, geometry.width, geometry.channels, padding, x, copy)
        body(padded, copy)
    }

    /// Runs `body` on both cores at once with one counter they take blocks of work from (so that
    /// neither waits for the other at the end), or here alone with none.
    private func sharingBlocks(twoCores: Bool, _ body: @escaping (UnsafeMutablePointer<Int>?) -> Void) {
        guard twoCores else { return body(nil) }
        let counter = UnsafeMutablePointer<Int>.allocate(capacity: 1)
        counter.initialize(to: 0)
        defer { counter.deallocate() }
        nonisolated(unsafe) let next = counter
        ProductWorker.shared.run({ body(next) }, { body(next) })
    }

    private func worthTwoCores(_ multiplyAdds: Int) -> Bool { multiplyAdds >= FloatProductBlocking.parallelThreshold }
}
