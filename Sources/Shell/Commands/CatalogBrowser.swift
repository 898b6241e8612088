import DbtArtifacts
import Synchronization

/// A mode that takes over the prompt: lines go to it until it leaves.
public protocol SubShell: Sendable {
    var prompt: String { get }
    /// The name of the history its lines go to, apart from the shell's.
    var historyName: String { get }
    func handle(_ words: [String], session: Session) async throws -> Int32
    func complete(_ partial: Lexer.Partial) -> [CompletionItem]
}

/// `catalog browse`: sources or nodes → database → schema → relation, walked like folders
/// (`cd nodes/analytics`, `cd ../..`, `cd /`), with TAB completion of each level.
final class CatalogBrowser: SubShell {
    /// Where the browser is: up to four levels deep.
    struct Position: Equatable {
        var section: CatalogSection?
        var database: String?
        var schema: String?
        /// The relation's unique id.
        var node: String?

        var path: String {
            "/" + [section?.rawValue, database, schema, node.map(NodeNames.shortName)].compactMap { $0 }.joined(separator: "/")
        }

        /// One level up; the top stays the top.
        var parent: Position {
            var up = self
            if up.node != nil { up.node = nil }
            else if up.schema != nil { up.schema = nil }
            else if up.database != nil { up.database = nil }
            else { up.section = nil }
            return up
        }
    }

    let index: CatalogIndex
    private let position = Mutex(Position())

    init(index: CatalogIndex) {
        self.index = index
    }

    var here: Position { position.withLock { $0 } }

    var prompt: String { "catalog \(here.path) > " }

    var historyName: String { "catalog" }

    static let verbs = ["ls", "cd", "..", "show", "search", "clear", "help", "exit"]

    func handle(_ words: [String], session: Session) async throws -> Int32 {
        let verb = words[0]
        let argument = words.dropFirst().joined(separator: " ")
        switch verb {
        case "exit", "quit":
            session.leaveSubShell()
        case "ls":
            list(argument.isEmpty ? here : try resolve(argument), session: session)
        case "cd":
            try move(to: argument.isEmpty ? "/" : argument, session: session)
        case "show":
            try show(argument.isEmpty ? here.node : argument, session: session)
        case "search":
            guard !argument.isEmpty else { throw CommandFailure.usage("search TEXT: what to look for in names and descriptions") }
            try CatalogSearchOutput.print(index.search(argument), session: session)
        case "clear":
            session.console.clearScreen()
        case "help":
            session.console.line("ls [PATH] · cd PATH or PATH (nodes/analytics, .., ../.., /) · show [NAME] · search TEXT · clear · exit (back to the shell)")
        default:
            do {
                try move(to: words.joined(separator: " "), session: session)
            } catch is CommandFailure where session.registry.verbs.contains(verb) {
                throw CommandFailure.usage("'\(verb)' is a shell command: 'exit' leaves the catalog browser first")
            }
        }
        return 0
    }

    private func move(to path: String, session: Session) throws {
        let target = try resolve(path)
        position.withLock { $0 = target }
        let goesOnlyUp = path.allSatisfy { $0 == "." || $0 == "/" }
        if !goesOnlyUp { list(target, session: session) }
    }

    // MARK: Paths

    /// The position a path names from here: absolute from `/`, with `..` and `.` segments.
    /// A name that is itself a child here wins over reading its slashes as levels.
    func resolve(_ path: String) throws -> Position {
        if let exact = child(named: path, of: here) { return exact }
        var position = path.hasPrefix("/") ? Position() : here
        for segment in path.split(separator: "/").map(String.init) {
            switch segment {
            case ".": continue
            case "..": position = position.parent
            default:
                guard let next = child(named: segment, of: position) else {
                    let hint = Suggestion.nearest(to: segment, in: children(of: position)).map { " (did you mean \($0)?)" } ?? ""
                    let what = position.node != nil ? "\(position.path) is a relation: nothing is below it" : "no '\(segment)' in \(position.path)\(hint)"
                    throw CommandFailure.usage("\(what); TAB or 'ls' lists what is")
                }
                position = next
            }
        }
        return position
    }

