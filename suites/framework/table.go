package framework

import (
	"github.com/onsi/ginkgo/v2"
)

// Row is one entry of a table of specs that differ only in data: its
// requirement (ID, commands, needs, as for It), the text of its spec and the
// data its body gets.
type Row[D any] struct {
	Req  Requirement
	Text string
	Data D
}

// Table registers one spec per row with Ginkgo's DescribeTable, all with the
// same body: a variant grid (the end-of-data look-alikes, the bad values of
// a parameter) is declared once as data. Each row is its own requirement,
// with its labels and verdict, exactly as if it had been written with It.
func Table[D any](text string, body func(t *T, data D), rows ...Row[D]) bool {
	// Each row's location is the caller's line (the table in the spec's
	// file), not this one: Entry skips helpers when it takes its location.
	ginkgo.GinkgoHelper()
	args := []any{ginkgo.Offset(1), func(ctx ginkgo.SpecContext, req Requirement, data D) {
		run(ctx, req, func(t *T) { body(t, data) })
	}}
	for _, row := range rows {
		req, err := row.Req.resolve()
		if err == nil {
			err = req.Validate()
		}
		if err != nil {
			// A malformed requirement is a bug in the spec tree, reported
			// when the tree is built, before any server is contacted.
			ginkgo.It(row.Text, ginkgo.Offset(1), func() { ginkgo.Fail(err.Error()) })
			continue
		}
		args = append(args, ginkgo.Entry(row.Text, ginkgo.Label(req.Labels()...), ginkgo.SpecTimeout(specTimeout()), req, row.Data))
	}
	return ginkgo.DescribeTable(text, args...)
}
