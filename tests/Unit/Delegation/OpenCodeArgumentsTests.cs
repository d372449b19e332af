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
        var args = OpenCodeArguments.ForTask(Task("fix -m it", "mock/mock-fast", "high", "plan"), "ses_warm");
        Assert.Equal(
            ["--print-logs", "--log-level", "INFO", "run", "--format", "json", "-m", "mock/mock-fast", "--variant", "high", "--agent", "plan",
             "--session", "ses_warm", "--fork"],
            args);
        Assert.Equal(["--print-logs", "--log-level", "INFO", "run", "--format", "json"], OpenCodeArguments.ForTask(Task("hi"), null));
    }

    [Fact]
    public void The_warm_session_has_its_title_and_the_tasks_model()
    {
        var args = OpenCodeArguments.ForWarmSession("mock/mock-smart");
        Assert.Equal(["--print-logs", "--log-level", "INFO", "run", "--format", "json", "--title", OpenCodeArguments.WarmTitle, "-m", "mock/mock-smart"], args);
    }

    [Fact]
    public void The_display_form_quotes_what_PowerShell_would_split_or_interpret()
    {
        var text = CommandLineText.Format("/opt/open code/opencode", ["run", "--", "it's", "", "$HOME", "plain", "a\nb"]);
        Assert.Equal("& '/opt/open code/opencode' run '--' 'it''s' '' '$HOME' plain 'a\nb'", text);
    }
}
