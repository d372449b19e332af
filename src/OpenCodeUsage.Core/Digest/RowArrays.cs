namespace OpenCodeUsage.Digest;

/// <summary>
/// Where digest rows live: exact arrays on the pinned object heap. Rows are the bulk of a large digest and live
/// as long as it does; born in the ordinary heap they would be copied from generation to generation while a scan
/// runs, and held twice meanwhile. The pinned heap takes them straight into the long-lived generation. They hold
/// no references, so pinning costs the collector nothing.
/// </summary>
internal static class RowArrays
{
    public static AssistantRow[] Allocate(int length) =>
        length == 0 ? [] : GC.AllocateUninitializedArray<AssistantRow>(length, pinned: true);

    /// <summary><paramref name="first"/> followed by <paramref name="second"/>, in a new exact array.</summary>
    public static AssistantRow[] Concat(AssistantRow[] first, AssistantRow[] second)
    {
        if (first.Length == 0)
        {
            return second;
        }

        if (second.Length == 0)
        {
            return first;
        }

        var rows = Allocate(first.Length + second.Length);
        first.CopyTo(rows, 0);
        second.CopyTo(rows, first.Length);
        return rows;
    }
}
