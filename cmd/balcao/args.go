package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/balcao/balcao/i18n"
)

// noArgs refuses arguments with a pt-BR message (cobra's own is English).
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf(i18n.ArgsNone, args[0], cmd.CommandPath())
	}
	return nil
}

// exactArgs wants n arguments, with a pt-BR message naming what is missing.
func exactArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return fmt.Errorf(i18n.ArgsExact, cmd.Use, len(args), cmd.CommandPath())
		}
		return nil
	}
}
