/// The FastCGI records that carry an answer back to the web server: the CGI
/// head and body in `FCGI_STDOUT` records, the empty one that ends
/// the stream, and `FCGI_END_REQUEST`, built in one buffer so the answer
/// leaves in one system call.
///
/// libfcgi still accepts, reads the params and the body, and keeps or closes
/// the connection; only its output stream is bypassed. That stream writes
/// whenever its 8 KB buffer fills, so a 12 KB list answer took two `write`s
/// (and a copy into the buffer), and nginx woke up for each.
enum FastCGIRecords {
    /// The most content one record carries (its length field is 16 bits).
    static let maximumRecordContent = 65_535

    private enum RecordType: UInt8 {
        case endRequest = 3
        case stdout = 6
    }

    /// Appends the records of an answer whose CGI head is `head` and whose
    /// body is `body`, for the request `requestID`.
    static func appendAnswer(requestID: UInt16, head: [UInt8], body: [UInt8], to output: inout [UInt8]) {
        let total = head.count + body.count
        // The content, an 8-byte header per STDOUT record, and the closing 24
        // bytes (the empty STDOUT record and END_REQUEST).
        output.reserveCapacity(output.count + total + 8 * (total / maximumRecordContent + 1) + 24)
        var headSent = 0
        var bodySent = 0
        while headSent + bodySent < total {
            var room = min(total - headSent - bodySent, maximumRecordContent)
            appendHeader(.stdout, requestID: requestID, contentLength: room, to: &output)
            if headSent < head.count {
                let part = min(room, head.count - headSent)
                output.append(contentsOf: head[headSent..<headSent + part])
                headSent += part
                room -= part
            }
            if room > 0 {
                output.append(contentsOf: body[bodySent..<bodySent + room])
                bodySent += room
            }
        }
        appendHeader(.stdout, requestID: requestID, contentLength: 0, to: &output)
        appendHeader(.endRequest, requestID: requestID, contentLength: 8, to: &output)
        // Application status 0, FCGI_REQUEST_COMPLETE (0), three reserved bytes.
        output.append(contentsOf: repeatElement(0, count: 8))
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
