/// One line of the view as pieces of text, each with an optional ANSI colour, fitted to a width when rendered.
struct StyledLine {
    private var spans: [(text: String, color: String?)] = []

    init(_ text: String = "", color: String? = nil) {
        append(text, color: color)
    }

    /// Width in characters, without colour codes.
    var count: Int { spans.reduce(0) { $0 + $1.text.count } }

    /// Adds text; control characters in it (which could move the cursor or recolour the terminal) become spaces.
    mutating func append(_ text: String, color: String? = nil) {
        guard !text.isEmpty else { return }
        spans.append((Self.neutralized(text), color))
    }

    mutating func append(_ other: StyledLine) {
        spans += other.spans
    }

    /// The line without trailing spaces, cut to `width` characters with `…`, coloured only when asked.
    func rendered(width: Int, useColor: Bool) -> String {
        var pieces = spans
        while var last = pieces.popLast() {
            while last.text.last == " " { last.text.removeLast() }
            if !last.text.isEmpty {
                pieces.append(last)
                break
            }
        }
        let overflows = pieces.reduce(0) { $0 + $1.text.count } > width
        var room = overflows ? width - 1 : width
        var result = ""
        for piece in pieces where room > 0 {
            let text = piece.text.count > room ? String(piece.text.prefix(room)) : piece.text
            room -= text.count
            if useColor, let color = piece.color {
                result += "\u{1B}[\(color)m\(text)\u{1B}[0m"
            } else {
                result += text
            }
        }
        return overflows && width > 0 ? result + "…" : result
    }

    /// `text` cut to `width` characters, ending in `…` when cut.
    static func truncate(_ text: String, to width: Int) -> String {
        guard text.count > width else { return text }
        return width <= 1 ? String(text.prefix(max(width, 0))) : String(text.prefix(width - 1)) + "…"
    }

    /// `text` cut or padded with spaces to exactly `width` characters.
    static func pad(_ text: String, to width: Int) -> String {
        let cut = truncate(text, to: width)
        return cut + String(repeating: " ", count: max(0, width - cut.count))
    }

    private static func neutralized(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.map { isControl($0) ? " " : $0 }))
    }

    /// C0 and C1 controls and DEL.
    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }
}
