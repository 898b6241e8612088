import DbtCloud

/// `api GET /api/v3/accounts/{account}/<TAB>`: the next segment of the endpoint paths of the
/// OpenAPI specs, those of the command's method first. A folder of endpoints completes without
/// a space so the next TAB goes on; an endpoint with nothing below it gets a space.
enum APIPathCandidates {
    static func items(matching typed: String, after words: [String]) -> [CompletionItem] {
        let method = words.last { APICommand.methods.contains($0.uppercased()) }?.uppercased()
        let index = APIIndex.shared
        return index.completions(for: typed, method: method).map { completion in
            let leaf = completion.isEndpoint && index.completions(for: folder(completion.text)).isEmpty
            return CompletionItem(completion.text, display: display(completion), appendsSpace: leaf)
        }
    }

    /// `projects/  GET POST` (the last segment, and the methods found at or under it).
    static func display(_ completion: APIPathCompletion) -> String {
        let trimmed = completion.text.hasSuffix("/") ? String(completion.text.dropLast()) : completion.text
        let segment = trimmed.split(separator: "/").last.map(String.init) ?? trimmed
        let shown = segment + (completion.text.hasSuffix("/") ? "/" : "")
        return "\(shown)  \(completion.methods.joined(separator: " "))"
    }

    private static func folder(_ path: String) -> String {
        path.hasSuffix("/") ? path : path + "/"
    }
}
