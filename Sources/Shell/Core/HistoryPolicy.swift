import DbtCloud

/// Which typed lines may reach the history file: never one that carries a secret, and
/// (as in bash's `ignorespace`) not one typed with a leading space.
public struct HistoryPolicy: Sendable {
    public var secrets: [String]
    public var tokens: [APIToken]

    public init(secrets: [String] = [], tokens: [APIToken] = []) {
        self.secrets = secrets.filter { $0.count >= 4 }
        self.tokens = tokens
    }

    public func shouldRecord(_ line: String) -> Bool {
        guard !line.trimmingWhitespace.isEmpty, !line.hasPrefix(" ") else { return false }
        if secrets.contains(where: { line.contains($0) }) || tokens.contains(where: { $0.appears(in: line) }) { return false }
        let lowered = line.lowercased()
        for marker in Self.tokenMarkers where lowered.contains(marker) { return false }
        return true
    }

    /// dbt Cloud service tokens start with `dbtc_`, personal access tokens with `dbtu_`.
    static let tokenMarkers = ["dbtc_", "dbtu_", "api_token", "api-token", "token-value", "authorization:"]
}

extension String {
    var trimmingWhitespace: String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.isWhitespace { slice.removeLast() }
        return String(slice)
    }
}
