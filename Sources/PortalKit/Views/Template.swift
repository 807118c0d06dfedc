/// A small Mustache engine, compiled once at start-up and rendered straight
/// into bytes. It exists for speed: pages are rendered on the hot path, and a
/// general-purpose engine that builds strings by reflection cost a millisecond
/// per page. Every `{{value}}` is HTML-escaped; there is no unescaped form.
///
/// Supported: `{{name}}`, dotted names, `{{#section}}` (false, nil, empty
/// string and empty list hide it; a list repeats it; an object becomes the
/// context), `{{^inverted}}`, `{{!comment}}`, `{{>partial}}`, and template
/// inheritance: `{{<parent}}{{$block}}…{{/block}}{{/parent}}` with
/// `{{$block}}default{{/block}}` in the parent. Partials and blocks are
/// resolved when the library is loaded (see `TemplateProgram`).
public struct Template: Sendable {
    indirect enum Node: Sendable {
        case text([UInt8])
        case variable([String])
        case section([String], inverted: Bool, [Node])
        case partial(String)
        case parent(String, blocks: [String: [Node]])
        case block(String, [Node])
    }

    let nodes: [Node]

    public struct SyntaxError: Error, CustomStringConvertible {
        public let description: String
    }

    public init(parsing source: String) throws(SyntaxError) {
        var parser = TemplateParser(source: Array(source.utf8))
        nodes = try parser.parse()
    }
}

/// Compiles template text into nodes.
private struct TemplateParser {
    let source: [UInt8]
    var index = 0

    mutating func parse() throws(Template.SyntaxError) -> [Template.Node] {
        let (nodes, closing) = try parseNodes(until: nil)
        if let closing { throw Template.SyntaxError(description: "unexpected {{/\(closing)}}") }
        return nodes
    }

    /// Nodes up to `{{/name}}` (or the end when `name` is nil).
    private mutating func parseNodes(until name: String?) throws(Template.SyntaxError) -> ([Template.Node], String?) {
        var nodes: [Template.Node] = []
        var text: [UInt8] = []
        func flush() {
            if !text.isEmpty { nodes.append(.text(text)); text.removeAll() }
        }
        while index < source.count {
            if source[index] == UInt8(ascii: "{"), index + 1 < source.count, source[index + 1] == UInt8(ascii: "{") {
                guard let close = findClose(from: index + 2) else {
                    throw Template.SyntaxError(description: "unclosed tag at byte \(index)")
                }
                let tag = String(decoding: source[(index + 2)..<close], as: UTF8.self).trimmingCharacters(in: " ")
                index = close + 2
                guard let sigil = tag.first else { throw Template.SyntaxError(description: "empty tag") }
                let rest = String(tag.dropFirst()).trimmingCharacters(in: " ")
                switch sigil {
                case "!":
                    continue
                case "/":
                    flush()
                    guard rest == name else { throw Template.SyntaxError(description: "{{/\(rest)}} closes {{\(name ?? "nothing")}}") }
                    return (nodes, rest)
                case "#", "^":
                    flush()
                    let (children, _) = try parseNodes(until: rest)
                    nodes.append(.section(Self.path(rest), inverted: sigil == "^", children))
                case ">":
                    flush()
                    nodes.append(.partial(rest))
                case "$":
                    flush()
                    let (children, _) = try parseNodes(until: rest)
                    nodes.append(.block(rest, children))
                case "<":
                    flush()
                    let (children, _) = try parseNodes(until: rest)
                    var blocks: [String: [Template.Node]] = [:]
                    for child in children { if case .block(let blockName, let body) = child { blocks[blockName] = body } }
                    nodes.append(.parent(rest, blocks: blocks))
                case "{", "&":
                    throw Template.SyntaxError(description: "unescaped output ({{\(tag)}}) is not supported")
                default:
                    flush()
                    nodes.append(.variable(Self.path(tag)))
                }
            } else {
                text.append(source[index])
                index += 1
            }
        }
        flush()
        if let name { throw Template.SyntaxError(description: "{{#\(name)}} is never closed") }
        return (nodes, nil)
    }

