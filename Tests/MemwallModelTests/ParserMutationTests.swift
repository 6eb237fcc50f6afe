import Foundation
@testable import MemwallModel
import Testing

/// A seeded mutation fuzzer over every shipped input: each mutant must either load
/// or throw a located ``SpecError`` (typed throws make any other error impossible);
/// a trap (overflow, bad index) would kill the test process.
@Suite struct ParserMutationTests {
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    static var seedFiles: [String] {
        let folders = ["HardwareSpecs", "Workloads", "Workloads/graphs", "Workloads/models"]
        return folders.flatMap { folder -> [String] in
            let names = (try? FileManager.default.contentsOfDirectory(atPath: root + "/" + folder)) ?? []
            return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".json") }.sorted().map { "\(folder)/\($0)" }
        }
    }

    /// Fragments that stress YAML structure, numbers and units.
    static let fragments = [":", "-", "[", "]", "{", "}", "'", "\"", "\n", " ", "#", "&a", "*a", "!!int", "|", ">",
                            ",", "0", "-1", "1e999", "nan", ".inf", "9223372036854775807", "99999999999999999999",
                            "GiB", "TB/s", "pJ/bit", "$", "/h", "null", "~", "true", "\t", "é", "\u{0}", "*", "/", "(", ")"]

    static func mutate(_ text: String, _ rng: inout SplitMix64) -> String {
        var chars = Array(text)
        let edits = 1 + Int(rng.next() % 4)
        for _ in 0..<edits {
            let position = chars.isEmpty ? 0 : Int(rng.next() % UInt64(chars.count))
            switch rng.next() % 5 {
            case 0 where !chars.isEmpty:
                let length = min(chars.count - position, 1 + Int(rng.next() % 12))
                chars.removeSubrange(position..<(position + length))
            case 1, 2:
                chars.insert(contentsOf: fragments[Int(rng.next() % UInt64(fragments.count))], at: position)
            case 3:
                var lines = String(chars).split(separator: "\n", omittingEmptySubsequences: false)
                if lines.count > 2 {
                    let a = Int(rng.next() % UInt64(lines.count)), b = Int(rng.next() % UInt64(lines.count))
                    lines.swapAt(a, b)
                    if rng.next() % 2 == 0 { lines.insert(lines[a], at: b) }
                }
                chars = Array(lines.joined(separator: "\n"))
            default:
                // Replace the digits around a position with an extreme number.
                if let digit = chars[position...].firstIndex(where: \.isNumber) {
                    var end = digit
                    while end < chars.count, chars[end].isNumber || chars[end] == "." { end += 1 }
                    let extremes = ["0", "-7", "1e308", "18446744073709551616", "0.0000001", "4294967297"]
                    chars.replaceSubrange(digit..<end, with: extremes[Int(rng.next() % UInt64(extremes.count))])
                }
            }
        }
        return String(chars)
    }

    @Test(arguments: seedFiles)
    func mutantsLoadOrFailWithALocatedError(file: String) throws {
        let path = Self.root + "/" + file
        let original = try String(contentsOfFile: path, encoding: .utf8)
        var rng = SplitMix64(seed: UInt64(truncatingIfNeeded: file.hashValueStable))
        var loaded = 0, rejected = 0
        for _ in 0..<300 {
            let mutant = Self.mutate(original, &rng)
            do {
                let document = try SpecDocument(text: mutant, file: path)
                if file.hasPrefix("HardwareSpecs") {
                    _ = try Hardware(document.root, defaultID: "mutant")
                } else {
                    _ = try WorkloadLoader.load(document)
                }
                loaded += 1
            } catch {
                #expect(!error.message.isEmpty)
                #expect(error.file == path)
                rejected += 1
            }
        }
        #expect(loaded + rejected == 300)
    }
}

extension String {
    /// FNV-1a, stable across runs (Swift's hashValue is randomly seeded per process).
    var hashValueStable: UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return hash
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014): a small seeded generator for reproducible mutants.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
