import Foundation

/// Checks that bytes fed in pieces form one JSON document (RFC 8259), with memory bounded by the
/// nesting depth: a downloaded artifact is validated while it streams to disk, never parsed.
struct JSONValidator {
    static let maxDepth = 4_096

    private enum Expect {
        case value
        /// After `[`: a value or `]`.
        case valueOrArrayEnd
        /// After `{`: a key or `}`.
        case keyOrObjectEnd
        case key
        case colon
        case commaOrEnd
        case done
    }

    private enum Token {
        case none
        case string(escape: StringEscape)
        case number(NumberState)
        case literal(remaining: ArraySlice<UInt8>)
    }

    private enum StringEscape {
        case none
        case backslash
        case hex(remaining: Int)
    }

    private enum NumberState {
        case minus, zero, integer, dot, fraction, exponentMark, exponentSign, exponent

        var isComplete: Bool { self == .zero || self == .integer || self == .fraction || self == .exponent }
    }

    /// true = object, false = array.
    private var containers: [Bool] = []
    private var expect = Expect.value
    private var token = Token.none
    /// Whether the string being read is an object key.
    private var readingKey = false
    private(set) var failed = false

    init() {}

    static func isValid(_ data: Data) -> Bool {
        var validator = JSONValidator()
        data.withUnsafeBytes { validator.feed($0) }
        return validator.finish()
    }

    mutating func feed(_ bytes: UnsafeRawBufferPointer) {
        for byte in bytes {
            if failed { return }
            consume(byte)
        }
    }

    /// Whether everything fed is exactly one complete document.
    mutating func finish() -> Bool {
        if failed { return false }
        if case .number(let state) = token {
            guard state.isComplete else { return false }
            token = .none
            valueEnded()
        }
        if case .none = token { return expect == .done && containers.isEmpty }
        return false
    }

    private mutating func consume(_ byte: UInt8) {
        switch token {
        case .string(let escape):
            readString(byte, escape: escape)
            return
        case .literal(let remaining):
            guard remaining.first == byte else { return fail() }
            let rest = remaining.dropFirst()
            if rest.isEmpty {
                token = .none
                valueEnded()
            } else {
                token = .literal(remaining: rest)
            }
            return
        case .number(let state):
            if let next = Self.advance(state, byte) {
                token = .number(next)
                return
            }
            guard state.isComplete else { return fail() }
            token = .none
            valueEnded()
        case .none:
            break
        }
        structural(byte)
    }

    private mutating func structural(_ byte: UInt8) {
        if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { return }
        switch expect {
        case .done:
            fail()
        case .colon:
            if byte == UInt8(ascii: ":") { expect = .value } else { fail() }
        case .key, .keyOrObjectEnd:
            if byte == UInt8(ascii: "\"") {
                readingKey = true
                token = .string(escape: .none)
            } else if byte == UInt8(ascii: "}"), expect == .keyOrObjectEnd {
                containers.removeLast()
                valueEnded()
            } else {
                fail()
            }
        case .commaOrEnd:
            guard let isObject = containers.last else { return fail() }
            if byte == UInt8(ascii: ",") {
                expect = isObject ? .key : .value
            } else if byte == UInt8(ascii: isObject ? "}" : "]") {
                containers.removeLast()
                valueEnded()
            } else {
                fail()
            }
        case .value, .valueOrArrayEnd:
            if byte == UInt8(ascii: "]"), expect == .valueOrArrayEnd {
                containers.removeLast()
                valueEnded()
                return
            }
            startValue(byte)
        }
    }

    private mutating func startValue(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            guard containers.count < Self.maxDepth else { return fail() }
            containers.append(byte == UInt8(ascii: "{"))
            expect = byte == UInt8(ascii: "{") ? .keyOrObjectEnd : .valueOrArrayEnd
        case UInt8(ascii: "\""):
            readingKey = false
            token = .string(escape: .none)
        case UInt8(ascii: "t"): token = .literal(remaining: Array("rue".utf8)[...])
        case UInt8(ascii: "f"): token = .literal(remaining: Array("alse".utf8)[...])
        case UInt8(ascii: "n"): token = .literal(remaining: Array("ull".utf8)[...])
        case UInt8(ascii: "-"): token = .number(.minus)
        case UInt8(ascii: "0"): token = .number(.zero)
        case UInt8(ascii: "1")...UInt8(ascii: "9"): token = .number(.integer)
        default: fail()
        }
    }

    private mutating func readString(_ byte: UInt8, escape: StringEscape) {
        switch escape {
        case .none:
            if byte == UInt8(ascii: "\"") {
                token = .none
                if readingKey {
                    readingKey = false
                    expect = .colon
                } else {
                    valueEnded()
                }
            } else if byte == UInt8(ascii: "\\") {
                token = .string(escape: .backslash)
            } else if byte < 0x20 {
                fail()
            }
        case .backslash:
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                token = .string(escape: .none)
            case UInt8(ascii: "u"):
                token = .string(escape: .hex(remaining: 4))
            default:
                fail()
            }
        case .hex(let remaining):
            let isHex = (0x30...0x39).contains(byte) || (0x41...0x46).contains(byte) || (0x61...0x66).contains(byte)
            guard isHex else { return fail() }
            token = .string(escape: remaining > 1 ? .hex(remaining: remaining - 1) : .none)
        }
    }

    /// The number state after `byte`, or nil when the byte ends the number.
    private static func advance(_ state: NumberState, _ byte: UInt8) -> NumberState? {
        let digit = (0x30...0x39).contains(byte)
        switch state {
        case .minus:
            if byte == UInt8(ascii: "0") { return .zero }
            return digit ? .integer : nil
        case .zero, .integer:
            if digit { return state == .integer ? .integer : nil }
            if byte == UInt8(ascii: ".") { return .dot }
            if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") { return .exponentMark }
            return nil
        case .dot:
            return digit ? .fraction : nil
        case .fraction:
            if digit { return .fraction }
            if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") { return .exponentMark }
            return nil
        case .exponentMark:
            if byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") { return .exponentSign }
            return digit ? .exponent : nil
        case .exponentSign, .exponent:
            return digit ? .exponent : nil
        }
    }

    private mutating func valueEnded() {
        expect = containers.isEmpty ? .done : .commaOrEnd
    }

    private mutating func fail() {
        failed = true
    }
}
