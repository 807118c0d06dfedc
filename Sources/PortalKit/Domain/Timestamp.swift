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

    /// Whole UTC days since the epoch, rounded down (before 1970 too).
    var daysSinceEpoch: Int64 {
        let millis = millisecondsSinceEpoch
        return millis >= 0 ? millis / 86_400_000 : (millis - 86_399_999) / 86_400_000
    }

    /// Milliseconds since the start of the UTC day.
    var millisecondOfDay: Int64 { millisecondsSinceEpoch - daysSinceEpoch * 86_400_000 }

    /// Year, month (1–12) and day (1–31) in UTC.
    var civilDate: (year: Int64, month: Int64, day: Int64) {
        let days = daysSinceEpoch
        guard days >= 0, days < Self.fastCivilDateLimit else { return Self.civilDate(days: days) }
        let (year, month, day) = Self.fastCivilDate(days: UInt32(days))
        return (Int64(year), Int64(month), Int64(day))
    }

    /// Days from 1970-01-01 to 10000-01-01: the range of `fastCivilDate`
    /// used here (it holds further, but this is every four-digit year).
    static let fastCivilDateLimit: Int64 = 2_932_897

    /// Neri and Schneider's civil-from-days ("Euclidean affine functions and
    /// their application to calendar algorithms", 2022): 32-bit multiplies
    /// and shifts, no division by a variable. Lists write two timestamps a
    /// row; Hinnant's algorithm below, in signed 64-bit divisions, was about
    /// a third of each. Both are checked against each other on every day.
    @inline(__always)
    static func fastCivilDate(days: UInt32) -> (year: UInt32, month: UInt32, day: UInt32) {
        // Shifted to start on 1 March of year 0 (month 3), 82 eras back so the
        // value stays positive for dates before 1970 too.
        let shifted = days &+ 719_468 &+ 146_097 &* 82
        let n1 = 4 &* shifted &+ 3
        let century = n1 / 146_097
        let dayOfCentury = n1 % 146_097 / 4
        let n2 = UInt64(4 &* dayOfCentury &+ 3) &* 2_939_745
        let yearOfCentury = UInt32(truncatingIfNeeded: n2 >> 32)
        let dayOfYear = UInt32(truncatingIfNeeded: n2) / 2_939_745 / 4
        let n3 = 2_141 &* dayOfYear &+ 197_913
        let month = n3 >> 16
        let day = (n3 & 0xFFFF) / 2_141 + 1
        let january = dayOfYear >= 306 ? UInt32(1) : 0
        return (100 &* century &+ yearOfCentury &+ january &- 400 &* 82, january == 1 ? month &- 12 : month, day)
    }

    /// Howard Hinnant's civil_from_days, for any day.
    static func civilDate(days daysSinceEpoch: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let days = daysSinceEpoch + 719_468
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
        // Unsigned 32-bit arithmetic: each division by a constant is then a
        // multiply and a shift, without the sign corrections of Int64.
        let msOfDay = UInt32(truncatingIfNeeded: millisecondOfDay)
        let (year, month, day) = civilDate
        let fourDigitYear = UInt32(truncatingIfNeeded: (year % 10_000 + 10_000) % 10_000)
        var text = ASCIIWriter(out)
        text.twoDigits(fourDigitYear / 100); text.twoDigits(fourDigitYear % 100); text.ascii("-")
        text.twoDigits(UInt32(truncatingIfNeeded: month)); text.ascii("-")
        text.twoDigits(UInt32(truncatingIfNeeded: day)); text.ascii("T")
        let seconds = msOfDay / 1000
        let minutes = seconds / 60
        text.twoDigits(minutes / 60); text.ascii(":")
        text.twoDigits(minutes % 60); text.ascii(":")
        text.twoDigits(seconds % 60); text.ascii(".")
        let milliseconds = msOfDay % 1000
        text.digit(milliseconds / 100); text.twoDigits(milliseconds % 100)
        text.ascii("Z")
    }

    private static let monthNames: [StaticString] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `26 Nov 2026, 12:00 UTC` for pages.
    public var display: String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Self.displayMaximumLength) { buffer in
            String(decoding: UnsafeBufferPointer(start: buffer.baseAddress!, count: writeDisplay(to: buffer.baseAddress!)),
                   as: UTF8.self)
        }
    }

    /// The most bytes `writeDisplay` writes (a year of up to 20 characters).
    static let displayMaximumLength = 48

    /// Writes `display` at `out` and returns its length: digits, ASCII
    /// letters, spaces, `,`, `:` and a year's `-`, nothing HTML escapes.
    /// Built in place: a list page formats one per row, and building it from
    /// arrays and digit loops cost ~2 000 instructions each.
    func writeDisplay(to out: UnsafeMutablePointer<UInt8>) -> Int {
        let (year, month, day) = civilDate
        let minutes = millisecondOfDay / 60_000
        var text = ASCIIWriter(out)
        if day >= 10 { text.digit(day / 10) }
        text.digit(day % 10); text.ascii(" ")
        text.literal(Self.monthNames[Int(month) - 1]); text.ascii(" ")
        if (1000...9999).contains(year) {
            text.twoDigits(year / 100); text.twoDigits(year % 100)
        } else {
            for byte in String(year).utf8 { text.byte(byte) }
        }
        text.literal(", ")
        text.twoDigits(minutes / 60); text.ascii(":"); text.twoDigits(minutes % 60)
        text.literal(" UTC")
        return text.count
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

/// Writes ASCII text at a pointer the caller sized: the timestamp formats are
/// built in place, without arrays or strings.
private struct ASCIIWriter {
    private let out: UnsafeMutablePointer<UInt8>
    /// Bytes written so far.
    private(set) var count = 0

    init(_ out: UnsafeMutablePointer<UInt8>) { self.out = out }

    @inline(__always) mutating func byte(_ byte: UInt8) {
        out[count] = byte
        count += 1
    }

    @inline(__always) mutating func ascii(_ character: Unicode.Scalar) {
        byte(UInt8(ascii: character))
    }

    /// `value` is 0–9.
    @inline(__always) mutating func digit<Value: BinaryInteger>(_ value: Value) {
        byte(UInt8(truncatingIfNeeded: 48 + value))
    }

    /// `value` is 0–99, written with a leading zero.
    @inline(__always) mutating func twoDigits(_ value: Int64) {
        twoDigits(UInt32(truncatingIfNeeded: value))
    }

    @inline(__always) mutating func twoDigits(_ value: UInt32) {
        let tens = (value &* 205) >> 11  // value / 10 for 0–99 (and up to 178)
        digit(tens)
        digit(value &- tens &* 10)
    }

    @inline(__always) mutating func literal(_ text: StaticString) {
        text.withUTF8Buffer { for byte in $0 { self.byte(byte) } }
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
