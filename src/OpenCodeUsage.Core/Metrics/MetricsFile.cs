using OpenCodeUsage.IO;

namespace OpenCodeUsage.Metrics;

/// <summary>
/// The file node_exporter's textfile collector reads (*.prom in its --collector.textfile.directory): replaced
/// atomically, since the collector may read at any moment and a half-written file would fail its whole scrape.
/// </summary>
public static class MetricsFile
{
    public static void Write(string path, MetricSet metrics) => AtomicFile.Write(path, metrics.ToUtf8(), "MetricsWriteFailed");
}
