using OpenCodeUsage.Digest;
using OpenCodeUsage.Discovery;
using OpenCodeUsage.Storage;

namespace OpenCodeUsage.Sessions;

/// <summary>
/// Every session of the last reads, worked out, with the state of each database it came from: asking again of
/// unchanged files filters these instead of adding up a session's history again. Stores that cannot be
/// stamped cheaply (legacy JSON folders) are never memoised.
/// </summary>
internal static class SessionMemo
{
    private const int Capacity = 2;
    private static readonly LinkedList<Entry> Entries = new();
    private static readonly object Gate = new();

    internal sealed record Entry(string Key, IReadOnlyList<Computed> Sessions, IReadOnlyList<string> Warnings);

    /// <summary>One session as read and as reported, newest first in an entry.</summary>
    internal readonly record struct Computed(SessionRecord Record, ProjectRecord? Project, Session Session);

    public static string? KeyFor(IReadOnlyList<DataSource> sources)
    {
        if (sources.Any(s => s.LegacyStorage is not null))
        {
            return null;
        }

        var key = new System.Text.StringBuilder("sessions");
        // The data path is part of the answer (Session.DataPath): the same file given directly is another key.
        foreach (var source in sources)
        {
            key.Append('|').Append(source.DataPath);
            foreach (var db in source.Databases)
            {
                key.Append('|').Append(db).Append(':').Append(FileStamp.Of(db));
            }
        }

        return key.ToString();
    }

    public static Entry? Find(string key)
    {
        lock (Gate)
        {
            for (var node = Entries.First; node is not null; node = node.Next)
            {
                if (node.Value.Key == key)
                {
                    Entries.Remove(node);
                    Entries.AddFirst(node);
                    return node.Value;
                }
            }
        }

        return null;
    }

    /// <summary>Drops every entry, as a new process would start.</summary>
    internal static void ForgetMemory()
    {
        lock (Gate)
        {
            Entries.Clear();
        }
    }

    public static void Keep(Entry entry)
    {
        lock (Gate)
        {
            Entries.AddFirst(entry);
            while (Entries.Count > Capacity)
            {
                Entries.RemoveLast();
            }
        }
    }
}
