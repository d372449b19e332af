namespace OpenCodeFixture.Scenario;

/// <summary>
/// The fixture's fixed world, the same as make-real-db.sh's: two providers pointing at the mock
/// (an OpenAI-compatible one and an Anthropic one), four priced models, two git projects.
/// </summary>
public static class FixtureConfig
{
    public const string FastModel = "mock/mock-fast";
    public const string SmartModel = "mock/mock-smart";
    public const string ReasonModel = "mock/mock-reason";
    public const string AnthropicModel = "mockant/claude-mock-sonnet";

    /// <summary>The round-robin order of fresh sessions.</summary>
    public static readonly IReadOnlyList<string> Models = [FastModel, SmartModel, ReasonModel, AnthropicModel];

    public static readonly IReadOnlyList<string> Projects = ["alpha", "beta"];

    /// <summary>The mock provider's key comes from the environment (config <c>{env:MOCK_API_KEY}</c>)…</summary>
    public const string MockApiKeyVariable = "MOCK_API_KEY";
    public const string MockApiKey = "sk-mock-openai-compatible";

    /// <summary>…and the Anthropic mock's from auth.json, so both credential paths are exercised.</summary>
    public const string AnthropicAuthKey = "sk-mock-anthropic-from-auth-json";

    /// <summary>Prices are per million tokens, as in OpenCode's model catalogue.</summary>
    public static string OpenCodeJson(Uri mockBaseUri)
    {
        var baseUrl = mockBaseUri.ToString().TrimEnd('/');
        return $$"""
            {
              "$schema": "https://opencode.ai/config.json",
              "autoupdate": false,
              "share": "disabled",
              "model": "mock/mock-fast",
              "small_model": "mock/mock-fast",
              "provider": {
                "mock": {
                  "npm": "@ai-sdk/openai-compatible",
                  "name": "Mock OpenAI-compatible",
                  "options": { "baseURL": "{{baseUrl}}", "apiKey": "{env:MOCK_API_KEY}" },
                  "models": {
                    "mock-fast":   { "name": "Mock Fast",   "tool_call": true,
                                     "cost": { "input": 1, "output": 2, "cache_read": 0.1, "cache_write": 1.25 },
                                     "limit": { "context": 128000, "output": 8192 } },
                    "mock-smart":  { "name": "Mock Smart",  "tool_call": true,
                                     "cost": { "input": 3, "output": 15, "cache_read": 0.3, "cache_write": 3.75 },
                                     "limit": { "context": 200000, "output": 16000 } },
                    "mock-reason": { "name": "Mock Reason", "tool_call": true, "reasoning": true,
                                     "cost": { "input": 5, "output": 25, "cache_read": 0.5, "cache_write": 6.25 },
                                     "limit": { "context": 200000, "output": 32000 } }
                  }
                },
                "mockant": {
                  "npm": "@ai-sdk/anthropic",
                  "name": "Mock Anthropic",
                  "options": { "baseURL": "{{baseUrl}}" },
                  "models": {
                    "claude-mock-sonnet": { "name": "Claude Mock Sonnet", "tool_call": true,
                                            "cost": { "input": 3, "output": 15, "cache_read": 0.3, "cache_write": 3.75 },
                                            "limit": { "context": 200000, "output": 64000 } }
                  }
                }
              }
            }

            """;
    }

    public static string AuthJson => $$"""
        {
          "mockant": {
            "type": "api",
            "key": "{{AnthropicAuthKey}}"
          }
        }

        """;

    /// <summary>The project's README; with the fixed author and dates below it makes a stable root commit (= project id).</summary>
    public static string ProjectReadme(string project) => $"# {project}\nfixture project for opencode data tests\n";

    public const string GitIdentity = "fixture";
    public const string GitEmail = "fixture@example.invalid";
    public const string GitDate = "2025-01-01T00:00:00Z";
}
