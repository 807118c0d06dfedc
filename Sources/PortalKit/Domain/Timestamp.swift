/// A point in time with millisecond precision, stored as milliseconds since the
/// Unix epoch and written as ISO-8601 UTC (`2026-11-26T12:00:00.000Z`).
public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let millisecondsSinceEpoch: Int64

    public init(millisecondsSinceEpoch: Int64) { self.millisecondsSinceEpoch = millisecondsSinceEpoch }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.millisecondsSinceEpoch < rhs.millisecondsSinceEpoch }

    public func adding(seconds: Int64) -> Timestamp {
        Timestamp(millisecondsSinceEpoch: millisecondsSinceEpoch + seconds * 1000)
    }

    public func adding(milliseconds: Int64) -> Timestamp {
        Timestamp(millisecondsSinceEpoch: millisecondsSinceEpoch + milliseconds)
    }

    public var description: String { iso8601 }

    /// `YYYY-MM-DDTHH:MM:SS.mmmZ`, written without Foundation's formatters (hot path).
    public var iso8601: String {
        var bytes = [UInt8]()
        bytes.reserveCapacity(24)
        appendISO8601(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Year, month (1–12) and day (1–31) in UTC (Howard Hinnant's civil_from_days).
    var civilDate: (year: Int64, month: Int64, day: Int64) {
        let millis = millisecondsSinceEpoch
        var days = millis >= 0 ? millis / 86_400_000 : (millis - 86_399_999) / 86_400_000
        days += 719_468
        let era = (days >= 0 ? days : days - 146_096) / 146_097
        let dayOfEra = days - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        var year = yearOfEra + era * 400
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        if month <= 2 { year += 1 }
        return (year, month, day)
    }

    /// The length of `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    public static let iso8601Length = 24

    public func appendISO8601(to bytes: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Self.iso8601Length) { scratch in
            writeISO8601(to: scratch.baseAddress!)
            bytes.append(contentsOf: scratch)
        }
    }

    /// Writes exactly `iso8601Length` bytes at `out`.
    func writeISO8601(to out: UnsafeMutablePointer<UInt8>) {
        let millis = millisecondsSinceEpoch
        let msOfDay = millis - (millis >= 0 ? millis / 86_400_000 : (millis - 86_399_999) / 86_400_000) * 86_400_000
        let (year, month, day) = civilDate
        var position = 0
        @inline(__always) func one(_ byte: UInt8) {
            out[position] = byte
            position += 1
        }
        @inline(__always) func two(_ value: Int64) {
            one(UInt8(truncatingIfNeeded: 48 + value / 10))
            one(UInt8(truncatingIfNeeded: 48 + value % 10))
        }
        two(year / 100 % 100); two(year % 100); one(UInt8(ascii: "-"))
        two(month); one(UInt8(ascii: "-"))
        two(day); one(UInt8(ascii: "T"))
        two(msOfDay / 3_600_000); one(UInt8(ascii: ":"))
        two(msOfDay / 60_000 % 60); one(UInt8(ascii: ":"))
        two(msOfDay / 1000 % 60); one(UInt8(ascii: "."))
        one(UInt8(truncatingIfNeeded: 48 + msOfDay % 1000 / 100)); two(msOfDay % 100)
        one(UInt8(ascii: "Z"))
    }

    /// A UTC calendar time (Howard Hinnant's days_from_civil).
    public static func utc(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) -> Timestamp {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let monthIndex = Int64(month > 2 ? month - 3 : month + 9)
        let dayOfYear = (153 * monthIndex + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        let seconds = days * 86_400 + Int64(hour) * 3600 + Int64(minute) * 60 + Int64(second)
        return Timestamp(millisecondsSinceEpoch: seconds * 1000)
    }

    /// Parses `YYYY-MM-DD` as midnight UTC; nil when it is not a real date.
    public static func date(_ text: String) -> (year: Int, month: Int, day: Int)? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              (1...12).contains(month), day >= 1 else { return nil }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let monthLengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard day <= monthLengths[month - 1] else { return nil }
        return (year, month, day)
    }
}

/// Where "now" comes from; injected so expiry and rate limits are testable.
public protocol Clock: Sendable {
    func now() -> Timestamp
}

/// The real wall clock.
public struct SystemClock: Clock {
    public init() {}
    public func now() -> Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(millisecondsSinceEpoch: Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
