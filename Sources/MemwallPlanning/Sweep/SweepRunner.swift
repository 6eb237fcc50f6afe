import Dispatch
import Foundation
import MemwallAnalysis
import MemwallModel

/// Evaluates the points of a sweep in parallel and hands back their rendered rows in point
/// order, a chunk at a time, so memory stays flat however many points there are and the
/// output is byte-identical for any thread count or shard split.
public struct SweepRunner: Sendable {
    public let spec: SweepSpec
    let models: [ServingModel]

    /// Points evaluated per task; windows of `threads x chunksPerThread` chunks run at once.
    public static let chunkSize = 1024
    static let chunksPerThread = 4

    public init(spec: SweepSpec, engine: RooflineEngine = RooflineEngine()) {
        self.spec = spec
        models = spec.hardware.map { hardware in
            ServingModel(config: spec.model.config, modelName: spec.model.name, hardware: CompiledHardware(hardware), engine: engine)
        }
    }

    /// One point's estimate; errors name the point and its values.
    public func estimate(_ index: Int) throws(PlanningError) -> ServingEstimate {
        var caches = newCaches()
        return try estimate(index, caches: &caches)
    }

    /// One cache per hardware: cached steps belong to the hardware they ran on.
    func newCaches() -> [ServingModel.StepCache] { Array(repeating: ServingModel.StepCache(), count: models.count) }

    func estimate(_ index: Int, caches: inout [ServingModel.StepCache]) throws(PlanningError) -> ServingEstimate {
        let (hardware, request) = spec.point(index)
        do {
            return try models[hardware].estimate(request, cache: &caches[hardware])
        } catch {
            let p = request.parallelism
            throw PlanningError("point \(index) (hardware \(spec.hardware[hardware].id), batch \(request.batch), prompt_len \(request.promptLength), context_len \(request.contextLength), tp \(p.tensor), pp \(p.pipeline), ep \(p.expert)): \(error.message)")
        }
    }

    /// Runs points `range` on `threads` threads. `render` turns a point into its output row (it
    /// runs on the worker threads); `write` receives the rows of consecutive chunks in point
    /// order; `progress` is told how many points are done after each window.
    public func run<Row: Sendable>(_ range: Range<Int>, threads: Int,
                                   render: @escaping @Sendable (Int, ServingEstimate) -> Row,
                                   write: ([Row]) throws -> Void,
                                   progress: (Int) -> Void = { _ in }) throws {
        precondition(range.lowerBound >= 0 && range.upperBound <= spec.pointCount, "range outside the sweep")
        let workers = max(1, threads)
        // Caches outlive chunks (a sweep whose fastest axis is the batch reuses each batch's
        // template in every chunk); they hold values only, so which worker has which never
        // changes a result.
        let pool = CachePool(make: newCaches)
        let window = workers * Self.chunksPerThread * Self.chunkSize
        var start = range.lowerBound
        while start < range.upperBound {
            let end = min(range.upperBound, start + window)
            let chunks = (end - start + Self.chunkSize - 1) / Self.chunkSize
            let slots = Slots<Row>(count: chunks)
            let first = start
            // `workers` tasks, each taking every workers-th chunk: never more threads than asked for.
            DispatchQueue.concurrentPerform(iterations: min(workers, chunks)) { worker in
                var caches = pool.take()
                defer { pool.give(caches) }
                for chunk in stride(from: worker, to: chunks, by: workers) {
                    let low = first + chunk * Self.chunkSize
                    let high = min(end, low + Self.chunkSize)
                    var rows: [Row] = []
                    rows.reserveCapacity(high - low)
                    do throws(PlanningError) {
                        for index in low..<high {
                            rows.append(render(index, try estimate(index, caches: &caches)))
                        }
                        slots.set(chunk, .success(rows))
                    } catch {
                        slots.set(chunk, .failure(error))
                    }
                }
            }
            for chunk in 0..<chunks {
                switch slots.get(chunk) {
                case .success(let rows): try write(rows)
                case .failure(let error): throw error
                }
            }
            progress(end - range.lowerBound)
            start = end
        }
    }

    /// Step caches handed to one worker at a time.
    private final class CachePool: @unchecked Sendable {
        private let lock = NSLock()
        private var free: [[ServingModel.StepCache]] = []
        private let make: () -> [ServingModel.StepCache]

        init(make: @escaping () -> [ServingModel.StepCache]) { self.make = make }

        func take() -> [ServingModel.StepCache] {
            lock.lock()
            defer { lock.unlock() }
            return free.popLast() ?? make()
        }

        func give(_ caches: [ServingModel.StepCache]) {
            lock.lock()
            free.append(caches)
            lock.unlock()
        }
    }

    /// One result per chunk, each written by exactly one worker before the window is read.
    private final class Slots<Row>: @unchecked Sendable {
        private let results: UnsafeMutableBufferPointer<Result<[Row], PlanningError>>

        init(count: Int) {
            results = .allocate(capacity: count)
            results.initialize(repeating: .success([]))
        }

        deinit {
            results.deinitialize()
            results.deallocate()
        }

        /// Distinct workers write distinct elements; no element is shared.
        func set(_ index: Int, _ result: Result<[Row], PlanningError>) { results[index] = result }

        func get(_ index: Int) -> Result<[Row], PlanningError> { results[index] }
    }
}
