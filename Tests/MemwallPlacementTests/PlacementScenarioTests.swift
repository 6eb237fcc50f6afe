import Testing
import _TestSupport
@testable import MemwallPlacement

@Suite struct PlacementScenarioTests {
    @Test func aShippedScenarioResolvesItsPathsAndSettings() throws {
        let path = PackageRoot.url.appendingPathComponent("Workloads/placement/flexgen-llama-3-8b-decode.yaml").path
        let scenario = try PlacementScenario(contentsOf: path)
        #expect(scenario.hardware.hasSuffix("Workloads/placement/../../HardwareSpecs/systems/h100-host-nvme.yaml"))
        #expect(scenario.workload.hasSuffix("Workloads/placement/../llama-3-8b-decode.yaml"))
        #expect(scenario.overrides.map(\.key) == ["batch", "context_len"])
        #expect(scenario.settings.tiers == ["hbm", "host-dram", "nvme"])
        #expect(scenario.settings.capacities == ["hbm": 8e9, "host-dram": 8e9])
        #expect(scenario.settings.tierLinks == ["host-dram": ["pcie5-x16"], "nvme": ["pcie5-x16"]])
        #expect(scenario.settings.pins.map(\.pattern) == ["input_ids"])
        #expect(scenario.settings.objective == .time)
    }

    @Test func errorsFoundLaterPointAtTheKeyThatCausedThem() throws {
        let path = PackageRoot.url.appendingPathComponent("Workloads/placement/flexgen-llama-3-8b-decode.yaml").path
        let scenario = try PlacementScenario(contentsOf: path)
        let located = scenario.located(PlacementInputError("pin.input_ids: matches no tensor"))
        #expect(located.line != nil)
        #expect(located.message == "matches no tensor")
        #expect(scenario.located(PlacementInputError("tier 'x' has no bandwidth")).line == nil)
    }
}
