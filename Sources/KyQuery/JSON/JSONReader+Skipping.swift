#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension JSONReader {
    /// What the skipper expects next inside a container.
    private enum Expecting: UInt8 {
        /// A value (after `[`, `,` in an array, or `:`).
        case value
        /// A key string (after `{` or `,` in an object).
        case key
        /// `:` after a key.
        case colon
        /// `,` or the closing bracket, after a value.
        case separator
    }

    /// Skips the object or array at the current position, validating it as it goes.
    ///
    /// Most of a history's bytes are workflows that kymon skips, so this loop is the hot path of
    /// `replay`: it keeps its cursor in locals, takes whole tokens from the buffer when they fit,
    /// and hands anything unusual (escapes, non-ASCII text, a token cut by the buffer's end, an
    /// error) to the general scanners, which refill and report with line and column.
    func skipContainer() throws {
        if !checksSkippedContainers, Self.uncheckedSkipIsFaster, try skipContainerUnchecked() { return }
        let baseDepth = depthCount
        let base = bytes
        var cursor = position
        var limit = end
        var expecting = Expecting.value
        /// True right after `{` or `[`, where the closing bracket may come at once.
        var justOpened = false
        /// Whether the innermost open container is an object.
        var inObject = false

        /// After a value: takes `,` (and one space) at once when it is there, the usual case,
        /// sparing the loop a round; anything else goes through the loop.
        @inline(__always) func afterValue() {
            expecting = .separator
            justOpened = false
            guard cursor + 1 < limit, base[cursor] == UInt8(ascii: ",") else { return }
            cursor += base[cursor + 1] == 0x20 ? 2 : 1
            expecting = inObject ? .key : .value
        }

        /// Moves the reader to `cursor` and builds an error there.
        func failure(_ message: String) -> JSONSyntaxError {
            position = cursor
            return syntaxError(message)
        }
        /// Lets a general scanner run from `cursor`, then takes the reader's position back.
        func delegate(_ scan: () throws -> Void) rethrows {
            position = cursor
            try scan()
            cursor = position
            limit = end
        }

        while true {
            if cursor == limit {
                position = cursor
                guard try refill() else {
                    let closer = depthCount > baseDepth && containers[depthCount - 1] & 1 != 0 ? "'}'" : "']'"
                    switch expecting {
                    case .value: throw syntaxError(justOpened ? "unexpected end of input; expected \(closer)" : "unexpected end of input; expected a value")
                    case .key: throw syntaxError(justOpened ? "unexpected end of input; expected \(closer)" : "unexpected end of input; expected a key")
                    case .colon: throw syntaxError("unexpected end of input; expected ':'")
                    case .separator: throw syntaxError("unexpected end of input; expected \(closer)")
                    }
                }
                cursor = position
                limit = end
            }
            let byte = base[cursor]
            switch byte {
            case 0x20, 0x0A, 0x0D, 0x09:
                cursor += 1
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                guard expecting == .value else { throw failure(unexpected(byte, expecting: expecting)) }
                guard depthCount < Self.maximumDepth else { throw failure("nesting deeper than \(Self.maximumDepth) levels; expected at most \(Self.maximumDepth) nested arrays and objects") }
                let isObject = byte == UInt8(ascii: "{")
                containers[depthCount] = isObject ? 1 : 0
                depthCount += 1
                cursor += 1
                inObject = isObject
                expecting = isObject ? .key : .value
                justOpened = true
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                guard byte == (inObject ? UInt8(ascii: "}") : UInt8(ascii: "]")), expecting == .separator || justOpened else {
                    throw failure(unexpected(byte, expecting: expecting))
                }
                depthCount -= 1
                cursor += 1
                if depthCount == baseDepth {
                    position = cursor
                    return
                }
                inObject = containers[depthCount - 1] & 1 != 0
                afterValue()
            case UInt8(ascii: ","):
                guard expecting == .separator else { throw failure(unexpected(byte, expecting: expecting)) }
                cursor += 1
                expecting = inObject ? .key : .value
                justOpened = false
            case UInt8(ascii: ":"):
                guard expecting == .colon else { throw failure(unexpected(byte, expecting: expecting)) }
                cursor += 1
                expecting = .value
            case UInt8(ascii: "\""):
                guard expecting == .value || expecting == .key else { throw failure(unexpected(byte, expecting: expecting)) }
                cursor += 1
                // Eight bytes at a time up to the first special byte (found from the mask); plain
                // escapes are stepped over here; anything else (non-ASCII text, surrogates, a string
                // cut by the buffer's end, an error) goes to the general scanner.
                scanning: while true {
                    while cursor + 8 <= limit {
                        let mask = Self.specialByteMask(UnsafeRawPointer(base + cursor).loadUnaligned(as: UInt64.self))
                        if mask != 0 {
                            cursor += mask.trailingZeroBitCount >> 3
                            break
                        }
                        cursor += 8
                    }
                    if cursor + 8 > limit {
                        while cursor < limit, base[cursor] != UInt8(ascii: "\""), base[cursor] != UInt8(ascii: "\\"), base[cursor] >= 0x20, base[cursor] < 0x80 {
                            cursor += 1
                        }
                    }
                    if cursor < limit, base[cursor] == UInt8(ascii: "\"") {
                        cursor += 1
                        break scanning
                    }
                    if cursor + 6 <= limit, base[cursor] == UInt8(ascii: "\\") {
                        let escaped = base[cursor + 1]
                        if Self.isSimpleEscape(escaped) {
                            cursor += 2
                            continue scanning
                        }
                        if escaped == UInt8(ascii: "u"), let unit = Self.hexQuad(base + cursor + 2), unit & 0xF800 != 0xD800 {
                            cursor += 6
                            continue scanning
                        }
                    }
                    try delegate { try scanStringBody(keep: false, maximumBytes: 0) }
                    break scanning
                }
                if expecting == .key {
                    justOpened = false
                    // `": "` after a key, the usual case, is taken at once.
                    if cursor + 1 < limit, base[cursor] == UInt8(ascii: ":") {
                        cursor += base[cursor + 1] == 0x20 ? 2 : 1
                        expecting = .value
                    } else {
                        expecting = .colon
                    }
                } else {
                    afterValue()
                }
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                guard expecting == .value else { throw failure(unexpected(byte, expecting: expecting)) }
                // Plain integers inline; anything else through the full grammar.
                var end = cursor + (byte == UInt8(ascii: "-") ? 1 : 0)
                let digitsStart = end
                while end < limit, base[end] &- UInt8(ascii: "0") < 10 { end += 1 }
                let digits = end - digitsStart
                var plain = digits > 0 && (digits == 1 || base[digitsStart] != UInt8(ascii: "0"))
                // A fraction (`-12.5`), the usual non-integer in a UI workflow.
                if plain, end < limit, base[end] == UInt8(ascii: ".") {
                    end += 1
                    let fractionStart = end
                    while end < limit, base[end] &- UInt8(ascii: "0") < 10 { end += 1 }
                    plain = end > fractionStart
                }
                if plain, end < limit,
                    base[end] == UInt8(ascii: ",") || base[end] == UInt8(ascii: "]") || base[end] == UInt8(ascii: "}") || base[end] == 0x20
                {
                    cursor = end
                } else if let length = Self.validNumberLength(base + cursor, limit - cursor) {
                    cursor += length
                } else {
                    try delegate { try scanNumber(keep: false) }
                }
                afterValue()
            case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
                guard expecting == .value else { throw failure(unexpected(byte, expecting: expecting)) }
                let literal: StaticString = byte == UInt8(ascii: "t") ? "true" : byte == UInt8(ascii: "f") ? "false" : "null"
                let length = literal.utf8CodeUnitCount
                if limit - cursor >= length, memcmp(base + cursor, literal.utf8Start, length) == 0 {
                    cursor += length
                } else {
                    try delegate { try expectLiteral(literal) }
                }
                afterValue()
            default:
                throw failure(unexpected(byte, expecting: expecting))
            }
        }
    }

    /// True for the byte after `\\` in the one-character escapes (`\\"`, `\\n`, ...).
    @inline(__always)
    private static func isSimpleEscape(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            return true
        default:
            return false
        }
    }

    /// The value of four hex digits at `start`, or nil if any is not one.
    @inline(__always)
    private static func hexQuad(_ start: UnsafeMutablePointer<UInt8>) -> UInt32? {
        var value: UInt32 = 0
        for index in 0..<4 {
            guard let digit = hexDigitValue(start[index]) else { return nil }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    /// The message the general reader gives for `byte` where the skipper expected something else.
    private func unexpected(_ byte: UInt8, expecting: Expecting) -> String {
        let isObject = depthCount > 0 && containers[depthCount - 1] & 1 != 0
        let closer = isObject ? "'}'" : "']'"
        switch expecting {
        case .value: return "expected a value, found \(describeByte(byte))"
        case .key: return "expected a string key, found \(describeByte(byte))"
        case .colon: return "expected ':' after the key, found \(describeByte(byte))"
        case .separator: return "expected ',' or \(closer), found \(describeByte(byte))"
        }
    }
}
