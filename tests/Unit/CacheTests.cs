using Microsoft.Data.Sqlite;
using OpenCodeUsage.Digest;
using OpenCodeUsage.Sessions;
using OpenCodeUsage.Storage;
using OpenCodeUsage.Usage;
using Xunit;

namespace OpenCodeUsage.Tests;

/// <summary>After every kind of change to OpenCode's data, the cached answer equals the uncached one.</summary>
public sealed class CacheTests : IDisposable
{
    private readonly string _cacheDir = Directory.CreateTempSubdirectory("ocu-cache-").FullName;
    private readonly TempDataSet _data = new("oc-1.18.33");

    public void Dispose()
    {
        Cache.Flush();
        SavedReports.Flush();
        SqliteConnection.ClearAllPools();
        _data.Dispose();
        Directory.Delete(_cacheDir, recursive: true);
    }

    /// <summary>Everything a process keeps in memory goes; the files stay.</summary>
    private void ForgetAsANewProcess()
    {
        Cache.ForgetMemory();
        SummaryMemo.ForgetMemory();
        SessionMemo.ForgetMemory();
    }

    private string? Environment(string name) => name == "OPENCODEUSAGE_CACHE_DIR" ? _cacheDir : null;

    private DigestCache Cache => DigestCache.Shared(Environment);

    private string Report(bool noCache, params string[] dataPaths)
    {
        var paths = dataPaths.Length == 0 ? [_data.DataDir] : dataPaths;
        var usage = UsageReport.Summarize(
            new UsageQuery { DataPaths = paths, GroupBy = [UsageGrouping.Session, UsageGrouping.Model], TimeZone = TimeZoneInfo.Utc, NoCache = noCache, PricingPath = Path.Combine(RepoPaths.TestData, "oc-1.18.33", "opencode.json") },
            Environment, new ReadDiagnostics(), null, CancellationToken.None);
        var sessions = SessionReader.Read(new SessionQuery { DataPaths = paths, NoCache = noCache }, Environment, new ReadDiagnostics(), null, CancellationToken.None);
        return string.Join("\n", usage.Select(u => $"{u.Group}|{u.Messages}|{u.InputTokens}|{u.OutputTokens}|{u.ReasoningTokens}|{u.CacheReadTokens}|{u.CacheWriteTokens}|{u.Cost}|{u.EstimatedCost}"))
               + "\n--\n" + string.Join("\n", sessions.Select(s => $"{s.Id}|{s.Title}|{s.MessageCount}|{s.TotalTokens}|{s.Cost}|{s.OwnCost}|{s.ForkOfId}|{s.ModelId}"));
    }

    private void AssertCachedEqualsUncached(params string[] dataPaths)
    {
        var cached = Report(noCache: false, dataPaths);
        Assert.Equal(Report(noCache: true, dataPaths), cached);
    }

    /// <summary>The data set's fork (a session holding messages created before it) and the session it copied.</summary>
    private (string Fork, string Original) ForkAndOriginal()
    {
        var fork = _data.Scalar("SELECT DISTINCT s.id FROM session s JOIN message m ON m.session_id = s.id WHERE m.time_created < s.time_created");
        var copied = _data.Scalar($"SELECT m.time_created FROM message m JOIN session s ON s.id = m.session_id WHERE s.id = '{fork}' AND m.time_created < s.time_created AND json_extract(m.data, '$.role') = 'assistant' LIMIT 1");
        return (fork, _data.Scalar($"SELECT session_id FROM message WHERE time_created = {copied} AND session_id <> '{fork}'"));
    }

    private string AnAssistantMessage(string model) => _data.Scalar($"SELECT id FROM message WHERE json_extract(data,'$.modelID') = '{model}' ORDER BY id LIMIT 1");

