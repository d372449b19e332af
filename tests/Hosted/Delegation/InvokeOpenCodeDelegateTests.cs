using System.Diagnostics;
using System.Management.Automation;
using OpenCodeUsage.Tests.Hosted.Delegation;

namespace OpenCodeUsage.Tests.Hosted;

/// <summary>
/// Invoke-OpenCodeDelegate through the real engine: binding, -WhatIf, the kill switch and missing executables
/// need no OpenCode at all; what the cmdlet does around a run (order, throttle, errors beside results, Ctrl+C)
/// is checked against a stand-in executable. Runs of the real OpenCode are in tests/Unit (LiveDelegateTests).
/// </summary>
public sealed class InvokeOpenCodeDelegateTests
{
    private const string Cmdlet = "OpenCodeUsage.Commands.InvokeOpenCodeDelegateCommand";

    [Fact]
    public void WhatIf_shows_the_exact_command_lines_and_launches_nothing()
    {
        if (!FakeOpenCode.Supported)
        {
            return;
        }

        using var fake = new FakeOpenCode();
        using var engine = new Engine(200);
        var output = engine.Run("Invoke-OpenCodeDelegate -Prompt $args[0] -Directory $args[1] -OpenCodePath $args[2] -Model mock/mock-fast -Agent plan -WhatIf",
            "fix it  now's", fake.Project, fake.Executable);
        Assert.Empty(output);
        Assert.Empty(engine.Errors);
        var text = engine.Host.Text;
        Assert.Contains("What if:", text, StringComparison.Ordinal);
        Assert.Contains($"In '{fake.Project}', the task 'fix it  now's' (OpenCode 1.18.33, the 1.x command line):", text, StringComparison.Ordinal);
        // No warm session yet: the one that would be made is shown first, then the fork of it, made and titled by a
        // private server, then the run that continues the fork.
        // The prompts go on standard input, never on the command line (where every user could read them).
        Assert.Contains($"{fake.Executable} --print-logs --log-level INFO run --format json --title 'OpenCodeUsage warm session' -m mock/mock-fast",
            text, StringComparison.Ordinal);
        Assert.Contains($"{fake.Executable} serve --hostname 127.0.0.1 --port 0   (private, for POST /session/<warm session>/fork and PATCH /session/<fork> with the task's title; ended after)",
            text, StringComparison.Ordinal);
        Assert.Contains($"{fake.Executable} --print-logs --log-level INFO run --format json -m mock/mock-fast --agent plan --session '<fork>'   (the prompt on standard input)",
            text, StringComparison.Ordinal);
        Assert.DoesNotContain("now''s", text, StringComparison.Ordinal);
        Assert.Empty(fake.Arguments);
    }

    [Fact]
    public void A_2x_CLI_gets_the_2x_argument_vector_the_prompt_on_stdin_and_the_directory_as_its_working_directory()
    {
        if (!FakeOpenCode.Supported)
        {
            return;
        }

        using var fake = new FakeOpenCode { Version = "2.0.12" };
        using var engine = new Engine(200);
        const string prompt = "first line of the task\nsay hello in 3 words\n--fork -m x/y";
        engine.Run("Invoke-OpenCodeDelegate -Prompt $args[0] -Directory $args[1] -OpenCodePath $args[2] -Model mock/mock-smart -Variant high -Agent plan -WhatIf",
            prompt, fake.Project, fake.Executable);
        Assert.Empty(engine.Errors);
        var text = engine.Host.Text;
        Assert.Contains($"In '{fake.Project}', the task 'first line of the task' (OpenCode 2.0.12, the 2.x command line):", text, StringComparison.Ordinal);
        Assert.Contains($"{fake.Executable} run --format json --title 'OpenCodeUsage warm session' -m mock/mock-smart   (the warm session", text, StringComparison.Ordinal);
        Assert.Contains($"{fake.Executable} run --format json -m 'mock/mock-smart#high' --agent plan --session '<warm session>' --fork   (the prompt on standard input)",
            text, StringComparison.Ordinal);
        Assert.DoesNotContain("say hello", text, StringComparison.Ordinal);
        Assert.Empty(fake.Arguments);

        var output = engine.Run("Invoke-OpenCodeDelegate -Prompt $args[0] -Directory $args[1] -OpenCodePath $args[2] -Model mock/mock-smart -Variant high -Agent plan",
            prompt, fake.Project, fake.Executable);
        var result = Assert.Single(output);
        Assert.Equal("Succeeded", result.Properties["Status"].Value.ToString());
        var warm = (string)result.Properties["ForkedFrom"].Value;
        Assert.NotNull(warm);
        // Exactly these vectors: the variant on the model, no --variant, --dir, --log-level or --attach, and no serve.
        Assert.Equal(
            [
                ["run", "--format", "json", "--title", "OpenCodeUsage warm session", "-m", "mock/mock-smart"],
                ["run", "--format", "json", "-m", "mock/mock-smart#high", "--agent", "plan", "--session", warm, "--fork"],
            ],
            fake.Arguments);
        Assert.Equal(["This session is the shared start of tasks delegated by OpenCodeUsage. Reply with OK.", prompt], fake.Prompts);
        Assert.All(fake.WorkingDirectories, d => Assert.Equal(fake.Project, d));
        Assert.All(fake.ProcessDirectories, d => Assert.Equal(fake.Project, d));
    }

