import Testing
@testable import PortalKit

@Suite("JSONWriter writes valid, compact JSON")
struct JSONWriterTests {
    @Test("objects and arrays get commas exactly between elements")
    func structure() {
        var json = JSONWriter()
        json.object { json in
            json.field("a", 1)
            json.key("list")
            json.array { json in
                json.int(1)
                json.object { $0.field("b", true) }
                json.array { _ in }
                json.null()
            }
            json.field("c", nil as String?)
        }
        #expect(json.string == #"{"a":1,"list":[1,{"b":true},[],null],"c":null}"#)
    }

    @Test("pre-written members take their place in an object, commas included, wherever they go")
    func members() {
        let members = JSONMembers { json in
            json.field("b", 2)
            json.key("c")
            json.array { $0.int(3) }
        }
        var json = JSONWriter()
        json.object { json in
            json.members(members)
            json.field("a", 1)
            json.members(JSONMembers { _ in })
            json.members(members)
        }
        #expect(json.string == #"{"b":2,"c":[3],"a":1,"b":2,"c":[3]}"#)
    }

    @Test("strings escape quotes, backslashes, control characters and markup characters")
    func escaping() throws {
        var json = JSONWriter()
        json.string("a\"b\\c\nd\u{01}<script>&é")
        #expect(json.string == #""a\"b\\c\nd\u0001\u003cscript\u003e\u0026é""#)
        #expect(try JSONValue.parse(json.bytes) == .string("a\"b\\c\nd\u{01}<script>&é"))
    }

    @Test("integers at the edges, timestamps and doubles", arguments: [Int64.min, -1, 0, 7, 10, Int64.max])
    func integers(_ value: Int64) {
        var json = JSONWriter()
        json.int(value)
        #expect(json.string == String(value))
    }

    @Test("timestamps are written in place as ISO-8601 UTC, like their description")
    func timestamps() {
        for millis: Int64 in [0, 1_795_683_900_123, -1, 253_402_300_799_999] {
            var json = JSONWriter(capacity: 1)
            json.object { $0.field("at", Timestamp(millisecondsSinceEpoch: millis)) }
            #expect(json.string == "{\"at\":\"\(Timestamp(millisecondsSinceEpoch: millis).iso8601)\"}")
        }
        #expect(Timestamp(millisecondsSinceEpoch: 1_795_683_900_123).iso8601 == "2026-11-26T09:05:00.123Z")
    }

    @Test("a writer that starts tiny and grows writes the same bytes as one with room")
    func growth() {
        func write(_ json: inout JSONWriter) {
            json.array { json in
                for index in 0..<500 {
                    json.object { json in
                        json.field("index", index)
                        json.field("text", String(repeating: "é\"<", count: index % 7))
                        json.field("when", Timestamp(millisecondsSinceEpoch: Int64(index) * 86_400_000))
                    }
                }
            }
        }
        var small = JSONWriter(capacity: 1)
        var large = JSONWriter(capacity: 1 << 20)
        write(&small)
        write(&large)
        #expect(small.bytes == large.bytes)
        #expect((try? JSONValue.parse(small.bytes))?.arrayValue?.count == 500)
    }

    @Test("a JSONValue round-trips with sorted keys")
    func valueRoundTrip() throws {
        let value: JSONValue = ["z": 1, "a": ["x", true, .null, 2.5], "m": ["k": "v"]]
        #expect(value.serialized == #"{"a":["x",true,null,2.5],"m":{"k":"v"},"z":1}"#)
        #expect(try JSONValue.parse(value.serialized) == value)
    }
}

@Suite("JSONObjectReader reports every problem of a body at once")
struct JSONObjectReaderTests {
    func reader(_ text: String) throws -> JSONObjectReader {
        JSONObjectReader(try JSONValue.parse(text).objectValue!)
    }