    [Fact]
    public void A_new_message_is_seen()
    {
        var before = Report(noCache: false);
        var source = AnAssistantMessage("mock-smart");
        _data.Execute($"INSERT INTO message (id, session_id, time_created, time_updated, data) SELECT 'msg_zzzznew000000000000000001', session_id, time_created + 5000, time_updated + 5000, json_set(data, '$.time.created', time_created + 5000) FROM message WHERE id = '{source}'");
        AssertCachedEqualsUncached();
        Assert.NotEqual(before, Report(noCache: false));
    }

    [Fact]
    public void A_new_process_reads_its_first_change_in_step_from_the_saved_digest()
    {
        Report(noCache: false);
        Cache.Flush();
        ForgetAsANewProcess();
        var loaded = Cache.Find(_data.Database);
        Assert.NotNull(loaded?.EventRows);
        Assert.NotEmpty(loaded!.EventRows!.Keys);

        var source = AnAssistantMessage("mock-smart");
        var session = _data.Scalar($"SELECT session_id FROM message WHERE id = '{source}'");
        _data.Execute($"INSERT INTO message (id, session_id, time_created, time_updated, data) SELECT 'msg_zzzznew000000000000000009', session_id, time_created + 5000, time_updated + 5000, json_set(data, '$.time.created', time_created + 5000) FROM message WHERE id = '{source}'; UPDATE event_sequence SET seq = seq + 1 WHERE aggregate_id = '{session}'");
        AssertCachedEqualsUncached();
        // In step: the sessions that did not change keep the very digests loaded from the file.
        var updated = Cache.Find(_data.Database)!;
        var unchanged = loaded.Sessions.Keys.First(id => id != session);
        Assert.Same(loaded.Sessions[unchanged], updated.Sessions[unchanged]);
        Assert.NotSame(loaded.Sessions[session], updated.Sessions[session]);
    }

    [Fact]
    public void An_updated_message_is_seen_when_OpenCode_records_the_change()
    {
        var before = Report(noCache: false);
        var message = AnAssistantMessage("mock-fast");
        var session = _data.Scalar($"SELECT session_id FROM message WHERE id = '{message}'");
        // OpenCode 1.17+ moves the session's event sequence with every message update.
        _data.Execute($"UPDATE message SET data = json_set(data, '$.tokens.input', 999999, '$.cost', 9.5) WHERE id = '{message}'; UPDATE event_sequence SET seq = seq + 1 WHERE aggregate_id = '{session}'");
        AssertCachedEqualsUncached();
        Assert.NotEqual(before, Report(noCache: false));

        // Older versions only touch the session row.
        var other = AnAssistantMessage("mock-smart");
        var otherSession = _data.Scalar($"SELECT session_id FROM message WHERE id = '{other}'");
        _data.Execute($"UPDATE message SET data = json_set(data, '$.tokens.output', 4242) WHERE id = '{other}'; UPDATE session SET time_updated = time_updated + 1 WHERE id = '{otherSession}'");
        AssertCachedEqualsUncached();
    }

    [Fact]
    public void A_renamed_or_archived_session_is_seen_and_only_changed_session_rows_are_read_again()
    {
        var before = Report(noCache: false);
        var session = _data.Scalar("SELECT id FROM session ORDER BY id LIMIT 1");
        // As OpenCode's ORM writes it: every update of a session row moves time_updated.
        _data.Execute($"UPDATE session SET title = 'renamed by the user', time_archived = time_updated, time_updated = time_updated + 7 WHERE id = '{session}'");
        AssertCachedEqualsUncached();
        var after = Report(noCache: false);
        Assert.NotEqual(before, after);
        Assert.Contains("renamed by the user", after);

        // Unchanged rows are the very records read before; the changed one is new.
        var digest = Cache.Find(_data.Database)!;
        var other = digest.SessionRows.First(s => s.Id != session);
        _data.Execute($"UPDATE session SET title = 'second rename', time_updated = time_updated + 1 WHERE id = '{session}'");
        Report(noCache: false);
        var refreshed = Cache.Find(_data.Database)!;
        Assert.Same(other, refreshed.SessionRows.First(s => s.Id == other.Id));
        Assert.Equal("second rename", refreshed.SessionRows.First(s => s.Id == session).Title);
    }

