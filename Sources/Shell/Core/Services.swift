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
    /// The artifact cache's cap (`DBTSH_CACHE_SIZE`); 0 turns the cache off.
    public var cacheMaxBytes: Int64

    public static let defaultCacheMaxBytes: Int64 = 1 << 30

    /// The cap a `DBTSH_CACHE_SIZE` value asks for (`500M`, `2G`, `0`), or why it is not a size.
    public static func cacheMaxBytes(fromSetting text: String?) -> Result<Int64, CommandFailure> {
        ArtifactCache.maxBytes(fromSetting: text)
    }

    public init(client: DbtCloudClient? = nil, token: APIToken? = nil,
                missingClientReason: String = "no API token: export DBT_CLOUD_API_TOKEN, use --profile, or try 'dbtsh --demo'",
                cacheDirectory: URL? = nil, cacheMaxBytes: Int64 = Services.defaultCacheMaxBytes) {
        self.client = client
        self.token = token
        self.missingClientReason = missingClientReason
        self.cacheDirectory = cacheDirectory
        self.cacheMaxBytes = cacheMaxBytes
    }
}

extension Session {
    public func api() throws -> DbtCloudClient {
        guard let client = services.client else { throw CommandFailure.usage(services.missingClientReason) }
        return client
    }

    public func requireAccount() throws -> Int {
        guard let account = context.account else {
            throw CommandFailure.usage("no account in context: 'use account ID' (see 'accounts')")
        }
        return account.id
    }

    public func requireJob(_ explicit: String? = nil) async throws -> Int {
        if let explicit { return try await EntityResolver(session: self).job(explicit).id }
        guard let job = context.job else { throw CommandFailure.usage("no job in context: 'use job ID' or pass --job (see 'jobs')") }
        return job.id
    }

    /// The run named by `explicit` (an id, `latest`, `last-failed` or `last-success`), else the context's run.
    public func requireRun(_ explicit: String? = nil) async throws -> Int {
        if let explicit { return try await EntityResolver(session: self).run(explicit).id }
        guard let run = context.run else {
            throw CommandFailure.usage("no run in context: 'use run ID', 'use run latest' or pass a run id (see 'runs')")
        }
        return run.id
    }
}
