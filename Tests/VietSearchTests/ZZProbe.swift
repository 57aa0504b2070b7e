import Foundation
import XCTest
@testable import VietSearch
import VietSearchQuery

final class ZZProbe: XCTestCase {
    func testProbe() throws {
        let docsText = try String(contentsOfFile: "/work/shared/data/vi-docs.jsonl", encoding: .utf8)
        var docs: [Document] = []
        for line in docsText.split(separator: "\n") {
            let obj = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            docs.append(Document(id: obj["id"] as! String, title: obj["title"] as? String ?? "", body: obj["body"] as? String ?? ""))
        }
        let index = Index.inMemory(configuration: IndexConfiguration(memoryBudget: Int(ProcessInfo.processInfo.environment["BUDGET"] ?? "67108864")!))
        var t = Date()
        let w = try index.writer()
        for _ in 0..<5 { }
        for d in docs { try w.add(d) }
        try w.commit()
        w.close()
        print("PROBE index", docs.count, Date().timeIntervalSince(t), try index.statistics().segments)
        let qText = try String(contentsOfFile: "/work/shared/data/vi-queries.jsonl", encoding: .utf8)
        var queries: [(String, [String])] = []
        for line in qText.split(separator: "\n") {
            let obj = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            queries.append((obj["query"] as! String, obj["relevant"] as! [String]))
        }
        let s = try index.searcher()
        t = Date()
        var hit1 = 0, hit10 = 0
        for (q, rel) in queries {
            let r = try s.search(q)
            if let f = r.first, rel.contains(f.id) { hit1 += 1 }
            if r.contains(where: { rel.contains($0.id) }) { hit10 += 1 }
        }
        let engine = s.engineForProbe
        t = Date()
        for _ in 0..<5 { for (q, _) in queries { _ = try engine.search(q, options: QueryOptions()) } }
        print("PROBE engine-only x5", Date().timeIntervalSince(t))
        print("PROBE queries", queries.count, Date().timeIntervalSince(t), "p@1", hit1, "r@10", hit10)
        for q in ["dan*", "a*", "\"cấp ủy\"", "d* OR n* OR t*"] {
            t = Date()
            let r = try s.search(q, options: SearchOptions(limit: 10, explain: true))
            print("PROBE", q, r.totalHits, Date().timeIntervalSince(t))
        }
    }
}
extension Searcher {
    var engineForProbe: QueryEngine { Mirror(reflecting: self).children.first { $0.label == "engine" }!.value as! QueryEngine }
}
