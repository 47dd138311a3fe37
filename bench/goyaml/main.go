// The peer measured beside cassette in bench/run: go-vcr's own way of
// loading a cassette (yaml.v3 into its typed structs, as cassette.Load does),
// with the same fields as go-vcr v4's cassette.go. Prints the interaction
// count.
package main

import (
	"fmt"
	"os"
	"time"

	"gopkg.in/yaml.v3"
)

type Request struct {
	Proto            string              `yaml:"proto,omitempty"`
	ProtoMajor       int                 `yaml:"proto_major,omitempty"`
	ProtoMinor       int                 `yaml:"proto_minor,omitempty"`
	ContentLength    int64               `yaml:"content_length,omitempty"`
	TransferEncoding []string            `yaml:"transfer_encoding,omitempty"`
	Trailer          map[string][]string `yaml:"trailer,omitempty"`
	Host             string              `yaml:"host,omitempty"`
	RemoteAddr       string              `yaml:"remote_addr,omitempty"`
	RequestURI       string              `yaml:"request_uri,omitempty"`
	Body             string              `yaml:"body"`
	Form             map[string][]string `yaml:"form,omitempty"`
	Headers          map[string][]string `yaml:"headers"`
	URL              string              `yaml:"url"`
	Method           string              `yaml:"method"`
}

type Response struct {
	Proto            string              `yaml:"proto,omitempty"`
	ProtoMajor       int                 `yaml:"proto_major,omitempty"`
	ProtoMinor       int                 `yaml:"proto_minor,omitempty"`
	TransferEncoding []string            `yaml:"transfer_encoding,omitempty"`
	Trailer          map[string][]string `yaml:"trailer,omitempty"`
	ContentLength    int64               `yaml:"content_length,omitempty"`
	Uncompressed     bool                `yaml:"uncompressed,omitempty"`
	Body             string              `yaml:"body"`
	Headers          map[string][]string `yaml:"headers"`
	Status           string              `yaml:"status"`
	Code             int                 `yaml:"code"`
	Duration         time.Duration       `yaml:"duration"`
}

type Interaction struct {
	ID       int      `yaml:"id"`
	Request  Request  `yaml:"request"`
	Response Response `yaml:"response"`
}

type Cassette struct {
	Version      int            `yaml:"version"`
	Interactions []*Interaction `yaml:"interactions"`
}

func main() {
	data, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	var c Cassette
	if err := yaml.Unmarshal(data, &c); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	fmt.Println(len(c.Interactions))
}
