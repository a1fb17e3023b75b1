import Teach

/// The answers to the book's exercises: one function per exercise (``BookContents/exercises``).
///
/// The reader's answers are `MyAnswers` in `Exercises/` (each chapter's file holds that chapter's
/// functions, as stubs until answered); the reference answers are `ReferenceAnswers` in
/// `Solutions/`. ``ExerciseCatalogue`` checks either.
public protocol ExerciseAnswers {
    // Chapter 1: the perceptron.
    static func perceptronOutput(weights: [Double], inputs: [Double]) -> Double
    static func perceptronLearn(weights: [Double], inputs: [Double], target: Double, learningRate: Double) -> [Double]
    static func nandWeights() -> [Double]
    // Chapter 2: logic gates as networks.
    static func xorNetwork() throws -> [Dense<Double>]
    static func xnorWithSixUnits() throws -> [Dense<Double>]
    // Chapter 3: one step of gradient descent.
    static func sigmoidDerivative(output a: Double) -> Double
    static func neuronGradient(weights: [Double], bias: Double, inputs: [Double], target: Double) -> (weights: [Double], bias: Double)
    // Chapter 4: backpropagation.
    static func tanhDerivative(_ h: Double) -> Double
    static func twoPathGradients(m: Double, b: Double, c: Double) -> (m: Double, b: Double, c: Double)
    static func denseBackward(input: Matrix<Double>, weights: Matrix<Double>, outputGradient: Matrix<Double>) throws
        -> (weights: Matrix<Double>, bias: Matrix<Double>, input: Matrix<Double>)
    // Chapter 5: stochastic gradient descent.
    static func standardized(_ x: Matrix<Double>) -> Matrix<Double>
    static func sgdEpoch(weights: Matrix<Double>, bias: Double, inputs: Matrix<Double>, targets: Matrix<Double>, learningRate: Double) throws
        -> (weights: Matrix<Double>, bias: Double)
    // Chapter 6: minibatches.
    static func minibatchRanges(count: Int, batchSize: Int) -> [Range<Int>]
    static func minibatchGradient(weights: Matrix<Double>, bias: Double, inputs: Matrix<Double>, targets: Matrix<Double>) throws
        -> (weights: Matrix<Double>, bias: Double)
    // Chapter 7: activation functions.
    static func leakyReLUDerivative(_ h: Double, negativeSlope: Double) -> Double
    static func softplusDerivative(_ h: Double) -> Double
    // Chapter 8: initialization.
    static func xavierUniformBound(fanIn: Int, fanOut: Int) -> Double
    static func heNormalStandardDeviation(fanIn: Int) -> Double
    // Chapter 9: optimizers.
    static func momentumStep(weight: Double, velocity: Double, gradient: Double, learningRate: Double, momentum: Double)
        -> (weight: Double, velocity: Double)
    static func adamStep(
        weight: Double, m: Double, v: Double, step t: Int, gradient: Double, learningRate: Double, beta1: Double, beta2: Double,
        epsilon: Double
    ) -> (weight: Double, m: Double, v: Double)
    // Chapter 10: regularization.
    static func invertedDropout(_ x: Matrix<Double>, mask: Matrix<Double>, rate: Double) throws -> Matrix<Double>
    static func clippedByGlobalNorm(_ gradients: [Matrix<Double>], maxNorm: Double) -> [Matrix<Double>]
    // Chapter 11: convolutions.
    static func convolutionOutputSize(input: Int, kernel: Int, stride: Int, padding: Int) -> Int
    static func convolutionLayerOutput(image: Matrix<Double>, filter: Matrix<Double>) throws -> Matrix<Double>
    static func maxPoolBackward(input: Matrix<Double>, window: Int, outputGradient: Matrix<Double>) throws -> Matrix<Double>
    // Chapter 12: AlexNet.
    static func convolutionParameters(kernel: Int, inputChannels: Int, filters: Int) -> Int
    static func convolutionMultiplyAdds(outputSize: Int, kernel: Int, inputChannels: Int, filters: Int) -> Int
    // Chapter 13: classification.
    static func softmax(_ logits: [Double]) -> [Double]
    static func crossEntropyGradient(logits: [Double], target: Int) -> [Double]
    // Chapter 14: training.
    static func accuracy(outputs: Matrix<Double>, labels: [Int]) -> Double
    static func confusionMatrix(predicted: [Int], labels: [Int], classes: Int) -> [[Int]]
    // Chapter 15: recurrent networks.
    static func rnnStep(
        input: Matrix<Double>, state: Matrix<Double>, inputWeights: Matrix<Double>, hiddenWeights: Matrix<Double>, inputBias: Matrix<Double>,
        hiddenBias: Matrix<Double>
    ) throws -> Matrix<Double>
    static func rnnGradients(
        inputs: Matrix<Double>, target: Matrix<Double>, inputWeights: Matrix<Double>, hiddenWeights: Matrix<Double>, bias: Matrix<Double>
    ) throws -> (inputWeights: Matrix<Double>, hiddenWeights: Matrix<Double>, bias: Matrix<Double>)
    // Chapter 16: LSTM and GRU.
    static func lstmStep(
        input: Matrix<Double>, state: Matrix<Double>, memory: Matrix<Double>, inputWeights: Matrix<Double>, hiddenWeights: Matrix<Double>,
        inputBias: Matrix<Double>, hiddenBias: Matrix<Double>
    ) throws -> (state: Matrix<Double>, memory: Matrix<Double>)
    static func gruStep(
        input: Matrix<Double>, state: Matrix<Double>, inputWeights: Matrix<Double>, hiddenWeights: Matrix<Double>, inputBias: Matrix<Double>,
        hiddenBias: Matrix<Double>
    ) throws -> Matrix<Double>
    // Chapter 18: encoder-decoder networks and attention.
    static func attentionWeights(query: [Double], keys: [[Double]], padding: [Bool]) -> [Double]
    static func decoderInputs(targets: [Int], start: Int) -> [Int]
    // Chapter 17: a character-level language model.
    static func bigramNegativeLogLikelihood(word: String, counts: [[Int]], smoothing: Double) -> Double
    static func sampleIndex(probabilities: [Double], uniform: Double) -> Int
    static func sequenceCrossEntropy(logits: Matrix<Double>, targets: [Int], ignoreIndex: Int) -> Double
    // Chapter 19: a small transformer.
    static func causalAttentionWeights(_ x: Matrix<Double>) -> Matrix<Double>
    static func transformerParameterCount(vocabulary: Int, length: Int, dimension: Int, blocks: Int) -> Int
    static func textWindows(ids: [Int], length: Int) -> (inputs: [[Int]], targets: [[Int]])
}
