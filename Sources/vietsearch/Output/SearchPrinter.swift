import VietSearch

/// Formats search answers: one JSON object per line, or a ranked table (with score breakdowns when
/// explaining) for people.
struct SearchPrinter {
    var json: Bool
    var explain: Bool
    /// Stored fields shown after the id (`--fields`, id excluded), in order; JSON gives null for a hit
    /// without one.
    var fields = ["title"]
    /// Show `SearchHit.snippets` (`--snippets`).
    var snippets = false
    /// Mark snippet matches with ANSI bold instead of brackets.
    var terminal = false

    private static let titleWidth = 70

    /// The whole output for one answer, ending with a newline.
    func format(_ answer: SearchCommand.Answer) -> String {
        json ? jsonLine(answer) : table(answer)
    }

    /// The JSON line answering a query that does not parse, so a driver reading one line per query
    /// stays in step.
    func errorLine(query: String, error: VietSearchError, column: Int) -> String {
        JSONValue.object([
            ("query", .string(query)),
            ("error", .string(error.cliMessage)),
            ("column", .int(column)),
        ]).encoded + "\n"
    }

    // MARK: JSON

    private func jsonLine(_ answer: SearchCommand.Answer) -> String {
        let hits = answer.results.hits.map { hit -> JSONValue in
            var members: [(String, JSONValue)] = [
                ("id", .string(hit.id)),
                ("score", .double(hit.score)),
            ] + fields.map { ($0, hit[$0].map(JSONValue.string) ?? .null) }
            if explain, let explanation = hit.explanation {
                members.append(("explanation", Self.json(explanation)))
            }
            if snippets { members.append(("snippets", SnippetPrinter.json(hit.snippets))) }
            return .object(members)
        }
        return JSONValue.object([
            ("query", .string(answer.query)),
            ("total_hits", .int(answer.results.totalHits)),
            ("total_hits_relation", .string(answer.results.totalHitsIsExact ? "eq" : "gte")),
            ("suggestion", answer.results.suggestion.map(JSONValue.string) ?? .null),
            ("took_us", .double((answer.microseconds * 1000).rounded() / 1000)),
            ("hits", .array(hits)),
        ]).encoded + "\n"
    }

    private static func json(_ explanation: Explanation) -> JSONValue {
        .object([
            ("score", .double(explanation.score)),
            ("components", .array(explanation.components.map { component in
                .object([
                    ("clause", .string(component.clause)),
                    ("field", .string(component.field)),
                    ("key", .string(component.key)),
                    ("key_kind", .string(component.keyKind)),
                    ("boost", .double(component.boost)),
                    ("idf", .double(component.idf)),
                    ("tf", .double(component.tf)),
                    ("dl", .double(component.dl)),
                    ("avgdl", .double(component.avgdl)),
                    ("k1", .double(component.k1)),
                    ("b", .double(component.b)),
                    ("score", .double(component.score)),
                ])
            })),
        ])
    }

    // MARK: Text

    private func table(_ answer: SearchCommand.Answer) -> String {
        let results = answer.results
        let count = results.totalHitsIsExact ? "\(results.totalHits)" : "at least \(results.totalHits)"
        var out = "\(count) hits for \(answer.query) (\(TextFormat.fixed(answer.microseconds / 1000, digits: 3)) ms)\n"
        if let suggestion = results.suggestion { out += "Did you mean: \(suggestion)\n" }
        guard !results.hits.isEmpty else { return out + "\n" }
        let rankWidth = max(4, String(results.hits.count).count)
        let scores = results.hits.map { TextFormat.fixed($0.score, digits: 6) }
        let scoreWidth = max(5, scores.map(\.count).max() ?? 0)
        let idWidth = max(2, results.hits.map(\.id.count).max() ?? 0)
        // The first shown field is the last column; further fields get a line each under the hit.
        let column = fields.first
        let indent = String(repeating: " ", count: rankWidth + 2)
        out += TextFormat.rightAligned("rank", to: rankWidth) + "  " + TextFormat.rightAligned("score", to: scoreWidth)
            + "  " + (column.map { TextFormat.padded("id", to: idWidth) + "  " + $0 } ?? "id") + "\n"
        for (offset, hit) in results.hits.enumerated() {
            let row = TextFormat.rightAligned(String(offset + 1), to: rankWidth) + "  "
                + TextFormat.rightAligned(scores[offset], to: scoreWidth) + "  "
            if let column {
                out += row + TextFormat.padded(hit.id, to: idWidth) + "  " + Self.shortened(hit[column]) + "\n"
            } else {
                out += row + hit.id + "\n"
            }
            for field in fields.dropFirst() { out += indent + field + ": " + Self.shortened(hit[field]) + "\n" }
            if snippets {
                out += SnippetPrinter.text(hit.snippets, indent: indent, terminal: terminal)
            }
            if explain, let explanation = hit.explanation {
                out += Self.breakdown(explanation, indent: indent)
            }
        }
        return out + "\n"
    }

    /// One line per component: the BM25 product with every factor, then the sum.
    private static func breakdown(_ explanation: Explanation, indent: String) -> String {
        var out = ""
        for component in explanation.components {
            let f = TextFormat.significant
            out += indent + TextFormat.fixed(component.score, digits: 6) + "  \(component.clause) in \(component.field)"
                + " (\(component.keyKind) key \"\(component.key)\"): "
                + "\(f(component.boost)) × idf \(f(component.idf)) × tf \(f(component.tf)) / (tf + k1 \(f(component.k1))"
                + " × (1 − b \(f(component.b)) + b × dl \(f(component.dl)) / avgdl \(f(component.avgdl))))\n"
        }
        return out + indent + TextFormat.fixed(explanation.score, digits: 6) + "  = sum of \(explanation.components.count) components\n"
    }

    private static func shortened(_ value: String?) -> String {
        TextFormat.truncated(oneLine(value ?? ""), to: titleWidth)
    }

    private static func oneLine(_ text: String) -> String {
        String(text.map { $0.isNewline ? " " : $0 })
    }
}
