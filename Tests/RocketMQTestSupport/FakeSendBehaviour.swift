/// How the fake broker answers one SEND_MESSAGE_V2.
public enum FakeSendBehaviour: Sendable, Equatable {
    /// The captured SEND_OK reply (after the auto-create and queue id checks a real broker makes).
    case ok
    /// The captured code-1 reply, with `code` and, when given, `remark` patched in.
    case reject(code: Int, remark: String? = nil)
    /// No reply at all.
    case hang
    /// The connection closes without a reply.
    case closeWithoutReply
    /// Half of the captured SEND_OK frame, then the connection closes.
    case closeMidFrame
}
