extension StringProtocol {
    /// The text without leading and trailing spaces, tabs and newlines.
    func trimmingWhitespace() -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        let view = self[...]
        guard let first = view.firstIndex(where: { !isSpace($0) }),
            let last = view.lastIndex(where: { !isSpace($0) })
        else { return Substring() }
        return Substring(view[first...last])
    }
}
