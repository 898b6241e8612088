import Foundation
import Synchronization

/// The dbt Cloud Admin API v2/v3 and the Discovery endpoint, over the in-memory world.
final class SandboxAPI: Sendable {
    let world: Mutex<WorldState>
    let stepSeconds: Double
    private let base = Mutex("")

    init(world: WorldState, stepSeconds: Double) {
        self.world = Mutex(world)
        self.stepSeconds = max(0.001, stepSeconds)
    }

    var baseURL: String {
        get { base.withLock { $0 } }
        set { base.withLock { $0 = newValue } }
    }

    func renderer(_ world: WorldState, now: Date = Date()) -> RunRenderer {
        RunRenderer(world: world, now: now, baseURL: baseURL)
    }

    // MARK: - Dispatch

    func handle(_ request: APIRequest) -> APIResponse {
        guard let token = Self.token(from: request.authorization),
            token == DemoWorld.token || token == DemoWorld.readOnlyToken
        else {
            return Envelope.invalidToken
        }
        switch Self.router.resolve(request) {
        case .notFound:
            return Envelope.notFound
        case .redirect(let location):
            return APIResponse(status: 301, headers: [("Location", location)], contentType: "text/html; charset=utf-8", body: Data())
        case .methodNotAllowed:
            return Envelope.methodNotAllowed(request.method)
        case .matched(let route, let parameters):
            if route.pattern.count > 3, route.pattern[3] == ":a", let accountID = parameters.first, accountID != String(DemoWorld.accountID) {
                return emptyAccountResponse(request, route: route, accountID: accountID) ?? Envelope.notFoundPermissions
            }
            if token == DemoWorld.readOnlyToken, !["GET", "HEAD"].contains(request.method), route.pattern.first != "graphql" {
                return Envelope.forbidden
            }
            return route.handler(self, request, parameters)
        }
    }

    /// `Token x` or `Bearer x`, prefix in any case.
    static func token(from header: String?) -> String? {
        guard let header else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, ["token", "bearer"].contains(parts[0].lowercased()) else { return nil }
        return parts[1].trimmingCharacters(in: .whitespaces)
    }

    // MARK: - Routes

