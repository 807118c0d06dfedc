import Testing
@testable import PortalKit

@Suite("Template names compare by one word, and still only equal names match")
struct TemplateNameTests {
    @Test("a name equals itself however its string was made", arguments: ["", "a", "issue", "hasNext", "hasNextPage", "émoji✓", String(repeating: "x", count: 300)])
    func equalNames(_ text: String) {
        let given = TemplateName(text)
        let rebuilt = TemplateName(String(decoding: Array(text.utf8), as: UTF8.self))
        #expect(given == rebuilt)
        #expect(given.word == rebuilt.word)
        #expect(Set([given, rebuilt]).count == 1)
    }

    @Test("the words hold the length and the bytes of a name of up to fifteen, zero past the end", arguments: Array(0...15))
    func wordsOfEveryShortLength(_ length: Int) {
        let bytes = (0..<length).map { UInt8(0x41 + $0) }
        let (word, tail) = bytes.withUnsafeBufferPointer(TemplateName.words(of:))
        var expectedWord = UInt64(length) << 56
        var expectedTail: UInt64 = 0
        for (index, byte) in bytes.enumerated() {
            if index < 7 { expectedWord |= UInt64(byte) << (8 * UInt64(index)) } else { expectedTail |= UInt64(byte) << (8 * UInt64(index - 7)) }
        }
        #expect(word == expectedWord)
        #expect(tail == expectedTail)
    }

    @Test("a longer name keeps its length and first seven bytes, and is numbered by its whole text", arguments: [16, 17, 40, 255, 256, 300])
    func longNamesAreNumbered(_ length: Int) {
        let text = String(decoding: (0..<length).map { UInt8(0x61 + $0 % 26) }, as: UTF8.self)
        let name = TemplateName(text)
        var expectedWord = UInt64(min(length, 255)) << 56
        for (index, byte) in text.utf8.prefix(7).enumerated() { expectedWord |= UInt64(byte) << (8 * UInt64(index)) }
        #expect(name.word == expectedWord)
        #expect(!name.isWholeInWords)
        #expect(TemplateName(text).tail == name.tail)
        #expect(TemplateName(text + "!").tail != name.tail)
        #expect(name.description == text)
    }

    @Test("a name written in the source equals the same name made at run time, and only that one")
    func literalNames() {
        let literals: [TemplateName] = ["", "a", "issue", "hasNextPage", "émoji✓", "previewCustomer", "hasPreviewCustomer"]
        let texts = ["", "a", "issue", "hasNextPage", "émoji✓", "previewCustomer", "hasPreviewCustomer"]
        for (literal, text) in zip(literals, texts) {
            let made = TemplateName(text)
            #expect(literal == made && made == literal)
            #expect(literal.word == made.word)
            #expect(Set([literal, made]).count == 1)
            #expect(literal.description == text)
        }
        #expect(("hasNextPage" as TemplateName) != TemplateName("hasNextPagf"))
        #expect(("previewCustomer" as TemplateName) != ("previewCustomeR" as TemplateName))
        #expect(("hasPreviewCustomer" as TemplateName) != TemplateName("hasPreviewCustomeR"))
    }

    @Test("names that share their length and first fifteen bytes still differ", arguments: [
        ("hasNextPage", "hasNextPagf"),
        ("previewCustomer", "previewCustomeR"),
        ("footerSections", "footerSectionz"),
        ("hasPreviewCustomer", "hasPreviewCustomeR"),
        (String(repeating: "y", count: 256), String(repeating: "y", count: 255) + "z"),
        // The length is capped at 255 in the word: longer names differ by their numbers.
        (String(repeating: "q", count: 300), String(repeating: "q", count: 301)),
    ])
    func samePrefixDifferentNames(_ first: String, _ second: String) {
        #expect(TemplateName(first) != TemplateName(second))
    }

    @Test("short names differ by any byte or by length", arguments: [
        ("a", "b"), ("ab", "abc"), ("name", "nam\0"), ("body", "time"), ("", "\0"),
    ])
    func shortNames(_ first: String, _ second: String) {
        #expect(TemplateName(first) != TemplateName(second))
        #expect(TemplateName(first).isWholeInWords)
    }

    @Test("a context with look-alike names renders the value of the name asked for")
    func lookAlikesInAContext() throws {
        let views = Views(templates: ["main": try Template(parsing: "{{previewCustomer}}|{{previewCustomeR}}|{{hasNextPagf}}")])
        let context: TemplateObject = ["previewCustomeR": "upper", "previewCustomer": "lower", "hasNextPage": "next"]
        #expect(String(decoding: views.render("main", context), as: UTF8.self) == "lower|upper|")
    }
}
