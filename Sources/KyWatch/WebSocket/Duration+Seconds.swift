extension Duration {
    /// The span in seconds, for messages.
    var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
