import CDNNL

/// The one thread runtime for heavy loops: libgomp, the same OpenMP runtime oneDNN runs on, so our loops and
/// oneDNN's never keep two pools of spinning threads on two cores.
public enum Parallel {
    /// Threads used by our loops and by oneDNN (default: all cores, or `OMP_NUM_THREADS`).
    public static var threadCount: Int { Int(omp_get_max_threads()) }

    /// Sets the thread count for our loops and for oneDNN.
    public static func setThreadCount(_ count: Int) {
        precondition(count >= 1, "Parallel: thread count must be at least 1")
        omp_set_num_threads(Int32(count))
    }

    /// Calls `body` on disjoint, contiguous chunks that together cover `0..<count`, one chunk per thread.
    /// Loops under `grain` total iterations run on the calling thread. `body` must only write to
    /// locations owned by its chunk.
    public static func forEach(_ count: Int, grain: Int = 1, _ body: (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let threads = min(threadCount, max(1, count / max(grain, 1)))
        guard threads > 1 else { body(0..<count); return }
        withoutActuallyEscaping(body) { body in
            var job = Job(count: count, body: body)
            withUnsafeMutablePointer(to: &job) { pointer in
                GOMP_parallel({ raw in
                    let job = raw!.assumingMemoryBound(to: Job.self).pointee
                    let thread = Int(omp_get_thread_num()), threads = Int(omp_get_num_threads())
                    let start = job.count * thread / threads, end = job.count * (thread + 1) / threads
                    if start < end { job.body(start..<end) }
                }, pointer, UInt32(threads), 0)
            }
        }
    }

    /// A `grain` for items of `itemSize` elements each, so that a thread gets at least ~32K elements: smaller
    /// loops finish faster on one thread than the wake-up and barrier of a parallel region cost (and on a busy
    /// machine a region waits for its slowest thread).
    static func grain(itemSize: Int) -> Int { max(1, (1 << 15) / max(itemSize, 1)) }

    private struct Job {
        let count: Int
        let body: (Range<Int>) -> Void
    }
}
