package manifest

import "testing"

func TestLooksSOPS(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]bool{
		"password: ENC[AES256_GCM,data:abc=,iv:x,tag:y,type:str]\n": true,
		"a: 1\nsops:\n  version: 3.8.1\n":                           true,
		"PASSWORD=ENC[AES256_GCM,data:abc=]\n":                      true,
		"a: 1\nb: sops\n":                                           false,
		"a: 1\n  sops: x\n":                                         false,
		"":                                                          false,
	} {
		if got := LooksSOPS([]byte(in)); got != want {
			t.Errorf("LooksSOPS(%q) = %v, want %v", in, got, want)
		}
	}
}
