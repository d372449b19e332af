using System.Globalization;

namespace OpenCodeUsage.Bench.Generator;

/// <summary>Command line: --size S|M|L, --seed N, --out PATH, --template PATH, --output-scale X, --generation 1|2.</summary>
internal sealed record GeneratorOptions(string Size, int Seed, string Out, string Template, double OutputScale, int Generation = 1)
{
    public const string Usage =
        "usage: OpenCodeUsage.Bench.Generator --size S|M|L --out <dir>/opencode.db [--seed N] [--template opencode.db] [--output-scale X] [--generation 1|2]";

    /// <summary>Messages (user + assistant rows, fork copies included) per size.</summary>
    public int MessageBudget => Size switch
    {
        "S" => 25_000,
        "M" => 250_000,
        "L" => 1_000_000,
        _ => throw new ArgumentException($"unknown size '{Size}'"),
    };

    /// <summary>Projects the sessions are spread over (plus OpenCode's "global" one for non-git folders).</summary>
    public int Projects => Size switch { "S" => 4, "M" => 8, _ => 12 };

    public static GeneratorOptions Parse(string[] args)
    {
        string size = "M", output = "", template = "";
        int seed = 1;
        double scale = 0.2;
        var generation = 1;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--size": size = value.ToUpperInvariant(); break;
                case "--seed": seed = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--out": output = value; break;
                case "--template": template = value; break;
                case "--output-scale": scale = double.Parse(value, CultureInfo.InvariantCulture); break;
                case "--generation": generation = value is "1" or "2" ? int.Parse(value, CultureInfo.InvariantCulture) : throw new ArgumentException("--generation is 1 or 2"); break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }

            i++;
        }

        if (output.Length == 0)
        {
            throw new ArgumentException("--out is required");
        }

        var options = new GeneratorOptions(size, seed, Path.GetFullPath(output),
            template.Length > 0 ? template : SchemaTemplate.DefaultPath(), scale, generation);
        _ = options.MessageBudget; // validates the size
        return options;
    }
}
