/// The FastCGI records that carry an answer back to the web server: the CGI
/// head and body in `FCGI_STDOUT` records, the empty one that ends
/// the stream, and `FCGI_END_REQUEST`, laid out so the answer leaves in one
/// system call (`sendmsg` with one piece per run of bytes).
///
/// libfcgi still accepts, reads the params and the body, and keeps or closes
/// the connection; only its output stream is bypassed. That stream writes
/// whenever its 8 KB buffer fills, so a 12 KB list answer took two `write`s
/// (and a copy into the buffer), and nginx woke up for each. The head and
/// body are not copied at all: the layout points into them, and only the
/// record headers are written.
enum FastCGIRecords {
    /// The most content one record carries (its length field is 16 bits).
    static let maximumRecordContent = 65_535

    /// Where a run of the answer's bytes is read from.
    enum Source: Equatable {
        /// The record headers and the closing records, written by `layOut`.
        case framing
        case head
        case body
    }

    /// One run of bytes of the answer, in sending order.
    struct Piece: Equatable {
        var source: Source
        var range: Range<Int>
    }

    private enum RecordType: UInt8 {
        case endRequest = 3
        case stdout = 6
    }

    /// Lays out the answer to request `requestID` whose CGI head has
    /// `headCount` bytes and whose body has `bodyCount`: appends the record
    /// headers and closing records to `framing`, and the runs to send, in
    /// order, to `pieces`.
    static func layOut(requestID: UInt16, headCount: Int, bodyCount: Int, framing: inout [UInt8], pieces: inout [Piece]) {
        let total = headCount + bodyCount
        var headSent = 0
        var bodySent = 0
        while headSent + bodySent < total {
            var room = min(total - headSent - bodySent, maximumRecordContent)
            appendFraming(to: &framing, pieces: &pieces) {
                appendHeader(.stdout, requestID: requestID, contentLength: room, to: &$0)
            }
            if headSent < headCount {
                let part = min(room, headCount - headSent)
                pieces.append(Piece(source: .head, range: headSent..<headSent + part))
                headSent += part
                room -= part
            }
            if room > 0 {
                pieces.append(Piece(source: .body, range: bodySent..<bodySent + room))
                bodySent += room
            }
        }
        appendFraming(to: &framing, pieces: &pieces) {
            appendHeader(.stdout, requestID: requestID, contentLength: 0, to: &$0)
            appendHeader(.endRequest, requestID: requestID, contentLength: 8, to: &$0)
            // Application status 0, FCGI_REQUEST_COMPLETE (0), three reserved bytes.
            $0.append(contentsOf: repeatElement(0, count: 8))
        }
    }

    /// Writes framing bytes with `write` and records them as a piece.
    private static func appendFraming(to framing: inout [UInt8], pieces: inout [Piece], _ write: (inout [UInt8]) -> Void) {
        let start = framing.count
        write(&framing)
        pieces.append(Piece(source: .framing, range: start..<framing.count))
    }

    private static func appendHeader(_ type: RecordType, requestID: UInt16, contentLength: Int, to output: inout [UInt8]) {
        // Version 1, type, request id and content length big-endian, no padding, reserved.
        output.append(1)
        output.append(type.rawValue)
        output.append(UInt8(requestID >> 8))
        output.append(UInt8(requestID & 0xFF))
        output.append(UInt8(contentLength >> 8))
        output.append(UInt8(contentLength & 0xFF))
        output.append(0)
        output.append(0)
    }
}
