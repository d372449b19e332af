using System.Management.Automation;

namespace OpenCodeUsage.Commands;

/// <summary>
/// What a cmdlet gathered over its input records: session ids and data paths, each record's own (piped objects
/// carry both). Tells "bound from a pipeline that brought nothing" from "not in a pipeline at all": the first
/// selects nothing, the second everything.
/// </summary>
internal sealed class PipelineInput
{
    private readonly List<string> _ids = [];
    private readonly List<string> _dataPaths = [];
    private int _records;

    /// <summary>Called from ProcessRecord, once per input record (once in all without a pipeline).</summary>
    public void Add(string[]? ids, string[]? dataPaths)
    {
        _records++;
        if (ids is not null)
        {
            _ids.AddRange(ids);
        }

        // A -DataPath typed on the command line comes with every record; one carried by piped objects varies.
        foreach (var path in dataPaths ?? [])
        {
            if (!_dataPaths.Contains(path, StringComparer.Ordinal))
            {
                _dataPaths.Add(path);
            }
        }
    }

    /// <summary>True when the command reads a pipeline and no object came down it: the answer is nothing.</summary>
    public bool IsEmpty(InvocationInfo invocation) => invocation.ExpectingInput && _records == 0;

    /// <summary>The ids given or piped in; null when none were (every session).</summary>
    public string[]? Ids => _ids.Count == 0 ? null : _ids.ToArray();

    /// <summary>Ids without wildcard characters: each must name a session, or it is reported as not found.</summary>
    public IReadOnlyList<string> ExactIds =>
        _ids.Where(id => !WildcardPattern.ContainsWildcardCharacters(id)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();

    /// <summary>The data paths given or carried by the piped objects, in order, each once; null when none were.</summary>
    public string[]? DataPaths => _dataPaths.Count == 0 ? null : _dataPaths.ToArray();
}
