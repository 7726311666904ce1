// Command tarlist prints what Go's archive/tar (the reader containerd unpacks image layers with)
// reads from the tar stream on stdin: one JSON object per entry, names as hex of their bytes, the
// sha256 of each regular file's data. Standard library only; built by the tests with the
// toolchain of Debian's golang-go, nothing fetched. Exit status 3 with the error on stderr when
// archive/tar refuses the stream.
package main

import (
	"archive/tar"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
)

type entry struct {
	Name   string `json:"name"`
	Type   int    `json:"type"`
	Link   string `json:"link"`
	Size   int64  `json:"size"`
	Sha256 string `json:"sha256"`
}

func main() {
	tr := tar.NewReader(os.Stdin)
	out := json.NewEncoder(os.Stdout)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
		e := entry{
			Name: hex.EncodeToString([]byte(h.Name)),
			Type: int(h.Typeflag),
			Link: hex.EncodeToString([]byte(h.Linkname)),
			Size: h.Size,
		}
		if h.Typeflag == tar.TypeReg {
			s := sha256.New()
			n, err := io.Copy(s, tr)
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(3)
			}
			e.Size = n
			e.Sha256 = hex.EncodeToString(s.Sum(nil))
		}
		if err := out.Encode(e); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
	}
}
