import DbtCloud
import Foundation

struct APICommand: ShellCommand {
    static let configuration = CommandConfiguration(
        "api", summary: "call any endpoint with the session's host and token",
        discussion: "{account}, {project}, {environment}, {job} and {run} in PATH are filled from the context. Prints the JSON response. Methods other than GET are refused under --readonly.",
        examples: ["api GET /api/v2/accounts/{account}/jobs/{job}/", "api GET '/api/v3/accounts/{account}/projects/?limit=5'",
                   "api POST /api/v2/accounts/{account}/jobs/{job}/run/ --data '{\"cause\":\"api\"}'"])
    @Argument("METHOD", .httpMethod) var methodWord: String
    @Argument("PATH") var pathTemplate: String
    @Option("data", short: "d", valueName: "JSON", help: "request body (JSON)") var data: String?

    func run(in session: Session) async throws -> Int32 {
        let method = methodWord.uppercased()
        guard ["GET", "POST", "PUT", "PATCH", "DELETE"].contains(method) else {
            throw CommandFailure.usage("api: '\(methodWord)' is not GET, POST, PUT, PATCH or DELETE")
        }
        if method != "GET", session.settings.readonly {
            throw CommandFailure.usage("api \(method): refused, the session is read-only")
        }
        let path = try Placeholders.fill(pathTemplate, context: session.context)
        var body: JSONValue?
        if let text = data {
            guard let parsed = try? JSONValue(parsing: text) else {
                throw CommandFailure.usage("api: --data is not valid JSON: \(text.prefix(60))")
            }
            body = parsed
        }
        let client = try session.api()
        let response = try await client.send(method, path, body: body)
        // A server may echo the request back, Authorization header included.
        if let json = response.json {
            session.console.line(client.redact(json.prettyText))
        } else {
            session.console.out(client.redact(String(decoding: response.body, as: UTF8.self)))
        }
        return 0
    }
}

enum Placeholders {
    static func fill(_ path: String, context: ShellContext) throws -> String {
        var result = path
        for level in ShellContext.Level.allCases {
            let marker = "{\(level.rawValue)}"
            guard result.contains(marker) else { continue }
            guard let entry = context[level] else {
                throw CommandFailure.usage("\(marker) needs a \(level.rawValue) in context: 'use \(level.rawValue) ID'")
            }
            result = result.replacingOccurrences(of: marker, with: String(entry.id))
        }
        guard result.hasPrefix("/") else { throw CommandFailure.usage("api: PATH starts with /, e.g. /api/v2/accounts/{account}/") }
        return result
    }
}

struct QueryCommand: ShellCommand {
    static let configuration = CommandConfiguration(
        "query", summary: "run a Discovery API GraphQL query from a file (or - for stdin)",
        discussion: "{environment} and friends are also available as variables environmentId, jobId, runId, accountId when not given with --var.",
        examples: ["query models.graphql --var environmentId=202 --var first=10"])
    @Argument("FILE", .file) var file: String
    @Option("var", valueName: "K=V", help: "a variable (V parsed as JSON when it is JSON)") var assignments: [String]

    func run(in session: Session) async throws -> Int32 {
        let data = file == "-" ? try session.console.readStandardInput(for: "query -") : FileManager.default.contents(atPath: file)
        guard let data, !data.isEmpty else { throw CommandFailure.usage("query: cannot read '\(file)'") }
        var variables: [String: JSONValue] = [:]
        let context = session.context
        if let environment = context.environment { variables["environmentId"] = .int(environment.id) }
        if let job = context.job { variables["jobId"] = .int(job.id) }
        if let run = context.run { variables["runId"] = .int(run.id) }
        if let account = context.account { variables["accountId"] = .int(account.id) }
        for assignment in assignments {
            guard let eq = assignment.firstIndex(of: "="), eq != assignment.startIndex else {
                throw CommandFailure.usage("query: --var '\(assignment)' is not K=V")
            }
            let text = String(assignment[assignment.index(after: eq)...])
            variables[String(assignment[..<eq])] = (try? JSONValue(parsing: text)) ?? .string(text)
        }
        let query = String(decoding: data, as: UTF8.self)
        let used = variables.filter { query.contains("$" + $0.key) }
        let result = try await session.api().graphQL(query: query, variables: used)
        session.console.line(result.prettyText)
        return 0
    }
}
