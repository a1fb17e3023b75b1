/// Backpropagation written as plain loops over single numbers, index by index, exactly as the
/// articles write the sums. It is slow and meant to be read: the chapters show it first, then the
/// matrix form that ``Network`` runs, and a test checks that both give the same numbers.
///
/// Indices follow article 003: `w_ij` is the weight from input (or unit) `i` of one layer to unit `j`
/// of the next, so for a layer `weights[i, j]`.
///
///     forward:   h_j = Σ_i w_ij x_i + b_j,   a_j = f(h_j)
///     output:    δ_k = (y_k − ŷ_k) · f'(h_k)
///     hidden:    δ_j = (Σ_k w_jk δ_k) · f'(h_j)
///     step:      Δw_ij += δ_j x_i  (summed over the records), then  w_ij += η Δw_ij / m
public enum ScalarBackprop {
    /// One record's forward pass through `layers`: the weighted sums `h` of every layer and the
    /// outputs, where `outputs[0]` is the input `x` itself and `outputs[l + 1]` is layer `l`'s output.
    public static func forward(_ layers: [Dense<Double>], _ x: [Double]) -> (sums: [[Double]], outputs: [[Double]]) {
        var sums: [[Double]] = []
        var outputs = [x]
        for layer in layers {
            let input = outputs[outputs.count - 1]
            var h = [Double](repeating: 0, count: layer.unitCount)
            var a = [Double](repeating: 0, count: layer.unitCount)
            for j in 0..<layer.unitCount {
                var sum = layer.bias[0, j]
                for i in 0..<layer.inputCount { sum += layer.weights[i, j] * input[i] }
                h[j] = sum
                a[j] = layer.activation(sum)
            }
            sums.append(h)
            outputs.append(a)
        }
        return (sums, outputs)
    }

    /// One record's error terms `δ`, one array per layer (input side first), from the output back.
    public static func errorTerms(_ layers: [Dense<Double>], _ x: [Double], target y: [Double]) -> [[Double]] {
        let (sums, outputs) = forward(layers, x)
        var deltas = [[Double]](repeating: [], count: layers.count)
        let last = layers.count - 1
        let prediction = outputs[last + 1]
        deltas[last] = (0..<layers[last].unitCount).map { k in
            (y[k] - prediction[k]) * layers[last].activation.derivative(sums[last][k])
        }
        for l in stride(from: last - 1, through: 0, by: -1) {
            let above = layers[l + 1]
            deltas[l] = (0..<layers[l].unitCount).map { j in
                var sum = 0.0
                for k in 0..<above.unitCount { sum += above.weights[j, k] * deltas[l + 1][k] }
                return sum * layers[l].activation.derivative(sums[l][j])
            }
        }
        return deltas
    }

    /// The weight steps of the article's general algorithm, summed over every record (row) of
    /// `inputs`: `Δw_ij = Σ δ_j x_i` and, for the biases, `Δb_j = Σ δ_j`. Not yet divided by `m`.
    public static func weightSteps(
        _ layers: [Dense<Double>], inputs: Matrix<Double>, targets: Matrix<Double>
    ) -> [(weights: Matrix<Double>, bias: Matrix<Double>)] {
        // 1. Set the weight steps to zero.
        var steps = layers.map { (weights: Matrix<Double>(rows: $0.inputCount, columns: $0.unitCount), bias: Matrix<Double>(rows: 1, columns: $0.unitCount)) }
        // 2. For each record: forward pass, error terms, add to the weight steps.
        for record in 0..<inputs.rows {
            let x = inputs.rowArray(record)
            let outputs = forward(layers, x).outputs
            let deltas = errorTerms(layers, x, target: targets.rowArray(record))
            for l in layers.indices {
                for j in 0..<layers[l].unitCount {
                    for i in 0..<layers[l].inputCount { steps[l].weights[i, j] += deltas[l][j] * outputs[l][i] }
                    if layers[l].hasBias { steps[l].bias[0, j] += deltas[l][j] }
                }
            }
        }
        return steps
    }

    /// One epoch of the general algorithm: weight steps over all `m` records, then
    /// `w_ij ← w_ij + η Δw_ij / m` for every weight (and bias).
    public static func trainEpoch(
        _ layers: inout [Dense<Double>], inputs: Matrix<Double>, targets: Matrix<Double>, learningRate: Double
    ) {
        let steps = weightSteps(layers, inputs: inputs, targets: targets)
        let m = Double(inputs.rows)
        for l in layers.indices {
            for i in 0..<layers[l].inputCount {
                for j in 0..<layers[l].unitCount { layers[l].weights[i, j] += learningRate * steps[l].weights[i, j] / m }
            }
            if layers[l].hasBias {
                for j in 0..<layers[l].unitCount { layers[l].bias[0, j] += learningRate * steps[l].bias[0, j] / m }
            }
        }
    }
}