    private func findClose(from start: Int) -> Int? {
        var position = start
        while position + 1 < source.count {
            if source[position] == UInt8(ascii: "}"), source[position + 1] == UInt8(ascii: "}") { return position }
            position += 1
        }
        return nil
    }

    private static func path(_ name: String) -> [String] {
        name == "." ? ["."] : name.split(separator: ".").map(String.init)
    }
}

/// A template context value. Portal pages build these directly; operator
/// pages write dictionaries of `Any` for convenience, converted once per
/// render, so rendering itself does no dynamic casts (a `TemplateValue`
/// inside such a dictionary is taken as it is).
enum TemplateValue {
    case string(String)
    case number(Int64)
    case bool(Bool)
    case list([TemplateValue])
    case object(TemplateObject)
    /// Rendered as `Timestamp.display`, written straight into the page: a
    /// list formats one per row, and a String of it was an allocation each.
    case timestamp(Timestamp)
    /// Rendered as `Timestamp.iso8601` (a `datetime` attribute), in place too.
    case isoTimestamp(Timestamp)
    /// A path and a string, written one after the other: a list row's link
    /// (`/issues/` and its reference) without a String made for it (~520
    /// instructions a row, most of them the allocation). The path is one of
    /// `TemplatePathPrefix`, not any `StaticString`: a wider case makes every
    /// value wider and every copy of one slower (+190 000 instructions a
    /// list page with a `StaticString`; +5 000 an issue page with a one-byte
    /// prefix, which is why that enum has a single case, and takes no room).
    case joined(TemplatePathPrefix, String)
    /// Rows that share their names: a section over it renders once per row.
    case table(TemplateTable)
    case none

    init(_ any: Any) {
        // The common types by identity first: a failed `as?` costs a search of
        // the conformance tables, and a chain of them was most of a page's
        // context conversion. A cast to the exact dynamic type is cheap.
        switch ObjectIdentifier(type(of: any)) {
        case ObjectIdentifier(String.self): self = .string(any as! String)
        case ObjectIdentifier(Bool.self): self = .bool(any as! Bool)
        case ObjectIdentifier([String: Any].self): self = .object(TemplateObject(any as! [String: Any]))
        case ObjectIdentifier([[String: Any]].self): self = .list((any as! [[String: Any]]).map { .object(TemplateObject($0)) })
        case ObjectIdentifier(TemplateValue.self): self = any as! TemplateValue
        case ObjectIdentifier(TemplateObject.self): self = .object(any as! TemplateObject)
        case ObjectIdentifier([TemplateValue].self): self = .list(any as! [TemplateValue])
        case ObjectIdentifier(Int.self): self = .number(Int64(any as! Int))
        default: self.init(casting: any)
        }
    }

    private init(casting any: Any) {
        switch any {
        case let string as String: self = .string(string)
        case let bool as Bool: self = .bool(bool)
        case let dictionary as [String: Any]: self = .object(TemplateObject(dictionary))
        case let list as [[String: Any]]: self = .list(list.map { .object(TemplateObject($0)) })
        case let value as TemplateValue: self = value
        case let object as TemplateObject: self = .object(object)
        case let list as [TemplateValue]: self = .list(list)
        case let list as [Any]: self = .list(list.map { TemplateValue($0) })
        case let number as Int: self = .number(Int64(number))
        case let number as Int64: self = .number(number)
        default: self = .none
        }
    }

    var isTruthy: Bool {
        switch self {
        case .none: return false
        case .bool(let bool): return bool
        case .string(let string): return !string.isEmpty
        case .list(let list): return !list.isEmpty
        case .table(let table): return table.rowCount > 0
        case .number, .object, .timestamp, .isoTimestamp, .joined: return true
        }
    }
}