    [Fact]
    public void On_1x_without_a_server_to_title_the_fork_run_forks_it_and_says_the_title_stays()
    {
        if (!FakeOpenCode.Supported)
        {
            return;
        }

        using var fake = new FakeOpenCode(); // 1.18.33, and its serve exits at once
        using var engine = new Engine(200);
        var output = engine.Run("Invoke-OpenCodeDelegate 'a task' -Directory $args[1] -OpenCodePath $args[0] 3>&1", fake.Executable, fake.Project);
        var warning = Assert.Single(output, o => o.BaseObject is WarningRecord).BaseObject.ToString();
        Assert.Contains("keeps OpenCode's fork title", warning, StringComparison.Ordinal);
        Assert.Contains("the stand-in has no serve", warning, StringComparison.Ordinal);
        var result = Assert.Single(output, o => o.BaseObject is not WarningRecord);
        Assert.Equal("Succeeded", result.Properties["Status"].Value.ToString());
        var warm = (string)result.Properties["ForkedFrom"].Value;
        Assert.Equal(["--print-logs", "--log-level", "INFO", "run", "--format", "json", "--session", warm, "--fork"], fake.Arguments[^1]);
    }

    [Fact]
    public void On_2x_a_variant_without_a_model_is_an_error_per_input_and_an_unreadable_version_stops_the_command()
    {
        if (!FakeOpenCode.Supported)
        {
            return;
        }

        using var fake = new FakeOpenCode { Version = "2.0.12" };
        using var engine = new Engine(200);
        engine.Run("'one', 'two' | Invoke-OpenCodeDelegate -Variant high -Fresh -Directory $args[1] -OpenCodePath $args[0]",
            fake.Executable, fake.Project);
        Assert.Equal(["VariantNeedsModel," + Cmdlet, "VariantNeedsModel," + Cmdlet], engine.Errors.Select(e => e.FullyQualifiedErrorId));
        Assert.Equal(ErrorCategory.InvalidArgument, engine.Errors[0].CategoryInfo.Category);
        Assert.Empty(fake.Arguments);

        using var preview = new FakeOpenCode { Version = "lildax vlocal" };
        var error = engine.RunExpectingTermination("'one', 'two' | Invoke-OpenCodeDelegate -Fresh -Directory $args[1] -OpenCodePath $args[0] -WhatIf",
            preview.Executable, preview.Project);
        Assert.Equal("OpenCodeVersionUnknown," + Cmdlet, error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidData, error.CategoryInfo.Category);
        Assert.Contains("'lildax vlocal'", error.Exception.Message, StringComparison.Ordinal);
        Assert.Empty(preview.Arguments);
    }

