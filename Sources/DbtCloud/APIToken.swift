/// The API token. It prints as `****` everywhere (description, debugDescription, dump, string
/// interpolation); only the client reads the secret, to build the Authorization header.
public struct APIToken: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    let secret: String

    public init(_ secret: String) {
        self.secret = secret.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    public var isEmpty: Bool { secret.isEmpty }
    public var description: String { "****" }
    public var debugDescription: String { "APIToken(****)" }
    public var customMirror: Mirror { Mirror(self, children: ["secret": "****"]) }

    /// Whether `text` carries the secret (a line that must not reach the history file).
    public func appears(in text: String) -> Bool {
        secret.count >= 4 && text.contains(secret)
    }

    /// Replaces any occurrence of the secret in `text` (e.g. a server echoing a header back).
    public func redact(_ text: String) -> String {
        guard secret.count >= 4 else { return text }
        return text.replacingOccurrences(of: secret, with: "****")
    }
}
