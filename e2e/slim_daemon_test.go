package e2e

import (
	"path/filepath"
	"strings"
	"testing"
)

// seedGreeting is what the seed's program answers for "Maria Silva": its
// fmt.Scanln keeps the first word.
const seedGreeting = "Oi, Maria! Eu sou a linguagem Go!"

// checkSlimDaemonBuilt slims the seed's image as Docker's legacy builder
// made it (archive, saved from the daemon of env) and checks the result
// answers the greeting under runc, and, loaded with leve slim --docker into
// that daemon, under docker run with no network.
func checkSlimDaemonBuilt(t *testing.T, archive string, env []string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "slim")
	rep := slimJSON(t, "-o", out, "docker-archive:"+archive)
	if rep.Program != "/appexec/app.go" || !rep.Static || rep.Image.PullSize <= 0 || rep.Image.PullSize*3 > rep.OriginalPullSize {
		t.Errorf("slim of the daemon-built seed: program %q static %v, pull %d B of %d B; want /appexec/app.go, static, ≤ ⅓",
			rep.Program, rep.Static, rep.Image.PullSize, rep.OriginalPullSize)
	}
	if r := runSlimmed(t, out, "Maria Silva\n"); r.code != 0 || !strings.Contains(r.stdout, seedGreeting) {
		t.Errorf("runc run of the slimmed daemon-built seed: %s\nwant %q", r, seedGreeting)
	}

	name := "seed-slim:daemon"
	lr := runLeve(t, "", env, "slim", "--docker", "-t", name, "docker-archive:"+archive)
	if lr.code != 0 {
		t.Fatalf("leve slim --docker: %s", lr)
	}
	if ref := parseRef(t, lr); ref.name != "seed-slim" || ref.tag != "daemon" || ref.digest != rep.Image.Digest {
		t.Errorf("leve slim --docker printed %+v, want seed-slim:daemon@%s (the image -o wrote)", ref, rep.Image.Digest)
	}
	docker := needTool(t, "docker")
	dr := runCmd(t, "", "Maria Silva\n", env, docker, "run", "--rm", "--network", "none", "-i", name)
	if dr.code != 0 || !strings.Contains(dr.stdout, seedGreeting) {
		t.Errorf("docker run -i %s: %s\nwant %q", name, dr, seedGreeting)
	}
	if !strings.Contains(dr.stdout, "Qual é o seu nome:?") {
		t.Errorf("docker run -i %s did not ask for the name: %s", name, dr)
	}
}
