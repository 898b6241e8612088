import DbtCloud
import Foundation

/// What a session talks to: the API client (absent without a token) and where caches live.
public struct Services: Sendable {
    public var client: DbtCloudClient?
    /// The session's token, to keep it out of every line dbtsh prints or records.
    public var token: APIToken?
    /// Why there is no client, said when a command needs one.
    public var missingClientReason: String
    public var cacheDirectory: URL?
    /// Makes a client for another token, on the session's host (what `login` checks and keeps).
    public var connect: (@Sendable (APIToken) throws -> DbtCloudClient)?
    /// Where `login` saves a token; nil where there is nothing to save to (`--demo`).
    public var profile: ProfileLocation?
    /// Clients replaced by `login`: still shut down with the session.
    public var retiredClients: [DbtCloudClient] = []
    /// The artifact cache's cap (`DBTSH_CACHE_SIZE`); 0 turns the cache off.
    public var cacheMaxBytes: Int64

    public static let defaultCacheMaxBytes: Int64 = 1 << 30

    public static let noTokenReason = "no API token: type 'login', export DBT_CLOUD_API_TOKEN or use --profile NAME (or try 'dbtsh --demo')"

    /// The cap a `DBTSH_CACHE_SIZE` value asks for (`500M`, `2G`, `0`), or why it is not a size.
    public static func cacheMaxBytes(fromSetting text: String?) -> Result<Int64, CommandFailure> {
        ArtifactCache.maxBytes(fromSetting: text)
    }

    public init(client: DbtCloudClient? = nil, token: APIToken? = nil,
                missingClientReason: String = Services.noTokenReason,
                cacheDirectory: URL? = nil, cacheMaxBytes: Int64 = Services.defaultCacheMaxBytes,
                connect: (@Sendable (APIToken) throws -> DbtCloudClient)? = nil, profile: ProfileLocation? = nil) {
        self.client = client
        self.token = token
        self.missingClientReason = missingClientReason
        self.cacheDirectory = cacheDirectory
        self.cacheMaxBytes = cacheMaxBytes
        self.connect = connect
        self.profile = profile
    }

    /// Every client the session made, to shut down at the end.
    public var allClients: [DbtCloudClient] { (client.map { [$0] } ?? []) + retiredClients }
}

/// A profile in dbtsh's profiles file.
public struct ProfileLocation: Sendable {
    public var file: URL
    public var name: String

    public init(file: URL, name: String) {
        self.file = file
        self.name = name
    }
}

extension Session {
    public func api() throws -> DbtCloudClient {
        guard let client = services.client else { throw CommandFailure.usage(services.missingClientReason) }
        return client
    }

    public func requireAccount() throws -> Int {
        if services.client == nil { throw CommandFailure.usage(services.missingClientReason) }
        guard let account = context.account else {
            throw CommandFailure.usage("no account in context: 'use account ID' (see 'accounts')")
        }
        return account.id
    }

    /// `naming` is how the command takes a job: an option (`--job J`) or an argument (`job export JOB`).
    public func requireJob(_ explicit: String? = nil, naming: String = "pass --job") async throws -> Int {
        if let explicit { return try await EntityResolver(session: self).job(explicit).id }
        guard let job = context.job else { throw CommandFailure.usage("no job in context: 'use job ID' or \(naming) (see 'jobs')") }
        return job.id
    }

    /// The run named by `explicit` (an id, `latest`, `last-failed` or `last-success`), else the context's run.
    public func requireRun(_ explicit: String? = nil) async throws -> Int {
        if let explicit { return try await EntityResolver(session: self).run(explicit).id }
        guard let run = context.run else {
            if let job = context.job {
                throw CommandFailure.usage("no run in context: 'use run latest' picks job \(job.id)'s newest; or 'use run ID', or pass a run id (see 'runs')")
            }
            throw CommandFailure.usage("no run in context: 'use run ID', 'use run latest' or pass a run id (see 'runs')")
        }
        return run.id
    }
}
