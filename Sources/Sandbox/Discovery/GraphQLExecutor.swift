import Foundation

/// An object the executor can select fields from.
protocol GraphQLObject {
    var typeName: String { get }
    /// The interfaces it implements, for `... on Interface` fragments.
    var interfaces: [String] { get }
    /// The field's value, or nil when the type has no such field.
    func resolve(_ field: String, _ arguments: GraphQLArguments) throws -> GraphQLResult?
}

extension GraphQLObject {
    var interfaces: [String] { [] }
}

indirect enum GraphQLResult {
    case value(JSONValue)
    case object(any GraphQLObject)
    case list([GraphQLResult])

    static var null: GraphQLResult { .value(nil) }

    static func string(_ text: String?) -> GraphQLResult { .value(.from(text)) }
    static func int(_ number: Int?) -> GraphQLResult { .value(.from(number)) }
    static func double(_ number: Double?) -> GraphQLResult { .value(number.map(JSONValue.double) ?? nil) }
    static func bool(_ flag: Bool?) -> GraphQLResult { .value(.from(flag)) }
    static func strings(_ items: [String]) -> GraphQLResult { .value(.from(items)) }
}

/// Arguments with variables substituted; enum values arrive as strings.
struct GraphQLArguments {
    let values: [String: JSONValue]

    subscript(name: String) -> JSONValue? {
        guard let value = values[name], !value.isNull else { return nil }
        return value
    }

    func int(_ name: String) -> Int? { self[name]?.intValue }
    func string(_ name: String) -> String? { self[name]?.stringValue ?? self[name]?.intValue.map(String.init) }

    func strings(_ name: String) -> [String]? {
        guard let value = self[name] else { return nil }
        if let single = value.stringValue { return [single] }
        return value.arrayValue?.compactMap(\.stringValue)
    }
}

/// Executes one operation of a document against a root object, as a GraphQL server does: unknown
/// fields and bad variables fail the whole request (`data: null`), a resolver's error nulls its
/// field and is reported with its path.
struct GraphQLExecutor {
    let document: GraphQLDocument
    let variables: [String: JSONValue]
    private var errors: [GraphQLError] = []

    struct Aborted: Error {
        let error: GraphQLError
    }

    static func run(query: String, variables: JSONValue, operationName: String?, root: any GraphQLObject) -> JSONValue {
        let document: GraphQLDocument
        do {
            document = try GraphQLParser.parse(query)
        } catch let error as GraphQLError {
            return response(data: nil, errors: [error], text: query)
        } catch {
            return response(data: nil, errors: [GraphQLError(message: "\(error)", location: nil)])
        }
        let operations = document.operations
        let chosen: GraphQLDocument.Operation?
        if let operationName {
            chosen = operations.first { $0.name == operationName }
        } else {
            chosen = operations.count == 1 ? operations.first : nil
        }
        guard let operation = chosen else {
            let message =
                operations.isEmpty
                ? "The document has no operation."
                : operationName.map { "Unknown operation named \"\($0)\"." } ?? "Must provide operation name if query contains multiple operations."
            return response(data: nil, errors: [GraphQLError(message: message, location: nil)])
        }
        guard operation.kind == "query" else {
            return response(
                data: nil, errors: [GraphQLError(message: "The Discovery API is read-only: it has no \(operation.kind) type.", location: nil)])
        }
        do {
            let coerced = try coerceVariables(operation.variables, given: variables)
            var executor = GraphQLExecutor(document: document, variables: coerced)
            let data = try executor.select(operation.selections, on: root, path: [])
            return response(data: data, errors: executor.errors, text: query)
        } catch let aborted as Aborted {
            return response(data: nil, errors: [aborted.error], text: query)
        } catch {
            return response(data: nil, errors: [GraphQLError(message: "\(error)", location: nil)])
        }
    }

    init(document: GraphQLDocument, variables: [String: JSONValue]) {
        self.document = document
        self.variables = variables
    }

    static func response(data: JSONValue?, errors: [GraphQLError], text: String = "") -> JSONValue {
        var pairs: [(String, JSONValue)] = []
        if !errors.isEmpty {
            pairs.append(("errors", .array(errors.map { render($0, in: text) })))
        }
        pairs.append(("data", data ?? nil))
        return .object(pairs)
    }

    static func render(_ error: GraphQLError, in text: String) -> JSONValue {
        var fields: [(String, JSONValue)] = [("message", .string(error.message))]
        if let location = error.location {
            let (line, column) = location.lineAndColumn(in: text)
            fields.append(("locations", [.object([("line", .int(line)), ("column", .int(column))])]))
        }
        if !error.path.isEmpty { fields.append(("path", .array(error.path.map { Int($0).map(JSONValue.int) ?? .string($0) }))) }
        return .object(fields)
    }

    static func coerceVariables(_ definitions: [GraphQLDocument.VariableDefinition], given: JSONValue) throws -> [String: JSONValue] {
        var result: [String: JSONValue] = [:]
        for definition in definitions {
            var value = given[definition.name]
            if value == nil, let fallback = definition.defaultValue {
                value = try GraphQLExecutor(document: .init(operations: [], fragments: [:]), variables: [:]).resolve(fallback)
            }
            if definition.nonNull, value == nil || value?.isNull == true {
                throw Aborted(
                    error: GraphQLError(
                        message: "Variable \"$\(definition.name)\" of required type \"\(definition.type)!\" was not provided.",
                        location: nil))
            }
            if let value, let problem = typeProblem(value, type: definition.type) {
                throw Aborted(
                    error: GraphQLError(
                        message: "Variable \"$\(definition.name)\" got invalid value \(value.serialized()); \(problem)", location: nil))
            }
            result[definition.name] = value ?? JSONValue.null
        }
        return result
    }

