/// Wall-clock seconds since it was made, and what is left of a budget of `seconds`: the one clock
/// every phase of a placement solve (local search, windows, the optimizer's shares) reads.
struct TimeBudget {
    private let started = ContinuousClock.now
    let seconds: Double

    init(seconds: Double = .infinity) { self.seconds = seconds }

    var elapsed: Double {
        let d = ContinuousClock.now - started
        return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    var left: Double { seconds - elapsed }
}
