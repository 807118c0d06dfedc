#if canImport(Glibc)
import Glibc
#endif
import Logging

/// One log line per event, `key=value` style, written with a single
/// `write(2)` so lines from request threads never interleave:
///
///     2026-11-26T17:40:00.123Z info portal-worker: request duration_ms=0.210 host=acme.portal.example.net method=GET path=/ request_id=7f3a… status=200
///
/// Values come from requests (paths, hosts), so anything that is not a plain
/// token is quoted and control characters are escaped: a request cannot forge
/// a log line. swift-log's StreamLogHandler printed them raw, and its
/// formatting was 7 % of the worker's time under load.
public struct LineLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let fileDescriptor: Int32
    private let clock: @Sendable () -> Timestamp

    public init(label: String, level: Logger.Level, fileDescriptor: Int32 = STDERR_FILENO,
                clock: @escaping @Sendable () -> Timestamp = { SystemClock().now() }) {
        self.label = label
        self.logLevel = level
        self.fileDescriptor = fileDescriptor
        self.clock = clock
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let line = Self.format(event: event, label: label, at: clock(), handlerMetadata: metadata,
                               providerMetadata: metadataProvider?.get())
        Self.writeLine(line, to: fileDescriptor)
    }

    /// One `write(2)` for the whole line (retried only for what was not written).
    static func writeLine(_ line: [UInt8], to fileDescriptor: Int32) {
        line.withUnsafeBytes { writeAll($0, to: fileDescriptor) }
    }

    /// Writes all of `bytes`, retrying what was not written. A descriptor
    /// that is non-blocking (stderr shared with a parent) is waited for; on
    /// any other error the rest is dropped: a log line is not worth a failure.
    static func writeAll(_ bytes: UnsafeRawBufferPointer, to fileDescriptor: Int32) {
        var offset = 0
        while offset < bytes.count {
            let written = write(fileDescriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written > 0 {
                offset += written
            } else if written < 0 && errno == EINTR {
                continue
            } else if written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                var ready = pollfd(fd: fileDescriptor, events: Int16(POLLOUT), revents: 0)
                _ = poll(&ready, 1, 100)
            } else {
                return
            }
        }
    }

    /// At most this many bytes per value: request-supplied text cannot make
    /// one line long.
    static let maximumValueBytes = 1024
    /// At most this many bytes per line, newline included. A `write(2)` of up
    /// to PIPE_BUF bytes to a pipe is atomic; a longer one may be split and
    /// interleaved with another thread's line, which would let the tail of a
    /// value start a line of its own.
    static let maximumLineBytes = 4096

    /// The line's bytes, newline included. Keys are sorted, so lines diff well.
    static func format(event: LogEvent, label: String, at time: Timestamp, handlerMetadata: Logger.Metadata,
                       providerMetadata: Logger.Metadata?) -> [UInt8] {
        // A handful of fields: a small array, later sources replacing earlier
        // keys, beats merging dictionaries (a fifth of a request's log cost).
        var fields: [(key: String, value: Logger.MetadataValue)] = []
        fields.reserveCapacity(handlerMetadata.count + (providerMetadata?.count ?? 0) + (event.metadata?.count ?? 0) + 1)
        func add(_ key: String, _ value: Logger.MetadataValue) {
            // By index: a `firstIndex(where:)` closure copies every value it passes over.
            for index in fields.indices where fields[index].key == key {
                fields[index].value = value
                return
            }
            fields.append((key, value))
        }
        for (key, value) in handlerMetadata { add(key, value) }
        if let providerMetadata { for (key, value) in providerMetadata { add(key, value) } }
        if let explicit = event.metadata { for (key, value) in explicit { add(key, value) } }
        if let error = event.error { add("error", .string("\(error)")) }
        fields.sort { $0.key < $1.key }
        var line: [UInt8] = []
        line.reserveCapacity(256)
        appendPrefix(time: time, level: event.level, label: label, to: &line)
        appendValue(event.message.description, to: &line)
        for field in fields {
            line.append(UInt8(ascii: " "))
            appendValue(field.key, to: &line)
            line.append(UInt8(ascii: "="))
            if case .string(let text) = field.value {
                appendValue(text, to: &line)
            } else {
                appendValue(field.value.description, to: &line)
            }
        }
        finish(&line)
        return line
    }

    /// `2026-11-26T17:40:00.123Z info portal-worker: `
    static func appendPrefix(time: Timestamp, level: Logger.Level, label: String, to line: inout [UInt8]) {
        time.appendISO8601(to: &line)
        line.append(UInt8(ascii: " "))
        appendText(level.rawValue, to: &line)
        line.append(UInt8(ascii: " "))
        appendText(label, to: &line)
        appendLiteral(": ", to: &line)
    }

    // Copied from the text's own storage: appending a `String.UTF8View` takes
    // the generic sequence path, ~130 instructions a piece on every access line.
    static func appendText(_ text: String, to line: inout [UInt8]) {
        var text = text
        text.withUTF8 { line.append(contentsOf: $0) }
    }

    static func appendLiteral(_ text: StaticString, to line: inout [UInt8]) {
        text.withUTF8Buffer { line.append(contentsOf: $0) }
    }

    /// Cuts the line to `maximumLineBytes` and ends it.
    static func finish(_ line: inout [UInt8]) {
        if line.count > maximumLineBytes - 1 {
            // Cut at a character boundary and say so; escaping already made
            // every byte of the line printable, so the cut cannot open a line.
            let marker = Array(" …(line truncated)".utf8)
            var cut = maximumLineBytes - 1 - marker.count
            while cut > 0 && line[cut] & 0xC0 == 0x80 { cut -= 1 }
            line.removeSubrange(cut...)
            line.append(contentsOf: marker)
        }
        line.append(UInt8(ascii: "\n"))
    }

    /// Plain ASCII tokens as they are; anything else in quotes, with `"`, `\`,
    /// control characters and the Unicode line breaks (U+0085, U+2028,
    /// U+2029 — some log viewers split lines on them) escaped, cut to
    /// `maximumValueBytes` at a character boundary.
    static func appendValue(_ text: String, to line: inout [UInt8]) {
        var text = text
        let plain = text.withUTF8 { utf8 in
            guard !utf8.isEmpty, utf8.count <= maximumValueBytes,
                  !utf8.contains(where: { $0 <= 0x20 || $0 == 0x22 || $0 == 0x5C || $0 == 0x3D || $0 >= 0x7F })
            else { return false }
            line.append(contentsOf: utf8)
            return true
        }
        if plain { return }
        let bytes = Array(text.utf8)
        var end = bytes.count
        let truncated = end > maximumValueBytes
        if truncated {
            end = maximumValueBytes
            while end > 0 && bytes[end] & 0xC0 == 0x80 { end -= 1 }
        }
        line.append(UInt8(ascii: "\""))
        var index = 0
        while index < end {
            let byte = bytes[index]
            switch byte {
            case 0x22, 0x5C:
                line.append(UInt8(ascii: "\\"))
                line.append(byte)
            case 0x0A:
                line.append(contentsOf: "\\n".utf8)
            case 0..<0x20, 0x7F:
                line.append(contentsOf: "\\x".utf8)
                appendHex(byte, to: &line)
            case 0xC2 where index + 1 < end && (0x80...0x9F).contains(bytes[index + 1]):
                // C1 controls, U+0085 (next line) among them.
                line.append(contentsOf: "\\u00".utf8)
                appendHex(bytes[index + 1], to: &line)
                index += 1
            case 0xE2 where index + 2 < end && bytes[index + 1] == 0x80 && (bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9):
                line.append(contentsOf: (bytes[index + 2] == 0xA8 ? "\\u2028" : "\\u2029").utf8)
                index += 2
            default:
                line.append(byte)
            }
            index += 1
        }
        if truncated { line.append(contentsOf: "…".utf8) }
        line.append(UInt8(ascii: "\""))
    }

    private static func appendHex(_ byte: UInt8, to line: inout [UInt8]) {
        let digits: StaticString = "0123456789abcdef"
        digits.withUTF8Buffer { hex in
            line.append(hex[Int(byte >> 4)])
            line.append(hex[Int(byte & 0x0F)])
        }
    }
}
