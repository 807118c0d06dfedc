/// A fast, allocation-light JSON writer: bytes are appended in order, commas are
/// placed automatically. Responses on the hot path are written with it rather
/// than `JSONEncoder`, which costs a reflection-driven pass and an extra copy.
///
///     var json = JSONWriter()
///     json.object {
///         $0.field("object", "company")
///         $0.field("id", 42)
///     }
public struct JSONWriter: ~Copyable {
    private var output: ByteWriter
    /// One bit per open container: set once it holds an element.
    private var hasElement: UInt64 = 0
    private var depth = 0
    private var afterKey = false

    public init(capacity: Int = 1024) {
        output = ByteWriter(capacity: capacity)
    }

    /// The JSON written so far.
    public var bytes: [UInt8] { output.bytes }

    /// Ends the writer and hands its bytes over, uncopied (see `ByteWriter.finish`).
    consuming func finish() -> WrittenBytes { output.finish() }
    public var string: String { String(decoding: output.bytes, as: UTF8.self) }

    // MARK: Structure

    public mutating func object(_ body: (inout JSONWriter) -> Void) {
        beginObject()
        body(&self)
        endObject()
    }

    public mutating func array(_ body: (inout JSONWriter) -> Void) {
        beginArray()
        body(&self)
        endArray()
    }

    public mutating func beginObject() {
        separate()
        output.append(UInt8(ascii: "{"))
        open()
    }

    public mutating func endObject() {
        depth -= 1
        output.append(UInt8(ascii: "}"))
    }

    public mutating func beginArray() {
        separate()
        output.append(UInt8(ascii: "["))
        open()
    }

    public mutating func endArray() {
        depth -= 1
        output.append(UInt8(ascii: "]"))
    }

    /// Members written earlier, placed in the open object as they are (for
    /// parts of an answer that change only with their source).
    public mutating func members(_ members: JSONMembers) {
        assert(!afterKey, "members go in an object, not after a key")
        guard !members.bytes.isEmpty else { return }
        separate()
        output.append(contentsOf: members.bytes)
    }

    public mutating func key(_ name: String) {
        separate()
        appendQuoted(name)
        output.append(UInt8(ascii: ":"))
        afterKey = true
    }

    /// A key written in the source: copied as it is, without the escaping
    /// scan (a list answer writes hundreds of them). Such keys are plain
    /// ASCII names; the assertion catches any that is not in the tests.
    public mutating func key(_ name: StaticString) {
        separate()
        name.withUTF8Buffer { utf8 in
            assert(EscapeScan.Specials.json.plainPrefix(utf8.baseAddress!, count: utf8.count) == utf8.count,
                   "a key literal that needs escaping: \(name)")
            output.write(atMost: utf8.count + 3) { out in
                out[0] = UInt8(ascii: "\"")
                (out + 1).update(from: utf8.baseAddress!, count: utf8.count)
                out[utf8.count + 1] = UInt8(ascii: "\"")
                out[utf8.count + 2] = UInt8(ascii: ":")
                return utf8.count + 3
            }
        }
        afterKey = true
    }

    // MARK: Values

    public mutating func string(_ value: String) {
        separate()
        appendQuoted(value)
    }

    public mutating func int(_ value: Int64) {
        separate()
        appendInteger(value)
    }

    public mutating func int(_ value: Int) { int(Int64(value)) }

    public mutating func double(_ value: Double) {
        separate()
        if value.isFinite {
            if value == value.rounded(), abs(value) < 1e15 {
                appendInteger(Int64(value))
            } else {
                output.append(utf8: "\(value)")
            }
        } else {
            output.append("null")
        }
    }

    public mutating func bool(_ value: Bool) {
        separate()
        output.append(value ? "true" : "false")
    }

    public mutating func null() {
        separate()
        output.append("null")
    }

    public mutating func timestamp(_ value: Timestamp) {
        separate()
        output.write(atMost: Timestamp.iso8601Length + 2) { out in
            out[0] = UInt8(ascii: "\"")
            value.writeISO8601(to: out + 1)
            out[Timestamp.iso8601Length + 1] = UInt8(ascii: "\"")
            return Timestamp.iso8601Length + 2
        }
    }

    public mutating func value(_ value: JSONValue) {
        switch value {
        case .null: null()
        case .bool(let bool): self.bool(bool)
        case .int(let int): self.int(int)
        case .double(let double): self.double(double)
        case .string(let string): self.string(string)
        case .array(let array):
            beginArray()
            for element in array { self.value(element) }
            endArray()
        case .object(let object):
            beginObject()
            for key in object.keys.sorted() {
                self.key(key)
                self.value(object[key]!)
            }
            endObject()
        }
    }

    // MARK: Fields (key + value)

