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
///
/// Building one costs next to nothing; the work happens in `resolve`, which compares bytes
/// in place, so that a one-shot `catalog show NODE` on thousands of nodes stays fast.
public struct NodeResolver: Sendable {
    private let ids: [String]
    /// Lower-cased names that cannot be read off the unique_id (a manifest name, a relation name) → ids.
    private let otherNames: [String: [String]]

    /// `names` gives the name of a unique_id when it may differ from the id's last part (a
    /// manifest name); `aliases` another name users may type (a relation name).
    public init(uniqueIDs: some Sequence<String>, names: [String: String] = [:], aliases: [String: String] = [:]) {
        ids = Array(uniqueIDs)
        var others: [String: [String]] = [:]
        for (id, name) in names.concatenated(with: aliases) {
            if Self.isReadable(name, from: id) { continue }
            others[name.lowercased(), default: []].append(id)
        }
        otherNames = others
    }

    public var uniqueIDs: [String] { ids }

    /// True when `name` can be read off `id` (its short name or that name's last part), so
    /// it need not be passed in `names` or `aliases`.
    static func isReadable(_ name: String, from id: String) -> Bool {
        let bytes = Array(name.lowercased().utf8)
        return primaryName(of: id, equals: bytes) || lastPartOfName(of: id, equals: bytes)
    }

    public func resolve(_ query: String) -> NodeResolution {
        let typed = query.trimmingCharacters(in: .whitespaces)
        guard !typed.isEmpty else { return .notFound(suggestion: nil) }
        if ids.contains(typed) { return .found(typed) }
        let lowered = Array(typed.lowercased().utf8)
        let rules: [(String) -> Bool] = [
            { ASCIIBytes.equalIgnoringCase($0, lowered) },
            { Self.primaryName(of: $0, equals: lowered) },
            { Self.lastPartOfName(of: $0, equals: lowered) },
            { ASCIIBytes.hasDottedSuffixIgnoringCase($0, lowered) },
        ]
        for (position, rule) in rules.enumerated() {
            var matches = Set(ids.filter(rule))
            if position == 2 { matches.formUnion(otherNames[typed.lowercased()] ?? []) }
            if matches.count == 1 { return .found(matches.first!) }
            if matches.count > 1 { return .ambiguous(matches.sorted()) }
        }
        return .notFound(suggestion: suggestion(for: typed.lowercased()))
    }

    /// The name after `type.package.` (without the hash of a test, or the `.v2` of a versioned
    /// model) equals `name`, ignoring case.
    private static func primaryName(of id: String, equals name: [UInt8]) -> Bool {
        ASCIIBytes.with(id) { bytes in
            guard let range = ASCIIBytes.primaryNameRange(bytes) else { return false }
            if ASCIIBytes.equalIgnoringCase(UnsafeBufferPointer(rebasing: bytes[range]), name) { return true }
            guard let version = ASCIIBytes.versionSuffixStart(bytes, range) else { return false }
            return ASCIIBytes.equalIgnoringCase(UnsafeBufferPointer(rebasing: bytes[range.lowerBound..<version]), name)
        }
    }

    /// For dotted names (`erp.inventory_levels`, `dim_customers.test_x`): the part after the last dot.
    private static func lastPartOfName(of id: String, equals name: [UInt8]) -> Bool {
        ASCIIBytes.with(id) { bytes in
            guard let range = ASCIIBytes.primaryNameRange(bytes),
                  let dot = bytes[range].lastIndex(of: UInt8(ascii: ".")) else { return false }
            return ASCIIBytes.equalIgnoringCase(UnsafeBufferPointer(rebasing: bytes[(dot + 1)..<range.upperBound]), name)
        }
    }

    /// The closest short name by edit distance, or else the shortest name containing the text.
    private func suggestion(for lowered: String) -> String? {
        let typed = Array(lowered.utf8)
        let limit = max(1, min(4, typed.count / 4 + 1))
        var best: (distance: Int, name: String)?
        var shortestContaining: String?
        func consider(_ name: UnsafeBufferPointer<UInt8>) {
            if abs(name.count - typed.count) <= limit {
                let candidate = name.map(ASCIIBytes.lower)
                let distance = EditDistance.between(typed, candidate, limit: limit)
                let text = String(decoding: candidate, as: UTF8.self)
                if distance <= limit, (distance, text) < (best?.distance ?? Int.max, best?.name ?? "") {
                    best = (distance, text)
                }
            }
            if best == nil, name.count > typed.count, ASCIIBytes.containsIgnoringCase(name, typed) {
                let text = String(decoding: name.map(ASCIIBytes.lower), as: UTF8.self)
                if let current = shortestContaining, (current.utf8.count, current) <= (text.utf8.count, text) { return }
                shortestContaining = text
            }
        }
        for id in ids {
            ASCIIBytes.with(id) { bytes in
                guard let range = ASCIIBytes.primaryNameRange(bytes) else { return }
                consider(UnsafeBufferPointer(rebasing: bytes[range]))
            }
        }
        for name in otherNames.keys {
            ASCIIBytes.with(name) { consider($0) }
        }
        return best?.name ?? shortestContaining
    }
}

