/// Items of a kind that comes from live listings (jobs, runs, steps, artifacts, nodes).
public protocol CompletionSource: Sendable {
    func items(for kind: ArgumentKind, matching word: String, session: Session) -> [CompletionItem]
    /// What to show instead of items that are not there yet: a listing being loaded, or why
    /// it could not be.
    func message(for kind: ArgumentKind, session: Session) -> String?
}

extension CompletionSource {
    public func message(for kind: ArgumentKind, session: Session) -> String? { nil }
}
