package manifest

import "gopkg.in/yaml.v3"

// arena hands out the memory a scan keeps for its whole run (the nodes of
// each document) as parts of larger blocks, one arena per reading
// goroutine, and the buffer it reads each file into. Kept apart, each part
// would share its pages with the parser's garbage, and those pages would
// stay in use once the garbage is freed. A part is capped at its length,
// so an append reallocates instead of writing into a neighbour. A block
// lives as long as one of its parts; large requests get a block of their
// own. A nil arena allocates every request on its own.
type arena struct {
	nodes []yaml.Node
	ptrs  []*yaml.Node
	// scratch holds the file being read, until its bytes are kept or
	// released.
	scratch []byte
}

// Block sizes, in elements, the largest request served from a block, and
// the largest file read into the scratch buffer.
const (
	arenaNodes, arenaNodesMax = 512, 128
	arenaPtrs, arenaPtrsMax   = 2048, 512
	arenaScratchMax           = 64 << 10
)

func (a *arena) nodeSlice(n int) []yaml.Node {
	if a == nil || n > arenaNodesMax {
		return make([]yaml.Node, n)
	}
	if n > len(a.nodes) {
		a.nodes = make([]yaml.Node, arenaNodes)
	}
	s := a.nodes[:n:n]
	a.nodes = a.nodes[n:]
	return s
}

func (a *arena) ptrSlice(n int) []*yaml.Node {
	if a == nil || n > arenaPtrsMax {
		return make([]*yaml.Node, n)
	}
	if n > len(a.ptrs) {
		a.ptrs = make([]*yaml.Node, arenaPtrs)
	}
	s := a.ptrs[:n:n]
	a.ptrs = a.ptrs[n:]
	return s
}

// readBuf returns an empty slice of capacity n to read a file into: the
// scratch buffer when it is small enough, which the next file reuses.
func (a *arena) readBuf(n int) []byte {
	if a == nil || n > arenaScratchMax {
		return make([]byte, 0, n)
	}
	if cap(a.scratch) < n {
		a.scratch = make([]byte, 0, max(n, 8<<10))
	}
	return a.scratch[:0:n]
}

// keep returns data where it outlives the next read: a copy when it is in
// the scratch buffer.
func (a *arena) keep(data []byte) []byte {
	if a == nil || cap(data) == 0 || cap(a.scratch) == 0 || &data[:cap(data)][0] != &a.scratch[:cap(a.scratch)][0] {
		return data
	}
	return append(make([]byte, 0, len(data)), data...)
}
