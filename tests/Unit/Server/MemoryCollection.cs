using Xunit;

namespace OpenCodeUsage.Tests.Server;

/// <summary>
/// Tests that bound memory by GC.GetTotalAllocatedBytes, which counts every thread of the process: they run alone,
/// or other tests' allocations land in their measure (a full run measured 138 MiB where the reader took a few).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryCollection
{
    public const string Name = "Allocation bounds";
}