    static let router = Router(routes: [
        // v2
        Route("GET", "api/v2/whoami/") { api, _, _ in api.whoami() },
        Route("GET", "api/v2/accounts/") { api, _, _ in api.listAccounts() },
        Route("GET", "api/v2/accounts/:a/") { api, _, _ in api.getAccount() },
        Route("GET", "api/v2/accounts/:a/jobs/") { api, request, _ in api.listJobs(request) },
        Route("POST", "api/v2/accounts/:a/jobs/") { api, request, _ in api.createJob(request) },
        Route("GET", "api/v2/accounts/:a/jobs/:id/") { api, request, p in api.getJob(request, p[1]) },
        Route("POST", "api/v2/accounts/:a/jobs/:id/") { api, request, p in api.updateJob(request, p[1]) },
        Route("DELETE", "api/v2/accounts/:a/jobs/:id/") { api, _, p in api.deleteJob(p[1]) },
        Route("POST", "api/v2/accounts/:a/jobs/:id/run/") { api, request, p in api.triggerRun(request, p[1]) },
        Route("POST", "api/v2/accounts/:a/jobs/:id/rerun/") { api, _, p in api.rerunJob(p[1]) },
        Route("GET", "api/v2/accounts/:a/jobs/:id/artifacts/*") { api, _, p in api.jobArtifact(p[1], path: p[2]) },
        Route("GET", "api/v2/accounts/:a/runs/") { api, request, _ in api.listRuns(request) },
        Route("GET", "api/v2/accounts/:a/runs/:id/") { api, request, p in api.getRun(request, p[1]) },
        Route("POST", "api/v2/accounts/:a/runs/:id/cancel/") { api, _, p in api.cancelRun(p[1]) },
        Route("GET", "api/v2/accounts/:a/runs/:id/retry/") { api, _, p in api.failureDetails(p[1]) },
        Route("POST", "api/v2/accounts/:a/runs/:id/retry/") { api, _, p in api.retryRun(p[1]) },
        Route("GET", "api/v2/accounts/:a/runs/:id/artifacts/") { api, request, p in api.listArtifacts(request, p[1]) },
        Route("GET", "api/v2/accounts/:a/runs/:id/artifacts/*") { api, request, p in api.artifact(request, p[1], path: p[2]) },
        Route("GET", "api/v2/accounts/:a/steps/:id/") { api, request, p in api.getStep(request, p[1]) },
        Route("GET", "api/v2/accounts/:a/users/") { api, request, _ in api.list(request, \.users) },
        Route("GET", "api/v2/users/:id/") { api, _, p in api.get(\.users, p[0]) },
        Route("GET", "api/v2/accounts/:a/notifications/") { api, request, _ in api.list(request, \.notifications, filterKeys: ["user_id", "type", "state"]) },
        Route("GET", "api/v2/accounts/:a/notifications/:id/") { api, _, p in api.get(\.notifications, p[1]) },
        Route("GET", "api/v2/accounts/:a/projects/") { api, request, _ in api.list(request, \.projects, filterKeys: ["name", "state"]) },
        Route("GET", "api/v2/accounts/:a/projects/:id/") { api, _, p in api.get(\.projects, p[1]) },
        Route("GET", "api/v2/accounts/:a/environments/") { api, request, _ in api.list(request, \.environments, filterKeys: ["project_id", "type", "deployment_type", "name", "state"]) },
        Route("GET", "api/v2/accounts/:a/environments/:id/") { api, _, p in api.get(\.environments, p[1]) },
        // v3
        Route("GET", "api/v3/accounts/") { api, _, _ in api.listAccounts() },
        Route("GET", "api/v3/accounts/:a/") { api, _, _ in api.getAccount() },
        Route("GET", "api/v3/accounts/:a/projects/") { api, request, _ in api.list(request, \.projects, filterKeys: ["name", "state"]) },
        Route("GET", "api/v3/accounts/:a/projects/:id/") { api, _, p in api.get(\.projects, p[1]) },
        Route("GET", "api/v3/accounts/:a/projects/:p/environments/") { api, request, p in api.listEnvironments(request, project: p[1]) },
        Route("GET", "api/v3/accounts/:a/projects/:p/environments/:id/") { api, _, p in api.get(\.environments, p[2], project: p[1]) },
        Route("GET", "api/v3/accounts/:a/environments/") { api, request, _ in api.listEnvironments(request, project: nil) },
        Route("GET", "api/v3/accounts/:a/environments/:id/") { api, _, p in api.get(\.environments, p[1]) },
        Route("GET", "api/v3/accounts/:a/connections/") { api, request, _ in api.list(request, \.connections, filterKeys: ["name"]) },
        Route("GET", "api/v3/accounts/:a/connections/:id/") { api, _, p in api.get(\.connections, p[1]) },
        Route("GET", "api/v3/accounts/:a/projects/:p/repositories/") { api, request, p in api.list(request, \.repositories, project: p[1]) },
        Route("GET", "api/v3/accounts/:a/projects/:p/repositories/:id/") { api, _, p in api.get(\.repositories, p[2], project: p[1]) },
        Route("GET", "api/v3/accounts/:a/groups/") { api, request, _ in api.list(request, \.groups, filterKeys: ["name"]) },
        Route("GET", "api/v3/accounts/:a/groups/:id/") { api, _, p in api.get(\.groups, p[1]) },
        Route("GET", "api/v3/accounts/:a/service-tokens/") { api, request, _ in api.list(request, \.serviceTokens, filterKeys: ["name", "state"]) },
        Route("GET", "api/v3/accounts/:a/service-tokens/:id/") { api, _, p in api.get(\.serviceTokens, p[1]) },
        Route("GET", "api/v3/accounts/:a/users/") { api, request, _ in api.list(request, \.users) },
        Route("GET", "api/v3/accounts/:a/users/:id/") { api, _, p in api.get(\.users, p[1]) },
        Route("GET", "api/v3/accounts/:a/audit-logs/") { api, request, _ in api.listAuditLogs(request) },
        Route("GET", "api/v3/accounts/:a/webhooks/subscriptions") { api, request, _ in api.listWebhooks(request) },
        Route("GET", "api/v3/accounts/:a/webhooks/subscription/:id") { api, _, p in api.getWebhook(p[1]) },
        // Discovery
        Route("POST", "graphql") { api, request, _ in api.discovery(request) },
    ] + accountObjectWriteRoutes)
}
