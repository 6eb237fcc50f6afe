import Foundation
import MemwallModel

/// Reads the measurement CSV format (docs/calibration.md): a header row, then one row per
/// measurement. Lines starting with `#` are comments (provenance notes); fields may be quoted
/// with `"` (a doubled `""` inside is a quote). Every error names the file, the line and the
/// column, and says what was expected.
public enum MeasurementCSV {
    /// Columns every file must have.
    public static let requiredColumns = ["kernel", "shape", "dtype", "time_s", "device", "source"]
    /// Columns a file may have; measured bytes go in `bytes_<tier>` columns.
    public static let optionalColumns = ["variant", "driver", "library", "date", "notes"]
    /// Prefix of the measured-bytes columns (`bytes_hbm`, `bytes_l2`).
    public static let bytesPrefix = "bytes_"

    /// Loads a measurement file.
    public static func load(contentsOf path: String) throws(SpecError) -> [KernelMeasurement] {
        // Size first: refuse huge files before reading them; an empty file is "" (see SpecDocument).
        if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int {
            guard size <= SpecDocument.maximumSize else {
                throw SpecError(file: path, message: "file is \(size) bytes; expected at most \(SpecDocument.maximumSize) bytes")
            }
            if size == 0 { return try parse("", file: path) }
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SpecError(file: path, message: "cannot read the file; expected a measurement CSV")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw SpecError(file: path, message: "not UTF-8 text; expected a measurement CSV")
        }
        return try parse(text, file: path)
    }

    /// Parses measurement CSV text; `file` names it in errors.
    public static func parse(_ text: String, file: String = "<measurements>") throws(SpecError) -> [KernelMeasurement] {
        guard text.utf8.count <= SpecDocument.maximumSize else {
            throw SpecError(file: file, message: "file is \(text.utf8.count) bytes; expected at most \(SpecDocument.maximumSize) bytes")
        }
        var header: [String]?
        var measurements: [KernelMeasurement] = []
        // "\r\n" is one Character in Swift: split on both line ends (Python's csv module writes CRLF).
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        for (index, rawLine) in lines.enumerated() {
            let line = rawLine.hasSuffix("\r") ? String(rawLine.dropLast()) : String(rawLine)
            let number = index + 1
            if line.trimmingCharacters(in: .whitespaces).isEmpty || line.hasPrefix("#") { continue }
            let fields = try split(line, file: file, line: number)
            guard let columns = header else {
                header = try checkHeader(fields, file: file, line: number)
                continue
            }
            guard fields.count == columns.count else {
                throw SpecError(file: file, line: number,
                                message: "\(fields.count) fields; expected \(columns.count), one per header column (\(columns.joined(separator: ",")))")
            }
            let row = Row(values: Dictionary(uniqueKeysWithValues: zip(columns, fields)), file: file, line: number)
            measurements.append(try row.measurement(bytesColumns: columns.filter { $0.hasPrefix(bytesPrefix) }))
        }
        guard header != nil else {
            throw SpecError(file: file, message: "no header row; expected a first row naming the columns \(requiredColumns.joined(separator: ","))")
        }
        guard !measurements.isEmpty else {
            throw SpecError(file: file, message: "no measurement rows; expected at least one row after the header")
        }
        return measurements
    }

    /// Splits one line at commas outside double quotes.
    static func split(_ line: String, file: String, line number: Int) throws(SpecError) -> [String] {
        var fields: [String] = []
        var field = ""
        var quoted = false
        var characters = Array(line)[...]
        var column = 0
        while let c = characters.popFirst() {
            column += 1
            if quoted {
                if c == "\"" {
                    if characters.first == "\"" { field.append("\""); characters.removeFirst(); column += 1 } else { quoted = false }
                } else {
                    field.append(c)
                }
            } else if c == "\"" {
                guard field.trimmingCharacters(in: .whitespaces).isEmpty else {
                    throw SpecError(file: file, line: number, column: column,
                                    message: "quote inside an unquoted field; expected a field quoted from its start")
                }
                field = ""
                quoted = true
            } else if c == "," {
                fields.append(field.trimmingCharacters(in: .whitespaces))
                field = ""
            } else {
                field.append(c)
            }
        }
        guard !quoted else {
            throw SpecError(file: file, line: number, column: column, message: "unterminated quoted field; expected a closing '\"'")
        }
        fields.append(field.trimmingCharacters(in: .whitespaces))
        return fields
    }

    static func checkHeader(_ fields: [String], file: String, line: Int) throws(SpecError) -> [String] {
        let known = requiredColumns + optionalColumns
        var seen: Set<String> = []
        for (index, name) in fields.enumerated() {
            guard known.contains(name) || (name.hasPrefix(bytesPrefix) && name.count > bytesPrefix.count) else {
                throw SpecError(file: file, line: line, keyPath: "column \(index + 1)",
                                message: "unknown column '\(name)'\(didYouMean(name, in: known)); expected \(known.joined(separator: ", ")) or bytes_<tier>")
            }
            guard seen.insert(name).inserted else {
                throw SpecError(file: file, line: line, keyPath: "column \(index + 1)", message: "duplicate column '\(name)'; expected each column once")
            }
        }
        for name in requiredColumns where !seen.contains(name) {
            throw SpecError(file: file, line: line, message: "missing column '\(name)'; expected the columns \(requiredColumns.joined(separator: ","))")
        }
        return fields
    }

    /// One data row with its location.
    struct Row {
        let values: [String: String]
        let file: String
        let line: Int

