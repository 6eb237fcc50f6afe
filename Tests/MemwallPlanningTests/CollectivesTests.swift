import MemwallModel
import MemwallPlanning
import Testing

@Suite struct CollectivesTests {
    let nvlink = Link(name: "nvlink", role: .peer, bandwidth: BytesPerSecond(900e9), source: "test")

    @Test func ringAllReduceMovesTwiceTheShareOverEachLink() {
        // 8 devices, 1 MB each: 2 x 7/8 MB leaves every device, at 450 GB/s one way.
        #expect(abs(Collectives.ringAllReduce(bytes: 1e6, devices: 8, link: nvlink) - 2 * 7.0 / 8 * 1e6 / 450e9) < 1e-18)
        #expect(Collectives.ringAllReduce(bytes: 1e6, devices: 1, link: nvlink) == 0)
        var slow = nvlink
        slow.latency = Seconds(5e-6)
        // 2(n-1) steps of latency.
        #expect(abs(Collectives.ringAllReduce(bytes: 1e6, devices: 8, link: slow) - (2 * 7.0 / 8 * 1e6 / 450e9 + 14 * 5e-6)) < 1e-15)
    }

    @Test func allToAllAndPointToPoint() {
        #expect(abs(Collectives.allToAll(bytes: 8e6, devices: 4, link: nvlink) - 3.0 / 4 * 8e6 / 450e9) < 1e-18)
        #expect(abs(Collectives.pointToPoint(bytes: 8e6, link: nvlink) - 8e6 / 450e9) < 1e-18)
    }

    @Test func directionAndMeshDecideTheBandwidth() {
        var oneWay = nvlink
        oneWay.direction = .each
        #expect(oneWay.bandwidthPerDirection.value == 900e9)
        let mesh = Link(name: "xgmi", role: .peer, bandwidth: BytesPerSecond(896e9), meshPeers: 7, source: "test")
        // 448 GB/s each way over 7 links: a pair uses one (64 GB/s), a group of 8 all seven.
        #expect(mesh.groupBandwidthPerDirection(devices: 2) == 64e9)
        #expect(mesh.groupBandwidthPerDirection(devices: 4) == 192e9)
        #expect(mesh.groupBandwidthPerDirection(devices: 8) == 448e9)
        #expect(abs(Collectives.pointToPoint(bytes: 64e6, link: mesh) - 1e-3) < 1e-15)
    }
}
