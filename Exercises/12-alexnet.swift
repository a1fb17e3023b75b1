import Teach

extension MyAnswers {
    /// 12.1 A convolution's parameters (`swift run exercises show 12.1`).
    public static func convolutionParameters(kernel: Int, inputChannels: Int, filters: Int) -> Int {
        kernel * kernel * inputChannels * filters  // the weights: anything else?
    }

    /// 12.2 A convolution's multiply-adds (`swift run exercises show 12.2`).
    public static func convolutionMultiplyAdds(outputSize: Int, kernel: Int, inputChannels: Int, filters: Int) -> Int {
        kernel * kernel * inputChannels * filters  // for one output pixel
    }
}
