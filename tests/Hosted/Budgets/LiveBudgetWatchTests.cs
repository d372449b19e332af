using System.Collections;
using System.Management.Automation;
using System.Net;
using OpenCodeFixture.Scenario;
using Xunit.Abstractions;

namespace OpenCodeUsage.Tests.Hosted.Budgets;

/// <summary>
/// Watch-OpenCodeBudget against the real OpenCode CLI and the in-repo mock LLM: a budget crosses on a step in
/// the middle of a real session, and an alert can interrupt a session running in a real `opencode serve`.
/// </summary>
[Collection(LiveBudgetCollection.Name)]
public sealed class LiveBudgetWatchTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(120);

    private static async Task<OpenCodeSandbox> SandboxAsync(string root, TimeSpan chunkDelay = default)
    {
        var sandbox = await OpenCodeSandbox.CreateAsync(new SandboxOptions
        {
            OutputDirectory = Path.Combine(root, "sandbox"),
            OpenCodeBinary = LiveOpenCode.Binary(),
            MockChunkDelay = chunkDelay,
        });
        // The first run creates the database and applies OpenCode's migrations: a watch needs a database.
        var first = await sandbox.PromptAsync("alpha", "mock/mock-fast", "warm up");
        Assert.True(first.Succeeded, first.Process.StandardError);
        return sandbox;
    }

    /// <summary>Starts the watch; alerts land in the list, with the moment each arrived.</summary>
    private static (PowerShell Pipeline, IAsyncResult Running, List<(PSObject Alert, DateTimeOffset Arrived)> Alerts) Watch(
        Engine engine, string script, params object[] arguments)
    {
        var pipeline = engine.CreatePipeline(script, arguments);
        var alerts = new List<(PSObject, DateTimeOffset)>();
        var sink = new PSDataCollection<PSObject>();
        sink.DataAdded += (_, e) =>
        {
            lock (alerts)
            {
                alerts.Add((sink[e.Index], DateTimeOffset.Now));
            }
        };
        return (pipeline, pipeline.BeginInvoke<PSObject, PSObject>(null, sink), alerts);
    }

    private static T Value<T>(PSObject o, string name) => (T)PSObject.AsPSObject(o.Properties[name].Value).BaseObject;

    [SkippableFact]
    public async Task A_budget_crossed_by_a_step_mid_session_alerts_once_with_the_exact_spend_at_that_step()
    {
        var root = Directory.CreateTempSubdirectory("ocu-budget-live-").FullName;
        try
        {
            // Spaced chunks keep each step longer than a poll: with none, a quick machine can write every step of
            // the session between two polls, and the alert honestly counts the whole session.
            await using var sandbox = await SandboxAsync(root, TimeSpan.FromMilliseconds(200));
            using var engine = new Engine();
            // Project beta has spent nothing: the first step of its session crosses the limit, and two more follow.
            var budget = new Hashtable { ["Name"] = "beta-today", ["Period"] = "Day", ["Project"] = new[] { "beta" }, ["LimitUsd"] = 0.000001m };
            var (pipeline, running, alerts) = Watch(engine,
                "Watch-OpenCodeBudget -Budget $args[0] -DataPath $args[1] -TimeoutSec 120 -PollInterval 0.5", budget, sandbox.DataDirectory);
            using var _ = pipeline;
            await Task.Delay(1000); // the watch's first evaluation: Ok, no alert
            Assert.Empty(alerts);
            var started = DateTimeOffset.Now;
            var run = await sandbox.PromptAsync("beta", "mock/mock-smart", "SPAWN_SUBAGENT beta side please");
            Assert.True(run.Succeeded, run.Process.StandardError);
            var child = Assert.Single(run.ChildSessionIds);
            await Task.Delay(3000); // the last steps' evaluations: no second alert for a budget already Exceeded
            pipeline.Stop();

            var (alert, arrived) = Assert.Single(alerts);
            Assert.Equal("OpenCodeUsage.BudgetAlert", alert.TypeNames[0]);
            Assert.Equal("Exceeded", alert.Properties["Status"].Value.ToString());
            Assert.Equal("Ok", alert.Properties["PreviousStatus"].Value.ToString());
            Assert.Contains(Value<string>(alert, "SessionId"), new[] { run.SessionId, child });
            // Mid-session: the alert counted fewer messages than the session ended with. Its spend is the crossing
            // step's, or more when other steps finished within the same poll (a busy machine batches them); the
            // step's cost is Get-OpenCodeUsage's for that message.
            var final = engine.Run("$args[0] | Test-OpenCodeBudget -DataPath $args[1]", budget, sandbox.DataDirectory).Single();
            var evaluation = PSObject.AsPSObject(alert.Properties["Evaluation"].Value);
            Assert.True(Value<int>(evaluation, "Messages") < Value<int>(final, "Messages"), "the alert came only at the end");
            var message = engine.Run("Get-OpenCodeUsage -DataPath $args[0] -PerMessage -Project beta | Where-Object MessageId -eq $args[1]", sandbox.DataDirectory, Value<string>(alert, "MessageId")).Single();
            Assert.Equal(Value<decimal>(message, "Cost"), Value<decimal>(alert, "StepCost"));
            Assert.InRange(Value<decimal>(alert, "Spent"), Value<decimal>(alert, "StepCost"), Value<decimal>(final, "Spent"));
            var total = engine.Run("Get-OpenCodeUsage -DataPath $args[0] -Project beta -Total | Where-Object IsTotal", sandbox.DataDirectory).Single();
            Assert.Equal(Value<decimal>(total, "Cost"), Value<decimal>(final, "Spent"));
            output.WriteLine($"alert {(arrived - started).TotalMilliseconds:0} ms after the run began; the run took {run.Duration.TotalMilliseconds:0} ms");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [SkippableFact]
    public async Task An_exceeded_session_budget_interrupts_the_session_through_a_real_opencode_serve()
    {
        var root = Directory.CreateTempSubdirectory("ocu-budget-serve-").FullName;
        try
        {
            // Each streamed word takes 300 ms: the parent's last answer is still streaming when its subagent's step crosses.
            await using var sandbox = await SandboxAsync(root, TimeSpan.FromMilliseconds(300));
            await using var server = await sandbox.StartServeAsync("alpha");
            using var client = server.CreateClient();
            var session = (await ServeApi.CreateSessionAsync(server, client, CancellationToken.None)).Id!;
            using var engine = new Engine();
            var password = new System.Security.SecureString();
            foreach (var c in server.Password)
            {
                password.AppendChar(c);
            }

            var credential = new PSCredential(server.Username, password);
            var budget = new Hashtable { ["Name"] = "one-session", ["Period"] = "Day", ["SessionId"] = new[] { session }, ["LimitUsd"] = 0.000001m };
            var (pipeline, running, alerts) = Watch(engine,
                "Watch-OpenCodeBudget -Budget $args[0] -DataPath $args[1] -InterruptSession -Server $args[2] -Credential $args[3] -Count 1 -TimeoutSec 120 -PollInterval 0.5 -Confirm:$false",
                budget, sandbox.DataDirectory, server.BaseUri, credential);
            using var _ = pipeline;
            await Task.Delay(1000);
            var reply = await ServeApi.PromptAsync(server, client, session, "mock/mock-fast", "SPAWN_SUBAGENT and then take your time", CancellationToken.None);
            pipeline.EndInvoke(running);
            Assert.Empty(pipeline.Streams.Error);

            var (alert, _) = Assert.Single(alerts);
            var actions = (string[])PSObject.AsPSObject(alert.Properties["Actions"].Value).BaseObject;
            output.WriteLine(string.Join("\n", actions));
            Assert.Contains(actions, a => a.StartsWith($"Interrupted session {session} on ", StringComparison.Ordinal) && a.EndsWith("(abort).", StringComparison.Ordinal));
            // The parent's answer after the subagent was cut short: OpenCode recorded it as aborted.
            Assert.True(reply.Status is 200 or 204, reply.Body);
            var messages = engine.Run("Get-OpenCodeUsage -DataPath $args[0] -PerMessage -SessionId $args[1]", sandbox.DataDirectory, session);
            Assert.Contains(messages, m => m.Properties["Error"].Value?.ToString() == "MessageAbortedError");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class LiveBudgetCollection
{
    public const string Name = "Live budget watch";
}
