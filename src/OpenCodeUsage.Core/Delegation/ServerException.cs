namespace OpenCodeUsage.Delegation;

/// <summary>The OpenCode server could not do what a step of the run needed; the run ends with this kind and message.</summary>
internal sealed class ServerException(DelegateFailureKind kind, string message) : Exception(message)
{
    public DelegateFailureKind Kind { get; } = kind;
}
