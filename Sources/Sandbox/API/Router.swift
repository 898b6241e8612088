import Foundation

/// Matches paths such as `api/v2/accounts/:a/jobs/:id/` (the trailing slash is part of the contract)
/// and `…/artifacts/*` (the rest of the path, any shape).
struct Route: Sendable {
    typealias Handler = @Sendable (SandboxAPI, APIRequest, [String]) -> APIResponse

    let method: String
    let pattern: [String]
    let trailingSlash: Bool
    let handler: Handler

    init(_ method: String, _ pattern: String, _ handler: @escaping Handler) {
        self.method = method
        self.pattern = pattern.split(separator: "/").map(String.init)
        self.trailingSlash = pattern.hasSuffix("/")
        self.handler = handler
    }

    var capturesRest: Bool { pattern.last == "*" }

    /// The captured parameters when the path segments fit this route, whatever the method and slash.
    func captures(_ segments: [String]) -> [String]? {
        var captured: [String] = []
        for (index, part) in pattern.enumerated() {
            if part == "*" {
                guard index < segments.count else { return nil }
                captured.append(segments[index...].joined(separator: "/"))
                return captured
            }
            guard index < segments.count else { return nil }
            if part.hasPrefix(":") {
                captured.append(segments[index])
            } else if part != segments[index] {
                return nil
            }
        }
        return segments.count == pattern.count ? captured : nil
    }
}

struct Router: Sendable {
    let routes: [Route]

    enum Outcome {
        case matched(Route, [String])
        /// The path exists with a trailing slash: where the real API (Django's APPEND_SLASH) redirects to.
        case redirect(String)
        case methodNotAllowed
        case notFound
    }

    func resolve(_ request: APIRequest) -> Outcome {
        let segments = request.segments
        let fitting = routes.compactMap { route in route.captures(segments).map { (route, $0) } }
        if fitting.isEmpty { return .notFound }
        let slashOK = fitting.filter { $0.0.capturesRest || $0.0.trailingSlash == request.hasTrailingSlash }
        if slashOK.isEmpty {
            guard fitting.contains(where: { $0.0.trailingSlash }), !request.hasTrailingSlash else { return .notFound }
            // v3 takes writes without the slash: dbt-cloud-cli 0.9.1's integration tests create and
            // update projects and environments at `…/projects` and `…/projects/{id}` against dbt Cloud.
            if segments.count > 1, segments[1] == "v3", !["GET", "HEAD"].contains(request.method),
                let match = fitting.first(where: { $0.0.trailingSlash && $0.0.method == request.method })
            {
                return .matched(match.0, match.1)
            }
            return .redirect(request.path + "/" + (request.rawQuery.map { "?\($0)" } ?? ""))
        }
        if let match = slashOK.first(where: { $0.0.method == request.method || ($0.0.method == "GET" && request.method == "HEAD") }) {
            return .matched(match.0, match.1)
        }
        return .methodNotAllowed
    }
}
