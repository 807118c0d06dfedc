#if canImport(Glibc)
import Glibc
#endif
import Logging

/// What is recorded of every answered request: the access line.
public struct AccessLogEntry: Sendable, Equatable {
    public var method: String
    /// As the request sent it, without the query (sign-in links carry tokens
    /// there); at most 200 characters of it when the request could not be parsed.
    public var path: String
    /// Empty when the request could not be parsed.
    public var host: String
    public var status: Int
    public var durationMicroseconds: Int64
    public var requestID: String

    public init(method: String, path: String, host: String, status: Int, durationMicroseconds: Int64, requestID: String) {
        self.method = method
        self.path = path
        self.host = host
        self.status = status
        self.durationMicroseconds = durationMicroseconds
        self.requestID = requestID
    }

    /// `1234` µs → `"1.234"`: milliseconds with three decimals, no Double formatting.
    public var durationMilliseconds: String {
        var bytes: [UInt8] = []
        Self.appendMilliseconds(durationMicroseconds, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    static func appendMilliseconds(_ microseconds: Int64, to bytes: inout [UInt8]) {
        let microseconds = max(0, microseconds)
        bytes.append(contentsOf: String(microseconds / 1000).utf8)
        bytes.append(UInt8(ascii: "."))
        let fraction = microseconds % 1000
        bytes.append(UInt8(ascii: "0") + UInt8(fraction / 100))
        bytes.append(UInt8(ascii: "0") + UInt8(fraction / 10 % 10))
        bytes.append(UInt8(ascii: "0") + UInt8(fraction % 10))
    }
}

/// Where access lines go. One per request, so the worker's is written
/// straight to its log (`LineAccessLog`); `LoggerAccessLog` sends them through
/// any swift-log handler instead.
public protocol AccessLog: Sendable {
    func record(_ entry: AccessLogEntry)
}

/// The access line as an info event `request` on a swift-log logger.
public struct LoggerAccessLog: AccessLog {
    let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    public func record(_ entry: AccessLogEntry) {
        logger.info("request", metadata: [
            "request_id": .string(entry.requestID),
            "method": .string(entry.method),
            "path": .string(entry.path),
            "host": .string(entry.host),
            "status": .string(String(entry.status)),
            "duration_ms": .string(entry.durationMilliseconds),
        ])
    }
}

/// The line `LineLogHandler` would write for `LoggerAccessLog`'s event on a
/// logger without metadata of its own (the worker's has none), byte for
/// byte, written without the event: swift-log's metadata dictionary, its
/// merging and sorting cost ~24 k instructions a request — a fifth of a
/// settings read — where the fixed shape here costs a few thousand.
public struct LineAccessLog: AccessLog {
    let label: String
    let level: Logger.Level
    let fileDescriptor: Int32
    let clock: @Sendable () -> Timestamp
    /// Gathers the lines of up to `batchDelayMicroseconds` into one write;
    /// nil: a write per line.
    private let batches: Batches?

    /// Owns the writer for every copy of this log: the last copy to go closes
    /// it, so its thread never outlives the log.
    private final class Batches: Sendable {
        let writer: BatchedLineWriter
        init(_ writer: BatchedLineWriter) { self.writer = writer }
        deinit { writer.close() }
    }

    public init(label: String, level: Logger.Level, fileDescriptor: Int32 = STDERR_FILENO, batchDelayMicroseconds: UInt32 = 0,
                clock: @escaping @Sendable () -> Timestamp = { SystemClock().now() }) {
        self.label = label
        self.level = level
        self.fileDescriptor = fileDescriptor
        self.clock = clock
        batches = level <= .info && batchDelayMicroseconds > 0
            ? Batches(BatchedLineWriter(fileDescriptor: fileDescriptor, delayMicroseconds: batchDelayMicroseconds)) : nil
    }

    public func record(_ entry: AccessLogEntry) {
        guard level <= .info else { return }
        let line = format(entry, at: clock())
        if let batches { batches.writer.write(line) } else { LineLogHandler.writeLine(line, to: fileDescriptor) }
    }

    /// Writes the lines still gathering, and from now on every line at once.
    public func close() {
        batches?.writer.close()
    }

    /// The line's bytes, newline included; fields in key order, as `LineLogHandler` sorts them.
    func format(_ entry: AccessLogEntry, at time: Timestamp) -> [UInt8] {
        var line: [UInt8] = []
        line.reserveCapacity(256)
        LineLogHandler.appendPrefix(time: time, level: .info, label: label, to: &line)
        LineLogHandler.appendLiteral("request duration_ms=", to: &line)
        AccessLogEntry.appendMilliseconds(entry.durationMicroseconds, to: &line)
        LineLogHandler.appendLiteral(" host=", to: &line)
        LineLogHandler.appendValue(entry.host, to: &line)
        LineLogHandler.appendLiteral(" method=", to: &line)
        LineLogHandler.appendValue(entry.method, to: &line)
        LineLogHandler.appendLiteral(" path=", to: &line)
        LineLogHandler.appendValue(entry.path, to: &line)
        LineLogHandler.appendLiteral(" request_id=", to: &line)
        LineLogHandler.appendValue(entry.requestID, to: &line)
        LineLogHandler.appendLiteral(" status=", to: &line)
        LineLogHandler.appendText(String(entry.status), to: &line)
        LineLogHandler.finish(&line)
        return line
    }
}
