import CKySkip

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A pull reader for JSON that streams through one small reused buffer.
///
/// Callers walk the document with `beginObject`/`nextKey`, `beginArray`/`nextElement` and the
/// scalar readers, and `skipValue()` whatever they do not need. Skipped values are validated
/// (structure, escapes, UTF-8) but never materialised, so memory stays at the buffer size whatever
/// the document's size; with `checksSkippedContainers` off, skipped objects and arrays are only
/// matched by their strings and brackets. Every failure is a `JSONSyntaxError` with line and column.
public final class JSONReader {
    /// Deepest nesting accepted; real ComfyUI documents stay far below it.
    public static let maximumDepth = 512
    /// Longest number literal accepted where a number is read (skipped numbers are not limited).
    static let maximumNumberLength = 4096

    /// The file path, URL or `-` that errors name.
    public let documentName: String

    private var source: any ByteSource
    private var storage: UnsafeMutableRawBufferPointer
    private(set) var bytes: UnsafeMutablePointer<UInt8>
    var position = 0
    var end = 0
    private(set) var atEndOfInput = false
    /// Absolute offset of `bytes[0]` in the document.
    private var bufferOffset = 0
    private var newlinesBeforeBuffer = 0
    private var lastNewlineBeforeBuffer = -1
    /// One entry per open container: whether it is an object, and whether it has members yet.
    /// One byte per open container: bit 0 set for an object, bit 1 set once it has a member.
    /// A raw buffer rather than an array keeps the hot path free of exclusivity checks.
    let containers: UnsafeMutablePointer<UInt8>
    var depthCount = 0
    private var scratch: [UInt8] = []
    /// False skips objects and arrays by their strings and brackets alone, without checking
    /// their grammar (`replay --fast-skip`); what is read is always checked.
    public var checksSkippedContainers = true
    /// The implementation that finds unchecked containers' ends (tests pin each one).
    var uncheckedSkipLevel = KY_SKIP_LEVEL_BEST
    /// Largest container skipped unchecked: the buffer grows to hold it whole. Larger ones are
    /// skipped the checked way, which streams.
    var uncheckedWindowLimit = 16 << 20

