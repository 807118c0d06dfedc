import CResolver

/// DNS lookups for the custom-domain checks.
public protocol DNSResolver: Sendable {
    func lookup(_ name: String, type: DNSRecordType) -> DNSAnswer
}

public enum DNSRecordType: Sendable {
    case txt, cname
}

public enum DNSAnswer: Sendable, Equatable {
    case records([String])
    /// The name does not exist.
    case nonexistentName
    /// The name exists, without records of this type.
    case noRecords
    /// No usable answer (timeout, SERVFAIL, refused): says nothing about the records.
    case noAnswer(String)
}

/// glibc's resolver through `CResolver` (res_nquery on a private state): the
/// system's resolvers, or the one of `PORTAL_DNS_RESOLVER`.
public struct SystemDNSResolver: DNSResolver {
    public let server: DNSServerAddress?
    public let timeoutSeconds: Int

    public init(server: DNSServerAddress?, timeoutSeconds: Int = 2) {
        self.server = server
        self.timeoutSeconds = timeoutSeconds
    }

    public func lookup(_ name: String, type: DNSRecordType) -> DNSAnswer {
        var buffer = [CChar](repeating: 0, count: 16 * 1024)
        var count: Int32 = 0
        let recordType = Int32(type == .txt ? CRESOLVER_TYPE_TXT : CRESOLVER_TYPE_CNAME)
        let status = buffer.withUnsafeMutableBufferPointer { output in
            withOptionalCString(server?.ipv4) { address in
                cresolver_query(address, Int32(server?.port ?? 53), Int32(timeoutSeconds), name, recordType, output.baseAddress,
                                output.count, &count)
            }
        }
        switch status {
        case CRESOLVER_OK:
            var records: [String] = []
            var offset = 0
            for _ in 0..<Int(count) {
                let text = buffer[offset...].withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
                records.append(text)
                offset += text.utf8.count + 1
            }
            return .records(records)
        case CRESOLVER_NXDOMAIN: return .nonexistentName
        case CRESOLVER_NODATA: return .noRecords
        case CRESOLVER_NO_ANSWER:
            return .noAnswer("the DNS resolver \(server?.description ?? "of the system") gave no answer (timeout or server failure)")
        default:
            return .noAnswer("the DNS lookup failed")
        }
    }
}

/// `PORTAL_DNS_RESOLVER`: an IPv4 address and a port, `127.0.0.1:5353` (port 53 when left out).
public struct DNSServerAddress: Sendable, Equatable, CustomStringConvertible {
    public let ipv4: String
    public let port: Int

    public init?(parsing text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { return nil }
        let octets = parts[0].split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4, octets.allSatisfy({ $0.count <= 3 && UInt8($0) != nil }) else { return nil }
        ipv4 = String(parts[0])
        if parts.count == 2 {
            guard let port = Int(parts[1]), (1...65535).contains(port) else { return nil }
            self.port = port
        } else {
            port = 53
        }
    }

    public var description: String { "\(ipv4):\(port)" }
}
