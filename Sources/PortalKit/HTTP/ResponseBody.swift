import Foundation

/// The bytes of an answer's body: an array, or the buffer the JSON writer or
/// the page renderer filled, handed over without a copy. The transport reads
/// it in place (`ContiguousBytes`), so a page is written once and then sent.
public struct ResponseBody: Sendable, RandomAccessCollection, ContiguousBytes, ExpressibleByArrayLiteral, Equatable,
    CustomStringConvertible
{
    private enum Storage: Sendable {
        case array([UInt8])
        case written(WrittenBytes)
    }

    private let storage: Storage

    public init(_ bytes: [UInt8]) {
        storage = .array(bytes)
    }

    init(_ written: WrittenBytes) {
        storage = .written(written)
    }

    public init(arrayLiteral bytes: UInt8...) {
        self.init(bytes)
    }

    public var startIndex: Int { 0 }

    public var endIndex: Int {
        switch storage {
        case .array(let bytes): bytes.count
        case .written(let written): written.count
        }
    }

    public subscript(position: Int) -> UInt8 {
        precondition(indices.contains(position), "index out of range")
        return withUnsafeBytes { $0[position] }
    }

    public func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        switch storage {
        case .array(let bytes): try bytes.withUnsafeBytes(body)
        case .written(let written): try written.withUnsafeBytes(body)
        }
    }

    public func withContiguousStorageIfAvailable<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows
        -> Result?
    {
        try withUnsafeBytes { try body($0.assumingMemoryBound(to: UInt8.self)) }
    }

    public static func == (lhs: ResponseBody, rhs: ResponseBody) -> Bool {
        lhs.withUnsafeBytes { left in rhs.withUnsafeBytes { right in left.elementsEqual(right) } }
    }

    public var description: String { String(decoding: self, as: UTF8.self) }
}

extension ResponseBody {
    /// The memory the body holds: its buffer, written or not.
    public var retainedByteCount: Int {
        switch storage {
        case .array(let bytes): bytes.capacity
        case .written(let written): written.capacity
        }
    }
}
