import Foundation
import MemwallNumerics
import Testing
import _TestSupport

/// The GSL wrappers: least-squares lines and power laws against closed forms, dgemm against
/// hand products and a triple loop, and every refused input.
@Suite struct GSLWrapperTests {
    // gsl_errno.h
    static let einval: Int32 = 4, edom: Int32 = 1, ebadlen: Int32 = 19

    // MARK: linearFit

    @Test(arguments: [(2.5, -0.75), (0, 3), (-4, 1e-3), (1e6, 2)])
    func linearFitRecoversAnExactLine(line: (Double, Double)) throws {
        let (intercept, slope) = line
        let x: [Double] = [-3, 0, 0.5, 2, 7, 11.25, 40]
        let fit = try GSL.linearFit(x: x, y: x.map { intercept + slope * $0 })
        #expect(abs(fit.slope - slope) <= 1e-12 * max(1, abs(slope)))
        #expect(abs(fit.intercept - intercept) <= 1e-12 * max(1, abs(intercept)))
        #expect(abs(fit.rSquared - 1) <= 1e-12)
        #expect(fit.slopeStandardError <= 1e-9 * max(1, abs(slope)))
    }

    @Test func linearFitOfAConstantHasRSquaredOne() throws {
        // Zero total variance: the fit is exact, and the wrapper defines R^2 = 1 rather than 0/0.
        let fit = try GSL.linearFit(x: [1, 2, 3, 4], y: [5, 5, 5, 5])
        #expect(fit.slope == 0)
        #expect(fit.intercept == 5)
        #expect(fit.rSquared == 1)
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func linearFitMatchesClosedFormLeastSquaresOnNoisyData(seed: UInt64) throws {
        var generator = SplitMix64(seed: seed)
        func uniform() -> Double { Double(generator.next() >> 11) / Double(1 << 53) }
        let n = 25
        let x = (0..<n).map { Double($0) * 0.7 + uniform() }
        let y = x.map { 1.5 - 0.4 * $0 + (uniform() - 0.5) * 2 }

        // Normal equations: slope = Sxy / Sxx, intercept = ybar - slope xbar,
        // R^2 = 1 - SSres / SStot, se(slope) = sqrt(SSres / (n - 2) / Sxx).
        let xbar = x.reduce(0, +) / Double(n), ybar = y.reduce(0, +) / Double(n)
        let sxx = x.reduce(0) { $0 + ($1 - xbar) * ($1 - xbar) }
        let sxy = zip(x, y).reduce(0) { $0 + ($1.0 - xbar) * ($1.1 - ybar) }
        let slope = sxy / sxx, intercept = ybar - slope * xbar
        let ssres = zip(x, y).reduce(0) { $0 + pow($1.1 - intercept - slope * $1.0, 2) }
        let sstot = y.reduce(0) { $0 + ($1 - ybar) * ($1 - ybar) }

        let fit = try GSL.linearFit(x: x, y: y)
        #expect(abs(fit.slope - slope) <= 1e-10 * abs(slope))
        #expect(abs(fit.intercept - intercept) <= 1e-10 * abs(intercept))
        #expect(abs(fit.rSquared - (1 - ssres / sstot)) <= 1e-10)
        #expect(abs(fit.slopeStandardError - (ssres / Double(n - 2) / sxx).squareRoot()) <= 1e-10 * fit.slopeStandardError)
        // The noise is real: not a perfect fit, but the trend dominates.
        #expect(fit.rSquared < 0.999 && fit.rSquared > 0.5)
    }

    // MARK: powerLawFit

    @Test func powerLawFitRecoversExponentAndCoefficient() throws {
        let x: [Double] = [1, 2, 5, 10, 30, 1000]
        let fit = try GSL.powerLawFit(x: x, y: x.map { 3 * pow($0, 2.5) })
        #expect(abs(fit.slope - 2.5) <= 1e-12)
        #expect(abs(fit.intercept - log(3.0)) <= 1e-12)
        #expect(abs(fit.rSquared - 1) <= 1e-12)
        // A falling power law: y = 0.5 / x.
        let falling = try GSL.powerLawFit(x: [0.25, 1, 4, 16], y: [2, 0.5, 0.125, 0.03125])
        #expect(abs(falling.slope + 1) <= 1e-12)
        #expect(abs(falling.intercept - log(0.5)) <= 1e-12)
    }

    // MARK: Refused inputs

    /// The GSL status `body` throws, nil when it succeeds, -1 for any other error.
    static func status(_ body: () throws -> Void) -> Int32? {
        do { try body(); return nil } catch { return (error as? GSLError)?.status ?? -1 }
    }

    @Test func linearFitRefusesMismatchedShortOrNonFiniteInput() {
        #expect(Self.status { _ = try GSL.linearFit(x: [1, 2, 3], y: [1, 2, 3, 4]) } == Self.einval)
        #expect(Self.status { _ = try GSL.linearFit(x: [1, 2], y: [1, 2]) } == Self.einval)
        #expect(Self.status { _ = try GSL.linearFit(x: [], y: []) } == Self.einval)
        #expect(Self.status { _ = try GSL.linearFit(x: [1, 2, .nan], y: [1, 2, 3]) } == Self.einval)
        #expect(Self.status { _ = try GSL.linearFit(x: [1, 2, 3], y: [1, .infinity, 3]) } == Self.einval)
        #expect(Self.status { _ = try GSL.linearFit(x: [1, 2, 3], y: [1, 2, 3]) } == nil)   // 3 points suffice
    }

    @Test func powerLawFitRefusesNonPositiveValues() {
        #expect(Self.status { _ = try GSL.powerLawFit(x: [0, 1, 2], y: [1, 2, 3]) } == Self.edom)
        #expect(Self.status { _ = try GSL.powerLawFit(x: [1, 2, 3], y: [1, -2, 3]) } == Self.edom)
        #expect(Self.status { _ = try GSL.powerLawFit(x: [-1, 2, 3], y: [1, 2, 3]) } == Self.edom)
        // Positive but too few, or mismatched: the line fit's refusal.
        #expect(Self.status { _ = try GSL.powerLawFit(x: [1, 2], y: [1, 2]) } == Self.einval)
        #expect(Self.status { _ = try GSL.powerLawFit(x: [1, 2, 3], y: [1, 2]) } == Self.einval)
    }

    @Test func errorsCarryAMessage() {
        do {
            _ = try GSL.powerLawFit(x: [0, 1, 2], y: [1, 2, 3])
            Issue.record("expected a GSLError")
        } catch {
            #expect(error.description.hasPrefix("GSL error 1: "))
            #expect(error.message.contains("positive"))
        }
    }

    // MARK: dgemm

    @Test func dgemmMatchesHandProducts() throws {
        #expect(try GSL.dgemm([1, 2, 3, 4], [5, 6, 7, 8], m: 2, k: 2, n: 2) == [19, 22, 43, 50])
        // (1 x 3)(3 x 1) = 1 - 4 + 9; (3 x 1)(1 x 2) is the outer product.
        #expect(try GSL.dgemm([1, 2, 3], [1, -2, 3], m: 1, k: 3, n: 1) == [6])
        #expect(try GSL.dgemm([1, 2, 3], [10, -1], m: 3, k: 1, n: 2) == [10, -1, 20, -2, 30, -3])
    }

    @Test(arguments: [(37, 23, 41), (1, 100, 3), (64, 1, 64), (5, 7, 3)])
    func dgemmMatchesATripleLoop(shape: (Int, Int, Int)) throws {
        let (m, k, n) = shape
        var generator = SplitMix64(seed: UInt64(m * k * n))
        func value() -> Double { Double(generator.next() >> 11) / Double(1 << 53) * 2 - 1 }
        let a = (0..<(m * k)).map { _ in value() }, b = (0..<(k * n)).map { _ in value() }
        let c = try GSL.dgemm(a, b, m: m, k: k, n: n)
        #expect(c.count == m * n)
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0
                for p in 0..<k { sum += a[i * k + p] * b[p * n + j] }
                #expect(abs(c[i * n + j] - sum) <= 1e-12 * max(1, abs(sum)))
            }
        }
    }

    @Test func dgemmRefusesMismatchedSizes() {
        #expect(Self.status { _ = try GSL.dgemm([1, 2, 3], [1, 2, 3, 4], m: 2, k: 2, n: 2) } == Self.ebadlen)
        #expect(Self.status { _ = try GSL.dgemm([1, 2, 3, 4], [1, 2, 3], m: 2, k: 2, n: 2) } == Self.ebadlen)
        #expect(Self.status { _ = try GSL.dgemm([1, 2, 3, 4, 5, 6], [1, 2, 3, 4, 5, 6], m: 2, k: 3, n: 3) } == Self.ebadlen)
        #expect(Self.status { _ = try GSL.dgemm([], [], m: 0, k: 0, n: 0) } == Self.ebadlen)
    }
}