    [Fact]
    public void A_reply_still_streaming_is_read_again()
    {
        var message = AnAssistantMessage("mock-fast");
        _data.Execute($"UPDATE message SET data = json_remove(data, '$.finish', '$.time.completed') WHERE id = '{message}'");
        Report(noCache: false);
        // The reply finishes without any other trace of the change.
        _data.Execute($"UPDATE message SET data = json_set(data, '$.finish', 'stop', '$.time.completed', time_created + 100, '$.tokens.output', 777) WHERE id = '{message}'");
        AssertCachedEqualsUncached();
    }

    [Fact]
    public void A_message_deleted_without_any_other_trace_is_seen()
    {
        Report(noCache: false);
        var message = AnAssistantMessage("mock-smart");
        _data.Execute($"DELETE FROM part WHERE message_id = '{message}'; DELETE FROM message WHERE id = '{message}'");
        AssertCachedEqualsUncached();
    }

    [Fact]
    public void A_deleted_session_disappears()
    {
        Report(noCache: false);
        var session = _data.Scalar("SELECT id FROM session WHERE parent_id IS NOT NULL");
        _data.Execute($"DELETE FROM part WHERE session_id = '{session}'; DELETE FROM message WHERE session_id = '{session}'; DELETE FROM session WHERE id = '{session}'");
        AssertCachedEqualsUncached();
        Assert.DoesNotContain(session, Report(noCache: false), StringComparison.Ordinal);
    }

    [Fact]
    public void A_session_imported_with_older_times_is_seen()
    {
        // opencode import writes a session as exported: its times lie before sessions already read.
        Report(noCache: false);
        var source = _data.Scalar("SELECT session_id FROM message WHERE json_extract(data, '$.role') = 'assistant' AND json_extract(data, '$.cost') > 0 ORDER BY id LIMIT 1");
        _data.Execute($"""
            INSERT INTO session (id, project_id, slug, directory, title, version, time_created, time_updated)
              SELECT 'ses_0000import0000000000000001', project_id, slug || '-import', directory, 'imported', version, 1000, 2000
              FROM session WHERE id = '{source}';
            INSERT INTO message (id, session_id, time_created, time_updated, data)
              SELECT 'msg_0000import' || substr(id, 15), 'ses_0000import0000000000000001', 1500, 1600,
                     json_set(data, '$.time.created', 1500, '$.tokens.input', 4321)
              FROM message WHERE session_id = '{source}' AND json_extract(data, '$.role') = 'assistant';
            """);
        AssertCachedEqualsUncached();
        Assert.Contains("ses_0000import0000000000000001 · ", Report(noCache: false).Split("\n--\n")[0], StringComparison.Ordinal);
    }

    [Fact]
    public void A_session_removed_and_another_added_in_one_change_is_seen()
    {
        // The session table keeps its row count: only the ids tell.
        Report(noCache: false);
        var removed = _data.Scalar("SELECT id FROM session WHERE parent_id IS NOT NULL ORDER BY id LIMIT 1");
        var source = _data.Scalar("SELECT session_id FROM message WHERE json_extract(data, '$.role') = 'assistant' AND json_extract(data, '$.cost') > 0 ORDER BY id LIMIT 1");
        _data.Execute($"""
            DELETE FROM part WHERE session_id = '{removed}'; DELETE FROM message WHERE session_id = '{removed}'; DELETE FROM session WHERE id = '{removed}';
            INSERT INTO session (id, project_id, slug, directory, title, version, time_created, time_updated)
              SELECT 'ses_zzzzadded0000000000000001', project_id, slug || '-added', directory, 'added', version, 1000, 2000
              FROM session WHERE id = '{source}';
            INSERT INTO message (id, session_id, time_created, time_updated, data)
              SELECT 'msg_zzzzadded' || substr(id, 14), 'ses_zzzzadded0000000000000001', 1500, 1600, json_set(data, '$.time.created', 1500)
              FROM message WHERE session_id = '{source}' AND json_extract(data, '$.role') = 'assistant';
            """);
        AssertCachedEqualsUncached();
        var after = Report(noCache: false);
        Assert.DoesNotContain(removed, after, StringComparison.Ordinal);
        Assert.Contains("ses_zzzzadded0000000000000001|", after, StringComparison.Ordinal);
    }