/// The paths a `.joined` value starts with. One case, so it takes no room
/// in a `TemplateValue` (see `.joined` before adding a second).
enum TemplatePathPrefix: Sendable {
    case issues

    var text: StaticString {
        switch self {
        case .issues: "/issues/"
        }
    }
}

/// Rows with the same names, as one array of values: a list page's issues,
/// an issue's messages. A row of a `.list` is an object with an array of
/// its own, and a page of rows made and freed as many arrays (~300
/// instructions a row); a table's rows share one array and their names.
///
/// Rows are added whole (`appendRow`), so a cell cannot land in another
/// column. Inside a row, `{{.}}` names nothing: a row is not a value.
struct TemplateTable {
    let columns: [TemplateName]
    /// Row after row, each in the order of `columns`.
    private(set) var cells: [TemplateValue] = []

    init(columns: [TemplateName], rowCapacity: Int) {
        precondition(!columns.isEmpty, "a table has at least one column")
        self.columns = columns
        cells.reserveCapacity(columns.count * rowCapacity)
    }

    var rowCount: Int { cells.count / columns.count }

    /// Adds a row to a table of two columns.
    mutating func appendRow(_ first: TemplateValue, _ second: TemplateValue) {
        precondition(columns.count == 2, "a row of 2 cells in a table of \(columns.count) columns")
        cells.append(first)
        cells.append(second)
    }

    /// Adds a row to a table of five columns.
    mutating func appendRow(_ first: TemplateValue, _ second: TemplateValue, _ third: TemplateValue,
                            _ fourth: TemplateValue, _ fifth: TemplateValue) {
        precondition(columns.count == 5, "a row of 5 cells in a table of \(columns.count) columns")
        cells.append(first)
        cells.append(second)
        cells.append(third)
        cells.append(fourth)
        cells.append(fifth)
    }

    /// The value of `name` in row `row`, for code (templates read tables in place).
    subscript(row row: Int, _ name: TemplateName) -> TemplateValue? {
        guard row >= 0, row < rowCount, let column = columns.firstIndex(of: name) else { return nil }
        return cells[row * columns.count + column]
    }
}

/// The names and values of a context object. A page's objects hold a handful
/// of short names, so a linear search of word comparisons (`TemplateName`)
/// beats hashing each name for a dictionary (measured: hashing was a tenth of
/// a page's cost).
struct TemplateObject {
    /// Names and values; unlabeled, so a literal's elements are taken as they are.
    private var fields: [(TemplateName, TemplateValue)]

    init(_ fields: [(TemplateName, TemplateValue)]) {
        self.fields = fields
    }

    init(_ dictionary: [String: Any]) {
        fields = []
        fields.reserveCapacity(dictionary.count)
        for (name, value) in dictionary { fields.append((TemplateName(name), TemplateValue(value))) }
    }

    /// An empty object with room for `count` names.
    init(capacity count: Int) {
        fields = []
        fields.reserveCapacity(count)
    }

    /// Where the value of `name` is in this object's storage. The address
    /// outlives the closure it was taken in: an array's elements stay where
    /// they are while the array is alive and unchanged, and a render holds
    /// its whole context unchanged until it ends (see `TemplateRenderer`).
    @inline(__always)
    func location(of name: TemplateName) -> UnsafePointer<TemplateValue>? {
        fields.withUnsafeBufferPointer { fields in
            for index in fields.indices where fields[index].0 == name {
                return UnsafeRawPointer(fields.baseAddress! + index).advanced(by: Self.valueOffset)
                    .assumingMemoryBound(to: TemplateValue.self)
            }
            return nil
        }
    }

    /// Where a field's value starts in its (name, value) pair: after the
    /// name, at the value's alignment. A test checks it against the layout.
    static var valueOffset: Int {
        let alignment = MemoryLayout<TemplateValue>.alignment
        return (MemoryLayout<TemplateName>.size + alignment - 1) / alignment * alignment
    }

