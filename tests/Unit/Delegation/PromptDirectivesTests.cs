using OpenCodeUsage.Delegation;
using Xunit;

namespace OpenCodeUsage.Tests.Delegation;

public sealed class PromptDirectivesTests
{
    [Fact]
    public void Leading_directives_are_taken_off_with_the_blank_line_after_them()
    {
        var parsed = PromptDirectives.Parse("Model: anthropic/claude-sonnet-4-5\r\nvariant:high\n  AGENT :  plan  \n\n\nDo the task.\nModel: not/this\n");
        Assert.Equal("anthropic/claude-sonnet-4-5", parsed.Model);
        Assert.Equal("high", parsed.Variant);
        Assert.Equal("plan", parsed.Agent);
        Assert.Equal("Do the task.\nModel: not/this\n", parsed.Prompt);
    }

    [Theory]
    [InlineData("Model: the user wants a summary\nof this")]            // prose, not provider/model
    [InlineData("Agent: please be careful\nDo it")]                     // more than one word
    [InlineData("Do it\nModel: a/b")]                                   // not at the top
    [InlineData("Model:\nDo it")]                                       // no value
    [InlineData(" \nModel: a/b\nDo it")]                                // a blank line comes first
    public void Anything_else_is_left_alone(string prompt)
    {
        var parsed = PromptDirectives.Parse(prompt);
        Assert.Equal(prompt, parsed.Prompt);
        Assert.Null(parsed.Model);
        Assert.Null(parsed.Agent);
    }

    [Fact]
    public void Model_ids_may_hold_slashes_and_the_last_directive_wins()
    {
        var parsed = PromptDirectives.Parse("Model: a/b\nModel: openrouter/anthropic/claude-3.5\nx");
        Assert.Equal("openrouter/anthropic/claude-3.5", parsed.Model);
        Assert.Equal("x", parsed.Prompt);
    }

    [Fact]
    public void Parameters_win_over_directives()
    {
        var task = DelegateTask.From(new DelegateRequest
        {
            Prompt = "Model: mock/mock-smart\nAgent: plan\nVariant: low\nhello",
            Directory = "/p",
            Model = "mock/mock-reason",
            Variant = " ",
        });
        Assert.Equal("mock/mock-reason", task.Model);
        Assert.Equal("plan", task.Agent);
        Assert.Equal("low", task.Variant);
        Assert.Equal("hello", task.Prompt);
        Assert.Equal(("mock", "mock-reason"), task.SplitModel());
    }

    [Fact]
    public void An_empty_task_or_a_malformed_model_is_refused()
    {
        var empty = Assert.Throws<OpenCodeUsageException>(() => DelegateTask.From(new DelegateRequest { Prompt = "Model: a/b\n\n  \n", Directory = "/p" }));
        Assert.Equal("PromptEmpty", empty.ErrorId);
        var model = Assert.Throws<OpenCodeUsageException>(() => DelegateTask.From(new DelegateRequest { Prompt = "x", Directory = "/p", Model = "gpt-5" }));
        Assert.Equal("ModelInvalid", model.ErrorId);
        Assert.Equal(FailureKind.InvalidArgument, model.Kind);
    }
}
