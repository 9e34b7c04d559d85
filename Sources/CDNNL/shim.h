// oneDNN (Debian's libdnnl-dev 2.6, OpenMP build) and the libgomp entry points Perseus uses as its one
// thread runtime, so that our own parallel loops share oneDNN's threads instead of fighting them.
#include <oneapi/dnnl/dnnl.h>

// libgomp's stable ABI (what `#pragma omp parallel` compiles to); declared here because Swift cannot use pragmas.
void GOMP_parallel(void (*fn)(void *), void *data, unsigned num_threads, unsigned flags);
int omp_get_thread_num(void);
int omp_get_num_threads(void);
int omp_get_max_threads(void);
void omp_set_num_threads(int);

// glibc's allocator thresholds (the engine keeps large per-step allocations in the heap; see BufferPool).
#include <malloc.h>
