import Foundation
import Sandbox
import Synchronization
import TestSupport
import Testing
@testable import DbtCloud

// Seeded, bounded, property-based fuzzing of everything the client does with a response:
// status lines, headers, bodies, models, error lines. A failure names its seed and case, and
// reproduces exactly. Every property runs in a second or two.

enum ResponseFuzz {
    /// The recorded API responses: the seeds mutations start from.
    static let corpus: [Data] = (try? Fixtures.allJSONFiles().compactMap { try? Fixtures.data($0) }) ?? []

    static let hostileValues: [JSONValue] = [
        .double(1e300), .double(-1e300), .double(.greatestFiniteMagnitude), .double(.leastNonzeroMagnitude), .int(.max), .int(.min), .int(-1),
        .int(0), .string(""), .string("\u{1B}]0;pwned\u{07}\u{1B}[2J"), .string(String(repeating: "x", count: 5_000)),
        .string("9999-99-99T99:99:99Z"), .string("99999999999999999999:00:00"), .string("1 day, 99999999999:59:59"),
        .string("-1"), .string("NaN"), .string("inf"), .string("1e300"), .bool(true), .null, .array([]), .object([:]),
        .array([.null, .int(1), .string("a")]), .object(["id": .string("x")]), .string("2021-13-45 25:61:61.9999999+99:99"),
    ]

    /// A copy of `value` with about `rate` of its leaves (and some containers) replaced.
    static func mutate(_ value: JSONValue, _ random: inout SeededRandom, rate: Double = 0.15) -> JSONValue {
        if random.chance(rate / 3) { return random.pick(hostileValues) }
        switch value {
        case .object(let object):
            var copy: [String: JSONValue] = [:]
            for (key, child) in object where !random.chance(rate / 4) {
                copy[key] = mutate(child, &random, rate: rate)
            }
            if random.chance(rate / 4) { copy[random.pick(["id", "status", "data", "extra", "duration", "created_at"])] = random.pick(hostileValues) }
            return .object(copy)
        case .array(let items):
            var copy = items.map { mutate($0, &random, rate: rate) }
            if random.chance(rate / 4), !copy.isEmpty { copy.removeLast() }
            if random.chance(rate / 4) { copy.append(random.pick(hostileValues)) }
            return .array(copy)
        default:
            return random.chance(rate) ? random.pick(hostileValues) : value
        }
    }

    /// Bytes with a few ASCII bytes overwritten, inserted or removed, or cut short.
    static func mutate(bytes: [UInt8], _ random: inout SeededRandom) -> [UInt8] {
        var copy = bytes
        let alphabet = Array("{}[]\",:0123456789.eE+-tfnul \\/abx\n".utf8)
        for _ in 0..<random.int(1...4) where !copy.isEmpty {
            let at = random.int(0...(copy.count - 1))
            switch random.int(0...3) {
            case 0: copy[at] = random.pick(alphabet)
            case 1: copy.insert(random.pick(alphabet), at: at)
            case 2: copy.remove(at: at)
            default: copy = Array(copy.prefix(at))
            }
        }
        return copy
    }

    static func decodeEveryModel(_ value: JSONValue) {
        _ = try? Account(json: value)
        _ = try? Project(json: value)
        _ = try? Environment(json: value)
        _ = try? Job(json: value)
        _ = try? RunTrigger(json: value)
        _ = try? RunStep(json: value)
        if let run = try? Run(json: value) {
            _ = run.duration.map(DbtDuration.format)
            _ = run.isFinished
        }
        _ = try? RunFailureDetails(json: value)
        _ = try? Connection(json: value)
        _ = try? Repository(json: value)
        _ = try? User(json: value)
        _ = try? Group(json: value)
        _ = try? ServiceToken(json: value)
        _ = try? Webhook(json: value)
        _ = try? NotificationSetting(json: value)
        _ = try? AuditLog(json: value)
        _ = try? value.decodeList(Job.self)
        _ = try? value.decodeList(Run.self)
    }
}

@Suite("Fuzzing the client's response handling")
struct ResponseFuzzTests {
    @Test("mutated API responses decode or fail, never trap: every model", arguments: [UInt64(1), 2, 3])
    func mutatedModels(seed: UInt64) throws {
        #expect(ResponseFuzz.corpus.count > 20)
        var random = SeededRandom(seed: seed)
        for data in ResponseFuzz.corpus {
            guard let value = try? JSONValue(parsing: data) else { continue }
            for _ in 0..<15 {
                let mutated = ResponseFuzz.mutate(value, &random)
                ResponseFuzz.decodeEveryModel(mutated)
                ResponseFuzz.decodeEveryModel(mutated["data"] ?? .null)
                for item in mutated["data"]?.arrayValue ?? [] { ResponseFuzz.decodeEveryModel(item) }
                // The text the client builds from a model's JSON parses back.
                #expect((try? JSONValue(parsing: mutated.data)) != nil)
            }
        }
    }

