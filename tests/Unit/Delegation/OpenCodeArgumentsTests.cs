using OpenCodeUsage.Delegation;
using Xunit;

namespace OpenCodeUsage.Tests.Delegation;

public sealed class OpenCodeArgumentsTests
{
    private static DelegateTask Task(string prompt, string? model = null, string? variant = null, string? agent = null) =>
        new() { Prompt = prompt, Directory = "/p", Model = model, Variant = variant, Agent = agent };

    [Fact]
    public void A_task_runs_with_logs_json_its_settings_the_fork_and_the_prompt_after_a_double_dash()
    {
        var args = OpenCodeArguments.ForTask(Task("fix -m it", "mock/mock-fast", "high", "plan"), "ses_warm");
        Assert.Equal(
            ["--print-logs", "--log-level", "INFO", "run", "--format", "json", "-m", "mock/mock-fast", "--variant", "high", "--agent", "plan",
             "--session", "ses_warm", "--fork", "--", "fix", "-m", "it"],
            args);
        Assert.Equal(["--print-logs", "--log-level", "INFO", "run", "--format", "json", "--", "hi"], OpenCodeArguments.ForTask(Task("hi"), null));
    }

    [Fact]
    public void The_prompt_is_split_at_every_space_so_OpenCode_joins_it_back_exactly()
    {
        // OpenCode joins message words with one space and wraps a word containing a space in quotes.
        const string prompt = "  two  spaces, \"quotes\", tabs\tand\nnew lines ";
        var args = OpenCodeArguments.ForTask(Task(prompt), null);
        var words = args.Skip(args.ToList().IndexOf("--") + 1).ToList();
        Assert.DoesNotContain(words, w => w.Contains(' '));
        Assert.Equal(prompt, string.Join(' ', words));
    }

    [Fact]
    public void The_warm_session_has_its_title_the_tasks_model_and_a_short_prompt()
    {
        var args = OpenCodeArguments.ForWarmSession("mock/mock-smart");
        Assert.Equal(["--print-logs", "--log-level", "INFO", "run", "--format", "json", "--title", OpenCodeArguments.WarmTitle, "-m", "mock/mock-smart", "--"],
            args.Take(11));
        Assert.Equal(OpenCodeArguments.WarmPrompt, string.Join(' ', args.Skip(11)));
    }

    [Fact]
    public void Only_a_prompt_too_long_for_the_command_line_goes_through_standard_input()
    {
        Assert.False(OpenCodeArguments.PromptOnStandardInput("short"));
        var huge = new string('x', 1_100_000);
        Assert.True(OpenCodeArguments.PromptOnStandardInput(huge));
        Assert.DoesNotContain("--", OpenCodeArguments.ForTask(Task(huge), null));
    }

    [Fact]
    public void The_display_form_quotes_what_PowerShell_would_split_or_interpret()
    {
        var text = CommandLineText.Format("/opt/open code/opencode", ["run", "--", "it's", "", "$HOME", "plain", "a\nb"]);
        Assert.Equal("& '/opt/open code/opencode' run '--' 'it''s' '' '$HOME' plain 'a\nb'", text);
    }
}