    subscript(name: TemplateName) -> TemplateValue? {
        get {
            // Fields are read in place: a for-in copied (and reference-counted) each.
            fields.withUnsafeBufferPointer { fields in
                for index in fields.indices where fields[index].0 == name { return fields[index].1 }
                return nil
            }
        }
        set {
            let existing = fields.firstIndex { $0.0 == name }
            switch (existing, newValue) {
            case (let index?, let value?): fields[index].1 = value
            case (let index?, nil): fields.remove(at: index)
            case (nil, let value?): fields.append((name, value))
            case (nil, nil): break
            }
        }
    }
}

/// Hot-path view models are written as literals of these, no `Any` involved:
/// `let row: TemplateObject = ["ref": .string(ref), "hasTasks": true]`.
extension TemplateObject: ExpressibleByDictionaryLiteral {
    init(dictionaryLiteral elements: (TemplateName, TemplateValue)...) {
        assert(Set(elements.map(\.0)).count == elements.count, "a name appears twice in a template object literal")
        self.init(elements)
    }
}

extension TemplateValue: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral {
    init(stringLiteral value: String) { self = .string(value) }
    init(booleanLiteral value: Bool) { self = .bool(value) }
    init(arrayLiteral elements: TemplateValue...) { self = .list(elements) }
}

/// A template library compiled for rendering: each template's nodes, with
/// its partials inlined and its blocks resolved, as one flat array of plain
/// values. Rendering then walks indices: no reference counting per node, no
/// template looked up by name, no block dictionaries merged per page
/// (measured: a page's node walk was a sixth of its instructions).
struct TemplateProgram: Sendable {
    enum Kind: UInt8, Sendable {
        /// `first`/`second`: offset and length in `text`.
        case text
        /// `first`: the path.
        case variable
        /// `first`: the path; `second`: the index after the section's last op.
        case section
        case invertedSection
    }

    struct Op: Sendable {
        var kind: Kind
        var first: Int32
        var second: Int32
    }

    /// A dotted name as a run of `names`; no names is `.`, the current context.
    struct Path: Sendable {
        var start: Int32
        var count: Int32
    }

    private(set) var ops: [Op] = []
    private(set) var text: [UInt8] = []
    private(set) var paths: [Path] = []
    private(set) var names: [TemplateName] = []
    /// Each template's ops.
    private(set) var entries: [String: Range<Int>] = [:]

    /// Partials nested deeper than this are left out (a partial that
    /// includes itself would otherwise never end).
    static let maximumDepth = 16

    init(_ templates: [String: Template]) {
        for (name, template) in templates {
            let start = ops.count
            compile(template.nodes, blocks: [:], templates: templates, depth: 0)
            entries[name] = start..<ops.count
        }
    }

    private mutating func compile(_ nodes: [Template.Node], blocks: [String: [Template.Node]],
                                  templates: [String: Template], depth: Int) {
        for node in nodes {
            switch node {
            case .text(let bytes):
                ops.append(Op(kind: .text, first: Int32(text.count), second: Int32(bytes.count)))
                text.append(contentsOf: bytes)
            case .variable(let path):
                ops.append(Op(kind: .variable, first: intern(path), second: 0))
            case .section(let path, let inverted, let children):
                let index = ops.count
                ops.append(Op(kind: inverted ? .invertedSection : .section, first: intern(path), second: 0))
                compile(children, blocks: blocks, templates: templates, depth: depth)
                ops[index].second = Int32(ops.count)
            case .partial(let name):
                guard depth < Self.maximumDepth, let template = templates[name] else { continue }
                compile(template.nodes, blocks: blocks, templates: templates, depth: depth + 1)
            case .parent(let name, let overrides):
                guard depth < Self.maximumDepth, let template = templates[name] else { continue }
                // The outermost definition of a block wins (a child overrides its parent).
                compile(template.nodes, blocks: overrides.merging(blocks) { _, outer in outer }, templates: templates,
                        depth: depth + 1)
            case .block(let name, let defaults):
                compile(blocks[name] ?? defaults, blocks: blocks, templates: templates, depth: depth)
            }
        }
    }

