import Foundation

/// Where commands write: standard output, standard error, or a file.
enum Console {
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
