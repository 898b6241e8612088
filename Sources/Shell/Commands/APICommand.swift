import DbtCloud
import Foundation

struct APICommand: ShellCommand {
    static let configuration = CommandConfiguration(
        "api", summary: "call any endpoint with the session's host and token",
        discussion: """
            PATH completes from the v2 and v3 OpenAPI specs, one segment at a time, the method's paths first; 'help api PATH' \
            documents an endpoint. {account}, {project}, {environment}, {job} and {run} in PATH are filled from the context. \
            Prints the JSON response. --paginate follows the limit/offset pages of a list endpoint and merges their data, \
            up to --max-items (said when it stops early). Methods other than GET are refused under --readonly.
            """,
        examples: ["api GET /api/v2/accounts/{account}/jobs/{job}/", "api GET '/api/v3/accounts/{account}/projects/?limit=5'",
                   "api GET /api/v2/accounts/{account}/runs/ --paginate --max-items 500",
                   "api POST /api/v2/accounts/{account}/jobs/{job}/run/ --data '{\"cause\":\"api\"}'",
                   "help api /api/v2/accounts/{account}/runs/"])
    @Argument("METHOD", .httpMethod) var methodWord: String
    @Argument("PATH", .apiPath) var pathTemplate: String
    @Option("data", short: "d", valueName: "JSON", help: "request body (JSON)") var data: String?
    @Flag("paginate", help: "GET every page of a list endpoint and merge their data") var paginate: Bool
    @Option("max-items", valueName: "N", help: "with --paginate: stop after N items (default 10000)") var maxItems = 10_000

    static let methods = ["GET", "POST", "PUT", "PATCH", "DELETE"]

    var changesDbtCloud: Bool { methodWord.uppercased() != "GET" }

    func run(in session: Session) async throws -> Int32 {
        let method = methodWord.uppercased()
        guard Self.methods.contains(method) else {
            throw CommandFailure.usage("api: '\(methodWord)' is not GET, POST, PUT, PATCH or DELETE")
        }
        let path = try Placeholders.fill(pathTemplate, context: session.context, marker: .braces)
        guard path.hasPrefix("/") else { throw CommandFailure.usage("api: PATH starts with /, e.g. /api/v2/accounts/{account}/") }
        var body: JSONValue?
        if let text = data {
            guard let parsed = try? JSONValue(parsing: text) else {
                throw CommandFailure.usage("api: --data is not valid JSON: \(text.prefix(60))")
            }
            body = parsed
        }
        if paginate { return try await fetchAllPages(path, method: method, body: body, session: session) }
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

    private func fetchAllPages(_ path: String, method: String, body: JSONValue?, session: Session) async throws -> Int32 {
        guard method == "GET", body == nil else { throw CommandFailure.usage("api: --paginate goes with GET and no --data") }
        guard (1...100_000).contains(maxItems) else { throw CommandFailure.usage("api: --max-items is a number from 1 to 100000") }
        let client = try session.api()
        let merged = try await client.getAllPages(path, maxItems: maxItems)
        session.console.line(client.redact(merged.json.prettyText))
        guard merged.json["data"]?.arrayValue != nil else {
            session.console.errorLine("api: the answer's data is not a list: printed as it came")
            return 0
        }
        let pages = "\(merged.pages) page\(merged.pages == 1 ? "" : "s")"
        if merged.truncated {
            let total = merged.totalCount.map { " of \($0)" } ?? ""
            session.console.errorLine("api: stopped after \(merged.items)\(total) items (\(pages)); --max-items N for more")
        } else {
            session.console.errorLine("api: \(merged.items) items in \(pages)")
        }
        return 0
    }

    /// `help api [METHOD] PATH`: the operations of the specs at PATH.
    static func help(topic: [String]) -> String? {
        var words = topic
        var method: String?
        if let first = words.first, methods.contains(first.uppercased()) {
            method = first.uppercased()
            words.removeFirst()
        }
        guard let path = words.first else { return nil }
        if let problem = APIIndex.loadError { return "api: \(problem)\n" }
        let operations = APIIndex.shared.operations(matching: path).filter { method == nil || $0.method == method }
        guard operations.isEmpty else { return operations.map(APIOperationHelp.text).joined(separator: "\n") }
        let below = APIIndex.shared.completions(for: path.hasSuffix("/") ? path : path + "/", method: method)
        guard below.isEmpty else {
            return "\(path) is not an endpoint; below it:\n" + below.map { "  \($0.text)  \($0.methods.joined(separator: " "))\n" }.joined()
        }
        return "api: no \(method.map { $0 + " " } ?? "")endpoint matches \(path) in the v2 and v3 specs; 'api GET /api/<TAB>' lists them\n"
    }
}

/// An operation of the OpenAPI specs as `help api PATH` shows it.
enum APIOperationHelp {
    static func text(_ operation: APIOperation) -> String {
        var text = "\(operation.method) \(operation.path)" + (operation.summary.isEmpty ? "" : "  (\(operation.summary))") + "\n"
        if !operation.description.isEmpty, operation.description != operation.summary { text += "  \(operation.description)\n" }
        if operation.deprecated { text += "  deprecated\n" }
        if operation.isList { text += "  a list: --paginate fetches every page\n" }
        if !operation.parameters.isEmpty {
            text += "parameters:\n"
            let width = min(28, (operation.parameters.map(\.name.count).max() ?? 0) + 2)
            for parameter in operation.parameters {
                var facts = [parameter.location, parameter.type].filter { !$0.isEmpty }
                if parameter.required { facts.append("required") }
                if let value = parameter.defaultValue { facts.append("default \(value)") }
                let help = parameter.help.isEmpty ? "" : "  \(parameter.help)"
                text += "  \(parameter.name.padding(width))\(facts.joined(separator: ", "))\(help)\n"
            }
        }
        if let body = operation.requestBody { text += "body: \(body)\n" }
        if let response = operation.response { text += "response: \(response)\n" }
        text += "example: api \(operation.method) \(operation.path)\n"
        return text
    }
}

/// `{account}` (in `api` paths) or `${account}` (in `query` text) filled with the context's ids.
enum Placeholders {
    enum Marker {
        case braces, dollarBraces

        func text(_ level: ShellContext.Level) -> String {
            switch self {
            case .braces: "{\(level.rawValue)}"
            case .dollarBraces: "${\(level.rawValue)}"
            }
        }
    }

    static func fill(_ text: String, context: ShellContext, marker: Marker) throws -> String {
        var result = text
        for level in ShellContext.Level.allCases {
            let placeholder = marker.text(level)
            guard result.contains(placeholder) else { continue }
            guard let entry = context[level] else {
                let article = ["account", "environment"].contains(level.rawValue) ? "an" : "a"
                throw CommandFailure.usage("\(placeholder) needs \(article) \(level.rawValue) in context: 'use \(level.rawValue) ID'")
            }
            result = result.replacingOccurrences(of: placeholder, with: String(entry.id))
        }
        return result
    }
}
