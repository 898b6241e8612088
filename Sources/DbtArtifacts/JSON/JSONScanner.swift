import Foundation

/// Where and why the scanner stopped reading.
struct JSONScanError: Error, Equatable {
    enum Reason: Equatable {
        case unexpectedEnd
        case unexpectedByte(UInt8)
    }

    let offset: Int
    let reason: Reason
}

/// The raw bytes of an object key, compared without building a `String`.
struct JSONKey {
    let start: Int
    let count: Int
}

/// A forward-only, allocation-free reader over JSON bytes.
///
/// It decodes only what it is asked for and skips the rest by counting brackets, so a
/// 25 MB manifest costs one pass over its bytes plus the fields actually read. Skipped
/// values are checked for balance and termination only, not for full JSON validity.
struct JSONScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var position: Int

    init(_ bytes: UnsafeBufferPointer<UInt8>, position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    var isAtEnd: Bool {
        mutating get {
            skipWhitespace()
            return position >= bytes.count
        }
    }

    // MARK: - Structure

    mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    mutating func peek() throws(JSONScanError) -> UInt8 {
        skipWhitespace()
        guard position < bytes.count else { throw JSONScanError(offset: position, reason: .unexpectedEnd) }
        return bytes[position]
    }

    mutating func expect(_ byte: UInt8) throws(JSONScanError) {
        let found = try peek()
        guard found == byte else { throw unexpected(found) }
        position += 1
    }

    func unexpected(_ byte: UInt8) -> JSONScanError {
        JSONScanError(offset: position, reason: .unexpectedByte(byte))
    }

    private mutating func consumeLiteral(_ literal: StaticString) throws(JSONScanError) {
        let count = literal.utf8CodeUnitCount
        let pointer = literal.utf8Start
        for index in 0..<count {
            guard position < bytes.count else { throw JSONScanError(offset: position, reason: .unexpectedEnd) }
            guard bytes[position] == pointer[index] else { throw unexpected(bytes[position]) }
            position += 1
        }
    }

    /// Starts an object; pair with `nextKey()` until it returns nil.
    mutating func beginObject() throws(JSONScanError) {
        try expect(UInt8(ascii: "{"))
    }

    /// The next key of the current object (its `:` consumed), or nil after the closing brace.
    mutating func nextKey() throws(JSONScanError) -> JSONKey? {
        var byte = try peek()
        if byte == UInt8(ascii: ",") {
            position += 1
            byte = try peek()
        }
        if byte == UInt8(ascii: "}") {
            position += 1
            return nil
        }
        guard byte == UInt8(ascii: "\"") else { throw unexpected(byte) }
        position += 1
        let start = position
        try skipStringBody()
        let key = JSONKey(start: start, count: position - 1 - start)
        try expect(UInt8(ascii: ":"))
        return key
    }

    /// Reads an object key by key: `member` reads (or skips) the value of each key. Any other
    /// value is skipped and the result is false.
    @discardableResult
    mutating func readObject(_ member: (inout JSONScanner, JSONKey) throws(JSONScanError) -> Void) throws(JSONScanError) -> Bool {
        guard try peek() == UInt8(ascii: "{") else {
            try skipValue()
            return false
        }
        try beginObject()
        while let key = try nextKey() { try member(&self, key) }
        return true
    }

    /// Starts an array; pair with `nextElement()` until it returns false.
    mutating func beginArray() throws(JSONScanError) {
        try expect(UInt8(ascii: "["))
    }

    /// True when another element follows (positioned at it); false after the closing bracket.
    mutating func nextElement() throws(JSONScanError) -> Bool {
        var byte = try peek()
        if byte == UInt8(ascii: ",") {
            position += 1
            byte = try peek()
        }
        if byte == UInt8(ascii: "]") {
            position += 1
            return false
        }
        return true
    }

    func key(_ key: JSONKey, is name: StaticString) -> Bool {
        guard key.count == name.utf8CodeUnitCount else { return false }
        return memcmp(bytes.baseAddress! + key.start, name.utf8Start, key.count) == 0
    }

    func string(of key: JSONKey) -> String {
        let raw = UnsafeBufferPointer(rebasing: bytes[key.start..<(key.start + key.count)])
        if raw.contains(UInt8(ascii: "\\")) {
            var scanner = JSONScanner(bytes, position: key.start - 1)
            if let decoded = try? scanner.readString() { return decoded }
        }
        return String(decoding: raw, as: UTF8.self)
    }

    // MARK: - Skipping

    /// Skips one value of any kind without materialising it.
    mutating func skipValue() throws(JSONScanError) {
        let first = try peek()
        switch first {
        case UInt8(ascii: "\""):
            position += 1
            try skipStringBody()
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            try skipContainer()
        case UInt8(ascii: "t"): try consumeLiteral("true")
        case UInt8(ascii: "f"): try consumeLiteral("false")
        case UInt8(ascii: "n"): try consumeLiteral("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            _ = try numberRange()
        default:
            throw unexpected(first)
        }
    }

    /// Moves past the closing quote of a string whose opening quote was consumed.
    private mutating func skipStringBody() throws(JSONScanError) {
        let end = bytes.count
        let next = Self.endOfString(bytes.baseAddress!, from: position, end: end)
        guard next <= end else { throw JSONScanError(offset: end, reason: .unexpectedEnd) }
        position = next
    }

    /// The index just past the closing quote of the string whose body starts at `index`, or
    /// `end + 1` when the bytes end first. Reads eight bytes at a time, jumping straight to
    /// the first quote or backslash.
    @inline(__always)
    private static func endOfString(_ base: UnsafePointer<UInt8>, from start: Int, end: Int) -> Int {
        var index = start
        while index + 8 <= end {
            let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
            let hits = SWAR.matches(word, UInt8(ascii: "\"")) | SWAR.matches(word, UInt8(ascii: "\\"))
            if hits == 0 {
                index += 8
                continue
            }
            index += hits.trailingZeroBitCount / 8
            if base[index] == UInt8(ascii: "\"") { return index + 1 }
            index += 2
        }
        while index < end {
            let byte = base[index]
            if byte == UInt8(ascii: "\"") { return index + 1 }
            index += byte == UInt8(ascii: "\\") ? 2 : 1
        }
        return end + 1
    }

    /// Skips an object or array by counting brackets; strings inside are skipped whole.
    private mutating func skipContainer() throws(JSONScanError) {
        let base = bytes.baseAddress!
        let end = bytes.count
        var depth = 0
        var index = position
        while index < end {
            if index + 8 <= end {
                let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
                let folded = word | 0x2020_2020_2020_2020
                let hits = SWAR.matches(word, UInt8(ascii: "\""))
                    | SWAR.matches(folded, UInt8(ascii: "{")) | SWAR.matches(folded, UInt8(ascii: "}"))
                if hits == 0 {
                    index += 8
                    continue
                }
                index += hits.trailingZeroBitCount / 8
            }
            switch base[index] {
            case UInt8(ascii: "\""):
                index = Self.endOfString(base, from: index + 1, end: end)
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth == 0 {
                    position = index + 1
                    return
                }
            default:
                break
            }
            index += 1
        }
        throw JSONScanError(offset: end, reason: .unexpectedEnd)
    }

    // MARK: - Scalars

    mutating func readString() throws(JSONScanError) -> String {
        try expect(UInt8(ascii: "\""))
        let start = position
        var index = start
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                position = index + 1
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") { break }
            index += 1
        }
        guard index < bytes.count else { throw JSONScanError(offset: bytes.count, reason: .unexpectedEnd) }
        return try readEscapedString(from: start, firstEscape: index)
    }

    private mutating func readEscapedString(from start: Int, firstEscape: Int) throws(JSONScanError) -> String {
        var utf8 = [UInt8](UnsafeBufferPointer(rebasing: bytes[start..<firstEscape]))
        var index = firstEscape
        let end = bytes.count
        while true {
            guard index < end else { throw JSONScanError(offset: end, reason: .unexpectedEnd) }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                position = index + 1
                return String(decoding: utf8, as: UTF8.self)
            }
            guard byte == UInt8(ascii: "\\") else {
                utf8.append(byte)
                index += 1
                continue
            }
            guard index + 1 < end else { throw JSONScanError(offset: end, reason: .unexpectedEnd) }
            let escaped = bytes[index + 1]
            index += 2
            switch escaped {
            case UInt8(ascii: "n"): utf8.append(0x0A)
            case UInt8(ascii: "t"): utf8.append(0x09)
            case UInt8(ascii: "r"): utf8.append(0x0D)
            case UInt8(ascii: "b"): utf8.append(0x08)
            case UInt8(ascii: "f"): utf8.append(0x0C)
            case UInt8(ascii: "u"):
                var scalar = try hexQuad(at: index)
                index += 4
                if (0xD800..<0xDC00).contains(scalar), index + 6 <= end,
                   bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") {
                    let low = try hexQuad(at: index + 2)
                    if (0xDC00..<0xE000).contains(low) {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        index += 6
                    }
                }
                let character = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                utf8.append(contentsOf: String(character).utf8)
            default: utf8.append(escaped)
            }
        }
    }

    private func hexQuad(at index: Int) throws(JSONScanError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw JSONScanError(offset: bytes.count, reason: .unexpectedEnd) }
        var value: UInt32 = 0
        for offset in 0..<4 {
            let byte = bytes[index + offset]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw JSONScanError(offset: index + offset, reason: .unexpectedByte(byte))
            }
            value = value * 16 + digit
        }
        return value
    }

    /// A string, or nil for `null` or any non-string value (which is skipped).
    mutating func readOptionalString() throws(JSONScanError) -> String? {
        guard try peek() == UInt8(ascii: "\"") else {
            try skipValue()
            return nil
        }
        return try readString()
    }

    private mutating func numberRange() throws(JSONScanError) -> Range<Int> {
        let start = position
        var index = position
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"),
                 UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"):
                index += 1
            default:
                position = index
                return start..<index
            }
        }
        throw JSONScanError(offset: bytes.count, reason: .unexpectedEnd)
    }

    /// A number, or nil for `null` or any non-number value (which is skipped).
    mutating func readOptionalDouble() throws(JSONScanError) -> Double? {
        let first = try peek()
        guard first == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else {
            try skipValue()
            return nil
        }
        let range = try numberRange()
        var integer = 0
        var isPlainInteger = range.count < 18
        for index in range {
            let byte = bytes[index]
            if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                integer = integer * 10 + Int(byte - UInt8(ascii: "0"))
            } else if !(byte == UInt8(ascii: "-") && index == range.lowerBound) {
                isPlainInteger = false
                break
            }
        }
        if isPlainInteger {
            return Double(bytes[range.lowerBound] == UInt8(ascii: "-") ? -integer : integer)
        }
        return Double(String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self))
    }

    mutating func readOptionalInt() throws(JSONScanError) -> Int? {
        guard let value = try readOptionalDouble(), value.isFinite, value.rounded() == value,
              abs(value) < 9.0e15 else { return nil }
        return Int(value)
    }

    /// A boolean, or nil for `null` or any non-boolean value (which is skipped).
    mutating func readOptionalBool() throws(JSONScanError) -> Bool? {
        switch try peek() {
        case UInt8(ascii: "t"):
            try consumeLiteral("true")
            return true
        case UInt8(ascii: "f"):
            try consumeLiteral("false")
            return false
        default:
            try skipValue()
            return nil
        }
    }

    /// An array of strings; non-string elements are skipped, `null` gives an empty array.
    mutating func readStringArray() throws(JSONScanError) -> [String] {
        guard try peek() == UInt8(ascii: "[") else {
            try skipValue()
            return []
        }
        try beginArray()
        var strings: [String] = []
        while try nextElement() {
            if let string = try readOptionalString() { strings.append(string) }
        }
        return strings
    }

    /// A scalar rendered as text (numbers without a trailing `.0` when whole), nil for null.
    mutating func readScalarText() throws(JSONScanError) -> String? {
        switch try peek() {
        case UInt8(ascii: "\""): return try readString()
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return try readOptionalBool().map { String($0) }
        case UInt8(ascii: "n"):
            try consumeLiteral("null")
            return nil
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            let start = position
            try skipValue()
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        default:
            let range = try numberRange()
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
        }
    }
}

/// Byte searches eight bytes at a time ("SIMD within a register").
enum SWAR {
    /// A word whose lowest set bit marks the first byte of `word` equal to `byte` (0 when none).
    /// Bits above the first match may be spurious; only the lowest one is exact.
    @inline(__always)
    static func matches(_ word: UInt64, _ byte: UInt8) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let masked = word ^ (ones &* UInt64(byte))
        return (masked &- ones) & ~masked & 0x8080_8080_8080_8080
    }
}

extension Data {
    /// Runs `body` over the bytes as a buffer of UInt8 (empty data gives an empty buffer).
    func withJSONBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        try withUnsafeBytes { raw in
            try body(raw.bindMemory(to: UInt8.self))
        }
    }
}
