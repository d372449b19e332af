using OpenCodeUsage.Activity;
using Xunit;

namespace OpenCodeUsage.Tests.Activity;

/// <summary>Legacy JSON storage (OpenCode 1.0 and 1.1) watched through its files, written the way 1.1 writes them.</summary>
public sealed class LegacyWatchTests : IDisposable
{
    private readonly TempDataSet _data = new("oc-1.1.65");

    public void Dispose() => _data.Dispose();

    private string Storage(params string[] parts) => Path.Combine([_data.DataDir, "storage", .. parts]);

    private void WriteJson(string path, string json)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, json);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void New_session_message_and_part_files_become_events(bool notifications)
    {
        var project = Path.GetFileName(Directory.GetDirectories(Storage("session"))[0]);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        using var reader = new FeedReader(ActivityFeed.Start(new ActivityOptions
        {
            DataPaths = [_data.DataDir],
            UseNotifications = notifications,
            PollInterval = TimeSpan.FromMilliseconds(300),
        }, TestEnvironment.Isolated));
        WriteJson(Storage("session", project, "ses_legacy1.json"),
            $$$$"""{"id":"ses_legacy1","projectID":"{{{{project}}}}","directory":"/home/dev/projects/alpha","title":"Legacy watch","version":"1.1.65","time":{"created":{{{{now}}}},"updated":{{{{now}}}}}}""");
        WriteJson(Storage("message", "ses_legacy1", "msg_legacy1.json"),
            $$$$"""{"id":"msg_legacy1","sessionID":"ses_legacy1","role":"assistant","time":{"created":{{{{now + 10}}}}},"modelID":"mock-fast","providerID":"mock","mode":"build","agent":"build","cost":0,"tokens":{"input":0,"output":0,"reasoning":0,"cache":{"read":0,"write":0}}}""");
        reader.WaitFor(e => e.Kind == ActivityKind.MessageStarted, TimeSpan.FromSeconds(10));
        WriteJson(Storage("part", "msg_legacy1", "prt_legacy1.json"),
            """{"id":"prt_legacy1","sessionID":"ses_legacy1","messageID":"msg_legacy1","type":"step-finish","reason":"stop","cost":0.5,"tokens":{"total":1050,"input":1000,"output":50,"reasoning":0,"cache":{"read":0,"write":0}}}""");
        WriteJson(Storage("message", "ses_legacy1", "msg_legacy1.json"),
            $$$$"""{"id":"msg_legacy1","sessionID":"ses_legacy1","role":"assistant","time":{"created":{{{{now + 10}}}},"completed":{{{{now + 900}}}}},"modelID":"mock-fast","providerID":"mock","mode":"build","agent":"build","cost":0.5,"tokens":{"input":1000,"output":50,"reasoning":0,"cache":{"read":0,"write":0}},"finish":"stop"}""");
        reader.WaitFor(e => e.Kind == ActivityKind.MessageCompleted, TimeSpan.FromSeconds(10));
        var step = reader.WaitFor(e => e.Kind == ActivityKind.StepFinished, TimeSpan.FromSeconds(10));
        Assert.Single(reader.Events, e => e.Kind == ActivityKind.StepFinished);
        Assert.Equal("ses_legacy1", step.SessionId);
        Assert.Equal("Legacy watch", step.SessionTitle);
        Assert.Equal(1050, step.TotalTokens);
        Assert.Equal(1050, step.SessionTotalTokens);
        Assert.Equal(0.5m, step.Cost);
        Assert.Equal(ActivityKind.SessionCreated, reader.Events[0].Kind);
    }
}