    public mutating func field(_ name: StaticString, _ value: String) { key(name); string(value) }
    public mutating func field(_ name: StaticString, _ value: String?) {
        key(name)
        if let value { string(value) } else { null() }
    }
    public mutating func field(_ name: StaticString, _ value: Int) { key(name); int(value) }
    public mutating func field(_ name: StaticString, _ value: Int64) { key(name); int(value) }
    public mutating func field(_ name: StaticString, _ value: Bool) { key(name); bool(value) }
    public mutating func field(_ name: StaticString, _ value: Bool?) {
        key(name)
        if let value { bool(value) } else { null() }
    }
    public mutating func field(_ name: StaticString, _ value: Timestamp) { key(name); timestamp(value) }
    public mutating func field(_ name: StaticString, _ value: Timestamp?) {
        key(name)
        if let value { timestamp(value) } else { null() }
    }
    public mutating func field<Entity>(_ name: StaticString, _ value: Identifier<Entity>) { key(name); int(value.rawValue) }
    public mutating func field<Entity>(_ name: StaticString, _ value: Identifier<Entity>?) {
        key(name)
        if let value { int(value.rawValue) } else { null() }
    }
    public mutating func field(_ name: StaticString, _ value: [String]) {
        key(name)
        beginArray()
        for element in value { string(element) }
        endArray()
    }
    public mutating func field(_ name: StaticString, _ value: JSONValue) { key(name); self.value(value) }

    /// Appends a complete, already-encoded JSON value.
    public mutating func raw(_ json: [UInt8]) {
        separate()
        output.append(contentsOf: json)
    }

    // MARK: Internals

    private mutating func open() {
        depth += 1
        precondition(depth < 64, "JSON nested too deeply")
        hasElement &= ~(1 << UInt64(depth))
    }

    private mutating func separate() {
        if afterKey { afterKey = false; return }
        guard depth > 0 else { return }
        let bit: UInt64 = 1 << UInt64(depth)
        if hasElement & bit != 0 { output.append(UInt8(ascii: ",")) } else { hasElement |= bit }
    }

    private mutating func appendInteger(_ value: Int64) {
        // At most 20 characters: a sign and 19 digits.
        output.write(atMost: 20) { out in
            if value == 0 { out[0] = UInt8(ascii: "0"); return 1 }
            var magnitude = value.magnitude
            var digits = 0
            var rest = magnitude
            while rest > 0 { digits += 1; rest /= 10 }
            let sign = value < 0 ? 1 : 0
            if sign == 1 { out[0] = UInt8(ascii: "-") }
            var position = sign + digits
            while magnitude > 0 {
                position -= 1
                out[position] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            }
            return sign + digits
        }
    }

    private mutating func appendQuoted(_ text: String) {
        // In place, native and small strings alike; a copy only for a bridged one.
        if text.utf8.withContiguousStorageIfAvailable({ appendQuoted($0) }) == nil {
            var text = text
            text.withUTF8 { appendQuoted($0) }
        }
    }

    private mutating func appendQuoted(_ utf8: UnsafeBufferPointer<UInt8>) {
        guard let source = utf8.baseAddress else {
            output.append("\"\"")
            return
        }
        // Almost every value needs no escaping: it is copied with its quotes in one step.
        let count = utf8.count
        let clean = EscapeScan.Specials.json.plainPrefix(source, count: count)
        if clean == count {
            output.write(atMost: count + 2) { out in
                out[0] = UInt8(ascii: "\"")
                (out + 1).update(from: source, count: count)
                out[count + 1] = UInt8(ascii: "\"")
                return count + 2
            }
            return
        }
        output.append(UInt8(ascii: "\""))
        output.append(UnsafeBufferPointer(start: source, count: clean))
        EscapeScan.runs(UnsafeBufferPointer(rebasing: utf8[clean...]), .json,
                        plain: { output.append($0) }, special: { appendEscaped($0) })
        output.append(UInt8(ascii: "\""))
    }

    private mutating func appendEscaped(_ byte: UInt8) {
        output.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): output.append(byte)
        case 0x0A: output.append(UInt8(ascii: "n"))
        case 0x0D: output.append(UInt8(ascii: "r"))
        case 0x09: output.append(UInt8(ascii: "t"))
        default:
            output.append(UInt8(ascii: "u"))
            output.append(UInt8(ascii: "0"))
            output.append(UInt8(ascii: "0"))
            output.append(Self.hexDigit(byte >> 4))
            output.append(Self.hexDigit(byte & 0x0F))
        }
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }
}

/// Members of a JSON object written once and reused: `"a":1,"b":[2]`.
public struct JSONMembers: Sendable, Equatable {
    let bytes: [UInt8]

    /// The members `body` writes into an object.
    public init(_ body: (inout JSONWriter) -> Void) {
        var json = JSONWriter()
        json.object(body)
        bytes = Array(json.bytes.dropFirst().dropLast())
    }
}
