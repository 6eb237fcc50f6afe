import MemwallAnalysis
import MemwallModel
import Testing

@Suite struct WaveQuantizationTests {
    @Test func utilisationIsBusyBlocksOverWaveSlots() {
        #expect(WaveQuantization.utilisation(items: 4, units: 132) == 4.0 / 132)
        #expect(WaveQuantization.utilisation(items: 132, units: 132) == 1)
        #expect(WaveQuantization.utilisation(items: 133, units: 132) == 133.0 / 264)
        #expect(WaveQuantization.utilisation(items: 0, units: 132) == 1)
    }

    @Test func smallGEMMsSplitK() {
        let tile = Calibration.Tile(m: 128, n: 128, splitKMin: 256)
        // 256 x 256 output = 4 tiles; K = 4096 allows 16 chunks of 256, 132 / 4 = 33 would fill: 16 x 4 = 64 blocks.
        #expect(WaveQuantization.gemmUtilisation(m: 256, n: 256, k: 4096, batch: 1, tile: tile, units: 132) == 64.0 / 132)
        // K = 256: no split, 4 blocks.
        #expect(WaveQuantization.gemmUtilisation(m: 256, n: 256, k: 256, batch: 1, tile: tile, units: 132) == 4.0 / 132)
        // 4096 x 4096 = 1024 tiles: 8 waves of 132 = 1056 slots.
        #expect(WaveQuantization.gemmUtilisation(m: 4096, n: 4096, k: 4096, batch: 1, tile: tile, units: 132) == 1024.0 / 1056)
    }

    @Test func attentionBlocksAreBatchHeadsAndQueryBlocks() {
        let tile = Calibration.Tile()
        // 1 x 32 heads x 1024 / 128 = 256 blocks on 108 SMs: 3 waves.
        #expect(WaveQuantization.attentionUtilisation(batch: 1, heads: 32, queries: 1024, tile: tile, units: 108) == 256.0 / 324)
    }
}