    [Fact]
    public void Deleting_the_session_a_fork_copied_from_makes_the_copies_count_in_the_unchanged_fork()
    {
        // The fork's own rows do not change, but which of them are copies does: its tallies must be redone.
        var (fork, original) = ForkAndOriginal();
        var before = Report(noCache: false);
        _data.Execute($"DELETE FROM part WHERE session_id = '{original}'; DELETE FROM message WHERE session_id = '{original}'; DELETE FROM session WHERE id = '{original}'");
        AssertCachedEqualsUncached();
        var after = Report(noCache: false);
        var forkLinesBefore = before.Split('\n').Where(l => l.StartsWith(fork, StringComparison.Ordinal)).ToList();
        var forkLinesAfter = after.Split('\n').Where(l => l.StartsWith(fork, StringComparison.Ordinal)).ToList();
        Assert.NotEqual(forkLinesBefore, forkLinesAfter);
    }

    [Fact]
    public void A_new_message_in_the_session_a_fork_copied_from_leaves_the_copies_copies()
    {
        var (fork, original) = ForkAndOriginal();
        var forkLines = (string report) => report.Split('\n').Where(l => l.StartsWith(fork, StringComparison.Ordinal)).ToList();
        var before = Report(noCache: false);
        var source = _data.Scalar($"SELECT id FROM message WHERE session_id = '{original}' AND json_extract(data, '$.role') = 'assistant' LIMIT 1");
        _data.Execute($"INSERT INTO message (id, session_id, time_created, time_updated, data) SELECT 'msg_zzzznew000000000000000003', session_id, time_created + 9000, time_updated + 9000, json_set(data, '$.time.created', time_created + 9000) FROM message WHERE id = '{source}'");
        AssertCachedEqualsUncached();
        var after = Report(noCache: false);
        Assert.NotEqual(before, after);
        Assert.Equal(forkLines(before), forkLines(after));
    }

    [Fact]
    public void A_fork_that_goes_on_keeps_its_copies_copies_and_counts_its_new_message()
    {
        var (fork, _) = ForkAndOriginal();
        var before = Report(noCache: false);
        var source = _data.Scalar($"SELECT id FROM message WHERE session_id = '{fork}' AND json_extract(data, '$.role') = 'assistant' ORDER BY time_created DESC LIMIT 1");
        _data.Execute($"INSERT INTO message (id, session_id, time_created, time_updated, data) SELECT 'msg_zzzznew000000000000000004', session_id, time_created + 70000, time_updated + 70000, json_set(data, '$.time.created', time_created + 70000, '$.tokens.input', 777) FROM message WHERE id = '{source}'");
        AssertCachedEqualsUncached();
        var after = Report(noCache: false);
        Assert.NotEqual(before, after);
        // The copies stay out: the fork's usage grows by the new message alone.
        var forkInput = (string report) => report.Split("\n--\n")[0].Split('\n').Where(l => l.StartsWith(fork, StringComparison.Ordinal)).Sum(l => long.Parse(l.Split('|')[2]));
        Assert.Equal(forkInput(before) + 777, forkInput(after));
    }

