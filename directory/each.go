package directory

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/balcao/balcao/model"
)

// Each calls fn with every beneficiary of the directory (normalised, contracts in number order), read from one
// snapshot, in the directory's own order; an error of fn stops it and is returned. It holds one beneficiary at a
// time: a whole directory can be streamed elsewhere in bounded memory.
func (d *Directory) Each(ctx context.Context, fn func(model.Beneficiary) error) error {
	tx, err := d.rdb.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("directory each: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	rows, err := tx.QueryContext(ctx, `SELECT `+columns+` FROM beneficiaries b ORDER BY b.rk`)
	if err != nil {
		return fmt.Errorf("directory each: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		_, b, err := scan(rows)
		if err != nil {
			return fmt.Errorf("directory each: %w", err)
		}
		if err := fn(b); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("directory each: %w", err)
	}
	return nil
}