    [Fact]
    public void WhatIf_names_the_task_by_its_first_line_on_the_CLI_and_the_Server_path_alike()
    {
        if (!FakeOpenCode.Supported)
        {
            return;
        }

        using var fake = new FakeOpenCode();
        using var engine = new Engine(400);
        var first = "Refactor the parser " + new string('x', 120);
        var prompt = "\n  " + first + "  \nsecond line with a token sk-secret-123\nthird";
        engine.Run("""
            Invoke-OpenCodeDelegate -Prompt $args[0] -Fresh -Directory $args[1] -OpenCodePath $args[2] -WhatIf
            Invoke-OpenCodeDelegate -Prompt $args[0] -Fresh -Server http://127.0.0.1:9 -Directory /srv/p -WhatIf
            """, prompt, fake.Project, fake.Executable);
        Assert.Empty(engine.Errors);
        var lines = engine.Host.Text.Split('\n').Where(l => l.StartsWith("What if:", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, lines.Count);
        var title = "'" + first[..99] + "…'";
        Assert.All(lines, l => Assert.Contains("the task " + title, l, StringComparison.Ordinal));
        Assert.DoesNotContain("sk-secret-123", engine.Host.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("third", engine.Host.Text, StringComparison.Ordinal);

        // -Title (also from a property) names the task instead.
        engine.Run("[pscustomobject]@{ Prompt = $args[0]; Title = 'Parser refactor' } | Invoke-OpenCodeDelegate -Fresh -Directory $args[1] -OpenCodePath $args[2] -WhatIf",
            prompt, fake.Project, fake.Executable);
        Assert.Contains("the task 'Parser refactor' (OpenCode 1.18.33", engine.Host.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Prompts_and_their_settings_bind_from_the_pipeline_one_run_each()
    {
        if (!FakeOpenCode.Supported)
        {
            return;
        }

        using var fake = new FakeOpenCode();
        using var engine = new Engine(400);
        engine.Run("""
            Set-Location $args[1]
            [pscustomobject]@{ Prompt = "Model: x/y`nfrom an object"; Directory = $args[1]; Agent = 'plan' },
            'a plain string',
            [pscustomobject]@{ Prompt = 'bad model'; Model = 'nomodel' },
            [pscustomobject]@{ Prompt = 'missing dir'; Directory = 'does-not-exist' },
            'Variant: high' | Invoke-OpenCodeDelegate -Fresh -OpenCodePath $args[0] -WhatIf
            """, fake.Executable, fake.Project);
        var lines = engine.Host.Text.Split('\n').Where(l => l.Contains(" run --format json", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, lines.Count);
        Assert.EndsWith("run --format json -m x/y --agent plan   (the prompt on standard input)", lines[0].TrimEnd(), StringComparison.Ordinal);
        Assert.EndsWith("run --format json   (the prompt on standard input)", lines[1].TrimEnd(), StringComparison.Ordinal);
        Assert.Equal(
            ["ModelInvalid," + Cmdlet, "DirectoryNotFound," + Cmdlet, "PromptEmpty," + Cmdlet],
            engine.Errors.Select(e => e.FullyQualifiedErrorId));
        Assert.Equal(ErrorCategory.ObjectNotFound, engine.Errors[1].CategoryInfo.Category);
        Assert.Empty(fake.Arguments);
    }

    [Fact]
    public void Without_OpenCode_WhatIf_still_works_and_a_real_run_stops_with_OpenCodeNotFound()
    {
        using var engine = new Engine(200);
        var missing = Path.Combine(Path.GetTempPath(), "no-such-dir-" + Guid.NewGuid().ToString("N"), "opencode");
        engine.Run("Invoke-OpenCodeDelegate 'hello' -Fresh -OpenCodePath $args[0] -WhatIf", missing);
        Assert.Empty(engine.Errors);
        Assert.Contains("run --format json   (the prompt on standard input)", engine.Host.Text, StringComparison.Ordinal);

        var error = engine.RunExpectingTermination("Invoke-OpenCodeDelegate 'hello' -Fresh -OpenCodePath $args[0]", missing);
        Assert.Equal("OpenCodeNotFound," + Cmdlet, error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
    }

    [Fact]
    public void The_kill_switch_stops_before_anything_is_launched()
    {
        if (!FakeOpenCode.Supported)
        {
            return;
        }

        using var fake = new FakeOpenCode();
        // Environment variables are per process: a fresh host, so tests running beside this one are not disabled.
        var run = HostProbe.RunAll($$"""
            Import-Module {{HostProbe.Quote(RepoPaths.StagedModule)}}
            $env:OPENCODEUSAGE_DELEGATE_DISABLED = '1'
            'one', 'two' | Invoke-OpenCodeDelegate -Directory {{HostProbe.Quote(fake.Project)}} -OpenCodePath {{HostProbe.Quote(fake.Executable)}}
            $env:OPENCODEUSAGE_DELEGATE_DISABLED = $null
            $env:TOKENMAXXER_OPENCODE_DISABLED = 'true'
            try { Invoke-OpenCodeDelegate 'three' -Directory {{HostProbe.Quote(fake.Project)}} -OpenCodePath {{HostProbe.Quote(fake.Executable)}} -WhatIf }
            catch { "caught $($_.FullyQualifiedErrorId) $($_.CategoryInfo.Category)" }
            """);
        Assert.StartsWith("DelegateDisabled," + Cmdlet + "|", Assert.Single(run.Errors), StringComparison.Ordinal);
        Assert.Contains("OPENCODEUSAGE_DELEGATE_DISABLED", run.Errors[0], StringComparison.Ordinal);
        Assert.Equal(["caught DelegateDisabled," + Cmdlet + " ResourceUnavailable"], run.Output);
        Assert.Empty(fake.Arguments);
    }

    [Fact]
    public void Results_come_in_input_order_with_an_error_beside_each_failure()
    {
        if (!FakeOpenCode.Supported)
        {
            return;
        }

        using var fake = new FakeOpenCode();
        using var engine = new Engine(200);
        var output = engine.Run("""
            $r = 'ok one', 'fail two', 'ok three' | Invoke-OpenCodeDelegate -Fresh -ThrottleLimit 2 -Directory $args[1] -OpenCodePath $args[0] -ErrorVariable failures -ErrorAction SilentlyContinue
            $r
            [pscustomobject]@{ Succeeded = $?; Failures = $failures }
            """, fake.Executable, fake.Project);
        var results = output.Take(3).Select(o => (DelegateResultView)o).ToList();
        Assert.Equal(["ok one", "fail two", "ok three"], results.Select(r => r.Prompt));
        Assert.Equal(["Succeeded", "Failed", "Succeeded"], results.Select(r => r.Status));
        Assert.Equal("AuthFailed", results[1].FailureKind);
        Assert.Equal(0.007707m, results[0].Cost);
        Assert.Equal("Hi! This is a deterministic reply from mock-smart. You said: say hello", results[0].Text);
        Assert.All(output.Take(3), o => Assert.Equal("OpenCodeUsage.DelegateResult", o.TypeNames[0]));

        var summary = output[3];
        var failures = ((System.Collections.IEnumerable)summary.Properties["Failures"].Value).Cast<object>().Select(f => (ErrorRecord)(f is PSObject wrapped ? wrapped.BaseObject : f)).ToList();
        var failure = Assert.Single(failures);
        Assert.Equal("DelegateFailed," + Cmdlet, failure.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.AuthenticationError, failure.CategoryInfo.Category);
        Assert.Contains("Incorrect API key provided", failure.Exception.Message, StringComparison.Ordinal);
        Assert.Equal("fail two", PSObject.AsPSObject(failure.TargetObject).Properties["Prompt"].Value);

        var table = engine.Run("$args[0] | Format-Table | Out-String -Width 120", output[0])[0].ToString();
        Assert.Matches(@"Status\s+Model\s+Tokens\s+Cost\s+Secs\s+Text", table);
        // The stand-in prints no log, so the model is not known: an empty column.
        Assert.Matches(@"Succeeded\s+2,473\s+0.0077\s+(\d+\.\d+|<0\.01)\s+Hi! This is", table);

        // A result carries its task: piped back in, it binds to the same prompt, directory and settings.
        engine.Run("$args[0] | Invoke-OpenCodeDelegate -Fresh -OpenCodePath $args[1] -WhatIf", output.Take(3).ToArray(), fake.Executable);
        Assert.Empty(engine.Errors);
        Assert.Equal(3, engine.Host.Text.Split('\n').Count(l => l.Contains("run --format json   (the prompt on standard input)", StringComparison.Ordinal)));

        // Exactly what the runs were started with, in the project directory (OpenCode takes it from $PWD).
        Assert.Contains(["--print-logs", "--log-level", "INFO", "run", "--format", "json"], fake.Arguments);
        Assert.Contains("ok one", fake.Prompts);
        Assert.All(fake.WorkingDirectories, d => Assert.Equal(fake.Project, d));
    }

    [Fact]
    public void A_timeout_kills_the_process_tree_and_writes_DelegateTimedOut()
    {
        if (!FakeOpenCode.Supported)
        {
            return;
        }

        using var fake = new FakeOpenCode();
        using var engine = new Engine(200);
        var output = engine.Run("Invoke-OpenCodeDelegate 'slow one' -Fresh -TimeoutSec 1 -Directory $args[1] -OpenCodePath $args[0]", fake.Executable, fake.Project);
        var result = Assert.Single(output);
        Assert.Equal("TimedOut", result.Properties["Status"].Value.ToString());
        Assert.Equal("Timeout", result.Properties["FailureKind"].Value.ToString());
        var error = Assert.Single(engine.Errors);
        Assert.Equal("DelegateTimedOut," + Cmdlet, error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.OperationTimeout, error.CategoryInfo.Category);
        Assert.Equal("Raise -TimeoutSec.", error.ErrorDetails.RecommendedAction);
        Assert.DoesNotContain(fake.Sleepers, FakeOpenCode.IsAlive);
    }

    [Fact]
    public void Stopping_the_pipeline_kills_every_running_process_tree()
    {
        if (!FakeOpenCode.Supported)
        {
            return;
        }

        using var fake = new FakeOpenCode();
        using var engine = new Engine(200);
        using var pipeline = engine.CreatePipeline("'slow a', 'slow b', 'slow c' | Invoke-OpenCodeDelegate -Fresh -ThrottleLimit 2 -Directory $args[1] -OpenCodePath $args[0]",
            fake.Executable, fake.Project);
        var running = pipeline.BeginInvoke();
        var clock = Stopwatch.StartNew();
        while (fake.Sleepers.Count < 2 && clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            Thread.Sleep(50);
        }

        Assert.Equal(2, fake.Sleepers.Count); // the throttle: two at once, the third waits
        pipeline.Stop();
        Assert.Throws<PipelineStoppedException>(() => pipeline.EndInvoke(running));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30));
        Assert.Equal(2, fake.Arguments.Count);
        Assert.DoesNotContain(fake.Sleepers, FakeOpenCode.IsAlive);
    }

    [Fact]
    public void A_server_that_refuses_the_credentials_is_a_failed_result_and_the_password_is_shown_nowhere()
    {
        const string password = "pw-7c1e0b9d-never-shown";
        // A 1.x server (its health route is open) that refuses the credentials on every session route.
        using var server = new LoopbackServer(r => r.Path == "/global/health"
            ? LoopbackResponse.Json(200, """{"healthy":true,"version":"1.18.33"}""")
            : LoopbackResponse.Json(401, "{}"));
        using var engine = new Engine(200);
        var output = engine.Run("""
            $credential = [pscredential]::new('opencode', (ConvertTo-SecureString $args[1] -AsPlainText -Force))
            Invoke-OpenCodeDelegate 'remote task' -Fresh -Server $args[0] -Credential $credential -Directory /srv/project -Verbose -Debug
            """, server.BaseUri, password);
        var result = Assert.Single(output);
        Assert.Equal("ServerAuthFailed", result.Properties["FailureKind"].Value.ToString());
        Assert.Null(result.Properties["ExitCode"].Value);
        Assert.Equal("DelegateFailed," + Cmdlet, Assert.Single(engine.Errors).FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.AuthenticationError, engine.Errors[0].CategoryInfo.Category);

        // The server's generation is asked first, then the session is made, refused.
        Assert.Equal(2, server.Requests.Count);
        Assert.Equal(("GET", "/global/health"), (server.Requests[0].Method, server.Requests[0].Path));
        var request = server.Requests[1];
        Assert.Equal("POST", request.Method);
        Assert.Equal("/session?directory=%2Fsrv%2Fproject", request.Path); // the server's own path, passed on as given
        Assert.Equal("Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("opencode:" + password)), request.Header("Authorization"));
        var everything = StreamScan.Of(engine, output);
        Assert.DoesNotContain(password, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(request.Header("Authorization")![6..], everything, StringComparison.Ordinal);
    }

    [Fact]
    public void A_password_is_never_sent_in_the_clear_to_another_machine()
    {
        using var engine = new Engine(200);
        var error = engine.RunExpectingTermination("""
            $credential = [pscredential]::new('opencode', (ConvertTo-SecureString 'secret' -AsPlainText -Force))
            Invoke-OpenCodeDelegate 'x' -Server http://opencode.example.com:4096 -Credential $credential
            """);
        Assert.Equal("ServerUriInsecure," + Cmdlet, error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
    }

    /// <summary>The properties of an emitted result, read through PowerShell's adapter.</summary>
    private sealed record DelegateResultView(string Prompt, string Status, string FailureKind, decimal Cost, string? Text)
    {
        public static explicit operator DelegateResultView(PSObject o) => new(
            (string)o.Properties["Prompt"].Value,
            o.Properties["Status"].Value.ToString()!,
            o.Properties["FailureKind"].Value.ToString()!,
            (decimal)o.Properties["Cost"].Value,
            (string?)o.Properties["Text"].Value);
    }

    [Fact]
    public void Children_left_behind_after_a_normal_exit_are_ended()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        using var fake = new FakeOpenCode();
        using var engine = new Engine(200);
        var output = engine.Run("Invoke-OpenCodeDelegate 'leave one behind' -Fresh -Directory $args[1] -OpenCodePath $args[0]", fake.Executable, fake.Project);
        Assert.Single(output);
        Assert.Single(fake.Sleepers);
        Assert.DoesNotContain(fake.Sleepers, FakeOpenCode.IsAlive);
    }

    [Fact]
    public void A_2x_server_takes_the_tasks_through_its_api_routes_and_the_password_is_shown_nowhere()
    {
        using var server = new V2ServeMock();
        using var engine = new Engine(200);
        var script = $$"""
            $credential = [pscredential]::new('opencode', (ConvertTo-SecureString '{{V2ServeMock.Password}}' -AsPlainText -Force))
            'one', 'two' | Invoke-OpenCodeDelegate -Fresh -Server '{{server.BaseUri}}' -Credential $credential -Directory /srv/project
            """;
        engine.Run(script.Replace("-Directory /srv/project", "-Directory /srv/project -WhatIf", StringComparison.Ordinal));
        Assert.Empty(engine.Errors);
        Assert.Contains("OpenCode 2.x: POST /api/session; then POST /api/session/<id>/prompt", engine.Host.Text, StringComparison.Ordinal);
        Assert.Empty(server.Sessions); // -WhatIf asked the generation only

        var output = engine.Run(script + " -Verbose -Debug");
        Assert.Empty(engine.Errors);
        Assert.Equal(["Succeeded", "Succeeded"], output.Select(o => o.Properties["Status"].Value.ToString()));
        Assert.Equal("Reply from the v2 mock to: two", output[1].Properties["Text"].Value);
        Assert.Equal(V2ServeMock.StepCost, (decimal)output[0].Properties["Cost"].Value);
        Assert.Equal(2, server.Sessions.Count);
        Assert.DoesNotContain(server.Requests, r => r.Path.StartsWith("/session", StringComparison.Ordinal)); // no 1.x route
        var everything = StreamScan.Of(engine, output);
        Assert.DoesNotContain(V2ServeMock.Password, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("opencode:" + V2ServeMock.Password)), everything, StringComparison.Ordinal);
    }
}
