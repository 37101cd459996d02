package main

import (
	"errors"

	"github.com/spf13/cobra"
)

func newSSHCmd(g *globalFlags) *cobra.Command {
	return &cobra.Command{Use: "ssh", Short: "Console via SSH", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return errors.New("ssh: ainda não disponível") }}
}
