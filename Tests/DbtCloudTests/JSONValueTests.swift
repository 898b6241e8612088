import Foundation
import Testing
@testable import DbtCloud

@Suite struct JSONValueTests {
    @Test func prettyPrinterSortsKeysAndIndentsTwoSpaces() throws {
        let value = try JSONValue(parsing: #"{"b": [1, 2.5, "x\n\"y\""], "a": {"z": null, "c": true}, "e": [], "f": {}}"#)
        #expect(value.prettyText == """
            {
              "a": {
                "c": true,
                "z": null
              },
              "b": [
                1,
                2.5,
                "x\\n\\"y\\""
              ],
              "e": [],
              "f": {}
            }
            """)
        #expect(value.compactText == #"{"a":{"c":true,"z":null},"b":[1,2.5,"x\n\"y\""],"e":[],"f":{}}"#)
    }

    @Test func integersStayIntegersAndBigIDsSurvive() throws {
        let value = try JSONValue(parsing: #"{"id": 9007199254740993, "ratio": 1.0, "flag": false}"#)
        #expect(value["id"] == .int(9_007_199_254_740_993))
        #expect(value["flag"] == .bool(false))
        #expect(value["ratio"]?.doubleValue == 1.0)
        #expect(try JSONValue(parsing: value.compactText) == value)
    }

    @Test func codableRoundTripThroughJSONEncoder() throws {
        let value: JSONValue = ["list": [1, "two", nil, ["deep": true]], "n": -3]
        let data = try JSONEncoder().encode(value)
        #expect(try JSONDecoder().decode(JSONValue.self, from: data) == value)
    }

    @Test func settingAKeyPathCreatesObjects() {
        let job: JSONValue = ["id": 1, "settings": ["threads": 4, "target_name": "prod"]]
        let changed = job.setting(path: ["settings", "threads"], to: 8).setting(path: ["execution", "timeout_seconds"], to: 60)
        #expect(changed["settings"]?["threads"] == 8)
        #expect(changed["settings"]?["target_name"] == "prod")
        #expect(changed["execution"]?["timeout_seconds"] == 60)
    }
}
