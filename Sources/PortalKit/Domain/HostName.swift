/// DNS host names as the portal accepts them: lower-case LDH labels, at least
/// two of them, 253 bytes at most, no trailing dot, not an IP address.
public enum HostName {
    public static func isValid(_ host: String) -> Bool {
        let bytes = Array(host.utf8)
        guard !bytes.isEmpty, bytes.count <= 253 else { return false }
        let labels = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return false }
        for label in labels {
            guard !label.isEmpty, label.count <= 63, label.first != UInt8(ascii: "-"), label.last != UInt8(ascii: "-"),
                  label.allSatisfy({ (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0)
                      || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "-") })
            else { return false }
        }
        // All-numeric last label: an IPv4 address, not a name.
        if labels.last!.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) { return false }
        return true
    }
}
