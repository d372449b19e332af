namespace OpenCodeUsage.Bench.Generator;

/// <summary>
/// A fork as <c>opencode run --session X --fork</c> makes it (opencode-fixture/VERSIONS.md): a new root
/// session titled "&lt;title&gt; (fork #1)" that copies every message and part of X under new ids taken at
/// fork time, with identical data and time_created, except that assistant copies point their parentID at
/// the copied user message. Then the user goes on in the fork. The copies were never billed.
/// </summary>
internal sealed class ForkWriter(Generation g, EventLog events, SessionWriter sessions)
{
    public void Write(SessionState source, SessionPlan plan, long created)
    {
        var fork = sessions.NewSession(SessionKind.Fork, created, source.Project, parentId: null, source.Title + " (fork #1)",
            source.Agent, source.Model, source.Permission, record: false);
        // The conversation, and so the prompt cache, carries on from the source.
        fork.Context = source.Context;
        fork.Pending = source.Pending;
        fork.Snapshot = source.Snapshot;

        var clock = created + g.Between(3, 12);
        var copiedUsers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var message in source.Recorded!)
        {
            var id = g.Ids.Message(clock);
            var data = message.Data;
            if (message.IsUser)
            {
                copiedUsers[message.Id] = id;
                g.Expected.UserMessages++;
            }
            else
            {
                data = data.Replace(message.ParentId!, copiedUsers[message.ParentId!], StringComparison.Ordinal);
                fork.Totals.Add(message.Usage, message.Cost);
                g.Expected.Assistant(message.Created, message.Usage, message.Cost, isForkCopy: true);
            }

            g.Db.Message(id, fork.Id, message.Created, clock + g.Between(2, 6), data);
            events.MessageUpdated(fork, clock, id, data);
            g.Expected.ForkCopiedMessages++;
            clock += g.Between(1, 4);
            foreach (var part in message.Parts)
            {
                var partId = g.Ids.Part(clock);
                g.Db.Part(partId, id, fork.Id, clock, clock + 1, part);
                events.PartUpdated(fork, clock, id, partId, part);
                clock += g.Between(1, 3);
            }
        }

        fork.Clock = clock;
        fork.TurnsWritten = source.TurnsWritten;
        sessions.WriteTurns(fork, plan);
        sessions.Finish(fork);
        g.Expected.ForkSessions++;
    }
}
