/// An email address normalized the way the portal compares them: trimmed and
/// lower-cased. Deliberately strict: one `@`, a dotted domain, no spaces or
/// control characters (which also shuts out header injection), at most 254 bytes.
public struct EmailAddress: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let value: String

    public init?(_ text: String) {
        let trimmed = Substring(text).trimmingCharacters(in: " ").lowercased()
        guard Self.isValid(trimmed) else { return nil }
        value = trimmed
    }

    /// For values read back from storage, which were validated when written.
    public init(trusted value: String) { self.value = value }

    public var description: String { value }
    public var domain: Substring { value[value.index(after: value.lastIndex(of: "@")!)...] }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.value < rhs.value }

    static func isValid(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count >= 3, bytes.count <= 254 else { return false }
        guard let at = bytes.firstIndex(of: UInt8(ascii: "@")), bytes.lastIndex(of: UInt8(ascii: "@")) == at else { return false }
        let local = bytes[..<at]
        let domain = bytes[(at + 1)...]
        guard !local.isEmpty, local.count <= 64, domain.count >= 3 else { return false }
        let localAllowed: (UInt8) -> Bool = { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): return true
            default: return Array("!#$%&'*+/=?^_`{|}~.-".utf8).contains(byte) || byte >= 0x80
            }
        }
        guard local.allSatisfy(localAllowed), local.first != UInt8(ascii: "."), local.last != UInt8(ascii: "."),
              !zip(local, local.dropFirst()).contains(where: { $0 == UInt8(ascii: ".") && $1 == UInt8(ascii: ".") })
        else { return false }
        let labels = domain.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return false }
        for label in labels {
            guard !label.isEmpty, label.count <= 63, label.first != UInt8(ascii: "-"), label.last != UInt8(ascii: "-"),
                  label.allSatisfy({ byte in
                      (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                          || byte == UInt8(ascii: "-") || byte >= 0x80
                  })
            else { return false }
        }
        return true
    }
}
