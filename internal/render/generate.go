package render

import (
	"bufio"
	"bytes"
	"path"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/bosunhq/bosun/internal/kustomize"
	"github.com/bosunhq/bosun/internal/manifest"
)

// generators builds the ConfigMaps and Secrets of configMapGenerator and
// secretGenerator: literals, files and env files. Names get no hash
// suffix: references that kustomize would rewrite to the hashed name are
// matched by the plain name. A Secret's values from a SOPS-encrypted file
// are not known.
func (b *builder) generators(dir, kf string, k *yaml.Node) []*kustomize.Resource {
	var out []*kustomize.Resource
	for _, kind := range []string{"ConfigMap", "Secret"} {
		key := "configMapGenerator"
		if kind == "Secret" {
			key = "secretGenerator"
		}
		list := kustomize.Get(k, key)
		if list == nil || list.Kind != yaml.SequenceNode {
			continue
		}
		for _, g := range list.Content {
			if r := b.generate(dir, kf, kind, g); r != nil {
				out = append(out, r)
			}
		}
	}
	return out
}

func (b *builder) generate(dir, kf, kind string, g *yaml.Node) *kustomize.Resource {
	name := kustomize.GetString(g, "name")
	if name == "" {
		b.problem(kf, g.Line, "%s generator without a name", kind)
		return nil
	}
	obj := mapping(g,
		"apiVersion", scalar(g, "v1"),
		"kind", scalar(g, kind),
		"metadata", mapping(g, "name", scalar(g, name)))
	if ns := kustomize.Get(g, "namespace"); ns != nil {
		obj.Content[5].Content = append(obj.Content[5].Content, scalar(g, "namespace"), ns)
	}
	data := mapping(g)
	for _, lit := range kustomize.GetStrings(g, "literals") {
		if k, v, ok := strings.Cut(lit, "="); ok {
			data.Content = append(data.Content, scalar(g, k), scalar(g, strings.Trim(v, `"'`)))
		}
	}
	load := b.loader(dir)
	for _, f := range kustomize.GetStrings(g, "files") {
		key, file, ok := strings.Cut(f, "=")
		if !ok {
			key, file = path.Base(f), f
		}
		content, err := load(file)
		if err != nil {
			b.problem(kf, g.Line, "%s %s: %v", kind, name, err)
			continue
		}
		v := scalar(g, string(content))
		if manifest.LooksSOPS(content) {
			v.Tag = unknownTag
		}
		data.Content = append(data.Content, scalar(g, key), v)
	}
	for _, env := range kustomize.GetStrings(g, "envs") {
		content, err := load(env)
		if err != nil {
			b.problem(kf, g.Line, "%s %s: %v", kind, name, err)
			continue
		}
		sops := manifest.LooksSOPS(content)
		sc := bufio.NewScanner(bytes.NewReader(content))
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			if k, v, ok := strings.Cut(line, "="); ok {
				val := scalar(g, v)
				if sops {
					val.Tag = unknownTag
				}
				data.Content = append(data.Content, scalar(g, k), val)
			}
		}
	}
	obj.Content = append(obj.Content, scalar(g, "data"), data)
	r := kustomize.NewResource(obj)
	r.File = kf
	return r
}

// unknownTag marks a generated value whose content cannot be read.
const unknownTag = "!bosun/unknown"

// scalar is a string node placed at at's position.
func scalar(at *yaml.Node, v string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v, Line: at.Line, Column: at.Column}
}

// mapping is a mapping node at at's position holding key, value pairs.
func mapping(at *yaml.Node, kv ...any) *yaml.Node {
	m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: at.Line, Column: at.Column}
	for i := 0; i+1 < len(kv); i += 2 {
		m.Content = append(m.Content, scalar(at, kv[i].(string)), kv[i+1].(*yaml.Node))
	}
	return m
}
