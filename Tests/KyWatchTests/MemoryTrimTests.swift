import KyWatch
import Testing

/// `MemoryTrim` drops only clean, read-only file pages, and the process goes on running.
@Suite("memory trim")
struct MemoryTrimTests {
    /// An `smaps` listing with one mapping of each kind that matters.
    private static let smaps = """
        5600a0000000-5600a2000000 r--p 00000000 08:01 1234                       /usr/local/bin/kymon
        Size:              32768 kB
        Rss:                2048 kB
        Anonymous:             0 kB
        VmFlags: rd mr mw me
        5600a2000000-5600a4000000 r-xp 02000000 08:01 1234                       /usr/local/bin/kymon
        Rss:                9000 kB
        Anonymous:             0 kB
        VmFlags: rd ex mr mw me
        5600a4000000-5600a4100000 r--p 04000000 08:01 1234                       /usr/local/bin/kymon
        Rss:                1024 kB
        Anonymous:          1024 kB
        VmFlags: rd mr mw me ac
        5600a4100000-5600a6000000 rw-p 04100000 08:01 1234                       /usr/local/bin/kymon
        Rss:                3000 kB
        Anonymous:           400 kB
        VmFlags: rd wr mr mw me ac
        5600a6000000-5600a6100000 rw-p 00000000 00:00 0                          [heap]
        Rss:                 400 kB
        Anonymous:           400 kB
        7f0000000000-7f0000150000 r-xp 00028000 08:01 77                         /usr/lib/x86_64-linux-gnu/libc.so.6
        Rss:                 640 kB
        Anonymous:             0 kB
        VmFlags: rd ex mr mw me
        7f0000200000-7f0000210000 r-xp 00000000 08:01 78                         /opt/pinned/locked.so
        Rss:                  64 kB
        Anonymous:             0 kB
        VmFlags: rd ex mr mw me lo
        7f0000300000-7f0000302000 r--s 00000000 00:1a 79                         /dev/shm/shared
        Rss:                   8 kB
        Anonymous:             0 kB
        7f0000400000-7f0000410000 r--p 00000000 08:01 80                         /usr/lib/not-resident.so
        Rss:                   0 kB
        Anonymous:             0 kB
        7f0000500000-7f0000501000 r--p 00000000 08:01 81                         /opt/with space/lib.so
        Rss:                   4 kB
        Anonymous:             0 kB
        7ffc00000000-7ffc00002000 r-xp 00000000 00:00 0                          [vdso]
        Rss:                   8 kB
        Anonymous:             0 kB
        """

    @Test("droppable: clean read-only file views with resident pages, nothing written, pinned, shared or anonymous")
    func droppableMappings() {
        let mappings = ProcessMappings(smaps: Self.smaps)
        #expect(mappings.mappings.count == 11)
        let droppable = mappings.droppable
        #expect(droppable.map(\.start) == [0x5600_a000_0000, 0x5600_a200_0000, 0x7f00_0000_0000, 0x7f00_0050_0000])
        #expect(droppable.map(\.residentKiB) == [2048, 9000, 640, 4])
        #expect(droppable.last?.path == "/opt/with space/lib.so")
        let relocated = mappings.mappings[2]
        #expect(relocated.permissions == "r--p" && relocated.anonymousKiB == 1024 && !relocated.isCleanFileView)
        #expect(mappings.mappings[6].pinned && !mappings.mappings[6].isCleanFileView)
        #expect(mappings.mappings[8].isCleanFileView && !droppable.contains(mappings.mappings[8]))
    }

    @Test("garbage and an empty listing give no mappings")
    func garbage() {
        #expect(ProcessMappings(smaps: "").mappings.isEmpty)
        #expect(ProcessMappings(smaps: "Rss: 12 kB\nnot a header line at all\nzz-yy r-xp 0 0 0 /x\n").mappings.isEmpty)
    }

    #if os(Linux)
    @Test("on this process: the resident pages of clean file views go down, and the process runs on")
    func trimsThisProcess() throws {
        let before = try #require(ProcessMappings.current())
        let starts = Set(before.droppable.map(\.start))
        let residentBefore = before.droppable.reduce(0) { $0 + $1.residentKiB }
        #expect(residentBefore > 0)
        let dropped = try #require(MemoryTrim.trim())
        #expect(dropped > 0)
        let after = try #require(ProcessMappings.current())
        let residentAfter = after.mappings.filter { starts.contains($0.start) }.reduce(0) { $0 + $1.residentKiB }
        #expect(residentAfter < residentBefore, "resident KiB of the clean views: \(residentBefore) before, \(residentAfter) after")
        // What the loader relocated is untouched: those mappings still hold their private copies.
        let relocatedBefore = before.mappings.filter { $0.anonymousKiB > 0 && $0.path.hasPrefix("/") }.reduce(0) { $0 + $1.anonymousKiB }
        let relocatedAfter = after.mappings.filter { $0.anonymousKiB > 0 && $0.path.hasPrefix("/") }.reduce(0) { $0 + $1.anonymousKiB }
        #expect(relocatedAfter >= relocatedBefore)
    }
    #endif
}
