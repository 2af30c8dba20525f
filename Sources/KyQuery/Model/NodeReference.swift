/// A node of the prompt's graph: its id and, when known, its class type.
public struct NodeReference: Sendable, Equatable {
    public var id: String
    public var type: String?

    public init(id: String, type: String? = nil) {
        self.id = id
        self.type = type
    }
}
