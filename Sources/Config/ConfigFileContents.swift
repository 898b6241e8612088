import Foundation

/// A file's text and its POSIX permission bits (nil when unknown).
public struct ConfigFileContents: Sendable {
    public var text: String
    public var permissions: UInt16?

    public init(text: String, permissions: UInt16?) {
        self.text = text
        self.permissions = permissions
    }

    /// Reads a real file; nil when it does not exist.
    @Sendable public static func read(_ url: URL) throws -> ConfigFileContents? {
        let path = url.path
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        let permissions = (attributes[.posixPermissions] as? NSNumber)?.uint16Value
        return ConfigFileContents(text: try String(contentsOf: url, encoding: .utf8), permissions: permissions)
    }
}
