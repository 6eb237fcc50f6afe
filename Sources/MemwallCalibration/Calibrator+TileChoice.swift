import MemwallModel

/// A tile field `memwall calibrate` chose: the candidate whose fit left the smallest sum of squared
/// (log) residuals. Tile sizes and resident blocks are counts, not continuous parameters, so they
/// are chosen by fitting the rest once per candidate rather than by the least-squares step.
public struct TileChoice: Sendable, Hashable {
    /// One candidate and how well the fit with it explained the measurements.
    public struct Candidate: Sendable, Hashable {
        /// The candidate as the report prints it (`128 x 128`, `2`).
        public var value: String
        /// Sum of squared log(predicted / measured) of that candidate's fit.
        public var residualSumOfSquares: Double
    }

    /// What was chosen: `gemm tile` or `attention blocks per unit`.
    public var parameter: String
    /// The candidate kept, as printed.
    public var chosen: String
    /// Every candidate in the order tried.
    public var candidates: [Candidate]
}

extension Calibrator {
    /// A later candidate must beat the best so far by more than this (in squared log residuals) to
    /// replace it, so exact fits tie to the earlier candidate: the default comes first.
    static let choiceTolerance = 1e-9

    /// Fits the efficiencies and the overhead. Tile fields the file does not state are chosen first:
    /// when the file has no `calibration:` section and some measurement runs a GEMM, the GEMM tile
    /// from ``Calibration/gemmTileCandidates``; then, when the tile does not state
    /// `attention_blocks_per_unit` and some measurement runs FlashAttention, the occupancy from
    /// ``Calibration/attentionBlocksPerUnitCandidates``. Each is the candidate whose fit leaves the
    /// smallest residuals (the earlier on a tie); when all candidates fit alike the field stays unstated.
    public static func fit(_ measurements: [KernelMeasurement], on hardware: Hardware,
                           fittedOn: [String] = []) throws(CalibrationError) -> CalibrationFit {
        var tile = hardware.calibration?.tile ?? Calibration.Tile()
        var best: (fit: CalibrationFit, cost: Double)?
        var choices: [TileChoice] = []
        var chosenNames: [String] = []
        /// Fits once per candidate; false when every candidate fits equally well (nothing is chosen).
        func choose(_ parameter: String, _ candidates: [(value: String, tile: Calibration.Tile)]) throws(CalibrationError) -> Bool {
            var costs: [TileChoice.Candidate] = []
            var winner: (fit: CalibrationFit, cost: Double, value: String)?
            for candidate in candidates {
                let trial = try fit(measurements, on: hardware, tile: candidate.tile, fittedOn: fittedOn)
                let cost = trial.cost.isFinite ? trial.cost : .infinity
                costs.append(.init(value: candidate.value, residualSumOfSquares: cost))
                if winner.map({ cost < $0.cost - choiceTolerance }) ?? true { winner = (trial.fit, cost, candidate.value) }
            }
            guard let winner else { throw CalibrationError("no candidate for the \(parameter)") }
            // Candidates the data cannot tell apart choose nothing: the field stays unstated.
            let spread = (costs.map(\.residualSumOfSquares).max() ?? 0) - winner.cost
            guard spread > choiceTolerance else { return false }
            best = (winner.fit, winner.cost)
            tile = winner.fit.calibration.tile
            choices.append(TileChoice(parameter: parameter, chosen: winner.value, candidates: costs))
            return true
        }
        if hardware.calibration == nil, measurements.contains(where: \.runsGEMM) {
            if try choose("gemm tile", Calibration.gemmTileCandidates.map({ size in
                var candidate = tile
                (candidate.m, candidate.n) = (size.m, size.n)
                return ("\(size.m) x \(size.n)", candidate)
            })) {
                chosenNames.append("the gemm tile (m, n) of \(Calibration.gemmTileCandidates.count)")
            }
        }
        if tile.attentionBlocksPerUnit == nil, measurements.contains(where: \.runsFlashAttention) {
            if try choose("attention blocks per unit", Calibration.attentionBlocksPerUnitCandidates.map({ blocks in
                var candidate = tile
                candidate.attentionBlocksPerUnit = blocks
                return ("\(blocks)", candidate)
            })) {
                let range = Calibration.attentionBlocksPerUnitCandidates
                chosenNames.append("attention_blocks_per_unit of \(range.lowerBound) to \(range.upperBound)")
            }
        }
        var chosen: CalibrationFit
        if let best { chosen = best.fit } else { chosen = try fit(measurements, on: hardware, tile: tile, fittedOn: fittedOn).fit }
        chosen.choices = choices
        if !chosenNames.isEmpty {
            chosen.calibration.source += "; \(chosenNames.joined(separator: " and ")) chosen by the fits' residuals"
        }
        return chosen
    }
}
