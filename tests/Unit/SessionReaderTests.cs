using OpenCodeUsage.Sessions;
using OpenCodeUsage.Storage;
using Xunit;

namespace OpenCodeUsage.Tests;

/// <summary>Session figures on real data written by every OpenCode generation, against summarize.sh's raw-row sums.</summary>
public sealed class SessionReaderTests
{
    private static IReadOnlyList<Session> Read(string dataSet, ReadDiagnostics? diagnostics = null) =>
        SessionReader.Read(new SessionQuery { DataPaths = [RepoPaths.DataDir(dataSet)] }, TestEnvironment.Isolated,
            diagnostics ?? new ReadDiagnostics(), null, CancellationToken.None);

    [Theory]
    [MemberData(nameof(DataSets.All), MemberType = typeof(DataSets))]
    public void Every_session_adds_up_to_its_raw_messages(string dataSet)
    {
        var expected = ExpectedSession.Load(dataSet);
        var diagnostics = new ReadDiagnostics();
        var sessions = Read(dataSet, diagnostics).ToDictionary(s => s.Id);

        Assert.Empty(diagnostics.Failures);
        Assert.Empty(diagnostics.Warnings);
        Assert.Equal(expected.Select(e => e.Id).Order(), sessions.Keys.Order());
        var includesReasoning = DataSets.OutputIncludesReasoning[dataSet];
        foreach (var e in expected)
        {
            var s = sessions[e.Id];
            Assert.Equal(e.Messages, s.MessageCount);
            Assert.Equal(e.AssistantMessages, s.AssistantMessageCount);
            Assert.Equal(e.Input, s.InputTokens);
            Assert.Equal(includesReasoning ? e.Output - e.Reasoning : e.Output, s.OutputTokens);
            Assert.Equal(e.Reasoning, s.ReasoningTokens);
            Assert.Equal(e.CacheRead, s.CacheReadTokens);
            Assert.Equal(e.CacheWrite, s.CacheWriteTokens);
            Assert.Equal(s.InputTokens + s.OutputTokens + s.ReasoningTokens + s.CacheReadTokens + s.CacheWriteTokens, s.TotalTokens);
            Assert.InRange(Math.Abs(s.Cost - e.Cost), 0m, 1e-9m);
            Assert.InRange(Math.Abs(s.OwnCost - e.OwnCost), 0m, 1e-9m);
            Assert.Equal(e.ParentId, s.ParentId);
            Assert.Equal(e.ProjectId, s.ProjectId);
            Assert.Equal(e.Title, s.Title);
        }
    }

    [Theory]
    [InlineData("oc-1.17.19")]
    [InlineData("oc-1.18.33")]
    public void Figures_equal_OpenCodes_own_session_columns(string dataSet)
    {
        var sessions = Read(dataSet).ToDictionary(s => s.Id);
        foreach (var e in ExpectedSession.Load(dataSet))
        {
            var s = sessions[e.Id];
            Assert.Equal(e.StoredInput, s.InputTokens);
            Assert.Equal(e.StoredOutput, s.OutputTokens);
            Assert.Equal(e.StoredReasoning, s.ReasoningTokens);
            Assert.Equal(e.StoredCacheRead, s.CacheReadTokens);
            Assert.Equal(e.StoredCacheWrite, s.CacheWriteTokens);
            Assert.InRange(Math.Abs(s.Cost - e.StoredCost!.Value), 0m, 1e-9m);
        }
    }

    [Theory]
    [MemberData(nameof(DataSets.All), MemberType = typeof(DataSets))]
    public void A_fork_names_the_session_it_copied(string dataSet)
    {
        var expected = ExpectedSession.Load(dataSet);
        var sessions = Read(dataSet).ToDictionary(s => s.Id);
        // The fork is the session whose own cost is below its raw cost: its copied history was billed elsewhere.
        var forks = expected.Where(e => e.OwnAssistantMessages < e.AssistantMessages).ToList();
        Assert.Single(forks);
        var fork = sessions[forks[0].Id];
        Assert.NotNull(fork.ForkOfId);
        var source = sessions[fork.ForkOfId!];
        Assert.Null(source.ForkOfId);
        if (dataSet != "oc-1.0.185")
        {
            // 1.0 forked over HTTP and titled the copy "New session - <time>"; later versions name the source.
            Assert.Equal(source.Title + " (fork #1)", fork.Title);
        }

        Assert.All(sessions.Values.Where(s => s.Id != fork.Id), s => Assert.Null(s.ForkOfId));
    }

    [Fact]
    public void Subagent_children_name_their_parent()
    {
        var sessions = Read("oc-1.18.33");
        var child = Assert.Single(sessions, s => s.ParentId is not null);
        Assert.Contains(sessions, s => s.Id == child.ParentId);
    }

    [Fact]
    public void Newest_first_and_filters_apply()
    {
        var all = Read("oc-1.18.33");
        Assert.Equal(all.OrderByDescending(s => s.Updated).Select(s => s.Id), all.Select(s => s.Id));

        var query = new SessionQuery { DataPaths = [RepoPaths.DataDir("oc-1.18.33")], RootOnly = true, First = 2 };
        var some = SessionReader.Read(query, TestEnvironment.Isolated, new ReadDiagnostics(), null, CancellationToken.None);
        Assert.Equal(all.Where(s => s.ParentId is null).Take(2).Select(s => s.Id), some.Select(s => s.Id));
    }

    [Fact]
    public void Project_names_come_from_the_worktree()
    {
        var names = Read("oc-1.18.33").Select(s => s.ProjectName).Distinct().Order().ToList();
        Assert.Equal(["alpha", "beta"], names);
    }
}
