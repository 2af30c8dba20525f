/// The JSON header of a remoting frame as servers write it.
///
/// Unknown keys (`serializeTypeCurrentRPC`) are ignored. `extFields` values that are numbers or
/// booleans are turned into strings; `null` values are dropped.
struct RemotingHeaderJSON: Decodable {
    var code: Int
    var language: String?
    var version: Int?
    var opaque: Int32?
    var flag: Int?
    var remark: String?
    var extFields: [String: String]

    private enum CodingKeys: String, CodingKey {
        case code, language, version, opaque, flag, remark, extFields
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        code = try container.decode(Int.self, forKey: .code)
        language = try container.decodeIfPresent(String.self, forKey: .language)
        version = try container.decodeIfPresent(Int.self, forKey: .version)
        opaque = try container.decodeIfPresent(Int32.self, forKey: .opaque)
        flag = try container.decodeIfPresent(Int.self, forKey: .flag)
        remark = try container.decodeIfPresent(String.self, forKey: .remark)
        extFields = [:]
        if container.contains(.extFields), try !container.decodeNil(forKey: .extFields) {
            let fields = try container.nestedContainer(keyedBy: AnyKey.self, forKey: .extFields)
            for key in fields.allKeys {
                if let value = try Self.scalarText(in: fields, forKey: key) {
                    extFields[key.stringValue] = value
                }
            }
        }
    }

    /// A string, number or boolean as text; `nil` for `null`; throws for objects and arrays.
    private static func scalarText(in container: KeyedDecodingContainer<AnyKey>, forKey key: AnyKey) throws -> String? {
        if try container.decodeNil(forKey: key) { return nil }
        if let text = try? container.decode(String.self, forKey: key) { return text }
        if let number = try? container.decode(Int64.self, forKey: key) { return String(number) }
        if let number = try? container.decode(UInt64.self, forKey: key) { return String(number) }
        if let flag = try? container.decode(Bool.self, forKey: key) { return String(flag) }
        if let number = try? container.decode(Double.self, forKey: key) { return String(number) }
        throw DecodingError.typeMismatch(
            String.self,
            DecodingError.Context(
                codingPath: container.codingPath + [key],
                debugDescription: "extFields value is not a string, number or boolean"
            )
        )
    }
}
