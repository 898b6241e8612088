import Foundation

/// Where an account lives: the Admin API base URL and the Discovery GraphQL URL derived from it
/// (CONTRACT §1.2).
public struct DbtHost: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// `cloud.getdbt.com`, `emea.dbt.com`, `au.dbt.com`.
        case legacyMultiTenant
        /// `PREFIX.CELL.dbt.com`, e.g. `ab123.us1.dbt.com`.
        case cell(prefix: String, cell: String)
        /// Any other host (single tenant, vanity URL).
        case singleTenant
        /// 127.0.0.0/8, ::1, localhost: the sandbox and tests. Plain http is allowed here.
        case loopback
    }

    public static let legacyHosts: Set<String> = ["cloud.getdbt.com", "emea.dbt.com", "au.dbt.com"]
    public static let `default` = try! DbtHost.parse("cloud.getdbt.com")

    public let kind: Kind
    /// Scheme, host and port, no path: `https://ab123.us1.dbt.com`.
    public let apiBaseURL: URL
    public let discoveryURL: URL

    public var isLegacyMultiTenant: Bool { kind == .legacyMultiTenant }
    public var isLoopback: Bool { kind == .loopback }
    /// Host and port as a user would type it: `ab123.us1.dbt.com`, `127.0.0.1:8080`.
    public var displayName: String {
        let host = apiBaseURL.host ?? ""
        let shown = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return apiBaseURL.port.map { "\(shown):\($0)" } ?? shown
    }
    public var description: String { apiBaseURL.absoluteString }

    /// An explicit pair of URLs (e.g. a Discovery endpoint behind a proxy).
    public init(apiBaseURL: URL, discoveryURL: URL, kind: Kind) {
        self.apiBaseURL = apiBaseURL
        self.discoveryURL = discoveryURL
        self.kind = kind
    }

    /// Accepts a bare host (`emea.dbt.com`, `ab123.us1.dbt.com:443`) or a URL
    /// (`https://cloud.getdbt.com/`, `https://cloud.getdbt.com/api`). Refuses `http://` except on loopback.
    public static func parse(_ text: String) throws -> DbtHost {
        try parse(text, resolve: LoopbackResolution.addresses(of:))
    }

    /// `resolve` gives the addresses a name stands for (tests pass their own).
    static func parse(_ text: String, resolve: (String) -> [String]) throws -> DbtHost {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw DbtCloudError.configuration("empty host") }
        let withScheme = trimmed.contains("://") ? trimmed : "https://" + trimmed
        guard let components = URLComponents(string: withScheme),
            let scheme = components.scheme?.lowercased(),
            let rawHost = components.host, !rawHost.isEmpty
        else {
            throw DbtCloudError.configuration("invalid host `\(trimmed)`", hint: "use a host like cloud.getdbt.com or ab123.us1.dbt.com")
        }
        let host = rawHost.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        guard isValidHostName(host) else {
            throw DbtCloudError.configuration("invalid host `\(trimmed)`", hint: "use a host like cloud.getdbt.com or ab123.us1.dbt.com")
        }
        let path = components.path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        guard path.isEmpty || path == "api" else {
            throw DbtCloudError.configuration("unexpected path `/\(path)` in host `\(trimmed)`", hint: "give only the host, e.g. https://cloud.getdbt.com")
        }
        guard components.query == nil, components.user == nil, components.password == nil else {
            throw DbtCloudError.configuration("invalid host `\(trimmed)`: no query or credentials allowed in the host")
        }
        let loopback = isLoopback(host)
        switch scheme {
        case "https": break
        case "http" where loopback && (isLiteralLoopback(host) || LoopbackResolution.allLoopback(resolve(host))): break
        case "http" where loopback:
            throw DbtCloudError.configuration(
                "plain http is refused for \(host): it does not resolve to loopback addresses only", hint: "use https://\(host)")
        case "http":
            throw DbtCloudError.configuration(
                "plain http is refused for \(host): the token would travel unencrypted", hint: "use https://\(host)")
        default:
            throw DbtCloudError.configuration("unsupported scheme `\(scheme)` in host `\(trimmed)`")
        }
        let urlHost = host.contains(":") ? "[\(host)]" : host
        let port = components.port.map { ":\($0)" } ?? ""
        let base = URL(string: "\(scheme)://\(urlHost)\(port)")!
        let kind = classify(host, loopback: loopback)
        let discovery: URL
        switch kind {
        case .loopback:
            discovery = URL(string: "\(scheme)://\(urlHost)\(port)/graphql")!
        case .cell(let prefix, let cell):
            discovery = URL(string: "https://\(prefix).metadata.\(cell).dbt.com\(port)/graphql")!
        case .legacyMultiTenant, .singleTenant:
            discovery = URL(string: "https://\(metadataHost(for: host))\(port)/graphql")!
        }
        return DbtHost(apiBaseURL: base, discoveryURL: discovery, kind: kind)
    }

    private static func classify(_ host: String, loopback: Bool) -> Kind {
        if loopback { return .loopback }
        if legacyHosts.contains(host) { return .legacyMultiTenant }
        let labels = host.split(separator: ".").map(String.init)
        if labels.count == 4, labels[2] == "dbt", labels[3] == "com", isCellName(labels[1]), labels[0] != "metadata" {
            return .cell(prefix: labels[0], cell: labels[1])
        }
        return .singleTenant
    }

    /// `us1`, `eu2`, `jp1`: letters then digits.
    private static func isCellName(_ label: String) -> Bool {
        let letters = label.prefix(while: { $0.isLetter })
        let digits = label.dropFirst(letters.count)
        return !letters.isEmpty && !digits.isEmpty && digits.allSatisfy(\.isNumber)
    }

    /// Single tenant `ACCOUNT_PREFIX.ROUTING.dbt.com` → `ACCOUNT_PREFIX.metadata.ROUTING.dbt.com`;
    /// anything else gets `metadata.` in front.
    private static func metadataHost(for host: String) -> String {
        let labels = host.split(separator: ".").map(String.init)
        if labels.contains("metadata") { return host }
        if labels.count >= 4, host.hasSuffix(".dbt.com") {
            return ([labels[0], "metadata"] + labels.dropFirst()).joined(separator: ".")
        }
        return "metadata." + host
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host.hasSuffix(".localhost") || isLiteralLoopback(host)
    }

    /// `127.x.y.z` or `::1`: loopback without asking a resolver.
    static func isLiteralLoopback(_ host: String) -> Bool {
        if host == "::1" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4, octets.allSatisfy({ UInt8($0) != nil }) else { return false }
        return octets[0] == "127"
    }

    private static func isValidHostName(_ host: String) -> Bool {
        if host.contains(":") {
            return host.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
        }
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        return labels.allSatisfy { label in
            !label.isEmpty && label.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "-" || $0 == "_" }
        }
    }
}

/// What `localhost` and `*.localhost` names resolve to: plain http goes to them only when every
/// address is a loopback one (a resolver or hosts file can point such a name anywhere).
enum LoopbackResolution {
    static func addresses(of host: String) -> [String] {
        var hints = addrinfo()
        #if os(Linux)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0, let first = list else { return [] }
        defer { freeaddrinfo(list) }
        var found: [String] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            var name = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if let address = entry.pointee.ai_addr,
                getnameinfo(address, entry.pointee.ai_addrlen, &name, socklen_t(name.count), nil, 0, NI_NUMERICHOST) == 0
            {
                found.append(String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
            }
            cursor = entry.pointee.ai_next
        }
        return found
    }

    static func allLoopback(_ addresses: [String]) -> Bool {
        !addresses.isEmpty && addresses.allSatisfy { DbtHost.isLiteralLoopback($0.split(separator: "%").first.map(String.init) ?? "") }
    }
}
