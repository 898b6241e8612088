import Foundation
@testable import DbtCloud

enum Fixtures {
    static var root: URL {
        Bundle.module.url(forResource: "Resources", withExtension: nil)!
    }

    static func url(_ relative: String) -> URL {
        root.appendingPathComponent(relative)
    }

    static func data(_ relative: String) throws -> Data {
        try Data(contentsOf: url(relative))
    }

    static func json(_ relative: String) throws -> JSONValue {
        try JSONValue(parsing: data(relative))
    }

    static func text(_ relative: String) throws -> String {
        try String(contentsOf: url(relative), encoding: .utf8)
    }

    /// Every `.json` file under the test resources, as `folder/name.json`.
    static func allJSONFiles() throws -> [String] {
        var found: [String] = []
        for folder in ["examples", "dbt-cloud-cli-fixtures"] {
            let names = try FileManager.default.contentsOfDirectory(atPath: url(folder).path)
            found += names.filter { $0.hasSuffix(".json") }.sorted().map { "\(folder)/\($0)" }
        }
        return found
    }

    /// The envelope's `data` of a fixture, decoded as `T`.
    static func decodeData<T: Decodable>(_ type: T.Type, _ relative: String) throws -> T {
        let json = try json(relative)
        return try (json["data"] ?? .null).decode(T.self)
    }
}
