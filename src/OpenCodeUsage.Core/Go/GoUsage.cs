namespace OpenCodeUsage.Go;

/// <summary>One window as OpenCode reports it.</summary>
internal sealed record GoReading(GoQuotaWindow Window, decimal Percent, GoQuotaStatus Status, DateTimeOffset? ResetsAt);

/// <summary>What one source said about the Go windows.</summary>
internal sealed record GoUsage(GoQuotaSource Source, string? WorkspaceId, IReadOnlyList<GoReading> Windows);