    @Test("the streaming JSON check agrees with the parser on mutated bytes", arguments: [UInt64(11), 12])
    func validatorAgreesWithParser(seed: UInt64) {
        var random = SeededRandom(seed: seed)
        var cases = 0
        for data in ResponseFuzz.corpus {
            #expect(JSONValidator.isValid(data), "a recorded response should be valid")
            for _ in 0..<40 {
                let bytes = ResponseFuzz.mutate(bytes: Array(data), &random)
                let parsed = (try? JSONValue(parsing: Data(bytes))) != nil
                var validator = JSONValidator()
                // Fed in random pieces, as chunks arrive from the network.
                var offset = 0
                while offset < bytes.count {
                    let end = min(bytes.count, offset + random.int(1...4_096))
                    bytes[offset..<end].withUnsafeBytes { validator.feed($0) }
                    offset = end
                }
                let valid = validator.finish()
                #expect(valid == parsed, "seed \(seed) case \(cases): validator \(valid), parser \(parsed): \(String(decoding: bytes.prefix(200), as: UTF8.self))")
                cases += 1
            }
        }
    }

    @Test("every proper prefix of a JSON document is incomplete")
    func prefixesAreIncomplete() throws {
        let data = try #require(ResponseFuzz.corpus.first)
        let trimmed = Array(data).reversed().drop { [0x20, 0x0A, 0x0D, 0x09].contains($0) }.reversed()
        for length in stride(from: 0, to: trimmed.count, by: 7) {
            #expect(!JSONValidator.isValid(Data(trimmed.prefix(length))), "prefix of \(length) bytes")
        }
    }

    @Test("error mapping of random statuses, bodies and locations: one line, a known exit code", arguments: [UInt64(21), 22])
    func errorMapping(seed: UInt64) {
        var random = SeededRandom(seed: seed)
        let statuses = [0, 1, 99, 100, 204, 301, 302, 307, 399, 400, 401, 403, 404, 409, 418, 429, 499, 500, 502, 503, 504, 599, 999, Int.max, Int.min]
        for index in 0..<1_500 {
            let status = random.chance(0.5) ? random.pick(statuses) : random.int(100...599)
            let body: [UInt8] =
                random.chance(0.7) && !ResponseFuzz.corpus.isEmpty
                ? ResponseFuzz.mutate(bytes: Array(random.pick(ResponseFuzz.corpus).prefix(random.int(0...3_000))), &random)
                : random.bytes(random.int(0...300))
            let location: String? =
                random.chance(0.5) ? String(decoding: random.bytes(random.int(0...80)), as: UTF8.self) : random.pick([nil, "", "/x/", "https://a.example/p?q=1", "http://[::1]:99999/"])
            let error = ErrorMapping.error(
                method: "GET", path: "/api/v2/accounts/43/jobs/", status: status, body: Data(body), host: nil, attempts: random.int(1...5),
                location: location)
            #expect(!error.description.contains("\n"), "case \(index)")
            _ = ErrorMapping.snippet(of: Data(body), status: status)
        }
    }

    @Test("Retry-After, timestamps and durations from random text never trap", arguments: [UInt64(31)])
    func headerAndFieldText(seed: UInt64) {
        var random = SeededRandom(seed: seed)
        let pieces = ["1", "0", "9", "e", "E", "+", "-", ".", "inf", "nan", "300", "99999999999999999999", " ", ":", "T", "Z",
                      "day", ",", "2021-12-07", "10:34:01", "+05:30", "\u{0}", "é", "0x", "_"]
        for _ in 0..<5_000 {
            let text = (0..<random.int(0...6)).map { _ in random.pick(pieces) }.joined()
            if let delay = Transport.parseRetryAfter(text) { #expect(delay >= .zero && delay <= .seconds(86_400), "\(text)") }
            _ = DbtTimestamp.parse(text)
            _ = DbtDuration.parse(text)
        }
        for value in [Double.infinity, -.infinity, .nan, 1e300, -1e300, .greatestFiniteMagnitude, 0, -1, 86_399.5] {
            _ = DbtDuration.format(value)
        }
    }

    @Test("random status lines, headers and bodies over real HTTP: an answer or one presentable error", arguments: [UInt64(41), 42])
    func overTheWire(seed: UInt64) async throws {
        let cases = WireCases(seed: seed)
        let options = ClientOptions(
            connectTimeout: .seconds(2), idleTimeout: .milliseconds(400), requestTimeout: .seconds(1),
            maxResponseBytes: 256 * 1024, maxListItems: 500,
            retry: RetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(1), maxDelay: .milliseconds(2),
                               maxRetryAfter: .milliseconds(5), budget: .seconds(1)))
        try await withHostile(options: options, { request, exchange in
            try await cases.answer(request, exchange)
        }) { hostile in
            for index in 0..<60 {
                cases.select(index)
                for call in 0..<3 {
                    do {
                        switch call {
                        case 0: _ = try await hostile.client.job(accountID: 43, id: index + 1)
                        case 1: _ = try await hostile.client.listJobs(accountID: 43).collect()
                        default: _ = try await hostile.client.send("GET", "/api/v2/accounts/43/runs/?limit=5&x=")
                        }
                    } catch let error as DbtCloudError {
                        #expect(error.isPresentable, "seed \(seed) case \(index) call \(call): \(error)")
                    } catch {
                        Issue.record("seed \(seed) case \(index) call \(call): not a DbtCloudError: \(error)")
                    }
                }
            }
        }
    }
}

