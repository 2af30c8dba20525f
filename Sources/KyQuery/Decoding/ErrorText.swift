/// Shortens ComfyUI's error fields to the contract's form.
enum ErrorText {
    /// `/path/custom_nodes/pkg.MyError` → `pkg.MyError`; builtins such as `ValueError` stay as they are.
    static func exceptionType(_ raw: String) -> String {
        let trimmed = raw.trimmingWhitespace()
        guard let cut = trimmed.lastIndex(where: { $0 == "/" || $0 == "\\" }) else { return trimmed }
        return String(trimmed[trimmed.index(after: cut)...])
    }

    /// Trims surrounding white space and cuts to `maximumLength` characters with "…".
    static func message(_ raw: String, maximumLength: Int) -> String {
        let trimmed = raw.trimmingWhitespace()
        guard trimmed.count > maximumLength else { return trimmed }
        return String(trimmed.prefix(max(0, maximumLength - 1))).trimmingWhitespace() + "…"
    }

    /// `  File "/a/b/c/x.py", line 12, in f\n    code\n` → `c/x.py, line 12, in f`.
    /// A first line that does not parse is kept, trimmed.
    static func frame(_ raw: String) -> String {
        let firstLine = raw.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: true).first.map(String.init) ?? ""
        let line = firstLine.trimmingWhitespace()
        let prefix = "File \""
        guard line.hasPrefix(prefix), let closing = line.lastRange(of: "\", line ") else { return line }
        let path = line[line.index(line.startIndex, offsetBy: prefix.count)..<closing.lowerBound]
        let rest = line[closing.upperBound...]
        guard let comma = rest.firstRange(ofPlain: ", in "), Int(rest[..<comma.lowerBound]) != nil else { return line }
        let components = path.split(whereSeparator: { $0 == "/" || $0 == "\\" })
        // The last two components; `suffix(2).joined` would cost a process's first call runtime type lookups.
        let shortPath = components.count < 2
            ? String(components.last ?? "") : "\(components[components.count - 2])/\(components[components.count - 1])"
        return "\(shortPath), line \(rest[..<comma.lowerBound]), in \(rest[comma.upperBound...])"
    }
}

extension Substring {
    /// The range of the first occurrence of `needle`. Unlike `firstRange(of:)` it needs no
    /// string-processing searcher, whose generic set-up costs a process's first call runtime type lookups.
    func firstRange(ofPlain needle: String) -> Range<Index>? {
        var index = startIndex
        while index < endIndex {
            if self[index...].hasPrefix(needle) { return index..<self.index(index, offsetBy: needle.count) }
            index = self.index(after: index)
        }
        return nil
    }
}

extension String {
    /// The range of the last occurrence of `needle`.
    func lastRange(of needle: String) -> Range<String.Index>? {
        var index = endIndex
        while index > startIndex {
            index = self.index(before: index)
            if self[index...].hasPrefix(needle) { return index..<self.index(index, offsetBy: needle.count) }
        }
        return nil
    }

    /// The string without leading and trailing spaces, tabs and line breaks.
    func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0.isWhitespace || $0.isNewline }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
