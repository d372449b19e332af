using OpenCodeUsage.IO;
using System.Text.Json;
using OpenCodeUsage.Discovery;

namespace OpenCodeUsage.Pricing;

/// <summary>
/// Model prices from the catalogue the user already has: OpenCode's cached models.json (a models.dev
/// snapshot) with the providers' costs from OpenCode's config on top, or one file the user names.
/// </summary>
internal sealed class PriceCatalog
{
    private readonly Dictionary<(string Provider, string Model), ModelPrice> _prices = new();

    public static PriceCatalog Empty { get; } = new();

    public int Count => _prices.Count;

    public ModelPrice? Find(string? provider, string? model) =>
        provider is not null && model is not null && _prices.TryGetValue((provider, model), out var price) ? price : null;

    /// <summary>Prices from <paramref name="path"/>: models.json's shape, or an OpenCode config file (its "provider" section).</summary>
    public static PriceCatalog FromFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new OpenCodeUsageException("PricingFileNotFound", FailureKind.NotFound, $"The pricing file '{path}' does not exist.", path);
        }

        var catalog = new PriceCatalog();
        catalog.Add(path, strict: true);
        return catalog;
    }

    /// <summary>The user's own catalogue; files that are missing or unreadable are passed over, since prices are an extra.</summary>
    public static PriceCatalog FromUserFiles(Func<string, string?> environment, ICollection<string> problems)
    {
        var catalog = new PriceCatalog();
        foreach (var file in DefaultFiles(environment))
        {
            if (File.Exists(file))
            {
                try
                {
                    catalog.Add(file, strict: false);
                }
                catch (OpenCodeUsageException ex)
                {
                    problems.Add(ex.Message);
                }
            }
        }

        return catalog;
    }

    /// <summary>models.json first, then config files in OpenCode's order, each overriding the one before.</summary>
    internal static IEnumerable<string> DefaultFiles(Func<string, string?> environment) =>
        OpenCodePaths.GlobalConfigFiles(environment).Prepend(OpenCodePaths.ModelsCache(environment));

    private void Add(string path, bool strict)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(RegularFile.ReadAllBytes(path, RegularFile.RecordCap), Jsonc.Options);
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            throw new OpenCodeUsageException("PricingFileInvalid", FailureKind.InvalidData,
                $"The pricing file '{path}' could not be read: {ex.Message}", path, ex);
        }

        using (document)
        {
            try
            {
                AddPrices(document.RootElement, path, strict);
            }
            catch (InvalidOperationException ex)
            {
                // A name that is not valid UTF-8 (or a lone surrogate escape) cannot be read as a string.
                throw new OpenCodeUsageException("PricingFileInvalid", FailureKind.InvalidData,
                    $"The pricing file '{path}' holds text that is not valid UTF-8.", path, ex);
            }
        }
    }

    private void AddPrices(JsonElement root, string path, bool strict)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            if (strict)
            {
                throw new OpenCodeUsageException("PricingFileInvalid", FailureKind.InvalidData,
                    $"The pricing file '{path}' is not a JSON object.", path);
            }

            return;
        }

        // An OpenCode config keeps providers under "provider"; models.json is the provider map itself.
        var providers = root.TryGetProperty("provider", out var section) && section.ValueKind == JsonValueKind.Object ? section : root;
        foreach (var provider in providers.EnumerateObject())
        {
            if (provider.Value.ValueKind != JsonValueKind.Object ||
                !provider.Value.TryGetProperty("models", out var models) || models.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            foreach (var model in models.EnumerateObject())
            {
                if (model.Value.ValueKind == JsonValueKind.Object &&
                    model.Value.TryGetProperty("cost", out var cost) && ReadRates(cost) is { } rates)
                {
                    var over = cost.TryGetProperty("context_over_200k", out var tier) ? ReadRates(tier) : null;
                    _prices[(provider.Name, model.Name)] = new ModelPrice(rates, over);
                }
            }
        }
    }

    private static PriceRates? ReadRates(JsonElement cost)
    {
        if (cost.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        decimal? Rate(string name) => Number(cost, name);

        var input = Rate("input");
        var output = Rate("output");
        if (input is null && output is null)
        {
            return null;
        }

        // OpenCode's own schema nests cache rates as cache.read/cache.write; models.dev flattens them.
        decimal? cacheRead = Rate("cache_read"), cacheWrite = Rate("cache_write");
        if (cost.TryGetProperty("cache", out var cache) && cache.ValueKind == JsonValueKind.Object)
        {
            cacheRead ??= Number(cache, "read");
            cacheWrite ??= Number(cache, "write");
        }

        return new PriceRates(input ?? 0, output ?? 0, cacheRead ?? 0, cacheWrite ?? 0, Rate("reasoning"));
    }

    private static decimal? Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetDecimal(out var d) ? d : null;
}
