@preconcurrency import CGSL

/// GSL's BLAS and least-squares fits behind Swift functions. GSL's abort-on-error
/// handler is turned off once, and status codes become ``GSLError``s with GSL's message.
public enum GSL {
    /// Turns off GSL's default handler (which aborts) before the first call.
    static let quiet: Void = { gsl_set_error_handler_off(); return () }()

    /// `C = A B` for row-major `A` (m x k) and `B` (k x n), with gsl_blas_dgemm.
    public static func dgemm(_ a: [Double], _ b: [Double], m: Int, k: Int, n: Int) throws(GSLError) -> [Double] {
        _ = quiet
        guard m > 0, k > 0, n > 0, a.count == m * k, b.count == k * n else {
            throw GSLError(status: Int32(GSL_EBADLEN), message: "dgemm: sizes \(a.count), \(b.count) do not match \(m)x\(k) and \(k)x\(n)")
        }
        var aStorage = a, bStorage = b
        var c = [Double](repeating: 0, count: m * n)
        let status = aStorage.withUnsafeMutableBufferPointer { ap in
            bStorage.withUnsafeMutableBufferPointer { bp in
                c.withUnsafeMutableBufferPointer { cp in
                    var av = gsl_matrix_view_array(ap.baseAddress, m, k)
                    var bv = gsl_matrix_view_array(bp.baseAddress, k, n)
                    var cv = gsl_matrix_view_array(cp.baseAddress, m, n)
                    return gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, &av.matrix, &bv.matrix, 0.0, &cv.matrix)
                }
            }
        }
        guard status == Int32(GSL_SUCCESS) else { throw GSLError(status: status) }
        return c
    }

    /// The least-squares line `y = intercept + slope x` (gsl_fit_linear), with the
    /// standard error of the slope and the coefficient of determination.
    public struct LinearFit: Sendable, Equatable {
        public var intercept: Double
        public var slope: Double
        public var slopeStandardError: Double
        public var rSquared: Double
    }

    public static func linearFit(x: [Double], y: [Double]) throws(GSLError) -> LinearFit {
        _ = quiet
        guard x.count == y.count, x.count >= 3, (x + y).allSatisfy(\.isFinite) else {
            throw GSLError(status: Int32(GSL_EINVAL), message: "linear fit needs at least 3 finite (x, y) pairs of equal count")
        }
        var c0 = 0.0, c1 = 0.0, cov00 = 0.0, cov01 = 0.0, cov11 = 0.0, sumsq = 0.0
        let status = gsl_fit_linear(x, 1, y, 1, x.count, &c0, &c1, &cov00, &cov01, &cov11, &sumsq)
        guard status == Int32(GSL_SUCCESS) else { throw GSLError(status: status) }
        let mean = y.reduce(0, +) / Double(y.count)
        let total = y.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        // cov11 is scaled by the residual variance: sumsq / (n - 2) times (X^T X)^-1.
        return LinearFit(intercept: c0, slope: c1, slopeStandardError: cov11.squareRoot(),
                         rSquared: total > 0 ? 1 - sumsq / total : 1)
    }

    /// Fits `log y = a + b log x` and returns the exponent `b` with its fit.
    public static func powerLawFit(x: [Double], y: [Double]) throws(GSLError) -> LinearFit {
        guard x.allSatisfy({ $0 > 0 }), y.allSatisfy({ $0 > 0 }) else {
            throw GSLError(status: Int32(GSL_EDOM), message: "a power-law fit needs positive x and y")
        }
        return try linearFit(x: x.map { log($0) }, y: y.map { log($0) })
    }
}

/// A GSL failure with GSL's own message.
public struct GSLError: Error, Equatable, Sendable, CustomStringConvertible {
    public var status: Int32
    public var message: String

    init(status: Int32, message: String? = nil) {
        self.status = status
        self.message = message ?? String(cString: gsl_strerror(status))
    }

    public var description: String { "GSL error \(status): \(message)" }
}

import Foundation
