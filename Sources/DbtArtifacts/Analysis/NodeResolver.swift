import Foundation

/// The outcome of looking a node up by what a user typed.
public enum NodeResolution: Sendable, Equatable {
    case found(String)
    /// Several nodes match; their unique_ids, sorted.
    case ambiguous([String])
    /// Nothing matches; the nearest known name, if one is close.
    case notFound(suggestion: String?)
}

/// Finds a node by unique_id, by name (`int_customer_order_history`), or by a unique
/// dot-separated suffix of its unique_id (`erp.inventory_levels`, `lumen_shop.dim_customers`).
/// Names match ignoring case; a near miss gets a "did you mean".
public struct NodeResolver: Sendable {
    private struct Candidate: Sendable {
        let uniqueID: String
        let lowercasedID: String
        /// The short name as dbt prints it, lower-cased.
        let primaryName: String
        /// Other names a user may type: the manifest name, the table of a source.
        let otherNames: [String]
    }

    private let candidates: [Candidate]
    private let ids: Set<String>

    /// `names` gives the manifest name of a unique_id when it differs from the id's last part.
    public init(uniqueIDs: some Sequence<String>, names: [String: String] = [:]) {
        var ids: Set<String> = []
        var candidates: [Candidate] = []
        for id in uniqueIDs where ids.insert(id).inserted {
            let primary = NodeNames.shortName(id).lowercased()
            var others: [String] = []
            if let last = primary.split(separator: ".").last.map(String.init), last != primary {
                others.append(last)
            }
            if let name = names[id]?.lowercased(), name != primary, !others.contains(name) {
                others.append(name)
            }
            candidates.append(Candidate(uniqueID: id, lowercasedID: id.lowercased(), primaryName: primary, otherNames: others))
        }
        self.candidates = candidates
        self.ids = ids
    }

    public var uniqueIDs: [String] { candidates.map(\.uniqueID) }

    public func resolve(_ query: String) -> NodeResolution {
        let typed = query.trimmingCharacters(in: .whitespaces)
        guard !typed.isEmpty else { return .notFound(suggestion: nil) }
        if ids.contains(typed) { return .found(typed) }
        let lowered = typed.lowercased()
        let rules: [(Candidate) -> Bool] = [
            { $0.lowercasedID == lowered },
            { $0.primaryName == lowered },
            { $0.otherNames.contains(lowered) },
            { $0.lowercasedID.hasSuffix("." + lowered) },
        ]
        for rule in rules {
            let matches = candidates.filter(rule)
            if matches.count == 1 { return .found(matches[0].uniqueID) }
            if matches.count > 1 { return .ambiguous(matches.map(\.uniqueID).sorted()) }
        }
        return .notFound(suggestion: suggestion(for: lowered))
    }

    /// The closest short name by edit distance, or else the shortest name containing the text.
    private func suggestion(for lowered: String) -> String? {
        let typed = Array(lowered.utf8)
        let limit = max(1, min(4, typed.count / 4 + 1))
        var best: (distance: Int, name: String)?
        for candidate in candidates {
            let name = candidate.primaryName
            guard abs(name.utf8.count - typed.count) <= limit else { continue }
            let distance = EditDistance.between(typed, Array(name.utf8), limit: limit)
            if distance <= limit, distance < (best?.distance ?? Int.max) || (distance == best?.distance && name < best!.name) {
                best = (distance, name)
            }
        }
        if let best { return best.name }
        return candidates.lazy.map(\.primaryName)
            .filter { $0.contains(lowered) }
            .min { ($0.count, $0) < ($1.count, $1) }
    }
}

enum EditDistance {
    /// Damerau–Levenshtein (optimal string alignment) distance; returns `limit + 1` early once it is exceeded.
    static func between(_ a: [UInt8], _ b: [UInt8], limit: Int) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previousPrevious = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            var rowMinimum = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    value = min(value, previousPrevious[j - 2] + 1)
                }
                current[j] = value
                rowMinimum = min(rowMinimum, value)
            }
            if rowMinimum > limit { return limit + 1 }
            (previousPrevious, previous, current) = (previous, current, previousPrevious)
        }
        return previous[b.count]
    }
}
