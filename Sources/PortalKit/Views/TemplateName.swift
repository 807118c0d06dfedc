/// A name in a template context (`issue`, `hasNextPage`) as two words, made
/// when the name is made.
///
/// A `{{value}}` is found by walking the context stack from the innermost
/// object outwards through every name of each object, so a page compares
/// names a few thousand times. Comparing words instead of strings took the
/// issue page's name search from ~41 500 to ~24 000 instructions and the
/// whole page from ~478 600 to ~461 800 (bench/profile; issue #7).
///
/// A name of up to fifteen bytes — all but a few — is its length and bytes.
/// A longer one is its length, its first seven bytes and its number in a
/// table of long names kept for the life of the process, so two names are
/// equal exactly when their words are, and a name holds no reference: a
/// page's context is a few hundred names, and a `String` in each was a
/// release apiece when the page was done. Names come from templates and
/// code, never from a request, so that table stays as small as the code.
///
/// A name written in the source (`"issue"`) is read from its `StaticString`:
/// a few loads the compiler can fold (pages make hundreds of such names, and
/// from a `String` each cost ~50 instructions).
struct TemplateName: Sendable, Hashable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The length (capped at 255) in the top byte, the first seven bytes below it.
    let word: UInt64
    /// Bytes 7 to 14 (zero past the end); for a longer name, its number in `LongNames`.
    let tail: UInt64

    static let wordsCapacity = 15

    init(_ text: String) {
        var text = text
        (word, tail) = text.withUTF8(Self.words(of:))
    }

    @inline(__always)
    init(stringLiteral literal: StaticString) {
        (word, tail) = literal.withUTF8Buffer(Self.words(of:))
    }

    var description: String {
        let count = Int(word >> 56)
        guard isWholeInWords else { return LongNames.shared.text(number: tail) }
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
        guard count <= wordsCapacity else { return (length | head, LongNames.shared.number(of: bytes)) }
        // Bytes 7 to 14: one load from byte 7, or, for a shorter name, the
        // last eight bytes shifted down to start at byte 7.
        let tail = count == wordsCapacity
            ? UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 7, as: UInt64.self))
            : UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)) >> (8 * UInt64(wordsCapacity - count))
        return (length | head, tail)
    }

    /// Whether the words hold the name's bytes (a longer name's tail is its number).
    @inline(__always) var isWholeInWords: Bool { word >> 56 <= UInt64(Self.wordsCapacity) }

    @inline(__always) static func == (lhs: TemplateName, rhs: TemplateName) -> Bool {
        lhs.word == rhs.word && lhs.tail == rhs.tail
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(word)
        hasher.combine(tail)
    }
}

/// The names longer than a `TemplateName`'s words hold, numbered in the
/// order they were first made. Only a few exist, made when templates are
/// compiled and when code writes such a name.
final class LongNames: Sendable {
    static let shared = LongNames()

    private struct Table {
        var numbers: [[UInt8]: UInt64] = [:]
        var texts: [String] = []
    }

    private let table = SpinningLock(Table())

    func number(of bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let key = Array(bytes)
        return table.withLock { table in
            if let number = table.numbers[key] { return number }
            assert(table.texts.count < 10_000, "long template names made from data, not code: the table only grows")
            let number = UInt64(table.texts.count)
            table.numbers[key] = number
            table.texts.append(String(decoding: key, as: UTF8.self))
            return number
        }
    }

    func text(number: UInt64) -> String {
        table.withLock { $0.texts[Int(number)] }
    }
}
