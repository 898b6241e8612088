import DbtCloud
import Foundation
import Sandbox

/// Which JSON reader the client keeps (issue 12: one reader; DbtCloud's own parser only if it
/// pays). Each reader turns the same API bodies into the client's `JSONValue`: DbtCloud's
/// `JSONParser` (`JSONValue(parsing:)`), Foundation's `JSONSerialization` followed by the walk
/// into `JSONValue`, and `JSONDecoder` through `JSONValue`'s `Decodable`.
enum JSONReaderBenchmarks {
    static func run(sandbox: SandboxServer, iterations: Int, into table: inout Table) async {
        let client: DbtCloudClient
        do {
            client = try InProcessBenchmarks.client(for: sandbox)
        } catch {
            table.add(.failed("JSON readers", "\(error)"))
            return
        }
        defer { Task { await client.shutdown() } }
        let bodies: [(String, String)] = [
            ("a page of 100 runs", "/api/v2/accounts/43/runs/?limit=100&order_by=-id"),
            ("a page of 100 jobs", "/api/v2/accounts/43/jobs/?limit=100"),
        ]
        for (label, path) in bodies {
            let body: Data
            do {
                body = try await client.send("GET", path).body
            } catch {
                table.add(.failed("JSON readers: \(label)", "\(error)"))
                continue
            }
            let size = Format.kibibytes(body.count)
            let readers: [(String, (Data) throws -> JSONValue)] = [
                ("JSONParser", { try JSONValue(parsing: $0) }),
                ("JSONSerialization → JSONValue", { FoundationJSON.value(try JSONSerialization.jsonObject(with: $0, options: .fragmentsAllowed)) }),
                ("JSONDecoder → JSONValue", { try JSONDecoder().decode(JSONValue.self, from: $0) }),
            ]
            var medians: [String: Double] = [:]
            for (name, read) in readers {
                var times: [Double] = []
                times.reserveCapacity(iterations)
                var same = true
                let expected = try? JSONValue(parsing: body)
                for index in 0..<(iterations + 3) {
                    let start = Spawner.now()
                    let value = try? read(body)
                    let elapsed = Spawner.now() - start
                    if index >= 3 { times.append(elapsed) }
                    if index == 0 { same = value == expected }
                }
                let samples = Samples(times)
                medians[name] = samples.median
                table.add(.timing("JSON: \(label) (\(size)) with \(name)", samples,
                                  note: same ? "the same JSONValue" : "a different JSONValue than JSONParser's", percentiles: true))
            }
            if let parser = medians["JSONParser"], let foundation = medians["JSONSerialization → JSONValue"] {
                table.add(.text("→ JSONSerialization / JSONParser, \(label)", Format.ratio(foundation / parser)))
            }
        }
    }
}

/// Foundation's objects as `JSONValue`: what the client would do with `JSONSerialization`.
/// Integers stay integers where Foundation kept them as integers.
enum FoundationJSON {
    static func value(_ object: Any) -> JSONValue {
        switch object {
        case let dictionary as [String: Any]: return .object(dictionary.mapValues(value))
        case let array as [Any]: return .array(array.map(value))
        case let string as String: return .string(string)
        case let number as NSNumber:
            // Foundation keeps true and false as a boolean class of its own (`__NSCFBoolean`, type `c`).
            if String(describing: type(of: number)).contains("Boolean") { return .bool(number.boolValue) }
            let type = String(cString: number.objCType)
            if ["c", "s", "i", "l", "q", "C", "S", "I", "L", "Q"].contains(type) { return .int(number.intValue) }
            return .double(number.doubleValue)
        default: return .null
        }
    }
}
