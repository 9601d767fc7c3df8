package manifest

import "bytes"

// LooksSOPS reports whether b looks encrypted by SOPS: it holds a value
// SOPS encrypted ("ENC[AES256_GCM,") or a top-level "sops:" key. It is
// the one test for a file whose content cannot be read, YAML or not
// (a kustomize generator's env file), parsed or not.
func LooksSOPS(b []byte) bool {
	return bytes.Contains(b, []byte("ENC[AES256_GCM,")) || bytes.Contains(b, []byte("\nsops:"))
}
