/// How `snapshot` and `replay` print: a table for people, a document or one info per line for programs.
public enum OutputFormat: String, Sendable, CaseIterable {
    case table, json, jsonl
}
