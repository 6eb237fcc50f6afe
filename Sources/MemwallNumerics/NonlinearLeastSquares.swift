@preconcurrency import CGSL
import Foundation

extension GSL {
    /// The result of a nonlinear least-squares fit.
    public struct NonlinearFit: Sendable, Equatable {
        /// Best-fit parameters.
        public var parameters: [Double]
        /// One standard error per parameter: sqrt of the covariance diagonal scaled by the residual
        /// variance chi^2 / (n - p) (GSL's recipe for unknown measurement errors); infinite when a
        /// parameter is not determined by the data.
        public var standardErrors: [Double]
        /// Residuals at the solution.
        public var residuals: [Double]
        /// Sum of squared residuals.
        public var chiSquared: Double
        public var iterations: Int
        /// False when the iteration limit was reached before a tolerance test passed.
        public var converged: Bool
    }

    /// Minimises the sum of squares of `residuals(parameters)` (which must return `count` values)
    /// from `initial`, with gsl_multifit_nlinear's Levenberg-Marquardt trust region and a
    /// finite-difference Jacobian.
    public static func nonlinearLeastSquares(initial: [Double], count: Int, maxIterations: Int = 500,
                                             residuals: @escaping ([Double]) -> [Double]) throws(GSLError) -> NonlinearFit {
        _ = quiet
        let p = initial.count
        guard p > 0, count >= p, initial.allSatisfy(\.isFinite) else {
            throw GSLError(status: Int32(GSL_EINVAL),
                           message: "nonlinear fit needs at least as many residuals (\(count)) as parameters (\(p)), all finite")
        }
        let context = FitContext(count: count, residuals: residuals)
        let contextPointer = Unmanaged.passRetained(context).toOpaque()
        defer { Unmanaged<FitContext>.fromOpaque(contextPointer).release() }

        var fdf = gsl_multifit_nlinear_fdf()
        fdf.f = fitResiduals
        fdf.df = nil            // finite differences
        fdf.fvv = nil
        fdf.n = count
        fdf.p = p
        fdf.params = contextPointer

        var settings = gsl_multifit_nlinear_default_parameters()
        guard let workspace = gsl_multifit_nlinear_alloc(gsl_multifit_nlinear_trust, &settings, count, p) else {
            throw GSLError(status: Int32(GSL_ENOMEM), message: "cannot allocate a nonlinear fit workspace")
        }
        defer { gsl_multifit_nlinear_free(workspace) }
        let x = gsl_vector_alloc(p)!
        defer { gsl_vector_free(x) }
        for (i, value) in initial.enumerated() { gsl_vector_set(x, i, value) }

        var status = gsl_multifit_nlinear_init(x, &fdf, workspace)
        if let failure = context.failure { throw failure }
        guard status == Int32(GSL_SUCCESS) else { throw GSLError(status: status) }
        var info: Int32 = 0
        status = gsl_multifit_nlinear_driver(maxIterations, 1e-10, 1e-10, 1e-12, nil, nil, &info, workspace)
        if let failure = context.failure { throw failure }
        let converged = status == Int32(GSL_SUCCESS)
        guard converged || status == Int32(GSL_EMAXITER) else { throw GSLError(status: status) }

        let position = gsl_multifit_nlinear_position(workspace)!
        let residualVector = gsl_multifit_nlinear_residual(workspace)!
        let parameters = (0..<p).map { gsl_vector_get(position, $0) }
        let fitted = (0..<count).map { gsl_vector_get(residualVector, $0) }
        let chiSquared = fitted.reduce(0) { $0 + $1 * $1 }

        let covariance = gsl_matrix_alloc(p, p)!
        defer { gsl_matrix_free(covariance) }
        let jacobian = gsl_multifit_nlinear_jac(workspace)!
        let covarianceStatus = gsl_multifit_nlinear_covar(jacobian, 0.0, covariance)
        let dof = Double(count - p)
        let scale = dof > 0 ? chiSquared / dof : Double.nan
        let errors = (0..<p).map { i -> Double in
            guard covarianceStatus == Int32(GSL_SUCCESS) else { return .infinity }
            let variance = gsl_matrix_get(covariance, i, i)
            guard variance.isFinite, variance >= 0 else { return .infinity }
            return (variance * scale).squareRoot()
        }
        return NonlinearFit(parameters: parameters, standardErrors: errors, residuals: fitted, chiSquared: chiSquared,
                            iterations: Int(gsl_multifit_nlinear_niter(workspace)), converged: converged)
    }
}

/// What the C callback reaches through `params`: the Swift residual function.
private final class FitContext {
    let count: Int
    let residuals: ([Double]) -> [Double]
    var failure: GSLError?

    init(count: Int, residuals: @escaping ([Double]) -> [Double]) {
        self.count = count
        self.residuals = residuals
    }
}

/// gsl_multifit_nlinear_fdf.f: reads x, writes f; a wrong count or a non-finite residual stops the fit.
private let fitResiduals: @convention(c) (UnsafePointer<gsl_vector>?, UnsafeMutableRawPointer?,
                                          UnsafeMutablePointer<gsl_vector>?) -> Int32 = { x, params, f in
    guard let x, let params, let f else { return Int32(GSL_EFAULT) }
    let context = Unmanaged<FitContext>.fromOpaque(params).takeUnretainedValue()
    let parameters = (0..<x.pointee.size).map { gsl_vector_get(x, $0) }
    let values = context.residuals(parameters)
    guard values.count == context.count else {
        context.failure = GSLError(status: Int32(GSL_EBADLEN),
                                   message: "residual function returned \(values.count) values, expected \(context.count)")
        return Int32(GSL_EBADLEN)
    }
    guard values.allSatisfy(\.isFinite) else { return Int32(GSL_EDOM) }
    for (i, value) in values.enumerated() { gsl_vector_set(f, i, value) }
    return Int32(GSL_SUCCESS)
}
