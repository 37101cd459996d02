//go:build race

package outbox_test

// raceBuild is true under the race detector, which makes every step here several times slower: the soaks that
// prove a rule by volume run a smaller volume there (make soak runs them whole).
const raceBuild = true
