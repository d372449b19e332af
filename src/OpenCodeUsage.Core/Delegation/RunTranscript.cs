using System.Text.Json;

namespace OpenCodeUsage.Delegation;

/// <summary>
/// The JSON events <c>opencode run --format json</c> prints, one per line (step_start, text, tool_use, reasoning,
/// step_finish, error), folded line by line as they arrive into what a result needs. A part OpenCode reports
/// twice counts once (keyed by part id); lines that are not events are ignored.
/// </summary>
public sealed class RunTranscript
{
    private readonly object _gate = new();
    private readonly Dictionary<string, (JsonElement Tokens, JsonElement Cost)> _steps = new(StringComparer.Ordinal);
    private readonly List<string> _messageOrder = [];
    private readonly Dictionary<string, List<(string PartId, string Text)>> _texts = new(StringComparer.Ordinal);
    private readonly List<EventError> _errors = [];
    private int _toolCalls;
    private int _events;

    /// <summary>The session the events belong to: the sessionID of the first event.</summary>
    public string? SessionId { get; private set; }

    public void Feed(string line)
    {
        var trimmed = line.AsSpan().Trim();
        if (trimmed.Length == 0 || trimmed[0] != '{')
        {
            return;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(trimmed.ToString());
        }
        catch (JsonException)
        {
            return;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
            {
                return;
            }

            lock (_gate)
            {
                _events++;
                if (SessionId is null && root.TryGetProperty("sessionID", out var session) && session.ValueKind == JsonValueKind.String)
                {
                    SessionId = session.GetString();
                }

                var part = root.TryGetProperty("part", out var p) && p.ValueKind == JsonValueKind.Object ? p : default;
                switch (type.GetString())
                {
                    case "step_finish" when part.ValueKind == JsonValueKind.Object:
                        _steps[Id(part) ?? $"step-{_steps.Count}"] = (Clone(part, "tokens"), Clone(part, "cost"));
                        break;
                    case "text" when part.ValueKind == JsonValueKind.Object:
                        AddText(part);
                        break;
                    case "tool_use":
                        _toolCalls++;
                        break;
                    case "error" when root.TryGetProperty("error", out var error):
                        var parsed = EventError.From(error);
                        if (!_errors.Contains(parsed))
                        {
                            _errors.Add(parsed);
                        }

                        break;
                }
            }
        }
    }

    /// <summary>Events seen, of any type.</summary>
    public int EventCount
    {
        get { lock (_gate) return _events; }
    }

    public int ToolCalls
    {
        get { lock (_gate) return _toolCalls; }
    }

    /// <summary>Distinct errors, in the order they came.</summary>
    public IReadOnlyList<EventError> Errors
    {
        get { lock (_gate) return [.. _errors]; }
    }

    /// <summary>The final answer: the text parts of the last message that had any text.</summary>
    public string? Text
    {
        get
        {
            lock (_gate)
            {
                for (var i = _messageOrder.Count - 1; i >= 0; i--)
                {
                    var texts = _texts[_messageOrder[i]].Select(t => t.Text).Where(t => t.Length > 0).ToList();
                    if (texts.Count > 0)
                    {
                        return string.Join("\n\n", texts);
                    }
                }

                return null;
            }
        }
    }

    internal StepUsage Usage
    {
        get
        {
            lock (_gate)
            {
                var usage = default(StepUsage);
                foreach (var (tokens, cost) in _steps.Values)
                {
                    usage.Add(tokens, cost);
                }

                return usage;
            }
        }
    }

    private void AddText(JsonElement part)
    {
        var message = part.TryGetProperty("messageID", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : string.Empty;
        var text = part.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : string.Empty;
        if (!_texts.TryGetValue(message, out var parts))
        {
            parts = [];
            _texts[message] = parts;
            _messageOrder.Add(message);
        }

        var id = Id(part) ?? $"text-{parts.Count}";
        var at = parts.FindIndex(x => x.PartId == id);
        if (at >= 0)
        {
            parts[at] = (id, text);
        }
        else
        {
            parts.Add((id, text));
        }
    }

    private static string? Id(JsonElement part) =>
        part.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;

    private static JsonElement Clone(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) ? value.Clone() : default;
}