    private mutating func intern(_ path: [String]) -> Int32 {
        let parts = path == ["."] ? [] : path
        paths.append(Path(start: Int32(names.count), count: Int32(parts.count)))
        names.append(contentsOf: parts.map { TemplateName($0) })
        return Int32(paths.count - 1)
    }
}

/// Renders templates of a compiled library into bytes.
///
/// Values are read where they are in the context, never copied: a copy of a
/// value was a retain and a release for every name printed. The context is a
/// tree of values and arrays that nothing changes or releases while a page
/// renders (`render` holds it), so an element's address in its array's
/// storage stays valid for the whole render, and the context stack holds
/// those addresses.
struct TemplateRenderer: ~Copyable {
    let program: TemplateProgram
    private var output = ByteWriter(capacity: 16 * 1024)
    /// The context stack, innermost last.
    private var stack: [Frame] = []

    /// A value of the context, or a row of a table: its cells, named by the table's columns.
    private struct Frame {
        let value: UnsafePointer<TemplateValue>
        /// The row's names; none for a value.
        let names: UnsafeBufferPointer<TemplateName>

        var isRow: Bool { names.baseAddress != nil }

        init(_ value: UnsafePointer<TemplateValue>) {
            self.value = value
            names = UnsafeBufferPointer(start: nil, count: 0)
        }

        init(row cells: UnsafePointer<TemplateValue>, names: UnsafeBufferPointer<TemplateName>) {
            value = cells
            self.names = names
        }

        /// Where `name` is in this frame.
        @inline(__always)
        func location(of name: TemplateName) -> UnsafePointer<TemplateValue>? {
            guard isRow else {
                guard case .object(let object) = value.pointee else { return nil }
                return object.location(of: name)
            }
            for column in names.indices where names[column] == name { return value + column }
            return nil
        }
    }

    init(program: TemplateProgram) {
        self.program = program
        stack.reserveCapacity(16)  // deeper than any page nests
    }

    /// Ends the renderer and hands its page over, uncopied.
    consuming func finish() -> WrittenBytes { output.finish() }

    mutating func render(_ name: String, context: TemplateObject) {
        guard let range = program.entries[name] else { return }
        // A local copy (a few reference counts) so the buffers can be borrowed while `self` writes.
        let program = program
        let root = TemplateValue.object(context)
        withUnsafePointer(to: root) { root in
            stack.removeAll(keepingCapacity: true)
            stack.append(Frame(root))
            program.ops.withUnsafeBufferPointer { ops in
                program.text.withUnsafeBufferPointer { text in
                    program.paths.withUnsafeBufferPointer { paths in
                        program.names.withUnsafeBufferPointer { names in
                            run(range.lowerBound, range.upperBound, Code(ops: ops, text: text, paths: paths, names: names))
                        }
                    }
                }
            }
            stack.removeAll(keepingCapacity: true)
        }
    }

    /// The program's arrays, borrowed for one render.
    private struct Code {
        let ops: UnsafeBufferPointer<TemplateProgram.Op>
        let text: UnsafeBufferPointer<UInt8>
        let paths: UnsafeBufferPointer<TemplateProgram.Path>
        let names: UnsafeBufferPointer<TemplateName>
    }

