import Foundation

/// A parsed GraphQL request: the executable subset of the GraphQL grammar (one or more
/// operations, fragments, variables with defaults, aliases, arguments of every value kind,
/// inline fragments, `@include`/`@skip`). Enough to answer what people send to dbt's Discovery API.
struct GraphQLDocument {
    struct Operation {
        let name: String?
        let kind: String
        let variables: [VariableDefinition]
        let selections: [Selection]
    }

    struct VariableDefinition {
        let name: String
        let type: String
        let nonNull: Bool
        let defaultValue: Value?
    }

    struct Field {
        let alias: String?
        let name: String
        let arguments: [(String, Value)]
        let directives: [Directive]
        let selections: [Selection]?
        let location: Location

        var responseKey: String { alias ?? name }
    }

    struct Directive {
        let name: String
        let arguments: [(String, Value)]
    }

    indirect enum Selection {
        case field(Field)
        case fragmentSpread(name: String, directives: [Directive], location: Location)
        case inlineFragment(typeCondition: String?, directives: [Directive], selections: [Selection])
    }

    indirect enum Value {
        case variable(String)
        case literal(JSONValue)
        /// An enum value such as `Model` in `types: [Model, Source]`.
        case enumValue(String)
        case list([Value])
        case object([(String, Value)])
    }

    /// Where in the query text (a scalar offset); turned into line and column only for an error.
    struct Location: Sendable {
        let offset: Int

        func lineAndColumn(in text: String) -> (line: Int, column: Int) {
            var line = 1
            var column = 1
            for scalar in text.unicodeScalars.prefix(offset) {
                if scalar == "\n" {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
            }
            return (line, column)
        }
    }

    struct Fragment {
        let name: String
        let typeCondition: String
        let selections: [Selection]
    }

    let operations: [Operation]
    let fragments: [String: Fragment]
}

struct GraphQLError: Error {
    let message: String
    let location: GraphQLDocument.Location?
    var path: [String] = []
}

/// A recursive-descent parser over the GraphQL lexical grammar. Nesting is bounded so that a
/// hostile query cannot exhaust the stack.
struct GraphQLParser {
    private let scalars: [Unicode.Scalar]
    private var position = 0
    private var depth = 0
    static let maximumDepth = 64

    init(_ text: String) {
        scalars = Array(text.unicodeScalars)
    }

    static func parse(_ text: String) throws -> GraphQLDocument {
        var parser = GraphQLParser(text)
        return try parser.document()
    }

    // MARK: - Document

    mutating func document() throws -> GraphQLDocument {
        var operations: [GraphQLDocument.Operation] = []
        var fragments: [String: GraphQLDocument.Fragment] = [:]
        skipIgnored()
        guard position < scalars.count else { throw error("Syntax Error: Unexpected <EOF>.") }
        while position < scalars.count {
            if peek("{") {
                operations.append(.init(name: nil, kind: "query", variables: [], selections: try selectionSet()))
            } else {
                let keyword = try name()
                switch keyword {
                case "query", "mutation", "subscription":
                    let operationName = peekName() ? try name() : nil
                    let variables = peek("(") ? try variableDefinitions() : []
                    _ = try directives()
                    operations.append(.init(name: operationName, kind: keyword, variables: variables, selections: try selectionSet()))
                case "fragment":
                    let fragmentName = try name()
                    guard try name() == "on" else { throw error("Syntax Error: Expected \"on\".") }
                    let condition = try name()
                    _ = try directives()
                    fragments[fragmentName] = .init(name: fragmentName, typeCondition: condition, selections: try selectionSet())
                default:
                    throw error("Syntax Error: Unexpected Name \"\(keyword)\".")
                }
            }
            skipIgnored()
        }
        return GraphQLDocument(operations: operations, fragments: fragments)
    }

    mutating func variableDefinitions() throws -> [GraphQLDocument.VariableDefinition] {
        try expect("(")
        var definitions: [GraphQLDocument.VariableDefinition] = []
        while !peek(")") {
            try expect("$")
            let variable = try name()
            try expect(":")
            let (type, nonNull) = try typeReference()
            var defaultValue: GraphQLDocument.Value?
            if peek("=") {
                try expect("=")
                defaultValue = try value(constant: true)
            }
            _ = try directives()
            definitions.append(.init(name: variable, type: type, nonNull: nonNull, defaultValue: defaultValue))
        }
        try expect(")")
        return definitions
    }

