import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import MemwallAnalysis
import MemwallReport
import Testing

@Suite struct RooflinePlotTests {
    final class Counter: NSObject, XMLParserDelegate {
        var circles = 0
        var lines = 0
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            if name == "circle" { circles += 1 }
            if name == "line" { lines += 1 }
        }
    }

    /// The SVG is well-formed XML with a point (and a legend dot) per op role that does arithmetic.
    @Test func svgIsWellFormedWithOnePointPerRole() throws {
        let result = try ReportFixtures.result()
        let svg = RooflinePlot.render(result, hardware: ReportFixtures.h100)
        let parser = XMLParser(data: Data(svg.utf8))
        let counter = Counter()
        parser.delegate = counter
        #expect(parser.parse())
        let roles = OpGroup.groups(of: result).filter { $0.flops > 0 && $0.bytesByTier[result.mainMemoryIndex] > 0 }.count
        #expect(counter.circles == 2 * min(roles, 24) + max(0, roles - 24))
        #expect(svg == RooflinePlot.render(result, hardware: ReportFixtures.h100))
    }
}
