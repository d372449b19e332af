namespace OpenCodeUsage.Bench.Generator;

/// <summary>A model a session can use, with its per-million-token prices (models.dev, late 2026).</summary>
/// <param name="WritesCache">Anthropic-style prompt caching: new prompt tokens are billed as cache writes.</param>
/// <param name="Reasoning">Emits reasoning parts and reasoning tokens.</param>
internal sealed record ModelInfo(
    string Provider, string Model, decimal Input, decimal Output, decimal CacheRead, decimal CacheWrite,
    bool Reasoning, bool WritesCache, int Weight)
{
    /// <summary>OpenCode's formula: reasoning is billed at the output price, on top of output.</summary>
    public decimal Cost(in Usage usage) =>
        (usage.Input * Input + usage.Output * Output + usage.CacheRead * CacheRead +
         usage.CacheWrite * CacheWrite + usage.Reasoning * Output) / 1_000_000m;
}

/// <summary>The fixed vocabulary of the generated data: models, projects, tools, words.</summary>
internal static class Catalog
{
    // Free (opencode/grok-code) and subscription (github-copilot, zai-coding-plan) models store cost 0,
    // as OpenCode does for them.
    public static readonly ModelInfo[] Models =
    [
        new("anthropic", "claude-sonnet-4-5", 3m, 15m, 0.3m, 3.75m, Reasoning: true, WritesCache: true, Weight: 30),
        new("anthropic", "claude-opus-4-5", 5m, 25m, 0.5m, 6.25m, Reasoning: true, WritesCache: true, Weight: 9),
        new("anthropic", "claude-haiku-4-5", 1m, 5m, 0.1m, 1.25m, Reasoning: false, WritesCache: true, Weight: 6),
        new("openai", "gpt-5", 1.25m, 10m, 0.125m, 0m, Reasoning: true, WritesCache: false, Weight: 12),
        new("openai", "gpt-5.1-codex", 1.25m, 10m, 0.125m, 0m, Reasoning: true, WritesCache: false, Weight: 10),
        new("google", "gemini-2.5-pro", 1.25m, 10m, 0.31m, 0m, Reasoning: true, WritesCache: false, Weight: 8),
        new("deepseek", "deepseek-chat", 0.28m, 0.42m, 0.028m, 0m, Reasoning: false, WritesCache: false, Weight: 4),
        new("opencode", "grok-code", 0m, 0m, 0m, 0m, Reasoning: true, WritesCache: false, Weight: 9),
        new("github-copilot", "claude-sonnet-4.5", 0m, 0m, 0m, 0m, Reasoning: false, WritesCache: false, Weight: 7),
        new("zai-coding-plan", "glm-4.6", 0m, 0m, 0m, 0m, Reasoning: true, WritesCache: false, Weight: 5),
    ];

    public static readonly string[] ProjectNames =
    [
        "api-server", "web-app", "infra", "mobile-app", "cli-tools", "docs-site", "data-pipeline", "auth-service",
        "billing", "design-system", "ml-experiments", "scripts", "search", "notifications", "admin-panel", "sdk",
    ];

    /// <summary>Tools and how often the model calls them.</summary>
    public static readonly (string Name, int Weight)[] Tools =
    [
        ("read", 34), ("bash", 24), ("edit", 15), ("grep", 10), ("glob", 5), ("write", 5), ("todowrite", 5), ("webfetch", 2),
    ];

    public static readonly string[] Adjectives =
    [
        "shiny", "nimble", "stellar", "misty", "quick", "jolly", "neon", "brave", "calm", "eager", "gentle", "happy",
        "lucky", "mighty", "proud", "silent", "swift", "witty", "bold", "bright", "cosmic", "crisp", "fuzzy", "golden",
    ];

    public static readonly string[] Nouns =
    [
        "planet", "eagle", "harbor", "squid", "engine", "knight", "river", "pixel", "falcon", "comet", "forest", "garden",
        "island", "lantern", "meadow", "orbit", "panda", "rocket", "summit", "tiger", "voyage", "willow", "canyon", "otter",
    ];

    public static readonly string[] TitleVerbs =
    [
        "Fix", "Add", "Refactor", "Investigate", "Update", "Implement", "Debug", "Remove", "Document", "Optimize",
        "Migrate", "Review", "Speed up", "Clean up", "Test",
    ];

    public static readonly string[] TitleObjects =
    [
        "flaky test in", "pagination for", "error handling in", "caching layer of", "login flow of", "build script for",
        "CI pipeline for", "database migration for", "API client of", "config loader in", "retry logic in",
        "logging in", "unit tests for", "type errors in", "memory leak in", "rate limiting in",
    ];

    public static readonly string[] TitleTargets =
    [
        "parser", "auth module", "user service", "dashboard", "payments", "scheduler", "CLI", "webhook handler",
        "search index", "exporter", "session store", "image resizer", "settings page", "job queue",
    ];

    public static readonly string[] SourceFiles =
    [
        "src/index.ts", "src/server.ts", "src/routes/users.ts", "src/db/schema.ts", "src/lib/cache.ts", "src/auth/session.ts",
        "src/components/Table.tsx", "src/components/Header.tsx", "test/users.test.ts", "package.json", "README.md",
        "src/util/retry.ts", "src/jobs/worker.ts", "src/config.ts", "scripts/migrate.sh", "src/api/client.ts",
    ];

    public static readonly string[] Commands =
    [
        "npm test", "npm run build", "git status", "git diff", "bun test", "npx tsc --noEmit", "ls -la src",
        "npm run lint", "go test ./...", "cargo check", "pytest -q", "git log --oneline -20",
    ];

    public static T Pick<T>(Random random, T[] items) => items[random.Next(items.Length)];

    public static ModelInfo PickModel(Random random)
    {
        var roll = random.Next(Models.Sum(m => m.Weight));
        foreach (var model in Models)
        {
            roll -= model.Weight;
            if (roll < 0)
            {
                return model;
            }
        }

        return Models[0];
    }

    public static string PickTool(Random random)
    {
        var roll = random.Next(Tools.Sum(t => t.Weight));
        foreach (var (name, weight) in Tools)
        {
            roll -= weight;
            if (roll < 0)
            {
                return name;
            }
        }

        return Tools[0].Name;
    }
}
