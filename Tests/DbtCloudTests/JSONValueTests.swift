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

@Suite struct JSONParserTests {
    @Test func parsesEscapesSurrogatesAndNumbers() throws {
        let text = #"{"s": "a\"b\\c\/d\n\t\u00e9\ud83d\ude00", "i": -42, "big": 9223372036854775807, "d": -1.5e3, "z": 0, "f": 0.25, "arr": [true, false, null], "empty": ""}"#
        let value = try JSONValue(parsing: text)
        #expect(value["s"] == .string("a\"b\\c/d\n\té😀"))
        #expect(value["i"] == .int(-42))
        #expect(value["big"] == .int(Int.max))
        #expect(value["d"] == .double(-1500))
        #expect(value["z"] == .int(0))
        #expect(value["f"] == .double(0.25))
        #expect(value["arr"] == [true, false, nil])
        #expect(value["empty"] == "")
        // The parser and Foundation's decoder agree.
        #expect(try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) == value)
    }

    @Test(arguments: [
        "", "{", "[1,]", #"{"a":1,}"#, #"{"a" 1}"#, "tru", "01x", "-", #""unterminated"#, "[1] 2", #"{"a":"\q"}"#,
        "\"tab\there\"", String(repeating: "[", count: 600) + String(repeating: "]", count: 600),
    ])
    func rejectsInvalidDocuments(text: String) {
        #expect(throws: (any Error).self) { try JSONValue(parsing: text) }
    }

    @Test func aHalfResponseIsRejected() throws {
        let data = try Fixtures.data("examples/run-get-success.json")
        #expect(throws: (any Error).self) { try JSONValue(parsing: data.prefix(data.count / 2)) }
    }
}
