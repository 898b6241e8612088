import Foundation
import Yams

/// What the process's command line said (`--host`, `--account`, …). The token has no flag in the
/// shell contract; `token` exists for programmatic callers such as `--demo`.
public struct CredentialFlags: Sendable {
    public var host: String?
    public var token: APIToken?
    public var accountID: Int?
    public var projectID: Int?
    public var environmentID: Int?
    public var jobID: Int?
    /// `--profile NAME` for dbtsh's own profiles file.
    public var profile: String?

    public init(
        host: String? = nil, token: APIToken? = nil, accountID: Int? = nil, projectID: Int? = nil,
        environmentID: Int? = nil, jobID: Int? = nil, profile: String? = nil
    ) {
        self.host = host
        self.token = token
        self.accountID = accountID
        self.projectID = projectID
        self.environmentID = environmentID
        self.jobID = jobID
        self.profile = profile
    }
}

/// The outcome of resolution: each value with the place it came from (for `context`/`--verbose`).
public struct ResolvedSettings: Sendable {
    public enum Source: Sendable, Equatable, CustomStringConvertible {
        case flag(String)
        case environment(String)
        case profile(name: String, file: String)
        case dbtCloudYAML(file: String)
        case builtInDefault

        public var description: String {
            switch self {
            case .flag(let name): "flag \(name)"
            case .environment(let name): "environment \(name)"
            case .profile(let name, let file): "profile \(name) in \(file)"
            case .dbtCloudYAML(let file): file
            case .builtInDefault: "default"
            }
        }
    }

    public var host: DbtHost
    public var token: APIToken?
    public var accountID: Int?
    public var projectID: Int?
    public var environmentID: Int?
    public var jobID: Int?
    /// Keys: `host`, `token`, `account`, `project`, `environment`, `job`.
    public var sources: [String: Source]
    /// Non-fatal remarks (e.g. an unreadable dbt_cloud.yml) for stderr.
    public var warnings: [String]
    /// The name of the dbtsh profile that was used, if any.
    public var profileName: String?

    public init(
        host: DbtHost, token: APIToken?, accountID: Int? = nil, projectID: Int? = nil, environmentID: Int? = nil,
        jobID: Int? = nil, sources: [String: Source] = [:], warnings: [String] = [], profileName: String? = nil
    ) {
        self.host = host
        self.token = token
        self.accountID = accountID
        self.projectID = projectID
        self.environmentID = environmentID
        self.jobID = jobID
        self.sources = sources
        self.warnings = warnings
        self.profileName = profileName
    }
}

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

/// SHELL.md §1: flags → environment → dbtsh profiles file → `~/.dbt/dbt_cloud.yml`; first match wins,
/// value by value. Pure: the environment and file reads come in as values and a closure.
///
/// dbtsh's profiles file (`$XDG_CONFIG_HOME/dbtsh/profiles.yml`, default `~/.config/dbtsh/profiles.yml`,
/// mode 600):
/// ```yaml
/// default: prod
/// profiles:
///   prod:
///     host: ab123.us1.dbt.com
///     token: dbtu_xxx
///     account: 43
///     project: 100
///     environment: 202
///     job: 43167
/// ```
/// The profile is `--profile`, else `DBTSH_PROFILE`, else `default:`, else a profile named `default`,
/// else the only profile.
public struct CredentialResolver: Sendable {
    public var flags: CredentialFlags
    public var environment: [String: String]
    public var homeDirectory: URL
    public var configHome: URL?
    public var readFile: @Sendable (URL) throws -> ConfigFileContents?

    public init(
        flags: CredentialFlags, environment: [String: String], homeDirectory: URL, configHome: URL? = nil,
        readFile: @escaping @Sendable (URL) throws -> ConfigFileContents? = ConfigFileContents.read
    ) {
        self.flags = flags
        self.environment = environment
        self.homeDirectory = homeDirectory
        self.configHome = configHome
        self.readFile = readFile
    }

    /// The resolver for this process: its environment, `$HOME` and `$XDG_CONFIG_HOME`.
    public static func forCurrentProcess(flags: CredentialFlags) -> CredentialResolver {
        let environment = ProcessInfo.processInfo.environment
        let home = environment["HOME"].map { URL(fileURLWithPath: $0) } ?? FileManager.default.homeDirectoryForCurrentUser
        return CredentialResolver(flags: flags, environment: environment, homeDirectory: home)
    }