    static func typeProblem(_ value: JSONValue, type: String) -> String? {
        guard !value.isNull else { return nil }
        switch type {
        case "Int":
            return value.stringValue == nil && value.intValue != nil ? nil : "Int cannot represent a non-integer value."
        case "BigInt":
            return value.intValue != nil ? nil : "BigInt cannot represent a non-integer value."
        case "String", "ID", "DateTime":
            return value.stringValue != nil || (type == "ID" && value.intValue != nil) ? nil : "\(type) cannot represent a non-string value."
        case "Boolean":
            return value.boolValue != nil ? nil : "Boolean cannot represent a non-boolean value."
        default:
            return nil
        }
    }

    // MARK: - Selection

    mutating func select(_ selections: [GraphQLDocument.Selection], on object: any GraphQLObject, path: [String]) throws -> JSONValue {
        var output: [(String, JSONValue)] = []
        for field in try collect(selections, on: object, visited: []) {
            let key = field.responseKey
            guard !output.contains(where: { $0.0 == key }) else { continue }
            if field.name == "__typename" {
                output.append((key, .string(object.typeName)))
                continue
            }
            let arguments = GraphQLArguments(values: Dictionary(try field.arguments.map { ($0.0, try resolve($0.1)) }) { _, last in last })
            let result: GraphQLResult
            do {
                guard let resolved = try object.resolve(field.name, arguments) else {
                    throw Aborted(
                        error: GraphQLError(
                            message: "Cannot query field \"\(field.name)\" on type \"\(object.typeName)\".", location: field.location))
                }
                result = resolved
            } catch var error as GraphQLError {
                error.path = path + [key]
                errors.append(GraphQLError(message: error.message, location: error.location ?? field.location, path: path + [key]))
                output.append((key, nil))
                continue
            }
            output.append((key, try complete(result, field: field, path: path + [key])))
        }
        return .object(output)
    }

    mutating func complete(_ result: GraphQLResult, field: GraphQLDocument.Field, path: [String]) throws -> JSONValue {
        switch result {
        case .value(let value):
            if field.selections != nil, !value.isNull {
                throw Aborted(
                    error: GraphQLError(
                        message: "Field \"\(field.name)\" must not have a selection since its type has no subfields.",
                        location: field.location))
            }
            return value
        case .object(let object):
            guard let selections = field.selections else {
                throw Aborted(
                    error: GraphQLError(
                        message: "Field \"\(field.name)\" of type \"\(object.typeName)\" must have a selection of subfields.",
                        location: field.location))
            }
            return try select(selections, on: object, path: path)
        case .list(let items):
            return .array(try items.enumerated().map { try complete($1, field: field, path: path + [String($0)]) })
        }
    }

    /// The fields of a selection set for an object, with fragments applied and `@skip`/`@include` honoured.
    func collect(_ selections: [GraphQLDocument.Selection], on object: any GraphQLObject, visited: Set<String>) throws
        -> [GraphQLDocument.Field]
    {
        var fields: [GraphQLDocument.Field] = []
        for selection in selections {
            switch selection {
            case .field(let field):
                if try included(field.directives) { fields.append(field) }
            case .inlineFragment(let condition, let directives, let inner):
                guard try included(directives), condition.map({ applies($0, to: object) }) ?? true else { continue }
                fields += try collect(inner, on: object, visited: visited)
            case .fragmentSpread(let name, let directives, let location):
                guard let fragment = document.fragments[name] else {
                    throw Aborted(error: GraphQLError(message: "Unknown fragment \"\(name)\".", location: location))
                }
                guard !visited.contains(name) else {
                    throw Aborted(error: GraphQLError(message: "Cannot spread fragment \"\(name)\" within itself.", location: location))
                }
                guard try included(directives), applies(fragment.typeCondition, to: object) else { continue }
                fields += try collect(fragment.selections, on: object, visited: visited.union([name]))
            }
        }
        return fields
    }

    func applies(_ condition: String, to object: any GraphQLObject) -> Bool {
        condition == object.typeName || object.interfaces.contains(condition)
    }

    func included(_ directives: [GraphQLDocument.Directive]) throws -> Bool {
        for directive in directives {
            let value = try directive.arguments.first { $0.0 == "if" }.map { try resolve($0.1) }
            if directive.name == "skip", value?.boolValue == true { return false }
            if directive.name == "include", value?.boolValue == false { return false }
        }
        return true
    }

    func resolve(_ value: GraphQLDocument.Value) throws -> JSONValue {
        switch value {
        case .variable(let name):
            guard let bound = variables[name] else {
                throw Aborted(error: GraphQLError(message: "Variable \"$\(name)\" is not defined.", location: nil))
            }
            return bound
        case .literal(let literal): return literal
        case .enumValue(let name): return .string(name)
        case .list(let items): return .array(try items.map(resolve))
        case .object(let fields): return .object(try fields.map { ($0.0, try resolve($0.1)) })
        }
    }
}
