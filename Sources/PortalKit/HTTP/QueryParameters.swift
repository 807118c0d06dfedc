/// The decoded query string: `?status=open&q=a+b`. Repeated names keep every value.
public struct QueryParameters: Sendable {
    private var pairs: [(name: String, value: String)] = []

    public init() {}

    public init(_ pairs: [(String, String)]) {
        self.pairs = pairs.map { (name: $0.0, value: $0.1) }
    }

    /// Nil when a name or value is not valid percent-encoded UTF-8.
    public init?(parsing query: Substring) {
        for part in query.split(separator: "&", omittingEmptySubsequences: true) {
            let equals = part.firstIndex(of: "=")
            let rawName = part[..<(equals ?? part.endIndex)]
            let rawValue = equals.map { part[part.index(after: $0)...] } ?? ""
            guard let name = PercentDecoding.decode(rawName, plusAsSpace: true),
                  let value = PercentDecoding.decode(rawValue, plusAsSpace: true) else { return nil }
            pairs.append((name, value))
        }
    }

    /// The first value of `name`.
    public subscript(name: String) -> String? {
        pairs.first { $0.name == name }?.value
    }

    public func all(_ name: String) -> [String] {
        pairs.filter { $0.name == name }.map(\.value)
    }

    public var names: [String] { pairs.map(\.name) }
    public var values: [String] { pairs.map(\.value) }
    public var isEmpty: Bool { pairs.isEmpty }
}

/// RFC 3986 percent-decoding, strict: a bad escape or invalid UTF-8 is nil.
enum PercentDecoding {
    static func decode(_ text: Substring, plusAsSpace: Bool) -> String? {
        if let decoded = text.utf8.withContiguousStorageIfAvailable({ decode($0, plusAsSpace: plusAsSpace) }) { return decoded }
        return Array(text.utf8).withUnsafeBufferPointer { decode($0, plusAsSpace: plusAsSpace) }
    }

    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, plusAsSpace: Bool) -> String? {
        // Most text has nothing to decode; plain ASCII needs no validation either.
        var unionOfBytes: UInt8 = 0
        var plain = true
        for byte in bytes {
            unionOfBytes |= byte
            if byte == UInt8(ascii: "%") || (plusAsSpace && byte == UInt8(ascii: "+")) { plain = false; break }
        }
        if plain { return unionOfBytes < 0x80 ? String(decoding: bytes, as: UTF8.self) : String(validating: bytes, as: UTF8.self) }
        var decoded = [UInt8]()
        decoded.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "%"):
                guard index + 1 < bytes.count, let high = hexValue(bytes[index]), let low = hexValue(bytes[index + 1]) else {
                    return nil
                }
                decoded.append(high << 4 | low)
                index += 2
            case UInt8(ascii: "+") where plusAsSpace:
                decoded.append(UInt8(ascii: " "))
            default:
                decoded.append(byte)
            }
        }
        return String(validating: decoded, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

/// Percent-encoding for building URLs.
public enum PercentEncoding {
    /// Encodes everything but RFC 3986 unreserved characters.
    public static func queryValue(_ text: String) -> String {
        // A list page's next-page cursor is base64url: nothing to encode, so
        // the text is checked first and returned as it is.
        var contiguous = text
        if contiguous.withUTF8({ $0.allSatisfy(isUnreserved) }) { return text }
        return contiguous.withUTF8 { utf8 in
            // Built as bytes: appending scalars to a String cost ~300 instructions a character.
            var encoded: [UInt8] = []
            encoded.reserveCapacity(utf8.count + 16)
            for byte in utf8 {
                if isUnreserved(byte) {
                    encoded.append(byte)
                } else {
                    encoded.append(UInt8(ascii: "%"))
                    encoded.append(hexDigits[Int(byte >> 4)])
                    encoded.append(hexDigits[Int(byte & 0xF)])
                }
            }
            return String(decoding: encoded, as: UTF8.self)
        }
    }

    @inline(__always)
    static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)
}
