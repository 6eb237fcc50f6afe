import Foundation

/// Where the package lives, so tests can read the shipped HardwareSpecs/ and Workloads/.
public enum PackageRoot {
    /// The package root (this file is Tests/_TestSupport/PackageRoot.swift).
    public static let url: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()

    public static var path: String { url.path }

    /// An absolute path for a path relative to the package root.
    public static func path(_ relative: String) -> String { url.appendingPathComponent(relative).path }
}
