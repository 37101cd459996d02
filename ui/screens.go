package ui

import (
	"github.com/balcao/balcao/ui/common"
	"github.com/balcao/balcao/ui/guide"
	"github.com/balcao/balcao/ui/history"
	"github.com/balcao/balcao/ui/occurrence"
	"github.com/balcao/balcao/ui/pending"
	"github.com/balcao/balcao/ui/protocol"
)

// newProtocol opens a protocol's detail.
func newProtocol(ctx *common.Context, msg common.OpenProtocolMsg) common.Component {
	return protocol.New(ctx, msg)
}

// newGuide opens one authorization guide.
func newGuide(ctx *common.Context, msg common.OpenGuideMsg) common.Component {
	return guide.New(ctx, msg)
}

// newOccurrence opens Nova ocorrência for a beneficiary.
func newOccurrence(ctx *common.Context, msg common.NewOccurrenceMsg) common.Component {
	return occurrence.New(ctx, msg)
}

// newOccurrenceFromItem opens Nova ocorrência on an outbox item that needs correction.
func newOccurrenceFromItem(ctx *common.Context, item common.OutboxItem) common.Component {
	return occurrence.NewFromItem(ctx, item)
}

// newPending opens Pendências.
func newPending(ctx *common.Context) common.Component { return pending.New(ctx) }

// isPending reports whether a screen is Pendências.
func isPending(c common.Component) bool {
	_, ok := c.(*pending.Model)
	return ok
}

// newHistory opens the session history.
func newHistory(ctx *common.Context) common.Component { return history.New(ctx) }

// isHistory reports whether a screen is the session history.
func isHistory(c common.Component) bool {
	_, ok := c.(*history.Model)
	return ok
}
