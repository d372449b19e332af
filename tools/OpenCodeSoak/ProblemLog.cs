using System.Collections.Concurrent;

namespace OpenCodeSoak;

/// <summary>Errors and warnings from our side: counted all, the first few kept word for word for the report.</summary>
internal sealed class ProblemLog
{
    private const int Kept = 10;
    private readonly ConcurrentQueue<string> _samples = new();
    private int _errors;
    private int _warnings;

    public int Errors => _errors;

    public int Warnings => _warnings;

    public IReadOnlyList<string> Samples => [.. _samples];

    public void Error(string source, string text) => Keep(ref _errors, "error", source, text);

    public void Warning(string source, string text) => Keep(ref _warnings, "warning", source, text);

    private void Keep(ref int counter, string kind, string source, string text)
    {
        Interlocked.Increment(ref counter);
        if (_samples.Count < Kept)
        {
            _samples.Enqueue($"{kind} in `{source}`: {text}");
        }
    }
}
