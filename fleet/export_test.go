package fleet

// SetTestHook sets the function downloads call at their named points (see hook); nil removes it.
func SetTestHook(f func(point string)) { testHook = f }

// SetChunkSize sets how many bytes of a file one shipped chunk holds.
func SetChunkSize(n int) { chunkSize = n }

// SetShipFiles sets whether publications ship the directory's files (benchmarks compare both).
func SetShipFiles(on bool) { shipFiles = on }
