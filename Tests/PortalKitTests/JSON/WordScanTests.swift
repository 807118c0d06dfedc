import Foundation
import Testing
@testable import PortalKit

@Suite("Eight bytes at a time: the escapers' fast scan agrees with a byte-by-byte one")
struct WordScanTests {
    /// Every byte value at every position of a word of otherwise plain bytes
    /// (including bytes ≥ 0x80, which must never look like a match).
    @Test("contains and containsControl are exact", arguments: [UInt8(ascii: "a"), 0x7F, 0x80, 0xFF])
    func exact(_ filler: UInt8) {
        for position in 0..<8 {
            for value in 0...255 {
                var bytes = [UInt8](repeating: filler, count: 8)
                bytes[position] = UInt8(value)
                let word = bytes.withUnsafeBufferPointer { WordScan.load($0.baseAddress!) }
                for probe: UInt8 in [0x22, 0x26, 0x27, 0x3C, 0x3E, 0x5C] {
                    #expect(WordScan.contains(word, probe) == bytes.contains(probe))
                }
                #expect(WordScan.containsControl(word) == bytes.contains { $0 < 0x20 })
                for (probe, mask): (UInt8, UInt8) in [(0x26, 0x04), (0x3E, 0x02), (0x27, 0x05)] {
                    #expect(WordScan.contains(word, probe, ignoring: mask) == bytes.contains { $0 | mask == probe })
                }
            }
        }
    }

    @Test("a special character anywhere in a long string is escaped exactly once, in JSON and in HTML")
    func everyPosition() throws {
        for special in ["\"", "\\", "\n", "\u{01}", "<", ">", "&", "'", "#", "é"] {
            for length in [1, 7, 8, 9, 10, 15, 16, 17, 23, 33] {
                for position in 0..<length {
                    var characters = Array(repeating: "a", count: length)
                    characters[position] = special
                    let text = characters.joined()
                    var json = JSONWriter()
                    json.string(text)
                    #expect(json.string == Self.referenceJSON(text))
                    #expect(try JSONValue.parse(json.bytes) == .string(text))
                    let html = Views(templates: ["t": try Template(parsing: "{{v}}")]).renderString("t", ["v": text])
                    let expected = text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                        .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
                        .replacingOccurrences(of: "'", with: "&#39;")
                    #expect(html == expected)
                }
            }
        }
    }

    @Test("several special characters, close together and across word edges", arguments: [
        "", "<a>\"b\"&c\\d'e#", "abcdefg<", "abcdefgh<>", "<<<<<<<<<", "plain text with an ending quote\"", "#'#'#'#'#'",
    ])
    func mixed(_ text: String) throws {
        var json = JSONWriter()
        json.string(text)
        #expect(json.string == Self.referenceJSON(text))
        let html = Views(templates: ["t": try Template(parsing: "{{v}}")]).renderString("t", ["v": text])
        #expect(html == text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "'", with: "&#39;"))
    }

    /// The escaping JSONWriter promises, written the slow, obvious way.
    static func referenceJSON(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "<", ">", "&": result += String(format: "\\u%04x", scalar.value)
            default:
                if scalar.value < 0x20 { result += String(format: "\\u%04x", scalar.value) } else { result.unicodeScalars.append(scalar) }
            }
        }
        return result + "\""
    }
}