    private mutating func run(_ start: Int, _ end: Int, _ code: Code) {
        var index = start
        while index < end {
            let op = code.ops[index]
            switch op.kind {
            case .text:
                output.append(UnsafeBufferPointer(rebasing: code.text[Int(op.first)..<Int(op.first + op.second)]))
                index += 1
            case .variable:
                if let value = lookup(code.paths[Int(op.first)], code) { appendEscaped(value) }
                index += 1
            case .invertedSection:
                if !(lookup(code.paths[Int(op.first)], code)?.pointee.isTruthy ?? false) { run(index + 1, Int(op.second), code) }
                index = Int(op.second)
            case .section:
                if let value = lookup(code.paths[Int(op.first)], code), value.pointee.isTruthy {
                    switch value.pointee {
                    case .list(let list):
                        list.withUnsafeBufferPointer { elements in
                            for element in elements.indices {
                                stack.append(Frame(elements.baseAddress! + element))
                                run(index + 1, Int(op.second), code)
                                stack.removeLast()
                            }
                        }
                    case .table(let table):
                        table.columns.withUnsafeBufferPointer { names in
                            table.cells.withUnsafeBufferPointer { cells in
                                for row in 0..<table.rowCount {
                                    stack.append(Frame(row: cells.baseAddress! + row * names.count, names: names))
                                    run(index + 1, Int(op.second), code)
                                    stack.removeLast()
                                }
                            }
                        }
                    case .bool:
                        run(index + 1, Int(op.second), code)
                    default:
                        stack.append(Frame(value))
                        run(index + 1, Int(op.second), code)
                        stack.removeLast()
                    }
                }
                index = Int(op.second)
            }
        }
    }

    /// Where the value `path` names is: the innermost object of the stack
    /// that has the path's first name, then each further name in the value
    /// found. Nil when there is none.
    private func lookup(_ path: TemplateProgram.Path, _ code: Code) -> UnsafePointer<TemplateValue>? {
        if path.count == 0 { return stack.last.flatMap { $0.isRow ? nil : $0.value } }
        let first = code.names[Int(path.start)]
        var found: UnsafePointer<TemplateValue>?
        stack.withUnsafeBufferPointer { stack in
            var index = stack.count - 1
            while index >= 0 {
                if let location = stack[index].location(of: first) {
                    found = location
                    return
                }
                index -= 1
            }
        }
        // Most names have one part; only dotted ones walk further.
        var part = 1
        while part < Int(path.count), let value = found {
            guard case .object(let object) = value.pointee else { return nil }
            found = object.location(of: code.names[Int(path.start) + part])
            part += 1
        }
        return found
    }

    private mutating func appendEscaped(_ value: UnsafePointer<TemplateValue>) {
        switch value.pointee {
        case .string(let string):
            appendEscaped(string)
        case .joined(let prefix, let string):
            prefix.text.withUTF8Buffer { appendEscaped($0) }
            appendEscaped(string)
        case .number(let number):
            output.append(utf8: String(number))
        case .bool(let bool):
            output.append(bool ? "true" : "false")
        case .timestamp(let timestamp):
            // Nothing to escape in it (see `writeDisplay`).
            output.write(atMost: Timestamp.displayMaximumLength) { timestamp.writeDisplay(to: $0) }
        case .isoTimestamp(let timestamp):
            // Digits, `-`, `:`, `.`, `T` and `Z`: nothing to escape either.
            output.write(atMost: Timestamp.iso8601Length) { out in
                timestamp.writeISO8601(to: out)
                return Timestamp.iso8601Length
            }
        case .list, .object, .table, .none:
            break
        }
    }

    /// A string's bytes where they are (every native string has them in one piece).
    @inline(__always)
    private mutating func appendEscaped(_ string: String) {
        if string.utf8.withContiguousStorageIfAvailable({ appendEscaped($0) }) == nil {
            var string = string
            string.withUTF8 { appendEscaped($0) }
        }
    }

    @inline(__always)
    private mutating func appendEscaped(_ utf8: UnsafeBufferPointer<UInt8>) {
        // `&` `<` `>` `"` `'`: enough for text and for quoted attribute values.
        EscapeScan.runs(utf8, .html,
                        plain: { output.append($0) },
                        special: { byte in
                            switch byte {
                            case 0x26: output.append("&amp;")
                            case 0x3C: output.append("&lt;")
                            case 0x3E: output.append("&gt;")
                            case 0x22: output.append("&quot;")
                            default: output.append("&#39;")
                            }
                        })
    }
}
