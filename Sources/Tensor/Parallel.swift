/// The one thread runtime for heavy loops: libgomp, the same OpenMP runtime oneDNN runs on (`OpenMP`), so our loops
/// and oneDNN's never keep two pools of spinning threads on two cores.
public enum Parallel {
    /// Threads used by our loops and by oneDNN (default: all cores, or `OMP_NUM_THREADS`).
    public static var threadCount: Int { OpenMP.maxThreads }

    /// Sets the thread count for our loops and for oneDNN.
    public static func setThreadCount(_ count: Int) {
        precondition(count >= 1, "Parallel: thread count must be at least 1")
        OpenMP.setMaxThreads(count)
    }

    /// Calls `body` on disjoint, contiguous chunks that together cover `0..<count`, one chunk per thread.
    /// Loops under `grain` total iterations run on the calling thread. `body` must only write to
    /// locations owned by its chunk.
    public static func forEach(_ count: Int, grain: Int = 1, _ body: (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let threads = min(threadCount, max(1, count / max(grain, 1)))
        guard threads > 1 else { body(0..<count); return }
        OpenMP.parallel(threads: threads) { thread, threads in
            let start = count * thread / threads, end = count * (thread + 1) / threads
            if start < end { body(start..<end) }
        }
    }

    /// A `grain` for items of `itemSize` elements each, so that a thread gets at least ~32K elements: smaller
    /// loops finish faster on one thread than the wake-up and barrier of a parallel region cost (and on a busy
    /// machine a region waits for its slowest thread).
    static func grain(itemSize: Int) -> Int { max(1, (1 << 15) / max(itemSize, 1)) }
}
