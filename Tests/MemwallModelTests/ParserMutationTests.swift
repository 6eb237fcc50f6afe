import Foundation
@testable import MemwallModel
import Testing
import _TestSupport

/// A seeded mutation fuzzer over every shipped input: each mutant must either load
/// or throw a located ``SpecError`` (typed throws make any other error impossible);
/// a trap (overflow, bad index) would kill the test process.
@Suite struct ParserMutationTests {
    static let root = PackageRoot.path

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
        var rng = SplitMix64(seed: UInt64(truncatingIfNeeded: file.stableHash))
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
