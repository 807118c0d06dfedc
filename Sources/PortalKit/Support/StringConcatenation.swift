extension String {
    /// `prefix` followed by `suffix`, written into one new string. `+` goes
    /// through the generic append path (~680 instructions for a list row's
    /// `/issues/ISS-1042`, bench/profile, issue #7); this copies two runs.
    static func concatenating(_ prefix: StaticString, _ suffix: String) -> String {
        var suffix = suffix
        return suffix.withUTF8 { tail in
            prefix.withUTF8Buffer { head in
                String(unsafeUninitializedCapacity: head.count + tail.count) { buffer in
                    let afterHead = buffer.initialize(fromContentsOf: head)
                    return buffer[afterHead...].initialize(fromContentsOf: tail)
                }
            }
        }
    }
}
