namespace OpenCodeUsage.Bench.Generator;

/// <summary>What every writer shares: the output, the content random stream, ids, text and the totals.</summary>
internal sealed class Generation(DbWriter db, Random random, TextCorpus corpus, ExpectedTotals expected, GeneratorOptions options)
{
    public DbWriter Db { get; } = db;
    public Random Random { get; } = random;
    public OpenCodeIds Ids { get; } = new(random);
    public TextCorpus Corpus { get; } = corpus;
    public ExpectedTotals Expected { get; } = expected;
    public GeneratorOptions Options { get; } = options;

    /// <summary>Reused for every JSON document; callers take its text before building the next.</summary>
    public Json Json { get; } = new();

    public long Between(long min, long max) => Random.NextInt64(min, max + 1);

    public long LogNormal(double median, double sigma, long min, long max) =>
        Distributions.LogNormalLong(Random, median, sigma, min, max);

    public bool Chance(double probability) => Random.NextDouble() < probability;

    public string Prose(int chars) => Corpus.Text(Random, Corpus.Prose, chars);

    public string Code(int chars) => Corpus.Text(Random, Corpus.Code, chars);

    /// <summary>A tool output size: log-uniform 0.5 to 20 KB, times --output-scale.</summary>
    public int ToolOutputChars() => (int)(Distributions.LogUniform(Random, 512, 20 * 1024) * Options.OutputScale);
}
