extension JSONReader {
    /// Consumes a `null` and returns true; leaves any other value and returns false.
    func consumeNull() throws -> Bool {
        guard try peekKind() == .null else { return false }
        try readNull()
        return true
    }

    /// Reads a string, treating `null` as absent.
    func readOptionalString(_ context: @autoclosure () -> String, maximumBytes: Int = 1 << 16) throws -> String? {
        if try peekKind() == .null {
            try readNull()
            return nil
        }
        return try readString(context(), maximumBytes: maximumBytes)
    }

    /// Reads a number, treating `null` as absent.
    func readOptionalNumber(_ context: @autoclosure () -> String) throws -> Double? {
        if try peekKind() == .null {
            try readNull()
            return nil
        }
        return try readNumber(context())
    }

    /// Reads a millisecond timestamp, treating `null` as absent.
    func readOptionalMilliseconds(_ context: @autoclosure () -> String) throws -> Int64? {
        _ = try peekKind()
        let start = bytesConsumed
        guard let value = try readOptionalNumber(context()) else { return nil }
        guard abs(value) < 9.2e15 else {
            throw syntaxError("timestamp out of range for \(context()); expected milliseconds since 1970 within ±9.2e15", at: start)
        }
        return Int64(value.rounded())
    }

    /// Reads an id that old servers wrote as a number and new ones as a string.
    func readIdentifier(_ context: @autoclosure () -> String) throws -> String {
        switch try peekKind() {
        case .string: return try readString(context(), maximumBytes: 4096)
        case .number: return JSONWriter.render(number: try readNumber(context()))
        default: throw typeError(expected: "a string for \(context())")
        }
    }

    /// Walks an object, or treats `null` as an empty one.
    func forEachMember(_ context: @autoclosure () -> String, _ body: (String) throws -> Void) throws {
        if try peekKind() == .null { return try readNull() }
        try beginObject(context())
        while let key = try nextKey() { try body(key) }
    }

    /// Walks an array, or treats `null` as an empty one.
    func forEachElement(_ context: @autoclosure () -> String, _ body: () throws -> Void) throws {
        if try peekKind() == .null { return try readNull() }
        try beginArray(context())
        while try nextElement() { try body() }
    }
}

extension JSONWriter {
    /// The text `number(_:)` would write.
    public static func render(number: Double) -> String {
        var writer = JSONWriter(reservingCapacity: 24)
        writer.number(number)
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}
