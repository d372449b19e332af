using System.Text;
using OpenCodeUsage.Delegation;
using Xunit;
using Xunit.Abstractions;

namespace OpenCodeUsage.Tests.Delegation;

/// <summary>
/// The model receives the prompt exactly, whatever it holds: checked at the mock, which records every request
/// the real OpenCode CLI sent it. Each prompt carries a unique marker so its request can be found.
/// </summary>
[Collection(DelegateCollection.Name)]
public sealed class LivePromptTests(DelegateSandbox live, ITestOutputHelper output)
{
    public static TheoryData<string, string> Prompts => new()
    {
        { "number", "say hello in 3 words" },
        { "numbers only", "42 7 3.5 -1 0x10 1e3" },
        { "quotes", "say \"hi\" and 'bye' and `tick` \\\" end" },
        { "leading dashes", "--help -m mock/mock-smart --format text - -- --fork" },
        { "newlines", "line one\nline two\r\n\n  indented\tand tabbed  \n" },
        { "spaces", "  two  spaces  at both ends  " },
        { "non-ASCII", "Grüße, 你好, こんにちは, Ελληνικά, emoji 🚀 and \u200b zero width" },
    };

    [SkippableTheory]
    [MemberData(nameof(Prompts))]
    public async Task The_model_receives_the_prompt_exactly(string label, string prompt)
    {
        var marker = "exact-" + Guid.NewGuid().ToString("N")[..12];
        var text = marker + " " + prompt;
        var received = await RunAsync(text);
        output.WriteLine($"{label}: sent {text.Length} chars, received {received.Length}");
        Assert.Equal(text, received);
    }

    [SkippableFact]
    public async Task A_prompt_of_a_megabyte_and_one_of_forty_four_thousand_CJK_characters_arrive_whole()
    {
        var marker = "exact-" + Guid.NewGuid().ToString("N")[..12];
        var cjk = marker + " " + string.Concat(Enumerable.Repeat("你", 43_691)); // 131,073+ bytes: one argument too many for Linux
        Assert.Equal(cjk, await RunAsync(cjk));

        var marker2 = "exact-" + Guid.NewGuid().ToString("N")[..12];
        var big = marker2 + " " + string.Concat(Enumerable.Range(0, (1 << 20) / 16).Select(i => $"w{i:x6} 123 \"q\" "));
        Assert.True(Encoding.UTF8.GetByteCount(big) >= 1 << 20);
        Assert.Equal(big, await RunAsync(big));
    }

    [Fact]
    public void A_prompt_with_a_NUL_is_refused_with_a_clear_error()
    {
        var error = Assert.Throws<OpenCodeUsageException>(() => DelegateTask.From(new DelegateRequest { Prompt = "before\0after", Directory = "/" }));
        Assert.Equal("PromptInvalid", error.ErrorId);
        Assert.Contains("NUL", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_prompt_never_reaches_the_command_line()
    {
        var task = new DelegateTask { Prompt = "secret-prompt 3 words", Directory = "/p" };
        foreach (var generation in new[] { CliGeneration.V1, CliGeneration.V2 })
        {
            Assert.DoesNotContain(OpenCodeArguments.ForTask(task, "ses_x", true, generation), a => a.Contains("secret-prompt", StringComparison.Ordinal));
        }
    }

    private async Task<string> RunAsync(string prompt)
    {
        var sandbox = await live.GetAsync();
        var marker = prompt[..18];
        var result = await DelegateSandbox.Runner(sandbox).RunAsync(DelegateSandbox.Task(sandbox, "alpha", prompt, fresh: true), CancellationToken.None);
        Assert.True(result.Status == DelegateStatus.Succeeded, $"{result.Status} {result.FailureKind}: {result.Error}");
        Assert.Equal(prompt, result.Prompt);
        // A prompt past the model's context makes OpenCode send a compaction request quoting it too: the task's own request is the first.
        return DelegateSandbox.RequestsWith(sandbox, marker).First(r => r.UserText.StartsWith(marker, StringComparison.Ordinal)).UserText;
    }
}
