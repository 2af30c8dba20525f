import Foundation

/// A straightforward, independent reading of the contract: whole documents through
/// JSONSerialization, rules written out plainly. The streaming decoder must agree with it.
enum ReferenceDecoder {
    struct Result {
        var infos: [String: [String: Any]] = [:]
        var sawQueue = false
    }

    static func decode(_ documents: [Data], tracebackDepth: Int = 2) throws -> Result {
        var result = Result()
        var rank: [String: Int] = [:]
        func add(_ info: [String: Any], detail: Int) {
            let id = info["id"] as! String
            let score = ((info["type"] as! String) == "history" ? 10 : 0) + detail
            if let old = rank[id], old > score { return }
            rank[id] = score
            result.infos[id] = info
        }
        for data in documents {
            guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else { continue }
            if object["queue_running"] != nil || object["queue_pending"] != nil {
                result.sawQueue = true
                for (key, status) in [("queue_running", "running"), ("queue_pending", "pending")] {
                    for case let item as [Any] in object[key] as? [Any] ?? [] {
                        var info: [String: Any] = ["id": "\(item[1])", "type": "queue", "status": status, "number": item[0]]
                        if item.count > 3, let extra = item[3] as? [String: Any], let created = extra["create_time"] as? NSNumber {
                            info["create_time"] = iso(created)
                        }
                        add(info, detail: 0)
                    }
                }
            } else if let jobs = object["jobs"] as? [[String: Any]] {
                result.sawQueue = true
                for job in jobs { if let info = job_(job, depth: tracebackDepth) { add(info, detail: 1) } }
            } else if object["id"] is String, object["status"] is String {
                if let info = job_(object, depth: tracebackDepth) { add(info, detail: 2) }
            } else {
                for (id, value) in object {
                    guard let entry = value as? [String: Any] else { continue }
                    add(history(id: id, entry: entry, depth: tracebackDepth), detail: 2)
                }
            }
        }
        return result
    }

    static func history(id: String, entry: [String: Any], depth: Int) -> [String: Any] {
        let prompt = entry["prompt"] as? [Any] ?? []
        let graph = prompt.count > 2 ? prompt[2] as? [String: [String: Any]] ?? [:] : [:]
        let extra = prompt.count > 3 ? prompt[3] as? [String: Any] : nil
        let statusObject = entry["status"] as? [String: Any]
        let messages = statusObject?["messages"] as? [[Any]] ?? []
        func message(_ name: String) -> [String: Any]? {
            messages.last { ($0.first as? String) == name }.flatMap { $0.count > 1 ? $0[1] as? [String: Any] : nil }
        }
        var status = "completed"
        var terminal: [String: Any]?
        if let error = message("execution_error") {
            status = "failed"
            terminal = error
        } else if let interrupted = message("execution_interrupted") {
            status = "interrupted"
            terminal = interrupted
        } else if let success = message("execution_success") {
            terminal = success
        } else if (statusObject?["status_str"] as? String) == "error" {
            status = "failed"
        }
        var info: [String: Any] = ["id": id, "type": "history", "status": status, "result": status == "completed" ? "success" : "failure"]
        if let number = prompt.first as? NSNumber { info["number"] = number }
        if let created = extra?["create_time"] as? NSNumber { info["create_time"] = iso(created) }
        let start = message("execution_start")?["timestamp"] as? NSNumber
        let end = terminal?["timestamp"] as? NSNumber
        if let start { info["start_time"] = iso(start) }
        if let end { info["end_time"] = iso(end) }
        if let start, let end { info["duration_ms"] = end.int64Value - start.int64Value }
        if status != "completed", let terminal, let nodeID = terminal["node_id"] as? String {
            let type = terminal["node_type"] as? String ?? graph[nodeID]?["class_type"] as? String
            info["current_node"] = type.map { ["id": nodeID, "type": $0] } ?? ["id": nodeID]
        }
        if status == "failed", let error = terminal {
            info["error_info"] = errorInfo(error, depth: depth)
        }
        var files: [String] = []
        for (_, ui) in (entry["outputs"] as? [String: [String: Any]] ?? [:]).sorted(by: { $0.key < $1.key }) {
            for (_, list) in ui {
                for case let file as [String: Any] in list as? [Any] ?? [] where file["type"] as? String == "output" {
                    let name = file["filename"] as? String ?? ""
                    let folder = file["subfolder"] as? String ?? ""
                    if !name.isEmpty { files.append(folder.isEmpty ? name : "\(folder)/\(name)") }
                }
            }
        }
        if !files.isEmpty { info["outputs"] = Array(files.sorted().prefix(10)) }
        return info
    }