        func error(_ column: String, _ message: String) -> SpecError {
            SpecError(file: file, line: line, keyPath: "column '\(column)'", message: message)
        }

        func required(_ column: String) throws(SpecError) -> String {
            let value = values[column] ?? ""
            guard !value.isEmpty else { throw error(column, "empty; expected a value") }
            return value
        }

        func measurement(bytesColumns: [String]) throws(SpecError) -> KernelMeasurement {
            let kernelText = try required("kernel")
            guard let kernel = KernelMeasurement.Kernel(rawValue: kernelText) else {
                let names = KernelMeasurement.Kernel.allCases.map(\.rawValue)
                throw error("kernel", "unknown kernel '\(kernelText)'\(didYouMean(kernelText, in: names)); expected one of \(names.joined(separator: ", "))")
            }
            let variant = values["variant"] ?? ""
            if !variant.isEmpty && !kernel.variants.contains(variant) {
                let allowed = kernel.variants.isEmpty ? "no variant for \(kernel.rawValue)" : "one of \(kernel.variants.joined(separator: ", "))"
                throw error("variant", "'\(variant)' is not a variant of \(kernel.rawValue); expected \(allowed)")
            }
            let dtypeText = try required("dtype")
            guard let dtype = DType(rawValue: dtypeText) else {
                let names = DType.allCases.map(\.rawValue)
                throw error("dtype", "unknown dtype '\(dtypeText)'\(didYouMean(dtypeText, in: names)); expected one of \(names.joined(separator: ", "))")
            }
            let timeText = try required("time_s")
            guard let time = Double(timeText), time.isFinite, time > 0 else {
                throw error("time_s", "'\(timeText)' is not a time; expected seconds as a number > 0, like 1.5e-3")
            }
            var bytes: [String: Double] = [:]
            for column in bytesColumns {
                guard let text = values[column], !text.isEmpty else { continue }
                guard let value = Double(text), value.isFinite, value >= 0 else {
                    throw error(column, "'\(text)' is not a byte count; expected a number >= 0 (or empty when not measured)")
                }
                bytes[String(column.dropFirst(MeasurementCSV.bytesPrefix.count))] = value
            }
            let provenance = KernelMeasurement.Provenance(device: try required("device"), driver: values["driver"] ?? "",
                                                    library: values["library"] ?? "", date: values["date"] ?? "",
                                                    source: try required("source"))
            return KernelMeasurement(kernel: kernel, variant: kernel.variants.isEmpty ? "" : (variant.isEmpty ? kernel.variants[0] : variant),
                               shape: try shape(for: kernel), dtype: dtype, time: time, bytesByTier: bytes,
                               provenance: provenance, location: "\(file):\(line)")
        }

        /// The values a shape key accepts: flags 0 or 1; a whole model's config keys within the model
        /// builder's own ranges (``ModelConfig``), so a row cannot ask for 10^9 layers; others up to 10^9.
        static func range(of key: String, kernel: KernelMeasurement.Kernel) -> ClosedRange<Int> {
            switch key {
            case "causal", "tied": return 0...1
            case "ctx": return 0...1_000_000_000
            case "layers": return ModelConfig.layerRange
            case "vocab": return ModelConfig.vocabRange
            case "h", "ffn" where kernel == .model || kernel == .layer: return ModelConfig.sizeRange
            case "hq", "hkv" where kernel == .model || kernel == .layer: return ModelConfig.headRange
            default: return 1...1_000_000_000
            }
        }

        /// `key=value` pairs separated by spaces; keys from the kernel's list, values positive integers.
        func shape(for kernel: KernelMeasurement.Kernel) throws(SpecError) -> [String: Int] {
            let text = try required("shape")
            let allowed = kernel.requiredKeys + kernel.optionalKeys
            var shape: [String: Int] = [:]
            for pair in text.split(separator: " ", omittingEmptySubsequences: true) {
                let parts = pair.split(separator: "=", omittingEmptySubsequences: false)
                guard parts.count == 2 else {
                    throw error("shape", "'\(pair)' is not key=value; expected pairs like \(allowed.map { "\($0)=..." }.joined(separator: " "))")
                }
                let key = String(parts[0])
                guard allowed.contains(key) else {
                    throw error("shape", "unknown key '\(key)' for \(kernel.rawValue)\(didYouMean(key, in: allowed)); expected \(allowed.joined(separator: ", "))")
                }
                let limit = Self.range(of: key, kernel: kernel)
                guard let value = Int(parts[1]), limit.contains(value) else {
                    throw error("shape", "\(key)='\(parts[1])' is not an integer in \(limit.lowerBound)...\(limit.upperBound)")
                }
                guard shape.updateValue(value, forKey: key) == nil else {
                    throw error("shape", "\(key) given twice; expected each key once")
                }
            }
            for key in kernel.requiredKeys where shape[key] == nil {
                throw error("shape", "missing \(key) for \(kernel.rawValue); expected \(kernel.requiredKeys.joined(separator: ", "))")
            }
            if kernel == .layer || kernel == .model, shape["d"] == nil, let h = shape["h"], let hq = shape["hq"], h % hq != 0 {
                throw error("shape", "h=\(h) is not a multiple of hq=\(hq); expected d= for the head dimension")
            }
            if kernel == .attention || kernel == .decodeAttention || kernel == .layer || kernel == .model, let hq = shape["hq"], let hkv = shape["hkv"],
               hq % hkv != 0 {
                throw error("shape", "hq=\(hq) is not a multiple of hkv=\(hkv); expected query heads in whole groups per key/value head")
            }
            return shape
        }
    }
}
