/// The candidate closest to `word` by edit distance, when it is close enough to
/// be a likely typo (distance at most a third of the word's length, at least 1).
/// Used for "unknown key 'bandwith' (did you mean 'bandwidth'?)".
public func nearest(_ word: String, in candidates: [String]) -> String? {
    let limit = max(1, (word.count + 2) / 3)
    var best: (String, Int)?
    for candidate in candidates {
        let d = editDistance(word.lowercased(), candidate.lowercased())
        if d <= limit, d < (best?.1 ?? Int.max) { best = (candidate, d) }
    }
    return best?.0
}

/// Levenshtein distance over Unicode characters.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            let cost = a[i - 1] == b[j - 1] ? 0 : 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}

/// `" (did you mean 'x'?)"` for the nearest candidate, or `""` when none is close.
public func didYouMean(_ word: String, in candidates: [String]) -> String {
    didYouMean(nearest(word, in: candidates))
}

/// `" (did you mean 'x'?)"` for a known suggestion, or `""`.
public func didYouMean(_ suggestion: String?) -> String {
    suggestion.map { " (did you mean '\($0)'?)" } ?? ""
}
