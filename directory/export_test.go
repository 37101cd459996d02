package directory

// SetTestHook sets the function builds call at their named points (see hook); nil removes it.
func SetTestHook(f func(point string)) { testHook = f }

// SetRestoreStep sets how many pages a restore copies at a time.
func SetRestoreStep(pages int32) { restoreStep = pages }

// SetSortBudget sets the size of a build's sort buffers.
func SetSortBudget(bytes int) { sortBudget = bytes }

// SetCompactMin sets the smallest delta a write folds into a new base.
func SetCompactMin(rows int) { compactMin = rows }
