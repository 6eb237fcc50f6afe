import Foundation
import MemwallNumerics
import Testing

@Suite struct NonlinearLeastSquaresTests {
    /// y = A exp(-lambda t) + b from known parameters, no noise: the fit recovers them.
    @Test func recoversExponentialDecayExactly() throws {
        let (a, lambda, b) = (5.0, 0.7, 1.5)
        let t = (0..<40).map { Double($0) * 0.25 }
        let y = t.map { a * exp(-lambda * $0) + b }
        let fit = try GSL.nonlinearLeastSquares(initial: [1, 1, 0], count: t.count) { p in
            zip(t, y).map { ti, yi in p[0] * exp(-p[1] * ti) + p[2] - yi }
        }
        #expect(fit.converged)
        #expect(abs(fit.parameters[0] - a) < 1e-6)
        #expect(abs(fit.parameters[1] - lambda) < 1e-6)
        #expect(abs(fit.parameters[2] - b) < 1e-6)
        #expect(fit.chiSquared < 1e-12)
    }

    /// With noise of known size, the truth lies within 4 standard errors and the errors are of
    /// the size the closed form for a straight line gives.
    @Test func standardErrorsMatchTheLinearClosedForm() throws {
        var rng = SplitMix64(seed: 42)
        let x = (0..<50).map { Double($0) / 10 }
        let y = x.map { 2 + 3 * $0 + 0.1 * rng.nextSigned() }
        let fit = try GSL.nonlinearLeastSquares(initial: [0, 0], count: x.count) { p in zip(x, y).map { p[0] + p[1] * $0 - $1 } }
        // A straight line fitted as a nonlinear model must agree with gsl_fit_linear.
        let line = try GSL.linearFit(x: x, y: y)
        #expect(abs(fit.parameters[0] - line.intercept) < 1e-8)
        #expect(abs(fit.parameters[1] - line.slope) < 1e-8)
        #expect(abs(fit.standardErrors[1] - line.slopeStandardError) < 1e-6 * line.slopeStandardError + 1e-12)
        #expect(abs(fit.parameters[1] - 3) < 4 * fit.standardErrors[1])
    }

    @Test func refusesFewerResidualsThanParameters() {
        #expect(throws: GSLError.self) {
            _ = try GSL.nonlinearLeastSquares(initial: [1, 2, 3], count: 2) { _ in [0, 0] }
        }
    }

    @Test func reportsAResidualFunctionOfTheWrongLength() {
        #expect(throws: GSLError.self) {
            _ = try GSL.nonlinearLeastSquares(initial: [1], count: 3) { _ in [0, 0] }
        }
    }
}