    /// The position one level below `position` named `name` (exactly, else ignoring case).
    func child(named name: String, of position: Position) -> Position? {
        guard position.node == nil else { return nil }
        let names = children(of: position)
        guard let found = names.first(where: { $0 == name }) ?? names.first(where: { $0.lowercased() == name.lowercased() }) else {
            return nil
        }
        var below = position
        if below.section == nil {
            below.section = CatalogSection(rawValue: found)
        } else if below.database == nil {
            below.database = found
        } else if below.schema == nil {
            below.schema = found
        } else {
            below.node = relations(in: position).first { $0.name == found }?.uniqueID
        }
        return below
    }

    /// Names one level below `position`.
    func children(of position: Position) -> [String] {
        guard let section = position.section else { return CatalogSection.allCases.map(\.rawValue) }
        guard let database = position.database else { return index.databases(of: section) }
        guard let schema = position.schema else { return index.schemas(database: database, section: section) }
        if position.node != nil { return [] }
        return index.nodes(database: database, schema: schema, section: section).map(\.name)
    }

    private func relations(in position: Position) -> [CatalogNodeSummary] {
        guard let section = position.section, let database = position.database, let schema = position.schema else { return [] }
        return index.nodes(database: database, schema: schema, section: section)
    }

    // MARK: Completion

    func complete(_ partial: Lexer.Partial) -> [CompletionItem] {
        let words = partial.precedingWords
        let typed = partial.currentWord
        if words.isEmpty {
            let verbs = typed.contains("/") ? [] : Self.verbs.filter { $0.hasPrefix(typed) }.map { CompletionItem($0) }
            return verbs + paths(completing: typed)
        }
        switch words[0] {
        case "cd", "ls": return words.count == 1 ? paths(completing: typed) : []
        case "show": return words.count == 1 ? children(of: here).filter { $0.hasPrefix(typed) }.map { CompletionItem($0) } : []
        default: return []
        }
    }

    /// `nodes/an<TAB>` → `nodes/analytics/`: the folders and relations one level below what is typed.
    func paths(completing typed: String) -> [CompletionItem] {
        let base = typed.lastIndex(of: "/").map { String(typed[...$0]) } ?? ""
        let start = String(typed.dropFirst(base.count))
        guard let position = base.isEmpty ? here : try? resolve(base) else { return [] }
        let isRelationLevel = position.schema != nil
        return children(of: position).filter { $0.hasPrefix(start) }.map { name in
            isRelationLevel ? CompletionItem(base + name, display: name) : CompletionItem(base + name + "/", display: name + "/", appendsSpace: false)
        }
    }

    // MARK: Output

    func list(session: Session) { list(here, session: session) }

    private func list(_ position: Position, session: Session) {
        if let node = position.node, let detail = index.detail(uniqueID: node) {
            NodeDetailText.print(detail, to: session.console)
            return
        }
        if position.schema != nil {
            session.printTable(Table(headers: ["NAME", "TYPE", "RELATION"],
                                     rows: relations(in: position).map { [$0.name, $0.tableType?.lowercased() ?? "", $0.relation] }))
            return
        }
        for name in children(of: position) { session.console.line(name) }
    }

    private func show(_ name: String?, session: Session) throws {
        guard let name else { throw CommandFailure.usage("show NAME: which relation? (TAB lists them)") }
        let uniqueID = try NodeChoice.pick(name, index.resolve(name), in: NodeChoice.inTheCatalog)
        guard let detail = index.detail(uniqueID: uniqueID) else {
            throw CommandFailure.apiRefused("\(uniqueID) is not in the catalog")
        }
        NodeDetailText.print(detail, to: session.console)
    }
}
