import CDNNL

/// libgomp, the OpenMP runtime oneDNN runs on, as `Parallel` uses it: our loops run on oneDNN's threads, so the two
/// never keep two pools of spinning threads on two cores.
enum OpenMP {
    /// Threads a parallel region uses (default: all cores, or `OMP_NUM_THREADS`); oneDNN uses as many.
    static var maxThreads: Int { Int(omp_get_max_threads()) }

    static func setMaxThreads(_ count: Int) { omp_set_num_threads(Int32(count)) }

    /// Runs `body(thread, threads)` on each of `threads` threads (the calling one among them) and returns when all
    /// have finished.
    static func parallel(threads: Int, _ body: (_ thread: Int, _ threads: Int) -> Void) {
        withoutActuallyEscaping(body) { body in
            var region = Region(body: body)
            withUnsafeMutablePointer(to: &region) { pointer in
                GOMP_parallel({ raw in
                    let region = raw!.assumingMemoryBound(to: Region.self).pointee
                    region.body(Int(omp_get_thread_num()), Int(omp_get_num_threads()))
                }, pointer, UInt32(threads), 0)
            }
        }
    }

    private struct Region {
        let body: (Int, Int) -> Void
    }
}
