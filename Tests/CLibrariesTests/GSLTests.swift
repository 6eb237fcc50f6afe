@preconcurrency import CGSL
import Testing

/// Proves GSL's BLAS links and agrees with a naive triple loop on odd shapes.
@Suite struct GSLTests {
    @Test(arguments: [(2, 3, 4), (5, 7, 3), (1, 1, 1)])
    func dgemmMatchesNaiveProduct(shape: (Int, Int, Int)) throws {
        let (m, k, n) = shape
        gsl_set_error_handler_off()
        let a = (0..<(m * k)).map { Double($0 % 7) - 2.5 }
        let b = (0..<(k * n)).map { 0.25 * Double(($0 * 3) % 5) + 1 }
        var naive = [Double](repeating: 0, count: m * n)
        for i in 0..<m { for j in 0..<n { for p in 0..<k { naive[i * n + j] += a[i * k + p] * b[p * n + j] } } }

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
        #expect(status == Int32(GSL_SUCCESS))
        for (got, want) in zip(c, naive) { #expect(abs(got - want) <= 1e-12 * max(1, abs(want))) }
    }
}
