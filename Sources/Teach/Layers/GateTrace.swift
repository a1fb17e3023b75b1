/// What an ``LSTM`` computed at every step of a batch of sequences: its four gates, its memory and
/// its state, each `B×(T·H)` (step `t` of sequence `n`, unit `k` is column `t·H + k` of row `n`).
/// For looking inside a trained cell: which units keep their memory (forget gate near 1), when a
/// unit writes (input gate), what it shows (output gate).
public struct LSTMTrace<Scalar: MatrixScalar>: Sendable, Equatable {
    /// `i`, the input gate, after its sigmoid.
    public var inputGate: Matrix<Scalar>
    /// `f`, the forget gate, after its sigmoid.
    public var forgetGate: Matrix<Scalar>
    /// `g`, the new content, after its tanh.
    public var content: Matrix<Scalar>
    /// `o`, the output gate, after its sigmoid.
    public var outputGate: Matrix<Scalar>
    /// `c_t`, the memory.
    public var memory: Matrix<Scalar>
    /// `h_t`, the state (the layer's output).
    public var state: Matrix<Scalar>
}

extension LSTM {
    /// The gates, memory and state of every step for the sequences `x` (`B×(T·I)`), from the same
    /// forward pass as ``forward(_:mode:using:)`` (PyTorch has no such call: one would register a
    /// hook or write the cell's loop by hand). The layer itself is not changed.
    /// - Throws: ``ShapeError`` when `x` is not `B×(T·I)`.
    public func trace(_ x: Matrix<Scalar>) throws -> LSTMTrace<Scalar> {
        var layer = self
        var unused = SeededGenerator(seed: 0)
        _ = try layer.forward(x, mode: .inference, using: &unused)
        let (_, gates, memories, _, states) = try layer.saved.take(for: name)
        let h = hiddenCount, t = length
        // The forward pass keeps the gates as B×(T·4H), step after step, each step's block i, f, g, o.
        func gate(_ index: Int) -> Matrix<Scalar> {
            Matrix(rows: x.rows, columns: t * h) { r, c in gates[r, (c / h) * 4 * h + index * h + c % h] }
        }
        return LSTMTrace(
            inputGate: gate(0), forgetGate: gate(1), content: gate(2), outputGate: gate(3), memory: memories, state: states)
    }
}