    [Fact]
    public void A_new_fork_is_seen_and_its_copies_are_not_counted_again()
    {
        var before = Report(noCache: false);
        var source = _data.Scalar("SELECT session_id FROM message WHERE json_extract(data, '$.role') = 'assistant' AND json_extract(data, '$.cost') > 0 ORDER BY id LIMIT 1");
        // What OpenCode's fork writes: a new session, created now, holding copies of the source's messages under new
        // ids with the same data and creation times.
        _data.Execute($"""
            INSERT INTO session (id, project_id, slug, directory, title, version, time_created, time_updated)
              SELECT 'ses_zzzzfork00000000000000001', project_id, slug || '-fork', directory, title || ' (fork #1)', version,
                     (SELECT max(time_updated) FROM message) + 60000, (SELECT max(time_updated) FROM message) + 60000
              FROM session WHERE id = '{source}';
            INSERT INTO message (id, session_id, time_created, time_updated, data)
              SELECT 'msg_zzzzfork' || substr(id, 13), 'ses_zzzzfork00000000000000001', time_created, time_updated, data
              FROM message WHERE session_id = '{source}';
            """);
        AssertCachedEqualsUncached();
        var after = Report(noCache: false);
        // Every message of the fork is a copy: it adds no usage line, and the source's lines are unchanged.
        Assert.DoesNotContain("ses_zzzzfork00000000000000001|", after.Split("\n--\n")[0], StringComparison.Ordinal);
        Assert.Equal(before.Split("\n--\n")[0], after.Split("\n--\n")[0]);
        Assert.Contains($"ses_zzzzfork00000000000000001|", after.Split("\n--\n")[1], StringComparison.Ordinal);
    }

    [Fact]
    public void A_replaced_or_restored_database_is_read_afresh()
    {
        var original = Path.Combine(_cacheDir, "original.db");
        File.Copy(_data.Database, original);
        var modified = File.GetLastWriteTimeUtc(_data.Database);
        Report(noCache: false);

        // Another database of the very same size, given the very same modification time (as cp -p or rsync -a may):
        // only the inode and status-change time tell, and only Linux reports them.
        File.Copy(Path.Combine(RepoPaths.DataDir("oc-1.17.19"), "opencode.db"), _data.Database, overwrite: true);
        if (OperatingSystem.IsLinux())
        {
            File.SetLastWriteTimeUtc(_data.Database, modified);
            Assert.Equal(new FileInfo(original).Length, new FileInfo(_data.Database).Length);
        }

        AssertCachedEqualsUncached();

        // A backup restored with its old time stamp.
        File.Copy(original, _data.Database, overwrite: true);
        File.SetLastWriteTimeUtc(_data.Database, modified);
        AssertCachedEqualsUncached();
    }

    [Fact]
    public void A_schema_upgrade_is_read_afresh()
    {
        Report(noCache: false);
        _data.Execute("ALTER TABLE session ADD COLUMN future_column TEXT; CREATE TABLE future_table (id TEXT)");
        AssertCachedEqualsUncached();
    }

    [Fact]
    public void A_second_data_dir_is_merged_the_same_way()
    {
        Report(noCache: false);
        AssertCachedEqualsUncached(_data.DataDir, RepoPaths.DataDir("upgrade-1.1.65-to-1.18.33"));
        AssertCachedEqualsUncached(RepoPaths.DataDir("upgrade-1.1.65-to-1.18.33"), _data.DataDir);
    }

