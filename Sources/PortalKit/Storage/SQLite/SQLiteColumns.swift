import GRDB

/// Reading a result row by column position, the same way for a row of the raw
/// read connections (`SQLiteRow`) and one of GRDB (`Row`, in write
/// transactions), so each table has a single decoder.
protocol SQLiteColumns {
    func int64(_ column: Int32) -> Int64
    func isNull(_ column: Int32) -> Bool
    func text(_ column: Int32) -> String
}

extension SQLiteColumns {
    func int(_ column: Int32) -> Int { Int(int64(column)) }
    func optionalInt64(_ column: Int32) -> Int64? { isNull(column) ? nil : int64(column) }
    func optionalText(_ column: Int32) -> String? { isNull(column) ? nil : text(column) }
    func timestamp(_ column: Int32) -> Timestamp { Timestamp(millisecondsSinceEpoch: int64(column)) }
    func optionalTimestamp(_ column: Int32) -> Timestamp? { optionalInt64(column).map(Timestamp.init(millisecondsSinceEpoch:)) }
}

extension SQLiteRow: SQLiteColumns {}

extension Row: SQLiteColumns {
    func int64(_ column: Int32) -> Int64 { self[Int(column)] }
    func isNull(_ column: Int32) -> Bool { hasNull(atIndex: Int(column)) }
    func text(_ column: Int32) -> String { self[Int(column)] }
}
