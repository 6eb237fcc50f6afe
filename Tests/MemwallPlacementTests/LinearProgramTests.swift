import Testing
@testable import MemwallPlacement

@Suite struct LinearProgramTests {
    @Test func termsOnOneColumnAreSummedAndZerosDropped() {
        var lp = LinearProgram()
        let a = lp.addColumn(.init(name: "a")), b = lp.addColumn(.init(name: "b"))
        lp.addRow("r", .atMost(1), [(a, 2), (b, 1), (a, -0.5), (b, -1)])
        #expect(lp.entries == [LinearProgram.Entry(row: 0, column: a, value: 1.5)])
    }

    @Test func theFirstNonFiniteNumberIsNamed() {
        var lp = LinearProgram()
        let a = lp.addColumn(.init(name: "a", cost: 1))
        lp.addRow("r", .between(0, 2), [(a, 1)])
        #expect(lp.firstNonFinite() == nil)
        lp.rows[0] = .between(0, .nan)
        #expect(lp.firstNonFinite() == "bound of row r")
        lp.rows[0] = .atMost(1)
        lp.columns[0].cost = .infinity
        #expect(lp.firstNonFinite() == "objective coefficient of column a")
        #expect(lp.objective(at: [0]).isNaN)
    }
}

@Suite struct InstanceGeneratorTests {
    @Test func theSameSeedGivesTheSameInstanceAndTheLastTierHoldsEverything() {
        let a = InstanceGenerator(tensors: 200, tiers: 4, seed: 7).make(), b = InstanceGenerator(tensors: 200, tiers: 4, seed: 7).make()
        #expect(a == b)
        #expect(a != InstanceGenerator(tensors: 200, tiers: 4, seed: 8).make())
        #expect(a.tensors.count == 200 && a.steps.count == 40 && a.tiers.count == 4)
        let total = a.tensors.reduce(0.0) { $0 + $1.bytes }
        #expect(a.tiers[3].capacity == total)
        #expect(a.tensors.allSatisfy { $0.bytes >= Double(1 << 20) && $0.bytes <= Double(1 << 28) && $0.accesses.first?.step == $0.birth })
    }
}
