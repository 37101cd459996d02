package directory

import "context"

// Warm loads the in-memory name index now (otherwise the first name search loads it), so that the first search an
// attendant types is as fast as the next ones. Safe to call in the background, concurrently with searches.
func (d *Directory) Warm(ctx context.Context) error {
	_, err := d.namesFor(ctx)
	return err
}
