import DbtArtifacts
import Synchronization

/// A mode that takes over the prompt: lines go to it until it leaves.
public protocol SubShell: Sendable {
    var prompt: String { get }
    func handle(_ words: [String], session: Session) async throws -> Int32
    func complete(_ partial: Lexer.Partial) -> [CompletionItem]
}

/// `catalog browse`: sources or nodes → database → schema → relation, with TAB completion.
final class CatalogBrowser: SubShell {
    struct Position: Equatable {
        var section: CatalogSection?
        var database: String?
        var schema: String?
        var node: String?
    }

    let index: CatalogIndex
    private let position = Mutex(Position())

    init(index: CatalogIndex) {
        self.index = index
    }

    var prompt: String {
        let here = position.withLock { $0 }
        let parts = [here.section?.rawValue, here.database, here.schema, here.node.map(NodeNames.shortName)].compactMap { $0 }
        return "catalog /" + parts.joined(separator: "/") + " > "
    }

    static let verbs = ["ls", "cd", "..", "show", "search", "help", "exit"]

    func handle(_ words: [String], session: Session) async throws -> Int32 {
        let verb = words[0]
        let argument = words.dropFirst().joined(separator: " ")
        switch verb {
        case "exit", "quit":
            session.leaveSubShell()
        case "ls":
            list(session: session)
        case "..":
            up()
        case "/":
            position.withLock { $0 = Position() }
        case "cd":
            if argument.isEmpty || argument == "/" {
                position.withLock { $0 = Position() }
            } else if argument == ".." {
                up()
            } else {
                try enter(argument, session: session)
            }
        case "show":
            try show(argument.isEmpty ? position.withLock { $0.node } : argument, session: session)
        case "search":
            let hits = index.search(argument, limit: 20)
            for hit in hits { session.console.line("\(hit.nodeName)\(hit.column.map { ".\($0)" } ?? "")  \(Table.singleLine(hit.text))") }
            if hits.isEmpty { session.console.errorLine("nothing matches '\(argument)'") }
        case "help":
            session.console.line("ls · NAME or cd NAME (down) · .. (up) · / (top) · show [NAME] · search TEXT · exit (back to the shell)")
        default:
            try enter(words.joined(separator: " "), session: session)
        }
        return 0
    }

    func complete(_ partial: Lexer.Partial) -> [CompletionItem] {
        let words = partial.precedingWords
        let names = children()
        if words.isEmpty {
            return (Self.verbs + names).filter { $0.hasPrefix(partial.currentWord) }.map { CompletionItem($0) }
        }
        if ["cd", "show"].contains(words[0]) {
            return names.filter { $0.hasPrefix(partial.currentWord) }.map { CompletionItem($0) }
        }
        return []
    }

    /// Names one level down from here.
    func children() -> [String] {
        let here = position.withLock { $0 }
        guard let section = here.section else { return CatalogSection.allCases.map(\.rawValue) }
        guard let database = here.database else { return index.databases(of: section) }
        guard let schema = here.schema else { return index.schemas(database: database, section: section) }
        if here.node != nil { return [] }
        return index.nodes(database: database, schema: schema, section: section).map(\.name)
    }

    func list(session: Session) {
        let here = position.withLock { $0 }
        if let node = here.node, let detail = index.detail(uniqueID: node) {
            NodeDetailText.print(detail, to: session.console)
            return
        }
        if let section = here.section, let database = here.database, let schema = here.schema {
            let nodes = index.nodes(database: database, schema: schema, section: section)
            session.printTable(Table(headers: ["NAME", "TYPE", "RELATION"],
                                     rows: nodes.map { [$0.name, $0.tableType?.lowercased() ?? "", $0.relation] }))
            return
        }
        for name in children() { session.console.line(name) }
    }

    private func enter(_ name: String, session: Session) throws {
        let here = position.withLock { $0 }
        if let section = here.section, let database = here.database, let schema = here.schema {
            let nodes = index.nodes(database: database, schema: schema, section: section)
            guard let node = nodes.first(where: { $0.name == name }) ?? nodes.first(where: { $0.name.lowercased() == name.lowercased() }) else {
                throw CommandFailure.usage("no relation '\(name)' in \(database).\(schema); TAB or 'ls' lists them")
            }
            position.withLock { $0.node = node.uniqueID }
            list(session: session)
            return
        }
        guard children().contains(name) else {
            let hint = Suggestion.nearest(to: name, in: children()).map { " (did you mean \($0)?)" } ?? ""
            throw CommandFailure.usage("no '\(name)' here\(hint); TAB or 'ls' lists what is")
        }
        position.withLock { position in
            if position.section == nil {
                position.section = CatalogSection(rawValue: name)
            } else if position.database == nil {
                position.database = name
            } else {
                position.schema = name
            }
        }
        list(session: session)
    }

    private func up() {
        position.withLock { position in
            if position.node != nil { position.node = nil }
            else if position.schema != nil { position.schema = nil }
            else if position.database != nil { position.database = nil }
            else { position.section = nil }
        }
    }

    private func show(_ name: String?, session: Session) throws {
        guard let name else { throw CommandFailure.usage("show NAME: which relation? (TAB lists them)") }
        let uniqueID = try NodeChoice.pick(name, index.resolve(name))
        guard let detail = index.detail(uniqueID: uniqueID) else {
            throw CommandFailure.apiRefused("\(uniqueID) is not in the catalog")
        }
        NodeDetailText.print(detail, to: session.console)
    }
}
