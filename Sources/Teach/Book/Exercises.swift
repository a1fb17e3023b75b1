/// One exercise at a chapter's end: the reader answers it in `Exercises/`, and
/// `swift run exercises check <id>` checks the answer.
public struct ExerciseEntry: Sendable, Equatable {
    /// `chapter.number`, e.g. `4.2`.
    public var id: String
    /// The chapter it belongs to.
    public var chapter: Int
    /// A few words, e.g. "The backward pass of a dense layer".
    public var title: String
    /// What to write, in a sentence or three: what the function is given and what it returns.
    public var task: String
    /// The function to fill in, in the chapter's file under `Exercises/` (`MyAnswers.<function>`).
    public var function: String

    /// The file of `Exercises/` (and of `Solutions/`) that holds this exercise.
    public var file: String {
        let entry = BookContents.chapters.first { $0.number == chapter }
        return "\(entry?.directory ?? String(chapter)).swift"
    }
}

extension BookContents {
    /// The book's exercises, in order: two or three per chapter.
    ///
    /// The checks live in the `ExerciseChecks` target, one per entry (a test keeps the two lists
    /// equal); the reader's stubs are in `Exercises/`, the reference answers in `Solutions/`.
    public static let exercises: [ExerciseEntry] = [
        ExerciseEntry(
            id: "1.1", chapter: 1, title: "A perceptron's output",
            task: "Return the perceptron's output, 0 or 1, for `weights` (the bias weight w₀ first) and `inputs`: the step of the weighted sum, 1 when it is 0 or more.",
            function: "perceptronOutput(weights:inputs:)"),
        ExerciseEntry(
            id: "1.2", chapter: 1, title: "The perceptron learning rule",
            task: "Apply the learning rule once to the example (`inputs`, `target`) and return the new weights, bias weight first: each weight moves by η (y − a) xᵢ with x₀ = 1.",
            function: "perceptronLearn(weights:inputs:target:learningRate:)"),
        ExerciseEntry(
            id: "1.3", chapter: 1, title: "NAND by hand",
            task: "Return weights `[w₀, w₁, w₂]` for which the perceptron computes NAND: 0 only when both inputs are 1.",
            function: "nandWeights()"),
        ExerciseEntry(
            id: "2.1", chapter: 2, title: "XOR from gates",
            task: "Return a network of step units (`Dense` layers with `.step` activation) that computes x1 XOR x2 on the four inputs 0/1.",
            function: "xorNetwork()"),
        ExerciseEntry(
            id: "2.2", chapter: 2, title: "XNOR with two neurons fewer",
            task: "Case 2 builds XNOR from 8 step units in 4 layers. Build XNOR from step units with at most 6 units in all.",
            function: "xnorWithSixUnits()"),
        ExerciseEntry(
            id: "3.1", chapter: 3, title: "The sigmoid's derivative from its output",
            task: "Given a sigmoid unit's output `a = σ(h)`, return the derivative σ′(h), written with `a` only.",
            function: "sigmoidDerivative(output:)"),
        ExerciseEntry(
            id: "3.2", chapter: 3, title: "One neuron's gradient",
            task: "For one sigmoid neuron `a = σ(w·x + b)` and the cost `E = ½(y − a)²`, return ∂E/∂w (one per weight) and ∂E/∂b at the given weights, bias, inputs and target.",
            function: "neuronGradient(weights:bias:inputs:target:)"),
        ExerciseEntry(
            id: "4.1", chapter: 4, title: "The derivative of tanh",
            task: "Return tanh′(h), the derivative of tanh at `h`.",
            function: "tanhDerivative(_:)"),
        ExerciseEntry(
            id: "4.2", chapter: 4, title: "Two paths into one node",
            task: "For `d = m − b`, `f = m · c` and `e = d · f`, return ∂e/∂m, ∂e/∂b and ∂e/∂c. `m` reaches `e` along two paths.",
            function: "twoPathGradients(m:b:c:)"),
        ExerciseEntry(
            id: "4.3", chapter: 4, title: "The backward pass of a dense layer",
            task: "A dense layer computes `Y = X·W + b` for a batch `X` (records in rows). Given `X`, `W` and `G = ∂E/∂Y`, return ∂E/∂W, ∂E/∂b (a row) and ∂E/∂X.",
            function: "denseBackward(input:weights:outputGradient:)"),
        ExerciseEntry(
            id: "5.1", chapter: 5, title: "Standardize the features",
            task: "Return `x` with every column shifted by its mean and divided by its standard deviation (the population's, dividing by m), so each column has mean 0 and standard deviation 1.",
            function: "standardized(_:)"),
        ExerciseEntry(
            id: "5.2", chapter: 5, title: "One epoch of SGD",
            task: "Train a linear unit `ŷ = x·w + b` for one epoch of SGD on the half squared error: one update per record, in order, with learning rate η. Return the weights and bias after the epoch.",
            function: "sgdEpoch(weights:bias:inputs:targets:learningRate:)"),
        ExerciseEntry(
            id: "6.1", chapter: 6, title: "Cut an epoch into minibatches",
            task: "Return the ranges of record indices of each minibatch of an epoch over `count` records in order, `batchSize` each, the last one shorter when `batchSize` does not divide `count`.",
            function: "minibatchRanges(count:batchSize:)"),
        ExerciseEntry(
            id: "6.2", chapter: 6, title: "A minibatch's gradient as matrices",
            task: "For the linear unit `Ŷ = X·w + b` and the mean over the batch of the half squared error, return ∂E/∂w and ∂E/∂b with matrix products, not a loop over records.",
            function: "minibatchGradient(weights:bias:inputs:targets:)"),
        ExerciseEntry(
            id: "7.1", chapter: 7, title: "Leaky ReLU's derivative",
            task: "Return the derivative of leaky ReLU with the given negative slope at `h`, taking PyTorch's value at `h = 0`.",
            function: "leakyReLUDerivative(_:negativeSlope:)"),
        ExerciseEntry(
            id: "7.2", chapter: 7, title: "Softplus's derivative, for any input",
            task: "Return the derivative of softplus `log(1 + eʰ)` at `h`, finite and accurate for every finite `h` (try h = ±800).",
            function: "softplusDerivative(_:)"),
        ExerciseEntry(
            id: "8.1", chapter: 8, title: "Xavier's uniform bound",
            task: "Return the bound `a` of Xavier (Glorot) uniform initialization, weights drawn from U(−a, a), for the given fan-in and fan-out (gain 1), as `torch.nn.init.xavier_uniform_`.",
            function: "xavierUniformBound(fanIn:fanOut:)"),
        ExerciseEntry(
            id: "8.2", chapter: 8, title: "He's standard deviation",
            task: "Return the standard deviation of He (Kaiming) normal initialization for a ReLU layer with the given fan-in, as `torch.nn.init.kaiming_normal_`.",
            function: "heNormalStandardDeviation(fanIn:)"),
        ExerciseEntry(
            id: "9.1", chapter: 9, title: "A momentum step",
            task: "One step of SGD with momentum μ as PyTorch takes it: return the new weight and velocity from the weight, the velocity, the gradient, the learning rate and μ.",
            function: "momentumStep(weight:velocity:gradient:learningRate:momentum:)"),
        ExerciseEntry(
            id: "9.2", chapter: 9, title: "An Adam step",
            task: "Step `t` (1 for the first) of Adam with bias correction, as `torch.optim.Adam`: return the new weight and the first and second moment estimates `m` and `v`.",
            function: "adamStep(weight:m:v:step:gradient:learningRate:beta1:beta2:epsilon:)"),
        ExerciseEntry(
            id: "10.1", chapter: 10, title: "Inverted dropout",
            task: "Given `x`, a mask of 1s (kept) and 0s (dropped) and the drop rate p, return dropout's training-time output, scaled so that its expected value is `x`.",
            function: "invertedDropout(_:mask:rate:)"),
        ExerciseEntry(
            id: "10.2", chapter: 10, title: "Clipping by the global norm",
            task: "Return the gradients clipped as `torch.nn.utils.clip_grad_norm_` clips them: when the norm of all of them taken together exceeds `maxNorm`, every one is scaled by maxNorm / (norm + 10⁻⁶).",
            function: "clippedByGlobalNorm(_:maxNorm:)"),
        ExerciseEntry(
            id: "11.1", chapter: 11, title: "The output size of a convolution",
            task: "Return the output's height (or width) for an input of `input` pixels, a `kernel`-wide window, a stride and zero padding on each side, as PyTorch computes it.",
            function: "convolutionOutputSize(input:kernel:stride:padding:)"),
        ExerciseEntry(
            id: "11.2", chapter: 11, title: "What a convolution layer computes",
            task: "Return the output of one filter on one channel, stride 1, no padding: each output pixel is the sum of the window's pixels times the filter's weights, as `Conv2D` (and PyTorch) compute it.",
            function: "convolutionLayerOutput(image:filter:)"),
        ExerciseEntry(
            id: "11.3", chapter: 11, title: "The backward pass of max pooling",
            task: "For max pooling over non-overlapping `window`×`window` squares of `input`, return ∂E/∂input from the output's gradient `outputGradient`.",
            function: "maxPoolBackward(input:window:outputGradient:)"),
        ExerciseEntry(
            id: "12.1", chapter: 12, title: "A convolution's parameters",
            task: "Return the number of parameters (weights and biases) of a convolution with `filters` filters of `kernel`×`kernel` over `inputChannels` channels.",
            function: "convolutionParameters(kernel:inputChannels:filters:)"),
        ExerciseEntry(
            id: "12.2", chapter: 12, title: "A convolution's multiply-adds",
            task: "Return the multiply-adds one image costs in that convolution when its output is `outputSize`×`outputSize`.",
            function: "convolutionMultiplyAdds(outputSize:kernel:inputChannels:filters:)"),
        ExerciseEntry(
            id: "13.1", chapter: 13, title: "A softmax that does not overflow",
            task: "Return the softmax of `logits`, finite for logits as large as 1000.",
            function: "softmax(_:)"),
        ExerciseEntry(
            id: "13.2", chapter: 13, title: "Cross-entropy's gradient",
            task: "Return ∂E/∂z for `E = −log softmax(z)[target]`, one number per logit.",
            function: "crossEntropyGradient(logits:target:)"),
        ExerciseEntry(
            id: "14.1", chapter: 14, title: "Accuracy from the network's outputs",
            task: "Each row of `outputs` is one record's scores; the predicted class is the column of the largest (the first on a tie). Return the fraction of records whose prediction is their label.",
            function: "accuracy(outputs:labels:)"),
        ExerciseEntry(
            id: "14.2", chapter: 14, title: "The confusion matrix",
            task: "Return the `classes`×`classes` counts, row the true label and column the prediction, as the chapter's table prints them.",
            function: "confusionMatrix(predicted:labels:classes:)"),
        ExerciseEntry(
            id: "15.1", chapter: 15, title: "One step of an RNN",
            task: "Return the next state `h = tanh(x W_ihᵀ + b_ih + h_prev W_hhᵀ + b_hh)` of a tanh RNN cell, for one step's input `x` (1×I), the state before (1×H) and the weights in PyTorch's layout (`W_ih` H×I, `W_hh` H×H, biases 1×H).",
            function: "rnnStep(input:state:inputWeights:hiddenWeights:inputBias:hiddenBias:)"),
        ExerciseEntry(
            id: "15.2", chapter: 15, title: "Backpropagation through time",
            task: "A tanh RNN with one bias `b` reads the steps of `inputs` (one row per step, T×I) from `h_0 = 0`: `h_t = tanh(x_t W_ihᵀ + h_{t−1} W_hhᵀ + b)`. For `E = ½‖h_T − y‖²` return ∂E/∂W_ih, ∂E/∂W_hh and ∂E/∂b, every step's share summed.",
            function: "rnnGradients(inputs:target:inputWeights:hiddenWeights:bias:)"),
        ExerciseEntry(
            id: "16.1", chapter: 16, title: "One step of an LSTM",
            task: "Return the next state `h` and memory `c` of an LSTM cell as `torch.nn.LSTM` computes them, from one step's input (1×I), the state and memory before (1×H each) and the weights, the four gates stacked in PyTorch's order (`W_ih` 4H×I, `W_hh` 4H×H, biases 1×4H).",
            function: "lstmStep(input:state:memory:inputWeights:hiddenWeights:inputBias:hiddenBias:)"),
        ExerciseEntry(
            id: "16.2", chapter: 16, title: "One step of a GRU",
            task: "Return the next state of a GRU cell as `torch.nn.GRU` computes it, from one step's input (1×I), the state before (1×H) and the weights in PyTorch's order `r, z, n` (`W_ih` 3H×I, `W_hh` 3H×H, biases 1×3H). Mind which of the state and the new content the update gate keeps.",
            function: "gruStep(input:state:inputWeights:hiddenWeights:inputBias:hiddenBias:)"),
        ExerciseEntry(
            id: "17.1", chapter: 17, title: "A word's bigram NLL by hand",
            task: "`counts[a][b]` is how often token `b` followed token `a` (ids: `.` = 0, `a` = 1, …, `z` = 26). With add-α smoothing, return the word's negative log-likelihood per character: −log P(b | a) summed over the pairs of `.word.`, divided by the number of predictions (the letters plus the end).",
            function: "bigramNegativeLogLikelihood(word:counts:smoothing:)"),
        ExerciseEntry(
            id: "17.2", chapter: 17, title: "Sampling from a probability row",
            task: "Given probabilities that sum to 1 and one uniform number `u` in [0, 1), return the index drawn: the first `k` whose cumulative probability `p₀ + … + p_k` is greater than `u` (so index `k` is drawn with probability `p_k`).",
            function: "sampleIndex(probabilities:uniform:)"),
        ExerciseEntry(
            id: "17.3", chapter: 17, title: "The cross-entropy of a sequence",
            task: "Each row of `logits` is one position's scores for the next token, and `targets` the token that came, or `ignoreIndex` for padding. Return the loss a language model trains on: −log softmax(row)[target], averaged over the positions that are not ignored.",
            function: "sequenceCrossEntropy(logits:targets:ignoreIndex:)"),
        ExerciseEntry(
            id: "18.1", chapter: 18, title: "Attention weights",
            task: "Return the weights one query gives each key: the scaled dot products `q · k / √d` (d, the numbers per key), a softmax over them, and 0 for a key marked as padding (leave it out of the softmax).",
            function: "attentionWeights(query:keys:padding:)"),
        ExerciseEntry(
            id: "18.2", chapter: 18, title: "Teacher forcing",
            task: "Return what the decoder reads at each step in training: the start token at step 0, then at step j the target of step j − 1.",
            function: "decoderInputs(targets:start:)"),
        ExerciseEntry(
            id: "19.1", chapter: 19, title: "Causal attention weights",
            task: "One head whose queries, keys and values are the rows of `x` themselves (T×d, one row per position): return the T×T attention weights, each row `i` a softmax of the scaled dot products `x_i · x_j / √d` over the positions `j ≤ i` only, and 0 for every later position (the causal mask).",
            function: "causalAttentionWeights(_:)"),
        ExerciseEntry(
            id: "19.2", chapter: 19, title: "A transformer's parameters",
            task: "Return the number of parameters of `Architectures.characterTransformer` for V tokens, T positions, E numbers per position and L blocks: token and position embeddings, per block two layer norms, the attention's query/key/value and output projections (with biases) and the 4E MLP, the final layer norm and the output layer (not tied to the embedding). The number of heads does not matter: why?",
            function: "transformerParameterCount(vocabulary:length:dimension:blocks:)"),
        ExerciseEntry(
            id: "19.3", chapter: 19, title: "Next-character windows",
            task: "Cut a stream of ids into windows of `length` for a causal language model, as `EncodedText` does: a window every `length` ids from the first, each target the id after its input, so every id but the first is a target once; past the end of the stream the input is 0 and the target −100 (ignored).",
            function: "textWindows(ids:length:)"),
    ]

    /// The exercises of chapter `number`, in order.
    public static func exercises(ofChapter number: Int) -> [ExerciseEntry] {
        exercises.filter { $0.chapter == number }
    }
}