    /// Creates a reader; `bufferSize` bounds the memory used for input. The default, 64 KiB, keeps
    /// the buffer in a core's cache while it is filled and scanned; larger ones were slower.
    public init(source: any ByteSource, documentName: String, bufferSize: Int = 64 << 10) {
        self.source = source
        self.documentName = documentName
        self.storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bufferSize, 16), alignment: 8)
        self.bytes = storage.bindMemory(to: UInt8.self).baseAddress.unsafelyUnwrapped
        self.containers = UnsafeMutablePointer<UInt8>.allocate(capacity: Self.maximumDepth)
        scratch.reserveCapacity(256)
    }

    /// Convenience for documents already in memory.
    public convenience init(bytes: [UInt8], documentName: String) {
        self.init(source: MemoryByteSource(bytes), documentName: documentName, bufferSize: max(16, min(bytes.count, 1 << 20)))
    }

    deinit {
        storage.deallocate()
        containers.deallocate()
    }

    /// How deep the reader is in containers (0 at the top level).
    public var depth: Int { depthCount }

    /// Bytes consumed so far.
    public var bytesConsumed: Int { bufferOffset + position }

    // MARK: - Containers

    /// Consumes `{`; `context` names what is being read, for the error message.
    public func beginObject(_ context: @autoclosure () -> String = "") throws {
        try expectValue(.object, context())
        position += 1
        try push(isObject: true)
    }

    /// Returns the next member's key, or nil after consuming the closing `}`.
    public func nextKey(maximumBytes: Int = 1 << 16) throws -> String? {
        guard try advanceToMember(isObject: true) else { return nil }
        let key = try readString(maximumBytes: maximumBytes)
        try expectColon()
        return key
    }

    /// Like `nextKey` but compares the key to `candidates` without building strings for others.
    /// Returns the index of the matching candidate, `-1` for any other key, or nil at the end.
    public func nextKey(matching candidates: [StaticString]) throws -> Int? {
        guard try advanceToMember(isObject: true) else { return nil }
        try readStringIntoScratch(maximumBytes: 256)
        try expectColon()
        for (index, candidate) in candidates.enumerated() where candidate.utf8CodeUnitCount == scratch.count {
            if scratch.elementsEqual(UnsafeBufferPointer(start: candidate.utf8Start, count: candidate.utf8CodeUnitCount)) {
                return index
            }
        }
        return -1
    }

    /// Consumes `[`.
    public func beginArray(_ context: @autoclosure () -> String = "") throws {
        try expectValue(.array, context())
        position += 1
        try push(isObject: false)
    }

    /// True when another element follows; false after consuming the closing `]`.
    public func nextElement() throws -> Bool {
        try advanceToMember(isObject: false)
    }

    /// Checks that nothing but white space follows the top-level value.
    public func finish() throws {
        try skipWhitespace()
        if try (position < end || refill()) {
            throw syntaxError("expected end of input after the top-level value, found \(describeByte(bytes[position]))")
        }
    }

    // MARK: - Scalars

    /// The kind of the next value, without consuming it.
    public func peekKind() throws -> JSONKind {
        try skipWhitespace()
        guard try (position < end || refill()) else {
            throw syntaxError("unexpected end of input; expected a value")
        }
        switch bytes[position] {
        case UInt8(ascii: "{"): return .object
        case UInt8(ascii: "["): return .array
        case UInt8(ascii: "\""): return .string
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .bool
        case UInt8(ascii: "n"): return .null
        case 0xEF where bufferOffset + position == 0:
            throw syntaxError("unexpected byte order mark; expected a value")
        case UInt8(ascii: "<") where depthCount == 0:
            throw syntaxError("expected a value, found '<' (an HTML or XML page, not JSON)")
        default:
            throw syntaxError("expected a value, found \(describeByte(bytes[position]))")
        }
    }

    /// Reads a string; content past `maximumBytes` is validated and dropped (cut at a character boundary).
    public func readString(_ context: @autoclosure () -> String = "", maximumBytes: Int = 1 << 20) throws -> String {
        try expectValue(.string, context())
        try readStringIntoScratch(maximumBytes: maximumBytes)
        return String(decoding: scratch, as: UTF8.self)
    }

    /// Reads a number as a Double; integers up to 2^53 are exact.
    public func readNumber(_ context: @autoclosure () -> String = "") throws -> Double {
        try expectValue(.number, context())
        let start = bytesConsumed
        try scanNumber(keep: true)
        guard let value = Double(String(decoding: scratch, as: UTF8.self)), value.isFinite else {
            throw syntaxError("number out of range\(suffix(context())); expected one within ±1.8e308", at: start)
        }
        return value
    }

    /// Reads `true` or `false`.
    public func readBool(_ context: @autoclosure () -> String = "") throws -> Bool {
        try expectValue(.bool, context())
        if bytes[position] == UInt8(ascii: "t") {
            try expectLiteral("true")
            return true
        }
        try expectLiteral("false")
        return false
    }

    /// Consumes `null`.
    public func readNull() throws {
        try expectValue(.null, "")
        try expectLiteral("null")
    }

    /// Skips the next value of any kind, validating it (containers through the fast skipper).
    public func skipValue() throws {
        switch try peekKind() {
        case .object, .array: try skipContainer()
        case .string:
            position += 1
            try scanStringBody(keep: false, maximumBytes: 0)
        case .number: try scanNumber(keep: false)
        case .bool: try expectLiteral(bytes[position] == UInt8(ascii: "t") ? "true" : "false")
        case .null: try expectLiteral("null")
        }
    }

    // MARK: - Errors

    /// An error at the current position saying what was expected and what is there.
    public func typeError(expected: String) -> JSONSyntaxError {
        let found = (try? peekKind()).map(\.description) ?? "the end of input"
        return syntaxError("expected \(expected), found \(found)")
    }

    /// An error at the current position with a free-form message.
    public func syntaxError(_ message: String) -> JSONSyntaxError {
        let (line, column) = location()
        return JSONSyntaxError(document: documentName, line: line, column: column, message: message)
    }

    /// An error for a token that began at `offset` on the current line (tokens hold no newlines).
    func syntaxError(_ message: String, at offset: Int) -> JSONSyntaxError {
        var error = syntaxError(message)
        error.column = max(1, error.column - (bytesConsumed - offset))
        return error
    }

    /// 1-based line and byte column of the next unread byte.
    public func location() -> (line: Int, column: Int) {
        var line = newlinesBeforeBuffer + 1
        var lastNewline = lastNewlineBeforeBuffer
        var index = 0
        while index < position {
            if bytes[index] == 0x0A {
                line += 1
                lastNewline = bufferOffset + index
            }
            index += 1
        }
        return (line, bufferOffset + position - lastNewline)
    }

    // MARK: - Private: buffer

    /// Makes more bytes available; false at end of input.
    func refill() throws -> Bool {
        if atEndOfInput { return false }
        countNewlines(upTo: end)
        bufferOffset += end
        position = 0
        end = 0
        let count = try source.read(into: storage)
        if count == 0 { atEndOfInput = true }
        end = count
        return count > 0
    }

    /// Bytes the buffer holds at most.
    var capacity: Int { storage.count }

    /// Moves the unread bytes to the front, grows the buffer to `wanted` bytes if it is smaller,
    /// and reads until the buffer is full or the input ends. Returns how many bytes it added.
    @discardableResult
    func compactAndFill(capacity wanted: Int) throws -> Int {
        countNewlines(upTo: position)
        bufferOffset += position
        let unread = end - position
        if wanted > storage.count {
            let larger = UnsafeMutableRawBufferPointer.allocate(byteCount: wanted, alignment: 8)
            larger.baseAddress.unsafelyUnwrapped.copyMemory(from: bytes + position, byteCount: unread)
            storage.deallocate()
            storage = larger
            bytes = larger.bindMemory(to: UInt8.self).baseAddress.unsafelyUnwrapped
        } else if position > 0 {
            memmove(bytes, bytes + position, unread)
        }
        position = 0
        end = unread
        var added = 0
        while end < storage.count, !atEndOfInput {
            let count = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: storage[end...]))
            if count == 0 { atEndOfInput = true }
            end += count
            added += count
        }
        return added
    }

    private func countNewlines(upTo limit: Int) {
        var cursor = 0
        while cursor < limit {
            guard let found = memchr(bytes + cursor, 0x0A, limit - cursor) else { return }
            let index = bytes.distance(to: found.assumingMemoryBound(to: UInt8.self))
            newlinesBeforeBuffer += 1
            lastNewlineBeforeBuffer = bufferOffset + index
            cursor = index + 1
        }
    }

    @inline(__always)
    private func nextByte() throws -> UInt8? {
        if position == end, !(try refill()) { return nil }
        let byte = bytes[position]
        position += 1
        return byte
    }

    /// Skips white space; the common case (none) costs one comparison.
    @inline(__always)
    private func skipWhitespace() throws {
        if position < end, bytes[position] > 0x20 { return }
        // ComfyUI separates with ", " and ": ": one space, then the next token.
        if position + 1 < end, bytes[position] == 0x20, bytes[position + 1] > 0x20 {
            position += 1
            return
        }
        try skipWhitespaceSlowly()
    }

    private func skipWhitespaceSlowly() throws {
        while true {
            while position < end {
                switch bytes[position] {
                case 0x20, 0x0A, 0x0D, 0x09: position += 1
                default: return
                }
            }
            if !(try refill()) { return }
        }
    }

    // MARK: - Private: structure

    private func push(isObject: Bool) throws {
        guard depthCount < Self.maximumDepth else {
            throw syntaxError("nesting deeper than \(Self.maximumDepth) levels; expected at most \(Self.maximumDepth) nested arrays and objects")
        }
        containers[depthCount] = isObject ? 1 : 0
        depthCount += 1
    }

    /// Handles `,` and the closing bracket; true when a member or element follows.
    private func advanceToMember(isObject: Bool) throws -> Bool {
        guard depthCount > 0, (containers[depthCount - 1] & 1 != 0) == isObject else {
            preconditionFailure("JSONReader misuse: not inside \(isObject ? "an object" : "an array")")
        }
        try skipWhitespace()
        guard try (position < end || refill()) else {
            throw syntaxError("unexpected end of input; expected \(isObject ? "'}'" : "']'")")
        }
        let closing = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
        let byte = bytes[position]
        if byte == closing {
            position += 1
            depthCount -= 1
            return false
        }
        if containers[depthCount - 1] & 2 == 0 {
            containers[depthCount - 1] |= 2
        } else {
            guard byte == UInt8(ascii: ",") else {
                throw syntaxError("expected ',' or \(isObject ? "'}'" : "']'"), found \(describeByte(byte))")
            }
            position += 1
            try skipWhitespace()
        }
        if isObject {
            guard try (position < end || refill()) else { throw syntaxError("unexpected end of input; expected a key") }
            guard bytes[position] == UInt8(ascii: "\"") else {
                throw syntaxError("expected a string key, found \(describeByte(bytes[position]))")
            }
        }
        return true
    }

    private func expectColon() throws {
        try skipWhitespace()
        guard let byte = try nextByte() else { throw syntaxError("unexpected end of input; expected ':'") }
        guard byte == UInt8(ascii: ":") else {
            position -= 1
            throw syntaxError("expected ':' after the key, found \(describeByte(byte))")
        }
    }

    private func expectValue(_ kind: JSONKind, _ context: @autoclosure () -> String) throws {
        let found = try peekKind()
        guard found == kind else {
            throw syntaxError("expected \(kind)\(suffix(context())), found \(found)")
        }
    }

    private func suffix(_ context: String) -> String { context.isEmpty ? "" : " for \(context)" }

    func expectLiteral(_ literal: StaticString) throws {
        let start = bytesConsumed
        var pointer = literal.utf8Start
        for _ in 0..<literal.utf8CodeUnitCount {
            guard let byte = try nextByte(), byte == pointer.pointee else {
                throw syntaxError("invalid literal; expected '\(literal)'", at: start)
            }
            pointer += 1
        }
    }

    // MARK: - Private: strings

    /// Reads the string at the current position (which is `"`) into `scratch`.
    private func readStringIntoScratch(maximumBytes: Int) throws {
        scratch.removeAll(keepingCapacity: true)
        position += 1
        try scanStringBody(keep: true, maximumBytes: maximumBytes)
    }

    /// Scans past the closing quote, validating escapes and UTF-8; appends to `scratch` when `keep`.
    func scanStringBody(keep: Bool, maximumBytes: Int) throws {
        while true {
            // Fast path: runs of plain ASCII, eight bytes at a time.
            let runStart = position
            while position + 8 <= end {
                let word = UnsafeRawPointer(bytes + position).loadUnaligned(as: UInt64.self)
                if Self.hasSpecialByte(word) { break }
                position += 8
            }
            while position < end {
                let byte = bytes[position]
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 || byte >= 0x80 { break }
                position += 1
            }
            if keep { appendKept(from: runStart, to: position, maximumBytes: maximumBytes) }
            if position == end {
                guard try refill() else { throw syntaxError("unexpected end of input inside a string; expected its closing '\"'") }
                continue
            }
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                position += 1
                if keep { trimToCharacterBoundary() }
                return
            }
            if byte < 0x20 {
                throw syntaxError("control character \(describeByte(byte)) inside a string; expected it escaped, as \\u00\(byte < 0x10 ? "0" : "")\(String(byte, radix: 16, uppercase: true))")
            }
            if byte == UInt8(ascii: "\\") {
                position += 1
                try scanEscape(keep: keep, maximumBytes: maximumBytes)
            } else {
                try scanMultibyteCharacter(keep: keep, maximumBytes: maximumBytes)
            }
        }
    }

    /// True when any byte of `word` is `"`, `\`, a control character or non-ASCII.
    @inline(__always)
    static func hasSpecialByte(_ word: UInt64) -> Bool { specialByteMask(word) != 0 }

    /// The high bit set in each byte of `word` (little-endian) that is `"`, `\\`, a control
    /// character or non-ASCII; bits above the first such byte may be spurious, the lowest is exact.
    @inline(__always)
    static func specialByteMask(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        let hasQuote = (quote &- ones) & ~quote & highs
        let hasBackslash = (backslash &- ones) & ~backslash & highs
        let hasControl = (word &- ones &* 0x20) & ~word & highs
        return hasQuote | hasBackslash | hasControl | (word & highs)
    }

    private func appendKept(from start: Int, to stop: Int, maximumBytes: Int) {
        let room = maximumBytes - scratch.count
        guard room > 0, stop > start else { return }
        scratch.append(contentsOf: UnsafeBufferPointer(start: bytes + start, count: min(room, stop - start)))
    }

    private func keepByte(_ byte: UInt8, maximumBytes: Int) {
        if scratch.count < maximumBytes { scratch.append(byte) }
    }

    /// After a cut, drops a trailing partial UTF-8 sequence.
    private func trimToCharacterBoundary() {
        var index = scratch.count - 1
        while index >= 0, scratch[index] & 0xC0 == 0x80 { index -= 1 }
        guard index >= 0 else { return }
        let lead = scratch[index]
        let needed = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
        if scratch.count - index < needed { scratch.removeSubrange(index...) }
    }

    private func scanEscape(keep: Bool, maximumBytes: Int) throws {
        let escapeStart = bytesConsumed - 1
        guard let byte = try nextByte() else { throw syntaxError("unexpected end of input inside a string escape; expected the escaped character") }
        let decoded: UInt8
        switch byte {
        case UInt8(ascii: "\""): decoded = 0x22
        case UInt8(ascii: "\\"): decoded = 0x5C
        case UInt8(ascii: "/"): decoded = 0x2F
        case UInt8(ascii: "b"): decoded = 0x08
        case UInt8(ascii: "f"): decoded = 0x0C
        case UInt8(ascii: "n"): decoded = 0x0A
        case UInt8(ascii: "r"): decoded = 0x0D
        case UInt8(ascii: "t"): decoded = 0x09
        case UInt8(ascii: "u"):
            let scalar = try readUnicodeEscape(startingAt: escapeStart)
            if keep {
                for unit in String(Character(scalar)).utf8 { keepByte(unit, maximumBytes: maximumBytes) }
            }
            return
        default:
            throw syntaxError("invalid escape '\\\(describeByte(byte, quoted: false))' inside a string; expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u", at: escapeStart)
        }
        if keep { keepByte(decoded, maximumBytes: maximumBytes) }
    }

    private func readUnicodeEscape(startingAt escapeStart: Int) throws -> Unicode.Scalar {
        let high = try readHexQuad()
        if (0xDC00...0xDFFF).contains(high) {
            throw syntaxError("invalid \\u escape: lone low surrogate \\u\(String(high, radix: 16)); expected a high surrogate (\\ud800-\\udbff) before it", at: escapeStart)
        }
        guard (0xD800...0xDBFF).contains(high) else {
            return Unicode.Scalar(high).unsafelyUnwrapped
        }
        guard try nextByte() == UInt8(ascii: "\\"), try nextByte() == UInt8(ascii: "u") else {
            throw syntaxError("invalid \\u escape: lone high surrogate \\u\(String(high, radix: 16)); expected a low surrogate (\\udc00-\\udfff) after it", at: escapeStart)
        }
        let low = try readHexQuad()
        guard (0xDC00...0xDFFF).contains(low) else {
            throw syntaxError("invalid \\u escape: high surrogate \\u\(String(high, radix: 16)) not followed by a low one; expected \\udc00-\\udfff", at: escapeStart)
        }
        let value = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
        return Unicode.Scalar(value).unsafelyUnwrapped
    }

    private func readHexQuad() throws -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = try nextByte() else { throw syntaxError("unexpected end of input inside a \\u escape; expected 4 hex digits") }
            guard let digit = Self.hexDigitValue(byte) else {
                position -= 1
                throw syntaxError("invalid \\u escape: \(describeByte(byte)) is not a hex digit")
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    /// The value of a hex digit (either case), or nil for any other byte.
    @inline(__always)
    static func hexDigitValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte &- UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte &- UInt8(ascii: "a") &+ 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte &- UInt8(ascii: "A") &+ 10
        default: return nil
        }
    }

    /// Validates one UTF-8 encoded character starting at a byte >= 0x80.
    private func scanMultibyteCharacter(keep: Bool, maximumBytes: Int) throws {
        let start = bytesConsumed
        func invalid() -> JSONSyntaxError { syntaxError("invalid UTF-8 inside a string; expected UTF-8 text (or \\u escapes)", at: start) }
        guard let lead = try nextByte() else { throw invalid() }
        let count: Int
        var lower: UInt8 = 0x80
        var upper: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: count = 1
        case 0xE0: count = 2; lower = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: count = 2
        case 0xED: count = 2; upper = 0x9F
        case 0xF0: count = 3; lower = 0x90
        case 0xF1...0xF3: count = 3
        case 0xF4: count = 3; upper = 0x8F
        default: throw invalid()
        }
        if keep { keepByte(lead, maximumBytes: maximumBytes) }
        for index in 0..<count {
            guard let byte = try nextByte() else { throw invalid() }
            let low = index == 0 ? lower : 0x80
            let high = index == 0 ? upper : 0xBF
            guard byte >= low, byte <= high else { throw invalid() }
            if keep { keepByte(byte, maximumBytes: maximumBytes) }
        }
    }

    // MARK: - Private: numbers

    /// Scans a number literal per RFC 8259; keeps its text in `scratch` when `keep`.
    func scanNumber(keep: Bool) throws {
        if !keep, let length = Self.validNumberLength(bytes + position, end - position) {
            position += length
            return
        }
        try scanNumberSlowly(keep: keep)
    }

    /// The length of a well-formed number that ends inside the buffer, or nil when the number is
    /// malformed or may continue past the buffer (the slow path then decides, with a located error).
    static func validNumberLength(_ start: UnsafeMutablePointer<UInt8>, _ available: Int) -> Int? {
        var index = 0
        @inline(__always) func byte() -> UInt8? { index < available ? start[index] : nil }
        @inline(__always) func isDigit(_ value: UInt8?) -> Bool { value.map { $0 >= 0x30 && $0 <= 0x39 } ?? false }
        if byte() == UInt8(ascii: "-") { index += 1 }
        if byte() == UInt8(ascii: "0") {
            index += 1
        } else {
            guard isDigit(byte()) else { return nil }
            while isDigit(byte()) { index += 1 }
        }
        if byte() == UInt8(ascii: ".") {
            index += 1
            guard isDigit(byte()) else { return nil }
            while isDigit(byte()) { index += 1 }
        }
        if let value = byte(), value == UInt8(ascii: "e") || value == UInt8(ascii: "E") {
            index += 1
            if let sign = byte(), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { index += 1 }
            guard isDigit(byte()) else { return nil }
            while isDigit(byte()) { index += 1 }
        }
        guard let next = byte(), isDelimiter(next) else { return nil }
        return index
    }

    private func scanNumberSlowly(keep: Bool) throws {
        let start = bytesConsumed
        func malformed() -> JSONSyntaxError { syntaxError("malformed number; expected digits as in 12, -3.5 or 1e6", at: start) }
        if keep { scratch.removeAll(keepingCapacity: true) }
        var length = 0
        func peek() throws -> UInt8? {
            if position == end, !(try refill()) { return nil }
            return bytes[position]
        }
        func take() throws {
            if keep {
                length += 1
                guard length <= Self.maximumNumberLength else {
                    throw syntaxError("number longer than \(Self.maximumNumberLength) characters; expected at most \(Self.maximumNumberLength)", at: start)
                }
                scratch.append(bytes[position])
            }
            position += 1
        }
        func digits() throws -> Int {
            var count = 0
            while let byte = try peek(), byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                try take()
                count += 1
            }
            return count
        }
        if try peek() == UInt8(ascii: "-") { try take() }
        if try peek() == UInt8(ascii: "0") {
            try take()
        } else if try digits() == 0 {
            throw malformed()
        }
        if try peek() == UInt8(ascii: ".") {
            try take()
            if try digits() == 0 { throw malformed() }
        }
        if let byte = try peek(), byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
            try take()
            if let sign = try peek(), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { try take() }
            if try digits() == 0 { throw malformed() }
        }
        if let byte = try peek(), !Self.isDelimiter(byte) { throw malformed() }
    }

    private static func isDelimiter(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x20, 0x0A, 0x0D, 0x09, UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"): return true
        default: return false
        }
    }

    func describeByte(_ byte: UInt8, quoted: Bool = true) -> String {
        if byte >= 0x20, byte < 0x7F {
            let text = String(UnicodeScalar(byte))
            return quoted ? "'\(text)'" : text
        }
        return "byte 0x\(String(byte, radix: 16, uppercase: true))"
    }
}
