using System.Net.Http.Headers;
using System.Text;

namespace OpenCodeUsage.Metrics;

/// <summary>
/// Pushes metrics to a Prometheus Pushgateway: a PUT to /metrics/job/&lt;job&gt;/machine/&lt;machine&gt;, which
/// replaces that group's metrics as a whole, so each machine's push holds its current totals and one machine never
/// overwrites another's. Label values go base64url-encoded in the path, so any machine name (with / or spaces) works.
/// </summary>
public static class Pushgateway
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    /// <summary>The group URL of <paramref name="job"/> and <paramref name="machine"/> under <paramref name="gateway"/>.</summary>
    public static Uri GroupUri(Uri gateway, string job, string machine)
    {
        if (!gateway.IsAbsoluteUri || (gateway.Scheme != Uri.UriSchemeHttp && gateway.Scheme != Uri.UriSchemeHttps))
        {
            throw new OpenCodeUsageException("PushGatewayInvalid", FailureKind.InvalidArgument,
                $"'{gateway}' is not an http or https address of a Pushgateway.", gateway);
        }

        if (job.Length == 0)
        {
            throw new OpenCodeUsageException("PushGatewayInvalid", FailureKind.InvalidArgument, "The Pushgateway job name is empty.", job);
        }

        var root = gateway.GetLeftPart(UriPartial.Path).TrimEnd('/');
        return new Uri($"{root}/metrics/job@base64/{Base64Url(job)}/machine@base64/{Base64Url(machine)}");
    }

    public static void Push(Uri gateway, string job, string machine, MetricSet metrics, CancellationToken cancellationToken)
    {
        var target = GroupUri(gateway, job, machine);
        using var http = new HttpClient { Timeout = Timeout };
        using var content = new ByteArrayContent(metrics.ToUtf8());
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(MetricSet.ContentType);
        try
        {
            using var response = http.PutAsync(target, content, cancellationToken).GetAwaiter().GetResult();
            if (!response.IsSuccessStatusCode)
            {
                var body = response.Content.ReadAsStringAsync(cancellationToken).GetAwaiter().GetResult();
                throw new OpenCodeUsageException("MetricsPushFailed", FailureKind.Unavailable,
                    $"The Pushgateway at '{gateway}' refused the metrics: {(int)response.StatusCode} {response.ReasonPhrase}. {Shorten(body)}".TrimEnd(), target);
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new OpenCodeUsageException("MetricsPushFailed", FailureKind.Unavailable,
                $"The metrics could not be pushed to '{gateway}': {(ex is TaskCanceledException ? $"no answer within {Timeout.TotalSeconds:0} s" : ex.Message)}", target, ex);
        }
    }

    /// <summary>The Pushgateway's base64url form of a label value (RFC 4648 §5, padding kept, which it accepts; "=" for an empty one).</summary>
    internal static string Base64Url(string value) => value.Length == 0 ? "=" :
        Convert.ToBase64String(Encoding.UTF8.GetBytes(value)).Replace('+', '-').Replace('/', '_');

    private static string Shorten(string text)
    {
        text = text.Trim();
        return text.Length <= 300 ? text : text[..300] + "…";
    }
}