    @Test("missing, mistyped, too long and unknown fields are all listed")
    func collectsAllErrors() throws {
        let body = try reader(#"{"name": 5, "title": "\#(String(repeating: "x", count: 20))", "extra": 1}"#)
        _ = body.requiredString("name", length: 1...10)
        _ = body.requiredString("title", length: 1...10)
        _ = body.requiredString("missing", length: 1...10)
        #expect(throws: HTTPError.self) { try body.finish() }
        let fields = body.errors.items.map(\.field)
        #expect(fields == ["name", "title", "missing", "extra"])
    }

    @Test("a patch tells absent (unchanged) from null (cleared)")
    func patchSemantics() throws {
        let body = try reader(#"{"cleared": null, "set": "x"}"#)
        #expect(body.patchString("absent", length: 0...5) == .unchanged)
        #expect(body.patchString("cleared", length: 0...5) == .set(nil))
        #expect(body.patchString("set", length: 0...5) == .set("x"))
        try body.finish()
    }

    @Test("whitespace-only text is empty")
    func blankIsEmpty() throws {
        let body = try reader(#"{"name": "   "}"#)
        #expect(body.requiredString("name", length: 1...10) == nil)
        #expect(body.errors.items.first?.message == "must not be empty")
    }

    @Test("nested objects report their full path")
    func nestedPaths() throws {
        let body = try reader(#"{"auth": {"mode": 1}}"#)
        let auth = body.nestedObject("auth")
        _ = auth?.requiredString("mode", length: 1...10)
        #expect(body.errors.items.map(\.field) == ["auth.mode"])
    }
}

@Suite("Request bodies are parsed strictly (RFC 8259)")
struct JSONParserTests {
    @Test("valid documents", arguments: [
        (#"{"a":[1,-2,3.5,1e3,true,false,null,"x"]}"#, JSONValue.object(["a": [1, -2, 3.5, 1000.0, true, false, nil, "x"]])),
        (#" "\u00e9\ud83d\ude00\n" "#, JSONValue.string("é😀\n")),
        ("\"Prö ✓ plain\"", JSONValue.string("Prö ✓ plain")),
        ("0", JSONValue.int(0)),
        ("{}", JSONValue.object([:])),
        ("-0.5", JSONValue.double(-0.5)),
        ("9223372036854775808", JSONValue.double(9_223_372_036_854_775_808)),
    ])
    func valid(_ text: String, _ expected: JSONValue) throws {
        #expect(try JSONValue.parse(text) == expected)
    }

    @Test("refused documents", arguments: [
        #"{"a":1,}"#, "[1,]", #"{"a":1,"a":2}"#, "01", "1.", ".5", "+1", "NaN", "[1 2]", #"{"a" 1}"#, #"{a:1}"#,
        "'x'", #""\x""#, #""\ud800""#, "\"a\u{01}b\"", "tru", "[]x", "", "   ", "// c\n1", "1e", "-",
        String(repeating: "[", count: 100) + String(repeating: "]", count: 100),
    ])
    func refused(_ text: String) {
        #expect(throws: JSONValue.ParseError.self) { try JSONValue.parse(text) }
    }

    @Test("members of an object: only the listed keys are kept, whatever their spelling in the document")
    func membersKeepsListedKeys() throws {
        let document = #"{ "a": 1, "b": "x", "c": [1, {"d": null}], "\u00e9t\u00e9": true, "zz\"q": 2 }"#
        let kept = try Self.members(["c", "a", "été", "zz\"q", "missing"], of: document)
        #expect(kept == ["a": 1, "c": [1, ["d": nil]], "été": true, "zz\"q": 2])
        #expect(try Self.members([], of: document) == [:])
        #expect(try Self.members(["a"], of: "{}") == [:])
    }

    @Test("members of an object: a kept key seen twice is refused, a dropped one is not checked")
    func membersRefusesDuplicateKeptKeys() throws {
        #expect(throws: JSONValue.ParseError.self) { try Self.members(["a"], of: #"{"a":1,"b":2,"a":3}"#) }
        #expect(try Self.members(["a"], of: #"{"b":1,"a":2,"b":3}"#) == ["a": 2])
    }

    /// What `JSONParser.members` reports, by key; a key seen twice is a duplicate.
    private static func members(_ keys: [String], of text: String) throws(JSONValue.ParseError) -> [String: JSONValue] {
        try members(keys, of: Array(text.utf8))
    }

    private static func members(_ keys: [String], of bytes: [UInt8]) throws(JSONValue.ParseError) -> [String: JSONValue] {
        var found: [String: JSONValue] = [:]
        try bytes.withUnsafeBufferPointer { bytes throws(JSONValue.ParseError) in
            try JSONParser.members(among: keys, ofObject: bytes) { index, value in
                found.updateValue(value, forKey: keys[index]) == nil
            }
        }
        return found
    }

    @Test("members of an object: the whole document must still be valid", arguments: [
        #"{"a":1,"b":tru}"#, #"{"a":1,"a":2}"#, "[1]", #"{"a":1} x"#, #"{"a":1,}"#, "{\"b\":\"\u{01}\"}", "{\"a\u{01}\":1}", "",
    ])
    func membersRefusesInvalidDocuments(_ text: String) {
        #expect(throws: JSONValue.ParseError.self) { try Self.members(["a"], of: text) }
    }

    @Test("members of an object: a key that is not UTF-8 is refused even when it is not kept")
    func membersRefusesInvalidUTF8Keys() {
        #expect(throws: JSONValue.ParseError.self) {
            try Self.members(["a"], of: [0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D])
        }
    }

    @Test("invalid UTF-8 inside a string is refused")
    func invalidUTF8() {
        #expect(throws: JSONValue.ParseError.self) { try JSONValue.parse([0x22, 0xFF, 0x22]) }
        #expect(throws: JSONValue.ParseError.self) { try JSONValue.parse([0x22, 0x61, 0x62, 0xC3, 0x22]) }  // cut after ASCII
        #expect(throws: JSONValue.ParseError.self) { try JSONValue.parse([0x22, 0xED, 0xA0, 0x80, 0x22]) }  // a UTF-16 surrogate
    }
}
