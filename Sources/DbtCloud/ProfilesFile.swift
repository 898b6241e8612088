import Foundation
import Yams

/// dbtsh's profiles file (`$XDG_CONFIG_HOME/dbtsh/profiles.yml`, see ``CredentialResolver``) as
/// `login` writes it: one profile's token, host and account set, the other profiles kept (the
/// file's comments are not). Written to a private temporary file (0600 from its creation) in
/// the same directory and renamed over the file, so it is never half written or readable by others.
public struct ProfilesFile: Sendable {
    public let url: URL

    public init(url: URL) {
        self.url = url
    }

    /// Sets `profile`'s token (and `host` and `accountID` when given).
    public func save(profile: String, token: APIToken, host: String?, accountID: Int?) throws {
        var root: [String: Any] = [:]
        if FileManager.default.fileExists(atPath: url.path) {
            let text: String
            do {
                text = try String(contentsOf: url, encoding: .utf8)
            } catch {
                throw DbtCloudError.configuration("cannot read \(url.path) to add the token: \(error.localizedDescription)")
            }
            do {
                guard let loaded = try Yams.load(yaml: text) else { return try write(root: Self.with(profile, token, host, accountID, in: [:])) }
                guard let mapping = loaded as? [String: Any] else {
                    throw DbtCloudError.configuration("\(url.path) is not a mapping with a `profiles:` key; fix it or move it away, then log in again")
                }
                root = mapping
            } catch let error as DbtCloudError {
                throw error
            } catch {
                throw DbtCloudError.configuration("\(url.path) is not valid YAML (\(DbtCloudError.oneLine("\(error)"))); fix it or move it away, then log in again")
            }
        }
        try write(root: Self.with(profile, token, host, accountID, in: root))
    }

    private static func with(_ profile: String, _ token: APIToken, _ host: String?, _ accountID: Int?,
                             in root: [String: Any]) -> [String: Any] {
        var root = root
        var profiles = root["profiles"] as? [String: Any] ?? [:]
        var entry = profiles[profile] as? [String: Any] ?? [:]
        entry["token"] = token.secret
        if let host { entry["host"] = host }
        if let accountID { entry["account"] = accountID }
        profiles[profile] = entry
        root["profiles"] = profiles
        return root
    }

    private func write(root: [String: Any]) throws {
        let text: String
        do {
            text = try Yams.dump(object: root, sortKeys: true)
        } catch {
            throw DbtCloudError.configuration("cannot write \(url.path): \(DbtCloudError.oneLine("\(error)"))")
        }
        let directory = url.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).partial-\(UUID().uuidString.prefix(8))")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            guard FileManager.default.createFile(atPath: temporary.path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                throw DbtCloudError.configuration("cannot write in \(directory.path)")
            }
            let handle = try FileHandle(forWritingTo: temporary)
            defer { try? handle.close() }
            try handle.write(contentsOf: Data(text.utf8))
            try handle.synchronize()
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            if let known = error as? DbtCloudError { throw known }
            throw DbtCloudError.configuration("cannot write \(url.path): \(error.localizedDescription)")
        }
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw DbtCloudError.configuration("cannot write \(url.path): \(reason)")
        }
    }
}
