import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where commands write: standard output, standard error, or a file.
enum Console {
    /// Progress lines go to a terminal only, never into redirected output.
    static let stderrIsTerminal = isatty(STDERR_FILENO) == 1

    /// Rewrites one progress line on stderr (`nil` clears it).
    static func progress(_ line: String?) {
        let text = line.map { "\r\($0)\u{1B}[K" } ?? "\r\u{1B}[K"
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// Ctrl-C ends the command with one line and status 130; files are only ever written whole
    /// (atomically), so an interrupted command leaves no partial output behind.
    static func exitCleanlyOnInterrupt() {
        // A parent may have spawned us with SIGINT blocked or ignored (both survive exec).
        var interrupt = sigset_t()
        sigemptyset(&interrupt)
        sigaddset(&interrupt, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &interrupt, nil)
        signal(SIGINT) { _ in
            if let partial = Console.partialFile { unlink(partial) }
            let message = "\nmemwall: interrupted\n"
            message.withCString { _ = Glibc.write(STDERR_FILENO, $0, strlen($0)) }
            _exit(130)
        }
    }

    /// The file a streaming command is writing (removed on Ctrl-C); a C string the handler can use.
    nonisolated(unsafe) static var partialFile: UnsafeMutablePointer<CChar>?

    static func output(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func error(_ line: String) {
        FileHandle.standardError.write(Data((line.hasSuffix("\n") ? line : line + "\n").utf8))
    }

    /// Writes `text` to `path`, or to standard output when `path` is nil or `-`; errors name `option`.
    static func write(_ text: String, to path: String?, option: String = "--output") throws {
        guard let path, path != "-" else { return output(text) }
        try refuseDirectory(path, option: option)
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            let reason = (error as NSError).userInfo[NSUnderlyingErrorKey].map { "\($0)" } ?? (error as NSError).localizedDescription
            throw CommandFailure.badInput("\(option) \(path): cannot write file (\(reason)); expected a writable path in an existing folder")
        }
    }

    /// Fails when an output path names a directory.
    static func refuseDirectory(_ path: String, option: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw CommandFailure.badInput("\(option) \(path): is a directory; expected a file path")
        }
    }

    /// Output written as it is produced: to standard output, or to `path + ".partial"` renamed
    /// to `path` by ``finish()`` (so a failed or interrupted run leaves no partial file).
    final class Stream {
        private let handle: FileHandle
        private let path: String?
        private let partial: String?
        private var pending: [UInt8] = []
        static let flushBytes = 1 << 20

        init(path: String?, option: String = "--output") throws {
            guard let path, path != "-" else {
                handle = FileHandle.standardOutput
                self.path = nil
                partial = nil
                return
            }
            try Console.refuseDirectory(path, option: option)
            let partial = path + ".partial"
            guard FileManager.default.createFile(atPath: partial, contents: nil), let handle = FileHandle(forWritingAtPath: partial) else {
                throw CommandFailure.badInput("\(option) \(path): cannot write file; expected a writable path in an existing folder")
            }
            self.handle = handle
            self.path = path
            self.partial = partial
            Console.partialFile = strdup(partial)
        }

        func write(_ text: String) {
            pending.append(contentsOf: text.utf8)
            if pending.count >= Self.flushBytes { flush() }
        }

        private func flush() {
            handle.write(Data(pending))
            pending.removeAll(keepingCapacity: true)
        }

        /// Flushes and, for a file, moves it into place.
        func finish() throws {
            flush()
            guard let path, let partial else { return }
            try? handle.close()
            Console.clearPartial()
            if rename(partial, path) != 0 {
                throw CommandFailure.badInput("--output \(path): cannot move the finished file into place (errno \(errno))")
            }
        }

        /// Removes an unfinished file (after an error).
        func abandon() {
            guard let partial else { return }
            try? handle.close()
            Console.clearPartial()
            unlink(partial)
        }
    }

    static func clearPartial() {
        let old = partialFile
        partialFile = nil
        free(old)
    }
}
