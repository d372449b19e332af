namespace OpenCodeFixture.Cli;

static class Usage
{
    public const string Text = """
        OpenCodeFixture: make REAL OpenCode data offline (the real CLI against a local mock LLM).

        usage:
          OpenCodeFixture make --out <dir> [--sessions N] [--steps LIST] [--scrub] [--data-dest <dir>]
                               [--bin <opencode>] [--timeout <seconds>] [--run-flags "<flags>"] [--force]
              Runs the scenario (default N=6, all steps) with a private HOME inside <dir>.
              --steps     comma list of: second-turn, subagent, serve, fork, stats; or all, none
              --scrub     copy the data dir's user data to --data-dest (default <dir>/data) and
                          rewrite the <dir> prefix to /home/dev there (needs sqlite3)
              --force     reuse a non-empty <dir> (e.g. a newer OpenCode over an older one's data)
          OpenCodeFixture make-preview --out <dir> --bin <lildax> [--scrub] [--data-dest <dir>]
              The 2.0-preview scenario over its /api routes (the preview has no `run`); the binary is
              bin/lildax of npm @opencode-ai/cli-linux-x64@1.18.18.
          OpenCodeFixture scrub <data-dir> <old-prefix> [new-prefix]
              Rewrite a path prefix in a (copied!) data dir; new-prefix defaults to /home/dev.
          OpenCodeFixture mock [--log <file>]
              Serve only the mock LLM until Ctrl+C; prints "LISTENING <port>".
          OpenCodeFixture locate
              Print the OpenCode binary that would be used (exit 1 if none).

        The binary: --bin, else $OPENCODEUSAGE_OPENCODE_BIN, else <repo>/.tools/opencode (from
        tools/install-opencode.sh), else opencode on PATH.
        """;
}
