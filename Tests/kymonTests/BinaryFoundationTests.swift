#if os(Linux)
import Foundation
import Testing

/// The whole of Foundation (with its 35 MB of ICU data) made the binary half again as large and every
/// start slower; kymon needs only FoundationEssentials. One `import Foundation` brings it back.
@Suite("The kymon binary")
struct BinaryFoundationTests {
    @Test("holds and references no symbol of the Foundation module, only FoundationEssentials")
    func noFoundation() async throws {
        let binary = KymonProcess.binary.path
        let symbols = try await count(#"nm "$1" | grep -c '\$s10Foundation'"#, binary)
        let essentials = try await count(#"nm "$1" | grep -c '\$s20FoundationEssentials'"#, binary)
        #expect(symbols == 0, "\(binary) has \(symbols) symbols of Foundation: some module imports Foundation instead of FoundationEssentials")
        #expect(essentials > 0, "the check must see FoundationEssentials' symbols in \(binary), or it proves nothing")
    }

    /// The number `script` prints, run by `sh -c` with `argument` as `$1`.
    private func count(_ script: String, _ argument: String) async throws -> Int {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script, "sh", argument]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return try #require(Int(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)))
    }
}
#endif
