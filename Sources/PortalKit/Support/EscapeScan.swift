import CEscapeScan

/// Splits text into the runs an escaper copies whole and the single bytes it
/// replaces. Almost all text needs no escaping, so finding the next special
/// byte is the escapers' hot loop: it runs sixteen bytes at a time in C
/// (`CEscapeScan`; measured: the JSON escaper's scan was a tenth of a list
/// request's instructions eight bytes at a time, and a sixth byte by byte).
enum EscapeScan {
    /// Which bytes an escaper replaces.
    enum Specials {
        /// Control characters, `"` `\` `&` `<` `>`: the last three too, so
        /// JSON embedded in a page can never close a <script> or start markup.
        case json
        /// `&` `<` `>` `"` `'`.
        case html

        /// How many bytes from `start` on need no escaping (`count` if none does).
        @inline(__always)
        func plainPrefix(_ start: UnsafePointer<UInt8>, count: Int) -> Int {
            switch self {
            case .json: cescape_plain_json_prefix(start, count)
            case .html: cescape_plain_html_prefix(start, count)
            }
        }
    }

    /// Calls `plain` for each run that needs no escaping and `special` for
    /// each byte that does, in order.
    @inline(__always)
    static func runs(
        _ text: UnsafeBufferPointer<UInt8>, _ specials: Specials,
        plain: (UnsafeBufferPointer<UInt8>) -> Void, special: (UInt8) -> Void
    ) {
        guard let base = text.baseAddress else { return }
        let count = text.count
        var index = 0
        while index < count {
            let clean = specials.plainPrefix(base + index, count: count - index)
            if clean > 0 { plain(UnsafeBufferPointer(start: base + index, count: clean)) }
            index += clean
            guard index < count else { return }
            special(base[index])
            index += 1
        }
    }
}
