import Foundation

/// `text` with each Unicode scalar that `replacement` names replaced by that text: the one escaping loop behind the
/// JSON and the XML/HTML the project writes by hand.
public func escaped(_ text: String, _ replacement: (Unicode.Scalar) -> String?) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
        if let substitute = replacement(scalar) { out += substitute } else { out.unicodeScalars.append(scalar) }
    }
    return out
}

/// `text` as a JSON string literal: quotes, backslashes and control characters escaped (RFC 8259), for the
/// classification reports and safetensors headers.
public func jsonString(_ text: String) -> String {
    let body = escaped(text) { scalar in
        switch scalar {
        case "\"": "\\\""
        case "\\": "\\\\"
        case "\n": "\\n"
        case "\r": "\\r"
        case "\t": "\\t"
        case _ where scalar.value < 0x20: String(format: "\\u%04x", scalar.value)
        default: nil
        }
    }
    return "\"" + body + "\""
}
