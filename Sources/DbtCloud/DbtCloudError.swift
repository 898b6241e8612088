import Foundation

/// Every failure of the client, printable as one line that names the method and path
/// (never the token). What a failure means to a program (its exit code) is the caller's policy.
public struct DbtCloudError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// 401: bad or missing token.
        case authentication
        /// 403: the token may not do this.
        case permission
        case notFound
        /// Any other 4xx (400 validation, 405, 409…).
        case rejected
        /// 429 after every retry: dbt Cloud asks to slow down.
        case throttled
        /// 5xx after retries.
        case server
        /// Refused, reset, DNS, TLS: after retries.
        case network
        case timeout
        /// A 2xx whose body is not what the endpoint promises.
        case invalidResponse
        /// Discovery answered with GraphQL `errors`.
        case graphQL
        /// Bad host, credentials or profile file: a usage problem on our side.
        case configuration
        /// A caller argument that must not be sent (e.g. an artifact path with `..`).
        case invalidArgument
    }

    public let kind: Kind
    public let method: String?
    public let path: String?
    public let status: Int?
    public let message: String
    /// The field errors of a 400's `data`, e.g. `["id": "required key not provided"]`.
    public let fieldErrors: [String: String]
    public let hint: String?
    /// The parsed error body when it was JSON (for `--output json`).
    public let responseBody: JSONValue?
    public let attempts: Int
    /// The request may have reached the server and been acted on (a reset or timeout after
    /// sending, a 5xx): a POST that failed this way may still have triggered a run.
    public let mayHaveBeenProcessed: Bool

    public init(
        kind: Kind, method: String? = nil, path: String? = nil, status: Int? = nil, message: String,
        fieldErrors: [String: String] = [:], hint: String? = nil, responseBody: JSONValue? = nil, attempts: Int = 1,
        mayHaveBeenProcessed: Bool = false
    ) {
        self.kind = kind
        self.method = method
        self.path = path
        self.status = status
        self.message = message
        self.fieldErrors = fieldErrors
        self.hint = hint
        self.responseBody = responseBody
        self.attempts = attempts
        self.mayHaveBeenProcessed = mayHaveBeenProcessed
    }

    public static func configuration(_ message: String, hint: String? = nil) -> DbtCloudError {
        DbtCloudError(kind: .configuration, message: message, hint: hint)
    }

    public var description: String {
        var line = ""
        if let method, let path { line += "\(method) \(path): " }
        if let status { line += "\(status) " }
        line += message
        if !fieldErrors.isEmpty {
            let fields = fieldErrors.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }
            line += " (" + fields.joined(separator: "; ") + ")"
        }
        if attempts > 1 { line += " (after \(attempts) attempts)" }
        if let hint { line += "; hint: \(hint)" }
        return Self.oneLine(line)
    }

    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: " ")
    }
}

extension DbtCloudError: LocalizedError {
    public var errorDescription: String? { description }
}

/// Turns an HTTP error response into a `DbtCloudError`, reading the dbt Cloud envelope when there is one.
enum ErrorMapping {
    static func error(
        method: String, path: String, status: Int, body: Data, host: DbtHost?, attempts: Int, location: String? = nil
    ) -> DbtCloudError {
        let json = try? JSONValue(parsing: body)
        let envelope = json.flatMap { $0.objectValue != nil ? $0 : nil }
        var message = envelope.flatMap(messageOf) ?? snippet(of: body, status: status)
        if (300..<400).contains(status) {
            message = redirectMessage(location: location, requestPath: path)
        }
        var fieldErrors: [String: String] = [:]
        if status == 400, case .object(let data)? = envelope?["data"] {
            for (key, value) in data where key != "_model" {
                fieldErrors[key] = describe(value)
            }
        }
        if message.isEmpty { message = HTTPStatusText.reason(status) }
        let kind: DbtCloudError.Kind =
            switch status {
            case 401: .authentication
            case 403: .permission
            case 404: .notFound
            case 429: .throttled
            case 300..<500: .rejected
            default: .server
            }
        var hint: String?
        if status == 401, let host, host.isLegacyMultiTenant {
            hint = "\(host.displayName) is a legacy host; if your account lives on a cell host (e.g. ab123.us1.dbt.com), set --host or DBT_CLOUD_HOST to it"
        } else if status == 401 {
            hint = "check the token and the host"
        }
        return DbtCloudError(
            kind: kind, method: method, path: path, status: status, message: message, fieldErrors: fieldErrors,
            hint: hint, responseBody: json, attempts: attempts)
    }

