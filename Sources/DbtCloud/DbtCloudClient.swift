import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The dbt Cloud Admin API (v2, v3) and Discovery API client. Safe to share between tasks.
/// Call `shutdown()` once when done.
///
/// Reliability contract:
/// - GET (and read-only Discovery queries) are retried on 429 (honouring `Retry-After`), 500, 502,
///   503, 504, resets, timeouts and garbled 2xx bodies, with capped exponential backoff and jitter
///   (`ClientOptions.retry`).
/// - POST/PUT/PATCH/DELETE are sent again only when the server cannot have acted on them: the
///   connection failed before any byte was written (refused, DNS, TLS), or the answer was 429.
///   A reset, timeout or 5xx after sending is reported, never retried: a trigger is not run twice.
/// - Retries end when `RetryPolicy.budget` (30 s) would be passed. Each attempt has
///   `requestTimeout` for the whole answer, body included (downloads `downloadTimeout`, and a
///   minimum rate), and `idleTimeout` without a byte; cancelling the calling task aborts the
///   request in flight and throws `CancellationError`. `ClientNotices` hears what it waits for.
/// - Listings stop on an empty page, on a page of ids already listed (an error), at the first
///   page's `total_count`, and at `maxListItems` (an error); no id is yielded twice.
/// - Failures are `DbtCloudError`: a kind (refused, authentication, throttled, server, network,
///   timeout, configuration…) and one line naming method and path.
public final class DbtCloudClient: Sendable {
    public let host: DbtHost
    public let options: ClientOptions
    let transport: Transport

    public init(host: DbtHost, token: APIToken, options: ClientOptions = .init()) throws {
        guard !token.isEmpty else {
            throw DbtCloudError.configuration(
                "no API token", hint: "export DBT_CLOUD_API_TOKEN or add `token:` to a dbtsh profile")
        }
        self.host = host
        self.options = options
        self.transport = try Transport(host: host, token: token, options: options)
    }

    public func shutdown() async {
        await transport.shutdown()
    }

    /// `text` with this client's token replaced by `****` (a server may echo it back).
    public func redact(_ text: String) -> String {
        transport.token.redact(text)
    }

    // MARK: - Generic request (the `api` command)

    /// Any endpoint: `path` like `/api/v2/accounts/43/jobs/` (a `?query` in it is kept; `/v2/…`
    /// gets `/api` in front). GET is retried; other methods only when they cannot have been processed.
    /// A non-2xx status throws a `DbtCloudError` whose `responseBody` holds the JSON error body.
    public func send(
        _ method: String, _ path: String, query: [(String, String)] = [], body: JSONValue? = nil
    ) async throws -> APIResponse {
        let verb = HTTPMethod(rawValue: method.uppercased())
        var path = path.trimmingCharacters(in: .whitespaces)
        var query = query
        if let mark = path.firstIndex(of: "?") {
            let inline = path[path.index(after: mark)...].split(separator: "&").map { pair -> (String, String) in
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                    .map { String($0).removingPercentEncoding ?? String($0) }
                return (parts.first ?? "", parts.count > 1 ? parts[1] : "")
            }
            query = inline + query
            path = String(path[..<mark])
        }
        if !path.hasPrefix("/") { path = "/" + path }
        if path.hasPrefix("/v2/") || path.hasPrefix("/v3/") { path = "/api" + path }
        let mode: RetryMode = (verb == .GET || verb == .HEAD) ? .idempotent : .unsafe
        var spec = request(verb, path, query: query, body: body, retry: mode)
        spec.expectsJSON = false
        spec.accept = "application/json, */*"
        return try await transport.perform(spec)
    }

    // MARK: - Building blocks

    func request(
        _ method: HTTPMethod, _ path: String, query: [(String, String)] = [], body: JSONValue? = nil,
        retry: RetryMode? = nil
    ) -> RequestSpec {
        var url = host.apiBaseURL.absoluteString + path
        if !query.isEmpty { url += "?" + QueryEncoding.encode(query) }
        return RequestSpec(
            method: method, url: url, path: path, body: body?.data,
            retryMode: retry ?? (method == .GET ? .idempotent : .unsafe))
    }

    func get(_ path: String, query: [(String, String)] = []) async throws -> APIResponse {
        try await transport.perform(request(.GET, path, query: query))
    }

    func post(_ path: String, body: JSONValue? = nil) async throws -> APIResponse {
        try await transport.perform(request(.POST, path, body: body))
    }

    /// Decodes the envelope's `data` as `T`.
    func decodeData<T>(
        from response: APIResponse, method: String, path: String, _ decode: (JSONValue) throws -> T
    ) throws -> T {
        guard let data = response.data, !data.isNull else {
            throw DbtCloudError(
                kind: .invalidResponse, method: method, path: path, status: response.status,
                message: response.json == nil
                    ? "the response is not JSON: \(ErrorMapping.snippet(of: response.body, status: response.status))"
                    : "the response has no data")
        }
        do {
            return try decode(data)
        } catch {
            throw DbtCloudError(
                kind: .invalidResponse, method: method, path: path, status: response.status,
                message: "unexpected response shape: \(DecodingDescription.describe(error))")
        }
    }

    func getObject<T: JSONModel>(_ type: T.Type, _ path: String, query: [(String, String)] = []) async throws -> T {
        try decodeData(from: try await get(path, query: query), method: "GET", path: path, T.init(json:))
    }

    func postObject<T: JSONModel>(_ type: T.Type, _ path: String, body: JSONValue? = nil) async throws -> T {
        try decodeData(from: try await post(path, body: body), method: "POST", path: path, T.init(json:))
    }

    /// One page of a list endpoint.
    func page<T: JSONModel>(
        _ type: T.Type, _ path: String, query: [(String, String)], offset: Int, limit: Int
    ) async throws -> ListPage<T> {
        let limit = min(100, max(1, limit))
        let response = try await get(path, query: query + [("limit", String(limit)), ("offset", String(offset))])
        let items = try decodeData(from: response, method: "GET", path: path) { try $0.decodeList(T.self) }
        let total = response.json?["extra"]?["pagination"]?["total_count"]?.intValue
        let ids = response.data?.arrayValue?.map { $0["id"].map(\.compactText) } ?? []
        return ListPage(items: items, offset: offset, limit: limit, totalCount: total, raw: response.json ?? .null, itemIDs: ids)
    }

    /// Every item of a list endpoint, as a `PagedSequence`.
    public func list<T: JSONModel>(
        _ type: T.Type, path: String, query: [(String, String)] = [], maxItems: Int? = nil
    ) -> PagedSequence<T> {
        PagedSequence(
            pageSize: options.pageSize, concurrency: options.pageConcurrency, maxItems: maxItems,
            guards: ListingGuards(path: path, maxItems: options.maxListItems)
        ) { [self] offset, limit in
            try await self.page(T.self, path, query: query, offset: offset, limit: limit)
        }
    }

    static func accountPath(_ accountID: Int, _ rest: String = "") -> String {
        "/api/v2/accounts/\(accountID)/" + rest
    }

    static func v3AccountPath(_ accountID: Int, _ rest: String = "") -> String {
        "/api/v3/accounts/\(accountID)/" + rest
    }
}

enum DecodingDescription {
    static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return DbtCloudError.oneLine("\(error)") }
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context): return "missing `\(key.stringValue)` at `\(path(context))`"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "\(context.debugDescription) at `\(path(context))`"
        @unknown default: return "\(error)"
        }
    }
}
