using System.Text.Json;

namespace OpenCodeUsage.Delegation;

/// <summary>An error as OpenCode reports it: <c>{name, data: {message, statusCode?, ref?}}</c>; a 2.x server's replies say <c>{_tag, message}</c>.</summary>
public sealed record EventError(string Name, string Message, int? StatusCode, string? Reference)
{
    public static EventError From(JsonElement error)
    {
        var name = error.ValueKind == JsonValueKind.Object && error.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String
            ? n.GetString()!
            : error.ValueKind == JsonValueKind.Object && Text(error, "_tag") is { } tag ? tag : "UnknownError";
        string? message = null, reference = null;
        int? status = null;
        if (error.ValueKind == JsonValueKind.Object && error.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object)
        {
            message = Text(data, "message");
            reference = Text(data, "ref");
            if (data.TryGetProperty("statusCode", out var code) && code.ValueKind == JsonValueKind.Number && code.TryGetInt32(out var value))
            {
                status = value;
            }
        }
        else if (error.ValueKind == JsonValueKind.String)
        {
            message = error.GetString();
        }
        else if (error.ValueKind == JsonValueKind.Object)
        {
            message = Text(error, "message");
        }

        return new EventError(name, message ?? name, status, reference);
    }

    public DelegateFailureKind Kind => FailureClassifier.Classify(Name, Message, StatusCode);

    private static string? Text(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