    public var profilesFileURL: URL {
        let base: URL
        if let configHome {
            base = configHome
        } else if let xdg = environment["XDG_CONFIG_HOME"], xdg.hasPrefix("/") {
            base = URL(fileURLWithPath: xdg)
        } else {
            base = homeDirectory.appendingPathComponent(".config")
        }
        return base.appendingPathComponent("dbtsh").appendingPathComponent("profiles.yml")
    }

    public var dbtCloudYAMLURL: URL {
        homeDirectory.appendingPathComponent(".dbt").appendingPathComponent("dbt_cloud.yml")
    }

    public func resolve() throws -> ResolvedSettings {
        var layers: [SettingsLayer] = [flagLayer(), try environmentLayer()]
        var warnings: [String] = []
        let profile = try profileLayer()
        if let profile { layers.append(profile.layer) }
        let wantedProject = layers.lazy.compactMap(\.projectID).first
        do {
            if let cloud = try dbtCloudYAMLLayer(projectID: wantedProject, warnings: &warnings) { layers.append(cloud) }
        } catch let error as DbtCloudError {
            warnings.append("ignoring \(displayPath(dbtCloudYAMLURL)): \(error.message)")
        }
        if let name = flags.profile ?? environment["DBTSH_PROFILE"], profile == nil {
            throw DbtCloudError.configuration(
                "profile `\(name)` not found: \(displayPath(profilesFileURL)) does not exist")
        }

        var sources: [String: ResolvedSettings.Source] = [:]
        func first<T>(_ key: String, _ value: (SettingsLayer) -> T?) -> T? {
            for layer in layers {
                if let found = value(layer) {
                    sources[key] = layer.source(key)
                    return found
                }
            }
            return nil
        }
        let hostText = first("host", \.host)
        let host: DbtHost
        if let hostText {
            host = try DbtHost.parse(hostText)
        } else {
            host = DbtHost.default
            sources["host"] = .builtInDefault
        }
        let settings = ResolvedSettings(
            host: host,
            token: first("token", \.token),
            accountID: first("account", \.accountID),
            projectID: first("project", \.projectID),
            environmentID: first("environment", \.environmentID),
            jobID: first("job", \.jobID),
            sources: sources,
            warnings: warnings,
            profileName: profile?.name)
        return settings
    }

    // MARK: - Layers

    private func flagLayer() -> SettingsLayer {
        SettingsLayer(
            host: flags.host, token: flags.token, accountID: flags.accountID, projectID: flags.projectID,
            environmentID: flags.environmentID, jobID: flags.jobID,
            source: { key in .flag(key == "token" ? "token" : "--\(key)") })
    }

    private func environmentLayer() throws -> SettingsLayer {
        let names = [
            "host": "DBT_CLOUD_HOST", "token": "DBT_CLOUD_API_TOKEN", "account": "DBT_CLOUD_ACCOUNT_ID",
            "project": "DBT_CLOUD_PROJECT_ID", "environment": "DBT_CLOUD_ENVIRONMENT_ID", "job": "DBT_CLOUD_JOB_ID",
        ]
        func text(_ key: String) -> String? {
            guard let value = environment[names[key]!]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else {
                return nil
            }
            return value
        }
        func id(_ key: String) throws -> Int? {
            guard let value = text(key) else { return nil }
            guard let id = Int(value), id > 0 else {
                throw DbtCloudError.configuration("\(names[key]!) must be a positive integer, got `\(value)`")
            }
            return id
        }
        return SettingsLayer(
            host: text("host"), token: text("token").map(APIToken.init), accountID: try id("account"),
            projectID: try id("project"), environmentID: try id("environment"), jobID: try id("job"),
            source: { key in .environment(names[key]!) })
    }

