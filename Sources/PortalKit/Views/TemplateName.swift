/// A name in a template context (`issue`, `hasNextPage`) with its length and
/// first seven bytes packed into one word when it is made.
///
/// A `{{value}}` is found by walking the context stack from the innermost
/// object outwards through every name of each object, so a page compares
/// names a few thousand times. Comparing words instead of strings took the
/// issue page's name search from ~41 500 to ~24 000 instructions and the
/// whole page from ~478 600 to ~461 800 (bench/profile; issue #7). Names of up to seven bytes — most of them — are
/// equal exactly when their words are; longer ones compare their text when
/// the words agree.
struct TemplateName: Sendable, Hashable, ExpressibleByStringLiteral, CustomStringConvertible {
    let text: String
    /// The length (capped at 255) in the top byte, the first bytes below it.
    let word: UInt64

    init(_ text: String) {
        self.text = text
        // Read in place (`withUTF8` would copy the string, and count references, first).
        word = text.utf8.withContiguousStorageIfAvailable(Self.word(of:))
            ?? Array(text.utf8).withUnsafeBufferPointer(Self.word(of:))
    }

    init(stringLiteral text: String) {
        self.init(text)
    }

    var description: String { text }

    static func word(of bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var word = UInt64(min(bytes.count, 255)) << 56
        for index in 0..<min(bytes.count, 7) {
            word |= UInt64(bytes[index]) << (8 * UInt64(index))
        }
        return word
    }

    /// Whether the word alone tells this name apart from every other.
    @inline(__always) var isWholeInWord: Bool { word >> 56 <= 7 }

    @inline(__always) static func == (lhs: TemplateName, rhs: TemplateName) -> Bool {
        lhs.word == rhs.word && (lhs.isWholeInWord || lhs.text == rhs.text)
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(text)
    }
}
