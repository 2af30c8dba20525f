import CLibFuzzer
import Glibc
import KyQuery

/// A `config.json`, loaded as `--config` would load it and reported as `kymon config` does; the same
/// bytes as text are also parsed as every key's environment value.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfig(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    precondition(ftruncate(ScratchFile.descriptor, 0) == 0 && pwrite(ScratchFile.descriptor, start, count, 0) == count, "cannot write the scratch file")
    do {
        let configuration = try Configuration.load(explicitFile: ScratchFile.path, environment: [:])
        var writer = JSONWriter()
        configuration.writeReport(to: &writer)
        _ = try? configuration.servers
        _ = configuration.comfyUIHeaders
    } catch {
        _ = error.message
    }
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    for key in ConfigKey.catalog { _ = key.parse(text: text) }
    _ = parseHeaderList(text)
    return 0
}

/// An unnamed temporary file, rewritten for every input, and a path that opens it.
enum ScratchFile {
    static let descriptor: Int32 = {
        guard let file = tmpfile() else { fatalError("cannot create a temporary file") }
        return fileno(file)
    }()
    static let path = "/proc/self/fd/\(descriptor)"
}

var argc = CommandLine.argc
var argv = Optional(CommandLine.unsafeArgv)
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzConfig))
