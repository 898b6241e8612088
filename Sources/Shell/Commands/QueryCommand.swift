import DbtCloud
import Foundation

struct QueryCommand: ShellCommand {
    static let configuration = CommandConfiguration(
        "query", summary: "run a Discovery API GraphQL query: inline, from a file or - (stdin); or a named query",
        discussion: """
            QUERY is GraphQL text when it holds a '{', else a file (- for standard input); the answer's data is printed as \
            JSON. ${account}, ${project}, ${environment}, ${job} and ${run} in the text are the context's ids, and the \
            variables $accountId, $environmentId, $jobId and $runId come from the context unless --var sets them. \
            --paginate follows the one connection that selects pageInfo { hasNextPage endCursor } and edges (the query \
            declares $after: String and passes after: $after to it) and merges the edges of every page. Named queries, \
            printed as tables: 'query model-history MODEL', 'query lineage MODEL', 'query stale-sources'.
            """,
        examples: ["query '{ environment(id: ${environment}) { applied { models(first: 5) { edges { node { name } } } } } }'",
                   "query models.graphql --var first=10", "query sources.graphql --paginate --max-pages 20",
                   "query model-history fct_orders", "query stale-sources --json"])
    @Argument("QUERY", .file, help: "GraphQL text, a .graphql file, or - for standard input") var source: String
    @Option("var", valueName: "K=V", help: "a variable, repeatable (V read as JSON when it is JSON)") var assignments: [String]
    @Flag("paginate", help: "follow the query's cursor ($after) and merge every page") var paginate: Bool
    @Option("max-pages", valueName: "N", help: "with --paginate: stop after N pages (default 100)") var maxPages = 100

    /// `query <TAB>` offers the named queries.
    static func completionKind(_ declared: ArgumentKind, after arguments: [String]) -> ArgumentKind {
        arguments.isEmpty ? .choice(NamedQueryNames.all) : declared
    }

    func run(in session: Session) async throws -> Int32 {
        let command = Self.configuration.name
        let query = try QueryText.expand(try text(session: session), context: session.context)
        let variables = try QueryText.variables(for: query, assignments: assignments, context: session.context)
        let client = try session.api()
        guard paginate else {
            session.console.line(client.redact(try await client.graphQL(query: query, variables: variables).prettyText))
            return 0
        }
        guard (1...10_000).contains(maxPages) else { throw CommandFailure.usage("\(command): --max-pages is a number from 1 to 10000") }
        let merged = try await client.graphQLAllPages(query: query, variables: variables, maxPages: maxPages)
        session.console.line(client.redact(merged.data.prettyText))
        let connection = merged.connectionPath.joined(separator: ".")
        let pages = "\(merged.pages) page\(merged.pages == 1 ? "" : "s")"
        if merged.truncated {
            session.console.errorLine("query: stopped after \(pages) (\(merged.nodes) nodes of \(connection)); --max-pages N for more")
        } else {
            session.console.errorLine("query: \(merged.nodes) nodes of \(connection) in \(pages)")
        }
        return 0
    }

    private func text(session: Session) throws -> String {
        if source.contains("{") { return source }
        let data = source == "-" ? try session.console.readStandardInput(for: "query -") : try DefinitionText.contents(of: source)
        guard !data.isEmpty else { throw CommandFailure.usage("query: \(source) is empty") }
        return String(decoding: data, as: UTF8.self)
    }
}

/// The text of a Discovery query as `query` sends it.
enum QueryText {
    /// `${environment}` and the other context levels filled in; any other `${…}` is refused.
    static func expand(_ text: String, context: ShellContext) throws -> String {
        let filled = try Placeholders.fill(text, context: context, marker: .dollarBraces)
        if let range = filled.range(of: #"\$\{[^}]*\}?"#, options: .regularExpression) {
            throw CommandFailure.usage(
                "query: \(filled[range].prefix(40)) is not filled in: only ${account}, ${project}, ${environment}, ${job} and ${run} are; pass other values with --var K=V and $K")
        }
        return filled
    }

    /// The context's ids as the variables the query uses (`$environmentId`…), then `--var`s.
    static func variables(for query: String, assignments: [String], context: ShellContext) throws -> [String: JSONValue] {
        var variables: [String: JSONValue] = [:]
        let fromContext: [(String, ShellContext.Level)] = [
            ("accountId", .account), ("projectId", .project), ("environmentId", .environment), ("jobId", .job), ("runId", .run),
        ]
        for (name, level) in fromContext {
            if let entry = context[level] { variables[name] = .int(entry.id) }
        }
        for assignment in try Assignment.parse(assignments, command: "query --var") {
            variables[assignment.key] = assignment.value
        }
        return variables.filter { uses(query, $0.key) }
    }

    /// Whether the query mentions `$name` (not `$nameSuffix`).
    static func uses(_ query: String, _ name: String) -> Bool {
        let pattern = "\\$" + NSRegularExpression.escapedPattern(for: name) + "(?![A-Za-z0-9_])"
        return query.range(of: pattern, options: .regularExpression) != nil
    }
}
