import CGLPK
import Testing

/// Proves GLPK links and solves: a two-variable integer program whose optimum
/// the test finds independently by enumerating every integer point.
@Suite struct GLPKTests {
    // maximise 3x + 2y  s.t.  x + y <= 4,  x + 3y <= 6,  0 <= x <= 3,  y >= 0,  x, y integer
    static let objective = (3.0, 2.0)
    static let rows: [(Double, Double, Double)] = [(1, 1, 4), (1, 3, 6)]

    static func bruteForce() -> (x: Int, y: Int, value: Double) {
        var best = (x: 0, y: 0, value: -Double.infinity)
        for x in 0...3 {
            for y in 0...10 where rows.allSatisfy({ $0.0 * Double(x) + $0.1 * Double(y) <= $0.2 }) {
                let value = objective.0 * Double(x) + objective.1 * Double(y)
                if value > best.value { best = (x, y, value) }
            }
        }
        return best
    }

    @Test func twoVariableMIPMatchesEnumeration() throws {
        let problem = try #require(glp_create_prob())
        defer { glp_delete_prob(problem) }
        glp_set_obj_dir(problem, GLP_MAX)
        glp_add_rows(problem, Int32(Self.rows.count))
        for (index, row) in Self.rows.enumerated() {
            glp_set_row_bnds(problem, Int32(index + 1), GLP_UP, 0, row.2)
        }
        glp_add_cols(problem, 2)
        glp_set_col_bnds(problem, 1, GLP_DB, 0, 3)
        glp_set_col_bnds(problem, 2, GLP_LO, 0, 0)
        glp_set_obj_coef(problem, 1, Self.objective.0)
        glp_set_obj_coef(problem, 2, Self.objective.1)
        glp_set_col_kind(problem, 1, GLP_IV)
        glp_set_col_kind(problem, 2, GLP_IV)
        // GLPK arrays are 1-based: element 0 is ignored.
        var rowIndex: [Int32] = [0, 1, 1, 2, 2]
        var colIndex: [Int32] = [0, 1, 2, 1, 2]
        var values: [Double] = [0, 1, 1, 1, 3]
        glp_load_matrix(problem, 4, &rowIndex, &colIndex, &values)

        var parameters = glp_iocp()
        glp_init_iocp(&parameters)
        parameters.presolve = GLP_ON   // glp_intopt without presolve needs a prior simplex (GLP_EROOT)
        parameters.msg_lev = GLP_MSG_OFF
        parameters.tm_lim = 10_000     // milliseconds: always bound GLPK's time
        let status = glp_intopt(problem, &parameters)
        #expect(status == 0)
        #expect(glp_mip_status(problem) == GLP_OPT)

        let expected = Self.bruteForce()
        #expect(glp_mip_obj_val(problem) == expected.value)
        #expect(glp_mip_col_val(problem, 1) == Double(expected.x))
        #expect(glp_mip_col_val(problem, 2) == Double(expected.y))
    }
}
