package assemble

import "io/fs"

// Nonroot is the user and group id leve images run as by default, the
// same as distroless' "nonroot".
const Nonroot = 65532

// Passwd and Group are the /etc/passwd and /etc/group of a scratch image:
// root and nonroot, with no shell (there is none in the image).
const (
	Passwd = "root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n"
	Group  = "root:x:0:\nnonroot:x:65532:\n"
)

// SystemFiles returns the entries every scratch image gets: /etc/passwd and
// /etc/group naming root and nonroot, the nonroot home directory owned by
// 65532, and /tmp with mode 1777.
func SystemFiles() []Entry {
	return []Entry{
		{Path: "/etc", Mode: fs.ModeDir | 0o755},
		{Path: "/etc/passwd", Mode: 0o644, Data: []byte(Passwd)},
		{Path: "/etc/group", Mode: 0o644, Data: []byte(Group)},
		{Path: "/home", Mode: fs.ModeDir | 0o755},
		{Path: "/home/nonroot", Mode: fs.ModeDir | 0o700, UID: Nonroot, GID: Nonroot},
		{Path: "/tmp", Mode: fs.ModeDir | fs.ModeSticky | 0o777},
	}
}
