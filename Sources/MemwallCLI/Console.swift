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
            let message = "\nmemwall: interrupted\n"
            message.withCString { _ = Glibc.write(STDERR_FILENO, $0, strlen($0)) }
            _exit(130)
        }
    }

    static func output(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func error(_ line: String) {
        FileHandle.standardError.write(Data((line.hasSuffix("\n") ? line : line + "\n").utf8))
    }

    /// Writes `text` to `path`, or to standard output when `path` is nil or `-`; errors name `option`.
    static func write(_ text: String, to path: String?, option: String = "--output") throws {
        guard let path, path != "-" else { return output(text) }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw CommandFailure.badInput("\(option) \(path): is a directory; expected a file path")
        }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            let reason = (error as NSError).userInfo[NSUnderlyingErrorKey].map { "\($0)" } ?? (error as NSError).localizedDescription
            throw CommandFailure.badInput("\(option) \(path): cannot write file (\(reason)); expected a writable path in an existing folder")
        }
    }
}
