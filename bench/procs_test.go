package bench_test

import "runtime"

// runtimeProcs is GOMAXPROCS: RunParallel starts SetParallelism × this many goroutines.
func runtimeProcs() int { return runtime.GOMAXPROCS(0) }
