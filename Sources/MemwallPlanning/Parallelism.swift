import MemwallModel

/// How one model is spread over devices (Megatron-LM style).
///
/// - Tensor parallelism `tensor`: every layer's heads, MLP columns and vocabulary are split
///   over `tensor` devices (key/value heads are replicated when there are fewer of them than
///   devices); two all-reduces per layer join the partial sums.
/// - Pipeline parallelism `pipeline`: the layers are cut into `pipeline` consecutive stages on
///   different devices; activations pass point to point between stages.
/// - Expert parallelism `expert`: a mixture of experts' experts are split over `expert` of the
///   `tensor` devices (it must divide `tensor`); tokens reach their experts and return by two
///   all-to-alls per MoE layer, and each expert's MLP is split over the remaining `tensor / expert`.
///
/// Devices used: `tensor x pipeline`.
public struct Parallelism: Sendable, Hashable, CustomStringConvertible {
    public var tensor: Int
    public var pipeline: Int
    public var expert: Int

    public init(tensor: Int = 1, pipeline: Int = 1, expert: Int = 1) {
        self.tensor = tensor
        self.pipeline = pipeline
        self.expert = expert
    }

    public var devices: Int { tensor * pipeline }

    /// `tp2 pp1 ep1` style label used in reports.
    public var description: String { "tp\(tensor) pp\(pipeline) ep\(expert)" }

    /// Layers on the most loaded pipeline stage.
    public func layersPerStage(of config: ModelConfig) -> Int { (config.layers + pipeline - 1) / pipeline }

    /// Refuses splits the model's shapes do not allow, saying which dimension and what divides it.
    public func check(for config: ModelConfig) throws(PlanningError) {
        guard tensor >= 1, pipeline >= 1, expert >= 1 else {
            throw PlanningError("parallelism \(self): every degree must be at least 1")
        }
        guard config.attentionHeads % tensor == 0 else {
            throw PlanningError("tensor parallelism \(tensor) does not divide \(config.attentionHeads) attention heads; expected a divisor of \(config.attentionHeads)")
        }
        let kv = config.keyValueHeads
        guard kv % tensor == 0 || tensor % kv == 0 else {
            throw PlanningError("tensor parallelism \(tensor) and \(kv) key/value heads: expected one to divide the other")
        }
        guard pipeline <= config.layers else {
            throw PlanningError("pipeline parallelism \(pipeline) exceeds \(config.layers) layers; expected at most one stage per layer")
        }
        if config.isMixtureOfExperts, let experts = config.localExperts {
            guard tensor % expert == 0 else {
                throw PlanningError("expert parallelism \(expert) does not divide tensor parallelism \(tensor); expected the expert group inside the tensor group")
            }
            guard experts % expert == 0 else {
                throw PlanningError("expert parallelism \(expert) does not divide \(experts) experts; expected a divisor of \(experts)")
            }
        } else if expert != 1 {
            throw PlanningError("expert parallelism \(expert) on a dense model; expected 1 (the model has no experts)")
        }
        let mlpSplit = config.isMixtureOfExperts ? tensor / expert : tensor
        guard config.intermediateSize % mlpSplit == 0 else {
            throw PlanningError("intermediate size \(config.intermediateSize) is not divisible by \(mlpSplit) devices; expected a tensor parallelism that divides it")
        }
    }

    /// One device's share of one layer: heads, key/value heads, MLP width and vocabulary divided
    /// as described above, with a single layer (every layer is the same; callers scale by layers).
    public func deviceConfig(_ config: ModelConfig) -> ModelConfig {
        var shard = config
        shard.attentionHeads = config.attentionHeads / tensor
        shard.keyValueHeads = max(1, config.keyValueHeads / tensor)
        shard.intermediateSize = config.intermediateSize / (config.isMixtureOfExperts ? tensor / expert : tensor)
        shard.vocabSize = (config.vocabSize + tensor - 1) / tensor
        shard.layers = 1
        return shard
    }

    /// The power-of-two splits of at most `devices` devices the model's shapes allow, fewest
    /// devices first (tensor before pipeline for the same count).
    public static func candidates(for config: ModelConfig, upTo devices: Int) -> [Parallelism] {
        var result: [Parallelism] = []
        var tensor = 1
        while tensor <= devices {
            var pipeline = 1
            while tensor * pipeline <= devices {
                var experts = [1]
                if config.isMixtureOfExperts {
                    var e = 2
                    while e <= tensor { experts.append(e); e *= 2 }
                }
                for expert in experts {
                    let split = Parallelism(tensor: tensor, pipeline: pipeline, expert: expert)
                    if (try? split.check(for: config)) != nil { result.append(split) }
                }
                pipeline *= 2
            }
            tensor *= 2
        }
        return result.sorted { ($0.devices, $0.pipeline, $0.expert) < ($1.devices, $1.pipeline, $1.expert) }
    }
}