/// Random raw HTTP answers, the same for a seed and case index, each ending the connection.
final class WireCases: Sendable {
    private let seed: UInt64
    private let current = Mutex(0)

    init(seed: UInt64) { self.seed = seed }

    func select(_ index: Int) { current.withLock { $0 = index } }

    func answer(_ request: HostileRequest, _ exchange: HostileExchange) async throws {
        var random = SeededRandom(seed: seed &* 1_000_003 &+ UInt64(current.withLock { $0 }))
        let body: [UInt8] = {
            if random.chance(0.6), !ResponseFuzz.corpus.isEmpty {
                let source = random.pick(ResponseFuzz.corpus)
                if random.chance(0.5), let value = try? JSONValue(parsing: source) {
                    return Array(ResponseFuzz.mutate(value, &random).data)
                }
                return ResponseFuzz.mutate(bytes: Array(source), &random)
            }
            return random.bytes(random.int(0...200))
        }()
        let statusLines = [
            "HTTP/1.1 200 OK", "HTTP/1.1 200", "HTTP/1.1 201 Created", "HTTP/1.1 204 No Content", "HTTP/1.1 301 Moved",
            "HTTP/1.1 400 Bad", "HTTP/1.1 401 No", "HTTP/1.1 404 Gone", "HTTP/1.1 429 Slow down", "HTTP/1.1 500 Oops",
            "HTTP/1.1 503 Down", "HTTP/1.0 200 OK", "HTTP/1.1 999 What", "HTTP/1.1 abc", "HTTP/2 200", "garbage", "",
            "HTTP/1.1 200 \u{1B}[2J", "HTTP/1.1 20 Short",
        ]
        var head = random.pick(statusLines) + "\r\n"
        let headerChoices = [
            "Content-Type: application/json", "Retry-After: \(random.pick(["inf", "1e300", "-1", "0", "nan", "2", "1e20"]))",
            "Location: \(random.pick(["/x/", "https://evil.example/?token=1", "\u{1B}]0;t\u{07}", ""]))",
            "Content-Encoding: \(random.pick(["gzip", "deflate", "br"]))", "X-Empty:", ": no-name", "Content-Type: text/html",
            "Connection: keep-alive",
        ]
        for _ in 0..<random.int(0...3) { head += random.pick(headerChoices) + "\r\n" }
        switch random.int(0...4) {
        case 0: head += "Content-Length: \(body.count)\r\n"
        case 1: head += "Content-Length: \(random.pick([0, body.count + 10, max(0, body.count - 5), Int.max]))\r\n"
        case 2: head += "Content-Length: \(random.pick(["-3", "1e3", "99999999999999999999999", " 12", "x"]))\r\n"
        case 3:
            head += "Transfer-Encoding: chunked\r\n\r\n"
            let size = random.pick([String(body.count, radix: 16), "zz", "fffffffffffffffffff", "0"])
            try await exchange.send(head)
            try await exchange.send(Array("\(size)\r\n".utf8) + body + Array("\r\n0\r\n\r\n".utf8))
            await end(exchange, &random)
            return
        default: break
        }
        try await exchange.send(head + "\r\n")
        try await exchange.send(body)
        await end(exchange, &random)
    }

    private func end(_ exchange: HostileExchange, _ random: inout SeededRandom) async {
        if random.chance(0.5) { await exchange.reset() } else { await exchange.close() }
    }
}
