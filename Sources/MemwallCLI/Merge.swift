import ArgumentParser
import MemwallModel
import MemwallPlanning
import MemwallReport

struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Join the shard outputs of one sweep into exactly the unsharded output.",
        discussion: """
        Takes the CSV or JSON files written by memwall sweep --shard (in any order) and writes one file identical,
        byte for byte, to what memwall sweep writes without --shard. Fails, naming the points, when a shard is
        missing or repeated. JSON shards carry the sweep's point count; for CSV, --sweep FILE checks it.

        Example:
          memwall merge shard-*.csv --sweep Workloads/sweeps/kv-cache-wall.yaml --output kv-cache-wall.csv
        """)

    @Argument(help: ArgumentHelp("Shard output files.", valueName: "file"))
    var files: [String]

    @Option(name: .long, help: ArgumentHelp("The sweep file the shards came from (checks that none is missing).", valueName: "file"))
    var sweep: String?

    @Option(name: .long, help: ArgumentHelp("Write the merged output to this file instead of standard output.", valueName: "file"))
    var output: String?

    func run() throws {
        let expected = try sweep.map { path in
            try HardwareLocator.loadSweep(path).pointCount
        }
        let stream = try Console.Stream(path: output)
        do {
            try SweepMerge.merge(files, expectedPoints: expected) { stream.write($0) }
            try stream.finish()
        } catch let failure as SweepMerge.Failure {
            stream.abandon()
            throw CommandFailure.badInput(failure.message)
        } catch {
            stream.abandon()
            throw error
        }
    }
}
