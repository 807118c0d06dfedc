/// A name in a template context (`issue`, `hasNextPage`) with its length and
/// first fifteen bytes packed into two words when it is made.
///
/// A `{{value}}` is found by walking the context stack from the innermost
/// object outwards through every name of each object, so a page compares
/// names a few thousand times. Comparing words instead of strings took the
/// issue page's name search from ~41 500 to ~24 000 instructions and the
/// whole page from ~478 600 to ~461 800 (bench/profile; issue #7). Names of up
/// to fifteen bytes — all but a few — are equal exactly when their words are
/// and keep no text; longer ones also keep their text, compared when the
/// words agree.
///
/// A name written in the source (`"issue"`) is read from its `StaticString`:
/// a few loads the compiler can fold (pages make hundreds of such names, and
/// from a `String` each cost ~50 instructions).
struct TemplateName: Sendable, Hashable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The length (capped at 255) in the top byte, the first seven bytes below it.
    let word: UInt64
    /// Bytes 7 to 14 (zero past the end).
    let tail: UInt64
    /// The whole name when the words do not hold it all; empty otherwise.
    private let longText: String

    static let wordsCapacity = 15

    init(_ text: String) {
        (word, tail) = text.utf8.withContiguousStorageIfAvailable(Self.words(of:))
            ?? Array(text.utf8).withUnsafeBufferPointer(Self.words(of:))
        longText = text.utf8.count > Self.wordsCapacity ? text : ""
    }

    @inline(__always)
    init(stringLiteral literal: StaticString) {
        (word, tail) = literal.withUTF8Buffer(Self.words(of:))
        longText = literal.utf8CodeUnitCount > Self.wordsCapacity ? literal.description : ""
    }

    var description: String {
        guard isWholeInWords else { return longText }
        let count = Int(word >> 56)
        let bytes = (0..<count).map { (index: Int) -> UInt8 in
            let source = index < 7 ? word : tail
            let shift = UInt64(8 * (index < 7 ? index : index - 7))
            return UInt8(truncatingIfNeeded: source >> shift)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The two words of a name's bytes: eight-byte loads where the name is
    /// that long (a page makes a few hundred names), a byte loop below.
    @inline(__always)
    static func words(of bytes: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64) {
        let count = bytes.count
        let length = UInt64(min(count, 255)) << 56
        guard count >= 8, let base = bytes.baseAddress else {
            var word = length
            for index in 0..<count { word |= UInt64(bytes[index]) << (8 * UInt64(index)) }
            return (word, 0)
        }
        let raw = UnsafeRawPointer(base)
        let head = UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self)) & 0x00FF_FFFF_FFFF_FFFF
        // Bytes 7 to 14: one load from byte 7, or, for a shorter name, the
        // last eight bytes shifted down to start at byte 7.
        let tail = count >= wordsCapacity
            ? UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 7, as: UInt64.self))
            : UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)) >> (8 * UInt64(wordsCapacity - count))
        return (length | head, tail)
    }

    /// Whether the words alone tell this name apart from every other.
    @inline(__always) var isWholeInWords: Bool { word >> 56 <= UInt64(Self.wordsCapacity) }

    @inline(__always) static func == (lhs: TemplateName, rhs: TemplateName) -> Bool {
        lhs.word == rhs.word && lhs.tail == rhs.tail && (lhs.isWholeInWords || lhs.longText == rhs.longText)
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(word)
        hasher.combine(tail)
        hasher.combine(longText)
    }
}
