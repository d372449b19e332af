namespace OpenCodeUsage.Delegation;

/// <summary>
/// A task ready to run: directives taken off the prompt and merged under the explicit settings. Both the run
/// and -WhatIf's description start from this, so what -WhatIf shows is what runs.
/// </summary>
public sealed record DelegateTask
{
    public required string Prompt { get; init; }
    public required string Directory { get; init; }
    public string? Model { get; init; }
    public string? Variant { get; init; }
    public string? Agent { get; init; }
    public bool Fresh { get; init; }
    public TimeSpan? Timeout { get; init; }

    /// <summary>The title the caller gave (-Title); null for the prompt's first line.</summary>
    public string? GivenTitle { get; init; }

    /// <summary>The session's title: <see cref="GivenTitle"/>, else the prompt's; its first line that holds anything, at most 100 characters.</summary>
    public string Title
    {
        get
        {
            var text = GivenTitle ?? Prompt;
            var line = text.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? text.Trim();
            return line.Length <= 100 ? line : line[..99] + "…";
        }
    }

    /// <summary>
    /// Applies the prompt's directives; explicit settings win. Fails with PromptInvalid for a NUL, PromptEmpty when nothing
    /// is left to send, and ModelInvalid for a model that is not provider/model.
    /// </summary>
    public static DelegateTask From(DelegateRequest request)
    {
        if (request.Prompt.Contains('\0', StringComparison.Ordinal))
        {
            // No channel to OpenCode carries a NUL (a C string ends there), so the model would get less than was asked.
            throw new OpenCodeUsageException("PromptInvalid", FailureKind.InvalidArgument,
                $"The prompt contains a NUL character (U+0000) at position {request.Prompt.IndexOf('\0', StringComparison.Ordinal)}; OpenCode cannot receive it. Remove it and try again.",
                null);
        }

        var parsed = PromptDirectives.Parse(request.Prompt);
        if (string.IsNullOrWhiteSpace(parsed.Prompt))
        {
            throw new OpenCodeUsageException("PromptEmpty", FailureKind.InvalidArgument,
                "The prompt is empty once its directive lines are taken off.", request.Prompt);
        }

        var model = Blank(request.Model) ?? parsed.Model;
        if (model is not null && !PromptDirectives.IsModel(model))
        {
            throw new OpenCodeUsageException("ModelInvalid", FailureKind.InvalidArgument,
                $"'{model}' is not a model in the form provider/model, e.g. anthropic/claude-sonnet-4-5.", model);
        }

        return new DelegateTask
        {
            Prompt = parsed.Prompt,
            Directory = request.Directory,
            Model = model,
            Variant = Blank(request.Variant) ?? parsed.Variant,
            Agent = Blank(request.Agent) ?? parsed.Agent,
            GivenTitle = Blank(request.Title),
            Fresh = request.Fresh,
            Timeout = request.Timeout,
        };
    }

    /// <summary>The provider and model ids of <see cref="Model"/>; the model id may itself contain slashes.</summary>
    public (string ProviderId, string ModelId)? SplitModel()
    {
        if (Model is null)
        {
            return null;
        }

        var slash = Model.IndexOf('/');
        return (Model[..slash], Model[(slash + 1)..]);
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
