import DbtCloud

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
        /// `dbt-cloud: project-id` of the dbt project in the current directory.
        case dbtProjectYAML(file: String)
        case builtInDefault

        public var description: String {
            switch self {
            case .flag(let name): "flag \(name)"
            case .environment(let name): "environment \(name)"
            case .profile(let name, let file): "profile \(name) in \(file)"
            case .dbtCloudYAML(let file), .dbtProjectYAML(let file): file
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
