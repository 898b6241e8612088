import Foundation

/// Builds the compact index `APIIndex` reads from OpenAPI documents (the committed copies of
/// dbt-labs/dbt-cloud-openapi-spec's `openapi-v2.yaml` and `openapi-v3.yaml`). Run by the test
/// that keeps `Resources/openapi-index.json` in step with the specs (`OpenAPIIndexTests`).
enum OpenAPIIndexBuilder {
    static let methods = ["get", "post", "put", "patch", "delete"]

    /// `specs`: (label, document) pairs; the label goes to `sources`.
    static func build(_ specs: [(label: String, document: JSONValue)]) -> JSONValue {
        var operations: [JSONValue] = []
        for spec in specs {
            let paths = spec.document["paths"]?.objectValue ?? [:]
            for path in paths.keys.sorted() {
                guard let item = paths[path] else { continue }
                let shared = item["parameters"]?.arrayValue ?? []
                for method in methods {
                    guard let operation = item[method], operation.objectValue != nil else { continue }
                    operations.append(entry(method: method, path: path, operation: operation, shared: shared))
                }
            }
        }
        return .object([
            "sources": .array(specs.map { .string($0.label) }),
            "operations": .array(operations),
        ])
    }

    static func entry(method: String, path: String, operation: JSONValue, shared: [JSONValue]) -> JSONValue {
        let declared = shared + (operation["parameters"]?.arrayValue ?? [])
        var byName: [String: JSONValue] = [:]
        var order: [String] = []
        for parameter in declared {
            guard let name = parameter["name"]?.stringValue, let location = parameter["in"]?.stringValue,
                ["path", "query"].contains(location)
            else { continue }
            if byName[name] == nil { order.append(name) }
            byName[name] = parameter
        }
        let parameters = order.compactMap { byName[$0] }.map(parameterEntry)
        let queryNames = Set(order.filter { byName[$0]?["in"]?.stringValue == "query" })
        let response = responseSchema(operation)
        var result: [String: JSONValue] = [
            "m": .string(method.uppercased()),
            "p": .string(path),
            "s": .string(operation["operationId"]?.stringValue ?? operation["summary"]?.stringValue ?? ""),
        ]
        let description = firstSentence(operation["description"]?.stringValue ?? "")
        if !description.isEmpty { result["d"] = .string(description) }
        if !parameters.isEmpty { result["params"] = .array(parameters) }
        if let body = requestSchema(operation) { result["body"] = .string(body) }
        if let response { result["resp"] = .string(response) }
        let pages = queryNames.contains("limit") && queryNames.contains("offset")
        let listShaped = response.map { $0.hasSuffix("ListEnveloped") || $0.hasPrefix("Paginated") } ?? false
        if method == "get", pages || listShaped { result["list"] = true }
        if operation["deprecated"]?.boolValue == true { result["dep"] = true }
        return .object(result)
    }

    static func parameterEntry(_ parameter: JSONValue) -> JSONValue {
        let schema = parameter["schema"] ?? .object([:])
        var type = schema["type"]?.stringValue ?? ""
        if type == "array", let inner = schema["items"]?["type"]?.stringValue { type = "[\(inner)]" }
        var help = firstSentence(parameter["description"]?.stringValue ?? "")
        let values = (schema["enum"] ?? schema["items"]?["enum"])?.arrayValue?.map(\.compactText) ?? []
        if !values.isEmpty, values.count <= 12 {
            help += (help.isEmpty ? "" : " ") + "One of " + values.map { $0.replacingOccurrences(of: "\"", with: "") }.joined(separator: ", ") + "."
        }
        var result: [String: JSONValue] = [
            "n": parameter["name"] ?? "",
            "in": parameter["in"] ?? "query",
            "t": .string(type),
        ]
        if let value = schema["default"] { result["d"] = .string(value.stringValue ?? value.compactText) }
        if parameter["required"]?.boolValue == true { result["r"] = true }
        if !help.isEmpty { result["h"] = .string(help) }
        return .object(result)
    }

    static func requestSchema(_ operation: JSONValue) -> String? {
        guard let content = operation["requestBody"]?["content"]?.objectValue else { return nil }
        let schema = content["application/json"]?["schema"] ?? content.values.first?["schema"]
        return schemaName(schema)
    }

    static func responseSchema(_ operation: JSONValue) -> String? {
        guard let responses = operation["responses"]?.objectValue else { return nil }
        for code in responses.keys.sorted() where code.hasPrefix("2") {
            if let name = schemaName(responses[code]?["content"]?["application/json"]?["schema"]) { return name }
        }
        return nil
    }

    static func schemaName(_ schema: JSONValue?) -> String? {
        guard let schema else { return nil }
        if let reference = schema["$ref"]?.stringValue { return reference.split(separator: "/").last.map(String.init) }
        if schema["type"]?.stringValue == "array", let inner = schemaName(schema["items"]) { return "[\(inner)]" }
        return schema["type"]?.stringValue
    }

    /// The first sentence of a description's first line (two when the first is a word or two, as
    /// in "Deprecated. Consider using the v3 API instead."), at most 200 characters.
    static func firstSentence(_ text: String) -> String {
        let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        var sentence = ""
        var rest = Substring(line)
        while let end = rest.range(of: ". "), sentence.count < 30 {
            sentence += rest[..<end.lowerBound] + ". "
            rest = rest[end.upperBound...]
        }
        if sentence.count < 30 { sentence += rest }
        sentence = sentence.trimmingCharacters(in: .whitespaces)
        return sentence.count > 200 ? String(sentence.prefix(199)) + "…" : sentence
    }
}

extension OpenAPIIndexBuilder {
    /// The index as committed: one operation per line, keys sorted, so that a spec update shows
    /// as a readable diff.
    static func render(_ index: JSONValue) -> String {
        let sources = index["sources"]?.compactText ?? "[]"
        let operations = (index["operations"]?.arrayValue ?? []).map(\.compactText)
        return "{\"sources\":\(sources),\n\"operations\":[\n" + operations.joined(separator: ",\n") + "\n]}\n"
    }
}