    [Fact]
    public void A_new_process_starts_from_the_file_and_a_damaged_file_is_rebuilt()
    {
        var expected = Report(noCache: true);
        Report(noCache: false);
        Cache.Flush();
        var file = DigestFile.PathFor(_cacheDir, _data.Database);
        Assert.True(File.Exists(file));

        ForgetAsANewProcess();
        Assert.NotNull(DigestFile.TryLoad(_cacheDir, _data.Database));
        Assert.Equal(expected, Report(noCache: false));

        foreach (var damage in new Action[]
        {
            () => File.WriteAllBytes(file, File.ReadAllBytes(file)[..^9]),                       // truncated
            () => { var b = File.ReadAllBytes(file); b[b.Length / 2] ^= 0xFF; File.WriteAllBytes(file, b); }, // altered
            () => File.WriteAllText(file, "not a digest at all"),                                   // foreign
        })
        {
            Report(noCache: false);
            Cache.Flush();
            damage();
            Assert.Null(DigestFile.TryLoad(_cacheDir, _data.Database));
            ForgetAsANewProcess();
            Assert.Equal(expected, Report(noCache: false));
            Cache.Flush();
            Assert.NotNull(DigestFile.TryLoad(_cacheDir, _data.Database));
        }

        Assert.Empty(Directory.EnumerateFiles(_cacheDir, "*.tmp"));
    }

    [Fact]
    public void A_digest_file_of_another_database_is_not_used()
    {
        Report(noCache: false);
        Cache.Flush();
        var other = Path.Combine(_cacheDir, "other.db");
        File.Copy(_data.Database, other);
        File.Copy(DigestFile.PathFor(_cacheDir, _data.Database), DigestFile.PathFor(_cacheDir, other));
        Assert.Null(DigestFile.TryLoad(_cacheDir, other));
    }

    [SkippableTheory]
    [MemberData(nameof(DataSets.All), MemberType = typeof(DataSets))]
    public void A_saved_digest_loads_back_whole(string dataSet)
    {
        using var data = new TempDataSet(dataSet);
        var database = Directory.EnumerateFiles(data.DataDir, "*.db").FirstOrDefault();
        Skip.If(database is null, "legacy JSON only: its digests are never persisted");

        var store = new StoreRef(data.DataDir, database!, false, 0);
        var digest = SqliteDigester.Digest(store, null, new StringPool(), null, CancellationToken.None);
        DigestFile.TrySave(_cacheDir, digest);
        var loaded = DigestFile.TryLoad(_cacheDir, database);
        Assert.NotNull(loaded);
        Assert.Equal(Describe(digest), Describe(loaded!));
        // With an unchanged file the loaded digest is used as it is, bound to the caller's store.
        var again = SqliteDigester.Digest(store, loaded, new StringPool(), null, CancellationToken.None);
        Assert.Same(loaded, again);
        Assert.All(again.SessionRows, s => Assert.Equal(store, s.Store));
    }

    private static string Describe(StoreDigest d) =>
        string.Join("\n", new[] { $"{d.Path}|{d.Stamp}|{d.SchemaHash}|{d.MaxRowId}" }
            .Concat(d.ProjectRows.Select(p => $"P|{p.Id}|{p.Worktree}|{p.Name}"))
            .Concat(d.SessionRows.Select(s => $"S|{s with { Store = d.SessionRows[0].Store }}"))
            .Concat(d.EventRows is { } events ? events.Keys.Select((k, i) => $"E|{k}|{events.Numbers[i]}") : ["E|unknown"])
            .Concat(d.Sessions.Values.OrderBy(x => x.SessionId, StringComparer.Ordinal).Select(x =>
                $"D|{x.SessionId}|{x.MessageCount}|{x.FirstAgent}|{x.Updated}|{x.EventSequence}|{x.Unsettled}|{x.MalformedRows}|{x.SecondaryMessages}|" +
                string.Join(";", x.Rows.Select(r => $"{x.IdOf(r)},{r.RowId},{r.Created},{r.Input},{r.Output},{r.Reasoning},{r.CacheRead},{r.CacheWrite},{r.Cost:R},{r.ProviderId},{r.ModelId},{r.AgentName},{r.ErrorName}")))));

