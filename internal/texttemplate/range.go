// Copyright 2011 The Go Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package texttemplate

import (
	"reflect"
	"text/template/parse"
)

// walkRange is text/template's walkRange, with the per-kind loops moved to
// rangeOver, rangeSeq, rangeChan and rangeFunc and the loop body to
// rangeIteration.
func (s *state) walkRange(dot reflect.Value, r *parse.RangeNode) {
	s.at(r)
	defer func() {
		if r := recover(); r != nil && r != walkBreak {
			panic(r)
		}
	}()
	defer s.pop(s.mark())
	val, _ := indirect(s.evalPipeline(dot, r.Pipe))
	// mark top of stack before any variables in the body are pushed.
	mark := s.mark()
	if s.rangeOver(val, r, mark) {
		return
	}
	if r.ElseList != nil {
		s.walk(dot, r.ElseList)
	}
}

// rangeIteration runs the body of r once, with the range variables set to
// index and elem.
func (s *state) rangeIteration(r *parse.RangeNode, mark int, index, elem reflect.Value) {
	if len(r.Pipe.Decl) > 0 {
		if r.Pipe.IsAssign {
			// With two variables, index comes first.
			// With one, we use the element.
			if len(r.Pipe.Decl) > 1 {
				s.setVar(r.Pipe.Decl[0].Ident[0], index)
			} else {
				s.setVar(r.Pipe.Decl[0].Ident[0], elem)
			}
		} else {
			// Set top var (lexically the second if there
			// are two) to the element.
			s.setTopVar(1, elem)
		}
	}
	if len(r.Pipe.Decl) > 1 {
		if r.Pipe.IsAssign {
			s.setVar(r.Pipe.Decl[1].Ident[0], elem)
		} else {
			// Set next var (lexically the first if there
			// are two) to the index.
			s.setTopVar(2, index)
		}
	}
	defer s.pop(mark)
	defer func() {
		// Consume panic(walkContinue)
		if r := recover(); r != nil && r != walkContinue {
			panic(r)
		}
	}()
	s.walk(elem, r.List)
}

// rangeOver runs the body of r for each element of val and reports whether
// it ran at least once; when it did not, the else branch runs.
func (s *state) rangeOver(val reflect.Value, r *parse.RangeNode, mark int) bool {
	oneIteration := func(index, elem reflect.Value) {
		s.rangeIteration(r, mark, index, elem)
	}
	switch val.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if len(r.Pipe.Decl) > 1 {
			s.errorf("can't use %v to iterate over more than one variable", val)
		}
		return rangeSeq(val, oneIteration)
	case reflect.Array, reflect.Slice:
		if val.Len() == 0 {
			return false
		}
		for i := 0; i < val.Len(); i++ {
			oneIteration(reflect.ValueOf(i), val.Index(i))
		}
		return true
	case reflect.Map:
		if val.Len() == 0 {
			return false
		}
		for _, m := range sortMap(val) {
			oneIteration(m.Key, m.Value)
		}
		return true
	case reflect.Chan:
		return s.rangeChan(val, oneIteration)
	case reflect.Invalid:
		return false // An invalid value is likely a nil map, etc. and acts like an empty map.
	case reflect.Func:
		return s.rangeFunc(val, r, oneIteration)
	}
	s.errorf("range can't iterate over %v", val)
	panic("not reached")
}

// rangeSeq ranges over val.Seq() (an integer or an iterator function)
// and reports whether it yielded anything.
func rangeSeq(val reflect.Value, oneIteration func(index, elem reflect.Value)) bool {
	run := false
	for v := range val.Seq() {
		run = true
		// Pass element as second value, as we do for channels.
		oneIteration(reflect.Value{}, v)
	}
	return run
}

// rangeChan receives from the channel val until it is closed.
func (s *state) rangeChan(val reflect.Value, oneIteration func(index, elem reflect.Value)) bool {
	if val.IsNil() {
		return false
	}
	if val.Type().ChanDir() == reflect.SendDir {
		s.errorf("range over send-only channel %v", val)
	}
	i := 0
	for ; ; i++ {
		elem, ok := val.Recv()
		if !ok {
			break
		}
		oneIteration(reflect.ValueOf(i), elem)
	}
	return i > 0
}

// rangeFunc ranges over an iterator function.
func (s *state) rangeFunc(val reflect.Value, r *parse.RangeNode, oneIteration func(index, elem reflect.Value)) bool {
	if val.Type().CanSeq() {
		if len(r.Pipe.Decl) > 1 {
			s.errorf("can't use %v iterate over more than one variable", val)
		}
		return rangeSeq(val, oneIteration)
	}
	if val.Type().CanSeq2() {
		run := false
		for i, v := range val.Seq2() {
			run = true
			if len(r.Pipe.Decl) > 1 {
				oneIteration(i, v)
			} else {
				// If there is only one range variable,
				// oneIteration will use the
				// second value.
				oneIteration(reflect.Value{}, i)
			}
		}
		return run
	}
	s.errorf("range can't iterate over %v", val)
	panic("not reached")
}
