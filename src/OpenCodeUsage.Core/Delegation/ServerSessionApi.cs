using System.Text.Json.Nodes;
using OpenCodeUsage.Server;

namespace OpenCodeUsage.Delegation;

/// <summary>A permission request or question a delegated session is waiting on; <see cref="What"/> names the permission.</summary>
internal sealed record PendingAsk(string Id, bool IsQuestion, string What);

/// <summary>
/// The routes and body shapes <see cref="ServerDelegate"/> uses, for one server generation (<see cref="V1SessionApi"/>,
/// <see cref="V2SessionApi"/>): the one place delegation's 1.x/2.x differences live. Every call goes through the
/// one <see cref="ServerClient"/>; failures are its <see cref="ServerException"/>s.
/// </summary>
internal abstract class ServerSessionApi(ServerClient client)
{
    protected ServerClient Client { get; } = client;

    public static ServerSessionApi For(ServerIdentity identity, ServerClient client) =>
        identity.Generation == ServerGeneration.V2 ? new V2SessionApi(client) : new V1SessionApi(client);

    /// <summary>"1.x" or "2.x", for messages.</summary>
    public abstract string Generation { get; }

    /// <summary>How the log says a session was stopped: "Aborted" (1.x) or "Interrupted" (2.x).</summary>
    public abstract string Stopped { get; }

    /// <summary>The requests one task makes, for -WhatIf; <paramref name="warm"/> null when the warm session would be made first.</summary>
    public abstract string Describe(DelegateTask task, string? warm);

    /// <summary>A setting of the task this generation cannot send, as a warning; null when there is none.</summary>
    public virtual string? Unsupported(DelegateTask task) => null;

    /// <summary>A new session for the task (with its model and agent where the generation sets them there), titled <paramref name="title"/>.</summary>
    public abstract Task<string> CreateAsync(DelegateTask task, string title, bool forWarm, CancellationToken token);

    /// <summary>Whether the server forks sessions; a server without the route gets every task in a new session.</summary>
    public virtual Task<bool> CanForkAsync(CancellationToken token) => Task.FromResult(true);

    /// <summary>A fork of <paramref name="warm"/>; a SessionNotFound <see cref="ServerException"/> when the server no longer knows it.</summary>
    public abstract Task<string> ForkAsync(DelegateTask task, string warm, CancellationToken token);

    /// <summary>Gives a fork its task's title (and, where the prompt cannot carry them, its model and agent); problems are warnings.</summary>
    public abstract Task PrepareForkAsync(DelegateTask task, string session, Action<string> warn, CancellationToken token);

    /// <summary>Sends the prompt without waiting for the answer.</summary>
    public abstract Task PromptAsync(DelegateTask task, string session, string text, CancellationToken token);

    /// <summary>
    /// Gives the new warm session its short prompt and returns once it is answered, with what that cost (null when the
    /// server does not say); <paramref name="waitIdle"/> waits the way a task does.
    /// </summary>
    public abstract Task<decimal?> WarmUpAsync(DelegateTask task, string session, Func<Task> waitIdle, CancellationToken token);

    /// <summary>Whether the session is running now, and the retry message while the provider is being retried.</summary>
    public abstract Task<(bool Busy, string? Retry)> StatusAsync(DelegateTask task, string session, CancellationToken token);

    /// <summary>The session's pending permission requests and questions; null when the server has no such routes.</summary>
    public abstract Task<IReadOnlyList<PendingAsk>?> PendingAsync(DelegateTask task, string session, CancellationToken token);

    /// <summary>Rejects one, as <c>opencode run</c> does.</summary>
    public abstract Task RejectAsync(DelegateTask task, string session, PendingAsk ask, CancellationToken token);

    /// <summary>Stops the session's running work (abort, interrupt).</summary>
    public abstract Task StopAsync(DelegateTask task, string session, CancellationToken token);

    /// <summary>Every message of the session, oldest first.</summary>
    public abstract Task<IReadOnlyList<ServerMessage>> MessagesAsync(DelegateTask task, string session, CancellationToken token);

    /// <summary>The session's own usage totals where the server keeps them (2.x); null otherwise or when they are empty.</summary>
    public virtual Task<StepUsage?> TotalsAsync(DelegateTask task, string session, CancellationToken token) => Task.FromResult<StepUsage?>(null);

    protected static string IdOf(JsonNode? session) =>
        session is JsonObject o && ServerMessage.Text(o, "id") is { } id
            ? id
            : throw new ServerException(DelegateFailureKind.Unknown, "The OpenCode server answered without a session id.");

    protected static string Escape(string segment) => Uri.EscapeDataString(segment);

    protected static string Settings(DelegateTask task)
    {
        var settings = string.Join(", ", new[] { ("model", task.Model), ("variant", task.Variant), ("agent", task.Agent) }
            .Where(s => s.Item2 is not null).Select(s => $"{s.Item1} {s.Item2}"));
        return settings.Length > 0 ? $" ({settings})" : string.Empty;
    }
}
