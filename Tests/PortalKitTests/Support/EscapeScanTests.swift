import CEscapeScan
import Foundation
import Testing
@testable import PortalKit

@Suite("Sixteen bytes at a time: the escapers' scan agrees with a byte-by-byte one")
struct EscapeScanTests {
    static func jsonSpecial(_ byte: UInt8) -> Bool {
        byte < 0x20 || [0x22, 0x5C, 0x26, 0x3C, 0x3E].contains(byte)
    }

    static func htmlSpecial(_ byte: UInt8) -> Bool {
        [0x26, 0x3C, 0x3E, 0x22, 0x27].contains(byte)
    }

    /// Every byte value at every position of texts of otherwise plain bytes,
    /// across block edges and in the short and overlapping last blocks
    /// (including bytes ≥ 0x80 and `#`, a near miss of the HTML block test);
    /// the SSE2 scans and the byte loops other machines use alike.
    @Test("the plain prefix ends exactly at the first special byte", arguments: [UInt8(ascii: "a"), 0xFF, 0x23])
    func exact(_ filler: UInt8) {
        typealias Scan = (UnsafePointer<UInt8>, Int) -> Int
        let scans: [(name: String, scan: Scan, isSpecial: (UInt8) -> Bool)] = [
            ("json", { EscapeScan.Specials.json.plainPrefix($0, count: $1) }, Self.jsonSpecial),
            ("html", { EscapeScan.Specials.html.plainPrefix($0, count: $1) }, Self.htmlSpecial),
            ("json bytewise", { cescape_plain_json_prefix_bytewise($0, $1) }, Self.jsonSpecial),
            ("html bytewise", { cescape_plain_html_prefix_bytewise($0, $1) }, Self.htmlSpecial),
        ]
        var mismatches: [String] = []
        for length in [0, 1, 15, 16, 17, 33, 47] {
            for position in 0..<max(length, 1) {
                for value in 0...255 {
                    var bytes = [UInt8](repeating: filler, count: max(length, 1))
                    if length > 0 { bytes[position] = UInt8(value) }
                    bytes.withUnsafeBufferPointer { buffer in
                        for (name, scan, isSpecial) in scans {
                            let expected = bytes.prefix(length).firstIndex(where: isSpecial) ?? length
                            let found = scan(buffer.baseAddress!, length)
                            if found != expected { mismatches.append("\(name): \(value) at \(position) of \(length) → \(found)") }
                        }
                    }
                }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }

    /// Short texts are read sixteen bytes at a time when that stays in their
    /// page: whatever follows a text must not count, and a text that ends
    /// where readable memory ends must not fault.
    @Test("bytes past a short text's end are never read as its own, and a text at the end of readable memory is read safely")
    func shortTextsReadPastTheirEnd() throws {
        let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
        let region = try #require(mmap(nil, 2 * pageSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0))
        try #require(region != MAP_FAILED)
        defer { munmap(region, 2 * pageSize) }
        // The second page is unreadable: touching it would end the test process.
        try #require(mprotect(region + pageSize, pageSize, PROT_NONE) == 0)
        let page = region.assumingMemoryBound(to: UInt8.self)
        var mismatches: [String] = []
        for length in 0...15 {
            // Specials right after the text, at the start of the page…
            page.initialize(repeating: UInt8(ascii: "<"), count: 32)
            for index in 0..<length { page[index] = UInt8(ascii: "a") }
            // …and the same text ending exactly at the unreadable page.
            let atEnd = page + pageSize - length
            for index in 0..<length { atEnd[index] = UInt8(ascii: "a") }
            if length > 0 { page[length - 1] = UInt8(ascii: length % 2 == 0 ? "\"" : "b") }
            if length > 0 { atEnd[length - 1] = page[length - 1] }
            let expected = length > 0 && length % 2 == 0 ? length - 1 : length
            for specials in [EscapeScan.Specials.json, .html] {
                for (place, start) in [("page start", page), ("page end", atEnd)] {
                    let found = specials.plainPrefix(UnsafePointer(start), count: length)
                    if found != expected { mismatches.append("\(specials) \(place) length \(length) → \(found)") }
                }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }

    @Test("runs split text into plain runs and special bytes, in order, losing nothing")
    func runs() {
        let text = Array("a \"quoted\" <b>&amp; 'x' — #1 ok\n\u{01}tail of more than sixteen bytes<".utf8)
        for specials in [EscapeScan.Specials.json, .html] {
            var rebuilt: [UInt8] = []
            var specialBytes: [UInt8] = []
            text.withUnsafeBufferPointer { buffer in
                EscapeScan.runs(buffer, specials, plain: { run in
                    #expect(!run.isEmpty && run.allSatisfy { specials == .json ? !Self.jsonSpecial($0) : !Self.htmlSpecial($0) })
                    rebuilt += run
                }, special: { byte in
                    specialBytes.append(byte)
                    rebuilt.append(byte)
                })
            }
            #expect(rebuilt == text)
            #expect(specialBytes == text.filter(specials == .json ? Self.jsonSpecial : Self.htmlSpecial))
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
