#if canImport(Glibc)
import Glibc
#endif

/// A minimal FastCGI client (the web server's side of the protocol), enough to
/// drive the real server over a real unix socket in tests.
struct FastCGITestClient {
    let fd: Int32

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    struct Response {
        let status: Int
        let headers: [(String, String)]
        let body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }

        func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }
    }

    enum RecordType: UInt8 {
        case beginRequest = 1, endRequest = 3, params = 4, stdin = 5, stdout = 6, stderr = 7
    }

    static func connect(to path: String) throws -> FastCGITestClient {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket failed") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: path.utf8)
            raw[path.utf8.count] = 0
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard result == 0 else {
            _ = Glibc.close(fd)
            throw Failure(description: "connect to \(path) failed: errno \(errno)")
        }
        return FastCGITestClient(fd: fd)
    }

    func close() { _ = Glibc.close(fd) }

    /// Sends one complete request: begin, params, stdin.
    func send(requestID: UInt16 = 1, params: [(String, String)], body: [UInt8] = [], keepConnection: Bool = true) throws {
        var bytes: [UInt8] = []
        Self.record(.beginRequest, requestID: requestID, content: [0, 1, keepConnection ? 1 : 0, 0, 0, 0, 0, 0], into: &bytes)
        var encoded: [UInt8] = []
        for (name, value) in params {
            Self.length(name.utf8.count, into: &encoded)
            Self.length(value.utf8.count, into: &encoded)
            encoded += Array(name.utf8) + Array(value.utf8)
        }
        for chunk in Self.chunks(encoded) { Self.record(.params, requestID: requestID, content: chunk, into: &bytes) }
        Self.record(.params, requestID: requestID, content: [], into: &bytes)
        for chunk in Self.chunks(body) { Self.record(.stdin, requestID: requestID, content: chunk, into: &bytes) }
        Self.record(.stdin, requestID: requestID, content: [], into: &bytes)
        try write(bytes)
    }

    struct Record {
        let type: RecordType
        let requestID: UInt16
        let content: [UInt8]
    }

    /// Every record up to and including END_REQUEST, as sent.
    func readRecords() throws -> [Record] {
        var records: [Record] = []
        while true {
            let header = try read(8)
            guard header[0] == 1, let type = RecordType(rawValue: header[1]) else { throw Failure(description: "bad record \(header)") }
            let length = Int(header[4]) << 8 | Int(header[5])
            let content = try read(length)
            _ = try read(Int(header[6]))
            records.append(Record(type: type, requestID: UInt16(header[2]) << 8 | UInt16(header[3]), content: content))
            if type == .endRequest { return records }
        }
    }

    /// Whether bytes arrive within `milliseconds` (none should between answers).
    func hasBytesWaiting(milliseconds: Int32) -> Bool {
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, milliseconds) > 0
    }

    /// Reads records until END_REQUEST and parses the CGI response.
    func readResponse() throws -> Response {
        var stdout: [UInt8] = []
        while true {
            let header = try read(8)
            let type = header[1]
            let length = Int(header[4]) << 8 | Int(header[5])
            let padding = Int(header[6])
            let content = try read(length)
            _ = try read(padding)
            if type == RecordType.stdout.rawValue { stdout += content }
            if type == RecordType.endRequest.rawValue { break }
        }
        return try Self.parse(stdout)
    }

    func request(_ params: [(String, String)], body: [UInt8] = []) throws -> Response {
        try send(params: params, body: body)
        return try readResponse()
    }

    static func parse(_ stdout: [UInt8]) throws -> Response {
        let text = String(decoding: stdout, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { throw Failure(description: "no header end in \(text)") }
        var status = 200
        var headers: [(String, String)] = []
        for line in text[..<split.lowerBound].split(separator: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = String(line[..<colon])
            let value = line[line.index(after: colon)...].trimmingPrefix(" ")
            if name == "Status" { status = Int(value.prefix(3)) ?? 0 } else { headers.append((name, String(value))) }
        }
        let headerBytes = text[..<split.upperBound].utf8.count
        return Response(status: status, headers: headers, body: Array(stdout[headerBytes...]))
    }

    private func write(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            guard written > 0 else { throw Failure(description: "write failed: errno \(errno)") }
            offset += written
        }
    }

    private func read(_ count: Int) throws -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        var offset = 0
        while offset < count {
            let got = buffer[offset...].withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            guard got > 0 else { throw Failure(description: "connection closed after \(offset) of \(count) bytes") }
            offset += got
        }
        return buffer
    }

    private static func record(_ type: RecordType, requestID: UInt16, content: [UInt8], into bytes: inout [UInt8]) {
        let padding = (8 - content.count % 8) % 8
        bytes += [1, type.rawValue, UInt8(requestID >> 8), UInt8(requestID & 0xFF),
                  UInt8(content.count >> 8), UInt8(content.count & 0xFF), UInt8(padding), 0]
        bytes += content
        bytes += [UInt8](repeating: 0, count: padding)
    }

    private static func length(_ value: Int, into bytes: inout [UInt8]) {
        if value < 128 {
            bytes.append(UInt8(value))
        } else {
            bytes += [UInt8((value >> 24) & 0x7F) | 0x80, UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
        }
    }

    private static func chunks(_ bytes: [UInt8]) -> [[UInt8]] {
        stride(from: 0, to: bytes.count, by: 65_528).map { Array(bytes[$0..<min($0 + 65_528, bytes.count)]) }
    }
}
