/// A growable output buffer for the answer writers (JSON, templates), written
/// through a raw pointer.
///
/// `[UInt8].append` checks uniqueness and capacity and updates its header on
/// every call, about 20 instructions a byte and 90 a run; a list answer makes
/// hundreds of such calls (measured: the JSON writer's appends were a quarter
/// of a list request). Here an append is one capacity test and a copy.
/// Non-copyable, so no two writers can share (and corrupt) one buffer; the
/// memory is freed with it.
struct ByteWriter: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 64)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// The bytes written so far, copied out.
    var bytes: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        if count == capacity { grow(toHold: 1) }
        base[count] = byte
        count += 1
    }

    @inline(__always)
    mutating func append(_ run: UnsafeBufferPointer<UInt8>) {
        guard let source = run.baseAddress else { return }
        let length = run.count
        if capacity - count < length { grow(toHold: length) }
        (base + count).update(from: source, count: length)
        count += length
    }

    mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { append($0) }
    }

    mutating func append(contentsOf bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { append($0) }
    }

    mutating func append(utf8 text: String) {
        var text = text
        text.withUTF8 { append($0) }
    }

    /// Ends the writer and hands its buffer over as it is: an answer's body
    /// leaves without being copied out (a list page's copy was ~14 000
    /// instructions, bench/profile, issue #7).
    consuming func finish() -> WrittenBytes {
        let written = WrittenBytes(adopting: base, count: count, capacity: capacity)
        discard self
        return written
    }

    /// Lets `body` write at most `maximum` bytes in place; it returns how many it wrote.
    @inline(__always)
    mutating func write(atMost maximum: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Int) {
        if capacity - count < maximum { grow(toHold: maximum) }
        let written = body(base + count)
        precondition(written >= 0 && written <= maximum, "wrote outside the space it asked for")
        count += written
    }

    @inline(never)
    private mutating func grow(toHold extra: Int) {
        var newCapacity = capacity * 2
        while newCapacity - count < extra { newCapacity *= 2 }
        let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        larger.initialize(from: base, count: count)
        base.deallocate()
        base = larger
        capacity = newCapacity
    }
}

/// The bytes a `ByteWriter` wrote, owned here now: never changed, and freed
/// with the last reference.
final class WrittenBytes: @unchecked Sendable {
    // Unchecked: the memory is written only before `finish` hands it over.
    private let base: UnsafeMutablePointer<UInt8>
    let count: Int
    /// The memory held, written or not.
    let capacity: Int

    fileprivate init(adopting base: UnsafeMutablePointer<UInt8>, count: Int, capacity: Int) {
        self.base = base
        self.count = count
        self.capacity = capacity
    }

    deinit { base.deallocate() }

    func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try withExtendedLifetime(self) { try body(UnsafeRawBufferPointer(start: base, count: count)) }
    }
}
