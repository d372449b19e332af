using System.Diagnostics.Tracing;
namespace OpenCodeUsage.Bench.Host;

/// <summary>Every method the JIT compiles while enabled (runtime events, verbose JIT keyword), for profiling.</summary>
internal sealed class JitLog : EventListener
{
    private readonly List<string> _methods = [];
    public volatile bool Recording;

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x10);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (!Recording || e.EventName is not "MethodLoadVerbose_V1" and not "MethodLoadVerbose_V2" || e.Payload is null)
        {
            return;
        }

        var ns = e.Payload[e.PayloadNames!.IndexOf("MethodNamespace")]?.ToString();
        var name = e.Payload[e.PayloadNames.IndexOf("MethodName")]?.ToString();
        var flags = Convert.ToInt64(e.Payload[e.PayloadNames.IndexOf("MethodFlags")]);
        lock (_methods)
        {
            _methods.Add($"{flags:x}\t{ns}::{name}");
        }
    }

    public void Save(string path)
    {
        lock (_methods)
        {
            File.WriteAllLines(path, _methods);
            _methods.Clear();
        }
    }
}