    /// `status.user_message` of the envelope, `detail` (Django), or GraphQL-style `errors[0].message`.
    static func messageOf(_ json: JSONValue) -> String? {
        if let message = json["status"]?["user_message"]?.stringValue, !message.isEmpty { return message }
        if let message = json["status"]?["developer_message"]?.stringValue, !message.isEmpty { return message }
        if let detail = json["detail"]?.stringValue { return detail }
        if let message = json["errors"]?[0]?["message"]?.stringValue { return message }
        if let message = json["message"]?.stringValue { return message }
        return nil
    }

    /// `redirect not followed: it points to https://other.example/api/v2/accounts/43/jobs/`, and
    /// a hint when it only adds the trailing slash. The location is shown without credentials,
    /// query or control characters, and shortened.
    static func redirectMessage(location: String?, requestPath: String) -> String {
        let trimmed = location?.trimmingCharacters(in: .whitespaces) ?? ""
        guard !trimmed.isEmpty else { return "redirect not followed (the answer gave no Location)" }
        var shown = trimmed
        var pointedPath = trimmed
        if let url = URLComponents(string: trimmed) {
            var safe = URLComponents()
            safe.scheme = url.scheme
            safe.host = url.host
            safe.port = url.port
            safe.percentEncodedPath = url.percentEncodedPath
            shown = (safe.string ?? "") + (url.percentEncodedQuery == nil ? "" : "?…")
            pointedPath = url.path
        } else if let mark = trimmed.firstIndex(where: { $0 == "?" || $0 == "#" }) {
            shown = String(trimmed[..<mark]) + "?…"
            pointedPath = String(trimmed[..<mark])
        }
        let hint = pointedPath == requestPath + "/" ? "; add the trailing slash: \(requestPath)/" : ""
        return "redirect not followed: it points to \(visible(shown, limit: 160))\(hint)"
    }

    /// Control characters as `\u{…}`, then cut to `limit` characters.
    static func visible(_ text: String, limit: Int) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.properties.generalCategory == .format {
                result += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                result.unicodeScalars.append(scalar)
            }
            if result.count >= limit { return result + "…" }
        }
        return result
    }

    static func describe(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): text
        case .array(let items): items.map(describe).joined(separator: ", ")
        default: value.compactText
        }
    }

    /// A short, tag-free, single-line excerpt of a non-JSON body (an HTML 502 page, say).
    static func snippet(of body: Data, status: Int) -> String {
        let text = String(decoding: body.prefix(4096), as: UTF8.self)
        let withoutTags = text.replacingOccurrences(of: "<[^>]*>", with: " ", options: .regularExpression)
        let words = withoutTags.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        let reason = HTTPStatusText.reason(status)
        guard !words.isEmpty else { return reason }
        let excerpt = words.count > 80 ? String(words.prefix(80)) + "…" : words
        return excerpt.hasPrefix("\(status)") || excerpt.hasPrefix(reason) ? excerpt : "\(reason): \(excerpt)"
    }
}

enum HTTPStatusText {
    static func reason(_ status: Int) -> String {
        switch status {
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 409: "Conflict"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        case 300..<400: "Redirected (the path may be missing its trailing slash)"
        default: "HTTP \(status)"
        }
    }
}
