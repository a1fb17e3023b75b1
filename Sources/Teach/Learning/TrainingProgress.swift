import Foundation

/// Training progress as Keras prints it: per epoch a bar with the batches done, the time so far,
/// and the running loss and accuracy, then the validation loss and accuracy when the epoch ends.
///
///     Epoch 3/5  [===========>..................]  120/329  0.4s  loss 0.4312  accuracy 0.8450
///     Epoch 3/5  [==============================]  329/329  1.1s  loss 0.4201  accuracy 0.8501  val_loss 0.4400  val_accuracy 0.8433
///
/// On a terminal the bar is redrawn in place (`\r`) a few times a second; when the output is a
/// file or a pipe (a log, the book) only each epoch's final line is written. Hand its
/// ``batch(_:)`` and ``epoch(_:)`` to ``TrainingOptions/afterBatch`` and ``TrainingOptions/afterEpoch``.
public final class TrainingProgress {
    /// Where the progress goes (standard error by default, so standard output stays the lesson).
    let output: FileHandle
    /// Whether to redraw a live bar.
    let live: Bool
    let epochs: Int
    let title: String?
    let clock = ContinuousClock()
    var epochStart: ContinuousClock.Instant
    var lastDraw: ContinuousClock.Instant
    var lossSum = 0.0, batches = 0, correct = 0, records = 0, anyAccuracy = false
    var last: BatchRecord?

    /// Progress for a run of `epochs` epochs, with an optional `title` line before the first.
    ///
    /// - Parameters:
    ///   - epochs: the number of epochs the run will have, for the `Epoch 3/10` count.
    ///   - title: a line printed before the first epoch, such as the model's name.
    ///   - output: where the progress goes; standard error by default, so it stays out of the book's text.
    ///   - live: redraw a bar in place; `nil` decides by whether `output` is a terminal.
    public init(epochs: Int, title: String? = nil, output: FileHandle = .standardError, live: Bool? = nil) {
        self.epochs = epochs
        self.title = title
        self.output = output
        self.live = live ?? (isatty(output.fileDescriptor) == 1)
        epochStart = clock.now
        lastDraw = clock.now
        if let title { write(title + "\n") }
    }

    /// Records one update; on a terminal, redraws the bar (at most ten times a second, and at the
    /// epoch's first and last batch).
    public func batch(_ record: BatchRecord) {
        if record.batch == 1 {
            epochStart = clock.now
            (lossSum, batches, correct, records, anyAccuracy) = (0, 0, 0, 0, false)
        }
        lossSum += record.loss
        batches += 1
        records += record.records
        if let right = record.correct {
            correct += right
            anyAccuracy = true
        }
        last = record
        guard live else { return }
        let now = clock.now
        if record.batch == 1 || record.batch == record.batchCount || now - lastDraw > .milliseconds(100) {
            lastDraw = now
            write("\r" + line(record, validation: nil) + "\u{1B}[K")
        }
    }

    /// Ends the epoch's line with its validation numbers.
    public func epoch(_ record: EpochRecord) {
        guard record.epoch > 0, let last else { return }
        let summary = line(last, validation: record)
        write((live ? "\r" + summary + "\u{1B}[K" : summary) + "\n")
    }

    /// The text of one progress line: epoch, bar, batches, seconds, running loss and accuracy, and
    /// (at the end of the epoch) the validation loss and accuracy.
    func line(_ record: BatchRecord, validation: EpochRecord?) -> String {
        let seconds = (clock.now - epochStart) / .seconds(1)
        var text = TrainingProgress.bar(epoch: record.epoch, of: epochs, batch: record.batch, of: record.batchCount)
        text += "  " + String(format: "%.1fs", seconds)
        text += "  loss " + String(format: "%.4f", lossSum / Double(max(batches, 1)))
        if anyAccuracy { text += "  accuracy " + String(format: "%.4f", Double(correct) / Double(max(records, 1))) }
        if let loss = validation?.validationLoss { text += "  val_loss " + String(format: "%.4f", loss) }
        if let accuracy = validation?.validationAccuracy { text += "  val_accuracy " + String(format: "%.4f", accuracy) }
        return text
    }

    /// `Epoch 3/5  [=====>......]  120/329`: the bar is 30 characters, `=` for batches done.
    static func bar(epoch: Int, of epochs: Int, batch: Int, of batchCount: Int, width: Int = 30) -> String {
        let done = batchCount == 0 ? width : min(width, width * batch / batchCount)
        let arrow = done < width && done > 0 ? String(repeating: "=", count: done - 1) + ">" : String(repeating: "=", count: done)
        let digits = String(batchCount).count
        let counter = String(repeating: " ", count: max(0, digits - String(batch).count)) + "\(batch)/\(batchCount)"
        let epochDigits = String(epochs).count
        let epochText = String(repeating: " ", count: max(0, epochDigits - String(epoch).count)) + "\(epoch)/\(epochs)"
        return "Epoch \(epochText)  [" + arrow + String(repeating: ".", count: width - arrow.count) + "]  " + counter
    }

    func write(_ text: String) {
        output.write(Data(text.utf8))
    }
}