    static func job_(_ job: [String: Any], depth: Int) -> [String: Any]? {
        let id = job["id"] as! String
        if let status = job["execution_status"] as? [String: Any] {
            var prompt: [Any] = [job["priority"] ?? NSNull(), id, (job["workflow"] as? [String: Any])?["prompt"] ?? [:]]
            if let created = job["create_time"] { prompt.append(["create_time": created]) }
            var entry: [String: Any] = ["prompt": prompt, "status": status]
            entry["outputs"] = job["outputs"]
            return history(id: id, entry: entry, depth: depth)
        }
        var info: [String: Any] = ["id": id, "number": job["priority"] as Any]
        if let created = job["create_time"] as? NSNumber { info["create_time"] = iso(created) }
        let start = job["execution_start_time"] as? NSNumber
        let end = job["execution_end_time"] as? NSNumber
        switch job["status"] as? String {
        case "pending": info["type"] = "queue"; info["status"] = "pending"; return info
        case "in_progress":
            info["type"] = "queue"; info["status"] = "running"
            if let start { info["start_time"] = iso(start) }
            return info
        case "completed": info["status"] = "completed"
        case "failed" where job["execution_error"] != nil: info["status"] = "failed"
        case "failed", "cancelled": info["status"] = "interrupted"
        default: return nil
        }
        info["type"] = "history"
        info["result"] = info["status"] as? String == "completed" ? "success" : "failure"
        if let start { info["start_time"] = iso(start) }
        if let end { info["end_time"] = iso(end) }
        if let start, let end { info["duration_ms"] = end.int64Value - start.int64Value }
        if info["status"] as? String == "failed", let error = job["execution_error"] as? [String: Any] {
            info["error_info"] = errorInfo(error, depth: depth)
            if let node = error["node_id"] as? String {
                info["current_node"] = (error["node_type"] as? String).map { ["id": node, "type": $0] } ?? ["id": node]
            }
            if let time = error["timestamp"] as? NSNumber {
                info["end_time"] = iso(time)
                if let start { info["duration_ms"] = time.int64Value - start.int64Value }
            }
        }
        if let preview = job["preview_output"] as? [String: Any], preview["type"] as? String == "output", let name = preview["filename"] as? String {
            let folder = preview["subfolder"] as? String ?? ""
            info["outputs"] = [folder.isEmpty ? name : "\(folder)/\(name)"]
        }
        return info
    }

    static func errorInfo(_ error: [String: Any], depth: Int) -> [String: Any] {
        var info: [String: Any] = [:]
        if let type = error["exception_type"] as? String {
            info["type"] = type.components(separatedBy: "/").last ?? type
        }
        if let message = error["exception_message"] as? String {
            let trimmed = message.trimmingCharacters(in: .whitespacesAndNewlines)
            info["message"] = trimmed.count > 500 ? String(trimmed.prefix(499)) + "…" : trimmed
        }
        let frames = (error["traceback"] as? [String] ?? []).suffix(depth)
        info["traceback"] = frames.map(frame)
        return info
    }

    static func frame(_ raw: String) -> String {
        let line = raw.components(separatedBy: "\n").first { !$0.trimmingCharacters(in: .whitespaces).isEmpty }?.trimmingCharacters(in: .whitespaces) ?? ""
        let regex = try! NSRegularExpression(pattern: #"^File "(.+)", line (\d+), in (.+)$"#)
        guard let match = regex.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)),
            let path = Range(match.range(at: 1), in: line), let number = Range(match.range(at: 2), in: line),
            let function = Range(match.range(at: 3), in: line)
        else { return line }
        let components = line[path].split(separator: "/")
        return "\(components.suffix(2).joined(separator: "/")), line \(line[number]), in \(line[function])"
    }

    static func iso(_ milliseconds: NSNumber) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date(timeIntervalSince1970: milliseconds.doubleValue / 1000))
    }
}
