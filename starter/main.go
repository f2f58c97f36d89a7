// Command starter is the operators' CLI: it starts and inspects the bridge's workflows and reads the
// mapping store. Run `starter help` for the commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"
)

// command is one subcommand. run gets the arguments after the command name.
type command struct {
	summary string
	run     func(ctx context.Context, env *cli, args []string) error
}

// commands is filled by the files that define them (init functions keep each command beside its code).
var commands = map[string]command{}

// cli carries what every command may need; connections are made on first use by the command itself.
type cli struct {
	stdout, stderr io.Writer
}

// errUsage marks a wrong invocation: exit code 2 instead of 1.
var errUsage = errors.New("usage")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	code := run(ctx, &cli{stdout: os.Stdout, stderr: os.Stderr}, os.Args[1:])
	stop()
	os.Exit(code)
}

func run(ctx context.Context, env *cli, args []string) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(env.stdout)
		return 0
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(env.stderr, "starter: unknown command %q\n\n", args[0])
		usage(env.stderr)
		return 2
	}
	err := cmd.run(ctx, env, args[1:])
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 2
	case errors.Is(err, errUsage):
		if err != errUsage {
			fmt.Fprintln(env.stderr, "starter:", err)
		}
		return 2
	default:
		fmt.Fprintln(env.stderr, "starter:", err)
		var exit exitCode
		if errors.As(err, &exit) {
			return int(exit)
		}
		return 1
	}
}

// exitCode lets a command choose its exit status (e.g. a bulk sync that finished with failed records).
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: starter <command> [flags]\n\ncommands:")
	names := make([]string, 0, len(commands))
	for name := range commands {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Fprintf(w, "  %-14s %s\n", name, commands[name].summary)
	}
	fmt.Fprintln(w, "\nConfiguration comes from the environment (see README.md); `starter <command> -h` lists a command's flags.")
}

// flags returns a flag set for a command whose errors go to stderr and whose -h prints its usage.
func (env *cli) flags(name, argsHelp string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	fs.Usage = func() {
		fmt.Fprintf(env.stderr, "usage: starter %s %s\n", name, argsHelp)
		fs.PrintDefaults()
	}
	return fs
}
