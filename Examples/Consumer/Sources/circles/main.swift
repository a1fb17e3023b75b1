import Teach

ProcessTuning.forTraining()  // a training program: keep freed memory and the second core warm
var random = SeededGenerator(seed: 42)
// 2,000 points in the square [-1, 1)²: class 1 inside the circle of radius 0.7, class 0 outside
let points = Matrix<Float>.uniform(rows: 2000, columns: 2, in: -1..<1, using: &random)
let labels = Matrix<Float>(rows: 2000, columns: 2) { r, c in
    let inside = points[r, 0] * points[r, 0] + points[r, 1] * points[r, 1] < 0.49
    return (inside ? 1 : 0) == c ? 1 : 0
}
var model = try Model<Float>([
    Dense(inputs: 2, units: 32, activation: .relu, initializer: .he, using: &random),
    Dense(inputs: 32, units: 2, activation: .identity, initializer: .xavier, using: &random), Softmax(),
])
var adam = try Optimizer<Float>.adam(learningRate: 0.01)
let options = TrainingOptions<Float>(epochs: 40, batchSize: 32, loss: .crossEntropy, measureAccuracy: true)
let history = try model.train(inputs: points, targets: labels, options: options, optimizer: &adam, using: &random)
try model.save(to: "circles.safetensors")
let reloaded = try Model<Float>.load(from: "circles.safetensors")
let correct = try reloaded.predict(points).correctClassifications(labels)
print("loss \(history.first!.loss) → \(history.last!.loss); \(correct) of 2000 right after reloading")
