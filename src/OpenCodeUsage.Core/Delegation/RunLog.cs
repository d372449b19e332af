using System.Text;
using System.Text.RegularExpressions;

namespace OpenCodeUsage.Delegation;

/// <summary>
/// What OpenCode wrote to stderr: its log (logfmt lines from <c>--print-logs</c>) and anything else, such as
/// "Error: Session not found" or "! agent … not found". Log lines are read for three facts and then dropped;
/// other lines are kept, the last <see cref="MaxNotices"/> of them, so memory stays bounded however long a run is.
/// </summary>
public sealed partial class RunLog
{
    public const int MaxNotices = 40;
    private const int MaxNoticeLength = 2000;

    private readonly object _gate = new();
    private readonly Dictionary<string, (string? Provider, string? Model, string? Agent)> _models = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Name, string Message)> _failures = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Name, string Message)> _streamErrors = new(StringComparer.Ordinal);
    private readonly Queue<string> _notices = new();
    private readonly List<string> _rejected = [];

    public void Feed(string line)
    {
        var clean = Ansi().Replace(line, string.Empty).TrimEnd();
        if (clean.Length == 0)
        {
            return;
        }

        lock (_gate)
        {
            if (!clean.StartsWith("timestamp=", StringComparison.Ordinal))
            {
                if (Rejected().Match(clean) is { Success: true } rejected && _rejected.Count < MaxNotices)
                {
                    _rejected.Add(rejected.Groups["permission"].Value);
                }

                _notices.Enqueue(clean.Length > MaxNoticeLength ? clean[..MaxNoticeLength] + "…" : clean);
                while (_notices.Count > MaxNotices)
                {
                    _notices.Dequeue();
                }

                return;
            }

            var fields = Logfmt(clean);
            var session = fields.GetValueOrDefault("session.id");
            switch (fields.GetValueOrDefault("message"))
            {
                // The run's own session (new or forked) is the first one made; subagents' come later.
                case "created" when CreatedSession is null && fields.TryGetValue("id", out var created):
                    CreatedSession = created;
                    break;
                // The first main-agent model call of a session: the model and agent it really used (an unknown
                // --agent falls back to the default one; subagents and title calls log their own lines).
                case "stream" when session is not null && fields.GetValueOrDefault("small") == "false"
                                                        && fields.GetValueOrDefault("mode") == "primary"
                                                        && !_models.ContainsKey(session):
                    _models[session] = (fields.GetValueOrDefault("providerID"), fields.GetValueOrDefault("modelID"), fields.GetValueOrDefault("agent"));
                    break;
                // Each failed model call, retried ones included: why a run that timed out never finished.
                case "stream error" when session is not null && fields.TryGetValue("error.error", out var streamError):
                    _streamErrors[session] = SplitError(streamError);
                    break;
                // A server error the JSON events only name as UnknownError with this reference.
                case "failed" when fields.TryGetValue("ref", out var reference) && fields.TryGetValue("error", out var failure):
                    _failures[reference] = SplitError(failure);
                    break;
            }
        }
    }

    /// <summary>The first session OpenCode made: the run's own, known even when it was killed before printing any event.</summary>
    public string? CreatedSession { get; private set; }

    /// <summary>Provider, model and agent of the first main-agent call in <paramref name="sessionId"/>.</summary>
    public (string? Provider, string? Model, string? Agent)? ModelOf(string sessionId)
    {
        lock (_gate)
        {
            return _models.TryGetValue(sessionId, out var model) ? model : null;
        }
    }

    /// <summary>The last failed model call of <paramref name="sessionId"/>, or of any session when it is null.</summary>
    public (string Name, string Message)? LastStreamError(string? sessionId)
    {
        lock (_gate)
        {
            if (sessionId is not null)
            {
                return _streamErrors.TryGetValue(sessionId, out var error) ? error : null;
            }

            return _streamErrors.Count > 0 ? _streamErrors.Values.Last() : null;
        }
    }

    /// <summary>The error behind an UnknownError's <c>ref</c>.</summary>
    public (string Name, string Message)? Failure(string reference)
    {
        lock (_gate)
        {
            return _failures.TryGetValue(reference, out var failure) ? failure : null;
        }
    }

    /// <summary>Non-log lines, ANSI colours removed, the last <see cref="MaxNotices"/>.</summary>
    public IReadOnlyList<string> Notices
    {
        get { lock (_gate) return [.. _notices]; }
    }

    /// <summary>
    /// The permissions a non-interactive run asked for and OpenCode refused on its own ("! permission requested:
    /// task; auto-rejecting"): the tool never ran, so whatever answer follows is not the task done.
    /// </summary>
    public IReadOnlyList<string> RejectedPermissions
    {
        get { lock (_gate) return [.. _rejected]; }
    }

    [GeneratedRegex(@"^!?\s*permission requested:\s*(?<permission>[\w.\-]+).*;\s*auto-rejecting", RegexOptions.CultureInvariant)]
    private static partial Regex Rejected();

    /// <summary>OpenCode's warnings to the user ("! agent … not found. Falling back to default agent").</summary>
    public IReadOnlyList<string> Warnings => Notices.Where(n => n.StartsWith('!')).Select(n => n.TrimStart('!', ' ')).ToList();

    /// <summary>"Name: message" (the way OpenCode logs errors) split, when it starts with an error name.</summary>
    internal static (string Name, string Message) SplitError(string text)
    {
        var match = ErrorName().Match(text);
        return match.Success ? (match.Groups[1].Value, text[match.Length..].Trim()) : ("Error", text);
    }

    /// <summary>key=value pairs; values in double quotes may hold spaces and \" \\ \n escapes.</summary>
    internal static Dictionary<string, string> Logfmt(string line)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        var i = 0;
        while (i < line.Length)
        {
            while (i < line.Length && line[i] == ' ')
            {
                i++;
            }

            var keyStart = i;
            while (i < line.Length && line[i] != '=' && line[i] != ' ')
            {
                i++;
            }

            var key = line[keyStart..i];
            if (i >= line.Length || line[i] != '=')
            {
                continue;
            }

            i++;
            string value;
            if (i < line.Length && line[i] == '"')
            {
                var text = new StringBuilder();
                for (i++; i < line.Length && line[i] != '"'; i++)
                {
                    if (line[i] == '\\' && i + 1 < line.Length)
                    {
                        i++;
                        text.Append(line[i] switch { 'n' => '\n', 't' => '\t', _ => line[i] });
                    }
                    else
                    {
                        text.Append(line[i]);
                    }
                }

                i++;
                value = text.ToString();
            }
            else
            {
                var valueStart = i;
                while (i < line.Length && line[i] != ' ')
                {
                    i++;
                }

                value = line[valueStart..i];
            }

            if (key.Length > 0)
            {
                fields[key] = value;
            }
        }

        return fields;
    }

    [GeneratedRegex(@"\x1b\[[0-9;]*[A-Za-z]")]
    private static partial Regex Ansi();

    [GeneratedRegex(@"^([A-Za-z_][\w.]*(?:Error|Exception)):\s*")]
    private static partial Regex ErrorName();
}
