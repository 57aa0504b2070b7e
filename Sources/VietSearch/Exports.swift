// Host apps that import VietSearch also see the analysis types (Token, AnalyzedText, VietnameseAnalyzer),
// so `vietsearch analyze` and applications can show exactly what the index sees.
@_exported import VietSearchAnalysis
