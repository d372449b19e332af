using System.Text.Json;
using OpenCodeFixture.Processes;

namespace OpenCodeFixture.Scenario;

/// <summary>One finished <c>opencode run</c>.</summary>
/// <param name="Label">Names the files under runs/: &lt;label&gt;.jsonl (stdout) and &lt;label&gt;.err.</param>
/// <param name="Project">The project it ran in (its working directory).</param>
public sealed record OpenCodeRun(string Label, string Project, ProcessResult Process)
{
    /// <summary>The JSON event lines of <c>--format json</c> (other lines left out).</summary>
    public IReadOnlyList<string> JsonLines => Process.OutputLines.Where(l => l.StartsWith('{')).ToList();

    /// <summary>The session the run worked in: the sessionID of its first JSON event.</summary>
    public string? SessionId => SessionIdOf(Process.OutputLines);

    public int ExitCode => Process.ExitCode;

    public TimeSpan Duration => Process.Duration;

    public bool Succeeded => Process.Succeeded;

    /// <summary>Sessions the run's tool calls created (subagents of the task tool).</summary>
    public IReadOnlyList<string> ChildSessionIds => ChildSessionIdsOf(Process.OutputLines);

    /// <summary>The sessionId in the metadata of tool_use events: where the task tool ran its subagent.</summary>
    public static IReadOnlyList<string> ChildSessionIdsOf(IEnumerable<string> lines)
    {
        var children = new List<string>();
        foreach (var line in lines)
        {
            if (!line.StartsWith('{')) continue;
            try
            {
                using var doc = JsonDocument.Parse(line);
                var root = doc.RootElement;
                if (root.TryGetProperty("type", out var type) && type.ValueEquals("tool_use")
                    && root.TryGetProperty("part", out var part) && part.ValueKind == JsonValueKind.Object
                    && part.TryGetProperty("state", out var state) && state.ValueKind == JsonValueKind.Object
                    && state.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object
                    && metadata.TryGetProperty("sessionId", out var id) && id.ValueKind == JsonValueKind.String
                    && id.GetString() is { } child && !children.Contains(child))
                    children.Add(child);
            }
            catch (JsonException)
            {
                // not an event line
            }
        }
        return children;
    }

    public static string? SessionIdOf(IEnumerable<string> lines)
    {
        foreach (var line in lines)
        {
            if (!line.StartsWith('{')) continue;
            try
            {
                using var doc = JsonDocument.Parse(line);
                if (doc.RootElement.TryGetProperty("sessionID", out var id) && id.ValueKind == JsonValueKind.String)
                    return id.GetString();
            }
            catch (JsonException)
            {
                // a line that only looks like JSON: keep looking
            }
        }
        return null;
    }
}
