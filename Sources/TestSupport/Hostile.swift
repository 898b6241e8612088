import Foundation

/// Ready-made misbehaviours for `HostileServer`, each reproducing a failure seen from real or
/// broken servers at the byte level. Combine them with `route`; `forward` (and the handlers
/// that bend a forwarded answer) need the server's `upstream`.
public enum Hostile {
    // MARK: Composition

    /// `handler` for requests matching `condition`, `otherwise` for the rest.
    public static func route(
        _ condition: @escaping @Sendable (HostileRequest) -> Bool, _ handler: @escaping HostileHandler,
        otherwise: @escaping HostileHandler = forward
    ) -> HostileHandler {
        { request, exchange in
            try await (condition(request) ? handler : otherwise)(request, exchange)
        }
    }

    /// The upstream's answer, unchanged.
    public static let forward: HostileHandler = { request, exchange in
        try await exchange.respond(try await exchange.forward(request))
    }

    // MARK: Time

    /// Headers announcing a JSON body of `length` bytes, then one byte every `interval`.
    public static func trickle(length: Int = 4_096, every interval: Duration = .seconds(1)) -> HostileHandler {
        { _, exchange in
            let body = paddedJSON(length: length)
            try await exchange.send(HostileResponse(status: 200, headers: [("Content-Type", "application/json"),
                                                                       ("Content-Length", String(body.count))]).bytes)
            for byte in body {
                try await exchange.pause(interval)
                try await exchange.send([byte])
            }
        }
    }

    /// Reads the request and never answers, until the client gives up.
    public static let silent: HostileHandler = { _, exchange in
        await exchange.hang()
    }

    // MARK: Bodies

    /// Claims `claimed` bytes, sends the first half of a JSON body, and closes.
    public static func cutBody(claimed: Int = 2_048) -> HostileHandler {
        { _, exchange in
            let body = paddedJSON(length: claimed)
            try await exchange.send(HostileResponse(status: 200, headers: [("Content-Type", "application/json"),
                                                                       ("Content-Length", String(claimed))]).bytes)
            try await exchange.send(Array(body.prefix(claimed / 2)))
            await exchange.close()
        }
    }

