import Teach

extension ReferenceAnswers {
    /// 12.1: each filter has `k·k·C` weights and one bias.
    public static func convolutionParameters(kernel: Int, inputChannels: Int, filters: Int) -> Int {
        (kernel * kernel * inputChannels + 1) * filters
    }

    /// 12.2: every output pixel of every filter costs `k·k·C` multiply-adds.
    public static func convolutionMultiplyAdds(outputSize: Int, kernel: Int, inputChannels: Int, filters: Int) -> Int {
        outputSize * outputSize * kernel * kernel * inputChannels * filters
    }
}
