using OpenCodeUsage.Delegation;
using Xunit;

namespace OpenCodeUsage.Tests.Delegation;

public sealed class OpenCodeArgumentsTests
{
    private static DelegateTask Task(string prompt, string? model = null, string? variant = null, string? agent = null) =>
        new() { Prompt = prompt, Directory = "/p", Model = model, Variant = variant, Agent = agent };

    [Fact]
    public void A_task_runs_with_logs_json_its_settings_and_the_fork_and_no_message_words()
    {
        var args = OpenCodeArguments.ForTask(Task("fix -m it", "mock/mock-fast", "high", "plan"), "ses_warm", true, CliGeneration.V1);
        Assert.Equal(
            ["--print-logs", "--log-level", "INFO", "run", "--format", "json", "-m", "mock/mock-fast", "--variant", "high", "--agent", "plan",
             "--session", "ses_warm", "--fork"],
            args);
        Assert.Equal(["--print-logs", "--log-level", "INFO", "run", "--format", "json"], OpenCodeArguments.ForTask(Task("hi"), null, false, CliGeneration.V1));
        // A fork made (and titled) beforehand is continued, not forked again.
        Assert.Equal(["--print-logs", "--log-level", "INFO", "run", "--format", "json", "--session", "ses_fork"],
            OpenCodeArguments.ForTask(Task("hi"), "ses_fork", false, CliGeneration.V1));
    }

    [Fact]
    public void On_2x_the_variant_rides_on_the_model_and_no_1x_only_flag_is_passed()
    {
        var args = OpenCodeArguments.ForTask(Task("fix -m it", "mock/mock-fast", "high", "plan"), "ses_warm", true, CliGeneration.V2);
        Assert.Equal(["run", "--format", "json", "-m", "mock/mock-fast#high", "--agent", "plan", "--session", "ses_warm", "--fork"], args);
        Assert.Equal(["run", "--format", "json", "-m", "openrouter/anthropic/claude-sonnet-4.5"],
            OpenCodeArguments.ForTask(Task("hi", "openrouter/anthropic/claude-sonnet-4.5"), null, false, CliGeneration.V2));
        Assert.Equal(["run", "--format", "json", "--title", OpenCodeArguments.WarmTitle, "-m", "mock/mock-smart"],
            OpenCodeArguments.ForWarmSession("mock/mock-smart", CliGeneration.V2));
    }

    [Fact]
    public void On_2x_a_variant_without_a_model_is_refused_with_a_clear_error()
    {
        var error = Assert.Throws<OpenCodeUsageException>(() => OpenCodeArguments.ForTask(Task("hi", variant: "high"), null, false, CliGeneration.V2));
        Assert.Equal("VariantNeedsModel", error.ErrorId);
        Assert.Contains("provider/model#variant", error.Message, StringComparison.Ordinal);
        Assert.Equal(["--print-logs", "--log-level", "INFO", "run", "--format", "json", "--variant", "high"],
            OpenCodeArguments.ForTask(Task("hi", variant: "high"), null, false, CliGeneration.V1));
    }

    [Fact]
    public void The_warm_session_has_its_title_and_the_tasks_model()
    {
        var args = OpenCodeArguments.ForWarmSession("mock/mock-smart", CliGeneration.V1);
        Assert.Equal(["--print-logs", "--log-level", "INFO", "run", "--format", "json", "--title", OpenCodeArguments.WarmTitle, "-m", "mock/mock-smart"], args);
    }

    [Theory]
    [InlineData("1.18.33\n", "1.18.33", CliGeneration.V1)]
    [InlineData("0.15.31", "0.15.31", CliGeneration.V1)]
    [InlineData("2.0.12\n", "2.0.12", CliGeneration.V2)]
    [InlineData("v2.0.3", "2.0.3", CliGeneration.V2)]
    [InlineData("opencode 2.1.0-beta.4\n", "2.1.0", CliGeneration.V2)]
    [InlineData("some banner\n3.0.0\n", "3.0.0", CliGeneration.V2)]
    public void The_generation_comes_from_the_version_the_binary_reports(string output, string number, CliGeneration generation)
    {
        var version = OpenCodeVersion.Parse(output);
        Assert.NotNull(version);
        Assert.Equal(Version.Parse(number), version.Number);
        Assert.Equal(generation, version.Generation);
    }

    [Theory]
    [InlineData("lildax vlocal\n")] // the real 2.0 preview's answer
    [InlineData("")]
    [InlineData("Error: unknown option --version")]
    [InlineData("built 2026-09-15 12:00")]
    public void What_is_no_version_is_not_read_as_one(string output) => Assert.Null(OpenCodeVersion.Parse(output));

    [Fact]
    public void The_display_form_quotes_what_PowerShell_would_split_or_interpret()
    {
        var text = CommandLineText.Format("/opt/open code/opencode", ["run", "--", "it's", "", "$HOME", "plain", "a\nb"]);
        Assert.Equal("& '/opt/open code/opencode' run '--' 'it''s' '' '$HOME' plain 'a\nb'", text);
    }
}