    private IReadOnlyList<UsageSummary> RememberedReport(ReadDiagnostics? diagnostics = null) =>
        UsageReport.Summarize(
            new UsageQuery { DataPaths = [_data.DataDir], GroupBy = [UsageGrouping.Day, UsageGrouping.Model], TimeZone = TimeZoneInfo.Utc },
            Environment, diagnostics ?? new ReadDiagnostics(), null, CancellationToken.None);

    private static string Text(IEnumerable<UsageSummary> rows) => string.Join("\n", rows.Select(r => r.ToString() + "|" + r.Messages + "|" + r.InputTokens + "|" + r.Cost + "|" + r.EstimatedCost + "|" + r.Models));

    [Fact]
    public void A_new_process_answers_a_repeated_report_from_the_saved_one_until_a_file_changes()
    {
        var first = Text(RememberedReport());
        SavedReports.Flush();
        var saved = Path.Combine(_cacheDir, SavedReports.FileName);
        Assert.True(File.Exists(saved));
        Assert.Contains("GroupBy=[Day,Model,]", File.ReadAllText(saved));

        // A new process: memory gone; the digest file removed too, so only the saved report can answer.
        ForgetAsANewProcess();
        File.Delete(DigestFile.PathFor(_cacheDir, _data.Database));
        Assert.Equal(first, Text(RememberedReport()));
        Assert.False(File.Exists(DigestFile.PathFor(_cacheDir, _data.Database)));

        // Any change to the database: the saved report no longer matches.
        var source = AnAssistantMessage("mock-smart");
        _data.Execute($"INSERT INTO message (id, session_id, time_created, time_updated, data) SELECT 'msg_zzzznew000000000000000002', session_id, time_created + 5000, time_updated + 5000, json_set(data, '$.time.created', time_created + 5000) FROM message WHERE id = '{source}'");
        ForgetAsANewProcess();
        var changed = Text(RememberedReport());
        Assert.NotEqual(first, changed);
        Assert.Equal(Text(UsageReport.Summarize(
            new UsageQuery { DataPaths = [_data.DataDir], GroupBy = [UsageGrouping.Day, UsageGrouping.Model], TimeZone = TimeZoneInfo.Utc, NoCache = true },
            Environment, new ReadDiagnostics(), null, CancellationToken.None)), changed);
    }

    [Fact]
    public void A_damaged_or_foreign_saved_report_file_is_ignored_and_replaced()
    {
        var expected = Text(RememberedReport());
        SavedReports.Flush();
        var saved = Path.Combine(_cacheDir, SavedReports.FileName);
        foreach (var damage in new[] { "not json", "{\"Build\":\"another build\",\"Entries\":[]}", "{\"Build\":null}", "[1,2" })
        {
            File.WriteAllText(saved, damage);
            ForgetAsANewProcess();
            Assert.Equal(expected, Text(RememberedReport()));
            SavedReports.Flush();
            Assert.Contains("GroupBy=[Day,Model,]", File.ReadAllText(saved));
        }

        Assert.Empty(Directory.EnumerateFiles(_cacheDir, "*.tmp"));
    }

    [Fact]
    public void Warnings_of_a_saved_report_are_given_again()
    {
        using var data = new TempDataSet("oc-1.18.33");
        data.Execute("UPDATE message SET data = '{broken' WHERE id = (SELECT min(id) FROM message)");
        IReadOnlyList<UsageSummary> Run(ReadDiagnostics d) => UsageReport.Summarize(
            new UsageQuery { DataPaths = [data.DataDir], TimeZone = TimeZoneInfo.Utc }, Environment, d, null, CancellationToken.None);
        var first = new ReadDiagnostics();
        var rows = Text(Run(first));
        Assert.Contains(first.Warnings, w => w.Contains("malformed", StringComparison.OrdinalIgnoreCase));
        SavedReports.Flush();
        ForgetAsANewProcess();
        var second = new ReadDiagnostics();
        Assert.Equal(rows, Text(Run(second)));
        Assert.Equal(first.Warnings, second.Warnings);
    }
}
