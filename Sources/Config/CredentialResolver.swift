import DbtCloud
import Foundation
import Yams

/// SHELL.md §1: flags → environment → dbtsh profiles file → `~/.dbt/dbt_cloud.yml`; first match wins,
/// value by value. Pure: the environment and file reads come in as values and a closure.
///
/// Before `dbt_cloud.yml`, the `dbt-cloud: project-id` of `./dbt_project.yml` (CONTRACT §6, as the
/// dbt Cloud CLI reads it) names the project when nothing before it did, and so picks the
/// `dbt_cloud.yml` entry.
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
    /// Where `dbt_project.yml` is looked for (the current directory); nil: not looked for.
    public var workingDirectory: URL?
    public var readFile: @Sendable (URL) throws -> ConfigFileContents?

    public init(
        flags: CredentialFlags, environment: [String: String], homeDirectory: URL, configHome: URL? = nil,
        workingDirectory: URL? = nil,
        readFile: @escaping @Sendable (URL) throws -> ConfigFileContents? = ConfigFileContents.read
    ) {
        self.flags = flags
        self.environment = environment
        self.homeDirectory = homeDirectory
        self.configHome = configHome
        self.workingDirectory = workingDirectory
        self.readFile = readFile
    }

    /// The resolver for this process: its environment, `$HOME`, `$XDG_CONFIG_HOME` and current directory.
    public static func forCurrentProcess(flags: CredentialFlags) -> CredentialResolver {
        let environment = ProcessInfo.processInfo.environment
        let home = environment["HOME"].map { URL(fileURLWithPath: $0) } ?? FileManager.default.homeDirectoryForCurrentUser
        return CredentialResolver(
            flags: flags, environment: environment, homeDirectory: home,
            workingDirectory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
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

    public var dbtProjectURL: URL? {
        workingDirectory?.appendingPathComponent("dbt_project.yml")
    }

    public func resolve() throws -> ResolvedSettings {
        var layers: [SettingsLayer] = [flagLayer(), try environmentLayer()]
        var warnings: [String] = []
        let profile = try profileLayer()
        if let profile { layers.append(profile.layer) }
        if !layers.contains(where: { $0.projectID != nil }), let project = try dbtProjectLayer() { layers.append(project) }
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
        func name(_ key: String) -> String { names[key] ?? key }
        func text(_ key: String) -> String? {
            guard let value = environment[name(key)]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else {
                return nil
            }
            return value
        }
        func id(_ key: String) throws -> Int? {
            guard let value = text(key) else { return nil }
            guard let id = Int(value), id > 0 else {
                throw DbtCloudError.configuration("\(name(key)) must be a positive integer, got `\(value)`")
            }
            return id
        }
        return SettingsLayer(
            host: text("host"), token: text("token").map(APIToken.init), accountID: try id("account"),
            projectID: try id("project"), environmentID: try id("environment"), jobID: try id("job"),
            source: { key in .environment(name(key)) })
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
            throw DbtCloudError.configuration("\(shown) is not valid YAML: \(oneLine("\(error)"))")
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

    /// `dbt-cloud: project-id` in `./dbt_project.yml`. A file that is not YAML or has no such key is
    /// dbt's business, not ours: it names no project.
    private func dbtProjectLayer() throws -> SettingsLayer? {
        guard let url = dbtProjectURL, let file = try? readFile(url),
            let root = (try? Yams.load(yaml: file.text)) as? [String: Any],
            let cloud = root["dbt-cloud"] as? [String: Any], let value = cloud["project-id"]
        else { return nil }
        guard let text = YAMLScalar.string(value), let id = Int(text), id > 0 else {
            throw DbtCloudError.configuration(
                "`dbt-cloud: project-id` in ./dbt_project.yml must be a positive integer", hint: "or pass --project ID")
        }
        return SettingsLayer(
            host: nil, token: nil, accountID: nil, projectID: id, environmentID: nil, jobID: nil,
            source: { _ in .dbtProjectYAML(file: "./dbt_project.yml") })
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

    private func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: " ")
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
