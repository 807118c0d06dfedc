/// Tests on eight bytes at once (SWAR), for the escapers of JSON and HTML:
/// almost all text needs no escaping, and scanning it a word at a time is
/// several times faster than byte by byte (measured: the JSON escaper's byte
/// loop was a sixth of a list request's instructions).
///
/// Both tests are exact as yes/no answers (Bit Twiddling Hacks, `haszero`
/// and `hasless`); on "yes" the caller looks at the eight bytes one by one.
enum WordScan {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// Whether any byte of `word` equals `byte`.
    @inline(__always)
    static func contains(_ word: UInt64, _ byte: UInt8) -> Bool {
        let difference = word ^ (ones &* UInt64(byte))
        return (difference &- ones) & ~difference & highBits != 0
    }

    /// Whether any byte of `word` equals `byte` once `mask` is OR-ed into it:
    /// one test for two characters that differ in one bit (`<` and `>`
    /// are 0x3C and 0x3E: mask 0x02, byte 0x3E).
    @inline(__always)
    static func contains(_ word: UInt64, _ byte: UInt8, ignoring mask: UInt8) -> Bool {
        contains(word | (ones &* UInt64(mask)), byte)
    }

    /// Whether any byte of `word` is a control character (below 0x20).
    @inline(__always)
    static func containsControl(_ word: UInt64) -> Bool {
        (word &- ones &* 0x20) & ~word & highBits != 0
    }

    /// The eight bytes at `pointer`, in memory order, whatever the alignment.
    @inline(__always)
    static func load(_ pointer: UnsafePointer<UInt8>) -> UInt64 {
        UnsafeRawPointer(pointer).loadUnaligned(as: UInt64.self)
    }

    /// Splits `text` into runs that need no escaping (copied whole by `plain`)
    /// and the single bytes that do (`special`), in order. `wordMayNeed`
    /// tests eight bytes at once and may say yes too often; `needs` decides
    /// each byte exactly. Shared by the JSON and HTML escapers.
    @inline(__always)
    static func escapeRuns(
        _ text: UnsafeBufferPointer<UInt8>, wordMayNeed: (UInt64) -> Bool, needs: (UInt8) -> Bool,
        plain: (UnsafeBufferPointer<UInt8>) -> Void, special: (UInt8) -> Void
    ) {
        guard let base = text.baseAddress else { return }
        let count = text.count
        var runStart = 0
        var index = 0
        while index < count {
            if index + 8 <= count {
                if !wordMayNeed(load(base + index)) {
                    index += 8
                    continue
                }
            } else if count >= 8, !wordMayNeed(load(base + count - 8)) {
                break  // the last eight bytes, overlapping what was checked, are clean
            }
            let byte = base[index]
            if needs(byte) {
                if runStart < index { plain(UnsafeBufferPointer(start: base + runStart, count: index - runStart)) }
                special(byte)
                runStart = index + 1
            }
            index += 1
        }
        if runStart < count { plain(UnsafeBufferPointer(start: base + runStart, count: count - runStart)) }
    }
}