    mutating func typeReference() throws -> (String, Bool) {
        var type: String
        if peek("[") {
            try expect("[")
            let (inner, innerNonNull) = try typeReference()
            try expect("]")
            type = "[\(inner)\(innerNonNull ? "!" : "")]"
        } else {
            type = try name()
        }
        let nonNull = peek("!")
        if nonNull { try expect("!") }
        return (type, nonNull)
    }

    // MARK: - Selections

    mutating func selectionSet() throws -> [GraphQLDocument.Selection] {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maximumDepth else { throw error("The query nests deeper than \(Self.maximumDepth) levels.") }
        try expect("{")
        var selections: [GraphQLDocument.Selection] = []
        while !peek("}") {
            guard position < scalars.count else { throw error("Syntax Error: Expected Name, found <EOF>.") }
            selections.append(try selection())
        }
        try expect("}")
        guard !selections.isEmpty else { throw error("Syntax Error: Expected Name, found \"}\".") }
        return selections
    }

    mutating func selection() throws -> GraphQLDocument.Selection {
        if peekSpread() {
            let location = currentLocation
            position += 3
            skipIgnored()
            if peekName() {
                let word = try name()
                if word == "on" {
                    let condition = try name()
                    let directives = try directives()
                    return .inlineFragment(typeCondition: condition, directives: directives, selections: try selectionSet())
                }
                return .fragmentSpread(name: word, directives: try directives(), location: location)
            }
            let directives = try directives()
            return .inlineFragment(typeCondition: nil, directives: directives, selections: try selectionSet())
        }
        let location = currentLocation
        var fieldName = try name()
        var alias: String?
        if peek(":") {
            try expect(":")
            alias = fieldName
            fieldName = try name()
        }
        let arguments = peek("(") ? try argumentList(constant: false) : []
        let directives = try directives()
        let selections = peek("{") ? try selectionSet() : nil
        return .field(
            .init(alias: alias, name: fieldName, arguments: arguments, directives: directives, selections: selections, location: location))
    }

    mutating func directives() throws -> [GraphQLDocument.Directive] {
        var result: [GraphQLDocument.Directive] = []
        while peek("@") {
            try expect("@")
            let directiveName = try name()
            result.append(.init(name: directiveName, arguments: peek("(") ? try argumentList(constant: false) : []))
        }
        return result
    }

    mutating func argumentList(constant: Bool) throws -> [(String, GraphQLDocument.Value)] {
        try expect("(")
        var arguments: [(String, GraphQLDocument.Value)] = []
        while !peek(")") {
            let argumentName = try name()
            try expect(":")
            arguments.append((argumentName, try value(constant: constant)))
        }
        try expect(")")
        guard !arguments.isEmpty else { throw error("Syntax Error: Expected Name, found \")\".") }
        return arguments
    }

    // MARK: - Values

    mutating func value(constant: Bool) throws -> GraphQLDocument.Value {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maximumDepth else { throw error("A value nests deeper than \(Self.maximumDepth) levels.") }
        skipIgnored()
        guard position < scalars.count else { throw error("Syntax Error: Unexpected <EOF>.") }
        let scalar = scalars[position]
        switch scalar {
        case "$":
            guard !constant else { throw error("Syntax Error: Unexpected variable in a constant value.") }
            try expect("$")
            return .variable(try name())
        case "[":
            try expect("[")
            var items: [GraphQLDocument.Value] = []
            while !peek("]") { items.append(try value(constant: constant)) }
            try expect("]")
            return .list(items)
        case "{":
            try expect("{")
            var fields: [(String, GraphQLDocument.Value)] = []
            while !peek("}") {
                let key = try name()
                try expect(":")
                fields.append((key, try value(constant: constant)))
            }
            try expect("}")
            return .object(fields)
        case "\"":
            return .literal(.string(try stringValue()))
        case "-", "0"..."9":
            return .literal(try number())
        default:
            let word = try name()
            switch word {
            case "true": return .literal(true)
            case "false": return .literal(false)
            case "null": return .literal(nil)
            default: return .enumValue(word)
            }
        }
    }

