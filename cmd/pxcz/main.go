// Command pxcz compresses images losslessly with a Gated PixelCNN.
//
// Usage:
//
//	pxcz compress [-o OUT] [-f] [-r] [--strip] [--model FILE] [-j N] [-q|-v] IN...
//	pxcz decompress [-o OUT] [-f] [-r] [--strip] [--model FILE] [-j N] [-q|-v] IN.pxcz...
//	pxcz info [--json] FILE.pxcz
//	pxcz version (or pxcz --version)
//	pxcz bench [flags] PATH...
//	pxcz eval [--model FILE] [--classify] DATA
//	pxcz sample [--model FILE] [--class N|NAME|all | --mix A,B] [-n COUNT] (-o GRID.png | --each DIR)
//	pxcz train [flags]
//	pxcz export [-o FILE] CHECKPOINT...
//	pxcz help [COMMAND]
//
// Run "pxcz help COMMAND" for each command's flags.
package main

import (
	"fmt"
	"io"
	"os"
	"sort"

	flag "github.com/spf13/pflag"
)

// command is one pxcz subcommand. Each lives in its own file and registers
// itself from init.
type command struct {
	name  string
	usage string // argument synopsis, after "pxcz NAME"
	short string // one line for the command list
	long  string // optional paragraphs for "pxcz help NAME"
	// setup defines the command's flags on fs.
	setup func(fs *flag.FlagSet)
	// run does the work; fs holds the parsed flags and args the operands.
	run func(fs *flag.FlagSet, args []string) error
	// ownsSignals marks commands that stop cleanly on SIGINT themselves
	// (training checkpoints first) instead of exiting at once.
	ownsSignals bool
}

var commands = map[string]*command{}

func register(c *command) { commands[c.name] = c }

func main() {
	if len(os.Args) < 2 || commands[os.Args[1]] == nil || !commands[os.Args[1]].ownsSignals {
		removeTempsOnSignal()
	}
	os.Exit(run(os.Args[1:], os.Stderr))
}

// run executes one command line and returns the exit status; errors are
// printed to stderr as one line.
func run(args []string, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		usage(stderr)
		return 2
	}
	if args[0] == "--version" {
		args[0] = "version"
	}
	if args[0] == "help" {
		if len(args) > 1 && commands[args[1]] != nil {
			c := commands[args[1]]
			fs := newFlagSet(c, stderr)
			fs.Usage()
			return 0
		}
		usage(stderr)
		return 0
	}
	c := commands[args[0]]
	if c == nil {
		fmt.Fprintf(stderr, "pxcz: unknown command %q (run \"pxcz help\")\n", args[0])
		return 2
	}
	fs := newFlagSet(c, stderr)
	if err := fs.Parse(args[1:]); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		fmt.Fprintf(stderr, "pxcz %s: %v\n", c.name, err)
		return 2
	}
	if err := c.run(fs, fs.Args()); err != nil {
		fmt.Fprintf(stderr, "pxcz %s: %v\n", c.name, err)
		return 1
	}
	return 0
}

func newFlagSet(c *command, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.SortFlags = false
	if c.setup != nil {
		c.setup(fs)
	}
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: pxcz %s %s\n\n%s\n", c.name, c.usage, c.short)
		if c.long != "" {
			fmt.Fprintf(stderr, "\n%s\n", c.long)
		}
		if fs.HasFlags() {
			fmt.Fprintf(stderr, "\nflags:\n%s", fs.FlagUsages())
		}
	}
	return fs
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "pxcz: lossless image compression with a Gated PixelCNN\n\nusage: pxcz COMMAND [flags] [args]\n\ncommands:")
	var names []string
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-11s %s\n", n, commands[n].short)
	}
	fmt.Fprintln(w, "\nRun \"pxcz help COMMAND\" for a command's flags.")
}