    /// A chunked JSON array that never ends, as fast as the client reads it.
    public static let endlessBody: HostileHandler = { _, exchange in
        try await exchange.send("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
        let opening = Array(#"{"status":{"code":200},"data":["#.utf8)
        try await exchange.send(chunk(opening))
        let items = chunk(Array(String(repeating: #"{"id":1,"name":"again"},"#, count: 2_600).utf8))
        while true { try await exchange.send(items) }
    }

    /// Exactly these bytes (status line, headers, body as written), then the connection closes.
    public static func raw(_ text: String) -> HostileHandler {
        raw(Array(text.utf8))
    }

    public static func raw(_ bytes: [UInt8]) -> HostileHandler {
        { _, exchange in
            try await exchange.send(bytes)
            await exchange.close()
        }
    }

    /// Raw responses that lie or make no sense: absurd numbers, broken status lines.
    public static let absurdResponses: [String] = [
        "HTTP/1.1 429 Too Many Requests\r\nRetry-After: inf\r\nContent-Length: 2\r\n\r\n{}",
        "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 1e20\r\nContent-Length: 2\r\n\r\n{}",
        "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1e300\r\nContent-Length: 2\r\n\r\n{}",
        "HTTP/1.1 503 Service Unavailable\r\nRetry-After: -5\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 429 Too Many Requests\r\nRetry-After: nan\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 99999999999999999999999999\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n{}",
        "HTTP/1.1 200 OK\r\nContent-Length: 1000000000000\r\n\r\n{\"data\":[]}",
        "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n{}",
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 5\r\n\r\n{}",
        "HTTP/1.1 abc Weird\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 99999999999 Big\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 -200 Negative\r\nContent-Length: 0\r\n\r\n",
        "HTTP/9.9 200 OK\r\nContent-Length: 2\r\n\r\n{}",
        "ICY 200 OK\r\n\r\n{}",
        "\u{1B}]0;pwned\u{07}HTTP/1.1 200 OK\r\n\r\n",
        "HTTP/1.1 200\r\nContent-Length: 2\r\n\r\n{}",
        "HTTP/1.1 200 OK\r\nX-\u{1B}[2J: \u{1B}]52;c;aGk=\u{07}\r\nContent-Length: 2\r\n\r\n{}",
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 20\r\n\r\n{\"project_id\":1e300}",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n{}",
        "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 4\r\n\r\nabcd",
        "HTTP/1.1 302 Found\r\nLocation: \u{1B}[2Jhttp://evil.example/?token=x\r\nContent-Length: 0\r\n\r\n",
        "\r\n\r\n",
        "garbage",
    ]

    // MARK: Connections

    /// Reads the request, then resets the connection (RST, no answer).
    public static let resetAfterRequest: HostileHandler = { _, exchange in
        await exchange.reset()
    }

    /// A redirect the client must not follow.
    public static func redirect(to location: String, status: Int = 302) -> HostileHandler {
        { _, exchange in
            try await exchange.respond(HostileResponse(status: status, headers: [("Location", location)]))
        }
    }

    /// A 200 whose JSON body carries the request's Authorization header back.
    public static let echoingAuthorization: HostileHandler = { request, exchange in
        let value = request.header("Authorization") ?? ""
        try await exchange.respond(.json(#"{"status":{"code":200,"is_success":true},"data":{"received":"\#(value)"}}"#))
    }

    /// Every 3rd request a 500, every 4th a 429, every 7th a reset; `otherwise` for the rest
    /// (more than half of the requests fail, never more than four in a row).
    public static func flaky(otherwise: @escaping HostileHandler = forward) -> HostileHandler {
        { request, exchange in
            let number = request.number
            if number % 7 == 0 {
                await exchange.reset()
            } else if number % 4 == 0 {
                try await exchange.respond(.envelope(status: 429, message: "Too many requests"))
            } else if number % 3 == 0 {
                try await exchange.respond(.envelope(status: 500, message: "Internal error"))
            } else {
                try await otherwise(request, exchange)
            }
        }
    }

    // MARK: Paging

    /// Forwards every page request as if it asked for `offset=0`: the first page, again and again.
    public static let ignoringOffset: HostileHandler = { request, exchange in
        try await exchange.respond(try await exchange.forward(request.settingQuery("offset", to: "0")))
    }

    /// The upstream's page with `extra.pagination.total_count` replaced.
    public static func claimingTotal(_ total: Int) -> HostileHandler {
        { request, exchange in
            var response = try await exchange.forward(request)
            response.body = Array(replacingTotal(in: response.bodyText, with: total).utf8)
            try await exchange.respond(response)
        }
    }

    /// Pages of `pageSize` made-up jobs with ids never seen before, and a total of 1e9: a
    /// listing that would never end.
    public static let endlessPages: HostileHandler = { request, exchange in
        let offset = Int(request.queryValue("offset") ?? "") ?? 0
        let limit = min(100, max(1, Int(request.queryValue("limit") ?? "") ?? 100))
        let items = (offset..<(offset + limit)).map { id in
            #"{"id":\#(id + 1),"account_id":43,"project_id":100,"environment_id":202,"name":"job \#(id + 1)","state":1}"#
        }
        let body = #"{"status":{"code":200,"is_success":true},"data":[\#(items.joined(separator: ","))],"extra":{"pagination":{"count":\#(limit),"total_count":1000000000}}}"#
        try await exchange.respond(.json(body))
    }

    /// Before forwarding a page of runs past the first, triggers a run of `jobID` upstream: the
    /// listing shifts by one while it is read, as when runs are created meanwhile.
    public static func creatingRuns(ofJob jobID: Int, account: Int = 43) -> HostileHandler {
        { request, exchange in
            if request.path.hasSuffix("/runs/"), (Int(request.queryValue("offset") ?? "") ?? 0) > 0 {
                let trigger = HostileRequest(
                    number: 0, method: "POST", target: "/api/v2/accounts/\(account)/jobs/\(jobID)/run/",
                    headers: request.headers.filter { $0.name.lowercased() == "authorization" }
                        + [.init(name: "Content-Type", value: "application/json")],
                    body: Array(#"{"cause":"created during the listing"}"#.utf8))
                _ = try await exchange.forward(trigger)
            }
            try await forward(request, exchange)
        }
    }

    // MARK: Artifacts

    /// `size` bytes with a Content-Length, streamed in 64 KiB chunks as fast as the client
    /// reads: `byte(at:)` for a binary file, or one JSON string (`{"pad":"aaa…"}`) when `json`.
    public static func artifact(size: Int64, json: Bool = false) -> HostileHandler {
        { _, exchange in
            try await exchange.send(HostileResponse(status: 200, headers: [("Content-Type", "application/octet-stream"),
                                                                       ("Content-Length", String(size))]).bytes)
            let block = json ? [UInt8](repeating: UInt8(ascii: "a"), count: blockSize) : binaryBlock
            let head = Array(#"{"pad":""#.utf8)
            let tail = Array(#""}"#.utf8)
            var offset: Int64 = 0
            while offset < size {
                var piece = Array(block.prefix(Int(min(Int64(blockSize), size - offset))))
                let touchesEnds = offset < Int64(head.count) || offset + Int64(piece.count) > size - Int64(tail.count)
                if json, touchesEnds {
                    for index in piece.indices {
                        let position = offset + Int64(index)
                        if position < Int64(head.count) { piece[index] = head[Int(position)] }
                        let fromEnd = size - position
                        if fromEnd <= Int64(tail.count) { piece[index] = tail[tail.count - Int(fromEnd)] }
                    }
                }
                try await exchange.send(piece)
                offset += Int64(piece.count)
            }
        }
    }

    static let blockSize = 64 * 1024
    private static let binaryBlock: [UInt8] = (0..<blockSize).map { UInt8(truncatingIfNeeded: ($0 &* 2_654_435_761) >> 7) }

    /// The byte at `offset` of a binary `artifact(size:)`.
    public static func byte(at offset: Int64) -> UInt8 {
        binaryBlock[Int(offset % Int64(blockSize))]
    }

    /// These bytes, with a Content-Length.
    public static func serve(_ body: [UInt8], status: Int = 200) -> HostileHandler {
        { _, exchange in
            try await exchange.respond(HostileResponse(status: status, headers: [("Content-Type", "application/octet-stream")], body: body))
        }
    }

    // MARK: Helpers

    /// A valid dbt Cloud envelope of exactly `length` bytes (spaces pad it).
    static func paddedJSON(length: Int) -> [UInt8] {
        let core = Array(#"{"status":{"code":200,"is_success":true},"data":[]}"#.utf8)
        return core + Array(repeating: UInt8(ascii: " "), count: max(0, length - core.count))
    }

    static func chunk(_ bytes: [UInt8]) -> [UInt8] {
        Array((String(bytes.count, radix: 16) + "\r\n").utf8) + bytes + Array("\r\n".utf8)
    }

    static func replacingTotal(in text: String, with total: Int) -> String {
        text.replacingOccurrences(of: #""total_count"\s*:\s*\d+"#, with: #""total_count":\#(total)"#, options: .regularExpression)
    }
}
