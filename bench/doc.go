// Package bench holds Litmus's benchmarks: Go benchmarks of the hot paths and of the results
// at scale (go test -bench, in the _test.go files here), the load script load.sh with its wrk
// script, the reference server it compares Litmus with (bench/reference) and the SQLite
// group-commit ceiling (bench/sqliteceiling). README.md says how to run them; RESULTS.md holds
// the numbers and what limits each. Nothing here is imported by Litmus.
package bench