    private func profileLayer() throws -> (name: String, layer: SettingsLayer)? {
        let url = profilesFileURL
        guard let file = try readFile(url) else { return nil }
        let shown = displayPath(url)
        if let permissions = file.permissions, permissions & 0o077 != 0 {
            throw DbtCloudError.configuration(
                "\(shown) holds tokens and is readable by others (mode \(String(permissions & 0o777, radix: 8)))",
                hint: "run `chmod 600 \(shown)`")
        }
        let document: Any?
        do {
            document = try Yams.load(yaml: file.text)
        } catch {
            throw DbtCloudError.configuration("\(shown) is not valid YAML: \(DbtCloudError.oneLine("\(error)"))")
        }
        guard let root = document as? [String: Any] else {
            if document == nil { return nil }
            throw DbtCloudError.configuration("\(shown) must be a mapping with a `profiles:` key")
        }
        let profiles = root["profiles"] as? [String: Any] ?? [:]
        let requested = flags.profile ?? environment["DBTSH_PROFILE"]
        let name: String
        if let requested {
            name = requested
        } else if let named = root["default"].flatMap(YAMLScalar.string) {
            name = named
        } else if profiles["default"] != nil {
            name = "default"
        } else if profiles.count == 1, let only = profiles.keys.first {
            name = only
        } else {
            return nil
        }
        guard let profile = profiles[name] as? [String: Any] else {
            let known = profiles.keys.sorted().joined(separator: ", ")
            throw DbtCloudError.configuration(
                "profile `\(name)` not found in \(shown)", hint: known.isEmpty ? nil : "known profiles: \(known)")
        }
        func id(_ key: String) throws -> Int? {
            guard let value = profile[key] else { return nil }
            guard let text = YAMLScalar.string(value), let id = Int(text) else {
                throw DbtCloudError.configuration("`\(key)` of profile `\(name)` in \(shown) must be an integer")
            }
            return id
        }
        let layer = SettingsLayer(
            host: profile["host"].flatMap(YAMLScalar.string),
            token: profile["token"].flatMap(YAMLScalar.string).map(APIToken.init),
            accountID: try id("account"), projectID: try id("project"),
            environmentID: try id("environment"), jobID: try id("job"),
            source: { _ in .profile(name: name, file: shown) })
        return (name, layer)
    }

    /// CONTRACT §6, both formats: the project entry whose `project-id` is the wanted project, else
    /// `context.active-project`, else the only entry.
    private func dbtCloudYAMLLayer(projectID wanted: Int?, warnings: inout [String]) throws -> SettingsLayer? {
        let url = dbtCloudYAMLURL
        guard let file = try? readFile(url) else { return nil }
        let shown = displayPath(url)
        if let permissions = file.permissions, permissions & 0o077 != 0 {
            warnings.append(
                "\(shown) holds tokens and is readable by others (mode \(String(permissions & 0o777, radix: 8))); run `chmod 600 \(shown)`")
        }
        guard let root = (try? Yams.load(yaml: file.text)) as? [String: Any] else {
            throw DbtCloudError.configuration("not a valid dbt_cloud.yml")
        }
        let context = root["context"] as? [String: Any] ?? [:]
        let projects = (root["projects"] as? [Any] ?? []).compactMap { $0 as? [String: Any] }
        let activeProject = context["active-project"].flatMap(YAMLScalar.string)
        let activeHost = context["active-host"].flatMap(YAMLScalar.string)
        let key = wanted.map(String.init) ?? activeProject
        func projectID(_ entry: [String: Any]) -> String? { entry["project-id"].flatMap(YAMLScalar.string) }
        var candidates = key.map { key in projects.filter { projectID($0) == key } } ?? projects
        if candidates.count > 1, let activeHost {
            let onHost = candidates.filter { $0["account-host"].flatMap(YAMLScalar.string) == activeHost }
            if !onHost.isEmpty { candidates = onHost }
        }
        guard let entry = candidates.count == 1 || key != nil ? candidates.first : nil else {
            return nil
        }
        let host = entry["account-host"].flatMap(YAMLScalar.string) ?? activeHost
        let token = (entry["token-value"] ?? entry["api-key"]).flatMap(YAMLScalar.string)
        return SettingsLayer(
            host: host, token: token.map(APIToken.init),
            accountID: entry["account-id"].flatMap(YAMLScalar.string).flatMap { Int($0) },
            projectID: projectID(entry).flatMap { Int($0) },
            environmentID: nil, jobID: nil,
            source: { _ in .dbtCloudYAML(file: shown) })
    }

    /// `~/…` for paths under the home directory, so messages show no machine paths.
    private func displayPath(_ url: URL) -> String {
        let home = homeDirectory.standardizedFileURL.path
        let path = url.standardizedFileURL.path
        if !home.isEmpty, home != "/", path.hasPrefix(home + "/") { return "~" + path.dropFirst(home.count) }
        return path
    }
}

private struct SettingsLayer {
    var host: String?
    var token: APIToken?
    var accountID: Int?
    var projectID: Int?
    var environmentID: Int?
    var jobID: Int?
    var source: (String) -> ResolvedSettings.Source
}

private enum YAMLScalar {
    /// YAML scalars arrive as String, Int, Double or Bool; ids are quoted strings in downloaded files.
    static func string(_ value: Any) -> String? {
        switch value {
        case let text as String:
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            return trimmed.isEmpty ? nil : trimmed
        case let number as Int: return String(number)
        default: return nil
        }
    }
}
