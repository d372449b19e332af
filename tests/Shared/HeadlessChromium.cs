using System.Diagnostics;
using System.IO.Compression;
using Xunit;

namespace OpenCodeUsage.Tests;

/// <summary>
/// Debian's Chromium, headless, for the tests that render the HTML report. Without it those tests are skipped,
/// unless OPENCODEUSAGE_REQUIRE_CHROMIUM=1 (set by .ci/run, which installs it) says a missing browser is a failure.
/// Every run gets a new profile and the flags that stop Chromium's own background traffic, so the network log
/// holds only what the page asked for.
/// </summary>
internal static class HeadlessChromium
{
    public static string Binary()
    {
        var binary = new[] { "chromium", "chromium-browser" }
            .SelectMany(name => (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator).Select(dir => Path.Combine(dir, name)))
            .FirstOrDefault(File.Exists);
        if (binary is null && Environment.GetEnvironmentVariable("OPENCODEUSAGE_REQUIRE_CHROMIUM") == "1")
        {
            Assert.Fail("OPENCODEUSAGE_REQUIRE_CHROMIUM=1 but chromium was not found: apt-get install -y chromium.");
        }

        Skip.If(binary is null, "Chromium is not installed (apt-get install -y chromium); the rendering tests need it.");
        return binary!;
    }

    /// <summary>Runs Chromium headless on <paramref name="url"/> with <paramref name="extra"/> arguments; returns its stdout.</summary>
    public static string Run(string binary, string url, params string[] extra)
    {
        var profile = Directory.CreateTempSubdirectory("ocu-chromium-").FullName;
        try
        {
            var start = new ProcessStartInfo(binary)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in (string[])["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                         "--hide-scrollbars", $"--user-data-dir={profile}", .. extra, url])
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(90)))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"chromium did not finish in 90 s on {url}");
            }

            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"chromium exited with {process.ExitCode}: {stderr.Result}");
            return stdout.Result;
        }
        finally
        {
            try
            {
                Directory.Delete(profile, recursive: true);
            }
            catch (IOException)
            {
                // A renderer still closing may hold a file a moment; the temp folder is litter, not a failure.
            }
        }
    }
}

/// <summary>Reads an 8-bit RGB or RGBA PNG (what Chromium writes) into pixels, to tell a drawn page from a blank one.</summary>
internal sealed class Png
{
    public required int Width { get; init; }
    public required int Height { get; init; }

    /// <summary>RGB per pixel, row by row.</summary>
    public required byte[] Rgb { get; init; }

    public static Png Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.True(bytes.AsSpan(0, 8).SequenceEqual(new byte[] { 137, 80, 78, 71, 13, 10, 26, 10 }), $"{path} is no PNG");
        int width = 0, height = 0, channels = 0;
        using var idat = new MemoryStream();
        for (var at = 8; at < bytes.Length;)
        {
            var length = (bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3];
            var type = System.Text.Encoding.ASCII.GetString(bytes, at + 4, 4);
            var data = bytes.AsSpan(at + 8, length);
            if (type == "IHDR")
            {
                width = (data[0] << 24) | (data[1] << 16) | (data[2] << 8) | data[3];
                height = (data[4] << 24) | (data[5] << 16) | (data[6] << 8) | data[7];
                Assert.Equal(8, data[8]);
                channels = data[9] switch { 2 => 3, 6 => 4, _ => throw new NotSupportedException($"PNG colour type {data[9]}") };
                Assert.Equal(0, data[12]); // not interlaced
            }
            else if (type == "IDAT")
            {
                idat.Write(data);
            }

            at += 12 + length;
        }

        idat.Position = 0;
        using var inflate = new ZLibStream(idat, CompressionMode.Decompress);
        var stride = width * channels;
        var raw = new byte[(stride + 1) * height];
        inflate.ReadExactly(raw);
        var rgb = new byte[width * height * 3];
        var previous = new byte[stride];
        var line = new byte[stride];
        for (var y = 0; y < height; y++)
        {
            var filter = raw[y * (stride + 1)];
            Array.Copy(raw, y * (stride + 1) + 1, line, 0, stride);
            for (var i = 0; i < stride; i++)
            {
                int a = i >= channels ? line[i - channels] : 0, b = previous[i], c = i >= channels ? previous[i - channels] : 0;
                line[i] = (byte)(line[i] + filter switch
                {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => (a + b) / 2,
                    4 => Paeth(a, b, c),
                    _ => throw new InvalidDataException($"PNG filter {filter}"),
                });
            }

            for (var x = 0; x < width; x++)
            {
                Array.Copy(line, x * channels, rgb, (y * width + x) * 3, 3);
            }

            (previous, line) = (line, previous);
        }

        return new Png { Width = width, Height = height, Rgb = rgb };
    }

    /// <summary>The share of pixels that differ from the top-left one (the page background).</summary>
    public double InkShare()
    {
        var (r, g, b) = (Rgb[0], Rgb[1], Rgb[2]);
        var ink = 0;
        for (var i = 0; i < Rgb.Length; i += 3)
        {
            if (Rgb[i] != r || Rgb[i + 1] != g || Rgb[i + 2] != b)
            {
                ink++;
            }
        }

        return (double)ink / (Width * Height);
    }

    /// <summary>Distinct colours, counted up to a cap.</summary>
    public int Colours(int cap = 1000)
    {
        var seen = new HashSet<int>();
        for (var i = 0; i < Rgb.Length && seen.Count < cap; i += 3)
        {
            seen.Add((Rgb[i] << 16) | (Rgb[i + 1] << 8) | Rgb[i + 2]);
        }

        return seen.Count;
    }

    private static int Paeth(int a, int b, int c)
    {
        var p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
