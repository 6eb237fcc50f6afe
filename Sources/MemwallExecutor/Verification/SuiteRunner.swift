import Dispatch
import MemwallNumerics

/// Runs a suite's cases and fits, in parallel over the cores, results in file order.
public enum SuiteRunner {
    public struct Outcome: Sendable {
        public var cases: [CaseResult]
        public var fits: [FitResult]
        /// Cases and fits skipped because they are marked `full`.
        public var skipped: Int
        public var failures: Int { cases.filter { !$0.passed }.count + fits.filter { !$0.passed }.count }
    }

    /// `progress(done, total)` is called as cases and fits finish (from worker threads).
    public static func run(_ suite: RegressionSuite, full: Bool,
                           progress: (@Sendable (Int, Int) -> Void)? = nil) throws(ExecutorError) -> Outcome {
        let cases = suite.cases.filter { full || !$0.full }
        let fits = suite.fits.filter { full || !$0.full }
        let total = cases.count + fits.count
        let counter = ProgressCounter(total: total, report: progress)
        let caseResults = try parallel(cases) { c throws(ExecutorError) in
            defer { counter.advance() }
            return try Verifier.run(c)
        }
        let fitResults = try parallel(fits) { f throws(ExecutorError) in
            defer { counter.advance() }
            return try fit(f)
        }
        return Outcome(cases: caseResults, fits: fitResults,
                       skipped: suite.cases.count - cases.count + suite.fits.count - fits.count)
    }

    /// Runs the FlashAttention kernel at each value and fits log(words) against log(value) with GSL.
    public static func fit(_ f: RegressionSuite.PowerLawFit) throws(ExecutorError) -> FitResult {
        var counted: [Int] = []
        for value in f.values {
            var c = f.template
            switch f.axis {
            case .seq: (c.queries, c.keys) = (value, value)
            case .fastMemory: c.fastMemoryWords = value
            }
            guard c.queries > 0, c.fastMemoryWords > 0 else {
                throw .invalidShape("fit '\(f.name)' needs seq and fast_memory for the axis it does not vary")
            }
            c.relations = [.equalsModel]
            counted.append(try Verifier.run(c).countedWords)
        }
        let line: GSL.LinearFit
        do { line = try GSL.powerLawFit(x: f.values.map(Double.init), y: counted.map(Double.init)) } catch {
            throw .invalidShape("fit '\(f.name)': \(error.message)")
        }
        return FitResult(name: f.name, axis: f.axis.rawValue, values: f.values, countedWords: counted, exponent: line.slope,
                         expected: f.exponent, tolerance: f.tolerance, rSquared: line.rSquared)
    }

    /// `body` over `items` on all cores; results in input order; the first error wins.
    static func parallel<T: Sendable, R: Sendable>(_ items: [T], _ body: @Sendable (T) throws(ExecutorError) -> R) throws(ExecutorError) -> [R] {
        let results = ResultSlots<R>(count: items.count)
        DispatchQueue.concurrentPerform(iterations: items.count) { index in
            do throws(ExecutorError) { results.set(index, .success(try body(items[index]))) } catch {
                results.set(index, .failure(error))
            }
        }
        return try results.values.map { slot throws(ExecutorError) in try slot!.get() }
    }
}

/// Counts finished work items across threads and reports each step.
private final class ProgressCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var done = 0
    let total: Int
    let report: (@Sendable (Int, Int) -> Void)?

    init(total: Int, report: (@Sendable (Int, Int) -> Void)?) {
        self.total = total
        self.report = report
    }

    func advance() {
        lock.lock()
        done += 1
        let now = done
        lock.unlock()
        report?(now, total)
    }
}

/// Slots written from concurrent iterations, each index once.
private final class ResultSlots<R: Sendable>: @unchecked Sendable {
    private var slots: [Result<R, ExecutorError>?]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: Result<R, ExecutorError>) {
        lock.lock(); slots[index] = value; lock.unlock()
    }

    var values: [Result<R, ExecutorError>?] { lock.lock(); defer { lock.unlock() }; return slots }
}

import Foundation
