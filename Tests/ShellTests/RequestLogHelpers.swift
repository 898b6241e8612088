import DbtCloud
import Foundation
import Sandbox

extension LoggedRequest {
    /// The decoded query string, in order.
    var queryItems: [(String, String)] {
        guard let query, !query.isEmpty else { return [] }
        return query.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0)
            }
            return (parts.first ?? "", parts.count > 1 ? parts[1] : "")
        }
    }

    func queryValue(_ name: String) -> String? {
        queryItems.first { $0.0 == name }?.1
    }

    var jsonBody: JSONValue? {
        body.flatMap { try? JSONValue(parsing: $0) }
    }
}

/// The requests of a test that has its suite's sandbox to itself (a `.serialized` suite with
/// `.sandbox()`): those after a mark, whichever session or client sent them.
extension SandboxFixture {
    /// Where the sandbox's log ends now.
    func requestMark() -> Int { server.requestLog.entries().count }

    /// Every request after `mark`, in order, optionally of one method and path.
    func requests(since mark: Int, method: String? = nil, pathContains path: String = "") -> [LoggedRequest] {
        server.requestLog.entries().dropFirst(mark)
            .filter { (method == nil || $0.method == method) && (path.isEmpty || $0.path.contains(path)) }
    }

    /// Every request but GET (what changed something) after `mark`, in order.
    func writes(since mark: Int) -> [LoggedRequest] {
        requests(since: mark).filter { $0.method != "GET" }
    }
}

/// A file in the temporary directory, removed by the caller.
func temporaryFile(_ name: String, contents: String? = nil) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("dbtsh-\(UUID().uuidString.prefix(8))-\(name)")
    if let contents { try contents.write(to: url, atomically: true, encoding: .utf8) }
    return url
}

/// The UTC day `days` before today, as `YYYY-MM-DD`.
func utcDay(daysAgo days: Int = 0) -> String {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
    let day = calendar.date(byAdding: .day, value: -days, to: Date()) ?? Date()
    let parts = calendar.dateComponents([.year, .month, .day], from: day)
    return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
}