private extension Dictionary where Key == String, Value == String {
    func concatenated(with other: [String: String]) -> [(String, String)] {
        map { ($0.key, $0.value) } + other.map { ($0.key, $0.value) }
    }
}

/// Byte-level helpers over UTF-8, case-insensitive for ASCII letters only.
enum ASCIIBytes {
    static func with<Result>(_ string: String, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        if let result = string.utf8.withContiguousStorageIfAvailable(body) { return result }
        return Array(string.utf8).withUnsafeBufferPointer(body)
    }

    static func lower(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }

    /// `bytes` equals `lowered` (already lower-case), ignoring the case of `bytes`.
    static func equalIgnoringCase(_ bytes: UnsafeBufferPointer<UInt8>, _ lowered: [UInt8]) -> Bool {
        guard bytes.count == lowered.count else { return false }
        for index in 0..<bytes.count where lower(bytes[index]) != lowered[index] { return false }
        return true
    }

    static func equalIgnoringCase(_ string: String, _ lowered: [UInt8]) -> Bool {
        guard string.utf8.count == lowered.count else { return false }
        return with(string) { equalIgnoringCase($0, lowered) }
    }

    /// `haystack` contains `lowered` (already lower-case), ignoring the case of ASCII letters.
    static func containsIgnoringCase(_ haystack: UnsafeBufferPointer<UInt8>, _ lowered: [UInt8]) -> Bool {
        guard let first = lowered.first else { return true }
        guard haystack.count >= lowered.count else { return false }
        let upperFirst = first >= UInt8(ascii: "a") && first <= UInt8(ascii: "z") ? first - 0x20 : first
        let last = haystack.count - lowered.count
        var index = 0
        while index <= last {
            let byte = haystack[index]
            if byte == first || byte == upperFirst {
                var matched = 1
                while matched < lowered.count, lower(haystack[index + matched]) == lowered[matched] { matched += 1 }
                if matched == lowered.count { return true }
            }
            index += 1
        }
        return false
    }

    /// `string` ends with `.` + `lowered`, ignoring case.
    static func hasDottedSuffixIgnoringCase(_ string: String, _ lowered: [UInt8]) -> Bool {
        let count = string.utf8.count
        guard count > lowered.count else { return false }
        return with(string) { bytes in
            let start = count - lowered.count
            guard bytes[start - 1] == UInt8(ascii: ".") else { return false }
            return equalIgnoringCase(UnsafeBufferPointer(rebasing: bytes[start...]), lowered)
        }
    }

    /// Where `.v<digits>` starts at the end of `range`, if it is there.
    static func versionSuffixStart(_ id: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int? {
        var index = range.upperBound - 1
        while index > range.lowerBound, id[index] >= UInt8(ascii: "0"), id[index] <= UInt8(ascii: "9") { index -= 1 }
        guard index < range.upperBound - 1, index - 1 > range.lowerBound,
              id[index] == UInt8(ascii: "v"), id[index - 1] == UInt8(ascii: ".") else { return nil }
        return index - 1
    }

    /// Where the short name sits in a unique_id: after `type.package.`, and before the hash of a test.
    static func primaryNameRange(_ id: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        guard let firstDot = id.firstIndex(of: UInt8(ascii: ".")),
              let secondDot = id[(firstDot + 1)...].firstIndex(of: UInt8(ascii: ".")) else { return nil }
        var end = id.count
        let isTest = firstDot == 4 && id[0] == UInt8(ascii: "t") && id[1] == UInt8(ascii: "e")
            && id[2] == UInt8(ascii: "s") && id[3] == UInt8(ascii: "t")
        if isTest, let lastDot = id.lastIndex(of: UInt8(ascii: ".")), lastDot > secondDot {
            end = lastDot
        }
        return (secondDot + 1)..<end
    }
}

/// The one edit distance of dbtsh (node names, did-you-mean for commands, options and values).
public enum EditDistance {
    /// Damerau–Levenshtein (optimal string alignment) distance; returns `limit + 1` early once it is exceeded.
    public static func between<Element: Equatable>(_ a: [Element], _ b: [Element], limit: Int) -> Int {
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
