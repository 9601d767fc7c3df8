package kustomize

import (
	"gopkg.in/yaml.v3"
)

// clusterScoped lists the built-in kinds kustomize's schema knows as
// cluster-scoped. Every other kind, custom resources included, counts as
// namespaced, which is how kustomize treats kinds it has no schema for.
var clusterScoped = map[string]bool{
	"APIService": true, "CertificateSigningRequest": true, "ClusterRole": true, "ClusterRoleBinding": true,
	"ComponentStatus": true, "CSIDriver": true, "CSINode": true, "CustomResourceDefinition": true,
	"FlowSchema": true, "IngressClass": true, "MutatingWebhookConfiguration": true, "Namespace": true,
	"Node": true, "PersistentVolume": true, "PodSecurityPolicy": true, "PriorityClass": true,
	"PriorityLevelConfiguration": true, "RuntimeClass": true, "SelfSubjectAccessReview": true,
	"SelfSubjectRulesReview": true, "StorageClass": true, "SubjectAccessReview": true, "TokenReview": true,
	"ValidatingAdmissionPolicy": true, "ValidatingAdmissionPolicyBinding": true,
	"ValidatingWebhookConfiguration": true, "VolumeAttachment": true,
}

// IsClusterScoped reports whether kustomize leaves kind's namespace alone.
func IsClusterScoped(kind string) bool { return clusterScoped[kind] }

// SetNamespace is kustomize's namespace transformer: every namespaced
// object gets metadata.namespace = ns, overriding what it had, and every
// Namespace object is renamed to ns. ns is the scalar node of the
// kustomization's namespace key, so that the values set keep its file
// position (and, through origins, which may be nil, its file); an empty or
// nil ns changes nothing.
func SetNamespace(res []*Resource, ns *yaml.Node, origins Origins) {
	ns = deref(ns)
	if ns == nil || ns.Kind != yaml.ScalarNode || ns.Value == "" {
		return
	}
	for _, r := range res {
		kind := r.Kind()
		switch {
		case kind == "Namespace":
			setMeta(r.Node, "name", origins.clone(ns))
		case !clusterScoped[kind]:
			setMeta(r.Node, "namespace", origins.clone(ns))
		}
	}
}

// Scalar returns a plain string scalar node without a position, for
// values that come from no file (a Flux Kustomization's targetNamespace
// given by a caller, for instance).
func Scalar(v string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v} }

func setMeta(obj *yaml.Node, key string, value *yaml.Node) {
	obj = deref(obj)
	if obj == nil || obj.Kind != yaml.MappingNode {
		return
	}
	meta := mapValue(obj, "metadata")
	if meta == nil || meta.Kind != yaml.MappingNode {
		meta = newNode(yaml.MappingNode)
		setMapValue(obj, "metadata", meta)
	}
	setMapValue(meta, key, value)
}
