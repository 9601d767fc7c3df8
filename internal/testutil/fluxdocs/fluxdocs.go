package fluxdocs

// ArtifactGenerator is an ArtifactGenerator in flux-system copying the
// repository's directory from (relative to its root, ending in "/") to an
// ExternalArtifact "web" at deploy/, and a Kustomization "web" applying
// that artifact's ./deploy with targetNamespace web.
func ArtifactGenerator(from string) string {
	return `apiVersion: source.extensions.fluxcd.io/v1beta1
kind: ArtifactGenerator
metadata: {name: gen, namespace: flux-system}
spec:
  sources: [{alias: repo, kind: GitRepository, name: flux-system}]
  artifacts:
    - name: web
      copy: [{from: "@repo/` + from + `", to: "@artifact/deploy/"}]
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: web, namespace: flux-system}
spec:
  path: ./deploy
  targetNamespace: web
  sourceRef: {kind: ExternalArtifact, name: web, namespace: flux-system}
`
}
