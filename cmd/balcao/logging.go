package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/balcao/balcao/config"
)

// openLog opens the log file of cfg (never the terminal the console draws on). Personal data is masked at
// each call site with the model.Mask* functions.
func openLog(cfg *config.Config) (*slog.Logger, io.Closer, error) {
	if err := os.MkdirAll(filepath.Dir(cfg.Log.File), 0o700); err != nil {
		return nil, nil, fmt.Errorf("log dir: %w", err)
	}
	f, err := os.OpenFile(cfg.Log.File, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("log file %s: %w", cfg.Log.File, err)
	}
	return slog.New(slog.NewJSONHandler(f, &slog.HandlerOptions{Level: logLevel(cfg)})), f, nil
}

// stderrLog is the log of the headless commands (serve, ssh, sandbox): JSON lines on stderr.
func stderrLog(cfg *config.Config) *slog.Logger {
	return slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: logLevel(cfg)}))
}

func logLevel(cfg *config.Config) slog.Level {
	if cfg.Log.Debug {
		return slog.LevelDebug
	}
	return slog.LevelInfo
}