    mutating func stringValue() throws -> String {
        if matches("\"\"\"") {
            position += 3
            var text = ""
            while position < scalars.count {
                if matches("\"\"\"") {
                    position += 3
                    skipIgnored()
                    return text
                }
                if matches("\\\"\"\"") {
                    text += "\"\"\""
                    position += 4
                    continue
                }
                text.unicodeScalars.append(scalars[position])
                position += 1
            }
            throw error("Syntax Error: Unterminated string.")
        }
        position += 1
        var text = ""
        while position < scalars.count {
            let scalar = scalars[position]
            position += 1
            switch scalar {
            case "\"":
                skipIgnored()
                return text
            case "\n", "\r":
                throw error("Syntax Error: Unterminated string.")
            case "\\":
                guard position < scalars.count else { break }
                let escaped = scalars[position]
                position += 1
                switch escaped {
                case "n": text += "\n"
                case "t": text += "\t"
                case "r": text += "\r"
                case "b": text += "\u{08}"
                case "f": text += "\u{0C}"
                case "u":
                    guard position + 4 <= scalars.count,
                        let code = UInt32(String(String.UnicodeScalarView(scalars[position..<position + 4])), radix: 16),
                        let decoded = Unicode.Scalar(code)
                    else { throw error("Syntax Error: Invalid Unicode escape sequence.") }
                    text.unicodeScalars.append(decoded)
                    position += 4
                default: text.unicodeScalars.append(escaped)
                }
            default:
                text.unicodeScalars.append(scalar)
            }
        }
        throw error("Syntax Error: Unterminated string.")
    }

    mutating func number() throws -> JSONValue {
        let start = position
        if scalars[position] == "-" { position += 1 }
        var isFloat = false
        while position < scalars.count {
            let scalar = scalars[position]
            if ("0"..."9").contains(scalar) {
                position += 1
            } else if scalar == "." || scalar == "e" || scalar == "E" || ((scalar == "+" || scalar == "-") && isFloat) {
                isFloat = true
                position += 1
            } else {
                break
            }
        }
        let text = String(String.UnicodeScalarView(scalars[start..<position]))
        skipIgnored()
        if !isFloat, let integer = Int(text) { return .int(integer) }
        guard let double = Double(text), double.isFinite else { throw error("Syntax Error: Invalid number, \(text).") }
        return .double(double)
    }

    // MARK: - Lexing

    mutating func name() throws -> String {
        skipIgnored()
        guard peekName() else {
            throw error(position < scalars.count ? "Syntax Error: Expected Name, found \"\(scalars[position])\"." : "Syntax Error: Expected Name, found <EOF>.")
        }
        let start = position
        while position < scalars.count, Self.isNameContinue(scalars[position]) { position += 1 }
        let text = String(String.UnicodeScalarView(scalars[start..<position]))
        skipIgnored()
        return text
    }

    func peekName() -> Bool {
        position < scalars.count && Self.isNameStart(scalars[position])
    }

    mutating func peek(_ punctuator: Unicode.Scalar) -> Bool {
        skipIgnored()
        return position < scalars.count && scalars[position] == punctuator
    }

    mutating func peekSpread() -> Bool {
        skipIgnored()
        return matches("...")
    }

    func matches(_ text: String) -> Bool {
        let wanted = Array(text.unicodeScalars)
        guard position + wanted.count <= scalars.count else { return false }
        return Array(scalars[position..<position + wanted.count]) == wanted
    }

    mutating func expect(_ punctuator: Unicode.Scalar) throws {
        skipIgnored()
        guard position < scalars.count else { throw error("Syntax Error: Expected \"\(punctuator)\", found <EOF>.") }
        guard scalars[position] == punctuator else {
            throw error("Syntax Error: Expected \"\(punctuator)\", found \"\(scalars[position])\".")
        }
        position += 1
        skipIgnored()
    }

    /// White space, line terminators, commas and `#` comments.
    mutating func skipIgnored() {
        while position < scalars.count {
            let scalar = scalars[position]
            if scalar == "#" {
                while position < scalars.count, scalars[position] != "\n", scalars[position] != "\r" { position += 1 }
            } else if scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" || scalar == "," || scalar == "\u{FEFF}" {
                position += 1
            } else {
                return
            }
        }
    }

    static func isNameStart(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "_" || ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
    }

    static func isNameContinue(_ scalar: Unicode.Scalar) -> Bool {
        isNameStart(scalar) || ("0"..."9").contains(scalar)
    }

    var currentLocation: GraphQLDocument.Location { .init(offset: position) }

    func error(_ message: String) -> GraphQLError {
        GraphQLError(message: message, location: currentLocation)
    }
}
