/// A first-in, first-out queue of numbered messages that pops from the front in O(1) (amortised).
struct MessageQueue {
    typealias Entry = (ticket: Int, message: ChannelMessage)

    private var storage: [Entry] = []
    private var head = 0

    var count: Int { storage.count - head }
    var first: Entry? { head < storage.count ? storage[head] : nil }
    var isEmpty: Bool { count == 0 }
    /// The waiting entries, oldest first.
    var entries: ArraySlice<Entry> { storage[head...] }

    mutating func append(_ entry: Entry) {
        storage.append(entry)
    }

    /// Removes the entry behind the first (for a capacity of 1: the first itself).
    mutating func removeSecond() -> Entry? {
        guard count >= 2 else { return popFirst() }
        return storage.remove(at: head + 1)
    }

    mutating func popFirst() -> Entry? {
        guard let entry = first else { return nil }
        head += 1
        // Reclaim the popped prefix once it is at least half the storage.
        if head >= 64, head * 2 >= storage.count {
            storage.removeFirst(head)
            head = 0
        }
        return entry
    }
}
