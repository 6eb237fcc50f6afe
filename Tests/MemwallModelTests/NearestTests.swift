import Testing
@testable import MemwallModel

struct NearestTests {
    @Test func suggestsTheTypoedKey() {
        #expect(nearest("bandwith", in: ["name", "capacity", "bandwidth", "latency"]) == "bandwidth")
        #expect(nearest("capcity", in: ["name", "capacity", "bandwidth"]) == "capacity")
        #expect(nearest("hbn", in: ["smem", "l2", "hbm"]) == "hbm")
        // Levenshtein counts a swap of neighbours as 2 edits, over the limit of 1 for 3 letters.
        #expect(nearest("hmb", in: ["smem", "l2", "hbm"]) == nil)
    }

    @Test func isCaseInsensitiveButReturnsTheCandidateAsWritten() {
        #expect(nearest("gb", in: ["B", "GB", "TB"]) == "GB")
        #expect(nearest("BF16", in: ["fp32", "bf16"]) == "bf16")
    }

    @Test func refusesFarWords() {
        #expect(nearest("zzzzzz", in: ["name", "capacity"]) == nil)
        #expect(nearest("vocabulary", in: ["batch", "seq_len"]) == nil)
        #expect(nearest("x", in: []) == nil)
    }

    /// The limit is max(1, (n + 2) / 3) edits for a word of n characters: a third, rounded.
    @Test(arguments: [
        ("ab", "xy", false),          // 2 edits, limit 1
        ("ab", "ax", true),           // 1 edit
        ("abcd", "abxy", true),       // 2 edits, limit 2
        ("abcd", "axyz", false),      // 3 edits, limit 2
        ("abcdefg", "abcxyzg", true), // 3 edits, limit 3
        ("abcdefg", "axyzefq", false),// 4 edits, limit 3
    ])
    func limitIsAThirdOfTheWord(_ word: String, _ candidate: String, _ accepted: Bool) {
        #expect((nearest(word, in: [candidate]) != nil) == accepted)
    }

    @Test func prefersTheClosestThenTheFirst() {
        #expect(nearest("batc", in: ["bat", "batch"]) == "bat")       // both 1 edit: the first wins
        #expect(nearest("batchh", in: ["bat", "batch"]) == "batch")   // 1 edit beats 3
        #expect(nearest("w3", in: ["w1", "w2"]) == "w1")
    }

    @Test(arguments: [
        ("kitten", "sitting", 3), ("flaw", "lawn", 2), ("", "abc", 3), ("abc", "", 3),
        ("abc", "abc", 0), ("café", "cafe", 1), ("ab", "ba", 2), ("bandwith", "bandwidth", 1),
    ])
    func editDistanceKnownValues(_ a: String, _ b: String, _ distance: Int) {
        #expect(editDistance(a, b) == distance)
        #expect(editDistance(b, a) == distance)
    }

    /// Naive recursive Levenshtein distance, the textbook definition.
    static func naive(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        let cost = a.last == b.last ? 0 : 1
        return min(naive(Array(a.dropLast()), b) + 1,
                   naive(a, Array(b.dropLast())) + 1,
                   naive(Array(a.dropLast()), Array(b.dropLast())) + cost)
    }

    @Test func editDistanceMatchesTheNaiveDefinition() {
        // Deterministic pseudo-random words over a small alphabet (so that matches happen).
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33)
        }
        let alphabet = Array("abc")
        func word() -> String { String((0..<(next() % 7)).map { _ in alphabet[next() % alphabet.count] }) }
        for _ in 0..<300 {
            let (a, b) = (word(), word())
            #expect(editDistance(a, b) == Self.naive(Array(a), Array(b)), "'\(a)' vs '\(b)'")
        }
    }
}
