package main

import (
	"os"
	"path/filepath"
	"testing"
)

func TestOutputCommit(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out")
	o, err := createOutput(path, false, "data")
	if err != nil {
		t.Fatal(err)
	}
	defer o.abort()
	if _, err := o.Write([]byte("hello")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("%s exists before commit (%v)", path, err)
	}
	if err := o.commit(); err != nil {
		t.Fatal(err)
	}
	o.abort() // harmless once committed
	if data, err := os.ReadFile(path); err != nil || string(data) != "hello" {
		t.Errorf("committed %q, %v", data, err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("new file has mode %v (%v), want 0644", fi.Mode(), err)
	}
	wantDir(t, dir, "out")
	if n := len(temps.names); n != 0 {
		t.Errorf("%d temporary files still tracked", n)
	}
}

func TestOutputAbort(t *testing.T) {
	dir := t.TempDir()
	o, err := createOutput(filepath.Join(dir, "out"), false, "data")
	if err != nil {
		t.Fatal(err)
	}
	o.Write([]byte("partial"))
	o.abort()
	wantDir(t, dir)
	if n := len(temps.names); n != 0 {
		t.Errorf("%d temporary files still tracked", n)
	}
}

func TestOutputRace(t *testing.T) {
	// Without -f, a destination that appears while the work runs is kept.
	dir := t.TempDir()
	path := filepath.Join(dir, "out")
	o, err := createOutput(path, false, "data")
	if err != nil {
		t.Fatal(err)
	}
	defer o.abort()
	o.Write([]byte("new"))
	writeFile(t, dir, "out", []byte("theirs"))
	if err := o.commit(); err == nil {
		t.Fatal("commit replaced a file that appeared meanwhile")
	}
	if data, _ := os.ReadFile(path); string(data) != "theirs" {
		t.Errorf("destination now holds %q", data)
	}
	wantDir(t, dir, "out")
}

func TestTempsRemovedOnExit(t *testing.T) {
	// What an interrupt does before exiting.
	dir := t.TempDir()
	for _, name := range []string{"a", "b"} {
		o, err := createOutput(filepath.Join(dir, name), false, "data")
		if err != nil {
			t.Fatal(err)
		}
		defer o.abort()
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Fatalf("want 2 temporary files, have %d", len(entries))
	}
	temps.removeAll()
	wantDir(t, dir)
}
