import Foundation

/// A request as the API layer sees it, independent of the HTTP server.
struct APIRequest {
    let method: String
    let path: String
    let rawQuery: String?
    let query: [String: String]
    let body: Data
    let authorization: String?
    let contentType: String?

    var segments: [String] { path.split(separator: "/").map(String.init) }
    var hasTrailingSlash: Bool { path.count > 1 && path.hasSuffix("/") }

    init(method: String, path: String, rawQuery: String?, body: Data, authorization: String?, contentType: String?) {
        self.method = method.uppercased()
        self.path = path
        self.rawQuery = rawQuery
        self.query = Self.parseQuery(rawQuery)
        self.body = body
        self.authorization = authorization
        self.contentType = contentType
    }

    static func parseQuery(_ raw: String?) -> [String: String] {
        var result: [String: String] = [:]
        for pair in (raw ?? "").split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = decode(parts[0])
            result[key] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return result
    }

    private static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    /// The body as a JSON object; form-encoded bodies are accepted too, as by the real trigger endpoint.
    func jsonBody() -> JSONValue? {
        if body.isEmpty { return .object([]) }
        if let json = JSONValue.parse(body) { return json }
        if contentType?.contains("application/x-www-form-urlencoded") == true {
            let fields = Self.parseQuery(String(decoding: body, as: UTF8.self))
            return .object(fields.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.string($0.value)) })
        }
        return nil
    }
}

/// What the API answers; the server turns it into an HTTP response.
struct APIResponse {
    var status: Int
    var headers: [(String, String)] = []
    var contentType: String = "application/json"
    var body: Data

    static func json(_ value: JSONValue, status: Int = 200) -> APIResponse {
        APIResponse(status: status, body: value.serializedData())
    }
}

/// The `{status, data, extra}` envelopes and the real error bodies.
enum Envelope {
    static func status(code: Int, message: String, developerMessage: JSONValue = "") -> JSONValue {
        .object([
            ("code", .int(code)), ("is_success", .bool(code < 400)), ("user_message", .string(message)),
            ("developer_message", developerMessage),
        ])
    }

    static func success(_ data: JSONValue, code: Int = 200) -> APIResponse {
        .json(.object([("status", status(code: code, message: "Success!")), ("data", data)]), status: code)
    }

    static func error(_ code: Int, _ message: String, developerMessage: JSONValue = "", data: JSONValue = nil)
        -> APIResponse
    {
        .json(.object([("status", status(code: code, message: message, developerMessage: developerMessage)), ("data", data)]), status: code)
    }

    static let invalidToken = error(401, "Invalid token.", developerMessage: nil)
    static let forbidden = error(403, "Forbidden: You do not have permission to access this resource.")
    static let notFound = error(404, "The requested resource was not found.")
    static let notFoundPermissions = error(
        404, "The requested resource was not found. Please check that you have the proper permissions.")

    static func invalid(_ fields: [(String, JSONValue)], model: String? = nil, message: String? = nil) -> APIResponse {
        var data: [(String, JSONValue)] = []
        if let model { data.append(("_model", .string(model))) }
        data += fields
        return error(
            400, message ?? "The request was invalid. Please double check the provided data and try again.",
            data: .object(data))
    }

    static func badRequest(_ message: String) -> APIResponse { error(400, message) }

    static func methodNotAllowed(_ method: String) -> APIResponse {
        .json(.object([("detail", .string("Method \"\(method)\" not allowed."))]), status: 405)
    }
}
